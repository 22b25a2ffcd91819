import { z } from 'zod'
import { findingSchema } from '#src/capabilities/screening/screening.schema.ts'

/**
 * Media uploads: shapes shared by the API, the CLI and the web UI. Nothing here imports
 * Node modules.
 */

/** What a file is, decided from its content (magic bytes), never from its name. */
export const mediaKinds = ['image', 'dicom', 'video', 'captions'] as const
export const mediaKindSchema = z.enum(mediaKinds)
export type MediaKind = z.infer<typeof mediaKindSchema>

/**
 * receiving: bytes arriving in chunks · quarantined: complete, type confirmed, waiting for
 * screening · screening: a job is working on it · ready: screened, derivatives made ·
 * rejected: refused (the reason is in `error`); its bytes are gone.
 */
export const uploadStatuses = ['receiving', 'quarantined', 'screening', 'ready', 'rejected'] as const
export const uploadStatusSchema = z.enum(uploadStatuses)
export type UploadStatus = z.infer<typeof uploadStatusSchema>

export const uploadCreateSchema = z
  .object({
    /** The name on the user's disk; shown back to them, never used as a storage key. */
    filename: z.string().trim().min(1).max(255),
    /** Total bytes the client will send. */
    size: z.number().int().positive(),
    /** What the client believes it is; the content must agree. */
    kind: mediaKindSchema,
  })
  .meta({ id: 'UploadCreate' })
export type UploadCreate = z.infer<typeof uploadCreateSchema>

/** One piece of metadata found in the original and left out of every derivative. */
export const removedMetadataSchema = z.object({
  group: z.enum([
    'gps',
    'camera',
    'dates',
    'people',
    'xmp',
    'iptc',
    'icc',
    'maker-notes',
    'comments',
    'other',
    'container',
  ]),
  /** Human-readable, e.g. "GPS position 51.517, -0.176 removed". */
  description: z.string(),
})
export type RemovedMetadata = z.infer<typeof removedMetadataSchema>

export const derivativeNames = ['sanitised', 'redacted', 'deidentified'] as const
export const derivativeNameSchema = z.enum(derivativeNames)
export type DerivativeName = z.infer<typeof derivativeNameSchema>

/**
 * A file Rounds made from the upload. sanitised: re-encoded with no metadata (for a scan,
 * its rendering; for a video, the stream copied without metadata) · redacted: the sanitised
 * image with flagged regions filled or blurred · deidentified: the DICOM file after the
 * PS3.15 Basic Application Level Confidentiality Profile.
 */
export const derivativeSchema = z.object({
  name: derivativeNameSchema,
  mime: z.string(),
  size: z.number().int().nonnegative(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** For `redacted`: the indexes of the findings it covers (they no longer block). */
  covers: z.array(z.number().int().nonnegative()).optional(),
})
export type Derivative = z.infer<typeof derivativeSchema>

/** A sampled video frame kept for reviewers (a frame strip). */
export const frameSchema = z.object({
  index: z.number().int().nonnegative(),
  time: z.number().nonnegative(),
  width: z.number().int(),
  height: z.number().int(),
})
export type Frame = z.infer<typeof frameSchema>

export const uploadSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    kind: mediaKindSchema,
    filename: z.string(),
    /** Detected from the content once complete. */
    mime: z.string().nullable(),
    size: z.number().int(),
    received: z.number().int(),
    status: uploadStatusSchema,
    /** What screening is doing now ("reading text", "looking for faces" …). */
    stage: z.string(),
    /** 0–100. */
    progress: z.number().int().min(0).max(100),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    width: z.number().int().nullable(),
    height: z.number().int().nullable(),
    /** Seconds, for video. */
    duration: z.number().nullable(),
    metadataRemoved: z.array(removedMetadataSchema),
    /** Findings in the file (field `media`), each with `box` and for video `time`. */
    findings: z.array(findingSchema),
    derivatives: z.array(derivativeSchema),
    frames: z.array(frameSchema),
    /** Whether a consent record on the item names this upload (faces then do not block). */
    consented: z.boolean(),
    /** The largest chunk the server accepts per request. */
    chunkBytes: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
    screenedAt: z.string().nullable(),
  })
  .meta({ id: 'Upload' })
export type Upload = z.infer<typeof uploadSchema>

export const redactRequestSchema = z
  .object({
    /** Indexes into the upload's findings to cover; all findings with a box when absent. */
    findings: z.array(z.number().int().nonnegative()).max(500).optional(),
    /** How faces are covered: blurred (default) or filled like text. */
    faces: z.enum(['blur', 'fill']).default('blur'),
  })
  .meta({ id: 'RedactRequest' })
export type RedactRequest = z.input<typeof redactRequestSchema>

/** The request header carrying a chunk's offset (the tus protocol's name for it). */
export const UPLOAD_OFFSET_HEADER = 'upload-offset'
/** The content type a chunk is sent with. */
export const CHUNK_CONTENT_TYPE = 'application/offset+octet-stream'
