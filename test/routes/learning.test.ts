import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sendDelayedQuizReminders } from '#src/capabilities/learning/quizzes/learning.service.ts'
import { VERBS, VIDEO } from '#src/capabilities/learning/quizzes/learning.statements.ts'
import { queryStatements } from '#src/capabilities/learning/xapi/xapi.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createItemInState } from '#test/support/published.ts'
import { call, createTestRounds, signIn, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

const quiz = {
  questions: [
    {
      id: 'q1',
      type: 'single',
      prompt: 'First-line drug in anaphylaxis?',
      objective: 'Treat anaphylaxis',
      explanation: 'IM adrenaline 0.5 mg into the anterolateral thigh.',
      options: [
        { id: 'a', text: 'IM adrenaline', correct: true },
        { id: 'b', text: 'Oral chlorphenamine' },
      ],
    },
    {
      id: 'q2',
      type: 'multiple',
      prompt: 'Which are features of anaphylaxis?',
      objective: 'Recognise anaphylaxis',
      explanation: 'Airway, breathing or circulation problems with skin changes.',
      options: [
        { id: 'a', text: 'Stridor', correct: true },
        { id: 'b', text: 'Hypotension', correct: true },
        { id: 'c', text: 'Bradycardia alone' },
      ],
    },
  ],
}

// biome-ignore lint/suspicious/noExplicitAny: stored statements are JSON, read by the assertions
type Statement = Record<string, any>

/** Form bodies as a browser sends them. */
function form(pairs: [string, string][]): string {
  return new URLSearchParams(pairs).toString()
}

describe.each(testDialects)('learners on %s', (dialect) => {
  let rounds: TestRounds
  const clock = manualClock(new Date('2026-12-01T09:00:00.000Z'))
  let org: { id: string; slug: string }
  let itemId: string
  let plainItemId: string
  let editor: { id: string; email: string }

  const page = (path: string, cookie?: string, init: RequestInit = {}) =>
    rounds.app.request(path, {
      ...init,
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
    })
  const post = (
    path: string,
    cookie: string | undefined,
    body: string,
    headers: Record<string, string> = {},
  ) =>
    page(path, cookie, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_BASE_URL, ...headers },
    })
  const learn = () => `/orgs/${org.slug}/items/${itemId}/learn`
  const statements = async (verb?: string) =>
    (
      await queryStatements(rounds.learning, org.id, {
        filters: { ...(verb ? { verb } : {}), limit: 500, ascending: true },
      })
    ).statements as Statement[]

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    org = await createTestOrganisation(rounds)
    const author = await createTestMember(rounds, org.id, ['author'])
    editor = await createTestMember(rounds, org.id, ['editor'])
    const item = await createItemInState(rounds, {
      organisationId: org.id,
      authorId: author.id,
      state: 'published',
      published: true,
      kind: 'video',
      fields: {
        title: 'Anaphylaxis in five minutes',
        body: 'Give IM adrenaline first.',
        learningObjectives: ['Treat anaphylaxis', 'Recognise anaphylaxis'],
        media: [{ id: 'vid-1', kind: 'video', altText: 'A nurse giving IM adrenaline' }],
        quiz: quiz as never,
      },
    })
    itemId = item.id
    plainItemId = (
      await createItemInState(rounds, {
        organisationId: org.id,
        authorId: author.id,
        state: 'published',
        published: true,
        fields: { title: 'No quiz here', body: 'Just reading.' },
      })
    ).id
  })
  afterAll(() => rounds?.close())

  it('links the quiz from the public item page, with the player script, only when there is one', async () => {
    const withQuiz = await (await page(`/orgs/${org.slug}/items/${itemId}`)).text()
    expect(withQuiz).toContain(`href="/orgs/${org.slug}/items/${itemId}/learn"`)
    expect(withQuiz).toContain('data-media-id="vid-1"')
    expect(withQuiz).toContain(`data-endpoint="/api/orgs/${org.slug}/items/${itemId}/learning/events"`)
    const without = await (await page(`/orgs/${org.slug}/items/${plainItemId}`)).text()
    expect(without).not.toContain('/learn"')
    const none = await page(`/orgs/${org.slug}/items/${plainItemId}/learn`)
    expect(none.status).toBe(404)
    expect(none.headers.get('content-type')).toContain('text/html')
    expect(await none.text()).toContain('this item has no quiz')
    const script = await rounds.app.request('/learning/player.js')
    expect(script.headers.get('content-type')).toContain('javascript')
  })

  it('asks for consent first and records nothing before it', async () => {
    const res = await page(learn())
    expect(res.status).toBe(200)
    expect(res.headers.get('set-cookie')).toBeNull()
    const body = await res.text()
    expect(body).toContain('What is recorded')
    expect(body).toContain('no name, e-mail address')
    // Without consent the quiz sends the learner back to the consent page, and events are dropped.
    expect((await page(`${learn()}/pre`)).headers.get('location')).toBe(learn())
    const event = await call(rounds, 'POST', `/api/orgs/${org.slug}/items/${itemId}/learning/events`, {
      body: { type: 'viewed' },
    })
    expect(await event.json()).toEqual({ recorded: false })
    expect(await statements()).toHaveLength(0)
  })

  it('takes an anonymous learner through pre quiz, content, post quiz and feedback, as xAPI statements', async () => {
    const consent = await post(`${learn()}/consent`, undefined, '')
    expect(consent.status).toBe(303)
    expect(consent.headers.get('location')).toBe(`${learn()}/pre`)
    const setCookie = consent.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(/rounds_learner=[A-Za-z0-9_-]{32}/)
    expect(setCookie).toContain('HttpOnly')
    expect(setCookie).toContain('SameSite=Lax')
    const cookie = setCookie.split(';')[0] as string
    const learnerId = cookie.split('=')[1] as string

    const preForm = await (await page(`${learn()}/pre`, cookie)).text()
    expect(preForm).toContain('name="q.q1" value="a"')
    expect(preForm).toContain('type="checkbox" name="q.q2"')

    // An incomplete form is shown again, nothing stored.
    const partial = await post(`${learn()}/pre`, cookie, form([['q.q1', 'b']]))
    expect(partial.status).toBe(400)
    expect(await partial.text()).toContain('Answer every question')

    const pre = await post(
      `${learn()}/pre`,
      cookie,
      form([
        ['q.q1', 'b'],
        ['q.q2', 'a'],
      ]),
    )
    expect(pre.status).toBe(303)
    expect(pre.headers.get('location')).toBe(`/orgs/${org.slug}/items/${itemId}#main`)
    // The pre quiz is taken once.
    expect(
      (
        await post(
          `${learn()}/pre`,
          cookie,
          form([
            ['q.q1', 'a'],
            ['q.q2', 'a'],
          ]),
        )
      ).status,
    ).toBe(409)

    const viewed = await call(rounds, 'POST', `/api/orgs/${org.slug}/items/${itemId}/learning/events`, {
      cookie,
      body: { type: 'viewed' },
    })
    expect(await viewed.json()).toEqual({ recorded: true })
    for (const body of [
      { type: 'played', mediaId: 'vid-1', sessionId: 'abcdef123456', time: 0, length: 120 },
      { type: 'seeked', mediaId: 'vid-1', sessionId: 'abcdef123456', timeFrom: 10, timeTo: 60, length: 120 },
      { type: 'paused', mediaId: 'vid-1', sessionId: 'abcdef123456', time: 61.5, progress: 0.5, length: 120 },
      {
        type: 'completed',
        mediaId: 'vid-1',
        sessionId: 'abcdef123456',
        time: 120,
        progress: 0.6,
        length: 120,
      },
    ]) {
      const res = await call(rounds, 'POST', `/api/orgs/${org.slug}/items/${itemId}/learning/events`, {
        cookie,
        body,
      })
      expect(res.status).toBe(200)
    }
    const badVideo = await call(rounds, 'POST', `/api/orgs/${org.slug}/items/${itemId}/learning/events`, {
      cookie,
      body: { type: 'played', mediaId: 'nope', sessionId: 'abcdef123456', time: 1 },
    })
    expect(badVideo.status).toBe(404)
    const invalid = await call(rounds, 'POST', `/api/orgs/${org.slug}/items/${itemId}/learning/events`, {
      cookie,
      body: { type: 'played', mediaId: 'vid-1', sessionId: 'x', time: -3 },
    })
    expect(invalid.status).toBe(400)
    expect(((await invalid.json()) as { error: { code: string } }).error.code).toBe('VALIDATION_FAILED')

    const postQuiz = await post(
      `${learn()}/post`,
      cookie,
      form([
        ['q.q1', 'a'],
        ['q.q2', 'a'],
        ['q.q2', 'b'],
      ]),
    )
    expect(postQuiz.status).toBe(303)
    const resultsUrl = postQuiz.headers.get('location') as string
    expect(resultsUrl).toMatch(/\/learn\/results\?link=[A-Za-z0-9_-]{32}$/)
    const results = await (await page(resultsUrl, cookie)).text()
    expect(results).toContain('0 of 2')
    expect(results).toContain('2 of 2')
    expect(results).toContain('100% of what there was to gain')
    expect(results).toContain('IM adrenaline 0.5 mg into the anterolateral thigh.')
    const delayedLink = results.match(/class="delayed-link" href="([^"]+)"/)?.[1] as string
    expect(delayedLink).toContain('/learn/delayed/')
    expect(results).toContain('datetime="2026-12-15T09:00:00.000Z"')

    // The statements: answered ×2 per quiz, completed, passed/failed, experienced and the video verbs.
    const all = await statements()
    const verbs = all.map((s) => s.verb.id)
    expect(verbs.filter((v) => v === VERBS.answered.id)).toHaveLength(4)
    expect(verbs.filter((v) => v === VERBS.failed.id)).toHaveLength(1)
    expect(verbs.filter((v) => v === VERBS.passed.id)).toHaveLength(1)
    expect(verbs).toContain(VERBS.experienced.id)
    for (const v of [VERBS.played, VERBS.paused, VERBS.seeked]) expect(verbs).toContain(v.id)
    for (const s of all) {
      expect(s.actor).toEqual({
        objectType: 'Agent',
        account: { homePage: `${TEST_BASE_URL}/`, name: `anon:${learnerId}` },
      })
      expect(JSON.stringify(s)).not.toContain('mbox')
    }
    const answered = all.filter(
      (s) => s.verb.id === VERBS.answered.id && s.object.id.endsWith('/quiz/post/questions/q2'),
    )
    expect(answered[0]?.result).toMatchObject({ success: true, response: 'a[,]b' })
    const passed = all.find((s) => s.verb.id === VERBS.passed.id)
    expect(passed?.result.score).toEqual({ raw: 2, min: 0, max: 2, scaled: 1 })
    const seeked = all.find((s) => s.verb.id === VERBS.seeked.id)
    expect(seeked?.result.extensions).toEqual({ [VIDEO.timeFrom]: 10, [VIDEO.timeTo]: 60 })
    const videoDone = all.find(
      (s) => s.verb.id === VERBS.completed.id && s.object.definition.type === VIDEO.activityType,
    )
    expect(videoDone?.result.extensions[VIDEO.progress]).toBe(0.6)

    // The delayed quiz: closed until 14 days later, then open through the kept link (no cookie needed).
    const path = new URL(delayedLink).pathname
    expect(await (await page(path)).text()).toContain('opens on')
    expect(
      (
        await post(
          path,
          undefined,
          form([
            ['q.q1', 'a'],
            ['q.q2', 'a'],
          ]),
        )
      ).status,
    ).toBe(409)
    clock.advance(14 * 24 * 60 * 60 * 1000)
    expect(await (await page(path)).text()).toContain('name="q.q1"')
    const delayed = await post(
      path,
      undefined,
      form([
        ['q.q1', 'a'],
        ['q.q2', 'a'],
      ]),
    )
    expect(delayed.status).toBe(303)
    const after = await (await page(path)).text()
    expect(after).toContain('Follow-up: <strong class="score-delayed">1 of 2</strong>')
    expect(after).toContain('lost 1')
    expect(after).toContain('partly right (50%)')
    expect(
      (await page(`/orgs/${org.slug}/items/${itemId}/learn/delayed/not-a-real-token-at-all-000`)).status,
    ).toBe(404)

    // The editor's summary: gain and retention over learners.
    const editorCookie = await signIn(rounds, editor.email)
    const summary = await call(rounds, 'GET', `/api/orgs/${org.slug}/items/${itemId}/learning`, {
      cookie: editorCookie,
    })
    expect(summary.status).toBe(200)
    expect(await summary.json()).toMatchObject({
      hasQuiz: true,
      questions: 2,
      gain: {
        nPrePost: 1,
        meanGain: 1,
        meanNormalisedGain: 1,
        nRetention: 1,
        meanRetention: -0.5,
        n: { pre: 1, post: 1, delayed: 1 },
      },
      passRate: { pre: 0, post: 1, delayed: 0 },
      meanScore: { pre: 0, post: 1, delayed: 0.5 },
      learners: 1,
      completionRate: 1,
    })
  })

  it('refuses a form from another site', async () => {
    const res = await post(`${learn()}/consent`, undefined, '', { origin: 'https://evil.example' })
    expect(res.status).toBe(403)
    expect(await res.text()).toContain('requests from other sites are not accepted')
    const nullOrigin = await post(`${learn()}/consent`, undefined, '', {
      origin: 'null',
      'sec-fetch-site': 'cross-site',
    })
    expect(nullOrigin.status).toBe(403)
    const ours = await post(`${learn()}/consent`, undefined, '', {
      origin: 'null',
      'sec-fetch-site': 'same-origin',
    })
    expect(ours.status).toBe(303)
  })

  it('reminds a signed-in learner once when the delayed quiz opens', async () => {
    const learner = await createTestMember(rounds, org.id, [])
    const cookie = await signIn(rounds, learner.email)
    const consent = await post(`${learn()}/consent`, cookie, '')
    const both = `${cookie}; ${(consent.headers.get('set-cookie') ?? '').split(';')[0]}`
    await post(
      `${learn()}/pre`,
      both,
      form([
        ['q.q1', 'a'],
        ['q.q2', 'a'],
      ]),
    )
    await post(
      `${learn()}/post`,
      both,
      form([
        ['q.q1', 'a'],
        ['q.q2', 'a'],
        ['q.q2', 'b'],
      ]),
    )
    expect(await sendDelayedQuizReminders({ ...rounds.accounts, ...rounds.learning })).toBe(0)
    clock.advance(15 * 24 * 60 * 60 * 1000)
    expect(await sendDelayedQuizReminders({ ...rounds.accounts, ...rounds.learning })).toBe(1)
    expect(await sendDelayedQuizReminders({ ...rounds.accounts, ...rounds.learning })).toBe(0)
    // Signed in on another device (no learner cookie), the learner's progress is found by account.
    const progress = await (await page(learn(), cookie)).text()
    expect(progress).toContain('Your progress')
  })
})
