import { createWriteStream, openAsBlob } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { ChannelError, type ConnectorEnv, type MediaBody } from '../connector.ts'

/**
 * Plain-fetch plumbing shared by the connectors that speak a platform's REST API directly
 * (YouTube, Meta, TikTok, LinkedIn): a network failure or timeout becomes a retryable
 * ChannelError in plain words; an HTTP refusal is handed to the platform's own translator.
 * Nothing here logs a request, a token or post text. Media are read from `OutgoingMedia.body`
 * by byte range (readRange, rangeBody, withMediaBlob), so no connector holds a video whole.
 */
export type HttpRefusal = { status: number; headers: Headers; body: unknown; doing: string }

export type Http = {
  /** Sends and returns the response whatever its status (for protocols where 308/206 mean progress). */
  raw(doing: string, url: string, init?: RequestInit, signal?: AbortSignal): Promise<Response>
  /** Sends, translates a non-2xx answer through `refuse`, and parses the JSON body (null when empty). */
  json<T>(doing: string, url: string, init?: RequestInit, signal?: AbortSignal): Promise<T>
  /** Translates a refused response (its body already read) into a ChannelError. */
  fail(res: Response, doing: string): Promise<ChannelError>
}

export async function readBody(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => '')
  if (!text) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

export function createHttp(
  env: ConnectorEnv,
  channel: ChannelId,
  refuse: (refusal: HttpRefusal) => ChannelError,
  timeoutMs = 120_000,
): Http {
  const label = channelSpecs[channel].label
  const raw = async (doing: string, url: string, init: RequestInit = {}, signal?: AbortSignal) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    try {
      return await env.fetch(url, {
        ...init,
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      })
    } catch (cause) {
      if (signal?.aborted) throw new ChannelError(channel, `Stopped while ${doing}.`, { cause })
      const timedOut = timeout.aborted
      throw new ChannelError(
        channel,
        timedOut ? `${label} took too long while ${doing}.` : `${label} could not be reached while ${doing}.`,
        { cause },
      )
    }
  }
  const fail = async (res: Response, doing: string) =>
    refuse({ status: res.status, headers: res.headers, body: await readBody(res), doing })
  return {
    raw,
    fail,
    async json<T>(doing: string, url: string, init?: RequestInit, signal?: AbortSignal) {
      const res = await raw(doing, url, init, signal)
      if (!res.ok) throw await fail(res, doing)
      return (await readBody(res)) as T
    },
  }
}

/** Waits `ms`, or stops early (with a ChannelError) when the job's lease is lost. */
export function pause(ms: number, channel: ChannelId, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new ChannelError(channel, 'Stopped while waiting.'))
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      reject(new ChannelError(channel, 'Stopped while waiting.'))
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}

/** Texts compared for "was this already posted": whitespace runs folded, ends trimmed. */
export const sameText = (a: string, b: string) =>
  a.replace(/\s+/g, ' ').trim() === b.replace(/\s+/g, ' ').trim()

/** A Graph container's processing state as Instagram/Facebook and Threads report it. */
export type ContainerState = { status: string | undefined; error?: string | undefined }

/**
 * Polls a prepared media container (Instagram, Facebook, Threads) until it is FINISHED (or
 * already PUBLISHED): ERROR stops for good, EXPIRED asks delivery to prepare it again at
 * once, and a container still processing at the deadline is tried again later. Waits
 * `pollMs` after the first look, then 1.5 times longer each time (at most a minute), so a
 * long video is not asked about every few seconds for ten minutes.
 */
