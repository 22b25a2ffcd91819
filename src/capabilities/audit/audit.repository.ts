import type { Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'

export type AuditRow = {
  seq: number
  id: string
  occurredAt: string
  actorId: string | null
  action: string
  resourceType: string
  resourceId: string
  organisationId: string | null
  summary: string
  prevHash: string
  hash: string
}

/**
 * Moves the chain head forward by one and returns the new sequence number and the hash it
 * must link to. Being an UPDATE, it takes the write lock first (row lock on PostgreSQL,
 * database lock on SQLite), so concurrent appends queue instead of forking the chain.
 */
export async function advanceAuditHead(db: Executor): Promise<{ seq: number; prevHash: string }> {
  const row = await db
    .updateTable('audit_head')
    .set((eb) => ({ seq: eb('seq', '+', 1) }))
    .where('id', '=', 1)
    .returning(['seq', 'last_hash'])
    .executeTakeFirstOrThrow()
  return { seq: Number(row.seq), prevHash: row.last_hash }
}

export async function insertAuditRow(db: Executor, row: AuditRow): Promise<void> {
  await db
    .insertInto('audit_event')
    .values({
      seq: row.seq,
      id: row.id,
      occurred_at: row.occurredAt,
      actor_id: row.actorId,
      action: row.action,
      resource_type: row.resourceType,
      resource_id: row.resourceId,
      organisation_id: row.organisationId,
      summary: row.summary,
      prev_hash: row.prevHash,
      hash: row.hash,
    })
    .execute()
  await db.updateTable('audit_head').set({ last_hash: row.hash }).where('id', '=', 1).execute()
}

export async function findAuditHead(db: Executor): Promise<{ seq: number; lastHash: string }> {
  const row = await db
    .selectFrom('audit_head')
    .select(['seq', 'last_hash'])
    .where('id', '=', 1)
    .executeTakeFirstOrThrow()
  return { seq: Number(row.seq), lastHash: row.last_hash }
}

/** Rows with afterSeq < seq <= upToSeq in sequence order, a page at a time, for verification. */
export async function listAuditRowsAfter(
  db: Executor,
  afterSeq: number,
  upToSeq: number,
  limit: number,
): Promise<AuditRow[]> {
  const rows = await db
    .selectFrom('audit_event')
    .selectAll()
    .where('seq', '>', afterSeq)
    .where('seq', '<=', upToSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute()
  return rows.map(mapRow)
}

/** The highest sequence number stored, or 0. */
export async function findLastAuditSeq(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst()
  return Number(row?.seq ?? 0)
}

export type AuditListRow = AuditRow & { actorName: string | null }

/** Newest first, for one organisation. */
export async function listAuditRowsForOrganisation(
  db: Executor,
  organisationId: string,
  options: { limit: number; before?: number | undefined },
): Promise<AuditListRow[]> {
  let q = db
    .selectFrom('audit_event')
    .leftJoin('auth_user', 'auth_user.id', 'audit_event.actor_id')
    .selectAll('audit_event')
    .select('auth_user.name as actor_name')
    .where('audit_event.organisation_id', '=', organisationId)
    .orderBy('audit_event.seq', 'desc')
    .limit(options.limit)
  if (options.before !== undefined) q = q.where('audit_event.seq', '<', options.before)
  const rows = await q.execute()
  return rows.map((r) => ({ ...mapRow(r), actorName: r.actor_name }))
}

/** Every event about one resource (e.g. a content item), oldest first. */
export async function listAuditRowsForResource(
  db: Executor,
  resourceType: string,
  resourceId: string,
  limit: number,
): Promise<AuditListRow[]> {
  const rows = await db
    .selectFrom('audit_event')
    .leftJoin('auth_user', 'auth_user.id', 'audit_event.actor_id')
    .selectAll('audit_event')
    .select('auth_user.name as actor_name')
    .where('audit_event.resource_type', '=', resourceType)
    .where('audit_event.resource_id', '=', resourceId)
    .orderBy('audit_event.seq', 'asc')
    .limit(limit)
    .execute()
  return rows.map((r) => ({ ...mapRow(r), actorName: r.actor_name }))
}

function mapRow(r: {
  seq: number
  id: string
  occurred_at: Date | string
  actor_id: string | null
  action: string
  resource_type: string
  resource_id: string
  organisation_id: string | null
  summary: string
  prev_hash: string
  hash: string
}): AuditRow {
  return {
    seq: Number(r.seq),
    id: r.id,
    occurredAt: toIso(r.occurred_at),
    actorId: r.actor_id,
    action: r.action,
    resourceType: r.resource_type,
    resourceId: r.resource_id,
    organisationId: r.organisation_id,
    summary: r.summary,
    prevHash: r.prev_hash,
    hash: r.hash,
  }
}
