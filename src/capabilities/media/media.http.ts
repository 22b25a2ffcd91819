import type { Context } from 'hono'
import type { OpenedBlob } from './storage.ts'

/** Serving stored media over HTTP: byte ranges, as video players ask for them. */

/** A single `bytes=a-b` or `bytes=a-` range (what players send); anything else serves the whole file. */
export function parseRange(header: string | undefined): { start: number; end: number } | undefined {
  const m = header ? /^bytes=(\d+)-(\d*)$/.exec(header.trim()) : null
  if (!m) return undefined
  const start = Number(m[1])
  const end = m[2] ? Number(m[2]) : Number.MAX_SAFE_INTEGER
  return end >= start ? { start, end } : undefined
}

/**
 * Answers with an opened file: 200 with the whole body, 206 with the range asked for, or 416
 * when the range starts past the end. The caller sets type and caching headers.
 */
export function sendOpened(c: Context, file: OpenedBlob): Response {
  c.header('accept-ranges', 'bytes')
  if (file.range) {
    if (file.range.start >= file.size) {
      void file.body.cancel()
      c.header('content-range', `bytes */${file.size}`)
      return c.body(null, 416)
    }
    c.header('content-range', `bytes ${file.range.start}-${file.range.end}/${file.size}`)
    c.header('content-length', String(file.range.end - file.range.start + 1))
    return c.body(file.body, 206)
  }
  c.header('content-length', String(file.size))
  return c.body(file.body, 200)
}
