import { createHash, type KeyObject, verify, X509Certificate } from 'node:crypto'
import { AppError } from '#src/platform/errors.ts'
import type { Statement } from './xapi.schema.ts'
import { sameStatement, validateStatement } from './xapi.statement.ts'

/**
 * xAPI attachments (1.0.3 Part Three §1.5.2; 2.0 "Attachments"): the rules that tie the
 * statements of a request to the raw parts sent with them, and the checks on signed
 * statements (1.0.3 Part Two §2.6). Pure: the HTTP edge has framed the parts, the service
 * stores what passes.
 */

export const SIGNATURE_USAGE = 'http://adlnet.gov/expapi/attachments/signature'
const SIGNATURE_ALGORITHMS: Record<string, string> = { RS256: 'sha256', RS384: 'sha384', RS512: 'sha512' }

/** One attachment part of a request: its declared hash and type, and its bytes. */
export type AttachmentPart = {
  /** The X-Experience-API-Hash header as sent. */
  hash: string
  contentType: string
  /** The Content-Transfer-Encoding header as sent (xAPI requires `binary`). */
  transferEncoding: string | undefined
  content: Uint8Array
}

/** Attachment content checked and keyed by its lower-case hex SHA-2. */
export type AttachmentContent = { sha2: string; contentType: string; content: Uint8Array }

type AttachmentObject = NonNullable<Statement['attachments']>[number]

/** The attachment objects of a statement, its SubStatement's included. */
export function attachmentsOf(statement: Record<string, unknown>): AttachmentObject[] {
  const own = (statement.attachments as AttachmentObject[] | undefined) ?? []
  const object = statement.object as Record<string, unknown> | undefined
  const sub =
    object?.objectType === 'SubStatement'
      ? ((object.attachments as AttachmentObject[] | undefined) ?? [])
      : []
  return [...own, ...sub]
}

const ALGORITHM_BY_LENGTH: Record<number, string> = {
  56: 'sha224',
  64: 'sha256',
  96: 'sha384',
  128: 'sha512',
}

/** The hex SHA-2 of `content`, with the variant a hex hash of `length` characters names. */
export function sha2Hex(content: Uint8Array, length = 64): string | null {
  const algorithm = ALGORITHM_BY_LENGTH[length]
  return algorithm ? createHash(algorithm).update(content).digest('hex') : null
}

function bad(message: string): AppError {
  return new AppError('VALIDATION_FAILED', { message })
}

/**
 * Checks the parts of a request against its (validated) statements and returns their
 * content by hash. The rules: every part after the statements says `Content-Transfer-Encoding:
 * binary` and carries an X-Experience-API-Hash that is the SHA-2 of its bytes; every part is
 * named by an attachment of some statement; every attachment without a fileUrl has a part;
 * every signature attachment is a valid JWS of its statement (`checkSignature`).
 * Anything else is VALIDATION_FAILED (HTTP 400), naming the part or the statement.
 */
export function matchAttachments(
  statements: Statement[],
  parts: AttachmentPart[],
  label: (i: number) => string,
): Map<string, AttachmentContent> {
  const content = new Map<string, AttachmentContent>()
  for (const [i, part] of parts.entries()) {
    const where = `attachment part ${i + 1}`
    if (part.transferEncoding?.trim().toLowerCase() !== 'binary')
      throw bad(`${where}: send it with Content-Transfer-Encoding: binary`)
    const hash = part.hash.trim().toLowerCase()
    if (!hash) throw bad(`${where}: the X-Experience-API-Hash header is missing`)
    const actual = /^[0-9a-f]+$/.test(hash) ? sha2Hex(part.content, hash.length) : null
    if (actual === null) throw bad(`${where}: X-Experience-API-Hash must be a hex SHA-2 hash`)
    if (actual !== hash) throw bad(`${where}: X-Experience-API-Hash does not match the part's content`)
    if (!content.has(hash))
      content.set(hash, { sha2: hash, contentType: part.contentType, content: part.content })
  }
  const named = new Set<string>()
  for (const [i, s] of statements.entries())
    for (const [j, a] of attachmentsOf(s).entries()) {
      const sha2 = a.sha2.toLowerCase()
      named.add(sha2)
      if (!a.fileUrl && !content.has(sha2))
        throw bad(
          `${label(i)}.attachments[${j}]: has no fileUrl and no part with X-Experience-API-Hash ${sha2} was sent`,
        )
    }
  for (const [i, part] of parts.entries())
    if (!named.has(part.hash.trim().toLowerCase()))
      throw bad(`attachment part ${i + 1}: no statement has an attachment with its hash`)
  for (const [i, s] of statements.entries()) checkSignature(s, content, label(i))
  return content
}

