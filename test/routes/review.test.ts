import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import type { Item, VersionDiff } from '#src/capabilities/content/content.schema.ts'
import type {
  Approval,
  Candidates,
  Review,
  ReviewVersion,
  Round,
} from '#src/capabilities/review/review.schema.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator, declareConflict } from '#src/capabilities/standards/disclosure.service.ts'
import { manualClock } from '#src/platform/clock.ts'
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

const CLEAN =
  'Three signs of sepsis: new confusion, respiratory rate of 22 or more, systolic pressure of 100 or less.'

const fullReview = {
  noConflict: true,
  rmetriq: {
    contentQuality: 3,
    clearCredentials: 2,
    bias: 3,
    references: 2,
    dates: 1,
    attribution: 3,
    prePublicationReview: 2,
  },
  accuracy: 6,
  utility: 5,
  comments: [
    { field: 'body', start: 0, end: 16, quote: 'Three signs of s', comment: 'Name the score (qSOFA).' },
  ],
  recommendation: 'minor_revision',
} as const

describe.each(testDialects)('peer review and approval on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  let r2: SignedInUser
  let r3: SignedInUser
  let conflicted: SignedInUser
  const clock = manualClock(new Date('2026-03-01T09:00:00.000Z'))

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds, { name: 'Review Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
    r2 = await signedInMember(rounds, w.org.id, ['reviewer'], { name: 'Dr Rhea Second' })
    r3 = await signedInMember(rounds, w.org.id, ['reviewer'], { name: 'Dr Rafe Third' })
    conflicted = await signedInMember(rounds, w.org.id, ['reviewer'], { name: 'Dr Connie Flicted' })
    await declareConflict(rounds.accounts, await loadActor(rounds.accounts, conflicted.id), {
      authorId: w.author.id,
      reason: 'We share a clinical practice',
    })
  })
  afterAll(() => rounds?.close())

  const items = () => `/api/orgs/${w.org.slug}/items`
  const review = (itemId: string) => `${items()}/${itemId}/review`

  /** A clean item by the world's author, submitted. */
  async function submitted(title = 'Sepsis in three signs'): Promise<Item> {
    const item = await expectJson<Item>(
      await call(rounds, 'POST', items(), {
        cookie: w.author.cookie,
        body: { kind: 'post', title, body: CLEAN },
      }),
      201,
    )
    await expectJson(
      await call(rounds, 'POST', `${items()}/${item.id}/submit`, { cookie: w.author.cookie }),
      200,
    )
    return item
  }

  const assign = (itemId: string, body: Record<string, unknown>, as: SignedInUser = w.editor) =>
    call(rounds, 'POST', `${review(itemId)}/assignments`, { cookie: as.cookie, body })

  async function assigned(anonymous = false) {
    const item = await submitted()
    const round = await expectJson<Round>(
      await assign(item.id, { reviewerIds: [w.reviewer.id, r2.id], anonymous }),
      201,
    )
    const mine = (u: SignedInUser) =>
      round.reviews.find((r) => r.reviewer.id === u.id)?.assignmentId as string
    return { item, round, a1: mine(w.reviewer), a2: mine(r2) }
  }

  const save = (itemId: string, assignmentId: string, as: SignedInUser, body: unknown) =>
    call(rounds, 'PUT', `${review(itemId)}/assignments/${assignmentId}`, { cookie: as.cookie, body })
  const submitReview = (itemId: string, assignmentId: string, as: SignedInUser) =>
    call(rounds, 'POST', `${review(itemId)}/assignments/${assignmentId}/submit`, { cookie: as.cookie })

  async function reviewedBoth(anonymous = false) {
    const a = await assigned(anonymous)
    for (const [id, u] of [
      [a.a1, w.reviewer],
      [a.a2, r2],
    ] as const) {
      await expectJson(await save(a.item.id, id, u, fullReview), 200)
      await expectJson(await submitReview(a.item.id, id, u), 200)
    }
    return a
  }

  const decide = (itemId: string, body: unknown, as: SignedInUser = w.editor) =>
    call(rounds, 'POST', `${review(itemId)}/decision`, { cookie: as.cookie, body })

  describe('candidates and assignment', () => {
    it('401, 403, 404 and 400 come first', async () => {
      const item = await submitted()
      await expectError(await call(rounds, 'GET', `${review(item.id)}/candidates`), 401, 'UNAUTHENTICATED')
      for (const u of [w.author, w.reviewer, w.admin])
        await expectError(
          await call(rounds, 'GET', `${review(item.id)}/candidates`, { cookie: u.cookie }),
          403,
          'FORBIDDEN',
        )
      await expectError(
        await call(rounds, 'GET', `${review(item.id)}/candidates`, { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectError(
        await assign(item.id, { reviewerIds: [w.reviewer.id, r2.id] }, w.author),
        403,
        'FORBIDDEN',
      )
      await expectValidationError(await assign(item.id, { reviewerIds: [], dueAt: 'tomorrow' }), [
        'reviewerIds',
        'dueAt',
      ])
      await expectError(
        await call(rounds, 'GET', `${items()}/nope/review/candidates`, { cookie: w.editor.cookie }),
        404,
        'ITEM_NOT_FOUND',
      )
    })

    it('lists a conflicted reviewer as excluded with the reason, and refuses to assign them', async () => {
      const item = await submitted()
      const c = await expectJson<Candidates>(
        await call(rounds, 'GET', `${review(item.id)}/candidates`, { cookie: w.editor.cookie }),
        200,
      )
      expect(c.reviewersRequired).toBe(2)
      expect(c.eligible.map((e) => e.id).sort()).toEqual([w.reviewer.id, r2.id, r3.id].sort())
      expect(c.excluded).toEqual([
        {
          id: conflicted.id,
          name: 'Dr Connie Flicted',
          eligible: false,
          reasons: [expect.stringContaining('We share a clinical practice')],
        },
      ])
      const body = await expectError(
        await assign(item.id, { reviewerIds: [w.reviewer.id, conflicted.id] }),
        422,
        'REVIEWER_CONFLICTED',
      )
      expect(body.error.message).toContain('We share a clinical practice')
    })

    it('refuses a non-reviewer and the wrong number of reviewers; nothing changes', async () => {
      const item = await submitted()
      const before = await countAuditEvents(rounds)
      await expectError(
        await assign(item.id, { reviewerIds: [w.reviewer.id, w.editor.id] }),
        422,
        'REVIEWER_NOT_ELIGIBLE',
      )
      await expectError(await assign(item.id, { reviewerIds: [w.reviewer.id] }), 422, 'REVIEWER_COUNT')
      expect(await countAuditEvents(rounds)).toBe(before)
      const got = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.editor.cookie }),
        200,
      )
      expect(got.state).toBe('submitted')
    })

    it('assignment moves the item to in_review with a 7-day due date; decline lets the editor reassign', async () => {
      const { item, round, a1 } = await assigned()
      expect(round.reviews).toHaveLength(2)
      expect(round.reviews[0]?.dueAt).toBe('2026-03-08T09:00:00.000Z')
      const got = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(got.state).toBe('in_review')
      await expectError(await assign(item.id, { reviewerIds: [r3.id] }), 422, 'REVIEWER_COUNT')
      await expectValidationError(
        await call(rounds, 'POST', `${review(item.id)}/assignments/${a1}/decline`, {
          cookie: w.reviewer.cookie,
          body: { reason: '' },
        }),
        ['reason'],
      )
      const declined = await expectJson<Review>(
        await call(rounds, 'POST', `${review(item.id)}/assignments/${a1}/decline`, {
          cookie: w.reviewer.cookie,
          body: { reason: 'On leave this week' },
        }),
        200,
      )
      expect(declined).toMatchObject({ status: 'declined', declineReason: 'On leave this week' })
      const again = await expectJson<Round>(await assign(item.id, { reviewerIds: [r3.id] }), 201)
      expect(again.reviews.map((r) => [r.reviewer.id, r.status])).toEqual([
        [w.reviewer.id, 'declined'],
        [r2.id, 'assigned'],
        [r3.id, 'assigned'],
      ])
    })
  })

  describe('reviews', () => {
    it("GET /me/reviews lists a reviewer's own assignments, open first, with due dates; not others'", async () => {
      await expectError(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/me/reviews`),
        401,
        'UNAUTHENTICATED',
      )
      await expectError(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/me/reviews`, { cookie: w.author.cookie }),
        403,
        'FORBIDDEN',
      )
      const a = await assigned()
      type Mine = {
        assignments: Array<{
          assignmentId: string
          itemId: string
          title: string
          status: string
          dueAt: string
          overdue: boolean
        }>
      }
      const mine = await expectJson<Mine>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/me/reviews`, { cookie: r2.cookie }),
        200,
      )
      const entry = mine.assignments.find((x) => x.itemId === a.item.id)
      expect(entry).toMatchObject({
        assignmentId: a.a2,
        title: 'Sepsis in three signs',
        status: 'assigned',
        overdue: false,
      })
      expect(mine.assignments.map((x) => x.assignmentId)).not.toContain(a.a1)
      const third = await expectJson<Mine>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/me/reviews`, { cookie: r3.cookie }),
        200,
      )
      expect(third.assignments.map((x) => x.itemId)).not.toContain(a.item.id)
    })

    it('a reviewer who is not assigned can neither see nor review the item', async () => {
      const { item, a1 } = await assigned()
      await expectError(
        await call(rounds, 'GET', `${review(item.id)}/version`, { cookie: r3.cookie }),
        403,
        'FORBIDDEN',
      )
      await expectError(await call(rounds, 'GET', review(item.id), { cookie: r3.cookie }), 403, 'FORBIDDEN')
      await expectError(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: r3.cookie }),
        403,
        'FORBIDDEN',
      )
      await expectError(await save(item.id, a1, r3, fullReview), 403, 'FORBIDDEN')
      await expectError(await submitReview(item.id, a1, r3), 403, 'FORBIDDEN')
      const v = await expectJson<ReviewVersion>(
        await call(rounds, 'GET', `${review(item.id)}/version`, { cookie: w.reviewer.cookie }),
        200,
      )
      expect(v).toMatchObject({ version: 1, fields: { body: CLEAN }, author: { id: w.author.id } })
    })

    it('validates the rubric: rMETRIQ items 0–3, accuracy and utility 1–7, unknown items refused', async () => {
      const { item, a1 } = await assigned()
      const bad = await expectValidationError(
        await save(item.id, a1, w.reviewer, {
          rmetriq: { contentQuality: 4, bias: -1, novelty: 2 },
          accuracy: 0,
          utility: 8,
          recommendation: 'maybe',
        }),
        ['rmetriq.contentQuality', 'rmetriq.bias', 'accuracy', 'utility', 'recommendation'],
      )
      expect(Object.keys(bad).length).toBeGreaterThanOrEqual(5)
      await expectError(
        await call(rounds, 'PUT', `${review(item.id)}/assignments/${a1}`, { body: {} }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('a review is editable until submitted, refused while incomplete, and submitted once', async () => {
      const { item, a1 } = await assigned()
      const partial = await expectJson<Review>(
        await save(item.id, a1, w.reviewer, { rmetriq: { contentQuality: 1 }, accuracy: 2 }),
        200,
      )
      expect(partial).toMatchObject({ rmetriq: { contentQuality: 1 }, accuracy: 2, rmetriqTotal: null })
      const missing = await expectError(await submitReview(item.id, a1, w.reviewer), 422, 'REVIEW_INCOMPLETE')
      expect(missing.error.message).toContain('noConflict')
      await expectJson(await save(item.id, a1, w.reviewer, fullReview), 200)
      const done = await expectJson<Review>(await submitReview(item.id, a1, w.reviewer), 200)
      expect(done).toMatchObject({ status: 'submitted', rmetriqTotal: 16, accuracy: 6, utility: 5 })
      expect(done.comments[0]).toMatchObject({ field: 'body', start: 0, end: 16 })
      await expectError(await save(item.id, a1, w.reviewer, { accuracy: 7 }), 409, 'REVIEW_CLOSED')
      await expectError(await submitReview(item.id, a1, w.reviewer), 409, 'REVIEW_CLOSED')
    })

    it('anonymous mode hides the author and the reviewers from each other in every response', async () => {
      const { item, a1, a2 } = await assigned(true)
      const names = [w.author.name, w.reviewer.name, r2.name]
      const leaks = (text: string, allowed: string[]) => {
        for (const n of names) if (!allowed.includes(n)) expect(text, `leaked ${n}`).not.toContain(n)
      }
      const asReviewer = [
        await call(rounds, 'GET', review(item.id), { cookie: w.reviewer.cookie }),
        await call(rounds, 'GET', `${review(item.id)}/version`, { cookie: w.reviewer.cookie }),
        await save(item.id, a1, w.reviewer, fullReview),
        await submitReview(item.id, a1, w.reviewer),
      ]
      for (const res of asReviewer) {
        const text = await res.text()
        expect(res.status).toBe(200)
        leaks(text, [w.reviewer.name])
        expect(text).not.toContain(w.author.id)
      }
      await expectJson(await save(item.id, a2, r2, fullReview), 200)
      await expectJson(await submitReview(item.id, a2, r2), 200)
      const round = await expectJson<Round>(
        await call(rounds, 'GET', review(item.id), { cookie: w.reviewer.cookie }),
        200,
      )
      expect(round.author).toEqual({ id: null, name: 'Author' })
      await expectJson(await decide(item.id, { decision: 'accept', message: 'Thank you, approved.' }), 200)
      const forAuthor = await call(rounds, 'GET', review(item.id), { cookie: w.author.cookie })
      const text = await forAuthor.text()
      expect(forAuthor.status).toBe(200)
      leaks(text, [w.author.name])
      expect(text).not.toContain(w.reviewer.id)
      const seen = JSON.parse(text) as Round
      expect(seen.reviews.map((r) => r.reviewer)).toEqual([
        { id: null, name: 'Reviewer 1' },
        { id: null, name: 'Reviewer 2' },
      ])
      expect(seen.decisionMessage).toBe('Thank you, approved.')
      // The editor sees everyone.
      const forEditor = await expectJson<Round>(
        await call(rounds, 'GET', review(item.id), { cookie: w.editor.cookie }),
        200,
      )
      expect(forEditor.reviews.map((r) => r.reviewer.name).sort()).toEqual([w.reviewer.name, r2.name].sort())
      expect(forEditor.author.name).toBe(w.author.name)
    })
  })

  describe('the revision loop', () => {
    const REVISED = `${CLEAN} Score it with qSOFA.`
    const diffOf = (itemId: string, from: number | string, as: SignedInUser) =>
      call(rounds, 'GET', `${review(itemId)}/diff?from=${from}`, { cookie: as.cookie })

    /** Both reviewed, the editor asked for changes, the author revised and resubmitted. */
    async function revised(anonymous = false) {
      const a = await reviewedBoth(anonymous)
      await expectJson(
        await decide(a.item.id, { decision: 'revise', message: 'Name the score, please.' }),
        200,
      )
      await expectJson(
        await call(rounds, 'PATCH', `${items()}/${a.item.id}`, {
          cookie: w.author.cookie,
          body: { body: REVISED },
        }),
        200,
      )
      const resubmitted = await expectJson<{ item: Item }>(
        await call(rounds, 'POST', `${items()}/${a.item.id}/submit`, { cookie: w.author.cookie }),
        200,
      )
      return { ...a, resubmitted: resubmitted.item }
    }

    it('the author reads the decision and the span comments; the resubmission goes back to the same reviewers', async () => {
      const a = await reviewedBoth()
      await expectJson(
        await decide(a.item.id, { decision: 'revise', message: 'Name the score, please.' }),
        200,
      )
      const forAuthor = await expectJson<Round>(
        await call(rounds, 'GET', review(a.item.id), { cookie: w.author.cookie }),
        200,
      )
      expect(forAuthor).toMatchObject({ decision: 'revise', decisionMessage: 'Name the score, please.' })
      expect(forAuthor.reviews.flatMap((r) => r.comments.map((c) => c.comment))).toEqual([
        'Name the score (qSOFA).',
        'Name the score (qSOFA).',
      ])
      const { resubmitted } = await revised()
      expect(resubmitted.state).toBe('in_review')
      expect(resubmitted.latestVersion?.number).toBe(2)
      const round = await expectJson<Round>(
        await call(rounds, 'GET', review(resubmitted.id), { cookie: w.editor.cookie }),
        200,
      )
      expect(round).toMatchObject({ version: 2, decision: null, anonymous: false })
      expect(round.reviews.map((r) => [r.reviewer.id, r.status, r.rmetriqTotal])).toEqual([
        [w.reviewer.id, 'assigned', null],
        [r2.id, 'assigned', null],
      ])
      expect(round.reviews[0]?.dueAt).toBe('2026-03-08T09:00:00.000Z')
      // Each reviewer is asked again, in their notifications.
      const { notifications } = await expectJson<{ notifications: Array<{ kind: string; itemId: string }> }>(
        await call(rounds, 'GET', '/api/me/notifications?limit=100', { cookie: r2.cookie }),
        200,
      )
      expect(
        notifications.filter((n) => n.itemId === resubmitted.id && n.kind === 'review.assigned'),
      ).toHaveLength(2)
    })

    it('the reviewer reads the new version with their earlier comments and the diff since the version they reviewed', async () => {
      const { resubmitted } = await revised()
      const v = await expectJson<ReviewVersion>(
        await call(rounds, 'GET', `${review(resubmitted.id)}/version`, { cookie: w.reviewer.cookie }),
        200,
      )
      expect(v).toMatchObject({ version: 2, fields: { body: REVISED } })
      expect(v.previous).toMatchObject({
        version: 1,
        decision: 'revise',
        recommendation: 'minor_revision',
        comments: [{ comment: 'Name the score (qSOFA).' }],
      })
      const d = await expectJson<VersionDiff>(await diffOf(resubmitted.id, 1, w.reviewer), 200)
      expect(d.from.number).toBe(1)
      expect(d.to.number).toBe(2)
      expect(d.text).toEqual([
        {
          field: 'body',
          hunks: [
            expect.objectContaining({
              lines: [
                { op: '-', text: CLEAN },
                { op: '+', text: REVISED },
              ],
            }),
          ],
        },
      ])
      expect(d.fields).toEqual([])
      // Not one of its reviewers, not a version they reviewed, bad input, signed out.
      await expectError(await diffOf(resubmitted.id, 1, r3), 403, 'FORBIDDEN')
      await expectError(await diffOf(resubmitted.id, 1, w.author), 403, 'FORBIDDEN')
      await expectError(await diffOf(resubmitted.id, 7, w.reviewer), 403, 'FORBIDDEN')
      await expectError(await diffOf(resubmitted.id, 7, w.editor), 404, 'VERSION_NOT_FOUND')
      await expectValidationError(await diffOf(resubmitted.id, 'one', w.reviewer), ['from'])
      await expectError(
        await call(rounds, 'GET', `${review(resubmitted.id)}/diff?from=1`),
        401,
        'UNAUTHENTICATED',
      )
      await expectError(await diffOf(resubmitted.id, 1, w.outsider), 404, 'ORGANISATION_NOT_FOUND')
      // The editor may compare any two; the second round decides like the first.
      await expectJson(await diffOf(resubmitted.id, 2, w.editor), 200)
    })

    it('a reviewer who became conflicted is not carried over; the editor fills the place', async () => {
      const fresh = await signedInMember(rounds, w.org.id, ['reviewer'], { name: 'Dr Fay Later' })
      const item = await submitted('Sepsis, second look')
      const first = await expectJson<Round>(
        await assign(item.id, { reviewerIds: [w.reviewer.id, fresh.id] }),
        201,
      )
      for (const r of first.reviews) {
        const u = r.reviewer.id === fresh.id ? fresh : w.reviewer
        await expectJson(await save(item.id, r.assignmentId, u, fullReview), 200)
        await expectJson(await submitReview(item.id, r.assignmentId, u), 200)
      }
      await expectJson(await decide(item.id, { decision: 'revise', message: 'Add the reference.' }), 200)
      await declareConflict(rounds.accounts, await loadActor(rounds.accounts, fresh.id), {
        authorId: w.author.id,
        reason: 'Now co-authoring a paper',
      })
      await expectJson(
        await call(rounds, 'PATCH', `${items()}/${item.id}`, {
          cookie: w.author.cookie,
          body: { body: REVISED },
        }),
        200,
      )
      const back = await expectJson<{ item: Item }>(
        await call(rounds, 'POST', `${items()}/${item.id}/submit`, { cookie: w.author.cookie }),
        200,
      )
      expect(back.item.state).toBe('submitted')
      const c = await expectJson<Candidates>(
        await call(rounds, 'GET', `${review(item.id)}/candidates`, { cookie: w.editor.cookie }),
        200,
      )
      expect(c.assigned).toBe(1)
      expect(c.excluded.find((x) => x.id === fresh.id)?.reasons).toEqual([
        expect.stringContaining('Now co-authoring a paper'),
      ])
      expect(c.excluded.find((x) => x.id === w.reviewer.id)?.reasons).toEqual([
        'the reviewer is already assigned to this round',
      ])
      const filled = await expectJson<Round>(await assign(item.id, { reviewerIds: [r3.id] }), 201)
      expect(filled.reviews.map((r) => r.reviewer.id)).toEqual([w.reviewer.id, r3.id])
      expect(filled.version).toBe(2)
      const got = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(got.state).toBe('in_review')
    })

    it('an anonymous round stays anonymous after resubmission, in every response a reviewer or the author gets', async () => {
      const { resubmitted } = await revised(true)
      const round = await expectJson<Round>(
        await call(rounds, 'GET', review(resubmitted.id), { cookie: w.editor.cookie }),
        200,
      )
      expect(round.anonymous).toBe(true)
      const a1 = round.reviews.find((r) => r.reviewer.id === w.reviewer.id)?.assignmentId as string
      const forReviewer = [
        await call(rounds, 'GET', review(resubmitted.id), { cookie: w.reviewer.cookie }),
        await call(rounds, 'GET', `${review(resubmitted.id)}/version`, { cookie: w.reviewer.cookie }),
        await diffOf(resubmitted.id, 1, w.reviewer),
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/me/reviews`, { cookie: w.reviewer.cookie }),
        await save(resubmitted.id, a1, w.reviewer, { ...fullReview, recommendation: 'accept' }),
        await submitReview(resubmitted.id, a1, w.reviewer),
      ]
      for (const res of forReviewer) {
        const text = await res.text()
        expect(res.status, text).toBe(200)
        expect(text).not.toContain(w.author.name)
        expect(text).not.toContain(w.author.id)
        expect(text).not.toContain(r2.name)
        expect(text).not.toContain(r2.id)
      }
      const diff = JSON.parse(await (await diffOf(resubmitted.id, 1, w.reviewer)).text()) as VersionDiff
      expect([diff.from.createdBy, diff.to.createdBy]).toEqual([null, null])
      // The author, reading the first round's decision while revising, saw only labels.
      const forAuthor = await call(rounds, 'GET', review(resubmitted.id), { cookie: w.author.cookie })
      const text = await forAuthor.text()
      expect(forAuthor.status).toBe(200)
      for (const leak of [w.reviewer.name, w.reviewer.id, r2.name, r2.id]) expect(text).not.toContain(leak)
      // The editor still sees who saved each version.
      const forEditor = await expectJson<VersionDiff>(await diffOf(resubmitted.id, 1, w.editor), 200)
      expect(forEditor.to.createdBy).toEqual({ id: w.author.id, name: w.author.name })
    })
  })

  describe('decision and approval', () => {
    it('refuses a decision before the reviews are in, and from a non-editor', async () => {
      const { item, a1 } = await assigned()
      await expectValidationError(await decide(item.id, { decision: 'maybe', message: '' }), [
        'decision',
        'message',
      ])
      await expectError(
        await decide(item.id, { decision: 'accept', message: 'Fine' }, w.reviewer),
        403,
        'FORBIDDEN',
      )
      await expectJson(await save(item.id, a1, w.reviewer, fullReview), 200)
      await expectJson(await submitReview(item.id, a1, w.reviewer), 200)
      await expectError(
        await decide(item.id, { decision: 'accept', message: 'Fine' }),
        409,
        'REVIEWS_PENDING',
      )
    })

    it('shows the reviews side by side with aggregated scores; accept approves the reviewed hash', async () => {
      const { item } = await reviewedBoth()
      const side = await expectJson<Round>(
        await call(rounds, 'GET', review(item.id), { cookie: w.editor.cookie }),
        200,
      )
      expect(side.aggregate).toEqual({
        submitted: 2,
        rmetriqMean: 16,
        rmetriqMax: 21,
        accuracyMean: 6,
        utilityMean: 5,
        recommendations: { accept: 0, minor_revision: 2, major_revision: 0, reject: 0 },
      })
      const decided = await expectJson<Round>(
        await decide(item.id, { decision: 'accept', message: 'Approved: lovely and clear.' }),
        200,
      )
      expect(decided).toMatchObject({ decision: 'accept', decisionMessage: 'Approved: lovely and clear.' })
      const got = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(got.state).toBe('approved')
      const { approvals } = await expectJson<{ approvals: Approval[] }>(
        await call(rounds, 'GET', `${items()}/${item.id}/approvals`, { cookie: w.author.cookie }),
        200,
      )
      expect(approvals).toEqual([
        {
          id: expect.any(String),
          version: 1,
          contentHash: got.contentHash,
          approvedBy: { id: w.editor.id, name: w.editor.name },
          approvedAt: clock.now().toISOString(),
          expiresAt: '2028-03-01T09:00:00.000Z',
          status: 'active',
          endedAt: null,
        },
      ])
      await expectError(
        await call(rounds, 'GET', `${items()}/${item.id}/approvals`, { cookie: w.reviewer.cookie }),
        403,
        'FORBIDDEN',
      )
      await expectError(await decide(item.id, { decision: 'reject', message: 'No' }), 409, 'REVIEW_CLOSED')
    })

    it('revise asks for changes with the message; reject ends the item', async () => {
      const one = await reviewedBoth()
      await expectJson(
        await decide(one.item.id, { decision: 'revise', message: 'Please add the reference.' }),
        200,
      )
      const forAuthor = await expectJson<Round>(
        await call(rounds, 'GET', review(one.item.id), { cookie: w.author.cookie }),
        200,
      )
      expect(forAuthor.decisionMessage).toBe('Please add the reference.')
      const s1 = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${one.item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(s1.state).toBe('changes_requested')
      const two = await reviewedBoth()
      await expectJson(
        await decide(two.item.id, { decision: 'reject', message: 'Out of scope for us.' }),
        200,
      )
      const s2 = await expectJson<Item>(
        await call(rounds, 'GET', `${items()}/${two.item.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(s2.state).toBe('rejected')
    })

    it('an edit after approval voids it', async () => {
      const { item } = await reviewedBoth()
      await expectJson(await decide(item.id, { decision: 'accept', message: 'Approved.' }), 200)
      const edited = await expectJson<Item>(
        await call(rounds, 'PATCH', `${items()}/${item.id}`, {
          cookie: w.author.cookie,
          body: { title: 'Sepsis, retitled' },
        }),
        200,
      )
      expect(edited.state).toBe('changes_requested')
      const { approvals } = await expectJson<{ approvals: Approval[] }>(
        await call(rounds, 'GET', `${items()}/${item.id}/approvals`, { cookie: w.editor.cookie }),
        200,
      )
      expect(approvals[0]).toMatchObject({ status: 'void', endedAt: clock.now().toISOString() })
      expect(approvals[0]?.contentHash).not.toBe(edited.contentHash)
    })

    it('an approval expires after the policy period and the item goes back to review', async () => {
      const { item } = await reviewedBoth()
      await expectJson(await decide(item.id, { decision: 'accept', message: 'Approved.' }), 200)
      const start = clock.now()
      try {
        clock.advance(23 * 31 * 24 * 3600 * 1000)
        const still = await expectJson<{ approvals: Approval[] }>(
          await call(rounds, 'GET', `${items()}/${item.id}/approvals`, { cookie: w.editor.cookie }),
          200,
        )
        expect(still.approvals[0]?.status).toBe('active')
        clock.set(new Date(start.getTime() + 25 * 31 * 24 * 3600 * 1000))
        const after = await expectJson<{ approvals: Approval[] }>(
          await call(rounds, 'GET', `${items()}/${item.id}/approvals`, { cookie: w.editor.cookie }),
          200,
        )
        expect(after.approvals[0]?.status).toBe('expired')
        const got = await expectJson<Item>(
          await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.editor.cookie }),
          200,
        )
        expect(got.state).toBe('in_review')
        // A new round on the same version can then be assigned.
        const again = await expectJson<Round>(
          await assign(item.id, { reviewerIds: [w.reviewer.id, r3.id] }),
          201,
        )
        expect(again.decision).toBeNull()
      } finally {
        clock.set(start)
      }
    })
  })
})
