import { sql } from 'kysely'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type {
  AssignmentStatus,
  Decision,
  Recommendation,
  SpanComment,
  StoredScores,
} from './review.schema.ts'

export type RoundRow = {
  id: string
  itemId: string
  versionId: string
  versionNumber: number
  contentHash: string
  anonymous: boolean
  createdAt: string
  decision: Decision | null
  decisionMessage: string | null
  decidedBy: string | null
  decidedAt: string | null
}

export type AssignmentRow = {
  id: string
  roundId: string
  reviewerId: string
  reviewerName: string
  position: number
  status: AssignmentStatus
  dueAt: string
  assignedAt: string
  declineReason: string | null
  noConflict: boolean
  scores: StoredScores
  comments: SpanComment[]
  recommendation: Recommendation | null
  submittedAt: string | null
}

export type ApprovalRow = {
  id: string
  itemId: string
  versionNumber: number
  contentHash: string
  approvedBy: { id: string; name: string } | null
  approvedAt: string
  expiresAt: string
  status: 'active' | 'void' | 'expired'
  endedAt: string | null
}

function roundQuery(db: Executor) {
  return db
    .selectFrom('review_round as r')
    .innerJoin('content_version as v', 'v.id', 'r.version_id')
    .select([
      'r.id',
      'r.item_id',
      'r.version_id',
      'v.number',
      'v.content_hash',
      'r.anonymous',
      'r.created_at',
      'r.decision',
      'r.decision_message',
      'r.decided_by',
      'r.decided_at',
    ])
}

/**
 * Rounds made in the same instant still order correctly: an item has at most one undecided
 * round, and it is always the newest (a round opens only after the previous one is decided).
 */
const newestFirst = sql`case when r.decision is null then 0 else 1 end`

type RoundSelect = Awaited<ReturnType<ReturnType<typeof roundQuery>['execute']>>[number]

function mapRound(r: RoundSelect): RoundRow {
  return {
    id: r.id,
    itemId: r.item_id,
    versionId: r.version_id,
    versionNumber: Number(r.number),
    contentHash: r.content_hash,
    anonymous: Number(r.anonymous) === 1,
    createdAt: toIso(r.created_at),
    decision: r.decision as Decision | null,
    decisionMessage: r.decision_message,
    decidedBy: r.decided_by,
    decidedAt: toIso(r.decided_at),
  }
}

