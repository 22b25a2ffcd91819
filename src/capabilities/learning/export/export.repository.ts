import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type { ExportParams, ExportStatus, ExportTableSummary } from './export.schema.ts'

/** Research exports: the export records, and the reads the tables are built from. */

export type ExportRecord = {
  id: string
  organisationId: string
  requestedBy: string | null
  requestedByName: string | null
  params: ExportParams
  status: ExportStatus
  stage: string
  progress: number
  errorCode: string | null
  errorMessage: string | null
  fileKey: string | null
  fileSize: number | null
  fileSha256: string | null
  tables: ExportTableSummary[]
  createdAt: string
  completedAt: string | null
  expiresAt: string | null
}

const recordColumns = [
  'e.id',
  'e.organisation_id',
  'e.requested_by',
  'e.params',
  'e.status',
  'e.stage',
  'e.progress',
  'e.error_code',
  'e.error_message',
  'e.file_key',
  'e.file_size',
  'e.file_sha256',
  'e.summary',
  'e.created_at',
  'e.completed_at',
  'e.expires_at',
] as const

function baseQuery(db: Executor) {
  return db
    .selectFrom('research_export as e')
    .leftJoin('auth_user as u', 'u.id', 'e.requested_by')
    .select(recordColumns)
    .select('u.name as requester_name')
}

type RecordRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>

function mapRecord(r: RecordRow): ExportRecord {
  const summary = JSON.parse(r.summary) as { tables?: ExportTableSummary[] }
  return {
    id: r.id,
    organisationId: r.organisation_id,
    requestedBy: r.requested_by,
    requestedByName: r.requester_name ?? null,
    params: JSON.parse(r.params) as ExportParams,
    status: r.status as ExportStatus,
    stage: r.stage,
    progress: Number(r.progress),
    errorCode: r.error_code,
    errorMessage: r.error_message,
    fileKey: r.file_key,
    fileSize: r.file_size === null ? null : Number(r.file_size),
    fileSha256: r.file_sha256,
    tables: summary.tables ?? [],
    createdAt: toIso(r.created_at),
    completedAt: toIso(r.completed_at),
    expiresAt: toIso(r.expires_at),
  }
}

export async function insertExport(
  db: Executor,
  row: { id: string; organisationId: string; requestedBy: string; params: ExportParams; now: string },
): Promise<void> {
  await db
    .insertInto('research_export')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      requested_by: row.requestedBy,
      params: JSON.stringify(row.params),
      status: 'queued',
      stage: 'waiting to start',
      progress: 0,
      created_at: row.now,
      updated_at: row.now,
    })
    .execute()
}

export async function findExport(db: Executor, id: string): Promise<ExportRecord | null> {
  const r = await baseQuery(db).where('e.id', '=', id).executeTakeFirst()
  return r ? mapRecord(r) : null
}