export async function pollContainer(options: {
  channel: ChannelId
  read: () => Promise<ContainerState>
  signal?: AbortSignal | undefined
  pollMs: number
  /** How long to keep asking before delivery tries again later. */
  deadlineMs: number
  now?: () => number
}): Promise<void> {
  const label = channelSpecs[options.channel].label
  const now = options.now ?? Date.now
  const deadline = now() + options.deadlineMs
  let delay = options.pollMs
  while (true) {
    const s = await options.read()
    switch (s.status) {
      case 'FINISHED':
      case 'PUBLISHED':
        return
      case 'ERROR':
        throw new ChannelError(
          options.channel,
          `${label} could not process the media${s.error ? ` (${s.error})` : ''}.`,
          { permanent: true },
        )
      case 'EXPIRED':
        throw new ChannelError(
          options.channel,
          `${label} let the prepared media expire before it was published; Rounds will prepare it again.`,
          { retryAfterMs: 0 },
        )
    }
    if (now() + delay > deadline) break
    await pause(delay, options.channel, options.signal)
    delay = Math.min(Math.ceil(delay * 1.5), Math.max(options.pollMs, 60_000))
  }
  throw new ChannelError(options.channel, `${label} is still processing the media; Rounds will try again.`, {
    retryAfterMs: 10 * 60_000,
  })
}

/**
 * The most a connector holds in memory at once: one upload chunk (X's segments), or a whole
 * file only where the platform takes it in one request and caps it lower (images; the copy
 * the fediverse actor keeps). Everything else is streamed from the store by range.
 */
export const MAX_BUFFERED_BYTES = 128 * 1024 * 1024

/**
 * Bytes `start`–`end` (inclusive) of a media file, read by range: one upload chunk in memory,
 * never the whole file. Refuses a range longer than `MAX_BUFFERED_BYTES`.
 */
export async function readRange(
  media: MediaBody,
  start: number,
  end: number,
): Promise<Uint8Array<ArrayBuffer>> {
  const length = end - start + 1
  if (length <= 0) return new Uint8Array(0)
  if (length > MAX_BUFFERED_BYTES) throw new Error(`a ${length}-byte read is more than a chunk`)
  const out = new Uint8Array(length)
  let at = 0
  const reader = (await media.open({ start, end })).getReader()
  try {
    while (at < length) {
      const { done, value } = await reader.read()
      if (done) break
      const take = Math.min(value.byteLength, length - at)
      out.set(take === value.byteLength ? value : value.subarray(0, take), at)
      at += take
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
  if (at !== length) throw new Error(`the media file ended after ${start + at} of ${media.size} bytes`)
  return out
}

/** The whole file in memory, for a platform or library that takes only bytes; small files only. */
export function readWhole(media: MediaBody): Promise<Uint8Array<ArrayBuffer>> {
  return readRange(media, 0, media.size - 1)
}

/**
 * Bytes `start`–`end` (inclusive) of a media file as a request body that is streamed from the
 * store, not buffered; the caller sends it with a Content-Length of `end - start + 1`.
 */
export async function rangeBody(
  media: MediaBody,
  start: number,
  end: number,
): Promise<{ body: ReadableStream<Uint8Array> | Uint8Array; duplex: 'half' }> {
  if (end < start) return { body: new Uint8Array(0), duplex: 'half' }
  return { body: await media.open({ start, end }), duplex: 'half' }
}

/** Files up to this size are handed to a library as a Blob in memory; larger ones from disk. */
export const BLOB_IN_MEMORY_BYTES = 16 * 1024 * 1024

/**
 * Runs `fn` with the file as a Blob, for libraries that take only a Blob (masto.js). A large
 * file is first copied from the store to a private temporary file and handed over as a
 * disk-backed Blob (fs.openAsBlob), which fetch streams; the copy is removed afterwards.
 */
export async function withMediaBlob<T>(
  media: MediaBody,
  type: string,
  fn: (blob: Blob) => Promise<T>,
): Promise<T> {
  if (media.size <= BLOB_IN_MEMORY_BYTES) return await fn(new Blob([await readWhole(media)], { type }))
  const dir = await mkdtemp(join(tmpdir(), 'rounds-upload-'))
  try {
    const path = join(dir, 'media')
    await pipeline(
      Readable.fromWeb((await media.open()) as NodeReadableStream<Uint8Array>),
      createWriteStream(path, { mode: 0o600 }),
    )
    return await fn(await openAsBlob(path, { type }))
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