/** The item's newest round, decided or not; null before its first review. */
export async function findLatestRound(db: Executor, itemId: string): Promise<RoundRow | null> {
  const r = await roundQuery(db)
    .where('r.item_id', '=', itemId)
    .orderBy('r.created_at', 'desc')
    .orderBy(newestFirst)
    .orderBy('r.decided_at', 'desc')
    .orderBy('r.id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r ? mapRound(r) : null
}

/** Every round of the item, newest first. */
export async function listRounds(db: Executor, itemId: string): Promise<RoundRow[]> {
  const rows = await roundQuery(db)
    .where('r.item_id', '=', itemId)
    .orderBy('r.created_at', 'desc')
    .orderBy(newestFirst)
    .orderBy('r.decided_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute()
  return rows.map(mapRound)
}

export async function insertRound(
  db: Executor,
  row: {
    id: string
    itemId: string
    versionId: string
    anonymous: boolean
    /** Null when the round was opened by the workflow (a resubmission back to the same reviewers). */
    createdBy: string | null
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('review_round')
    .values({
      id: row.id,
      item_id: row.itemId,
      version_id: row.versionId,
      anonymous: row.anonymous ? 1 : 0,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

/** Records the decision unless one was already made (returns false then). */
export async function decideRound(
  db: Executor,
  id: string,
  values: { decision: Decision; message: string; decidedBy: string; decidedAt: string },
): Promise<boolean> {
  const r = await db
    .updateTable('review_round')
    .set({
      decision: values.decision,
      decision_message: values.message,
      decided_by: values.decidedBy,
      decided_at: values.decidedAt,
    })
    .where('id', '=', id)
    .where('decision', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function listAssignments(db: Executor, roundId: string): Promise<AssignmentRow[]> {
  const rows = await db
    .selectFrom('review_assignment as a')
    .innerJoin('auth_user as u', 'u.id', 'a.reviewer_id')
    .select([
      'a.id',
      'a.round_id',
      'a.reviewer_id',
      'u.name as reviewer_name',
      'a.position',
      'a.status',
      'a.due_at',
      'a.assigned_at',
      'a.decline_reason',
      'a.no_conflict_declared',
      'a.scores',
      'a.comments',
      'a.recommendation',
      'a.submitted_at',
    ])
    .where('a.round_id', '=', roundId)
    .orderBy('a.position')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    roundId: r.round_id,
    reviewerId: r.reviewer_id,
    reviewerName: r.reviewer_name,
    position: Number(r.position),
    status: r.status as AssignmentStatus,
    dueAt: toIso(r.due_at),
    assignedAt: toIso(r.assigned_at),
    declineReason: r.decline_reason,
    noConflict: Number(r.no_conflict_declared) === 1,
    scores: JSON.parse(r.scores) as StoredScores,
    comments: JSON.parse(r.comments) as SpanComment[],
    recommendation: r.recommendation as Recommendation | null,
    submittedAt: toIso(r.submitted_at),
  }))
}

export async function insertAssignment(
  db: Executor,
  row: {
    id: string
    roundId: string
    reviewerId: string
    position: number
    dueAt: string
    assignedBy: string | null
    assignedAt: string
  },
): Promise<void> {
  await db
    .insertInto('review_assignment')
    .values({
      id: row.id,
      round_id: row.roundId,
      reviewer_id: row.reviewerId,
      position: row.position,
      status: 'assigned',
      due_at: row.dueAt,
      assigned_by: row.assignedBy,
      assigned_at: row.assignedAt,
      no_conflict_declared: 0,
      scores: JSON.stringify({ rmetriq: {} }),
      comments: '[]',
      updated_at: row.assignedAt,
    })
    .execute()
}

/** Updates an assignment still in `assigned` (returns false when it no longer is). */
export async function updateOpenAssignment(
  db: Executor,
  id: string,
  values: {
    status?: AssignmentStatus
    declineReason?: string
    noConflict?: boolean
    scores?: StoredScores
    comments?: SpanComment[]
    recommendation?: Recommendation | null
    submittedAt?: string
    updatedAt: string
  },
): Promise<boolean> {
  const r = await db
    .updateTable('review_assignment')
    .set({
      ...(values.status ? { status: values.status } : {}),
      ...(values.declineReason !== undefined ? { decline_reason: values.declineReason } : {}),
      ...(values.noConflict !== undefined ? { no_conflict_declared: values.noConflict ? 1 : 0 } : {}),
      ...(values.scores ? { scores: JSON.stringify(values.scores) } : {}),
      ...(values.comments ? { comments: JSON.stringify(values.comments) } : {}),
      ...(values.recommendation !== undefined ? { recommendation: values.recommendation } : {}),
      ...(values.submittedAt ? { submitted_at: values.submittedAt } : {}),
      updated_at: values.updatedAt,
    })
    .where('id', '=', id)
    .where('status', '=', 'assigned')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

function approvalQuery(db: Executor) {
  return db
    .selectFrom('review_approval as a')
    .innerJoin('content_version as v', 'v.id', 'a.version_id')
    .leftJoin('auth_user as u', 'u.id', 'a.approved_by')
    .select([
      'a.id',
      'a.item_id',
      'v.number',
      'a.content_hash',
      'a.approved_by',
      'u.name as approved_by_name',
      'a.approved_at',
      'a.expires_at',
      'a.status',
      'a.ended_at',
    ])
}

type ApprovalSelect = Awaited<ReturnType<ReturnType<typeof approvalQuery>['execute']>>[number]

function mapApproval(r: ApprovalSelect): ApprovalRow {
  return {
    id: r.id,
    itemId: r.item_id,
    versionNumber: Number(r.number),
    contentHash: r.content_hash,
    approvedBy: r.approved_by ? { id: r.approved_by, name: r.approved_by_name ?? '(deleted user)' } : null,
    approvedAt: toIso(r.approved_at),
    expiresAt: toIso(r.expires_at),
    status: r.status as ApprovalRow['status'],
    endedAt: toIso(r.ended_at),
  }
}

/** Every approval of the item, newest first. */
export async function listApprovals(db: Executor, itemId: string): Promise<ApprovalRow[]> {
  const rows = await approvalQuery(db)
    .where('a.item_id', '=', itemId)
    .orderBy('a.approved_at', 'desc')
    .orderBy('a.id', 'desc')
    .execute()
  return rows.map(mapApproval)
}

/** Active approvals whose expiry is at or before `now` (all items, or one). */
export async function listDueApprovals(db: Executor, now: string, itemId?: string): Promise<ApprovalRow[]> {
  let q = approvalQuery(db).where('a.status', '=', 'active').where('a.expires_at', '<=', now)
  if (itemId) q = q.where('a.item_id', '=', itemId)
  return (await q.orderBy('a.expires_at').limit(500).execute()).map(mapApproval)
}

export async function insertApproval(
  db: Executor,
  row: {
    id: string
    itemId: string
    versionId: string
    roundId: string
    contentHash: string
    approvedBy: string
    approvedAt: string
    expiresAt: string
  },
): Promise<void> {
  await db
    .insertInto('review_approval')
    .values({
      id: row.id,
      item_id: row.itemId,
      version_id: row.versionId,
      round_id: row.roundId,
      content_hash: row.contentHash,
      approved_by: row.approvedBy,
      approved_at: row.approvedAt,
      expires_at: row.expiresAt,
      status: 'active',
    })
    .execute()
}

/**
 * Ends the item's active approval (void after an edit or withdrawal, expired after its
 * period). Returns the ids ended, so the caller can audit them.
 */
export async function endActiveApprovals(
  db: Executor,
  itemId: string,
  status: 'void' | 'expired',
  at: string,
): Promise<string[]> {
  const active = await db
    .selectFrom('review_approval')
    .select('id')
    .where('item_id', '=', itemId)
    .where('status', '=', 'active')
    .execute()
  if (active.length === 0) return []
  const ids = active.map((a) => a.id)
  await db
    .updateTable('review_approval')
    .set({ status, ended_at: at })
    .where('id', 'in', ids)
    .where('status', '=', 'active')
    .execute()
  return ids
}

export type MyAssignmentRow = {
  assignmentId: string
  itemId: string
  kind: string
  title: string
  itemState: string
  versionNumber: number
  status: AssignmentStatus
  dueAt: string
  assignedAt: string
  decided: boolean
}

/** A reviewer's assignments in one organisation, open ones first, soonest due first. */
export async function listAssignmentsForReviewer(
  db: Executor,
  reviewerId: string,
  organisationId: string,
): Promise<MyAssignmentRow[]> {
  const rows = await db
    .selectFrom('review_assignment as a')
    .innerJoin('review_round as r', 'r.id', 'a.round_id')
    .innerJoin('content_item as i', 'i.id', 'r.item_id')
    .innerJoin('content_version as v', 'v.id', 'r.version_id')
    .select([
      'a.id',
      'a.status',
      'a.due_at',
      'a.assigned_at',
      'i.id as item_id',
      'i.kind',
      'i.state',
      'i.fields',
      'v.number',
      'r.decision',
    ])
    .where('a.reviewer_id', '=', reviewerId)
    .where('i.organisation_id', '=', organisationId)
    .orderBy('a.due_at')
    .execute()
  const mapped = rows.map((r) => ({
    assignmentId: r.id,
    itemId: r.item_id,
    kind: r.kind,
    title: String((JSON.parse(r.fields) as { title?: unknown }).title ?? ''),
    itemState: r.state,
    versionNumber: Number(r.number),
    status: r.status as AssignmentStatus,
    dueAt: toIso(r.due_at),
    assignedAt: toIso(r.assigned_at),
    decided: r.decision !== null,
  }))
  const open = (a: MyAssignmentRow) => (a.status === 'assigned' && !a.decided ? 0 : 1)
  return mapped.sort((a, b) => open(a) - open(b) || a.dueAt.localeCompare(b.dueAt))
}
