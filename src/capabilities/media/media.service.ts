import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { findItem, type ItemRow } from '#src/capabilities/content/content.repository.ts'
import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import { applyItemTransition, updateItem } from '#src/capabilities/content/content.service.ts'
import { isEditable } from '#src/capabilities/content/content.state.ts'
import type { Finding } from '#src/capabilities/screening/screening.schema.ts'
import { currentPolicy } from '#src/capabilities/screening/screening.service.ts'
import type { MediaConfig } from '#src/platform/config.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError, isAppError } from '#src/platform/errors.ts'
import { unionBox } from './analyse/image-text.ts'
import { mergeSightings } from './analyse/video-spans.ts'
import type { MediaAnalysers, RedactRegion, VideoResult } from './media.analysers.ts'
import { fileNameFindings } from './media.filename.ts'
import { checkImageHeader, sanitiseImage } from './media.image.ts'
import {
  advanceReceived,
  countLiveUploads,
  deleteUpload as deleteUploadRow,
  findUpload,
  insertUpload,
  isAssignedReviewer,
  listStaleReceiving,
  listUploads,
  setDerivatives,
  setRedaction,
  setUploadProgress,
  setUploadStatus,
  storedOf,
  type UploadRow,
} from './media.repository.ts'
import {
  type Derivative,
  type DerivativeName,
  type Frame,
  type RedactionSpan,
  type RedactRequest,
  redactRequestSchema,
  type Upload,
  type UploadCreate,
  uploadCreateSchema,
  type VideoRedaction,
} from './media.schema.ts'
import { checkHead } from './media.sniff.ts'
import type { ByteRange, MediaStorage, OpenedBlob } from './storage.ts'

export type MediaDeps = AccountsDeps & {
  storage: MediaStorage
  media: MediaConfig
  analysers: MediaAnalysers
}

export const SCREEN_UPLOAD_JOB = 'media.screen'
export const EXPIRE_UPLOADS_JOB = 'media.expire-abandoned'
export const REDACT_VIDEO_JOB = 'media.redact-video'
/** Attempts before a video redaction that keeps failing is reported as failed. */
export const REDACT_VIDEO_ATTEMPTS = 2
/** An item's media slots are limited to 20 (content.schema.ts). */
export const MAX_FILES_PER_ITEM = 20
/** An upload that has received nothing for this long is abandoned: its chunks are deleted. */
export const ABANDONED_AFTER_MS = 24 * 60 * 60 * 1000
/** Attempts before an upload whose screening keeps failing is refused. */
export const SCREEN_UPLOAD_ATTEMPTS = 3

type UserActor = Extract<Actor, { kind: 'user' }>

const keys = {
  part: (id: string, offset: number) => `${id}/parts/${String(offset).padStart(15, '0')}`,
  parts: (id: string) => `${id}/parts/`,
  folder: (id: string) => `${id}/`,
  derivative: (id: string, name: DerivativeName) => `${id}/${name}`,
  frame: (id: string, index: number) => `${id}/frames/${String(index).padStart(5, '0')}.jpg`,
}

// ── access ───────────────────────────────────────────────────────────────────────────────

/**
 * Loads the item and checks access. 'write': the item's author, while the item can be
 * edited. 'read': its author, the organisation's editors, and reviewers assigned to it.
 * Outsiders learn nothing (ITEM_NOT_FOUND).
 */
async function loadItem(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  access: 'read' | 'write',
): Promise<{ user: UserActor; item: ItemRow }> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const user = actor as UserActor
  const item = await findItem(deps.db, itemId)
  if (!item || item.organisationId !== org.id)
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
  const resource = { organisationId: org.id }
  const isAuthor = item.authorId === user.userId
  if (access === 'write') {
    if (!isAuthor || !can(user, 'content.create', resource))
      throw new AppError('FORBIDDEN', { message: "only the item's author may change its media" })
    if (!isEditable(item.state))
      throw new AppError('ILLEGAL_TRANSITION', {
        message: `cannot change the media of an item that is ${item.state.replace('_', ' ')}`,
        details: { state: item.state, event: 'edit' },
      })
  } else if (
    !isAuthor &&
    !can(user, 'review.manage', resource) &&
    !(await isAssignedReviewer(deps.db, item.id, user.userId))
  )
    throw new AppError('FORBIDDEN', { message: "you may not see this item's media" })
  return { user, item }
}

async function loadUpload(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
  access: 'read' | 'write',
): Promise<{ user: UserActor; item: ItemRow; upload: UploadRow }> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, access)
  const upload = await findUpload(deps.db, uploadId)
  if (!upload || upload.itemId !== item.id)
    throw new AppError('UPLOAD_NOT_FOUND', { message: `item ${itemId} has no upload ${uploadId}` })
  return { user, item, upload }
}

