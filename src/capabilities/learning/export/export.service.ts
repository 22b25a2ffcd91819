import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { findOrganisationById } from '#src/capabilities/accounts/accounts.repository.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import type { BlobStore, OpenedBlob } from '#src/capabilities/media/storage.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  codebookCsv,
  codebookMarkdown,
  codebookOf,
  EXPORT_FORMAT_VERSION,
  readmeText,
  tableSummary,
  toCsv,
  zipFiles,
} from './export.archive.ts'
import {
  type ExportRecord,
  findExport,
  insertExport,
  listExpiredExports,
  listExports,
  listPublishedItems,
  markExportExpired,
  markExportFailed,
  markExportReady,
  setExportProgress,
} from './export.repository.ts'
import {
  type Codebook,
  type ExportParams,
  type ExportRequest,
  exportRequestSchema,
  RETENTION_DAYS,
  type ResearchExport,
  type ResearchExportList,
} from './export.schema.ts'
import { coarsen, newPseudonymKey, pseudonymFor } from './export.suppression.ts'
import { type ExportContext, type ExportItem, type ExportTable, exportTables } from './export.tables.ts'

/**
 * Anonymised research exports. Editors and admins (analytics.read, the permission of the
 * research view itself) request one; the `research.export` job builds the ZIP with progress
 * on the record; any editor or admin of the same organisation may download it until the
 * retention sweep deletes the file.
 */

export type ExportDeps = AccountsDeps & {
  /** Where finished ZIPs are kept (the derivatives store: files Rounds produced). */
  storage: BlobStore
  /** The tables to write; the default list unless a test narrows it. */
  tables?: readonly ExportTable[]
}

export const RESEARCH_EXPORT_JOB = 'research.export'
export const EXPORT_FILE_NAME = 'rounds-research-export.zip'
const DAY = 86_400_000

const fileKey = (id: string) => `research-exports/${id}/${EXPORT_FILE_NAME}`

function present(r: ExportRecord): ResearchExport {
  return {
    id: r.id,
    status: r.status,
    stage: r.stage,
    progress: r.progress,
    params: r.params,
    requestedBy: r.requestedBy ? { id: r.requestedBy, name: r.requestedByName ?? '' } : null,
    tables: r.tables,
    size: r.status === 'ready' ? r.fileSize : null,
    sha256: r.status === 'ready' ? r.fileSha256 : null,
    error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? '' } : null,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
    expiresAt: r.expiresAt,
  }
}

const userIdOf = (actor: Actor) => (actor as Extract<Actor, { kind: 'user' }>).userId

/** Asks for a new export; the job is queued with the record, and the request is audited (parameters only). */
export async function requestResearchExport(
  deps: ExportDeps,
  actor: Actor,
  slug: string,
  input: ExportRequest,
): Promise<ResearchExport> {
  const org = await resolveOrganisation(deps, actor, slug, 'analytics.read')
  const parsed = exportRequestSchema.safeParse(input)
  if (!parsed.success)
    throw new AppError('VALIDATION_FAILED', {
      message: parsed.error.issues[0]?.message ?? 'invalid export parameters',
      details: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })),
    })
  const params: ExportParams = parsed.data
  const id = deps.ids.next()
  const now = deps.clock.now().toISOString()
  const userId = userIdOf(actor)
  await deps.db.transaction().execute(async (tx) => {
    await insertExport(tx, { id, organisationId: org.id, requestedBy: userId, params, now })
    await deps.queue.enqueue(tx, RESEARCH_EXPORT_JOB, { exportId: id }, { maxAttempts: 2 })
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'research.export.requested',
      resourceType: 'research_export',
      resourceId: id,
      organisationId: org.id,
      summary: { ...params },
    })
  })
  return present((await findExport(deps.db, id)) as ExportRecord)
}

/** The organisation's exports, newest first. */
export async function listResearchExports(
  deps: ExportDeps,
  actor: Actor,
  slug: string,
): Promise<ResearchExportList> {
  const org = await resolveOrganisation(deps, actor, slug, 'analytics.read')
  return { exports: (await listExports(deps.db, org.id)).map(present), retentionDays: RETENTION_DAYS }
}

