import type { Finding, MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type {
  Derivative,
  Frame,
  MediaKind,
  RemovedMetadata,
  UploadStatus,
  VideoRedaction,
} from './media.schema.ts'

export type UploadRow = {
  id: string
  organisationId: string
  itemId: string
  uploadedBy: string | null
  kind: MediaKind
  filename: string
  mime: string | null
  size: number
  received: number
  status: UploadStatus
  stage: string
  progress: number
  error: { code: string; message: string } | null
  width: number | null
  height: number | null
  duration: number | null
  metadataRemoved: RemovedMetadata[]
  findings: Finding[]
  derivatives: Derivative[]
  frames: Frame[]
  /** Video: the sampled frames each text or face finding (by index) was seen in. */
  sightings: Record<number, Array<{ time: number; box: MediaBox }>>
  /** Video: seconds between regular samples. */
  interval: number | null
  redaction: VideoRedaction | null
  createdAt: string
  updatedAt: string
  screenedAt: string | null
}

/**
 * The `derivatives` column: the files made, the frame strip and, for a video, where each
 * finding was seen and the state of its redaction job.
 */
export type Stored = {
  derivatives: Derivative[]
  frames: Frame[]
  sightings?: Record<number, Array<{ time: number; box: MediaBox }>>
  interval?: number
  redaction?: VideoRedaction | null
}

/** The stored document of a row, for a write that changes part of it. */
export function storedOf(u: UploadRow): Stored {
  return {
    derivatives: u.derivatives,
    frames: u.frames,
    ...(Object.keys(u.sightings).length ? { sightings: u.sightings } : {}),
    ...(u.interval !== null ? { interval: u.interval } : {}),
    ...(u.redaction ? { redaction: u.redaction } : {}),
  }
}

function mapUpload(r: {
  id: string
  organisation_id: string
  item_id: string
  uploaded_by: string | null
  kind: string
  filename: string
  mime: string | null
  size: number | string
  received: number | string
  status: string
  stage: string
  progress: number
  error_code: string | null
  error_message: string | null
  width: number | null
  height: number | null
  duration: number | null
  metadata: string
  findings: string
  derivatives: string
  created_at: Date | string
  updated_at: Date | string
  screened_at: Date | string | null
}): UploadRow {
  const stored = JSON.parse(r.derivatives) as Stored
  return {
    id: r.id,
    organisationId: r.organisation_id,
    itemId: r.item_id,
    uploadedBy: r.uploaded_by,
    kind: r.kind as MediaKind,
    filename: r.filename,
    mime: r.mime,
    size: Number(r.size),
    received: Number(r.received),
    status: r.status as UploadStatus,
    stage: r.stage,
    progress: r.progress,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    width: r.width,
    height: r.height,
    duration: r.duration === null ? null : Number(r.duration),
    metadataRemoved: JSON.parse(r.metadata) as RemovedMetadata[],
    findings: JSON.parse(r.findings) as Finding[],
    derivatives: stored.derivatives,
    frames: stored.frames,
    sightings: stored.sightings ?? {},
    interval: stored.interval ?? null,
    redaction: stored.redaction ?? null,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
    screenedAt: r.screened_at === null ? null : toIso(r.screened_at),
  }
}

export async function insertUpload(
  db: Executor,
  u: {
    id: string
    organisationId: string
    itemId: string
    uploadedBy: string
    kind: MediaKind
    filename: string
    size: number
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('media_upload')
    .values({
      id: u.id,
      organisation_id: u.organisationId,
      item_id: u.itemId,
      uploaded_by: u.uploadedBy,
      kind: u.kind,
      filename: u.filename,
      mime: null,
      size: u.size,
      received: 0,
      status: 'receiving',
      stage: 'receiving',
      progress: 0,
      error_code: null,
      error_message: null,
      width: null,
      height: null,
      duration: null,
      metadata: '[]',
      findings: '[]',
      derivatives: JSON.stringify({ derivatives: [], frames: [] } satisfies Stored),
      created_at: u.createdAt,
      updated_at: u.createdAt,
      screened_at: null,
    })
    .execute()
}

export async function findUpload(db: Executor, id: string): Promise<UploadRow | null> {
  const r = await db.selectFrom('media_upload').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? mapUpload(r) : null
}

export async function listUploads(db: Executor, itemId: string): Promise<UploadRow[]> {
  const rows = await db
    .selectFrom('media_upload')
    .selectAll()
    .where('item_id', '=', itemId)
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map(mapUpload)
}

export async function listUploadsByIds(db: Executor, ids: readonly string[]): Promise<UploadRow[]> {
  if (ids.length === 0) return []
  const rows = await db
    .selectFrom('media_upload')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute()
  return rows.map(mapUpload)
}

/** Records bytes received, only if nobody else moved the offset meanwhile. */
export async function advanceReceived(
  db: Executor,
  id: string,
  from: number,
  to: number,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('media_upload')
    .set({ received: to, updated_at: at })
    .where('id', '=', id)
    .where('received', '=', from)
    .where('status', '=', 'receiving')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

export async function setUploadStatus(
  db: Executor,
  id: string,
  change: {
    status: UploadStatus
    stage: string
    progress: number
    at: string
    /** Only when the row is still in one of these states (a compare-and-set). */
    from?: UploadStatus[]
    mime?: string | null
    error?: { code: string; message: string } | null
    width?: number | null
    height?: number | null
    duration?: number | null
    metadataRemoved?: RemovedMetadata[]
    findings?: Finding[]
    derivatives?: Stored
    screenedAt?: string | null
  },
): Promise<boolean> {
  let q = db
    .updateTable('media_upload')
    .set({
      status: change.status,
      stage: change.stage,
      progress: change.progress,
      updated_at: change.at,
      ...(change.mime !== undefined ? { mime: change.mime } : {}),
      ...(change.error !== undefined
        ? { error_code: change.error?.code ?? null, error_message: change.error?.message ?? null }
        : {}),
      ...(change.width !== undefined ? { width: change.width } : {}),
      ...(change.height !== undefined ? { height: change.height } : {}),
      ...(change.duration !== undefined ? { duration: change.duration } : {}),
      ...(change.metadataRemoved !== undefined ? { metadata: JSON.stringify(change.metadataRemoved) } : {}),
      ...(change.findings !== undefined ? { findings: JSON.stringify(change.findings) } : {}),
      ...(change.derivatives !== undefined ? { derivatives: JSON.stringify(change.derivatives) } : {}),
      ...(change.screenedAt !== undefined ? { screened_at: change.screenedAt } : {}),
    })
    .where('id', '=', id)
  if (change.from) q = q.where('status', 'in', change.from)
  const r = await q.executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Progress while screening: stage and percentage only. */
export async function setUploadProgress(
  db: Executor,
  id: string,
  stage: string,
  progress: number,
  at: string,
): Promise<void> {
  await db
    .updateTable('media_upload')
    .set({ stage, progress: Math.max(0, Math.min(100, Math.round(progress))), updated_at: at })
    .where('id', '=', id)
    .where('status', '=', 'screening')
    .execute()
}

/** Replaces the stored document (derivatives, frames, sightings, redaction). */
export async function setDerivatives(db: Executor, id: string, stored: Stored, at: string): Promise<void> {
  await db
    .updateTable('media_upload')
    .set({ derivatives: JSON.stringify(stored), updated_at: at })
    .where('id', '=', id)
    .execute()
}

/**
 * Changes a video's redaction state, keeping the rest of the stored document. Only the
 * redaction job and the request that queues it write it (the request refuses while a job is
 * queued or working). False when the upload is gone.
 */
export async function setRedaction(
  db: Executor,
  id: string,
  change: (current: VideoRedaction | null) => VideoRedaction,
  at: string,
  derivatives?: Derivative[],
): Promise<boolean> {
  const row = await findUpload(db, id)
  if (!row) return false
  const stored = storedOf(row)
  stored.redaction = change(row.redaction)
  if (derivatives) stored.derivatives = derivatives
  await setDerivatives(db, id, stored, at)
  return true
}

export async function deleteUpload(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('media_upload').where('id', '=', id).execute()
}

/** Whether the user holds a live (not declined) review assignment on the item. */
export async function isAssignedReviewer(db: Executor, itemId: string, userId: string): Promise<boolean> {
  const r = await db
    .selectFrom('review_assignment as a')
    .innerJoin('review_round as r', 'r.id', 'a.round_id')
    .select('a.id')
    .where('r.item_id', '=', itemId)
    .where('a.reviewer_id', '=', userId)
    .where('a.status', '!=', 'declined')
    .executeTakeFirst()
  return r !== undefined
}

/** Uploads still receiving whose last chunk is older than `before` (abandoned by their client). */
export async function listStaleReceiving(db: Executor, before: string): Promise<UploadRow[]> {
  const rows = await db
    .selectFrom('media_upload')
    .selectAll()
    .where('status', '=', 'receiving')
    .where('updated_at', '<', before)
    .execute()
  return rows.map(mapUpload)
}

/** How many files an item holds (everything but refused uploads). */
export async function countLiveUploads(db: Executor, itemId: string): Promise<number> {
  const r = await db
    .selectFrom('media_upload')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('item_id', '=', itemId)
    .where('status', '!=', 'rejected')
    .executeTakeFirstOrThrow()
  return Number(r.n)
}