function decodeSegment(segment: string, what: string, where: string): Buffer {
  if (!/^[A-Za-z0-9_-]*$/.test(segment)) throw bad(`${where}: the JWS ${what} is not base64url`)
  return Buffer.from(segment, 'base64url')
}

function parseJsonSegment(segment: string, what: string, where: string): Record<string, unknown> {
  let value: unknown
  try {
    value = JSON.parse(decodeSegment(segment, what, where).toString('utf8'))
  } catch (e) {
    if (e instanceof AppError) throw e
    throw bad(`${where}: the JWS ${what} is not JSON`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw bad(`${where}: the JWS ${what} must be a JSON object`)
  return value as Record<string, unknown>
}

/**
 * A signed statement's signature attachment (usageType …/attachments/signature): at most
 * one; its contentType is application/octet-stream; its content, when sent as a part, is a
 * JWS in compact serialization with alg RS256, RS384 or RS512, whose payload is the
 * statement as it was before the signature was added — the same statement under the
 * specification's comparison, which ignores what the LRS may set (id when the payload has
 * none, authority, stored, timestamp, version). When the JWS header carries an X.509
 * certificate chain (x5c), the signature is verified with the first certificate's key.
 * A signature sent only by fileUrl cannot be checked and is stored as sent.
 */
export function checkSignature(
  statement: Statement,
  content: Map<string, AttachmentContent>,
  where: string,
): void {
  const all = (statement.attachments ?? []) as AttachmentObject[]
  const signatures = all.filter((a) => a.usageType === SIGNATURE_USAGE)
  if (signatures.length === 0) return
  if (signatures.length > 1) throw bad(`${where}: a statement may carry one signature attachment`)
  const signature = signatures[0] as AttachmentObject
  if (signature.contentType.split(';')[0]?.trim().toLowerCase() !== 'application/octet-stream')
    throw bad(`${where}: a signature attachment's contentType must be application/octet-stream`)
  const part = content.get(signature.sha2.toLowerCase())
  if (!part) return
  const jws = Buffer.from(part.content).toString('latin1').trim()
  const segments = jws.split('.')
  if (segments.length !== 3)
    throw bad(`${where}: the signature must be a JWS in compact serialization (header.payload.signature)`)
  const [headerText, payloadText, signatureText] = segments as [string, string, string]
  const header = parseJsonSegment(headerText, 'header', where)
  const hash = typeof header.alg === 'string' ? SIGNATURE_ALGORITHMS[header.alg] : undefined
  if (!hash) throw bad(`${where}: the JWS alg must be RS256, RS384 or RS512`)
  const payload = parseJsonSegment(payloadText, 'payload', where)
  let original: Statement
  try {
    original = validateStatement(payload, 'payload')
  } catch (e) {
    throw bad(
      `${where}: the JWS payload is not a valid statement (${e instanceof AppError ? e.message : 'invalid'})`,
    )
  }
  const rest = all.filter((a) => a !== signature)
  const { attachments: _attachments, ...bare } = statement
  const received = rest.length ? { ...bare, attachments: rest } : bare
  // The LRS only assigns an id a statement lacks; a signed id must arrive unchanged.
  const idDiffers = original.id !== undefined && original.id !== statement.id
  if (idDiffers || !sameStatement(original as Record<string, unknown>, received as Record<string, unknown>))
    throw bad(`${where}: the JWS payload is not the statement that was signed`)
  if (header.x5c !== undefined) {
    const chain = header.x5c
    if (!Array.isArray(chain) || chain.length === 0 || typeof chain[0] !== 'string')
      throw bad(`${where}: the JWS x5c header must be an array of base64 certificates`)
    let key: KeyObject
    try {
      key = new X509Certificate(Buffer.from(chain[0], 'base64')).publicKey
    } catch {
      throw bad(`${where}: the JWS x5c certificate cannot be read`)
    }
    const ok = verify(
      hash,
      Buffer.from(`${headerText}.${payloadText}`, 'latin1'),
      key,
      decodeSegment(signatureText, 'signature', where),
    )
    if (!ok) throw bad(`${where}: the JWS signature does not verify with its x5c certificate`)
  }
}
