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
  INVITATION_EXPIRED: { status: 410, exit: 5 },
  ATTEMPT_EXPIRED: { status: 410, exit: 5 },
  /** The item was published and then withdrawn: its public page is gone for good. */
  ITEM_GONE: { status: 410, exit: 4 },
  PAYLOAD_TOO_LARGE: { status: 413, exit: 2 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, exit: 2 },
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
