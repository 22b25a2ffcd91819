import { type Expression, type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Executor } from '#src/platform/db/database.ts'
import type { StoredStatement } from './xapi.schema.ts'
import { type StatementRefs, statementRefs } from './xapi.statement.ts'

/** Kysely queries for stored statements and the agents/activities they mention. */

// Both databases take at least 32,766 bound parameters; rows per insert stay well below.
const CHUNK = 200

export type StatementRow = {
  id: string
  stored: string
  verbId: string
  registration: string | null
  voids: string | null
  voided: boolean
  clientId: string | null
  statement: StoredStatement
}

export async function findStatementsByIds(
  db: Executor,
  organisationId: string,
  ids: string[],
): Promise<Map<string, StatementRow>> {
  const found = new Map<string, StatementRow>()
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('xapi_statement')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .execute()
    for (const r of rows) found.set(r.id, toRow(r))
  }
  return found
}

export async function findStatement(
  db: Executor,
  organisationId: string,
  id: string,
): Promise<StatementRow | null> {
  const row = await db
    .selectFrom('xapi_statement')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return row ? toRow(row) : null
}

/** Ids among `ids` that some stored voiding statement of the organisation targets. */
export async function findVoidedTargets(
  db: Executor,
  organisationId: string,
  ids: string[],
): Promise<Set<string>> {
  const out = new Set<string>()
  for (let i = 0; i < ids.length; i += CHUNK) {
    const rows = await db
      .selectFrom('xapi_statement')
      .select('voids')
      .where('organisation_id', '=', organisationId)
      .where('voids', 'in', ids.slice(i, i + CHUNK))
      .execute()
    for (const r of rows) if (r.voids) out.add(r.voids)
  }
  return out
}

export async function insertStatements(
  db: Executor,
  organisationId: string,
  rows: Array<Omit<StatementRow, 'verbId' | 'registration' | 'voids'> & { voids: string | null }>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK)
    await db
      .insertInto('xapi_statement')
      .values(
        chunk.map((r) => ({
          organisation_id: organisationId,
          id: r.id,
          stored: r.stored,
          verb_id: r.statement.verb.id,
          registration: (r.statement.context?.registration as string | undefined) ?? null,
          voids: r.voids,
          voided: r.voided ? 1 : 0,
          client_id: r.clientId,
          statement: JSON.stringify(r.statement),
        })),
      )
      .execute()
  }
  const refs: Array<{
    organisation_id: string
    statement_id: string
    kind: string
    value: string
    direct: number
  }> = []
  for (const r of rows) {
    const found: StatementRefs = statementRefs(r.statement)
    for (const [value, direct] of found.agents)
      refs.push({
        organisation_id: organisationId,
        statement_id: r.id,
        kind: 'agent',
        value,
        direct: +direct,
      })
    for (const [value, direct] of found.activities)
      refs.push({
        organisation_id: organisationId,
        statement_id: r.id,
        kind: 'activity',
        value,
        direct: +direct,
      })
    if (found.target)
      refs.push({
        organisation_id: organisationId,
        statement_id: r.id,
        kind: 'statementref',
        value: found.target,
        direct: 1,
      })
  }
  for (let i = 0; i < refs.length; i += CHUNK * 2)
    await db
      .insertInto('xapi_statement_ref')
      .values(refs.slice(i, i + CHUNK * 2))
      .execute()
}

/** Marks stored statements voided (never voiding statements themselves). */
export async function markVoided(db: Executor, organisationId: string, ids: string[]): Promise<void> {
  for (let i = 0; i < ids.length; i += CHUNK)
    await db
      .updateTable('xapi_statement')
      .set({ voided: 1 })
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids.slice(i, i + CHUNK))
      .where('voids', 'is', null)
      .execute()
}

export type StatementQuery = {
  agent?: string | undefined
  relatedAgents?: boolean | undefined
  verb?: string | undefined
  activity?: string | undefined
  relatedActivities?: boolean | undefined
  registration?: string | undefined
  since?: string | undefined
  until?: string | undefined
  ascending: boolean
  limit: number
  /** Only statements stored at or before this instant (the first page's time): stable pages. */
  through: string
  after?: { stored: string; id: string } | undefined
}