async function exportOf(deps: ExportDeps, actor: Actor, slug: string, id: string) {
  const org = await resolveOrganisation(deps, actor, slug, 'analytics.read')
  const record = await findExport(deps.db, id)
  // Another organisation's export is reported as missing, not as forbidden.
  if (!record || record.organisationId !== org.id)
    throw new AppError('EXPORT_NOT_FOUND', { message: `no research export ${id} in ${slug}` })
  return { org, record }
}

/** One export: status, progress, and once ready its size and tables. */
export async function getResearchExport(
  deps: ExportDeps,
  actor: Actor,
  slug: string,
  id: string,
): Promise<ResearchExport> {
  return present((await exportOf(deps, actor, slug, id)).record)
}

/** The codebook of the tables an export writes (the same entries codebook.csv holds). */
export async function getResearchCodebook(deps: ExportDeps, actor: Actor, slug: string): Promise<Codebook> {
  await resolveOrganisation(deps, actor, slug, 'analytics.read')
  return codebookOf(deps.tables ?? exportTables)
}

/** Opens a ready export's ZIP for download (the download is audited). */
export async function openResearchExport(
  deps: ExportDeps,
  actor: Actor,
  slug: string,
  id: string,
): Promise<OpenedBlob & { filename: string }> {
  const { org, record } = await exportOf(deps, actor, slug, id)
  const expired =
    record.status === 'expired' ||
    (record.expiresAt !== null && Date.parse(record.expiresAt) <= deps.clock.now().getTime())
  if (expired)
    throw new AppError('EXPORT_EXPIRED', {
      message: `the export's file was deleted after ${RETENTION_DAYS} days; request a new export`,
    })
  if (record.status !== 'ready' || !record.fileKey)
    throw new AppError('EXPORT_NOT_READY', {
      message:
        record.status === 'failed' ? 'the export failed; request a new one' : 'the export is not ready yet',
    })
  const file = await deps.storage.open(record.fileKey)
  if (!file) throw new AppError('EXPORT_EXPIRED', { message: "the export's file is no longer kept" })
  await deps.db.transaction().execute((tx) =>
    recordAudit(tx, deps, {
      actorId: userIdOf(actor),
      action: 'research.export.downloaded',
      resourceType: 'research_export',
      resourceId: record.id,
      organisationId: org.id,
      summary: { size: record.fileSize, sha256: record.fileSha256 },
    }),
  )
  const day = record.createdAt.slice(0, 10)
  return { ...file, filename: `rounds-research-${slug}-${day}-${record.id.slice(0, 8)}.zip` }
}

let versionsCache: Record<string, string> | null = null
/** Versions written to README.txt so a result can be traced to the code that made it. */
function versions(): Record<string, string> {
  if (!versionsCache) {
    const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as {
      version: string
      dependencies: Record<string, string>
    }
    versionsCache = {
      Rounds: pkg.version,
      'Export format': EXPORT_FORMAT_VERSION,
      'Node.js': process.versions.node,
      fflate: pkg.dependencies.fflate ?? 'unknown',
    }
  }
  return versionsCache
}

const startOfDay = (d: string) => Date.parse(`${d}T00:00:00.000Z`)
const endOfDay = (d: string) => startOfDay(d) + DAY - 1

/**
 * Builds an export (the `research.export` job): each table in turn with progress on the
 * record, the codebook and README, one ZIP into storage. The pseudonym key exists only in
 * this call. Idempotent: a ready, failed or expired export is left alone; a run cut short
 * (a crashed worker) starts again from the beginning with a new key.
 */