/** The organisation's exports, newest first. */
export async function listExports(db: Executor, organisationId: string, limit = 50): Promise<ExportRecord[]> {
  const rows = await baseQuery(db)
    .where('e.organisation_id', '=', organisationId)
    .orderBy('e.created_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(limit)
    .execute()
  return rows.map(mapRecord)
}

export async function setExportProgress(
  db: Executor,
  id: string,
  p: { status?: ExportStatus; stage: string; progress: number; now: string },
): Promise<void> {
  await db
    .updateTable('research_export')
    .set({
      ...(p.status ? { status: p.status } : {}),
      stage: p.stage,
      progress: Math.max(0, Math.min(100, Math.round(p.progress))),
      updated_at: p.now,
    })
    .where('id', '=', id)
    .execute()
}

export async function markExportReady(
  db: Executor,
  id: string,
  r: {
    fileKey: string
    size: number
    sha256: string
    tables: ExportTableSummary[]
    now: string
    expiresAt: string
  },
): Promise<void> {
  await db
    .updateTable('research_export')
    .set({
      status: 'ready',
      stage: 'ready to download',
      progress: 100,
      file_key: r.fileKey,
      file_size: r.size,
      file_sha256: r.sha256,
      summary: JSON.stringify({ tables: r.tables }),
      updated_at: r.now,
      completed_at: r.now,
      expires_at: r.expiresAt,
    })
    .where('id', '=', id)
    .execute()
}

export async function markExportFailed(
  db: Executor,
  id: string,
  r: { code: string; message: string; now: string },
): Promise<void> {
  await db
    .updateTable('research_export')
    .set({
      status: 'failed',
      stage: 'failed',
      error_code: r.code,
      error_message: r.message,
      updated_at: r.now,
      completed_at: r.now,
    })
    .where('id', '=', id)
    .execute()
}

/** Ready exports whose retention has run out (compared in JavaScript: timestamps differ by dialect). */
export async function listExpiredExports(db: Executor, now: Date): Promise<ExportRecord[]> {
  const rows = await baseQuery(db).where('e.status', '=', 'ready').execute()
  return rows.map(mapRecord).filter((r) => r.expiresAt !== null && Date.parse(r.expiresAt) <= now.getTime())
}

export async function markExportExpired(db: Executor, id: string, now: string): Promise<void> {
  await db
    .updateTable('research_export')
    .set({
      status: 'expired',
      stage: 'file deleted after the retention period',
      file_key: null,
      updated_at: now,
    })
    .where('id', '=', id)
    .execute()
}

// --- Reads for the tables -------------------------------------------------------------

export type PublishedItemRow = {
  id: string
  kind: string
  fields: Partial<ItemFields>
  seriesId: string | null
  seriesTitle: string | null
  channels: string[]
  firstPublishedAt: string
  profession: string | null
}

/** Items of the organisation with at least one published post, with their channels and first publication. */
export async function listPublishedItems(db: Executor, organisationId: string): Promise<PublishedItemRow[]> {
  const pubs = await db
    .selectFrom('publication')
    .select(['item_id', 'channel', 'published_at'])
    .where('organisation_id', '=', organisationId)
    .where('published_at', 'is not', null)
    .execute()
  const byItem = new Map<string, { channels: Set<string>; first: number }>()
  for (const p of pubs) {
    const at = Date.parse(toIso(p.published_at as Date | string))
    const e = byItem.get(p.item_id) ?? { channels: new Set<string>(), first: at }
    e.channels.add(p.channel)
    e.first = Math.min(e.first, at)
    byItem.set(p.item_id, e)
  }
  const ids = [...byItem.keys()]
  const out: PublishedItemRow[] = []
  // In chunks: PostgreSQL and SQLite both cap the number of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('content_item as i')
      .leftJoin('content_series as s', 's.id', 'i.series_id')
      .leftJoin('professional_identity as p', 'p.user_id', 'i.author_id')
      .select(['i.id', 'i.kind', 'i.fields', 'i.series_id', 's.title as series_title', 'p.profession'])
      .where('i.organisation_id', '=', organisationId)
      .where('i.id', 'in', ids.slice(i, i + 500))
      .execute()
    for (const r of rows) {
      const e = byItem.get(r.id) as { channels: Set<string>; first: number }
      out.push({
        id: r.id,
        kind: r.kind,
        fields: JSON.parse(r.fields) as Partial<ItemFields>,
        seriesId: r.series_id,
        seriesTitle: r.series_title ?? null,
        channels: [...e.channels].sort(),
        firstPublishedAt: new Date(e.first).toISOString(),
        profession: r.profession ?? null,
      })
    }
  }
  return out.sort((a, b) => a.firstPublishedAt.localeCompare(b.firstPublishedAt) || a.id.localeCompare(b.id))
}

export type ExportAttemptRow = {
  itemId: string
  learnerId: string
  sessionId: string
  kind: string
  raw: number
  max: number
  at: string
}

/** Every quiz attempt on the organisation's items with its learner, oldest first. */
export async function listAttempts(db: Executor, organisationId: string): Promise<ExportAttemptRow[]> {
  const rows = await db
    .selectFrom('quiz_attempt as a')
    .innerJoin('learning_session as s', 's.id', 'a.session_id')
    .select(['s.item_id', 's.learner_id', 'a.session_id', 'a.kind', 'a.raw', 'a.max', 'a.created_at'])
    .where('s.organisation_id', '=', organisationId)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    learnerId: r.learner_id,
    sessionId: r.session_id,
    kind: r.kind,
    raw: Number(r.raw),
    max: Number(r.max),
    at: toIso(r.created_at),
  }))
}

/** Learning sessions (a learner opening an item's quiz): item, learner, when. */
export async function listSessions(
  db: Executor,
  organisationId: string,
): Promise<{ itemId: string; learnerId: string; at: string }[]> {
  const rows = await db
    .selectFrom('learning_session')
    .select(['item_id', 'learner_id', 'created_at'])
    .where('organisation_id', '=', organisationId)
    .execute()
  return rows.map((r) => ({ itemId: r.item_id, learnerId: r.learner_id, at: toIso(r.created_at) }))
}

export type ExportSnapshotRow = {
  itemId: string
  channel: string
  remoteId: string
  metric: string
  value: number
  source: string
  at: string
}

/** Every metric snapshot of the organisation, oldest first, API before import at the same instant. */
export async function listSnapshots(db: Executor, organisationId: string): Promise<ExportSnapshotRow[]> {
  const rows = await db
    .selectFrom('metric_snapshot')
    .select(['item_id', 'channel', 'remote_id', 'metric', 'value', 'source', 'captured_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('captured_at')
    .orderBy('source')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    channel: r.channel,
    remoteId: r.remote_id,
    metric: r.metric,
    value: Number(r.value),
    source: r.source,
    at: toIso(r.captured_at),
  }))
}

/** Which learner each of the organisation's learning sessions belongs to (session id → learner id). */
export async function listLearnersBySession(
  db: Executor,
  organisationId: string,
): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom('learning_session')
    .select(['id', 'learner_id'])
    .where('organisation_id', '=', organisationId)
    .execute()
  return new Map(rows.map((r) => [r.id, r.learner_id]))
}
