import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Item, Override, Version, VersionDiff } from '#src/capabilities/content/content.schema.ts'
import type { ReviewVersion, Round } from '#src/capabilities/review/review.schema.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  type SignedInUser,
  signedInMember,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>
type Blocked = {
  error: {
    code: string
    message: string
    details: Array<{
      ruleId: string
      field: string
      start: number
      end: number
      text: string
      category: string
    }>
  }
}

const PHI = 'Mrs Ellen Hartley, 93, came in with new confusion. Her daughter called from 07700 900123.'
const CLEAN =
  'Three signs of sepsis: new confusion, respiratory rate of 22 or more, systolic pressure of 100 or less.'

describe.each(testDialects)('content items and the submission gate on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Content Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  })
  afterAll(() => rounds?.close())

  const items = () => `/api/orgs/${w.org.slug}/items`
  const create = async (as: SignedInUser, body: Record<string, unknown>) =>
    expectJson<Item>(
      await call(rounds, 'POST', items(), { cookie: as.cookie, body: { kind: 'post', ...body } }),
      201,
    )
  const submit = (as: SignedInUser | null, id: string) =>
    call(rounds, 'POST', `${items()}/${id}/submit`, as ? { cookie: as.cookie } : {})

  describe('POST /items', () => {
    it('401 signed out, 403 for a reviewer, 404 for an outsider, 400 for a bad kind or topic', async () => {
      await expectError(
        await call(rounds, 'POST', items(), { body: { kind: 'post' } }),
        401,
        'UNAUTHENTICATED',
      )
      await expectError(
        await call(rounds, 'POST', items(), { cookie: w.reviewer.cookie, body: { kind: 'post' } }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', items(), { cookie: w.outsider.cookie, body: { kind: 'post' } }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectValidationError(
        await call(rounds, 'POST', items(), {
          cookie: w.author.cookie,
          body: { kind: 'podcast', topics: ['astrology'] },
        }),
        ['kind', 'topics.0'],
      )
    })

    it('creates a draft with every structured field, assigns consent ids and audits it', async () => {
      const before = await countAuditEvents(rounds)
      const item = await create(w.author, {
        kind: 'thread',
        title: 'Sepsis in three signs',
        body: CLEAN,
        parts: ['Part two', 'Part three'],
        topics: ['critical-care', 'teamwork'],
        audience: ['students', 'trainees'],
        voice: 'personal',
        learningObjectives: ['Recognise qSOFA criteria'],
        references: [{ marker: '1', value: 'doi:10.1001/jama.2016.0287' }],
        consents: [{ consentedBy: 'The patient', scope: 'Case description', date: '2026-01-05' }],
        media: [{ id: 'm1', kind: 'image', altText: 'A chart' }],
        channels: ['bluesky', 'mastodon'],
      })
      expect(item).toMatchObject({
        state: 'draft',
        kind: 'thread',
        author: { id: w.author.id },
        latestVersion: null,
      })
      expect(item.fields.consents[0]?.id).toEqual(expect.any(String))
      expect(item.contentHash).toMatch(/^[0-9a-f]{64}$/)
      expect(await countAuditEvents(rounds)).toBe(before + 1)
    })
  })

  describe('GET and PATCH /items/{id}', () => {
    it('only the author and editors read an item; only the author edits it', async () => {
      const item = await create(w.author, { title: 'Mine', body: CLEAN })
      const path = `${items()}/${item.id}`
      await expectError(await call(rounds, 'GET', path), 401, 'UNAUTHENTICATED')
      await expectError(await call(rounds, 'GET', path, { cookie: w.reviewer.cookie }), 403, 'FORBIDDEN')
      await expectError(
        await call(rounds, 'GET', path, { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectError(
        await call(rounds, 'GET', `${items()}/nope`, { cookie: w.author.cookie }),
        404,
        'ITEM_NOT_FOUND',
      )
      expect(
        (await expectJson<Item>(await call(rounds, 'GET', path, { cookie: w.editor.cookie }), 200)).id,
      ).toBe(item.id)
      await expectError(
        await call(rounds, 'PATCH', path, { cookie: w.editor.cookie, body: { title: 'Editor was here' } }),
        403,
        'FORBIDDEN',
      )
      await expectValidationError(
        await call(rounds, 'PATCH', path, { cookie: w.author.cookie, body: { voice: 'shouty' } }),
        ['voice'],
      )
      const saved = await expectJson<Item>(
        await call(rounds, 'PATCH', path, { cookie: w.author.cookie, body: { title: 'Mine, revised' } }),
        200,
      )
      expect(saved.fields).toMatchObject({ title: 'Mine, revised', body: CLEAN })
      expect(saved.contentHash).not.toBe(item.contentHash)
      // A draft save updates the working copy only.
      expect(saved.latestVersion).toBeNull()
    })
  })

  describe('POST /items/{id}/submit', () => {
    it('401, 403 for anyone but the author (even an editor), and nothing is written', async () => {
      const item = await create(w.author, { title: 'Clean', body: CLEAN })
      const before = await countAuditEvents(rounds)
      await expectError(await submit(null, item.id), 401, 'UNAUTHENTICATED')
      await expectError(await submit(w.editor, item.id), 403, 'FORBIDDEN')
      await expectError(await submit(w.reviewer, item.id), 403, 'FORBIDDEN')
      expect(await countAuditEvents(rounds)).toBe(before)
    })

    it('refuses an author without training or attestation with the standards gate code, leaving a draft', async () => {
      const other = await (async () => {
        const { signedInMember } = await import('./helpers.ts')
        return signedInMember(rounds, w.org.id, ['author'])
      })()
      const item = await create(other, { title: 'Clean', body: CLEAN })
      const body = await expectError(await submit(other, item.id), 403, 'TRAINING_REQUIRED')
      expect(body.error.details?.map((d) => (d as unknown as { code: string }).code)).toEqual([
        'TRAINING_REQUIRED',
        'DISCLOSURE_REQUIRED',
      ])
      const after = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: other.cookie }),
        200,
      )
      expect(after).toMatchObject({ state: 'draft', latestVersion: null })
    })

    it('submits a clean post: version 1 with the hash, the report stored, the transition audited', async () => {
      const item = await create(w.author, { title: 'Sepsis', body: CLEAN })
      const r = await expectJson<{ item: Item; screening: { unresolved: unknown[] } }>(
        await submit(w.author, item.id),
        200,
      )
      expect(r.item.state).toBe('submitted')
      expect(r.item.latestVersion).toMatchObject({ number: 1, contentHash: item.contentHash })
      expect(r.screening.unresolved).toEqual([])
      const events = await rounds.database.db
        .selectFrom('audit_event')
        .select(['action', 'summary'])
        .where('resource_id', '=', item.id)
        .orderBy('seq')
        .execute()
      expect(events.map((e) => e.action)).toEqual([
        'content.created',
        'content.version_created',
        'content.screened',
        'content.submit',
      ])
      expect(JSON.parse(events[3]?.summary ?? '{}')).toMatchObject({
        from: 'draft',
        to: 'submitted',
        version: 1,
      })
      // Submitting again is an illegal transition naming the state and the event.
      const again = await expectError(await submit(w.author, item.id), 409, 'ILLEGAL_TRANSITION')
      expect(again.error.message).toContain('submitted')
      expect(again.error.details).toEqual({ state: 'submitted', event: 'submit' })
      // Editing a submitted item is refused too.
      await expectError(
        await call(rounds, 'PATCH', `${items()}/${item.id}`, {
          cookie: w.author.cookie,
          body: { title: 'x' },
        }),
        409,
        'ILLEGAL_TRANSITION',
      )
    })

    it('refuses patient identifiers with SCREENING_BLOCKED naming each one; the item stays a draft with the report kept', async () => {
      const item = await create(w.author, { title: 'A case', body: PHI })
      const res = await submit(w.author, item.id)
      const body = (await expectError(res, 422, 'SCREENING_BLOCKED')) as unknown as Blocked
      const texts = body.error.details.map((d) => d.text)
      expect(texts).toEqual(expect.arrayContaining(['Ellen Hartley', '93', '07700 900123']))
      for (const t of texts) expect(body.error.message).toContain(t)
      expect(body.error.details[0]).toMatchObject({
        ruleId: expect.any(String),
        category: expect.any(String),
      })
      const after = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(after.state).toBe('draft')
      const v = await expectJson<Version>(
        await call(rounds, 'GET', `${items()}/${item.id}/versions/1`, { cookie: w.editor.cookie }),
        200,
      )
      expect(v.screening?.unresolved.map((f) => f.text)).toEqual(texts)
    })
  })

  describe('quiz screening', () => {
    const question = (explanation: string) => ({
      id: 'q1',
      type: 'single',
      prompt: 'Which sign of sepsis comes first in older adults?',
      explanation,
      options: [
        { id: 'a', text: 'New confusion', correct: true },
        { id: 'b', text: 'Bradycardia' },
      ],
    })
    const CLEAN_QUIZ = { questions: [question('New confusion is often the first sign in older adults.')] }

    it('blocks a patient name in a quiz explanation, pointing at the question and its explanation', async () => {
      const explanation = 'Mrs Ellen Hartley showed new confusion first.'
      const item = await create(w.author, {
        title: 'Sepsis signs',
        body: CLEAN,
        quiz: { questions: [question('Confusion is common.'), { ...question(explanation), id: 'q2' }] },
      })
      const body = (await expectError(
        await submit(w.author, item.id),
        422,
        'SCREENING_BLOCKED',
      )) as unknown as Blocked
      const finding = body.error.details.find((d) => d.text.includes('Ellen Hartley'))
      expect(finding).toMatchObject({
        field: 'quiz',
        quiz: { question: 2, questionId: 'q2', part: 'explanation' },
      })
      expect(body.error.details.every((d) => d.field === 'quiz')).toBe(true)
      const after = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(after.state).toBe('draft')
      const v = await expectJson<Version>(
        await call(rounds, 'GET', `${items()}/${item.id}/versions/1`, { cookie: w.editor.cookie }),
        200,
      )
      const stored = v.screening?.report.findings.find((f) => f.text.includes('Ellen Hartley'))
      expect(stored?.quiz).toEqual({ question: 2, questionId: 'q2', part: 'explanation' })
    })

    it('blocks a phone number in a quiz option, naming the option', async () => {
      const q = question('Confusion is common.')
      q.options[1] = { id: 'b', text: 'Call her daughter on 07700 900123' }
      const item = await create(w.author, { title: 'Sepsis signs', body: CLEAN, quiz: { questions: [q] } })
      const body = (await expectError(
        await submit(w.author, item.id),
        422,
        'SCREENING_BLOCKED',
      )) as unknown as Blocked
      expect(body.error.details.find((d) => d.text === '07700 900123')).toMatchObject({
        field: 'quiz',
        quiz: { question: 1, questionId: 'q1', part: 'option', optionId: 'b' },
      })
    })

    it('lets a clean quiz through to review', async () => {
      const item = await create(w.author, { title: 'Sepsis signs', body: CLEAN, quiz: CLEAN_QUIZ })
      const submitted = await expectJson<{ item: Item }>(await submit(w.author, item.id), 200)
      expect(submitted.item.state).not.toBe('draft')
    })
  })

  describe('editor overrides', () => {
    async function blocked(text = 'Mrs Ellen Hartley came in with new confusion.') {
      const item = await create(w.author, { title: 'A case', body: text })
      const b = (await expectError(
        await submit(w.author, item.id),
        422,
        'SCREENING_BLOCKED',
      )) as unknown as Blocked
      const { ruleId, field, start, end, text: t } = b.error.details[0] as Blocked['error']['details'][number]
      return { item, finding: { ruleId, field, start, end, text: t }, count: b.error.details.length }
    }
    const overridePath = (id: string, v = 1) => `${items()}/${id}/versions/${v}/overrides`

    it('needs the editor role and a reason of at least 10 characters, and names a real finding', async () => {
      const { item, finding } = await blocked()
      const reason = 'Consent on file, ref 2026-14'
      await expectError(
        await call(rounds, 'POST', overridePath(item.id), { body: { ...finding, reason } }),
        401,
        'UNAUTHENTICATED',
      )
      await expectError(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.author.cookie,
          body: { ...finding, reason },
        }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.admin.cookie,
          body: { ...finding, reason },
        }),
        403,
        'FORBIDDEN',
      )
      await expectValidationError(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.editor.cookie,
          body: { ...finding, reason: 'ok' },
        }),
        ['reason'],
      )
      await expectError(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.editor.cookie,
          body: { ...finding, start: finding.start + 1, reason },
        }),
        404,
        'FINDING_NOT_FOUND',
      )
      await expectError(
        await call(rounds, 'POST', overridePath(item.id, 2), {
          cookie: w.editor.cookie,
          body: { ...finding, reason },
        }),
        404,
        'VERSION_NOT_FOUND',
      )
    })

    it('lists how many blocking findings stopped an item until an editor overrides them', async () => {
      const { item, finding, count } = await blocked('Mrs Ellen Hartley and Mr Tom Okafor came in together.')
      const entry = async (as: SignedInUser) => {
        const { items: list } = await expectJson<{ items: Array<{ id: string; blocking: number }> }>(
          await call(rounds, 'GET', items(), { cookie: as.cookie }),
          200,
        )
        return list.find((i) => i.id === item.id)?.blocking
      }
      expect(count).toBeGreaterThan(1)
      expect(await entry(w.editor)).toBe(count)
      expect(await entry(w.author)).toBe(count)
      await expectJson(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.editor.cookie,
          body: { ...finding, reason: 'Consent on file for the first patient' },
        }),
        201,
      )
      expect(await entry(w.editor)).toBe(count - 1)
      const clean = await create(w.author, { title: 'Clean', body: CLEAN })
      expect(await entry(w.author)).toBe(count - 1)
      const { items: list } = await expectJson<{ items: Array<{ id: string; blocking: number }> }>(
        await call(rounds, 'GET', items(), { cookie: w.author.cookie }),
        200,
      )
      expect(list.find((i) => i.id === clean.id)?.blocking).toBe(0)
    })

    it('an override is stored, audited without the text, shown with the item, and lets that version through', async () => {
      const { item, finding, count } = await blocked()
      expect(count).toBe(1)
      const before = await countAuditEvents(rounds)
      const o = await expectJson<Override>(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.editor.cookie,
          body: { ...finding, reason: 'Consent on file, ref 2026-14' },
        }),
        201,
      )
      expect(o).toMatchObject({
        ...finding,
        version: 1,
        reason: 'Consent on file, ref 2026-14',
        createdBy: { id: w.editor.id },
      })
      expect(await countAuditEvents(rounds)).toBe(before + 1)
      const audit = await rounds.database.db
        .selectFrom('audit_event')
        .select('summary')
        .where('action', '=', 'content.finding_overridden')
        .where('resource_id', '=', item.id)
        .executeTakeFirstOrThrow()
      expect(audit.summary).not.toContain(finding.text)
      expect(audit.summary).not.toContain('Consent')
      await expectError(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.editor.cookie,
          body: { ...finding, reason: 'Consent on file, ref 2026-14' },
        }),
        409,
        'CONFLICT',
      )
      const shown = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(shown.overrides.map((x) => x.text)).toEqual([finding.text])
      const r = await expectJson<{ item: Item }>(await submit(w.author, item.id), 200)
      expect(r.item.state).toBe('submitted')
      expect(r.item.latestVersion?.number).toBe(1)
    })

    it("the override applies only to that version's finding: an edited draft is a new version and blocks again", async () => {
      const { item, finding } = await blocked()
      await expectJson(
        await call(rounds, 'POST', overridePath(item.id), {
          cookie: w.editor.cookie,
          body: { ...finding, reason: 'Consent on file, ref 2026-15' },
        }),
        201,
      )
      await expectJson(
        await call(rounds, 'PATCH', `${items()}/${item.id}`, {
          cookie: w.author.cookie,
          body: { body: 'Mrs Ellen Hartley came in with new confusion overnight.' },
        }),
        200,
      )
      const b = (await expectError(
        await submit(w.author, item.id),
        422,
        'SCREENING_BLOCKED',
      )) as unknown as Blocked
      expect(b.error.message).toContain('version 2')
      expect(b.error.details.map((d) => d.text)).toContain(finding.text)
      const versions = await expectJson<{ versions: Array<{ number: number }> }>(
        await call(rounds, 'GET', `${items()}/${item.id}/versions`, { cookie: w.author.cookie }),
        200,
      )
      expect(versions.versions.map((v) => v.number)).toEqual([2, 1])
      const diff = await expectJson<VersionDiff>(
        await call(rounds, 'GET', `${items()}/${item.id}/diff?from=1&to=2`, { cookie: w.editor.cookie }),
        200,
      )
      expect(diff.text).toEqual([
        {
          field: 'body',
          hunks: [
            {
              oldStart: 1,
              oldLines: 1,
              newStart: 1,
              newLines: 1,
              lines: [
                { op: '-', text: 'Mrs Ellen Hartley came in with new confusion.' },
                { op: '+', text: 'Mrs Ellen Hartley came in with new confusion overnight.' },
              ],
            },
          ],
        },
      ])
      expect(diff.fields).toEqual([])
      await expectValidationError(
        await call(rounds, 'GET', `${items()}/${item.id}/diff?from=one&to=2`, { cookie: w.editor.cookie }),
        ['from'],
      )
      await expectError(
        await call(rounds, 'GET', `${items()}/${item.id}/diff?from=1&to=9`, { cookie: w.editor.cookie }),
        404,
        'VERSION_NOT_FOUND',
      )
    })
  })

  describe('what a reviewer reaches in an anonymous round', () => {
    /** A case with a patient's name, overridden by an editor (consent on file), submitted and put to anonymous review. */
    async function inAnonymousReview() {
      const other = await signedInMember(rounds, w.org.id, ['reviewer'], { name: 'Dr Otto Second' })
      const item = await create(w.author, {
        title: 'Consented case',
        body: 'Mrs Ellen Hartley came in with new confusion.',
      })
      const blocked = (await expectError(
        await submit(w.author, item.id),
        422,
        'SCREENING_BLOCKED',
      )) as unknown as Blocked
      for (const f of blocked.error.details)
        await expectJson(
          await call(rounds, 'POST', `${items()}/${item.id}/versions/1/overrides`, {
            cookie: w.editor.cookie,
            body: {
              ruleId: f.ruleId,
              field: f.field,
              start: f.start,
              end: f.end,
              text: f.text,
              reason: 'Written consent on file, form 2026-031',
            },
          }),
          201,
        )
      await expectJson(await submit(w.author, item.id), 200)
      await expectJson<Round>(
        await call(rounds, 'POST', `${items()}/${item.id}/review/assignments`, {
          cookie: w.editor.cookie,
          body: { reviewerIds: [w.reviewer.id, other.id], anonymous: true },
        }),
        201,
      )
      return { item, overridden: blocked.error.details.length }
    }

    it('the content routes refuse an assigned reviewer without naming the author; the review routes give what they need', async () => {
      const { item, overridden } = await inAnonymousReview()
      const refused = [
        ['GET', `${items()}/${item.id}`],
        ['GET', `${items()}/${item.id}/versions`],
        ['GET', `${items()}/${item.id}/versions/1`],
        ['GET', `${items()}/${item.id}/diff?from=1&to=1`],
        ['GET', `${items()}/${item.id}/approvals`],
        ['POST', `${items()}/${item.id}/submit`],
        ['POST', `${items()}/${item.id}/withdraw`],
      ] as const
      for (const [method, path] of refused) {
        const res = await call(rounds, method, path, {
          cookie: w.reviewer.cookie,
          ...(method === 'POST' ? { body: {} } : {}),
        })
        const text = await res.text()
        expect(res.status, `${method} ${path}`).toBe(403)
        expect(text).not.toContain(w.author.name)
        expect(text).not.toContain(w.author.id)
      }
      const list = await call(rounds, 'GET', items(), { cookie: w.reviewer.cookie })
      const listed = await list.text()
      expect(list.status).toBe(200)
      expect(listed).not.toContain(item.id)
      expect(listed).not.toContain(w.author.name)
      // What the reviewer reads instead: the version, labelled, with the editor's reasons.
      const v = await expectJson<ReviewVersion>(
        await call(rounds, 'GET', `${items()}/${item.id}/review/version`, { cookie: w.reviewer.cookie }),
        200,
      )
      expect(v.author).toEqual({ id: null, name: 'Author' })
      expect(v.anonymous).toBe(true)
      expect(v.fields).toMatchObject({ body: 'Mrs Ellen Hartley came in with new confusion.' })
      expect(v.overrides).toHaveLength(overridden)
      expect(v.overrides[0]).toMatchObject({ reason: 'Written consent on file, form 2026-031' })
      expect(JSON.stringify(v)).not.toContain(w.author.id)
      expect(JSON.stringify(v)).not.toContain(w.author.name)
    })
  })

  describe('series, lists and withdrawal', () => {
    it('series: authors and editors create, members list; items join a series of the organisation only', async () => {
      await expectError(
        await call(rounds, 'POST', `/api/orgs/${w.org.slug}/series`, {
          cookie: w.reviewer.cookie,
          body: { title: 'Nope' },
        }),
        403,
        'FORBIDDEN',
      )
      await expectValidationError(
        await call(rounds, 'POST', `/api/orgs/${w.org.slug}/series`, {
          cookie: w.author.cookie,
          body: { title: '' },
        }),
        ['title'],
      )
      const s = await expectJson<{ id: string }>(
        await call(rounds, 'POST', `/api/orgs/${w.org.slug}/series`, {
          cookie: w.author.cookie,
          body: { title: 'Not Just a Medical Student' },
        }),
        201,
      )
      const list = await expectJson<{ series: Array<{ id: string }> }>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/series`, { cookie: w.reviewer.cookie }),
        200,
      )
      expect(list.series.map((x) => x.id)).toContain(s.id)
      expect((await create(w.author, { seriesId: s.id })).seriesId).toBe(s.id)
      await expectError(
        await call(rounds, 'POST', items(), {
          cookie: w.author.cookie,
          body: { kind: 'post', seriesId: 'elsewhere' },
        }),
        404,
        'SERIES_NOT_FOUND',
      )
    })

    it('lists every item for editors and only their own for others', async () => {
      const mine = await create(w.author, { title: 'Listed' })
      const forEditor = await expectJson<{ items: Array<{ id: string; author: { id: string } }> }>(
        await call(rounds, 'GET', items(), { cookie: w.editor.cookie }),
        200,
      )
      expect(forEditor.items.map((i) => i.id)).toContain(mine.id)
      const forReviewer = await expectJson<{ items: unknown[] }>(
        await call(rounds, 'GET', items(), { cookie: w.reviewer.cookie }),
        200,
      )
      expect(forReviewer.items).toEqual([])
      const drafts = await expectJson<{ items: Array<{ state: string }> }>(
        await call(rounds, 'GET', `${items()}?state=draft`, { cookie: w.author.cookie }),
        200,
      )
      expect(drafts.items.length).toBeGreaterThan(0)
      expect(new Set(drafts.items.map((i) => i.state))).toEqual(new Set(['draft']))
    })

    it('withdraws a draft (reviewers may not); a withdrawn item accepts no further events', async () => {
      const item = await create(w.author, { title: 'To withdraw' })
      const path = `${items()}/${item.id}/withdraw`
      await expectError(
        await call(rounds, 'POST', path, { cookie: w.reviewer.cookie, body: {} }),
        403,
        'FORBIDDEN',
      )
      const r = await expectJson<Item>(
        await call(rounds, 'POST', path, { cookie: w.author.cookie, body: { reason: 'Duplicate' } }),
        200,
      )
      expect(r.state).toBe('withdrawn')
      await expectError(
        await call(rounds, 'POST', path, { cookie: w.editor.cookie, body: {} }),
        409,
        'ILLEGAL_TRANSITION',
      )
      await expectError(await submit(w.author, item.id), 409, 'ILLEGAL_TRANSITION')
      const t = await rounds.database.db
        .selectFrom('content_transition')
        .select(['from_state', 'to_state', 'reason'])
        .where('item_id', '=', item.id)
        .execute()
      expect(t).toEqual([{ from_state: 'draft', to_state: 'withdrawn', reason: 'Duplicate' }])
    })
  })
})
