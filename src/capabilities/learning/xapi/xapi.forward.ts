import type { Clock, Ids } from '#src/platform/clock.ts'
import { type Db, type Executor, toIso } from '#src/platform/db/database.ts'
import type { Queue } from '#src/platform/jobs/queue.ts'
import type { Logger } from '#src/platform/logger.ts'
import { decryptSecret, type Keyring, type SecretColumn } from '#src/platform/secrets.ts'
import { refusedAddress } from './xapi.address.ts'
import { attachmentsOf } from './xapi.attachments.ts'
import { buildMultipart } from './xapi.multipart.ts'
import { findAttachments } from './xapi.repository.ts'

/**
 * Forwarding to an organisation's external LRS. Every statement stored while forwarding is
 * configured gets an outbox row in the storing transaction; the `xapi.forward` job sends the
 * due rows in batches and deletes a row only after the external LRS accepted its statement.
 * A failed send keeps the rows, pushes their next attempt back (30 s, 1 min, 2 min … up to
 * an hour) and schedules the job again for then, so no statement is lost however long the
 * external LRS is down. Resending is harmless: an LRS treats a statement it already holds
 * with the same id and content as a no-op. Statements whose attachments Rounds holds are
 * sent as multipart/mixed with those attachments, as the specification requires of an LRS
 * that pushes statements on.
 */

export const FORWARD_JOB = 'xapi.forward'
export const FORWARD_BATCH = 100
/** Attachment bytes one forwarding request carries at most (beyond its first statement's). */
export const FORWARD_MAX_ATTACHMENT_BYTES = 4 * 1024 * 1024
const FORWARD_TIMEOUT_MS = 30_000

export type ForwardDeps = {
  db: Db
  clock: Clock
  ids: Ids
  queue: Queue
  log: Logger
  keyring: Keyring
  /** Outbound HTTP (a port, so tests can count calls); the global fetch by default. */
  fetch?: typeof fetch
  /** Allow endpoints on loopback and private networks (development and tests, never production). */
  allowPrivateNetwork?: boolean
}

export const forwardingSecretContext = (organisationId: string) => `lrs_forwarding:${organisationId}`

export const forwardingSecretColumn: SecretColumn = {
  table: 'lrs_forwarding',
  idColumn: 'organisation_id',
  column: 'secret',
  context: forwardingSecretContext,
}

/** Delay before attempt `attempts + 1` after `attempts` failures. */
export function forwardBackoffMs(attempts: number): number {
  return Math.min(30_000 * 2 ** Math.max(0, attempts - 1), 3_600_000)
}

/** Called in the transaction that stores statements: outbox rows and a job, if forwarding is on. */
export async function enqueueForwarding(
  tx: Executor,
  deps: { clock: Clock; queue: Queue },
  organisationId: string,
  statementIds: string[],
): Promise<void> {
  if (statementIds.length === 0) return
  const forwarding = await tx
    .selectFrom('lrs_forwarding')
    .select('organisation_id')
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  if (!forwarding) return
  const now = deps.clock.now().toISOString()
  for (let i = 0; i < statementIds.length; i += 200)
    await tx
      .insertInto('xapi_forward_outbox')
      .values(
        statementIds.slice(i, i + 200).map((id) => ({
          organisation_id: organisationId,
          statement_id: id,
          created_at: now,
          next_attempt_at: now,
          attempts: 0,
          last_error: null,
        })),
      )
      .execute()
  await deps.queue.enqueue(tx, FORWARD_JOB, { organisationId })
}

export type ForwardOutcome = { sent: number; failed: number; remaining: number }

/**
 * Sends the organisation's due outbox rows (oldest first, up to FORWARD_BATCH per request)
 * until none are due or a send fails. The job handler; idempotent.
 */
