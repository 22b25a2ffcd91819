import type { FieldError } from './types.ts'

/**
 * A failed API call. Both error shapes the server sends are understood:
 *   ours:         { error: { code, message, details? } }
 *   better-auth:  { code, message }
 */
export class ApiError extends Error {
  override name = 'ApiError'
  readonly status: number
  readonly code: string
  readonly details: unknown
  /** Seconds to wait before retrying, when the server said (429). */
  readonly retryAfter: number | null

  constructor(status: number, code: string, message: string, details?: unknown, retryAfter?: number | null) {
    super(message)
    this.status = status
    this.code = code
    this.details = details
    this.retryAfter = retryAfter ?? null
  }

  /** Per-field messages from a 400 VALIDATION_FAILED, keyed by field path ("registrationNumber"). */
  get fieldErrors(): Record<string, string> {
    const out: Record<string, string> = {}
    if (!Array.isArray(this.details)) return out
    for (const item of this.details as unknown[]) {
      if (!item || typeof item !== 'object') continue
      const { path, message } = item as { path?: unknown; message?: unknown }
      const key = Array.isArray(path) ? path.join('.') : typeof path === 'string' ? path : ''
      if (typeof message === 'string' && !(key in out)) out[key] = message
    }
    return out
  }
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError
}

const statusCodes: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  410: 'GONE',
  429: 'RATE_LIMITED',
}

async function toApiError(response: Response): Promise<ApiError> {
  const retryHeader = response.headers.get('retry-after') ?? response.headers.get('x-retry-after')
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null
  let body: unknown = null
  const text = await response.text().catch(() => '')
  try {
    body = text ? JSON.parse(text) : null
  } catch {
    body = null
  }
  let code = statusCodes[response.status] ?? (response.status >= 500 ? 'INTERNAL' : 'HTTP_ERROR')
  let message = response.statusText || `Request failed (${response.status})`
  let details: unknown
  if (body && typeof body === 'object') {
    const source = (
      'error' in body && body.error && typeof body.error === 'object' ? body.error : body
    ) as Record<string, unknown>
    if (typeof source.code === 'string' && source.code) code = source.code
    if (typeof source.message === 'string' && source.message) message = source.message
    details = source.details
  } else if (text && text.length < 300 && !text.trimStart().startsWith('<')) {
    message = text
  }
  if (response.status === 429) code = 'RATE_LIMITED'
  return new ApiError(response.status, code, message, details, retryAfter)
}

type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Calls the same-origin API with the session cookie. Resolves to the parsed JSON body (undefined for 204). */
export async function api<T>(method: Method, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(path, {
      method,
      credentials: 'include',
      headers: {
        Accept: 'application/json',
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'Could not reach Rounds. Check your connection and try again.')
  }
  if (!response.ok) throw await toApiError(response)
  if (response.status === 204) return undefined as T
  const text = await response.text()
  return (text ? JSON.parse(text) : undefined) as T
}

/** A sentence to show a person for any error thrown by a request. */
export function errorMessage(error: unknown, fallback = 'Something went wrong. Please try again.'): string {
  if (isApiError(error)) {
    if (error.status === 429) {
      return error.retryAfter
        ? `Too many attempts. Please wait ${error.retryAfter} seconds and try again.`
        : 'Too many attempts. Please wait a minute and try again.'
    }
    if (error.status >= 500) return 'The server had a problem. Please try again in a moment.'
    if (error.status === 403) return 'You do not have permission to do that.'
    return error.message || fallback
  }
  return fallback
}

export type { FieldError }
