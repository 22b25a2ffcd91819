import type { Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'
import type { Notification, NotificationKind } from './notifications.schema.ts'

export type NotificationInsert = {
  id: string
  userId: string
  organisationId: string | null
  itemId: string | null
  kind: NotificationKind
  title: string
  body: string
  link: string
  dedupeKey: string | null
  createdAt: string
}

/** Inserts the notification; false when one with the same dedupe key already exists. */
export async function insertNotification(db: Executor, n: NotificationInsert): Promise<boolean> {
  const result = await db
    .insertInto('notification')
    .values({
      id: n.id,
      user_id: n.userId,
      organisation_id: n.organisationId,
      item_id: n.itemId,
      kind: n.kind,
      title: n.title,
      body: n.body,
      link: n.link,
      dedupe_key: n.dedupeKey,
      created_at: n.createdAt,
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

/** A user's notifications, newest first. */
export async function listNotificationsForUser(
  db: Executor,
  userId: string,
  options: { limit: number; offset: number; unreadOnly: boolean },
): Promise<Notification[]> {
  let q = db
    .selectFrom('notification as n')
    .leftJoin('organisation as o', 'o.id', 'n.organisation_id')
    .select([
      'n.id',
      'n.kind',
      'n.title',
      'n.body',
      'n.link',
      'n.item_id',
      'n.created_at',
      'n.read_at',
      'o.id as org_id',
      'o.slug as org_slug',
      'o.name as org_name',
    ])
    .where('n.user_id', '=', userId)
    .orderBy('n.created_at', 'desc')
    .orderBy('n.id', 'desc')
    .limit(options.limit)
    .offset(options.offset)
  if (options.unreadOnly) q = q.where('n.read_at', 'is', null)
  const rows = await q.execute()
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as NotificationKind,
    title: r.title,
    body: r.body,
    link: r.link,
    organisation:
      r.org_id && r.org_slug && r.org_name ? { id: r.org_id, slug: r.org_slug, name: r.org_name } : null,
    itemId: r.item_id,
    createdAt: toIso(r.created_at),
    readAt: toIso(r.read_at),
  }))
}

export async function countNotificationsForUser(
  db: Executor,
  userId: string,
  unreadOnly: boolean,
): Promise<number> {
  let q = db
    .selectFrom('notification')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
  if (unreadOnly) q = q.where('read_at', 'is', null)
  return Number((await q.executeTakeFirstOrThrow()).n)
}

export async function findNotificationOwner(db: Executor, id: string): Promise<string | null> {
  const row = await db.selectFrom('notification').select('user_id').where('id', '=', id).executeTakeFirst()
  return row?.user_id ?? null
}

/** Marks the user's unread notifications read (one, or all when `id` is null); returns how many. */
export async function markNotificationsRead(
  db: Executor,
  userId: string,
  id: string | null,
  at: string,
): Promise<number> {
  let q = db
    .updateTable('notification')
    .set({ read_at: at })
    .where('user_id', '=', userId)
    .where('read_at', 'is', null)
  if (id) q = q.where('id', '=', id)
  const result = await q.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export type OpenAssignmentRow = {
  assignmentId: string
  reviewerId: string
  dueAt: string
  itemId: string
  title: string
  organisationId: string
}

/** Assignments still waiting for a review (assigned, round undecided) that fall due before `before`. */
export async function listOpenAssignmentsDueBefore(
  db: Executor,
  before: string,
): Promise<OpenAssignmentRow[]> {
  const rows = await db
    .selectFrom('review_assignment as a')
    .innerJoin('review_round as r', 'r.id', 'a.round_id')
    .innerJoin('content_item as i', 'i.id', 'r.item_id')
    .select(['a.id', 'a.reviewer_id', 'a.due_at', 'i.id as item_id', 'i.fields', 'i.organisation_id'])
    .where('a.status', '=', 'assigned')
    .where('r.decision', 'is', null)
    .where('i.state', '=', 'in_review')
    .where('a.due_at', '<', before)
    .orderBy('a.due_at')
    .execute()
  return rows.map((r) => ({
    assignmentId: r.id,
    reviewerId: r.reviewer_id,
    dueAt: toIso(r.due_at),
    itemId: r.item_id,
    title: titleOf(r.fields),
    organisationId: r.organisation_id,
  }))
}

export type ExpiringApprovalRow = {
  approvalId: string
  expiresAt: string
  itemId: string
  title: string
  authorId: string
  organisationId: string
}

/** Approvals still in force that expire after `from` and before `to`. */
export async function listApprovalsExpiringBetween(
  db: Executor,
  from: string,
  to: string,
): Promise<ExpiringApprovalRow[]> {
  const rows = await db
    .selectFrom('review_approval as ap')
    .innerJoin('content_item as i', 'i.id', 'ap.item_id')
    .select(['ap.id', 'ap.expires_at', 'i.id as item_id', 'i.fields', 'i.author_id', 'i.organisation_id'])
    .where('ap.status', '=', 'active')
    .where('ap.expires_at', '>', from)
    .where('ap.expires_at', '<=', to)
    .orderBy('ap.expires_at')
    .execute()
  return rows.map((r) => ({
    approvalId: r.id,
    expiresAt: toIso(r.expires_at),
    itemId: r.item_id,
    title: titleOf(r.fields),
    authorId: r.author_id,
    organisationId: r.organisation_id,
  }))
}

function titleOf(fields: unknown): string {
  try {
    const parsed = (typeof fields === 'string' ? JSON.parse(fields) : fields) as { title?: unknown }
    return typeof parsed?.title === 'string' ? parsed.title : ''
  } catch {
    return ''
  }
}