/** Whether a consent record on the item names this upload. */
export function consentCovers(fields: Pick<ItemFields, 'consents'>, uploadId: string): boolean {
  return fields.consents.some((c) => c.fileId === uploadId)
}

function present(deps: MediaDeps, upload: UploadRow, item: ItemRow): Upload {
  return {
    id: upload.id,
    itemId: upload.itemId,
    kind: upload.kind,
    filename: upload.filename,
    mime: upload.mime,
    size: upload.size,
    received: upload.received,
    status: upload.status,
    stage: upload.stage,
    progress: upload.progress,
    error: upload.error,
    width: upload.width,
    height: upload.height,
    duration: upload.duration,
    metadataRemoved: upload.metadataRemoved,
    findings: upload.findings,
    derivatives: upload.derivatives,
    frames: upload.frames,
    consented: consentCovers(item.fields, upload.id),
    redaction: upload.redaction,
    chunkBytes: deps.media.chunkBytes,
    createdAt: upload.createdAt,
    updatedAt: upload.updatedAt,
    screenedAt: upload.screenedAt,
  }
}

const audit = (
  tx: Executor,
  deps: MediaDeps,
  actorId: string | null,
  action: string,
  upload: { id: string; itemId: string; organisationId: string },
  summary: Record<string, unknown>,
) =>
  recordAudit(tx, deps, {
    actorId,
    action,
    resourceType: 'media_upload',
    resourceId: upload.id,
    organisationId: upload.organisationId,
    summary: { itemId: upload.itemId, ...summary },
  })

// ── receiving ────────────────────────────────────────────────────────────────────────────

/**
 * Opens an upload on an item (its author, while editable): the declared size must be within
 * the limit for the declared kind. The bytes follow in chunks (appendChunk).
 */
export async function createUpload(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  input: UploadCreate,
): Promise<Upload> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'write')
  const parsed = uploadCreateSchema.parse(input)
  const limit = deps.media.maxBytes[parsed.kind]
  if (parsed.size > limit)
    throw new AppError('PAYLOAD_TOO_LARGE', {
      message: `${parsed.kind} files are limited to ${formatBytes(limit)}; this one is ${formatBytes(parsed.size)}`,
      details: { limit, size: parsed.size },
    })
  if ((await countLiveUploads(deps.db, item.id)) >= MAX_FILES_PER_ITEM)
    throw new AppError('CONFLICT', {
      message: `an item holds at most ${MAX_FILES_PER_ITEM} files; remove one first`,
      details: { limit: MAX_FILES_PER_ITEM },
    })
  const id = deps.ids.next()
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    await insertUpload(tx, {
      id,
      organisationId: item.organisationId,
      itemId: item.id,
      uploadedBy: user.userId,
      kind: parsed.kind,
      filename: parsed.filename,
      size: parsed.size,
      createdAt: at,
    })
    await audit(
      tx,
      deps,
      user.userId,
      'media.upload_started',
      { id, itemId: item.id, organisationId: item.organisationId },
      {
        kind: parsed.kind,
        size: parsed.size,
      },
    )
  })
  return present(deps, (await findUpload(deps.db, id)) as UploadRow, item)
}

/**
 * Stores one chunk at `offset`, which must equal the bytes received so far (a client that
 * lost track asks with getUpload and resumes from `received`). The chunk that completes the
 * file triggers its checks: type by content, name consistent, image header sane. A file that
 * fails them is refused with a clear error and its bytes are deleted at once.
 */
export async function appendChunk(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
  offset: number,
  readChunk: () => Promise<Uint8Array>,
): Promise<Upload> {
  const { user, item, upload } = await loadUpload(deps, actor, slug, itemId, uploadId, 'write')
  if (upload.status !== 'receiving')
    throw new AppError('UPLOAD_CLOSED', {
      message: `the upload is ${upload.status}; it takes no more bytes`,
      details: { status: upload.status },
    })
  if (offset !== upload.received)
    throw new AppError('UPLOAD_OFFSET_MISMATCH', {
      message: `the server has ${upload.received} bytes of this file; send from there`,
      details: { received: upload.received },
    })
  const chunk = await readChunk()
  if (chunk.byteLength === 0) throw new AppError('VALIDATION_FAILED', { message: 'the chunk is empty' })
  if (offset + chunk.byteLength > upload.size)
    throw new AppError('VALIDATION_FAILED', {
      message: `the chunk runs past the declared size of ${upload.size} bytes`,
      details: { size: upload.size, received: upload.received },
    })
  const key = keys.part(upload.id, offset)
  await deps.storage.quarantine.put(key, chunk)
  const to = offset + chunk.byteLength
  const moved = await advanceReceived(deps.db, upload.id, offset, to, deps.clock.now().toISOString())
  if (!moved) {
    await deps.storage.quarantine.delete(key)
    const now = await findUpload(deps.db, upload.id)
    throw new AppError('UPLOAD_OFFSET_MISMATCH', {
      message: 'another request sent bytes at the same time; resume from the offset the server has',
      details: { received: now?.received ?? 0 },
    })
  }
  if (to === upload.size) await finalise(deps, user, item, { ...upload, received: to })
  const row = (await findUpload(deps.db, upload.id)) as UploadRow
  return present(deps, row, (await findItem(deps.db, item.id)) as ItemRow)
}

