/**
 * The one error type. Every expected failure is an AppError with a SCREAMING_SNAKE code;
 * `errorCodes` maps each code to an HTTP status and a CLI exit code. Anything else that
 * is thrown is an internal error: logged with the request id, never shown to users.
 */
export const errorCodes = {
  VALIDATION_FAILED: { status: 400, exit: 2 },
  MALFORMED_JSON: { status: 400, exit: 2 },
  UNAUTHENTICATED: { status: 401, exit: 3 },
  FORBIDDEN: { status: 403, exit: 3 },
  TRAINING_REQUIRED: { status: 403, exit: 3 },
  DISPLAY_NAME_REQUIRED: { status: 403, exit: 3 },
  DISCLOSURE_REQUIRED: { status: 403, exit: 3 },
  INVITATION_EMAIL_MISMATCH: { status: 403, exit: 3 },
  SELF_VERIFICATION: { status: 403, exit: 3 },
  VERIFIED_ELSEWHERE: { status: 409, exit: 5 },
  NOT_FOUND: { status: 404, exit: 4 },
  ROUTE_NOT_FOUND: { status: 404, exit: 4 },
  USER_NOT_FOUND: { status: 404, exit: 4 },
  ORGANISATION_NOT_FOUND: { status: 404, exit: 4 },
  MEMBER_NOT_FOUND: { status: 404, exit: 4 },
  INVITATION_NOT_FOUND: { status: 404, exit: 4 },
  LESSON_NOT_FOUND: { status: 404, exit: 4 },
  QUESTION_NOT_FOUND: { status: 404, exit: 4 },
  ATTEMPT_NOT_FOUND: { status: 404, exit: 4 },
  CERTIFICATE_NOT_FOUND: { status: 404, exit: 4 },
  ITEM_NOT_FOUND: { status: 404, exit: 4 },
  SERIES_NOT_FOUND: { status: 404, exit: 4 },
  VERSION_NOT_FOUND: { status: 404, exit: 4 },
  FINDING_NOT_FOUND: { status: 404, exit: 4 },
  REVIEW_NOT_FOUND: { status: 404, exit: 4 },
  ASSIGNMENT_NOT_FOUND: { status: 404, exit: 4 },
  NOTIFICATION_NOT_FOUND: { status: 404, exit: 4 },
  /** No upload with that id on the item. */
  UPLOAD_NOT_FOUND: { status: 404, exit: 4 },
  PUBLICATION_NOT_FOUND: { status: 404, exit: 4 },
  /** No research export with that id in the organisation. */
  EXPORT_NOT_FOUND: { status: 404, exit: 4 },
  /** The research export is still being built, or failed. */
  EXPORT_NOT_READY: { status: 409, exit: 5 },
  METHOD_NOT_ALLOWED: { status: 405, exit: 2 },
  CONFLICT: { status: 409, exit: 5 },
  EMAIL_TAKEN: { status: 409, exit: 5 },
  ORGANISATION_SLUG_TAKEN: { status: 409, exit: 5 },
  LAST_ADMIN: { status: 409, exit: 5 },
  BUILT_IN_READ_ONLY: { status: 409, exit: 5 },
  QUESTION_BANK_EMPTY: { status: 409, exit: 5 },
  ATTEMPT_ALREADY_SUBMITTED: { status: 409, exit: 5 },
  /** The event is not legal in the item's current state (content.state.ts). */
  ILLEGAL_TRANSITION: { status: 409, exit: 5 },
  /** The review is submitted or declined, or its round decided: it no longer changes. */
  REVIEW_CLOSED: { status: 409, exit: 5 },
  /** The editor decided before every assigned reviewer had submitted. */
  REVIEWS_PENDING: { status: 409, exit: 5 },
  /** The channel needs a connected account and the organisation has none (or it was disconnected). */
  CHANNEL_NOT_CONNECTED: { status: 409, exit: 5 },
  /** The content hash sent is not the item's active approval: only the approved version is published. */
  VERSION_NOT_APPROVED: { status: 409, exit: 5 },
  /** What would be sent differs from the preview the editor confirmed; preview again. */
  PREVIEW_STALE: { status: 409, exit: 5 },
  INVITATION_EXPIRED: { status: 410, exit: 5 },
  ATTEMPT_EXPIRED: { status: 410, exit: 5 },
  /** The research export's file was deleted after the retention period. */
  EXPORT_EXPIRED: { status: 410, exit: 5 },
  /** The item was published and then withdrawn: its public page is gone for good. */
  ITEM_GONE: { status: 410, exit: 4 },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2 },
  /** A chunk was sent at an offset other than the bytes received so far (details.received). */
  UPLOAD_OFFSET_MISMATCH: { status: 409, exit: 5 },
  /** The upload is finished (or refused) and takes no more bytes. */
  UPLOAD_CLOSED: { status: 409, exit: 5 },
  /** The file's content is not what its name or the declared kind says (e.g. a PNG named .jpg). */
  MEDIA_TYPE_MISMATCH: { status: 415, exit: 2 },
  /** The file could not be read safely: truncated, corrupt, absurd dimensions, too many pixels. */
  MEDIA_UNREADABLE: { status: 422, exit: 2 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2 },
  /** A DICOM file without Pixel Data (a report, a structured document): nothing to show. */
  DICOM_NO_PIXEL_DATA: { status: 422, exit: 2 },
  /** The file is valid but encoded in a way Rounds cannot decode (e.g. JPEG 2000 DICOM). */
  MEDIA_ENCODING_UNSUPPORTED: { status: 415, exit: 2 },
  /** A video file with no video stream (audio only, or only subtitles). */
  VIDEO_NO_VIDEO_STREAM: { status: 422, exit: 2 },
  /**
   * Screening found blocking findings no editor has overridden. Exit 8, not 1: scripts can
   * tell a refused submission from a crash (1 is an unexpected error).
   */
  SCREENING_BLOCKED: { status: 422, exit: 8 },
  /** The named user does not hold the reviewer role in the organisation. */
  REVIEWER_NOT_ELIGIBLE: { status: 422, exit: 2 },
  /** The named reviewer has a conflict with the item (the reasons are in details). */
  REVIEWER_CONFLICTED: { status: 422, exit: 2 },
  /** The assignment would not leave the round with the organisation's number of reviewers. */
  REVIEWER_COUNT: { status: 422, exit: 2 },
  /** Submission needs the no-conflict declaration, every score and a recommendation. */
  REVIEW_INCOMPLETE: { status: 422, exit: 2 },
  /** No connector, or the operator has not configured the platform's app. */
  CHANNEL_UNAVAILABLE: { status: 422, exit: 2 },
  /** The platform refused the credentials or the authorization (its reason in the message). */
  CHANNEL_REFUSED: { status: 422, exit: 2 },
  /** An uploaded metrics file is not CSV (unclosed quote, empty, no header). */
  CSV_UNREADABLE: { status: 422, exit: 2 },
  /** A metrics file's layout is not recognised and no column mapping was given. */
  CSV_LAYOUT_UNKNOWN: { status: 422, exit: 2 },
  /** The channel's preview has problems (too long, no disclosure, missing alt text…); details list them. */
  PUBLISH_BLOCKED: { status: 422, exit: 8 },
  /** The OAuth state is unknown, used, expired or someone else's. */
  OAUTH_STATE_INVALID: { status: 400, exit: 2 },
  RATE_LIMITED: { status: 429, exit: 6 },
  SEED_REFUSED: { status: 409, exit: 5 },
  AUDIT_CHAIN_BROKEN: { status: 500, exit: 7 },
  /** A stored secret cannot be decrypted: its key left the ring, or the value was altered. */
  SECRET_UNREADABLE: { status: 500, exit: 7 },
  INTERNAL: { status: 500, exit: 1 },
} as const satisfies Record<string, { status: number; exit: number }>

export type ErrorCode = keyof typeof errorCodes

export type AppErrorOptions = {
  message?: string
  cause?: unknown
  details?: unknown
}

export class AppError extends Error {
  override name = 'AppError'
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? code.toLowerCase().replaceAll('_', ' '), { cause: options.cause })
    this.code = code
    this.details = options.details
  }

  get status(): number {
    return errorCodes[this.code].status
  }

  get exitCode(): number {
    return errorCodes[this.code].exit
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError
}

/** The body every 4xx/5xx response carries. */
export type ErrorBody = { error: { code: string; message: string; details?: unknown; requestId?: string } }

export function errorBody(error: AppError, requestId?: string): ErrorBody {
  return {
    error: {
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
      ...(requestId ? { requestId } : {}),
    },
  }
}
