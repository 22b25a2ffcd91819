import { randomBytes } from 'node:crypto'

/**
 * What the fakes of Meta's Graph APIs (test/fakes/meta.ts for Instagram and Facebook,
 * test/fakes/threads.ts for Threads) share: the error envelope, access tokens with expiry,
 * media fetched from the URL a container names (as the platforms fetch it), and a
 * container's processing: IN_PROGRESS for a number of status polls, then FINISHED.
 */

/** Graph's error envelope; 190 is an OAuthException, the rest the API's own exception type. */
export function graphError(type: string, code: number, message: string, extra: Record<string, unknown> = {}) {
  return {
    error: {
      message,
      type: code === 190 ? 'OAuthException' : type,
      code,
      fbtrace_id: randomBytes(6).toString('hex'),
      ...extra,
    },
  }
}

/** Access tokens with their expiry (real time); `prefix` as the platform's tokens begin. */
export function graphTokens(prefix: string) {
  const tokens = new Map<string, number>()
  return {
    tokens,
    /** A token valid for `ttlMs` (60 days unless told). */
    issueToken(ttlMs = 5_184_000_000) {
      const t = `${prefix}${randomBytes(8).toString('hex')}`
      tokens.set(t, Date.now() + ttlMs)
      return t
    },
    valid(token: string) {
      const expiry = tokens.get(token)
      return expiry !== undefined && expiry >= Date.now()
    },
  }
}

/** Fetches a media URL as the platform would (through `resolve`); its size in bytes, or -1 when it cannot. */
export async function fetchMedia(resolve: (url: string) => string, url: string): Promise<number> {
  try {
    const res = await fetch(resolve(url))
    return res.ok ? (await res.arrayBuffer()).byteLength : -1
  } catch {
    return -1
  }
}

export type ContainerStatus = 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED'
type Processing = { status: ContainerStatus; polls: number; url: string | null; fetchedBytes: number }

/**
 * A media container's file fetched when it is created: ERROR when it cannot be fetched,
 * `ready` (FINISHED) at once or IN_PROGRESS until polled; EXPIRED when the test asks
 * (`state.expireNext`, reset here).
 */
export async function prepareContainer(
  c: Processing,
  resolve: (url: string) => string,
  state: { expireNext: boolean },
  ready = false,
): Promise<void> {
  if (c.url) {
    c.fetchedBytes = await fetchMedia(resolve, c.url)
    if (c.fetchedBytes <= 0) c.status = 'ERROR'
    else if (ready) c.status = 'FINISHED'
  }
  if (state.expireNext) {
    state.expireNext = false
    c.status = 'EXPIRED'
  }
}

/** One status poll: a container IN_PROGRESS finishes after `processingPolls` of them. */
export function pollContainerStatus(c: Processing, processingPolls: number): ContainerStatus {
  c.polls++
  if (c.status === 'IN_PROGRESS' && c.polls > processingPolls) c.status = 'FINISHED'
  return c.status
}
