import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor, updateIdentity } from '#src/capabilities/accounts/accounts.service.ts'
import type { Candidates } from '#src/capabilities/review/review.schema.ts'
import { UNDISCLOSED_CONFLICT } from '#src/capabilities/standards/conflicts.ts'
import type {
  DeclaredConflictView,
  OrganisationAuthor,
} from '#src/capabilities/standards/disclosure.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { submittedItem } from '#test/support/review-flow.ts'
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

describe.each(testDialects)('conflicts declared with a named author on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  let priya: SignedInUser
  /** An editor who also writes, so they manage review of their own items. */
  let editorAuthor: SignedInUser
  const path = '/api/me/declared-conflicts'
  const authorsPath = () => `/api/orgs/${w.org.slug}/authors`

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Conflict Teaching' })
    priya = await signedInMember(rounds, w.org.id, ['author'], { name: 'Priya Shah' })
    await updateIdentity(rounds.accounts, await loadActor(rounds.accounts, priya.id), {
      displayName: 'Dr Priya Shah',
      profession: 'doctor',
      registrationBody: 'GMC',
      registrationNumber: '7654321',
    })
    editorAuthor = await signedInMember(rounds, w.org.id, ['editor', 'author'], { name: 'Dr Eddie Writes' })
  })
  afterAll(() => rounds?.close())

  const declare = (u: SignedInUser, body: Record<string, unknown>) =>
    call(rounds, 'POST', path, { cookie: u.cookie, body })

  it('any member lists the authors by name and profession only; outsiders cannot', async () => {
    await expectError(await call(rounds, 'GET', authorsPath()), 401, 'UNAUTHENTICATED')
    await expectError(
      await call(rounds, 'GET', authorsPath(), { cookie: w.outsider.cookie }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
    const { authors } = await expectJson<{ authors: OrganisationAuthor[] }>(
      await call(rounds, 'GET', authorsPath(), { cookie: w.reviewer.cookie }),
      200,
    )
    expect(authors.map((a) => a.name)).toEqual(
      [w.author.name, 'Dr Eddie Writes', 'Dr Priya Shah'].sort((a, b) => a.localeCompare(b)),
    )
    expect(authors.find((a) => a.id === priya.id)).toEqual({
      id: priya.id,
      name: 'Dr Priya Shah',
      profession: 'doctor',
    })
    const text = JSON.stringify(authors)
    expect(text).not.toContain('@')
    expect(text).not.toContain('7654321')
    expect(authors.map((a) => a.id)).not.toContain(w.reviewer.id)
    // An author does not see themselves in the list.
    const own = await expectJson<{ authors: OrganisationAuthor[] }>(
      await call(rounds, 'GET', authorsPath(), { cookie: priya.cookie }),
      200,
    )
    expect(own.authors.map((a) => a.id)).not.toContain(priya.id)
  })

  it('400 without a category, without words for "other", with oneself or someone who is not an author there', async () => {
    await expectValidationError(await declare(w.reviewer, { authorId: priya.id, organisation: w.org.slug }), [
      'category',
    ])
    await expectValidationError(
      await declare(w.reviewer, { authorId: priya.id, organisation: w.org.slug, category: 'other' }),
      ['reason'],
    )
    await expectValidationError(
      await declare(w.reviewer, {
        authorId: priya.id,
        organisation: w.org.slug,
        category: 'nonsense',
      }),
      ['category'],
    )
    await expectValidationError(
      await declare(priya, { authorId: priya.id, organisation: w.org.slug, category: 'financial' }),
      ['authorId'],
    )
    await expectValidationError(
      await declare(w.reviewer, { authorId: w.editor.id, organisation: w.org.slug, category: 'financial' }),
      ['authorId'],
    )
    await expectError(
      await declare(w.reviewer, { authorId: priya.id, organisation: w.other.slug, category: 'financial' }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
  })

  it('a reviewer declares a conflict with a named author; the editor sees them excluded with the reason', async () => {
    const before = await countAuditEvents(rounds)
    const { conflict } = await expectJson<{ conflict: DeclaredConflictView }>(
      await declare(w.reviewer, {
        authorId: priya.id,
        organisation: w.org.slug,
        category: 'supervisor_trainee',
        reason: 'I am her educational supervisor',
      }),
      201,
    )
    expect(conflict).toMatchObject({
      author: { id: priya.id, name: 'Priya Shah' },
      company: null,
      category: 'supervisor_trainee',
      reason: 'I am her educational supervisor',
    })
    expect(await countAuditEvents(rounds)).toBe(before + 1)
    const audit = await rounds.database.db
      .selectFrom('audit_event')
      .selectAll()
      .where('resource_id', '=', conflict.id)
      .executeTakeFirstOrThrow()
    expect(JSON.stringify(audit)).not.toContain('educational supervisor')
    // Not in the organisation's audit trail, which its admins (perhaps the author) read.
    expect(audit.organisation_id).toBeNull()
    await expectError(
      await declare(w.reviewer, { authorId: priya.id, organisation: w.org.slug, category: 'financial' }),
      409,
      'CONFLICT',
    )

    const cast = {
      org: w.org,
      author: priya,
      editor: w.editor,
      reviewers: [w.reviewer, w.admin] as [SignedInUser, SignedInUser],
    }
    const itemId = await submittedItem(rounds, cast, 'Reading an ECG')
    const candidates = await expectJson<Candidates>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}/review/candidates`, {
        cookie: w.editor.cookie,
      }),
      200,
    )
    expect(candidates.eligible.map((c) => c.id)).not.toContain(w.reviewer.id)
    expect(candidates.excluded.find((c) => c.id === w.reviewer.id)?.reasons).toEqual([
      'the reviewer declared a conflict with this author (supervisor or trainee): I am her educational supervisor',
    ])
    // Another author's items are not affected.
    const other = await submittedItem(rounds, { ...cast, author: w.author }, 'Hand hygiene')
    const forOther = await expectJson<Candidates>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${other}/review/candidates`, {
        cookie: w.editor.cookie,
      }),
      200,
    )
    expect(forOther.eligible.map((c) => c.id)).toContain(w.reviewer.id)
    // Assigning them anyway is refused with the reason.
    const refused = await expectError(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/items/${itemId}/review/assignments`, {
        cookie: w.editor.cookie,
        body: { reviewerIds: [w.reviewer.id, w.admin.id] },
      }),
      422,
      'REVIEWER_CONFLICTED',
    )
    expect(refused.error.message).toContain('supervisor or trainee')

    // Withdrawn, the reviewer is eligible again.
    expect(
      (await call(rounds, 'DELETE', `${path}/${conflict.id}`, { cookie: w.reviewer.cookie })).status,
    ).toBe(204)
    const after = await expectJson<Candidates>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}/review/candidates`, {
        cookie: w.editor.cookie,
      }),
      200,
    )
    expect(after.eligible.map((c) => c.id)).toContain(w.reviewer.id)
  })

  it('an author who manages review of their own item is not told who declared what about them', async () => {
    await expectJson(
      await declare(w.reviewer, {
        authorId: editorAuthor.id,
        organisation: w.org.slug,
        category: 'personal_relationship',
        reason: 'We are married',
      }),
      201,
    )
    const cast = {
      org: w.org,
      author: editorAuthor,
      editor: editorAuthor,
      reviewers: [w.reviewer, w.admin] as [SignedInUser, SignedInUser],
    }
    const itemId = await submittedItem(rounds, cast, 'Sepsis six')
    const seenByAuthor = await expectJson<Candidates>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}/review/candidates`, {
        cookie: editorAuthor.cookie,
      }),
      200,
    )
    const excluded = seenByAuthor.excluded.find((c) => c.id === w.reviewer.id)
    expect(excluded?.reasons).toEqual([UNDISCLOSED_CONFLICT])
    expect(JSON.stringify(seenByAuthor)).not.toMatch(/married|personal relationship|declared/)
    // Another editor sees the reason.
    const seenByEditor = await expectJson<Candidates>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}/review/candidates`, {
        cookie: w.editor.cookie,
      }),
      200,
    )
    expect(seenByEditor.excluded.find((c) => c.id === w.reviewer.id)?.reasons[0]).toMatch(
      /personal relationship\): We are married/,
    )
  })
})