async function workDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'rounds-media-'))
}

/** Concatenates the stored chunks, in order, into one local file. */
async function assemble(deps: MediaDeps, upload: UploadRow, path: string): Promise<void> {
  const parts = await deps.storage.quarantine.list(keys.parts(upload.id))
  const out = await open(path, 'w', 0o600)
  try {
    let expected = 0
    for (const key of parts) {
      const offset = Number(key.slice(key.lastIndexOf('/') + 1))
      if (offset !== expected)
        throw new Error(`upload ${upload.id}: chunk at ${offset}, expected ${expected}`)
      const bytes = await deps.storage.quarantine.get(key)
      if (!bytes) throw new Error(`upload ${upload.id}: chunk ${key} vanished`)
      await out.write(bytes)
      expected += bytes.byteLength
    }
    if (expected !== upload.size) throw new Error(`upload ${upload.id}: ${expected} of ${upload.size} bytes`)
  } finally {
    await out.close()
  }
}

/** Refuses an upload: its bytes (quarantine and any derivatives) are deleted, the reason kept. */
async function reject(
  deps: MediaDeps,
  upload: UploadRow,
  error: AppError,
  actorId: string | null,
): Promise<void> {
  await deps.storage.quarantine.deletePrefix(keys.folder(upload.id))
  await deps.storage.derivatives.deletePrefix(keys.folder(upload.id))
  await deps.db.transaction().execute(async (tx) => {
    await setUploadStatus(tx, upload.id, {
      status: 'rejected',
      stage: 'refused',
      progress: 100,
      at: deps.clock.now().toISOString(),
      error: { code: error.code, message: error.message },
      findings: [],
      derivatives: { derivatives: [], frames: [] },
    })
    await audit(tx, deps, actorId, 'media.upload_rejected', upload, { code: error.code })
  })
}

/**
 * The checks that answer the last chunk at once, from the file's head (its first chunk): the
 * type by content, the name and kind agreeing and, for an image that came in one chunk, its
 * declared dimensions. Captions (small) are read whole. Assembling a large file and decoding it
 * is left to the screening job, so the request stays short however big the file.
 */
async function finalise(deps: MediaDeps, user: UserActor, item: ItemRow, upload: UploadRow): Promise<void> {
  const parts = await deps.storage.quarantine.list(keys.parts(upload.id))
  const first = parts[0] ? await deps.storage.quarantine.get(parts[0]) : null
  if (!first) throw new Error(`upload ${upload.id}: no chunks stored`)
  let sniffed: Awaited<ReturnType<typeof checkHead>>
  let captions: string | null = null
  try {
    sniffed = await checkHead(first.subarray(0, 4100), upload.filename, upload.kind)
    if (sniffed.kind === 'image' && parts.length === 1) await checkImageHeader(first, deps.media.maxPixels)
    if (sniffed.kind === 'captions') captions = decodeCaptions(await readParts(deps, parts))
  } catch (e) {
    if (!isAppError(e)) throw e
    await reject(deps, upload, e, user.userId)
    throw e
  }
  if (captions !== null) {
    // Captions are text: they become the item's captions and are screened cue by cue with
    // the rest of its text. Nothing of the file is kept.
    await updateItem(deps, user, null, item.id, { captions })
    await deps.storage.quarantine.deletePrefix(keys.folder(upload.id))
    await deps.db.transaction().execute(async (tx) => {
      await setUploadStatus(tx, upload.id, {
        status: 'ready',
        stage: 'captions added to the item',
        progress: 100,
        at: deps.clock.now().toISOString(),
        mime: sniffed.mime,
        screenedAt: deps.clock.now().toISOString(),
      })
      await audit(tx, deps, user.userId, 'media.upload_completed', upload, { kind: 'captions' })
    })
    return
  }
  await deps.db.transaction().execute(async (tx) => {
    await setUploadStatus(tx, upload.id, {
      status: 'quarantined',
      stage: 'waiting for screening',
      progress: 0,
      at: deps.clock.now().toISOString(),
      mime: sniffed.mime,
      from: ['receiving'],
    })
    await audit(tx, deps, user.userId, 'media.upload_completed', upload, {
      kind: sniffed.kind,
      mime: sniffed.mime,
    })
    await deps.queue.enqueue(
      tx,
      SCREEN_UPLOAD_JOB,
      { uploadId: upload.id },
      { maxAttempts: SCREEN_UPLOAD_ATTEMPTS },
    )
  })
  // The file takes a slot on the item (the slot id is the upload id), so the item's
  // content hash, versions and submission account for it.
  const fresh = (await findItem(deps.db, item.id)) as ItemRow
  if (!fresh.fields.media.some((m) => m.id === upload.id))
    await updateItem(deps, user, null, item.id, {
      media: [...fresh.fields.media, { id: upload.id, kind: sniffed.kind === 'video' ? 'video' : 'image' }],
    })
}

