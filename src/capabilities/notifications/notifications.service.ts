import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { findUserById, listMembers } from '#src/capabilities/accounts/accounts.repository.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { queueMail } from '#src/platform/mail/mail.ts'
import {
  countNotificationsForUser,
  findNotificationOwner,
  insertNotification,
  listApprovalsExpiringBetween,
  listNotificationsForUser,
  listOpenAssignmentsDueBefore,
  markNotificationsRead,
} from './notifications.repository.ts'
import type { NotificationKind, NotificationListQuery, NotificationPage } from './notifications.schema.ts'

export type NotificationDeps = Pick<AccountsDeps, 'db' | 'clock' | 'ids' | 'queue' | 'publicBaseUrl'>
type WriteDeps = Omit<NotificationDeps, 'db'>

/** A reminder goes out once the review is due within this many hours. */
export const DUE_SOON_HOURS = 48
/** Authors and editors hear this many days before an approval expires. */
export const APPROVAL_WARNING_DAYS = 30
const HOUR_MS = 60 * 60 * 1000
const DAY_MS = 24 * HOUR_MS

export type NewNotification = {
  userId: string
  organisationId: string | null
  itemId: string | null
  kind: NotificationKind
  title: string
  body: string
  link: string
  /** When set, a second notification with the same key is not written (nor mailed). */
  dedupeKey?: string
}

/**
 * Tells one person about an event: the in-app notification and its e-mail (through the
 * outbox, delivered by a job), both in the caller's transaction, so a notification exists
 * exactly when the change it reports committed. Returns false when the dedupe key was
 * already used, in which case nothing is written or mailed.
 */
export async function notify(tx: Executor, deps: WriteDeps, n: NewNotification): Promise<boolean> {
  const user = await findUserById(tx, n.userId)
  if (!user) return false
  const inserted = await insertNotification(tx, {
    id: deps.ids.next(),
    userId: n.userId,
    organisationId: n.organisationId,
    itemId: n.itemId,
    kind: n.kind,
    title: n.title,
    body: n.body,
    link: n.link,
    dedupeKey: n.dedupeKey ?? null,
    createdAt: deps.clock.now().toISOString(),
  })
  if (!inserted) return false
  const url = new URL(n.link, deps.publicBaseUrl).toString()
  await queueMail(tx, deps, {
    to: user.email,
    subject: `Rounds: ${n.title}`,
    text: `${n.body}\n\nOpen it in Rounds: ${url}\n\nYou can see all your notifications at ${new URL('/notifications', deps.publicBaseUrl).toString()}`,
  })
  return true
}

/** "3 December 2026, 09:00 UTC": dates in mail and notifications are shown in UTC. */
export function formatUtc(iso: string, withTime = true): string {
  const d = new Date(iso)
  const day = d.toLocaleDateString('en-GB', {
    timeZone: 'UTC',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  })
  if (!withTime) return day
  const time = d.toLocaleTimeString('en-GB', { timeZone: 'UTC', hour: '2-digit', minute: '2-digit' })
  return `${day}, ${time} UTC`
}

const quoted = (title: string) => `“${title.trim() || 'Untitled'}”`

// ── events ───────────────────────────────────────────────────────────────────────────────

/**
 * The reviewer is told they were assigned. In an anonymous round the author is not named;
 * otherwise the reviewer learns whose work it is (as the review page shows them).
 */
