import { createHash } from 'node:crypto'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Executor } from '#src/platform/db/database.ts'
import {
  advanceAuditHead,
  findAuditHead,
  findLastAuditSeq,
  insertAuditRow,
  listAuditRowsAfter,
  listAuditRowsForOrganisation,
  listAuditRowsForResource,
} from './audit.repository.ts'
import type { AuditEntry, AuditEvent, AuditVerification } from './audit.schema.ts'

export type AuditDeps = { clock: Clock; ids: Ids }

/**
 * Appends one event to the hash chain. Call it inside the transaction that makes the
 * change, so the record and the change commit (or roll back) together.
 */
export async function recordAudit(tx: Executor, deps: AuditDeps, entry: AuditEntry): Promise<void> {
  const { seq, prevHash } = await advanceAuditHead(tx)
  const occurredAt = deps.clock.now().toISOString()
  const summary = canonicalJson(entry.summary)
  const id = deps.ids.next()
  const hash = hashEvent({ seq, id, occurredAt, ...entry, summary, prevHash })
  await insertAuditRow(tx, { seq, id, occurredAt, ...entry, summary, prevHash, hash })
}

/**
 * Walks the chain from the start and reports the first event whose content, link or
 * position no longer matches: an altered row, a removed row, or a truncated tail.
 */
export async function verifyAuditChain(db: Executor): Promise<AuditVerification> {
  // An append moves the head and inserts its event in one transaction, so every event up to
  // the head read here has committed. Events appended while we walk lie beyond it and are
  // left to the next verification; comparing against them would report a removed tail
  // that is merely new.
  const head = await findAuditHead(db)
  let expectedSeq = 1
  let prevHash = '0'.repeat(64)
  let checked = 0
  for (;;) {
    const rows = await listAuditRowsAfter(db, expectedSeq - 1, head.seq, 500)
    if (rows.length === 0) break
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return { ok: false, checked, brokenAt: expectedSeq, reason: `event ${expectedSeq} is missing` }
      }
      if (row.prevHash !== prevHash) {
        return {
          ok: false,
          checked,
          brokenAt: row.seq,
          reason: `event ${row.seq} does not link to the event before it`,
        }
      }
      if (hashEvent(row) !== row.hash) {
        return {
          ok: false,
          checked,
          brokenAt: row.seq,
          reason: `event ${row.seq} was altered after it was written`,
        }
      }
      prevHash = row.hash
      expectedSeq += 1
      checked += 1
    }
  }
  if (head.seq !== checked) {
    return {
      ok: false,
      checked,
      brokenAt: checked + 1,
      reason: `events after ${checked} were removed (head is at ${head.seq})`,
    }
  }
  if (head.lastHash !== prevHash) {
    return { ok: false, checked, brokenAt: checked, reason: `the last event does not match the chain head` }
  }
  // An event beyond the head was not written by an append. The highest event is read before
  // the head, so a legitimate event seen by the first read has its head move in the second.
  const lastSeq = await findLastAuditSeq(db)
  const headNow = await findAuditHead(db)
  if (lastSeq > headNow.seq) {
    return {
      ok: false,
      checked,
      brokenAt: headNow.seq + 1,
      reason: `event ${headNow.seq + 1} lies beyond the chain head (head is at ${headNow.seq})`,
    }
  }
  return { ok: true, checked }
}

/** An organisation's events, newest first. */
export async function listAuditEvents(
  db: Executor,
  organisationId: string,
  options: { limit: number; before?: number | undefined },
): Promise<AuditEvent[]> {
  const rows = await listAuditRowsForOrganisation(db, organisationId, options)
  return rows.map((r) => ({
    seq: r.seq,
    occurredAt: r.occurredAt,
    actor: r.actorId ? { id: r.actorId, name: r.actorName ?? '(deleted user)' } : null,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
  }))
}

/**
 * Every event about one resource, oldest first (at most `limit`), with the actor's id and
 * name. Callers decide what each reader may see of it.
 */
export async function listResourceAuditEvents(
  db: Executor,
  resourceType: string,
  resourceId: string,
  limit = 2000,
): Promise<AuditEvent[]> {
  const rows = await listAuditRowsForResource(db, resourceType, resourceId, limit)
  return rows.map((r) => ({
    seq: r.seq,
    occurredAt: r.occurredAt,
    actor: r.actorId ? { id: r.actorId, name: r.actorName ?? '(deleted user)' } : null,
    action: r.action,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
  }))
}

function hashEvent(e: {
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
}): string {
  const material = canonicalJson({
    seq: e.seq,
    id: e.id,
    occurredAt: e.occurredAt,
    actorId: e.actorId,
    action: e.action,
    resourceType: e.resourceType,
    resourceId: e.resourceId,
    organisationId: e.organisationId,
    summary: e.summary,
    prevHash: e.prevHash,
  })
  return createHash('sha256').update(material).digest('hex')
}

/** JSON with object keys sorted, so the same content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value as Record<string, unknown>)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    )
  }
  return value
}