async function readParts(deps: MediaDeps, parts: string[]): Promise<Buffer> {
  const chunks: Buffer[] = []
  for (const key of parts) {
    const bytes = await deps.storage.quarantine.get(key)
    if (!bytes) throw new Error(`chunk ${key} vanished`)
    chunks.push(bytes)
  }
  return Buffer.concat(chunks)
}

function decodeCaptions(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '')
  } catch {
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'the captions file is not UTF-8 text; save it as UTF-8 and upload again',
    })
  }
}

// ── reading ──────────────────────────────────────────────────────────────────────────────

export async function listItemUploads(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Upload[]> {
  const { item } = await loadItem(deps, actor, slug, itemId, 'read')
  return (await listUploads(deps.db, item.id)).map((u) => present(deps, u, item))
}

export async function getUpload(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
): Promise<Upload> {
  const { item, upload } = await loadUpload(deps, actor, slug, itemId, uploadId, 'read')
  return present(deps, upload, item)
}

/**
 * A derivative as a stream, whole or a byte range (videos are seeked). Never the original:
 * quarantine is not served.
 */
export async function openDerivative(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
  name: DerivativeName,
  range?: ByteRange,
): Promise<OpenedBlob & { mime: string }> {
  const { upload } = await loadUpload(deps, actor, slug, itemId, uploadId, 'read')
  const d = upload.derivatives.find((x) => x.name === name)
  const opened = d ? await deps.storage.derivatives.open(keys.derivative(upload.id, name), range) : null
  if (!d || !opened) throw new AppError('NOT_FOUND', { message: `upload ${uploadId} has no ${name} file` })
  return { ...opened, mime: d.mime }
}

/**
 * The file published for an upload: the redacted image or video when one was made (a video's
 * exists only once its redaction job has finished), otherwise the sanitised file. No permission check: public pages call it only for media of an item's
 * published version.
 */
function publishedDerivative(upload: NonNullable<Awaited<ReturnType<typeof findUpload>>>) {
  return (
    upload.derivatives.find((x) => x.name === 'redacted') ??
    upload.derivatives.find((x) => x.name === 'sanitised')
  )
}

export async function readPublishedMedia(
  deps: Pick<MediaDeps, 'db' | 'storage'>,
  itemId: string,
  uploadId: string,
): Promise<{ data: Buffer; mime: string } | null> {
  const upload = await findUpload(deps.db, uploadId)
  if (!upload || upload.itemId !== itemId) return null
  const d = publishedDerivative(upload)
  const data = d ? await deps.storage.derivatives.get(keys.derivative(upload.id, d.name)) : null
  return d && data ? { data, mime: d.mime } : null
}

/** The same file as readPublishedMedia, as a stream, whole or a byte range (players seek videos). */
export async function openPublishedMedia(
  deps: Pick<MediaDeps, 'db' | 'storage'>,
  itemId: string,
  uploadId: string,
  range?: ByteRange,
): Promise<(OpenedBlob & { mime: string }) | null> {
  const upload = await findUpload(deps.db, uploadId)
  if (!upload || upload.itemId !== itemId) return null
  const d = publishedDerivative(upload)
  const opened = d ? await deps.storage.derivatives.open(keys.derivative(upload.id, d.name), range) : null
  return d && opened ? { ...opened, mime: d.mime } : null
}

export async function readFrame(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
  index: number,
): Promise<Buffer> {
  const { upload } = await loadUpload(deps, actor, slug, itemId, uploadId, 'read')
  const data = upload.frames.some((f) => f.index === index)
    ? await deps.storage.derivatives.get(keys.frame(upload.id, index))
    : null
  if (!data) throw new AppError('NOT_FOUND', { message: `upload ${uploadId} has no frame ${index}` })
  return data
}

/** Deletes an upload, its bytes everywhere and its slot on the item (its author, while editable). */
export async function removeUpload(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
): Promise<void> {
  const { user, item, upload } = await loadUpload(deps, actor, slug, itemId, uploadId, 'write')
  if (item.fields.media.some((m) => m.id === upload.id))
    await updateItem(deps, user, null, item.id, {
      media: item.fields.media.filter((m) => m.id !== upload.id),
    })
  await deps.storage.quarantine.deletePrefix(keys.folder(upload.id))
  await deps.storage.derivatives.deletePrefix(keys.folder(upload.id))
  await deps.db.transaction().execute(async (tx) => {
    await deleteUploadRow(tx, upload.id)
    await audit(tx, deps, user.userId, 'media.upload_deleted', upload, { status: upload.status })
  })
}

// ── redaction ────────────────────────────────────────────────────────────────────────────

/**
 * Makes the redacted derivative: the sanitised image with the chosen findings' boxes filled
 * (text) or blurred (faces, unless asked to fill). The findings it covers no longer block.
 */
export async function redactUpload(
  deps: MediaDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  uploadId: string,
  input: RedactRequest,
): Promise<Upload> {
  const { user, item, upload } = await loadUpload(deps, actor, slug, itemId, uploadId, 'write')
  const request = redactRequestSchema.parse(input)
  // (Editable states only; in an approved or scheduled item, redacting voids the approval below.)
  if (upload.status !== 'ready')
    throw new AppError('CONFLICT', {
      message: `the upload is ${upload.status}; redact it once screening is done`,
    })
  if (upload.kind === 'video') return startVideoRedaction(deps, user, item, upload, request)
  const sanitised = upload.derivatives.find((d) => d.name === 'sanitised')
  if (!sanitised?.mime.startsWith('image/'))
    throw new AppError('CONFLICT', { message: 'only images and scans can be redacted here' })
  const chosen = request.findings ?? upload.findings.map((f, i) => (f.box ? i : -1)).filter((i) => i >= 0)
  const regions: RedactRegion[] = []
  for (const i of chosen) {
    const f = upload.findings[i]
    if (!f?.box)
      throw new AppError('FINDING_NOT_FOUND', {
        message: `the upload has no finding ${i} with a region to redact`,
      })
    regions.push({ box: f.box, mode: f.category === 'photo' && request.faces === 'blur' ? 'blur' : 'fill' })
  }
  if (regions.length === 0) throw new AppError('VALIDATION_FAILED', { message: 'there is nothing to redact' })
  const source = await deps.storage.derivatives.get(keys.derivative(upload.id, 'sanitised'))
  if (!source) throw new AppError('NOT_FOUND', { message: 'the sanitised image is missing' })
  const data = await deps.analysers.redact(source, regions)
  await deps.storage.derivatives.put(keys.derivative(upload.id, 'redacted'), data)
  const redacted: Derivative = {
    name: 'redacted',
    mime: sanitised.mime,
    size: data.byteLength,
    width: sanitised.width,
    height: sanitised.height,
    covers: [...new Set(chosen)].sort((a, b) => a - b),
  }
  const derivatives = [...upload.derivatives.filter((d) => d.name !== 'redacted'), redacted]
  await deps.db.transaction().execute(async (tx) => {
    await setDerivatives(tx, upload.id, { ...storedOf(upload), derivatives }, deps.clock.now().toISOString())
    await audit(tx, deps, user.userId, 'media.redacted', upload, { regions: regions.length })
    // The redacted file is what gets published: changing it after approval is an edit, which
    // voids the approval like any other (the item goes back to changes requested).
    if (item.state === 'approved' || item.state === 'scheduled')
      await applyItemTransition(tx, deps, item.id, 'edit', user.userId)
  })
  return present(deps, (await findUpload(deps.db, upload.id)) as UploadRow, item)
}

/** Where a video finding was seen: its sightings, or the one frame it names. */
function sightingsOf(
  upload: UploadRow,
  index: number,
): Array<{ time: number; box: NonNullable<Finding['box']> }> {
  const f = upload.findings[index]
  const stored = upload.sightings[index]
  if (stored?.length) return stored
  return f?.box ? [{ time: f.time ?? 0, box: f.box }] : []
}

/**
 * The spans a video redaction covers: for each chosen finding, the sampled frames its region
 * was seen in merged into spans and padded by the sampling interval (mergeSightings).
 */
export function videoRedactionSpans(
  upload: Pick<UploadRow, 'findings' | 'sightings' | 'interval' | 'duration'>,
  chosen: readonly number[],
  faces: 'blur' | 'fill',
): RedactionSpan[] {
  const spans: RedactionSpan[] = []
  for (const i of chosen) {
    const f = upload.findings[i]
    const mode = f?.category === 'photo' && faces === 'blur' ? 'blur' : 'fill'
    const seen = sightingsOf(upload as UploadRow, i)
    for (const span of mergeSightings(seen, {
      interval: upload.interval ?? 2,
      duration: upload.duration ?? 0,
    }))
      spans.push({ finding: i, mode, ...span })
  }
  return spans.sort((a, b) => a.start - b.start || a.finding - b.finding)
}

/**
 * Queues the redaction of a video (the `media.redact-video` job): the chosen findings'
 * regions covered for the time they are on screen. The answer shows the job queued; its
 * stage and progress are on the upload (`redaction`) while it runs.
 */
async function startVideoRedaction(
  deps: MediaDeps,
  user: UserActor,
  item: ItemRow,
  upload: UploadRow,
  request: ReturnType<typeof redactRequestSchema.parse>,
): Promise<Upload> {
  if (!deps.analysers.redactVideo)
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'videos cannot be redacted on this server' })
  if (!upload.derivatives.some((d) => d.name === 'sanitised'))
    throw new AppError('NOT_FOUND', { message: 'the video without its metadata is missing' })
  if (upload.redaction && (upload.redaction.status === 'queued' || upload.redaction.status === 'working'))
    throw new AppError('CONFLICT', {
      message: 'a redaction of this video is already running; wait for it to finish',
      details: { status: upload.redaction.status },
    })
  const chosen = [
    ...new Set(request.findings ?? upload.findings.map((f, i) => (f.box ? i : -1)).filter((i) => i >= 0)),
  ].sort((a, b) => a - b)
  for (const i of chosen)
    if (!upload.findings[i]?.box)
      throw new AppError('FINDING_NOT_FOUND', {
        message: `the upload has no finding ${i} with a region to redact`,
      })
  if (chosen.length === 0) throw new AppError('VALIDATION_FAILED', { message: 'there is nothing to redact' })
  const at = deps.clock.now().toISOString()
  const redaction: VideoRedaction = {
    status: 'queued',
    stage: 'waiting to start',
    progress: 0,
    findings: chosen,
    faces: request.faces,
    spans: videoRedactionSpans(upload, chosen, request.faces),
    error: null,
    check: null,
    requestedAt: at,
    finishedAt: null,
  }
  await deps.db.transaction().execute(async (tx) => {
    await setRedaction(tx, upload.id, () => redaction, at)
    await audit(tx, deps, user.userId, 'media.redaction_started', upload, {
      findings: chosen.length,
      spans: redaction.spans.length,
    })
    await deps.queue.enqueue(
      tx,
      REDACT_VIDEO_JOB,
      { uploadId: upload.id },
      { maxAttempts: REDACT_VIDEO_ATTEMPTS },
    )
  })
  return present(deps, (await findUpload(deps.db, upload.id)) as UploadRow, item)
}