export async function runResearchExport(deps: ExportDeps, exportId: string): Promise<void> {
  const record = await findExport(deps.db, exportId)
  if (!record || (record.status !== 'queued' && record.status !== 'running')) return
  const now = () => deps.clock.now().toISOString()
  const tables = deps.tables ?? exportTables
  try {
    await setExportProgress(deps.db, exportId, {
      status: 'running',
      stage: 'reading items',
      progress: 2,
      now: now(),
    })
    const org = await findOrganisationById(deps.db, record.organisationId)
    if (!org) return
    const params = record.params
    const started = deps.clock.now()
    const until = new Date(
      Math.min(started.getTime(), params.to ? endOfDay(params.to) : Number.POSITIVE_INFINITY),
    )
    const from = params.from ? startOfDay(params.from) : Number.NEGATIVE_INFINITY
    const key = newPseudonymKey()
    const memo = new Map<string, Promise<unknown>>()
    const ctx: ExportContext = {
      db: deps.db,
      organisationId: record.organisationId,
      organisationSlug: org.slug,
      publicBaseUrl: deps.publicBaseUrl,
      params,
      until,
      pseudonym: (learnerId) => pseudonymFor(key, learnerId),
      period: (at) => coarsen(at, params.granularity),
      memo<T>(name: string, load: () => Promise<T>) {
        let got = memo.get(name)
        if (!got) {
          got = load()
          memo.set(name, got)
        }
        return got as Promise<T>
      },
      items: () =>
        ctx.memo('items', async (): Promise<ExportItem[]> => {
          const all = await listPublishedItems(deps.db, record.organisationId)
          return all.filter((i) => {
            const t = Date.parse(i.firstPublishedAt)
            return t >= from && t <= until.getTime()
          })
        }),
    }
    const files: Record<string, string> = {}
    const summaries = []
    for (const [i, table] of tables.entries()) {
      await setExportProgress(deps.db, exportId, {
        stage: `writing ${table.name}.csv`,
        progress: 5 + (85 * i) / tables.length,
        now: now(),
      })
      const produced = await table.rows(ctx)
      const declared = new Set(table.columns.map((c) => c.name))
      for (const row of produced.rows)
        for (const name of Object.keys(row))
          if (!declared.has(name)) throw new Error(`${table.name}: column ${name} is not in the codebook`)
      files[`${table.name}.csv`] = toCsv(table.columns, produced.rows)
      summaries.push(tableSummary(table, produced))
    }
    await setExportProgress(deps.db, exportId, { stage: 'packing the ZIP', progress: 92, now: now() })
    const codebook = codebookOf(tables)
    files['codebook.csv'] = codebookCsv(codebook)
    files['codebook.md'] = codebookMarkdown(codebook, params)
    files['README.txt'] = readmeText({
      organisationSlug: org.slug,
      params,
      generatedAt: started.toISOString(),
      until: until.toISOString(),
      tables: summaries,
      versions: versions(),
    })
    const zip = zipFiles(files, started)
    const fileKeyName = fileKey(exportId)
    await deps.storage.put(fileKeyName, zip)
    const done = deps.clock.now()
    await markExportReady(deps.db, exportId, {
      fileKey: fileKeyName,
      size: zip.byteLength,
      sha256: createHash('sha256').update(zip).digest('hex'),
      tables: summaries,
      now: done.toISOString(),
      expiresAt: new Date(done.getTime() + RETENTION_DAYS * DAY).toISOString(),
    })
  } catch (e) {
    // The reason stays in the log (with the export id only); the record says what a user can act on.
    deps.log.error({ exportId, err: e }, 'research export failed')
    await markExportFailed(deps.db, exportId, {
      code: 'EXPORT_FAILED',
      message: 'Rounds could not build this export. Try again; if it fails again, tell your administrator.',
      now: now(),
    })
  }
}

/** Deletes the files of exports past their retention period (the daily sweep). */
export async function sweepExpiredExports(deps: ExportDeps): Promise<number> {
  const expired = await listExpiredExports(deps.db, deps.clock.now())
  for (const r of expired) {
    if (r.fileKey) await deps.storage.delete(r.fileKey)
    await markExportExpired(deps.db, r.id, deps.clock.now().toISOString())
  }
  return expired.length
}
