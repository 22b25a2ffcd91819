import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { decideReview } from '#src/capabilities/review/review.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { approvedItem, assignedItem, type ReviewCast, reviewedItem } from '#test/support/review-flow.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { NOTIFICATION_REMINDERS_JOB, scheduleNotificationReminders } from './notifications.jobs.ts'
import {
  listMyNotifications,
  markAllNotificationsRead,
  markNotificationRead,
  notifyReviewerAssigned,
  sendApprovalExpiryWarnings,
  sendReviewReminders,
} from './notifications.service.ts'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

describe.each(testDialects)('notifications on %s', (dialect) => {
  let rounds: TestRounds
  let cast: ReviewCast
  let secondEditor: { id: string; email: string }
  const clock = manualClock(new Date('2026-03-02T09:00:00.000Z'))

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    const org = await createTestOrganisation(rounds)
    cast = {
      org,
      author: await createTestMember(rounds, org.id, ['author'], { name: 'Dr Aisha Author' }),
      editor: await createTestMember(rounds, org.id, ['editor'], { name: 'Dr Ed Editor' }),
      reviewers: [
        await createTestMember(rounds, org.id, ['reviewer'], { name: 'Dr Rosa Reviewer' }),
        await createTestMember(rounds, org.id, ['reviewer'], { name: 'Dr Ravi Reviewer' }),
      ],
    }
    secondEditor = await createTestMember(rounds, org.id, ['editor'], { name: 'Dr Eve Editor' })
  })
  afterAll(() => rounds?.close())

  const list = async (userId: string, query = {}) =>
    listMyNotifications(rounds.accounts, await loadActor(rounds.accounts, userId), {
      limit: 50,
      offset: 0,
      unread: false,
      ...query,
    })
  const forItem = async (userId: string, itemId: string) =>
    (await list(userId)).notifications.filter((n) => n.itemId === itemId)
  const outbox = (to: string) =>
    rounds.database.db.selectFrom('mail_outbox').selectAll().where('to_address', '=', to).execute()

  it('tells each reviewer when they are assigned, in the app and by mail, naming the author', async () => {
    const mailBefore = (await outbox(cast.reviewers[0].email)).length
    const { itemId } = await assignedItem(rounds, cast, { title: 'Sepsis six' })
    for (const r of cast.reviewers) {
      const [n, ...rest] = await forItem(r.id, itemId)
      expect(rest).toEqual([])
      expect(n).toMatchObject({
        kind: 'review.assigned',
        title: 'Review requested: “Sepsis six”',
        link: `/reviews/${itemId}`,
        organisation: { slug: cast.org.slug },
        readAt: null,
      })
      expect(n?.body).toContain('Dr Aisha Author')
      expect(n?.body).toContain('9 March 2026, 09:00 UTC')
    }
    const mail = await outbox(cast.reviewers[0].email)
    expect(mail).toHaveLength(mailBefore + 1)
    expect(mail.at(-1)?.subject).toBe('Rounds: Review requested: “Sepsis six”')
    expect(mail.at(-1)?.text_body).toContain(`http://localhost:3000/reviews/${itemId}`)
    // Nobody else heard about it.
    expect(await forItem(cast.author.id, itemId)).toEqual([])
  })

  it('names no author to reviewers of an anonymous round', async () => {
    const { itemId } = await assignedItem(rounds, cast, { anonymous: true })
    const [n] = await forItem(cast.reviewers[1].id, itemId)
    expect(n?.body).toContain('anonymous round')
    expect(n?.body).not.toContain('Aisha')
    const mail = (await outbox(cast.reviewers[1].email)).at(-1)
    expect(mail?.text_body).not.toContain('Aisha')
  })

  it('tells a reviewer when a revised item comes back to them, once per assignment', async () => {
    const { itemId } = await assignedItem(rounds, cast, { title: 'Revised post' })
    const event = {
      itemId,
      organisationId: cast.org.id,
      title: 'Revised post',
      authorName: 'Dr Aisha Author',
      anonymous: true,
      assignmentId: `revision-${itemId}`,
      reviewerId: cast.reviewers[0].id,
      dueAt: '2026-03-20T09:00:00.000Z',
      revised: true,
    }
    const send = () =>
      rounds.database.db.transaction().execute((tx) => notifyReviewerAssigned(tx, rounds.accounts, event))
    expect(await send()).toBe(true)
    expect(await send()).toBe(false)
    const revised = (await forItem(cast.reviewers[0].id, itemId)).filter((n) => n.title.startsWith('Revised'))
    expect(revised).toHaveLength(1)
    expect(revised[0]?.title).toBe('Revised, back to you: “Revised post”')
    expect(revised[0]?.body).toContain('has revised')
    expect(revised[0]?.body).not.toContain('Aisha')
  })

  it('reminds a reviewer once when the review is due soon and once when it is overdue', async () => {
    clock.set(new Date('2026-04-01T09:00:00.000Z'))
    const { itemId } = await assignedItem(rounds, cast, { title: 'Due dates' })
    const kinds = async () => (await forItem(cast.reviewers[0].id, itemId)).map((n) => n.kind).sort()

    clock.advance(4 * DAY) // due in 3 days: not yet
    await sendReviewReminders(rounds.accounts)
    expect(await kinds()).toEqual(['review.assigned'])

    clock.advance(2 * DAY) // due in 1 day
    const first = await sendReviewReminders(rounds.accounts)
    expect(first.dueSoon).toBeGreaterThanOrEqual(2) // both reviewers of this item
    await sendReviewReminders(rounds.accounts)
    expect(await kinds()).toEqual(['review.assigned', 'review.due_soon'])

    clock.advance(2 * DAY) // a day late
    await sendReviewReminders(rounds.accounts)
    await sendReviewReminders(rounds.accounts)
    expect(await kinds()).toEqual(['review.assigned', 'review.due_soon', 'review.overdue'])
    const overdue = (await forItem(cast.reviewers[0].id, itemId)).find((n) => n.kind === 'review.overdue')
    expect(overdue?.title).toBe('Review overdue: “Due dates”')
    expect(overdue?.body).toContain('8 April 2026, 09:00 UTC')
  })

  it('sends no reminder for a review already submitted', async () => {
    clock.set(new Date('2026-05-01T09:00:00.000Z'))
    const { itemId } = await reviewedItem(rounds, cast)
    clock.advance(10 * DAY)
    await sendReviewReminders(rounds.accounts)
    expect((await forItem(cast.reviewers[0].id, itemId)).map((n) => n.kind)).toEqual(['review.assigned'])
  })

  it("tells the author the editor's decision with the message, naming no reviewer", async () => {
    const { itemId } = await reviewedItem(rounds, cast)
    await decideReview(
      rounds.accounts,
      await loadActor(rounds.accounts, cast.editor.id),
      cast.org.slug,
      itemId,
      {
        decision: 'revise',
        message: 'Please cite the NICE guideline for the first claim.',
      },
    )
    const [n, ...rest] = await forItem(cast.author.id, itemId)
    expect(rest).toEqual([])
    expect(n).toMatchObject({ kind: 'review.decided', title: 'Changes requested: “Hand hygiene”' })
    expect(n?.link).toBe(`/content/${itemId}`)
    expect(n?.body).toContain('Dr Ed Editor asked for changes')
    expect(n?.body).toContain('Please cite the NICE guideline for the first claim.')
    for (const r of ['Rosa', 'Ravi']) expect(n?.body).not.toContain(r)
    const mail = (await outbox(cast.author.email)).at(-1)
    expect(mail?.text_body).toContain('Please cite the NICE guideline')
  })

  it('warns the author and every editor 30 days before an approval expires, once', async () => {
    clock.set(new Date('2026-06-01T09:00:00.000Z'))
    const { itemId } = await approvedItem(rounds, cast)
    const approval = await rounds.database.db
      .selectFrom('review_approval')
      .select('expires_at')
      .where('item_id', '=', itemId)
      .executeTakeFirstOrThrow()
    const expiresAt = new Date(approval.expires_at).getTime()
    const expiring = async (userId: string) =>
      (await forItem(userId, itemId)).filter((n) => n.kind === 'approval.expiring')

    clock.set(new Date(expiresAt - 31 * DAY))
    await sendApprovalExpiryWarnings(rounds.accounts)
    expect(await expiring(cast.author.id)).toEqual([])

    clock.set(new Date(expiresAt - 29 * DAY))
    await sendApprovalExpiryWarnings(rounds.accounts)
    await sendApprovalExpiryWarnings(rounds.accounts)
    for (const who of [cast.author, cast.editor, secondEditor]) {
      const got = await expiring(who.id)
      expect(got, who.email).toHaveLength(1)
      expect(got[0]?.body).toContain('goes back to peer review')
    }
    expect(await expiring(cast.reviewers[0].id)).toEqual([])
  })

  it('pages the list newest first, counts unread, and marks read', async () => {
    const me = cast.reviewers[0].id
    const all = await list(me)
    expect(all.total).toBeGreaterThan(3)
    expect(all.unreadCount).toBe(all.total)
    const page = await list(me, { limit: 2, offset: 1 })
    expect(page.notifications.map((n) => n.id)).toEqual(all.notifications.slice(1, 3).map((n) => n.id))
    const times = all.notifications.map((n) => n.createdAt)
    expect([...times].sort().reverse()).toEqual(times)

    const actor = await loadActor(rounds.accounts, me)
    const first = all.notifications[0]?.id as string
    expect(await markNotificationRead(rounds.accounts, actor, first)).toEqual({
      marked: 1,
      unreadCount: all.total - 1,
    })
    expect((await markNotificationRead(rounds.accounts, actor, first)).marked).toBe(0)
    expect((await list(me, { unread: true })).notifications.map((n) => n.id)).not.toContain(first)
    // Someone else's notification is not found, and stays unread.
    const theirs = (await list(cast.reviewers[1].id)).notifications[0]?.id as string
    await expect(markNotificationRead(rounds.accounts, actor, theirs)).rejects.toMatchObject({
      code: 'NOTIFICATION_NOT_FOUND',
    })
    expect((await list(cast.reviewers[1].id)).notifications[0]?.readAt).toBeNull()

    expect(await markAllNotificationsRead(rounds.accounts, actor)).toEqual({
      marked: all.total - 1,
      unreadCount: 0,
    })
    expect((await list(me)).unreadCount).toBe(0)
  })

  it('schedules its daily sweep once', async () => {
    await scheduleNotificationReminders(rounds.accounts)
    expect(await scheduleNotificationReminders(rounds.accounts)).toBe(false)
    const jobs = await rounds.database.db
      .selectFrom('job')
      .select('name')
      .where('name', '=', NOTIFICATION_REMINDERS_JOB)
      .execute()
    expect(jobs).toHaveLength(1)
  })
})