export async function notifyReviewerAssigned(
  tx: Executor,
  deps: WriteDeps,
  e: {
    itemId: string
    organisationId: string
    title: string
    authorName: string
    anonymous: boolean
    assignmentId: string
    reviewerId: string
    dueAt: string
    /** The author revised an item this reviewer reviewed, and it comes back to them. */
    revised?: boolean
  },
): Promise<boolean> {
  const by = e.anonymous
    ? ' This is an anonymous round: the author will not see your name, nor you theirs.'
    : ` The author is ${e.authorName}.`
  return notify(tx, deps, {
    userId: e.reviewerId,
    organisationId: e.organisationId,
    itemId: e.itemId,
    kind: 'review.assigned',
    title: e.revised ? `Revised, back to you: ${quoted(e.title)}` : `Review requested: ${quoted(e.title)}`,
    body: e.revised
      ? `The author has revised ${quoted(e.title)} after your review, and it comes back to you for the next round.${by} Your review is due by ${formatUtc(e.dueAt)}. If you cannot review it, decline with a reason so the editor can ask someone else.`
      : `An editor has asked you to peer review ${quoted(e.title)}.${by} Your review is due by ${formatUtc(e.dueAt)}. If you cannot review it, decline with a reason so the editor can ask someone else.`,
    link: `/reviews/${e.itemId}`,
    dedupeKey: `review.assigned:${e.assignmentId}`,
  })
}

const decisionWords = {
  accept: { title: 'Approved', verb: 'approved your item' },
  revise: { title: 'Changes requested', verb: 'asked for changes to your item' },
  reject: { title: 'Not accepted', verb: 'did not accept your item' },
} as const

/**
 * The author is told the editor's decision, with the editor's message. Reviewers are never
 * named here, anonymous round or not: the review page shows what the author may see.
 */
export async function notifyReviewDecided(
  tx: Executor,
  deps: WriteDeps,
  e: {
    itemId: string
    organisationId: string
    authorId: string
    title: string
    roundId: string
    decision: keyof typeof decisionWords
    message: string
    editorId: string
  },
): Promise<boolean> {
  const words = decisionWords[e.decision]
  const editorName = (await findUserById(tx, e.editorId))?.name ?? 'The editor'
  const message = e.message.trim()
  return notify(tx, deps, {
    userId: e.authorId,
    organisationId: e.organisationId,
    itemId: e.itemId,
    kind: 'review.decided',
    title: `${words.title}: ${quoted(e.title)}`,
    body: `${editorName} ${words.verb} ${quoted(e.title)} after peer review.${message ? `\n\nTheir message:\n${message}` : ''}`,
    link: `/content/${e.itemId}`,
    dedupeKey: `review.decided:${e.roundId}`,
  })
}

/**
 * The author is told when an editor posts a correction notice on their published item, with
 * the notice itself: it now shows on the public page and goes out to the channels under
 * their name. Not sent when the editor corrects their own item.
 */
export async function notifyItemCorrected(
  tx: Executor,
  deps: WriteDeps,
  e: {
    itemId: string
    organisationId: string
    authorId: string
    title: string
    correctionId: string
    notice: string
    editorId: string | null
  },
): Promise<boolean> {
  if (e.editorId === e.authorId) return false
  const editorName = (e.editorId ? (await findUserById(tx, e.editorId))?.name : null) ?? 'An editor'
  return notify(tx, deps, {
    userId: e.authorId,
    organisationId: e.organisationId,
    itemId: e.itemId,
    kind: 'content.corrected',
    title: `Correction posted: ${quoted(e.title)}`,
    body: `${editorName} posted a correction notice on ${quoted(e.title)}. It shows on the public page and is posted to the channels where the item went out.\n\nThe notice:\n${e.notice}`,
    link: `/content/${e.itemId}`,
    dedupeKey: `content.corrected:${e.correctionId}`,
  })
}

// ── the daily sweep ──────────────────────────────────────────────────────────────────────

/**
 * Reminds reviewers whose review falls due within DUE_SOON_HOURS, and tells them once it is
 * overdue: once per assignment per kind, however often it runs. Returns how many were sent.
 */
