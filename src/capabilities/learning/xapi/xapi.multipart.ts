import { randomBytes } from 'node:crypto'
import { AppError } from '#src/platform/errors.ts'

/**
 * multipart/mixed (RFC 2046 §5.1) as xAPI uses it to carry attachments with statements.
 * The body is already bounded by the request size limit, so it is parsed from one buffer:
 * the framing is found by searching for the delimiter, never by splitting text, so binary
 * parts pass through byte for byte. Only what xAPI needs is read: each part's headers
 * (names lower-cased) and its body.
 */

export type MultipartPart = { headers: Record<string, string>; body: Uint8Array }

export type MultipartLimits = {
  /** The most parts one body may have. */
  maxParts: number
  /** The most bytes of headers one part may have. */
  maxHeaderBytes: number
}

const DEFAULT_LIMITS: MultipartLimits = { maxParts: 1001, maxHeaderBytes: 16 * 1024 }

function bad(message: string): AppError {
  return new AppError('VALIDATION_FAILED', { message })
}

/** The media type (lower case, without parameters) and the parameters of a Content-Type value. */
export function parseContentType(value: string | undefined): {
  type: string
  params: Record<string, string>
} {
  const text = value ?? ''
  const semi = text.indexOf(';')
  const type = (semi < 0 ? text : text.slice(0, semi)).trim().toLowerCase()
  const params: Record<string, string> = {}
  let rest = semi < 0 ? '' : text.slice(semi + 1)
  // name=token or name="quoted string" (with \-escapes), separated by semicolons.
  const param = /^\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]*))\s*(?:;|$)/
  while (rest.trim()) {
    const m = param.exec(rest)
    if (!m) break
    params[(m[1] ?? '').toLowerCase()] =
      m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? '').trim()
    rest = rest.slice(m[0].length)
  }
  return { type, params }
}

/** The boundary of a multipart Content-Type, checked against RFC 2046's grammar. */
export function multipartBoundary(contentType: string | undefined): string {
  const boundary = parseContentType(contentType).params.boundary
  if (!boundary) throw bad('multipart/mixed needs a boundary parameter in Content-Type')
  if (boundary.length > 70 || !/^[0-9A-Za-z'()+_,\-./:=? ]*[0-9A-Za-z'()+_,\-./:=?]$/.test(boundary))
    throw bad('the multipart boundary must be 1 to 70 characters of the RFC 2046 set')
  return boundary
}

const CRLF = Buffer.from('\r\n')
const HEADER_END = Buffer.from('\r\n\r\n')

/**
 * The parts of a multipart body. The preamble (before the first delimiter) and the epilogue
 * (after the closing one) are ignored, as RFC 2046 says; a body without a closing delimiter,
 * a part without a blank line after its headers, or too many parts or header bytes is refused
 * with VALIDATION_FAILED.
 */
export function parseMultipart(
  body: Uint8Array,
  boundary: string,
  limits: MultipartLimits = DEFAULT_LIMITS,
): MultipartPart[] {
  const buf = Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const dash = Buffer.from(`--${boundary}`)
  const delimiter = Buffer.from(`\r\n--${boundary}`)
  // The first delimiter may start the body or follow the preamble's last CRLF.
  let at = buf.subarray(0, dash.length).equals(dash) ? 0 : buf.indexOf(delimiter)
  if (at < 0) throw bad('the multipart body has no part delimited by its boundary')
  if (at > 0) at += 2
  const parts: MultipartPart[] = []
  for (;;) {
    let p = at + dash.length
    if (buf[p] === 0x2d && buf[p + 1] === 0x2d) break // "--": the closing delimiter
    // Transport padding (spaces and tabs) may follow a delimiter before its CRLF.
    while (buf[p] === 0x20 || buf[p] === 0x09) p++
    if (!buf.subarray(p, p + 2).equals(CRLF)) throw bad('a multipart delimiter must end its line')
    p += 2
    if (parts.length >= limits.maxParts)
      throw new AppError('PAYLOAD_TOO_LARGE', {
        message: `a request may have at most ${limits.maxParts} parts`,
      })
    // A part with no headers starts with its blank line straight away.
    const headerEnd = buf.subarray(p, p + 2).equals(CRLF) ? p - 2 : buf.indexOf(HEADER_END, p)
    if (headerEnd < 0 || headerEnd - p > limits.maxHeaderBytes)
      throw bad(
        headerEnd < 0
          ? `multipart part ${parts.length + 1}: its headers do not end with a blank line`
          : `multipart part ${parts.length + 1}: its headers exceed ${limits.maxHeaderBytes} bytes`,
      )
    const headers = parseHeaders(buf.subarray(p, Math.max(p, headerEnd)).toString('latin1'), parts.length + 1)
    const start = headerEnd + 4
    const end = buf.indexOf(delimiter, start - 2)
    if (end < 0) throw bad('the multipart body ends without its closing delimiter')
    parts.push({ headers, body: new Uint8Array(buf.subarray(start, Math.max(start, end))) })
    at = end + 2
  }
  return parts
}

function parseHeaders(text: string, index: number): Record<string, string> {
  const headers: Record<string, string> = {}
  let last: string | null = null
  for (const line of text.split('\r\n')) {
    if (line === '') continue
    if ((line.startsWith(' ') || line.startsWith('\t')) && last) {
      headers[last] = `${headers[last]} ${line.trim()}` // folded continuation line
      continue
    }
    const colon = line.indexOf(':')
    if (colon <= 0) throw bad(`multipart part ${index}: "${line.slice(0, 40)}" is not a header`)
    last = line.slice(0, colon).trim().toLowerCase()
    headers[last] = line.slice(colon + 1).trim()
  }
  return headers
}

/** A multipart body with a fresh random boundary, and the Content-Type naming it. */
export function buildMultipart(
  parts: { headers: Record<string, string>; body: Uint8Array | string }[],
  subtype = 'mixed',
): { contentType: string; body: Uint8Array } {
  const boundary = `rounds-${randomBytes(18).toString('base64url')}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    const head = Object.entries(part.headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('')
    chunks.push(Buffer.from(`--${boundary}\r\n${head}\r\n`, 'latin1'))
    chunks.push(typeof part.body === 'string' ? Buffer.from(part.body, 'utf8') : Buffer.from(part.body))
    chunks.push(CRLF)
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return {
    contentType: `multipart/${subtype}; boundary="${boundary}"`,
    body: new Uint8Array(Buffer.concat(chunks)),
  }
}