/**
 * Writes the redacted copy of a video (the `media.redact-video` job): the sanitised video
 * re-encoded with the spans covered, no metadata and the audio kept, then read again by OCR
 * where it was redacted. It becomes the `redacted` derivative (what is published); findings
 * whose text OCR still reads are reported in `redaction.check` and are not covered. A
 * redaction of an upload deleted meanwhile is dropped.
 */
export async function redactVideoUpload(
  deps: MediaDeps,
  uploadId: string,
  job: { attempt: number; signal: AbortSignal },
): Promise<void> {
  const upload = await findUpload(deps.db, uploadId)
  const redaction = upload?.redaction
  if (!upload || !redaction || (redaction.status !== 'queued' && redaction.status !== 'working')) return
  const now = () => deps.clock.now().toISOString()
  const update = (change: Partial<VideoRedaction>, derivatives?: Derivative[]) =>
    setRedaction(
      deps.db,
      upload.id,
      (current) => ({ ...(current ?? redaction), ...change }),
      now(),
      derivatives,
    )
  await update({ status: 'working', stage: 'starting', progress: 1 })
  const dir = await workDir()
  try {
    if (!deps.analysers.redactVideo)
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'videos cannot be redacted on this server' })
    const input = join(dir, 'sanitised')
    const output = join(dir, 'redacted.mp4')
    if (!(await deps.storage.derivatives.getToFile(keys.derivative(upload.id, 'sanitised'), input)))
      throw new AppError('NOT_FOUND', { message: 'the video without its metadata is missing' })
    const targets = redaction.findings
      .filter((i) => upload.findings[i]?.category === 'photo' || upload.findings[i]?.text)
      .map((i) => ({
        finding: i,
        ...(upload.findings[i]?.category === 'photo' ? { face: true } : {}),
        text: upload.findings[i]?.category === 'photo' ? '' : (upload.findings[i]?.text ?? ''),
        times: sightingsOf(upload, i).map((s) => s.time),
        // Where it was seen: the finding's box and every sighting's.
        box: unionBox([
          ...(upload.findings[i]?.box ? [upload.findings[i]?.box as NonNullable<Finding['box']>] : []),
          ...sightingsOf(upload, i).map((s) => s.box),
        ]) as NonNullable<Finding['box']>,
      }))
    let last = 0
    // Progress arrives from ffmpeg's output without waiting for the last write: the writes
    // are chained, so none overtakes another or lands after the result below.
    let writes: Promise<unknown> = Promise.resolve()
    const result = await deps.analysers.redactVideo(
      input,
      output,
      { spans: redaction.spans, targets },
      {
        signal: job.signal,
        progress: (fraction, stage) => {
          const progress = Math.max(1, Math.min(99, Math.round(2 + fraction * 97)))
          if (progress === last && !stage) return writes.then(() => {})
          last = progress
          writes = writes.then(() => update({ progress, ...(stage ? { stage } : {}) })).catch(() => {})
          return writes.then(() => {})
        },
      },
    )
    await writes
    await deps.storage.derivatives.putFile(keys.derivative(upload.id, 'redacted'), output)
    const still = new Set(result.check.stillReadable.map((s) => s.finding))
    const fresh = await findUpload(deps.db, upload.id)
    if (!fresh) {
      await deps.storage.derivatives.deletePrefix(keys.folder(upload.id))
      return
    }
    const derivative: Derivative = {
      name: 'redacted',
      mime: 'video/mp4',
      size: (await stat(output)).size,
      width: result.width,
      height: result.height,
      covers: redaction.findings.filter((i) => !still.has(i)),
    }
    const item = await findItem(deps.db, upload.itemId)
    await deps.db.transaction().execute(async (tx) => {
      await setRedaction(
        tx,
        upload.id,
        (current) => ({
          ...(current ?? redaction),
          status: 'done',
          stage: still.size
            ? `done · text still readable in ${still.size} region${still.size === 1 ? '' : 's'}`
            : 'done',
          progress: 100,
          check: result.check,
          error: null,
          finishedAt: now(),
        }),
        now(),
        [...fresh.derivatives.filter((d) => d.name !== 'redacted'), derivative],
      )
      await audit(tx, deps, upload.uploadedBy, 'media.redacted', upload, {
        spans: redaction.spans.length,
        stillReadable: still.size,
      })
      // As for images: the redacted file is what gets published, so changing it after
      // approval voids the approval.
      if (item && (item.state === 'approved' || item.state === 'scheduled'))
        await applyItemTransition(tx, deps, item.id, 'edit', upload.uploadedBy)
    })
  } catch (e) {
    if (job.signal.aborted) throw e
    const final = isAppError(e) || job.attempt >= REDACT_VIDEO_ATTEMPTS
    if (!final) throw e
    if (!isAppError(e)) deps.log.error({ uploadId: upload.id, err: e }, 'video redaction failed')
    const error = isAppError(e)
      ? { code: e.code, message: e.message }
      : { code: 'MEDIA_UNREADABLE', message: 'the redacted copy could not be made; try again' }
    await update({ status: 'failed', stage: 'failed', error, finishedAt: now() })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

// ── screening (the job) ──────────────────────────────────────────────────────────────────

/** Puts a finding from an analyser in the upload's terms: field `media`, its index as the span. */
function placeFindings(uploadId: string, findings: Finding[]): Finding[] {
  return findings.map((f, i) => ({ ...f, field: 'media', start: i, end: i + 1, uploadId }))
}

/**
 * Screens a quarantined upload (the `media.screen` job). Images are re-encoded without
 * metadata, then read for text and faces; scans are de-identified and rendered, then read;
 * videos are stripped of metadata and sampled. The original is deleted when done. A file
 * that turns out to be unreadable is refused: nothing is kept. Idempotent: a finished upload
 * is left alone, and a re-run starts the work again.
 */
export async function screenUpload(
  deps: MediaDeps,
  uploadId: string,
  job: { attempt: number; signal: AbortSignal },
): Promise<void> {
  const upload = await findUpload(deps.db, uploadId)
  if (!upload || (upload.status !== 'quarantined' && upload.status !== 'screening')) return
  const now = () => deps.clock.now().toISOString()
  await setUploadStatus(deps.db, upload.id, {
    status: 'screening',
    stage: 'starting',
    progress: 2,
    at: now(),
    from: ['quarantined', 'screening'],
  })
  const item = await findItem(deps.db, upload.itemId)
  if (!item) return
  const policy = await currentPolicy(deps, { id: item.organisationId, slug: item.organisationSlug })
  const progress = (from: number, to: number) => async (fraction: number, stage?: string) =>
    setUploadProgress(deps.db, upload.id, stage ?? upload.stage, from + (to - from) * fraction, now())
  const step = (stage: string, value: number) => setUploadProgress(deps.db, upload.id, stage, value, now())
  const dir = await workDir()
  try {
    const path = join(dir, 'original')
    await step('assembling the file', 3)
    await assemble(deps, upload, path)
    const derivatives: Derivative[] = []
    const frames: Frame[] = []
    let findings: Finding[] = []
    let removed: Upload['metadataRemoved'] = []
    let video: { sightings?: VideoResult['sightings']; interval?: number } = {}
    let size: { width: number | null; height: number | null; duration: number | null } = {
      width: null,
      height: null,
      duration: null,
    }
    const storeImage = async (data: Buffer, mime: string, width: number, height: number) => {
      await deps.storage.derivatives.put(keys.derivative(upload.id, 'sanitised'), data)
      derivatives.push({ name: 'sanitised', mime, size: data.byteLength, width, height })
    }
    if (upload.kind === 'image') {
      await step('removing metadata', 10)
      const clean = await sanitiseImage(await readFile(path), { maxPixels: deps.media.maxPixels })
      await storeImage(clean.data, clean.mime, clean.width, clean.height)
      removed = clean.removed
      size = { width: clean.width, height: clean.height, duration: null }
      await step('reading text and looking for faces', 25)
      findings = await deps.analysers.image(clean.data, {
        policy,
        signal: job.signal,
        progress: progress(25, 95),
      })
    } else if (upload.kind === 'dicom') {
      if (!deps.analysers.dicom)
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'scans cannot be screened on this server' })
      await step('reading the DICOM header', 10)
      const result = await deps.analysers.dicom(path, {
        policy,
        signal: job.signal,
        workDir: dir,
        progress: progress(10, 50),
      })
      await deps.storage.derivatives.put(keys.derivative(upload.id, 'deidentified'), result.deidentified)
      derivatives.push({
        name: 'deidentified',
        mime: 'application/dicom',
        size: result.deidentified.byteLength,
        width: result.rendering?.width ?? null,
        height: result.rendering?.height ?? null,
      })
      removed = result.removed
      findings = result.findings
      if (result.rendering) {
        const { png, width, height } = result.rendering
        await storeImage(png, 'image/png', width, height)
        size = { width, height, duration: null }
        await step('reading burned-in text', 50)
        findings = [
          ...findings,
          ...(await deps.analysers.image(png, { policy, signal: job.signal, progress: progress(50, 95) })),
        ]
      }
    } else if (upload.kind === 'video') {
      if (!deps.analysers.video)
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'videos cannot be screened on this server' })
      await step('probing the video', 5)
      const result = await deps.analysers.video(path, {
        policy,
        signal: job.signal,
        workDir: dir,
        progress: progress(5, 90),
      })
      await deps.storage.derivatives.putFile(keys.derivative(upload.id, 'sanitised'), result.sanitisedPath)
      derivatives.push({
        name: 'sanitised',
        mime: result.mime,
        size: (await stat(result.sanitisedPath)).size,
        width: result.width,
        height: result.height,
      })
      await step('keeping frames for reviewers', 92)
      for (const [index, frame] of result.frames.entries()) {
        await deps.storage.derivatives.put(keys.frame(upload.id, index), frame.jpeg)
        frames.push({ index, time: frame.time, width: frame.width, height: frame.height })
      }
      removed = result.removed
      findings = result.findings
      size = { width: result.width, height: result.height, duration: result.duration }
      video = { sightings: result.sightings, interval: result.interval }
    }
    await deps.storage.quarantine.deletePrefix(keys.folder(upload.id))
    await deps.db.transaction().execute(async (tx) => {
      await setUploadStatus(tx, upload.id, {
        status: 'ready',
        stage: 'screened',
        progress: 100,
        at: now(),
        error: null,
        ...size,
        metadataRemoved: removed,
        findings: placeFindings(upload.id, [...findings, ...fileNameFindings(upload.filename, policy)]),
        derivatives: { derivatives, frames, ...video },
        screenedAt: now(),
        from: ['screening'],
      })
      const counts = { block: 0, warn: 0, info: 0 }
      for (const f of findings) counts[f.severity]++
      await audit(tx, deps, null, 'media.screened', upload, { counts, metadataRemoved: removed.length })
    })
  } catch (e) {
    if (isAppError(e)) return reject(deps, upload, e, null)
    if (job.attempt >= SCREEN_UPLOAD_ATTEMPTS) {
      deps.log.error({ uploadId: upload.id, err: e }, 'media screening failed')
      return reject(
        deps,
        upload,
        new AppError('MEDIA_UNREADABLE', {
          message: 'the file could not be screened; try exporting it again',
        }),
        null,
      )
    }
    throw e
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/**
 * Deletes the chunks of uploads nobody has sent to for ABANDONED_AFTER_MS and refuses them
 * (the daily `media.expire-abandoned` job). Returns how many.
 */
export async function expireAbandonedUploads(deps: MediaDeps): Promise<number> {
  const before = new Date(deps.clock.now().getTime() - ABANDONED_AFTER_MS).toISOString()
  const stale = await listStaleReceiving(deps.db, before)
  for (const upload of stale)
    await reject(
      deps,
      upload,
      new AppError('UPLOAD_CLOSED', {
        message: 'the upload was abandoned (no bytes for a day); upload the file again',
      }),
      null,
    )
  return stale.length
}

function formatBytes(n: number): string {
  if (n >= 1024 ** 3) return `${Number((n / 1024 ** 3).toFixed(1))} GB`
  if (n >= 1024 ** 2) return `${Number((n / 1024 ** 2).toFixed(1))} MB`
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} kB`
  return `${n} bytes`
}
