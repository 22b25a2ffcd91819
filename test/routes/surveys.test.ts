import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '#src/capabilities/accounts/operator.service.ts'
import { insertSeries } from '#src/capabilities/content/content.repository.ts'
import { surveyResponsesForExport } from '#src/capabilities/learning/surveys/survey.repository.ts'
import { queryStatements } from '#src/capabilities/learning/xapi/xapi.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createItemInState } from '#test/support/published.ts'
import { call, createTestRounds, signIn, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

const survey = {
  title: 'Was this useful?',
  introduction: 'Three quick questions.',
  questions: [
    {
      id: 'useful',
      kind: 'likert',
      stem: 'This was useful for my work.',
      points: 5,
      anchors: ['Strongly disagree', 'Disagree', 'Neutral', 'Agree', 'Strongly agree'],
    },
    {
      id: 'change',
      kind: 'choice',
      stem: 'What will you change?',
      multiple: true,
      options: [
        { id: 'assess', text: 'Assessment' },
        { id: 'treat', text: 'Treatment' },
      ],
      allowOther: true,
    },
    { id: 'comment', kind: 'text', stem: 'Anything else?', maxLength: 200 },
  ],
}

type Body = Record<string, unknown>
const withQuestion = (q: Body) => ({ ...survey, questions: [q] })
const likert = survey.questions[0] as Body
const choice = survey.questions[1] as Body

/** Bad builder input, each refused with our code (never a stack trace, never a record). */
const badInput: Array<[string, unknown]> = [
  ['an empty title', { ...survey, title: '  ' }],
  ['no questions', { ...survey, questions: [] }],
  ['an empty Likert stem', withQuestion({ ...likert, stem: '' })],
  ['a 6-point scale', withQuestion({ ...likert, points: 6, anchors: ['1', '2', '3', '4', '5', '6'] })],
  ['anchors that do not match the points', withQuestion({ ...likert, points: 7 })],
  ['an empty anchor', withQuestion({ ...likert, anchors: ['', 'b', 'c', 'd', 'e'] })],
  ['duplicate question ids', { ...survey, questions: [likert, { ...likert }] }],
  [
    'duplicate option ids',
    withQuestion({
      ...choice,
      options: [
        { id: 'a', text: 'One' },
        { id: 'a', text: 'Two' },
      ],
    }),
  ],
  ['a single option', withQuestion({ ...choice, options: [{ id: 'a', text: 'One' }] })],
  ['an oversize free-text limit', withQuestion({ id: 't', kind: 'text', stem: 'Say', maxLength: 50_000 })],
  ['an oversize stem', withQuestion({ ...likert, stem: 'x'.repeat(501) })],
  ['an unknown kind', withQuestion({ id: 'x', kind: 'ranking', stem: 'Rank' })],
  ['a bad question id', withQuestion({ ...likert, id: 'has space' })],
]

function form(pairs: [string, string][]): string {
  return new URLSearchParams(pairs).toString()
}

describe.each(testDialects)('surveys on %s', (dialect) => {
  let rounds: TestRounds
  let org: { id: string; slug: string }
  let editorCookie: string
  let itemId: string
  let seriesItemId: string
  let seriesId: string
  const api = (path: string) => `/api/orgs/${org.slug}/surveys${path}`

  const page = (path: string, cookie?: string, init: RequestInit = {}) =>
    rounds.app.request(path, {
      ...init,
      headers: { accept: 'text/html', ...(cookie ? { cookie } : {}), ...(init.headers ?? {}) },
    })
  const post = (path: string, cookie: string | undefined, body: string) =>
    page(path, cookie, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: TEST_BASE_URL },
    })
  const create = async (body: unknown = survey) => {
    const res = await call(rounds, 'POST', api(''), { cookie: editorCookie, body })
    expect(res.status).toBe(201)
    return (await res.json()) as { id: string; version: number }
  }
  const attach = async (surveyId: string, body: Body) => {
    const res = await call(rounds, 'POST', api(`/${surveyId}/attachments`), { cookie: editorCookie, body })
    expect(res.status, await res.clone().text()).toBe(201)
    return (await res.json()) as { id: string }
  }
  const cookieOf = (res: Response) => (res.headers.get('set-cookie') ?? '').split(';')[0] as string

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    org = await createTestOrganisation(rounds)
    const author = await createTestMember(rounds, org.id, ['author'])
    const editor = await createTestMember(rounds, org.id, ['editor'])
    editorCookie = await signIn(rounds, editor.email)
    itemId = (
      await createItemInState(rounds, {
        organisationId: org.id,
        authorId: author.id,
        state: 'published',
        published: true,
        fields: { title: 'Sepsis in sixty seconds', body: 'Screen early.' },
      })
    ).id
    seriesId = rounds.ids.next()
    await rounds.database.db
      .insertInto('content_series')
      .values({
        id: seriesId,
        organisation_id: org.id,
        title: 'Acute medicine',
        description: '',
        created_by: editor.id,
        created_at: new Date().toISOString(),
      })
      .execute()
    seriesItemId = (
      await createItemInState(rounds, {
        organisationId: org.id,
        authorId: author.id,
        state: 'published',
        published: true,
        seriesId,
        fields: { title: 'Hyperkalaemia', body: 'Protect the heart.' },
      })
    ).id
  })
  afterAll(() => rounds?.close())

  it.each(badInput)('refuses %s with 400 VALIDATION_FAILED and stores nothing', async (_, body) => {
    const before = await rounds.database.db.selectFrom('survey_instrument').select('id').execute()
    const res = await call(rounds, 'POST', api(''), { cookie: editorCookie, body })
    expect(res.status).toBe(400)
    const error = ((await res.json()) as { error: { code: string; message: string } }).error
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message).not.toMatch(/at .*\.ts/)
    expect(await rounds.database.db.selectFrom('survey_instrument').select('id').execute()).toHaveLength(
      before.length,
    )
  })

  it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
    const res = await call(rounds, 'POST', api(''), { cookie: editorCookie, rawBody: '{"title": ' })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('MALFORMED_JSON')
  })

  it('offers templates that are valid instruments', async () => {
    const res = await call(rounds, 'GET', api('/templates'), { cookie: editorCookie })
    const { templates } = (await res.json()) as { templates: Array<{ key: string; content: unknown }> }
    expect(templates.map((t) => t.key)).toEqual(['usefulness', 'satisfaction', 'practice-change'])
    for (const t of templates) await create(t.content)
  })

  it('edits in place until there are responses, then writes a new version; responses keep theirs', async () => {
    const s = await create()
    const edited = { ...survey, title: 'Was this post useful?' }
    let res = await call(rounds, 'PUT', api(`/${s.id}`), { cookie: editorCookie, body: edited })
    expect(((await res.json()) as { version: number }).version).toBe(1)

    const a = await attach(s.id, { itemId, timing: 'after_content' })
    const surveyPath = `/orgs/${org.slug}/items/${itemId}/surveys/${a.id}`
    const sent = await post(
      surveyPath,
      undefined,
      form([
        ['consent', 'yes'],
        ['q.useful', '4'],
      ]),
    )
    expect(sent.status).toBe(303)

    res = await call(rounds, 'PUT', api(`/${s.id}`), {
      cookie: editorCookie,
      body: {
        ...edited,
        questions: [...survey.questions, { id: 'more', kind: 'text', stem: 'More?', maxLength: 50 }],
      },
    })
    const detail = (await res.json()) as {
      version: number
      versions: Array<{ version: number; responses: number }>
    }
    expect(detail.version).toBe(2)
    expect(detail.versions).toEqual([
      expect.objectContaining({ version: 1, responses: 1 }),
      expect.objectContaining({ version: 2, responses: 0 }),
    ])
    const v1 = (await (
      await call(rounds, 'GET', api(`/${s.id}/results?version=1`), { cookie: editorCookie })
    ).json()) as {
      n: number
      questions: Array<{ questionId: string; mean: number | null }>
    }
    expect(v1.n).toBe(1)
    expect(v1.questions[0]).toMatchObject({ questionId: 'useful', mean: 4 })
    const v2 = (await (
      await call(rounds, 'GET', api(`/${s.id}/results`), { cookie: editorCookie })
    ).json()) as {
      n: number
      questions: unknown[]
    }
    expect(v2).toMatchObject({ n: 0 })
    expect(v2.questions).toHaveLength(4)
    // The learner now sees version 2, with the new question.
    expect(await (await page(surveyPath)).text()).toContain('More?')

    // With responses it cannot be deleted, only archived; archived it is gone from the item.
    expect((await call(rounds, 'DELETE', api(`/${s.id}`), { cookie: editorCookie })).status).toBe(409)
    const archived = await call(rounds, 'POST', api(`/${s.id}/archive`), { cookie: editorCookie })
    expect(((await archived.json()) as { status: string }).status).toBe('archived')
    expect((await page(surveyPath)).status).toBe(404)
    expect((await call(rounds, 'PUT', api(`/${s.id}`), { cookie: editorCookie, body: survey })).status).toBe(
      409,
    )
  })

  it('deletes a survey nobody answered', async () => {
    const s = await create()
    await attach(s.id, { seriesId, timing: 'after_post_quiz' })
    expect((await call(rounds, 'DELETE', api(`/${s.id}`), { cookie: editorCookie })).status).toBe(204)
    expect((await call(rounds, 'GET', api(`/${s.id}`), { cookie: editorCookie })).status).toBe(404)
  })

  it('attaches to an item or a series of the organisation only, once per place and moment', async () => {
    const s = await create()
    for (const body of [{ timing: 'after_content' }, { itemId, seriesId, timing: 'after_content' }]) {
      const res = await call(rounds, 'POST', api(`/${s.id}/attachments`), { cookie: editorCookie, body })
      expect(res.status).toBe(400)
    }
    const elsewhere = await call(rounds, 'POST', api(`/${s.id}/attachments`), {
      cookie: editorCookie,
      body: { itemId: 'not-ours', timing: 'after_content' },
    })
    expect(elsewhere.status).toBe(404)
    await attach(s.id, { seriesId, timing: 'after_content' })
    const twice = await call(rounds, 'POST', api(`/${s.id}/attachments`), {
      cookie: editorCookie,
      body: { seriesId, timing: 'after_content' },
    })
    expect(twice.status).toBe(409)
    // A series attachment shows on the series' items, not on others.
    const seriesPage = await (await page(`/orgs/${org.slug}/items/${seriesItemId}`)).text()
    expect(seriesPage).toContain('Tell us what you think')
    const list = (await (await call(rounds, 'GET', api(''), { cookie: editorCookie })).json()) as {
      surveys: Array<{ id: string; attachments: number }>
    }
    expect(list.surveys.find((x) => x.id === s.id)?.attachments).toBe(1)
  })

  it('shows a researcher the titles of what has gone out only, not of a draft or an empty series', async () => {
    const researcher = await createTestMember(rounds, org.id, ['researcher'])
    const researcherCookie = await signIn(rounds, researcher.email)
    const author = await createTestMember(rounds, org.id, ['author'])
    const draft = await createItemInState(rounds, {
      organisationId: org.id,
      authorId: author.id,
      state: 'draft',
      published: false,
      fields: { title: 'Mrs Hartley’s unusual rash (draft)', body: 'Not yet reviewed.' },
    })
    const emptySeries = rounds.ids.next()
    await insertSeries(rounds.database.db, {
      id: emptySeries,
      organisationId: org.id,
      title: 'Planned: ward 7 cases',
      description: '',
      createdBy: author.id,
      createdAt: new Date().toISOString(),
    })
    const s = await create()
    await attach(s.id, { itemId: draft.id, timing: 'after_content' })
    await attach(s.id, { seriesId: emptySeries, timing: 'after_content' })
    await attach(s.id, { itemId, timing: 'after_content' })
    await attach(s.id, { seriesId, timing: 'with_delayed_quiz' })
    const titles = async (cookie: string, path: string) => {
      const res = await call(rounds, 'GET', api(`/${s.id}${path}`), { cookie })
      expect(res.status).toBe(200)
      const body = (await res.json()) as { attachments: Array<{ targetTitle: string }> }
      return body.attachments.map((a) => a.targetTitle)
    }
    for (const path of ['', '/results']) {
      expect(await titles(researcherCookie, path)).toEqual([
        'An item not yet published',
        'A series with nothing published yet',
        'Sepsis in sixty seconds',
        'Acute medicine',
      ])
      expect(await titles(editorCookie, path)).toEqual([
        'Mrs Hartley’s unusual rash (draft)',
        'Planned: ward 7 cases',
        'Sepsis in sixty seconds',
        'Acute medicine',
      ])
    }
  })

  it('takes a learner through consent, screens free text, keeps one response per learner and records xAPI', async () => {
    const s = await create({ ...survey, title: 'Learner flow' })
    const a = await attach(s.id, { itemId, timing: 'after_content' })
    const path = `/orgs/${org.slug}/items/${itemId}/surveys/${a.id}`

    const itemPage = await (await page(`/orgs/${org.slug}/items/${itemId}`)).text()
    expect(itemPage).toContain(`href="${path}"`)

    const first = await page(path)
    expect(first.headers.get('set-cookie')).toBeNull()
    const html = await first.text()
    expect(html).toContain('What is recorded')
    expect(html).toContain('Skip the survey')
    expect(html).toContain('Strongly agree')

    // No consent, nothing recorded.
    const refused = await post(path, undefined, form([['q.useful', '5']]))
    expect(refused.status).toBe(400)
    expect(refused.headers.get('set-cookie')).toBeNull()
    expect(await refused.text()).toContain('I agree')

    // A point off the scale is refused.
    expect(
      (
        await post(
          path,
          undefined,
          form([
            ['consent', 'yes'],
            ['q.useful', '9'],
          ]),
        )
      ).status,
    ).toBe(400)
    // Free text over the question's limit too.
    expect(
      (
        await post(
          path,
          undefined,
          form([
            ['consent', 'yes'],
            ['q.comment', 'x'.repeat(201)],
          ]),
        )
      ).status,
    ).toBe(400)

    const sent = await post(
      path,
      undefined,
      form([
        ['consent', 'yes'],
        ['q.useful', '5'],
        ['q.change', 'assess'],
        ['q.change', '__other'],
        ['q.change.other', 'Ask Mrs Jane Smith first'],
        ['q.comment', 'Saw Mr John Brown, MRN 1234567, in bay 4 on 12/03/2026.'],
      ]),
    )
    expect(sent.status).toBe(303)
    const cookie = cookieOf(sent)
    expect(cookie).toMatch(/^rounds_learner=/)
    expect(await (await page(sent.headers.get('location') as string, cookie)).text()).toContain(
      'Your answers have been recorded',
    )

    const stored = await rounds.database.db
      .selectFrom('survey_response')
      .selectAll()
      .where('attachment_id', '=', a.id)
      .execute()
    expect(stored).toHaveLength(1)
    const answers = JSON.parse(stored[0]?.answers as string)
    expect(answers.useful).toEqual({ kind: 'likert', value: 5 })
    expect(answers.change.chosen).toEqual(['assess', '__other'])
    expect(answers.comment.text).not.toContain('John Brown')
    expect(answers.comment.text).not.toContain('1234567')
    expect(answers.comment.text).toContain('[patient]')
    expect(answers.change.other).not.toContain('Jane Smith')

    // Answering again replaces the response.
    const again = await post(path, cookie, form([['q.useful', '2']]))
    expect(again.status).toBe(303)
    expect(again.headers.get('location')).toContain('done=again')
    const after = await rounds.database.db
      .selectFrom('survey_response')
      .selectAll()
      .where('attachment_id', '=', a.id)
      .execute()
    expect(after).toHaveLength(1)
    expect(JSON.parse(after[0]?.answers as string)).toEqual({ useful: { kind: 'likert', value: 2 } })

    const { statements } = await queryStatements(rounds.learning, org.id, {
      filters: { limit: 500, ascending: true },
    })
    // biome-ignore lint/suspicious/noExplicitAny: stored statements are JSON, read by the assertions
    const ours = (statements as Array<Record<string, any>>).filter((st) =>
      String(st.object.id).includes(`/surveys/${a.id}`),
    )
    const verbs = ours.map((st) => st.verb.id.split('/').pop())
    expect(verbs.filter((v) => v === 'responded')).toHaveLength(2)
    const likertAnswers = ours.filter((st) => st.object.id.endsWith('/questions/useful'))
    expect(likertAnswers.map((st) => st.result.response)).toEqual(['5', '2'])
    expect(likertAnswers[0]?.object.definition.interactionType).toBe('likert')
    const text = ours.find((st) => st.object.id.endsWith('/questions/comment'))
    expect(text?.result.response).not.toContain('John Brown')
  })

  it('summarises per question and exports CSV with learners pseudonymised afresh each time', async () => {
    const s = await create({ ...survey, title: 'Export me' })
    const a = await attach(s.id, { itemId, timing: 'after_post_quiz' })
    const path = `/orgs/${org.slug}/items/${itemId}/surveys/${a.id}`
    const answers: Array<[string, string][]> = [
      [
        ['q.useful', '5'],
        ['q.change', 'assess'],
        ['q.change', 'treat'],
      ],
      [
        ['q.useful', '4'],
        ['q.change', 'assess'],
      ],
      [
        ['q.useful', '2'],
        ['q.comment', 'Too long, "really"'],
      ],
    ]
    for (const pairs of answers)
      expect((await post(path, undefined, form([['consent', 'yes'], ...pairs]))).status).toBe(303)

    const results = (await (
      await call(rounds, 'GET', api(`/${s.id}/results`), { cookie: editorCookie })
    ).json()) as {
      n: number
      questions: Array<{
        questionId: string
        n: number
        counts: Array<{ id: string; n: number }>
        mean: number
        median: number
        texts: string[]
      }>
    }
    expect(results.n).toBe(3)
    const [useful, change, comment] = results.questions
    expect(useful).toMatchObject({ n: 3, median: 4 })
    expect(useful?.mean).toBeCloseTo(11 / 3)
    expect(useful?.counts.map((c) => c.n)).toEqual([0, 1, 0, 1, 1])
    expect(change?.counts).toEqual([
      { id: 'assess', label: 'Assessment', n: 2 },
      { id: 'treat', label: 'Treatment', n: 1 },
      { id: '__other', label: 'Other', n: 0 },
    ])
    expect(comment?.texts).toEqual(['Too long, "really"'])

    const download = async () => {
      const res = await call(rounds, 'GET', api(`/${s.id}/responses.csv`), { cookie: editorCookie })
      expect(res.headers.get('content-type')).toContain('text/csv')
      expect(res.headers.get('content-disposition')).toContain('attachment')
      return (await res.text()).trim().split('\r\n')
    }
    const one = await download()
    const two = await download()
    expect(one[0]).toBe(
      'learner,version,attachment_id,attached_to,timing,item_id,series_id,answered_at,useful,change,comment',
    )
    expect(one).toHaveLength(4)
    expect(one[1]).toMatch(
      new RegExp(`^[0-9a-f]{20},1,${a.id},item,after_post_quiz,${itemId},,[^,]+,5,assess;treat,$`),
    )
    expect(one[3]).toMatch(/,2,,"Too long, ""really"""$/)
    const learners = (rows: string[]) => rows.slice(1).map((r) => r.split(',')[0])
    expect(new Set(learners(one)).size).toBe(3)
    for (const id of learners(one)) expect(learners(two)).not.toContain(id)

    const rows = await surveyResponsesForExport(rounds.database.db, org.id)
    const mine = rows.filter((r) => r.instrumentId === s.id)
    expect(mine).toHaveLength(9)
    expect(mine.find((r) => r.questionId === 'change' && r.value === 'assess;treat')).toMatchObject({
      instrumentVersion: 1,
      itemId,
      seriesId: null,
      questionKind: 'choice',
    })
    expect(mine.filter((r) => r.questionId === 'useful').map((r) => r.value)).toEqual([5, 4, 2])
    expect(mine.every((r) => typeof r.sessionId === 'string' && !('learnerId' in r))).toBe(true)
  })

  it('summarises per attachment: each through its own responses, together the whole, listed with their counts', async () => {
    const s = await create({ ...survey, title: 'Compare items' })
    const onItem = await attach(s.id, { itemId, timing: 'after_content' })
    const onSeries = await attach(s.id, { seriesId, timing: 'after_post_quiz' })
    const unanswered = await attach(s.id, { itemId, timing: 'with_delayed_quiz' })
    const send = async (path: string, pairs: [string, string][]) =>
      expect((await post(path, undefined, form([['consent', 'yes'], ...pairs]))).status).toBe(303)
    // Learners on the single item find it useful; those on the series do not.
    for (const point of ['5', '5', '4'])
      await send(`/orgs/${org.slug}/items/${itemId}/surveys/${onItem.id}`, [
        ['q.useful', point],
        ['q.change', 'assess'],
      ])
    for (const point of ['1', '2'])
      await send(`/orgs/${org.slug}/items/${seriesItemId}/surveys/${onSeries.id}`, [
        ['q.useful', point],
        ['q.change', 'treat'],
        ['q.comment', `Series answer ${point}`],
      ])

    type Results = {
      attachment: string | null
      n: number
      attachments: Array<{
        id: string
        itemId: string | null
        seriesId: string | null
        targetTitle: string
        timing: string
        active: boolean
        responses: number
      }>
      questions: Array<{
        questionId: string
        n: number
        counts: Array<{ id: string; n: number }>
        mean: number | null
        texts: string[]
      }>
    }
    const results = async (query: string) => {
      const res = await call(rounds, 'GET', api(`/${s.id}/results${query}`), { cookie: editorCookie })
      expect(res.status, await res.clone().text()).toBe(200)
      return (await res.json()) as Results
    }
    const all = await results('')
    const item = await results(`?attachment=${onItem.id}`)
    const series = await results(`?version=1&attachment=${onSeries.id}`)
    const none = await results(`?attachment=${unanswered.id}`)

    expect(all).toMatchObject({ attachment: null, n: 5 })
    expect(item).toMatchObject({ attachment: onItem.id, n: 3 })
    expect(series).toMatchObject({ attachment: onSeries.id, n: 2 })
    expect(none).toMatchObject({ attachment: unanswered.id, n: 0 })
    const useful = (r: Results) => r.questions.find((q) => q.questionId === 'useful')
    expect(useful(item)?.mean).toBeCloseTo(14 / 3)
    expect(useful(series)?.mean).toBeCloseTo(1.5)
    expect(useful(item)?.counts.map((c) => c.n)).toEqual([0, 0, 0, 1, 2])
    expect(useful(series)?.counts.map((c) => c.n)).toEqual([1, 1, 0, 0, 0])
    expect(item.questions.find((q) => q.questionId === 'comment')?.texts).toEqual([])
    expect(series.questions.find((q) => q.questionId === 'comment')?.texts).toEqual([
      'Series answer 1',
      'Series answer 2',
    ])
    // The per-attachment summaries add up to the whole, question by question and count by count.
    for (const q of all.questions) {
      const parts = [item, series, none].map((r) => r.questions.find((x) => x.questionId === q.questionId))
      expect(parts.reduce((a, p) => a + (p?.n ?? 0), 0)).toBe(q.n)
      for (const c of q.counts)
        expect(parts.reduce((a, p) => a + (p?.counts.find((x) => x.id === c.id)?.n ?? 0), 0)).toBe(c.n)
    }

    // Every view lists the attachments, what they are attached to, and their responses.
    for (const r of [all, item, series, none])
      expect(r.attachments).toEqual([
        {
          id: onItem.id,
          itemId,
          seriesId: null,
          targetTitle: 'Sepsis in sixty seconds',
          timing: 'after_content',
          active: true,
          responses: 3,
        },
        {
          id: onSeries.id,
          itemId: null,
          seriesId,
          targetTitle: 'Acute medicine',
          timing: 'after_post_quiz',
          active: true,
          responses: 2,
        },
        {
          id: unanswered.id,
          itemId,
          seriesId: null,
          targetTitle: 'Sepsis in sixty seconds',
          timing: 'with_delayed_quiz',
          active: true,
          responses: 0,
        },
      ])

    // Responses are counted for the version asked for: version 2 has none yet.
    await call(rounds, 'PUT', api(`/${s.id}`), { cookie: editorCookie, body: { ...survey, title: 'Again' } })
    const v2 = await results(`?version=2&attachment=${onItem.id}`)
    expect(v2.n).toBe(0)
    expect(v2.attachments.map((a) => a.responses)).toEqual([0, 0, 0])
    expect((await results(`?version=1&attachment=${onItem.id}`)).n).toBe(3)

    // Archived, the survey's attachments are no longer shown to learners.
    await call(rounds, 'POST', api(`/${s.id}/archive`), { cookie: editorCookie })
    expect((await results('?version=1')).attachments.map((a) => a.active)).toEqual([false, false, false])

    // The CSV names the attachment and what it is attached to on every row.
    const csv = (
      await (await call(rounds, 'GET', api(`/${s.id}/responses.csv`), { cookie: editorCookie })).text()
    )
      .trim()
      .split('\r\n')
      .slice(1)
    expect(csv.filter((r) => r.includes(`,${onItem.id},item,after_content,${itemId},,`))).toHaveLength(3)
    expect(
      csv.filter((r) => r.includes(`,${onSeries.id},series,after_post_quiz,${seriesItemId},${seriesId},`)),
    ).toHaveLength(2)
  })

  it('refuses a malformed attachment id with 400 and an unknown or foreign one with 404', async () => {
    const s = await create({ ...survey, title: 'Mine' })
    const mine = await attach(s.id, { itemId, timing: 'after_content' })
    const sibling = await create({ ...survey, title: 'Sibling' })
    const siblings = await attach(sibling.id, { itemId, timing: 'after_content' })

    const other = await createTestOrganisation(rounds)
    const otherEditor = await createTestMember(rounds, other.id, ['editor'])
    const otherAuthor = await createTestMember(rounds, other.id, ['author'])
    const otherCookie = await signIn(rounds, otherEditor.email)
    const otherItem = await createItemInState(rounds, {
      organisationId: other.id,
      authorId: otherAuthor.id,
      state: 'published',
      published: true,
      fields: { title: 'Elsewhere', body: 'Not ours.' },
    })
    const otherApi = (path: string) => `/api/orgs/${other.slug}/surveys${path}`
    const theirs = (await (
      await call(rounds, 'POST', otherApi(''), { cookie: otherCookie, body: survey })
    ).json()) as { id: string }
    const theirAttachment = (await (
      await call(rounds, 'POST', otherApi(`/${theirs.id}/attachments`), {
        cookie: otherCookie,
        body: { itemId: otherItem.id, timing: 'after_content' },
      })
    ).json()) as { id: string }
    expect(theirAttachment.id).toBeTruthy()

    const ask = (path: string, cookie = editorCookie) => call(rounds, 'GET', path, { cookie })
    const errorOf = async (res: Response) =>
      ((await res.json()) as { error: { code: string; message: string } }).error

    for (const malformed of ['not-an-id', '%20', 'x'.repeat(65), `${mine.id}x`]) {
      const res = await ask(api(`/${s.id}/results?attachment=${malformed}`))
      expect(res.status, malformed).toBe(400)
      expect((await errorOf(res)).code).toBe('VALIDATION_FAILED')
    }
    for (const [what, path, cookie] of [
      ['an unknown id', api(`/${s.id}/results?attachment=${rounds.ids.next()}`), editorCookie],
      ['another survey of the organisation', api(`/${s.id}/results?attachment=${siblings.id}`), editorCookie],
      ['another organisation', api(`/${s.id}/results?attachment=${theirAttachment.id}`), editorCookie],
      [
        'ours, asked from another organisation',
        otherApi(`/${theirs.id}/results?attachment=${mine.id}`),
        otherCookie,
      ],
    ] as const) {
      const res = await ask(path, cookie)
      expect(res.status, what).toBe(404)
      const error = await errorOf(res)
      expect(error.code, what).toBe('NOT_FOUND')
      expect(JSON.stringify(error)).not.toContain('Sepsis')
      expect(JSON.stringify(error)).not.toContain('Elsewhere')
    }
    // Their own attachment is theirs to read, and ours to us.
    expect(
      (await ask(otherApi(`/${theirs.id}/results?attachment=${theirAttachment.id}`), otherCookie)).status,
    ).toBe(200)
    expect((await ask(api(`/${s.id}/results?attachment=${mine.id}`))).status).toBe(200)
  })
})