export async function forwardStatements(deps: ForwardDeps, organisationId: string): Promise<ForwardOutcome> {
  const config = await deps.db
    .selectFrom('lrs_forwarding')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  const outcome: ForwardOutcome = { sent: 0, failed: 0, remaining: 0 }
  if (!config) return outcome
  const secret = decryptSecret(deps.keyring, config.secret, forwardingSecretContext(organisationId))
  const auth = `Basic ${Buffer.from(`${config.username}:${secret}`).toString('base64')}`
  const url = new URL('statements', config.endpoint.endsWith('/') ? config.endpoint : `${config.endpoint}/`)
  const doFetch = deps.fetch ?? fetch
  for (;;) {
    const now = deps.clock.now().toISOString()
    const due = await deps.db
      .selectFrom('xapi_forward_outbox as o')
      .innerJoin('xapi_statement as s', (j) =>
        j.onRef('s.organisation_id', '=', 'o.organisation_id').onRef('s.id', '=', 'o.statement_id'),
      )
      .select(['o.statement_id', 'o.attempts', 's.statement'])
      .where('o.organisation_id', '=', organisationId)
      .where('o.next_attempt_at', '<=', now)
      .orderBy('o.created_at')
      .orderBy('o.statement_id')
      .limit(FORWARD_BATCH)
      .execute()
    if (due.length === 0) break
    const { batch, contentType, body } = await forwardBody(deps.db, organisationId, due)
    const ids = batch.map((d) => d.statement_id)
    let error: string | null = deps.allowPrivateNetwork ? null : await refusedAddress(url)
    if (error === null)
      try {
        const response = await doFetch(url, {
          method: 'POST',
          headers: {
            authorization: auth,
            'content-type': contentType,
            'x-experience-api-version': config.version,
          },
          body,
          signal: AbortSignal.timeout(FORWARD_TIMEOUT_MS),
          // A redirect could lead to an address the check above refused.
          redirect: 'error',
        })
        await response.body?.cancel().catch(() => {})
        if (!response.ok) error = `the external LRS answered ${response.status}`
      } catch (e) {
        error = `the external LRS could not be reached (${e instanceof Error ? e.name : 'error'})`
      }
    if (error === null) {
      await deps.db
        .deleteFrom('xapi_forward_outbox')
        .where('organisation_id', '=', organisationId)
        .where('statement_id', 'in', ids)
        .execute()
      outcome.sent += ids.length
      continue
    }
    const attempts = Math.max(...batch.map((d) => d.attempts)) + 1
    const next = new Date(deps.clock.now().getTime() + forwardBackoffMs(attempts))
    await deps.db.transaction().execute(async (tx) => {
      await tx
        .updateTable('xapi_forward_outbox')
        .set((eb) => ({
          attempts: eb('attempts', '+', 1),
          next_attempt_at: next.toISOString(),
          last_error: error,
        }))
        .where('organisation_id', '=', organisationId)
        // Every due row, not just this batch: the LRS is failing, so all of them wait.
        .where('next_attempt_at', '<=', now)
        .execute()
      await deps.queue.enqueue(tx, FORWARD_JOB, { organisationId }, { runAt: next })
    })
    deps.log.warn({ organisationId, statements: ids.length, attempts }, 'xAPI forwarding failed; will retry')
    outcome.failed += ids.length
    break
  }
  const left = await deps.db
    .selectFrom('xapi_forward_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  outcome.remaining = Number(left.n)
  return outcome
}

/**
 * The request for the first due statements: JSON, or multipart/mixed when Rounds holds
 * attachments they name. A batch stops before the statement whose attachments would take it
 * past FORWARD_MAX_ATTACHMENT_BYTES (the first statement always goes, whatever its size), so
 * a run of large attachments travels over several requests instead of one huge one.
 */
async function forwardBody<T extends { statement: string }>(
  db: Executor,
  organisationId: string,
  due: T[],
): Promise<{ batch: T[]; contentType: string; body: string | Uint8Array<ArrayBuffer> }> {
  const hashesOf = due.map((d) => [
    ...new Set(
      attachmentsOf(JSON.parse(d.statement) as Record<string, unknown>).map((a) => a.sha2.toLowerCase()),
    ),
  ])
  const all = [...new Set(hashesOf.flat())]
  const sizes = new Map<string, number>()
  for (let i = 0; i < all.length; i += 200) {
    const rows = await db
      .selectFrom('xapi_attachment')
      .select(['sha2', 'length'])
      .where('organisation_id', '=', organisationId)
      .where('sha2', 'in', all.slice(i, i + 200))
      .execute()
    for (const r of rows) sizes.set(r.sha2, Number(r.length))
  }
  const carried = new Set<string>()
  let bytes = 0
  let end = 0
  for (const [i, hashes] of hashesOf.entries()) {
    const added = hashes.filter((h) => sizes.has(h) && !carried.has(h))
    const more = added.reduce((n, h) => n + (sizes.get(h) ?? 0), 0)
    if (i > 0 && bytes + more > FORWARD_MAX_ATTACHMENT_BYTES) break
    for (const h of added) carried.add(h)
    bytes += more
    end = i + 1
  }
  const batch = due.slice(0, end)
  const json = `[${batch.map((d) => d.statement).join(',')}]`
  if (carried.size === 0) return { batch, contentType: 'application/json', body: json }
  const found = await findAttachments(db, organisationId, [...carried])
  const { contentType, body } = buildMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: json },
    ...[...found.values()].map((a) => ({
      headers: {
        'Content-Type': a.contentType,
        'Content-Transfer-Encoding': 'binary',
        'X-Experience-API-Hash': a.sha2,
      },
      body: a.content,
    })),
  ])
  return { batch, contentType, body: body as Uint8Array<ArrayBuffer> }
}

export type ForwardingStatus = {
  endpoint: string
  username: string
  version: string
  updatedAt: string
  pending: number
  oldestPendingAt: string | null
  lastError: string | null
}

/** The forwarding configuration (without its secret) and the outbox's state, or null. */
export async function forwardingStatus(
  db: Executor,
  organisationId: string,
): Promise<ForwardingStatus | null> {
  const config = await db
    .selectFrom('lrs_forwarding')
    .select(['endpoint', 'username', 'version', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  if (!config) return null
  const pending = await db
    .selectFrom('xapi_forward_outbox')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('created_at').as('oldest')])
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  const lastError = await db
    .selectFrom('xapi_forward_outbox')
    .select('last_error')
    .where('organisation_id', '=', organisationId)
    .where('last_error', 'is not', null)
    .orderBy('next_attempt_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return {
    endpoint: config.endpoint,
    username: config.username,
    version: config.version,
    updatedAt: toIso(config.updated_at),
    pending: Number(pending.n),
    oldestPendingAt: pending.oldest ? toIso(pending.oldest as string | Date) : null,
    lastError: lastError?.last_error ?? null,
  }
}
