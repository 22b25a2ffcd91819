import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NotificationPage } from '#src/capabilities/notifications/notifications.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { assignedItem, type ReviewCast } from '#test/support/review-flow.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  type SignedInUser,
  signedInMember,
} from './helpers.ts'

describe.each(testDialects)('GET/POST /api/me/notifications on %s', (dialect) => {
  let rounds: TestRounds
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  let r2: SignedInUser
  let itemId: string

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
    r2 = await signedInMember(rounds, w.org.id, ['reviewer'])
    const cast: ReviewCast = { org: w.org, author: w.author, editor: w.editor, reviewers: [w.reviewer, r2] }
    itemId = (await assignedItem(rounds, cast, { title: 'Asthma inhalers' })).itemId
    await assignedItem(rounds, cast, { title: 'Croup', anonymous: true })
  })
  afterAll(() => rounds?.close())

  const list = (who: SignedInUser | null, query = '') =>
    call(rounds, 'GET', `/api/me/notifications${query}`, who ? { cookie: who.cookie } : {})

  it('401 signed out; 400 for a bad page', async () => {
    await expectError(await list(null), 401, 'UNAUTHENTICATED')
    await expectError(await call(rounds, 'POST', '/api/me/notifications/read-all'), 401, 'UNAUTHENTICATED')
    await expectValidationError(await list(w.reviewer, '?limit=0'), ['limit'])
    await expectValidationError(await list(w.reviewer, '?offset=-1&unread=maybe'), ['offset', 'unread'])
  })

  it("lists the caller's own notifications, newest first, with the unread count", async () => {
    const page = await expectJson<NotificationPage>(await list(w.reviewer), 200)
    expect(page).toMatchObject({ total: 2, unreadCount: 2, limit: 20, offset: 0 })
    expect(page.notifications.map((n) => n.title)).toEqual([
      'Review requested: “Croup”',
      'Review requested: “Asthma inhalers”',
    ])
    expect(page.notifications[1]).toMatchObject({
      kind: 'review.assigned',
      itemId,
      link: `/reviews/${itemId}`,
      organisation: { id: w.org.id, slug: w.org.slug, name: w.org.name },
    })
    const second = await expectJson<NotificationPage>(await list(w.reviewer, '?limit=1&offset=1'), 200)
    expect(second.notifications.map((n) => n.id)).toEqual([page.notifications[1]?.id])
    // The author and the editor were told nothing by an assignment.
    expect((await expectJson<NotificationPage>(await list(w.author), 200)).total).toBe(0)
    expect((await expectJson<NotificationPage>(await list(w.outsider), 200)).total).toBe(0)
  })

  it('marks one read (only the caller’s own), then all', async () => {
    const page = await expectJson<NotificationPage>(await list(w.reviewer), 200)
    const [first, second] = page.notifications
    const read = (who: SignedInUser, id: string) =>
      call(rounds, 'POST', `/api/me/notifications/${id}/read`, { cookie: who.cookie })
    await expectError(await read(r2, first?.id as string), 404, 'NOTIFICATION_NOT_FOUND')
    await expectError(await read(w.reviewer, 'no-such-notification'), 404, 'NOTIFICATION_NOT_FOUND')
    expect(await expectJson(await read(w.reviewer, first?.id as string), 200)).toEqual({
      marked: 1,
      unreadCount: 1,
    })
    const unread = await expectJson<NotificationPage>(await list(w.reviewer, '?unread=true'), 200)
    expect(unread.notifications.map((n) => n.id)).toEqual([second?.id])
    expect(unread).toMatchObject({ total: 1, unreadCount: 1 })
    expect(
      await expectJson(
        await call(rounds, 'POST', '/api/me/notifications/read-all', { cookie: w.reviewer.cookie }),
        200,
      ),
    ).toEqual({ marked: 1, unreadCount: 0 })
    const after = await expectJson<NotificationPage>(await list(w.reviewer), 200)
    expect(after.unreadCount).toBe(0)
    expect(after.notifications.every((n) => n.readAt !== null)).toBe(true)
    // r2's stay unread.
    expect((await expectJson<NotificationPage>(await list(r2), 200)).unreadCount).toBe(2)
  })
})