describe.each(testDialects)('synthetic demo surveys on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds?.close())

  it('seeds labelled surveys with responses once, so the results charts show something', async () => {
    const password = 'demo-password-123'
    await seedDemo(rounds.operator, { env: 'development', explicit: false, password })
    const countResponses = async () =>
      Number(
        (
          await rounds.database.db
            .selectFrom('survey_response')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const n = await countResponses()
    expect(n).toBeGreaterThan(50)
    await seedDemo(rounds.operator, { env: 'development', explicit: false, password })
    expect(await countResponses()).toBe(n)

    const cookie = await signIn(rounds, 'editor@demo.example', password)
    const list = (await (await call(rounds, 'GET', '/api/orgs/demo/surveys', { cookie })).json()) as {
      surveys: Array<{ id: string; title: string; responses: number }>
    }
    expect(list.surveys).toHaveLength(2)
    for (const s of list.surveys) {
      expect(s.title.startsWith('[Synthetic]')).toBe(true)
      expect(s.responses).toBeGreaterThan(0)
    }
    const usefulness = list.surveys.find((s) => s.title.includes('useful')) as { id: string }
    const results = (await (
      await call(rounds, 'GET', `/api/orgs/demo/surveys/${usefulness.id}/results`, { cookie })
    ).json()) as { n: number; questions: Array<{ n: number; mean: number | null }> }
    expect(results.n).toBeGreaterThan(20)
    for (const q of results.questions) {
      expect(q.n).toBe(results.n)
      expect(q.mean).toBeGreaterThan(1)
      expect(q.mean).toBeLessThan(5)
    }
  })
})

describe.each(testDialects)('surveys with the quizzes on %s', (dialect) => {
  let rounds: TestRounds
  const clock = manualClock(new Date('2026-12-01T09:00:00.000Z'))
  let org: { id: string; slug: string }
  let editorCookie: string
  let itemId: string

  const post = (
    path: string,
    cookie: string | undefined,
    body: string,
    headers: Record<string, string> = {},
  ) =>
    rounds.app.request(path, {
      method: 'POST',
      body,
      headers: {
        accept: 'text/html',
        'content-type': 'application/x-www-form-urlencoded',
        origin: TEST_BASE_URL,
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    })

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    org = await createTestOrganisation(rounds)
    const author = await createTestMember(rounds, org.id, ['author'])
    const editor = await createTestMember(rounds, org.id, ['editor'])
    editorCookie = await signIn(rounds, editor.email)
    itemId = (
      await createItemInState(rounds, {
        organisationId: org.id,
        authorId: author.id,
        state: 'published',
        published: true,
        fields: {
          title: 'Anaphylaxis',
          body: 'Adrenaline first.',
          quiz: {
            questions: [
              {
                id: 'q1',
                type: 'single',
                prompt: 'First drug?',
                options: [
                  { id: 'a', text: 'Adrenaline', correct: true },
                  { id: 'b', text: 'Antihistamine' },
                ],
              },
            ],
          } as never,
        },
      })
    ).id
  })
  afterAll(() => rounds?.close())

  it('links a survey shown after the post quiz from its results, one shown with the delayed quiz from those, neither from the item page', async () => {
    const created = await call(rounds, 'POST', `/api/orgs/${org.slug}/surveys`, {
      cookie: editorCookie,
      body: survey,
    })
    const { id } = (await created.json()) as { id: string }
    const attached = await call(rounds, 'POST', `/api/orgs/${org.slug}/surveys/${id}/attachments`, {
      cookie: editorCookie,
      body: { itemId, timing: 'after_post_quiz' },
    })
    const { id: attachmentId } = (await attached.json()) as { id: string }
    const path = `/orgs/${org.slug}/items/${itemId}`
    expect(await (await rounds.app.request(path)).text()).not.toContain(`/surveys/${attachmentId}`)

    const later = await call(rounds, 'POST', `/api/orgs/${org.slug}/surveys/${id}/attachments`, {
      cookie: editorCookie,
      body: { itemId, timing: 'with_delayed_quiz' },
    })
    const { id: laterId } = (await later.json()) as { id: string }

    const consent = await post(`${path}/learn/consent`, undefined, '')
    const cookie = (consent.headers.get('set-cookie') ?? '').split(';')[0] as string
    const taken = await post(`${path}/learn/post`, cookie, form([['q.q1', 'a']]))
    expect(taken.status).toBe(303)
    const token = new URL(taken.headers.get('location') as string, TEST_BASE_URL).searchParams.get('link')
    const results = await (await rounds.app.request(`${path}/learn/results`, { headers: { cookie } })).text()
    expect(results).toContain(`href="${path}/surveys/${attachmentId}"`)
    expect(results).not.toContain(`/surveys/${laterId}`)

    // With the delayed quiz: its results page links the survey attached there.
    clock.advance(15 * 24 * 60 * 60 * 1000)
    expect((await post(`${path}/learn/delayed/${token}`, undefined, form([['q.q1', 'a']]))).status).toBe(303)
    const delayed = await (await rounds.app.request(`${path}/learn/delayed/${token}`)).text()
    expect(delayed).toContain(`href="${path}/surveys/${laterId}"`)
    expect(delayed).not.toContain(`/surveys/${attachmentId}"`)

    // The same learner answers without being asked to consent again.
    const page = await (
      await rounds.app.request(`${path}/surveys/${attachmentId}`, { headers: { cookie } })
    ).text()
    expect(page).not.toContain('I agree')
    expect((await post(`${path}/surveys/${attachmentId}`, cookie, form([['q.useful', '3']]))).status).toBe(
      303,
    )
    const responses = await rounds.database.db.selectFrom('survey_response').selectAll().execute()
    const session = await rounds.database.db.selectFrom('learning_session').select('id').execute()
    expect(responses).toHaveLength(1)
    expect(session.map((s) => s.id)).toContain(responses[0]?.session_id)

    // Another site's form is refused and changes nothing.
    const forged = await post(
      `${path}/surveys/${attachmentId}`,
      undefined,
      form([
        ['consent', 'yes'],
        ['q.useful', '1'],
      ]),
      {
        origin: 'https://evil.example',
        'sec-fetch-site': 'cross-site',
      },
    )
    expect(forged.status).toBe(403)
    expect(await rounds.database.db.selectFrom('survey_response').selectAll().execute()).toHaveLength(1)
  })
})