export async function sendReviewReminders(
  deps: NotificationDeps,
): Promise<{ dueSoon: number; overdue: number }> {
  const now = deps.clock.now()
  const horizon = new Date(now.getTime() + DUE_SOON_HOURS * HOUR_MS).toISOString()
  const counts = { dueSoon: 0, overdue: 0 }
  for (const a of await listOpenAssignmentsDueBefore(deps.db, horizon)) {
    const overdue = a.dueAt <= now.toISOString()
    const kind: NotificationKind = overdue ? 'review.overdue' : 'review.due_soon'
    const sent = await deps.db.transaction().execute((tx) =>
      notify(tx, deps, {
        userId: a.reviewerId,
        organisationId: a.organisationId,
        itemId: a.itemId,
        kind,
        title: overdue ? `Review overdue: ${quoted(a.title)}` : `Review due soon: ${quoted(a.title)}`,
        body: overdue
          ? `Your review of ${quoted(a.title)} was due by ${formatUtc(a.dueAt)}. Please submit it, or decline with a reason so the editor can ask someone else.`
          : `Your review of ${quoted(a.title)} is due by ${formatUtc(a.dueAt)}.`,
        link: `/reviews/${a.itemId}`,
        dedupeKey: `${kind}:${a.assignmentId}`,
      }),
    )
    if (sent) counts[overdue ? 'overdue' : 'dueSoon'] += 1
  }
  return counts
}

/**
 * Warns the author and the organisation's editors APPROVAL_WARNING_DAYS before an approval
 * expires (once per approval and person). Returns how many notifications were sent.
 */
export async function sendApprovalExpiryWarnings(deps: NotificationDeps): Promise<number> {
  const now = deps.clock.now()
  const until = new Date(now.getTime() + APPROVAL_WARNING_DAYS * DAY_MS).toISOString()
  let sent = 0
  for (const a of await listApprovalsExpiringBetween(deps.db, now.toISOString(), until)) {
    const editors = (await listMembers(deps.db, a.organisationId))
      .filter((m) => m.roles.includes('editor'))
      .map((m) => m.id)
    const recipients = [...new Set([a.authorId, ...editors])]
    await deps.db.transaction().execute(async (tx) => {
      for (const userId of recipients) {
        const ok = await notify(tx, deps, {
          userId,
          organisationId: a.organisationId,
          itemId: a.itemId,
          kind: 'approval.expiring',
          title: `Approval expiring: ${quoted(a.title)}`,
          body: `The approval of ${quoted(a.title)} expires on ${formatUtc(a.expiresAt, false)}. After that the item goes back to peer review before it can be published or scheduled again.`,
          link: `/content/${a.itemId}`,
          dedupeKey: `approval.expiring:${a.approvalId}:${userId}`,
        })
        if (ok) sent += 1
      }
    })
  }
  return sent
}

// ── the signed-in person's list ──────────────────────────────────────────────────────────

function signedIn(actor: Actor): string {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  return actor.userId
}

/** The caller's notifications, newest first, a page at a time, with their unread count. */
export async function listMyNotifications(
  deps: NotificationDeps,
  actor: Actor,
  query: NotificationListQuery,
): Promise<NotificationPage> {
  const userId = signedIn(actor)
  const [notifications, total, unreadCount] = await Promise.all([
    listNotificationsForUser(deps.db, userId, { ...query, unreadOnly: query.unread }),
    countNotificationsForUser(deps.db, userId, query.unread),
    countNotificationsForUser(deps.db, userId, true),
  ])
  return { notifications, total, unreadCount, limit: query.limit, offset: query.offset }
}

/** Marks one of the caller's notifications read (again is fine); another person's is not found. */
export async function markNotificationRead(deps: NotificationDeps, actor: Actor, id: string) {
  const userId = signedIn(actor)
  if ((await findNotificationOwner(deps.db, id)) !== userId)
    throw new AppError('NOTIFICATION_NOT_FOUND', { message: `no notification ${id}` })
  const marked = await markNotificationsRead(deps.db, userId, id, deps.clock.now().toISOString())
  return { marked, unreadCount: await countNotificationsForUser(deps.db, userId, true) }
}

/** Marks every unread notification of the caller read. */
export async function markAllNotificationsRead(deps: NotificationDeps, actor: Actor) {
  const userId = signedIn(actor)
  const marked = await markNotificationsRead(deps.db, userId, null, deps.clock.now().toISOString())
  return { marked, unreadCount: 0 }
}
