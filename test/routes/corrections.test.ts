import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Item } from '#src/capabilities/content/content.schema.ts'
import type { Correction } from '#src/capabilities/content/corrections.schema.ts'
import { listCorrections } from '#src/capabilities/content/corrections.service.ts'
import type { NotificationPage } from '#src/capabilities/notifications/notifications.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { approvedItem, publishedItem, type ReviewCast } from '#test/support/review-flow.ts'
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

const NOTICE = 'Correction: the dose of adrenaline for anaphylaxis in adults is 0.5 mg IM, not 5 mg.'

describe.each(testDialects)('correction notices on %s', (dialect) => {
  let rounds: TestRounds
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  let cast: ReviewCast

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
    const r2 = await signedInMember(rounds, w.org.id, ['reviewer'])
    cast = { org: w.org, author: w.author, editor: w.editor, reviewers: [w.reviewer, r2] }
  })
  afterAll(() => rounds?.close())

  const path = (itemId: string) => `/api/orgs/${w.org.slug}/items/${itemId}/corrections`
  const post = (itemId: string, who: SignedInUser | null, body: unknown = { notice: NOTICE }) =>
    call(rounds, 'POST', path(itemId), { ...(who ? { cookie: who.cookie } : {}), body })

  it('401, 404, 403 and 400 change nothing', async () => {
    const { itemId } = await publishedItem(rounds, cast)
    const before = await countAuditEvents(rounds)
    await expectError(await post(itemId, null), 401, 'UNAUTHENTICATED')
    await expectError(await post(itemId, w.outsider), 404, 'ORGANISATION_NOT_FOUND')
    await expectError(await post('no-such-item', w.editor), 404, 'ITEM_NOT_FOUND')
    for (const who of [w.author, w.reviewer, w.admin])
      await expectError(await post(itemId, who), 403, 'FORBIDDEN')
    await expectValidationError(await post(itemId, w.editor, { notice: 'typo' }), ['notice'])
    await expectValidationError(await post(itemId, w.editor, {}), ['notice'])
    expect(await countAuditEvents(rounds)).toBe(before)
    expect(await listCorrections(rounds.database.db, itemId)).toEqual([])
  })

  it('refuses an item that is not published (409 ILLEGAL_TRANSITION)', async () => {
    const { itemId } = await approvedItem(rounds, cast)
    const body = await expectError(await post(itemId, w.editor), 409, 'ILLEGAL_TRANSITION')
    expect(body.error.message).toContain('only a published item can be corrected')
    expect(await listCorrections(rounds.database.db, itemId)).toEqual([])
  })

  it('an editor posts notices on a published item: stored, audited, item corrected, listed to members', async () => {
    const { itemId } = await publishedItem(rounds, cast)
    const first = await expectJson<Correction>(await post(itemId, w.editor), 201)
    expect(first).toMatchObject({ itemId, version: 1, notice: NOTICE })
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/)
    const item = await expectJson<Item>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}`, { cookie: w.author.cookie }),
      200,
    )
    expect(item.state).toBe('corrected')

    // A corrected item can be corrected again.
    const second = await expectJson<Correction>(
      await post(itemId, w.editor, {
        notice: '  Also: the reference to the 2021 guideline is now the 2024 update.  ',
      }),
      201,
    )
    expect(second.notice).toBe('Also: the reference to the 2021 guideline is now the 2024 update.')

    for (const who of [w.author, w.reviewer, w.admin, w.editor]) {
      const list = await expectJson<{ corrections: Correction[] }>(
        await call(rounds, 'GET', path(itemId), { cookie: who.cookie }),
        200,
      )
      expect(list.corrections.map((c) => c.id)).toEqual([first.id, second.id])
      expect(Object.keys(list.corrections[0] ?? {}).sort()).toEqual(
        ['contentHash', 'id', 'itemId', 'notice', 'postedAt', 'version'].sort(),
      )
    }
    await expectError(
      await call(rounds, 'GET', path(itemId), { cookie: w.outsider.cookie }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
    expect(await listCorrections(rounds.database.db, itemId)).toEqual([first, second])

    const events = await rounds.database.db
      .selectFrom('audit_event')
      .select(['action', 'actor_id', 'summary'])
      .where('resource_id', '=', itemId)
      .where('action', 'in', ['content.correct', 'content.correction_posted'])
      .orderBy('seq')
      .execute()
    expect(events.map((e) => e.action)).toEqual([
      'content.correct',
      'content.correction_posted',
      'content.correct',
      'content.correction_posted',
    ])
    expect(events.every((e) => e.actor_id === w.editor.id)).toBe(true)
    // The audit keeps the notice's id, never its text.
    expect(JSON.parse(events[1]?.summary ?? '{}')).toMatchObject({ correctionId: first.id, version: 1 })
    expect(events.some((e) => e.summary.includes('adrenaline'))).toBe(false)

    // The author hears of each notice, with its text, once; the editor who posted it does not.
    const authorNotes = await expectJson<NotificationPage>(
      await call(rounds, 'GET', '/api/me/notifications', { cookie: w.author.cookie }),
      200,
    )
    const corrected = authorNotes.notifications.filter(
      (n) => n.kind === 'content.corrected' && n.itemId === itemId,
    )
    expect(corrected).toHaveLength(2)
    expect(corrected.map((n) => n.link)).toEqual([`/content/${itemId}`, `/content/${itemId}`])
    expect(corrected.some((n) => n.body.includes(NOTICE))).toBe(true)
    expect(corrected[0]?.title).toMatch(/^Correction posted: /)
    const editorNotes = await expectJson<NotificationPage>(
      await call(rounds, 'GET', '/api/me/notifications', { cookie: w.editor.cookie }),
      200,
    )
    expect(editorNotes.notifications.some((n) => n.kind === 'content.corrected')).toBe(false)
  })
})
