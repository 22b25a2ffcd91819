import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db, Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import type { Queue } from '#src/platform/jobs/queue.ts'
import type { Logger } from '#src/platform/logger.ts'
import {
  type AttachmentContent,
  type AttachmentPart,
  attachmentsOf,
  matchAttachments,
} from './xapi.attachments.ts'
import { enqueueForwarding } from './xapi.forward.ts'
import {
  findAttachments,
  findStatement,
  findStatementsByIds,
  findVoidedTargets,
  insertAttachments,
  insertStatements,
  markVoided,
  queryStatementRows,
} from './xapi.repository.ts'
import { type StatementFormat, type StoredStatement, VOIDED_VERB } from './xapi.schema.ts'
import { agentKey, formatStatement, sameStatement, validateStatement } from './xapi.statement.ts'

export type XapiDeps = {
  db: Db
  clock: Clock
  ids: Ids
  queue: Queue
  log: Logger
  publicBaseUrl: string
}

/** The most statements one request may carry. */
export const MAX_BATCH = 1000

export type RecordStatementsInput = {
  organisationId: string
  /** Raw statements (parsed JSON): each is validated here. */
  statements: unknown[]
  /**
   * The Agent or Group that vouches for the statements. The LRS always sets it (whatever a
   * statement says): an LRS client's identity, or Rounds itself (`roundsAuthority`).
   */
  authority: Record<string, unknown>
  /** The LRS client that sent them, if any. */
  clientId?: string | null
  /** The X-Experience-API-Version of the request: the `version` given when a statement has none. */
  version?: '1.0.3' | '2.0.0'
  /** The raw attachment parts sent with the statements (multipart/mixed), in order. */
  attachments?: AttachmentPart[]
}

/**
 * Validates and stores xAPI statements for an organisation, all or none. Assigns `id` when
 * absent, and always `stored` and `authority`; `timestamp` defaults to `stored`. A statement
 * whose id is already stored is skipped when it is the same statement (the specification's
 * comparison: resending is idempotent) and refused with CONFLICT when it differs. A
 * voiding statement (verb voided, object a StatementRef) voids its target, whether the
 * target is stored already or arrives later. When the organisation forwards to an
 * external LRS, each new statement gets an outbox row in the same transaction.
 * Attachment parts must match the statements' attachments by hash (`matchAttachments`:
 * an attachment without fileUrl needs its part, every part its attachment, signatures are
 * checked); their content is stored once per hash with the statements.
 * Returns the statement ids in the order given.
 */
export async function recordStatements(deps: XapiDeps, input: RecordStatementsInput): Promise<string[]> {
  const { organisationId } = input
  if (input.statements.length === 0) return []
  if (input.statements.length > MAX_BATCH)
    throw new AppError('VALIDATION_FAILED', {
      message: `a request may carry at most ${MAX_BATCH} statements; send ${input.statements.length} in several`,
    })
  const many = input.statements.length > 1
  const validated = input.statements.map((raw, i) =>
    validateStatement(raw, many ? `statements[${i}]` : 'statement'),
  )
  const content = matchAttachments(validated, input.attachments ?? [], (i) =>
    many ? `statements[${i}]` : 'statement',
  )
  const stored = deps.clock.now().toISOString()
  const version = input.version === '2.0.0' ? '2.0.0' : '1.0.0'
  const prepared: StoredStatement[] = validated.map((s) => ({
    ...s,
    id: s.id ?? deps.ids.next().toLowerCase(),
    stored,
    timestamp: s.timestamp ?? stored,
    authority: input.authority,
    version: s.version ?? version,
  }))
  const seen = new Set<string>()
  for (const s of prepared) {
    if (seen.has(s.id))
      throw new AppError('VALIDATION_FAILED', {
        message: `statement id ${s.id} appears more than once in the batch`,
      })
    seen.add(s.id)
  }

  const store = () =>
    deps.db.transaction().execute(async (tx) => {
      const existing = await findStatementsByIds(
        tx,
        organisationId,
        prepared.map((s) => s.id),
      )
      const fresh: StoredStatement[] = []
      for (const [i, s] of prepared.entries()) {
        const old = existing.get(s.id)
        if (!old) fresh.push(s)
        else if (!sameStatement(old.statement, { ...s, timestamp: validated[i]?.timestamp }))
          throw new AppError('CONFLICT', {
            message: `a different statement with id ${s.id} is already stored; statements never change`,
            details: { id: s.id },
          })
      }
      if (content.size > 0) await insertAttachments(tx, organisationId, [...content.values()], stored)
      if (fresh.length === 0) return
      const voidingTargets = new Map<string, string>()
      for (const s of fresh)
        if (s.verb.id === VOIDED_VERB) voidingTargets.set(s.id, String((s.object as { id: string }).id))
      // Statements voided by a voiding statement that arrived before them (or in this batch).
      const alreadyVoided = await findVoidedTargets(
        tx,
        organisationId,
        fresh.map((s) => s.id),
      )
      for (const target of voidingTargets.values()) alreadyVoided.add(target)
      await insertStatements(
        tx,
        organisationId,
        fresh.map((s) => {
          const voids = voidingTargets.get(s.id) ?? null
          return {
            id: s.id,
            stored,
            voids,
            voided: voids === null && alreadyVoided.has(s.id),
            clientId: input.clientId ?? null,
            statement: s,
          }
        }),
      )
      if (voidingTargets.size > 0) await markVoided(tx, organisationId, [...voidingTargets.values()])
      await enqueueForwarding(
        tx,
        deps,
        organisationId,
        fresh.map((s) => s.id),
      )
    })
  try {
    await store()
  } catch (e) {
    // Two requests raced to store the same new id (PostgreSQL runs them side by side): the
    // loser runs again and now finds the statement, so it answers as for any resend.
    if (!isUniqueViolation(e)) throw e
    await store()
  }
  return prepared.map((s) => s.id)
}

