import { z } from 'zod'
import { findingSchema, mediaBoxSchema } from '#src/capabilities/screening/screening.schema.ts'

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
 * image with flagged regions filled or blurred (for a video: re-encoded as H.264 MP4 with
 * the regions covered while they are on screen, no metadata, the audio kept) · deidentified: the DICOM file after the
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

/** A stretch of a video over which one finding's region is covered. */
export const redactionSpanSchema = z.object({
  /** The finding's index in the upload's findings. */
  finding: z.number().int().nonnegative(),
  /** fill: a solid box (text) · blur: a coarse mosaic (faces). */
  mode: z.enum(['fill', 'blur']),
  /** Seconds from the start. */
  start: z.number().nonnegative(),
  end: z.number().nonnegative(),
  box: mediaBoxSchema,
})
export type RedactionSpan = z.infer<typeof redactionSpanSchema>

/**
 * The redaction of a video, a background job: queued · working (stage and progress from
 * ffmpeg, then the check) · done (the `redacted` derivative exists) · failed (`error`).
 * `check`: the redacted copy read again by OCR where it was redacted; a finding whose text is
 * still read is listed and is not covered.
 */
export const videoRedactionSchema = z.object({
  status: z.enum(['queued', 'working', 'done', 'failed']),
  stage: z.string(),
  progress: z.number().int().min(0).max(100),
  findings: z.array(z.number().int().nonnegative()),
  faces: z.enum(['blur', 'fill']),
  spans: z.array(redactionSpanSchema),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  check: z
    .object({
      framesRead: z.number().int().nonnegative(),
      stillReadable: z.array(
        z.object({ finding: z.number().int().nonnegative(), text: z.string(), time: z.number() }),
      ),
    })
    .nullable(),
  requestedAt: z.string(),
  finishedAt: z.string().nullable(),
})
export type VideoRedaction = z.infer<typeof videoRedactionSchema>

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
    /** For a video: its redaction job (null before any was asked for). */
    redaction: videoRedactionSchema.nullable(),
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
    /**
     * Indexes into the upload's findings to cover; all findings with a box when absent. A
     * video is redacted by a background job: the answer shows it queued (`redaction`).
     */
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