/** One page of non-voided statements matching the filters, in stored order. */
export async function queryStatementRows(
  db: Executor,
  organisationId: string,
  q: StatementQuery,
): Promise<StatementRow[]> {
  let query = db
    .selectFrom('xapi_statement as s')
    .selectAll('s')
    .where('s.organisation_id', '=', organisationId)
    .where('s.voided', '=', 0)
    .where('s.stored', '<=', q.through)
  if (q.since) query = query.where('s.stored', '>', q.since)
  if (q.until) query = query.where('s.stored', '<=', q.until)
  const match = matchCondition('s', q)
  if (match) {
    // A statement that targets a matching one by StatementRef (a comment on it, the voiding
    // statement of a voided one) is returned with it, as xAPI requires; the target itself may
    // be voided. One level of reference is followed.
    const target = matchCondition('t', q) as RawBuilder<SqlBool>
    query = query.where(
      sql<SqlBool>`(${match} or exists (select 1 from xapi_statement_ref sr join xapi_statement t on t.organisation_id = sr.organisation_id and t.id = sr.value where sr.organisation_id = s.organisation_id and sr.statement_id = s.id and sr.kind = 'statementref' and ${target}))`,
    )
  }
  if (q.after) {
    const { stored, id } = q.after
    query = query.where(({ eb, or, and }) => {
      const op = q.ascending ? '>' : '<'
      return or([
        eb('s.stored', op, stored),
        and([eb('s.stored', '=', stored), eb('s.id', op, id)]),
      ]) as Expression<SqlBool>
    })
  }
  const dir = q.ascending ? 'asc' : 'desc'
  const rows = await query.orderBy('s.stored', dir).orderBy('s.id', dir).limit(q.limit).execute()
  return rows.map(toRow)
}

/** The agent/verb/activity/registration filters on the statement `alias`, or null for none. */
function matchCondition(alias: 's' | 't', q: StatementQuery): RawBuilder<SqlBool> | null {
  const col = (c: string) => sql.ref(`${alias}.${c}`)
  const r = sql.raw(`${alias}r`)
  const parts: RawBuilder<unknown>[] = []
  if (q.verb) parts.push(sql`${col('verb_id')} = ${q.verb}`)
  if (q.registration) parts.push(sql`${col('registration')} = ${q.registration}`)
  const ref = (kind: 'agent' | 'activity', value: string, related: boolean) =>
    sql`exists (select 1 from xapi_statement_ref ${r} where ${r}.organisation_id = ${col('organisation_id')} and ${r}.statement_id = ${col('id')} and ${r}.kind = ${kind} and ${r}.value = ${value}${related ? sql`` : sql` and ${r}.direct = 1`})`
  if (q.agent) parts.push(ref('agent', q.agent, q.relatedAgents ?? false))
  if (q.activity) parts.push(ref('activity', q.activity, q.relatedActivities ?? false))
  return parts.length ? sql<SqlBool>`(${sql.join(parts, sql` and `)})` : null
}

function toRow(r: {
  id: string
  stored: string
  verb_id: string
  registration: string | null
  voids: string | null
  voided: number
  client_id: string | null
  statement: string
}): StatementRow {
  return {
    id: r.id,
    stored: r.stored,
    verbId: r.verb_id,
    registration: r.registration,
    voids: r.voids,
    voided: Number(r.voided) === 1,
    clientId: r.client_id,
    statement: JSON.parse(r.statement) as StoredStatement,
  }
}

/** Stores attachment content once per organisation and hash; content already held is kept. */
export async function insertAttachments(
  db: Executor,
  organisationId: string,
  attachments: { sha2: string; contentType: string; content: Uint8Array }[],
  createdAt: string,
): Promise<void> {
  // One row per insert: attachments can be megabytes, and a batch of them one huge statement.
  for (const a of attachments)
    await db
      .insertInto('xapi_attachment')
      .values({
        organisation_id: organisationId,
        sha2: a.sha2,
        content_type: a.contentType,
        length: a.content.byteLength,
        content: Buffer.from(a.content.buffer, a.content.byteOffset, a.content.byteLength),
        created_at: createdAt,
      })
      .onConflict((oc) => oc.columns(['organisation_id', 'sha2']).doNothing())
      .execute()
}

/** The stored content of the given hashes (lower-case hex) that the organisation holds. */
export async function findAttachments(
  db: Executor,
  organisationId: string,
  hashes: string[],
): Promise<Map<string, { sha2: string; contentType: string; content: Uint8Array }>> {
  const found = new Map<string, { sha2: string; contentType: string; content: Uint8Array }>()
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const rows = await db
      .selectFrom('xapi_attachment')
      .select(['sha2', 'content_type', 'content'])
      .where('organisation_id', '=', organisationId)
      .where('sha2', 'in', hashes.slice(i, i + CHUNK))
      .execute()
    for (const r of rows)
      found.set(r.sha2, { sha2: r.sha2, contentType: r.content_type, content: new Uint8Array(r.content) })
  }
  return found
}
