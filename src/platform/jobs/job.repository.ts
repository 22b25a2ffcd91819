import { sql } from 'kysely'
import type { Db, Dialect, Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'

export type JobRecord = {
  id: string
  name: string
  payload: string
  status: 'queued' | 'running' | 'done' | 'dead'
  attempts: number
  maxAttempts: number
  runAt: string
  lockedBy: string | null
  lockedUntil: string | null
  lastError: string | null
}

/**
 * Inserts a queued job. With an ordering key, its place in line (ordering_seq) is one past the
 * last job of that key, or the place of `inPlaceOf`. Two transactions enqueuing under the same
 * key at the same moment may draw the same place; the job id then breaks the tie, so jobs
 * enqueued concurrently have no order between them (one enqueued after another committed does).
 */
export async function insertJob(
  db: Executor,
  job: {
    id: string
    name: string
    payload: string
    maxAttempts: number
    runAt: string
    now: string
    ordering?: { key: string; inPlaceOf: string | null }
  },
): Promise<void> {
  const ordering = job.ordering
  const seq = ordering
    ? sql<number>`coalesce(
        (select ordering_seq from job where id = ${ordering.inPlaceOf} and ordering_key = ${ordering.key}),
        (select coalesce(max(ordering_seq), 0) + 1 from job where ordering_key = ${ordering.key})
      )`
    : null
  await db
    .insertInto('job')
    .values({
      id: job.id,
      name: job.name,
      payload: job.payload,
      status: 'queued',
      attempts: 0,
      max_attempts: job.maxAttempts,
      run_at: job.runAt,
      created_at: job.now,
      updated_at: job.now,
      ordering_key: ordering?.key ?? null,
      ordering_seq: seq,
    })
    .execute()
}

/**
 * Claims the next due job in one atomic statement: a queued job whose time has come, or a
 * running job whose lease ran out (its worker died). PostgreSQL skips rows other workers
 * hold; SQLite serialises writers, so the UPDATE … WHERE re-check is enough there.
 * A job with an ordering key is passed over while an earlier job of its key (lower
 * ordering_seq, then lower id) is queued or running, so a key's jobs run one at a time in order.
 */
export async function claimNextJob(
  db: Db,
  dialect: Dialect,
  claim: { workerId: string; now: string; leaseUntil: string; names: string[] },
): Promise<JobRecord | null> {
  if (claim.names.length === 0) return null
  let next = db
    .selectFrom('job')
    .select('id')
    .where('name', 'in', claim.names)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', claim.now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', claim.now)]),
      ]),
    )
    .where((eb) =>
      eb.or([
        eb('job.ordering_key', 'is', null),
        eb.not(
          eb.exists(
            eb
              .selectFrom('job as earlier')
              .select('earlier.id')
              .whereRef('earlier.ordering_key', '=', 'job.ordering_key')
              .where('earlier.status', 'in', ['queued', 'running'])
              .where((e) =>
                e.or([
                  e('earlier.ordering_seq', '<', e.ref('job.ordering_seq')),
                  e.and([
                    e('earlier.ordering_seq', '=', e.ref('job.ordering_seq')),
                    e('earlier.id', '<', e.ref('job.id')),
                  ]),
                ]),
              ),
          ),
        ),
      ]),
    )
    .orderBy('run_at')
    .limit(1)
  if (dialect === 'postgres') next = next.forUpdate().skipLocked()
  const row = await db
    .updateTable('job')
    .set((eb) => ({
      status: 'running',
      locked_by: claim.workerId,
      locked_until: claim.leaseUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: claim.now,
    }))
    .where('id', '=', (eb) => eb.selectFrom(next.as('next')).select('next.id'))
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'queued'), eb('run_at', '<=', claim.now)]),
        eb.and([eb('status', '=', 'running'), eb('locked_until', '<', claim.now)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst()
  return row ? mapJob(row) : null
}

/** Extends the lease of a job this worker still holds. False if it lost the job. */
export async function renewJobLease(
  db: Db,
  id: string,
  workerId: string,
  leaseUntil: string,
): Promise<boolean> {
  const r = await db
    .updateTable('job')
    .set({ locked_until: leaseUntil })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Settles a job this worker holds; does nothing if another worker has since taken it. */
export async function settleJob(
  db: Db,
  id: string,
  workerId: string,
  outcome: { status: 'done' | 'queued' | 'dead'; runAt?: string; lastError?: string | null; now: string },
): Promise<boolean> {
  const r = await db
    .updateTable('job')
    .set({
      status: outcome.status,
      locked_by: null,
      locked_until: null,
      updated_at: outcome.now,
      ...(outcome.runAt ? { run_at: outcome.runAt } : {}),
      ...(outcome.lastError !== undefined ? { last_error: outcome.lastError } : {}),
    })
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('status', '=', 'running')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function findJobById(db: Executor, id: string): Promise<JobRecord | null> {
  const row = await db.selectFrom('job').selectAll().where('id', '=', id).executeTakeFirst()
  return row ? mapJob(row) : null
}

export async function countJobsByStatus(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('job')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute()
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]))
}

function mapJob(r: {
  id: string
  name: string
  payload: string
  status: 'queued' | 'running' | 'done' | 'dead'
  attempts: number
  max_attempts: number
  run_at: Date | string
  locked_by: string | null
  locked_until: Date | string | null
  last_error: string | null
}): JobRecord {
  return {
    id: r.id,
    name: r.name,
    payload: r.payload,
    status: r.status,
    attempts: Number(r.attempts),
    maxAttempts: Number(r.max_attempts),
    runAt: toIso(r.run_at),
    lockedBy: r.locked_by,
    lockedUntil: toIso(r.locked_until),
    lastError: r.last_error,
  }
}

/** Jobs of one name that are waiting or running. */
export async function listPendingJobs(
  db: Executor,
  name: string,
): Promise<Array<{ id: string; status: string }>> {
  return db
    .selectFrom('job')
    .select(['id', 'status'])
    .where('name', '=', name)
    .where('status', 'in', ['queued', 'running'])
    .execute()
}