function isUniqueViolation(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

/**
 * One statement by id. `voided: false` (statementId) returns it only when not voided;
 * `voided: true` (voidedStatementId) only when voided — as the specification requires.
 */
export async function getStatement(
  deps: Pick<XapiDeps, 'db'>,
  organisationId: string,
  id: string,
  options: { voided: boolean; format?: StatementFormat; languages?: string[] },
): Promise<StoredStatement> {
  const row = await findStatement(deps.db, organisationId, id.toLowerCase())
  if (!row || row.voided !== options.voided)
    throw new AppError('NOT_FOUND', {
      message: options.voided ? `no voided statement with id ${id}` : `no statement with id ${id}`,
    })
  return formatStatement(row.statement, options.format ?? 'exact', options.languages)
}

export type StatementFilters = {
  agent?: Record<string, unknown> | undefined
  verb?: string | undefined
  activity?: string | undefined
  registration?: string | undefined
  relatedActivities?: boolean | undefined
  relatedAgents?: boolean | undefined
  since?: string | undefined
  until?: string | undefined
  limit?: number | undefined
  ascending?: boolean | undefined
  format?: StatementFormat | undefined
}

/** The cursor behind a `more` link: the filters, the time of the first page and the last row. */
export type StatementCursor = {
  filters: Omit<StatementFilters, 'format'> & { format: StatementFormat }
  through: string
  after: { stored: string; id: string }
}

export const DEFAULT_LIMIT = 100
export const MAX_LIMIT = 500

/**
 * A page of statements matching the filters (voided statements excluded), newest first
 * unless `ascending`. `more` is the cursor of the next page, or null on the last one. The
 * pages of one query see the statements stored before its first page and no later ones,
 * so paging neither repeats nor skips statements while new ones arrive.
 */
export async function queryStatements(
  deps: Pick<XapiDeps, 'db' | 'clock'>,
  organisationId: string,
  request: { filters: StatementFilters; cursor?: StatementCursor | undefined; languages?: string[] },
): Promise<{ statements: StoredStatement[]; more: StatementCursor | null; through: string }> {
  const filters = request.cursor?.filters ?? { ...request.filters, format: request.filters.format ?? 'exact' }
  const through = request.cursor?.through ?? deps.clock.now().toISOString()
  // limit 0 asks for the server's maximum (xAPI); no limit, the default page.
  const limit =
    filters.limit === 0
      ? MAX_LIMIT
      : Math.min(filters.limit && filters.limit > 0 ? filters.limit : DEFAULT_LIMIT, MAX_LIMIT)
  const since = filters.since ? new Date(filters.since).toISOString() : undefined
  const until = filters.until ? new Date(filters.until).toISOString() : undefined
  const rows = await queryStatementRows(deps.db, organisationId, {
    agent: filters.agent ? (agentKey(filters.agent) ?? undefined) : undefined,
    relatedAgents: filters.relatedAgents,
    verb: filters.verb,
    activity: filters.activity,
    relatedActivities: filters.relatedActivities,
    registration: filters.registration?.toLowerCase(),
    since,
    until,
    ascending: filters.ascending ?? false,
    limit: limit + 1,
    through,
    after: request.cursor?.after,
  })
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    statements: page.map((r) => formatStatement(r.statement, filters.format, request.languages)),
    more:
      rows.length > limit && last ? { filters, through, after: { stored: last.stored, id: last.id } } : null,
    through,
  }
}

/**
 * The stored content of the attachments the statements name (each hash once, in order of
 * first mention). Attachments sent only by fileUrl have none and are left out.
 */
export async function statementAttachments(
  deps: Pick<XapiDeps, 'db'>,
  organisationId: string,
  statements: Record<string, unknown>[],
): Promise<AttachmentContent[]> {
  const hashes = [...new Set(statements.flatMap((s) => attachmentsOf(s).map((a) => a.sha2.toLowerCase())))]
  if (hashes.length === 0) return []
  const found = await findAttachments(deps.db, organisationId, hashes)
  return hashes.flatMap((h) => {
    const a = found.get(h)
    return a ? [a] : []
  })
}

/** Reads one statement inside a transaction (forwarder). */
export async function loadStatements(db: Executor, organisationId: string, ids: string[]) {
  return findStatementsByIds(db, organisationId, ids)
}
