import { createHash, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { AppError } from '#src/platform/errors.ts'
import { type AttachmentPart, matchAttachments, SIGNATURE_USAGE, sha2Hex } from './xapi.attachments.ts'
import { buildMultipart, multipartBoundary, parseContentType, parseMultipart } from './xapi.multipart.ts'
import type { Statement } from './xapi.schema.ts'
import { validateStatement } from './xapi.statement.ts'

const fixture = (name: string) => readFileSync(resolve(import.meta.dirname, 'fixtures', name), 'utf8')
const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')

function failure(f: () => unknown): { code: string; message: string } {
  try {
    f()
  } catch (e) {
    if (e instanceof AppError) return { code: e.code, message: e.message }
    throw e
  }
  throw new Error('expected an AppError')
}

describe('multipart/mixed framing', () => {
  // The example of xAPI 1.0.3 Part Three §1.5.2, boundary characters and all.
  const boundary = "abcABC0123'()+_,-./:=?"
  const example = [
    `--${boundary}`,
    'Content-Type:application/json',
    '',
    '{"a":1}',
    `--${boundary}`,
    'Content-Type:text/plain',
    'Content-Transfer-Encoding:binary',
    'X-Experience-API-Hash:495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a',
    '',
    'here is a simple attachment',
    `--${boundary}--`,
  ].join('\r\n')

  it("reads the specification's example: headers lower-cased, bodies byte for byte", () => {
    expect(multipartBoundary(`multipart/mixed; boundary="${boundary}"`)).toBe(boundary)
    const parts = parseMultipart(Buffer.from(example), boundary)
    expect(parts).toHaveLength(2)
    expect(parts[0]?.headers).toEqual({ 'content-type': 'application/json' })
    expect(Buffer.from(parts[0]?.body ?? []).toString()).toBe('{"a":1}')
    expect(parts[1]?.headers['x-experience-api-hash']).toBe(sha256('here is a simple attachment'))
    expect(Buffer.from(parts[1]?.body ?? []).toString()).toBe('here is a simple attachment')
  })

  it('keeps binary content that contains CR, LF, dashes and almost-boundaries', () => {
    const content = new Uint8Array([0, 13, 10, 45, 45, 255, 13, 10, 13, 10, 45, 45, 120, 13])
    const built = buildMultipart([
      { headers: { 'Content-Type': 'application/json' }, body: '[]' },
      { headers: { 'Content-Type': 'application/octet-stream' }, body: content },
      { headers: {}, body: new Uint8Array(0) },
    ])
    const parts = parseMultipart(built.body, multipartBoundary(built.contentType))
    expect(parts.map((p) => p.body.byteLength)).toEqual([2, content.byteLength, 0])
    expect([...(parts[1]?.body ?? [])]).toEqual([...content])
  })

  it('ignores a preamble and an epilogue, and unfolds folded headers', () => {
    const body = `preamble\r\n--b\r\nContent-Type: application/json;\r\n charset=utf-8\r\n\r\n[]\r\n--b--\r\nepilogue`
    const parts = parseMultipart(Buffer.from(body), 'b')
    expect(parts[0]?.headers['content-type']).toBe('application/json; charset=utf-8')
  })

  it.each([
    ['no delimiter at all', 'just text', 'has no part delimited by its boundary'],
    [
      'no closing delimiter',
      '--b\r\nContent-Type: text/plain\r\n\r\nhello',
      'ends without its closing delimiter',
    ],
    ['headers without a blank line', '--b\r\nContent-Type: text/plain', 'do not end with a blank line'],
    ['a header line without a colon', '--b\r\nnot a header\r\n\r\nx\r\n--b--', 'is not a header'],
    ['text after a delimiter', '--b junk\r\n\r\nx\r\n--b--', 'must end its line'],
  ])('refuses %s', (_, body, message) => {
    expect(failure(() => parseMultipart(Buffer.from(body), 'b'))).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(message),
    })
  })

  it('limits parts (413) and header bytes (400)', () => {
    const many = `${'--b\r\n\r\nx\r\n'.repeat(5)}--b--`
    expect(
      failure(() => parseMultipart(Buffer.from(many), 'b', { maxParts: 4, maxHeaderBytes: 100 })).code,
    ).toBe('PAYLOAD_TOO_LARGE')
    const long = `--b\r\nX-Long: ${'a'.repeat(200)}\r\n\r\nx\r\n--b--`
    expect(
      failure(() => parseMultipart(Buffer.from(long), 'b', { maxParts: 4, maxHeaderBytes: 100 })).message,
    ).toContain('exceed 100 bytes')
  })

  it.each([
    ['multipart/mixed', 'needs a boundary parameter'],
    [`multipart/mixed; boundary=${'x'.repeat(71)}`, '1 to 70 characters'],
    ['multipart/mixed; boundary="ends with space "', '1 to 70 characters'],
  ])('refuses the Content-Type %s', (header, message) => {
    expect(failure(() => multipartBoundary(header)).message).toContain(message)
  })

  it('reads media types and quoted parameters', () => {
    expect(parseContentType('Multipart/Mixed; Boundary="a\\"b"; x=1')).toEqual({
      type: 'multipart/mixed',
      params: { boundary: 'a"b', x: '1' },
    })
  })
})

const text = 'here is a simple attachment'
const textHash = sha256(text)
const base = {
  actor: { mbox: 'mailto:learner@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: 'https://example.org/quiz/q1' },
}
const attachment = (over: Record<string, unknown> = {}) => ({
  usageType: 'http://example.org/attachment-usage/test',
  display: { 'en-US': 'A test attachment' },
  contentType: 'text/plain; charset=ascii',
  length: text.length,
  sha2: textHash,
  ...over,
})
const part = (over: Partial<AttachmentPart> = {}): AttachmentPart => ({
  hash: textHash,
  contentType: 'text/plain',
  transferEncoding: 'binary',
  content: Buffer.from(text),
  ...over,
})
const statements = (...s: Record<string, unknown>[]): Statement[] => s.map((x) => validateStatement(x))
const label = (i: number) => `statements[${i}]`

describe('matching attachment parts to statements (the conformance cases)', () => {
  it.each<[string, Statement[], AttachmentPart[]]>([
    ['statements without attachments and no parts', statements(base), []],
    [
      'an attachment by fileUrl only',
      statements({ ...base, attachments: [attachment({ fileUrl: 'https://example.org/a.txt' })] }),
      [],
    ],
    ['an attachment and its part', statements({ ...base, attachments: [attachment()] }), [part()]],
    [
      'the hash in upper case',
      statements({ ...base, attachments: [attachment({ sha2: textHash.toUpperCase() })] }),
      [part({ hash: textHash.toUpperCase() })],
    ],
    [
      'one part shared by two statements',
      statements({ ...base, attachments: [attachment()] }, { ...base, attachments: [attachment()] }),
      [part()],
    ],
    ['the same part sent twice', statements({ ...base, attachments: [attachment()] }), [part(), part()]],
    [
      'a fileUrl attachment whose content is sent too',
      statements({ ...base, attachments: [attachment({ fileUrl: 'https://example.org/a.txt' })] }),
      [part()],
    ],
    [
      'an attachment in a SubStatement',
      statements({ ...base, object: { objectType: 'SubStatement', ...base, attachments: [attachment()] } }),
      [part()],
    ],
    [
      'SHA-512',
      statements({
        ...base,
        attachments: [attachment({ sha2: createHash('sha512').update(text).digest('hex') })],
      }),
      [part({ hash: createHash('sha512').update(text).digest('hex') })],
    ],
  ])('accepts %s', (_, s, parts) => {
    const content = matchAttachments(s, parts, label)
    expect([...content.keys()]).toEqual(parts.length ? [parts[0]?.hash.toLowerCase()] : [])
  })

  it.each<[string, Statement[], AttachmentPart[], string]>([
    [
      'an attachment without fileUrl and no part',
      statements({ ...base, attachments: [attachment()] }),
      [],
      `statements[0].attachments[0]: has no fileUrl and no part with X-Experience-API-Hash ${textHash}`,
    ],
    [
      'a part no statement names',
      statements(base),
      [part()],
      'attachment part 1: no statement has an attachment with its hash',
    ],
    [
      'a part whose hash does not match its content',
      statements({ ...base, attachments: [attachment()] }),
      [part({ content: Buffer.from('something else') })],
      'attachment part 1: X-Experience-API-Hash does not match',
    ],
    [
      'a part without X-Experience-API-Hash',
      statements({ ...base, attachments: [attachment()] }),
      [part({ hash: '' })],
      'the X-Experience-API-Hash header is missing',
    ],
    [
      'a hash that is not hex',
      statements({ ...base, attachments: [attachment()] }),
      [part({ hash: 'z'.repeat(64) })],
      'must be a hex SHA-2 hash',
    ],
    [
      'a hash of no SHA-2 length',
      statements({ ...base, attachments: [attachment()] }),
      [part({ hash: 'ab'.repeat(20) })],
      'must be a hex SHA-2 hash',
    ],
    [
      'a part without Content-Transfer-Encoding',
      statements({ ...base, attachments: [attachment()] }),
      [part({ transferEncoding: undefined })],
      'Content-Transfer-Encoding: binary',
    ],
    [
      'a part in base64',
      statements({ ...base, attachments: [attachment()] }),
      [part({ transferEncoding: 'base64' })],
      'Content-Transfer-Encoding: binary',
    ],
  ])('refuses %s', (_, s, parts, message) => {
    expect(failure(() => matchAttachments(s, parts, label))).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(message),
    })
  })
})

describe('signed statements', () => {
  const key = fixture('signing-test-key.pem')
  const cert = fixture('signing-test-cert.pem')
  const der = cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
  const segment = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
  const jws = (payload: unknown, header: Record<string, unknown> = { alg: 'RS256' }, hash = 'sha256') => {
    const input = `${segment(header)}.${segment(payload)}`
    return `${input}.${sign(hash, Buffer.from(input), key).toString('base64url')}`
  }
  const signed = (
    token: string,
    statement: Record<string, unknown> = base,
    over: Record<string, unknown> = {},
  ) => {
    const content = Buffer.from(token)
    const s = {
      ...statement,
      attachments: [
        ...((statement.attachments as unknown[]) ?? []),
        attachment({
          usageType: SIGNATURE_USAGE,
          display: { 'en-US': 'Signature' },
          contentType: 'application/octet-stream',
          length: content.length,
          sha2: sha256(content),
          ...over,
        }),
      ],
    }
    return {
      statements: statements(s),
      parts: [part({ hash: sha256(content), contentType: 'application/octet-stream', content })],
    }
  }
  const check = (x: { statements: Statement[]; parts: AttachmentPart[] }) => () =>
    matchAttachments(x.statements, x.parts, label)

  it.each([
    ['RS256 with its certificate', jws(base, { alg: 'RS256', x5c: [der] })],
    ['RS512 without a certificate', jws(base, { alg: 'RS512' }, 'sha512')],
    [
      'a payload that differs only in what the LRS sets',
      jws(
        { ...base, authority: { mbox: 'mailto:someone@example.org' }, version: '1.0.0' },
        { alg: 'RS384', x5c: [der] },
        'sha384',
      ),
    ],
  ])('accepts %s', (_, token) => {
    expect(check(signed(token))().size).toBe(1)
  })

  it('accepts a signed statement with other attachments, the payload naming those', () => {
    const withOther = { ...base, attachments: [attachment()] }
    const x = signed(jws(withOther, { alg: 'RS256', x5c: [der] }), withOther)
    expect(matchAttachments(x.statements, [...x.parts, part()], label).size).toBe(2)
  })

  const other = { ...base, verb: { id: 'http://adlnet.gov/expapi/verbs/passed' } }
  it.each([
    ['not compact serialization', 'abc.def', {}, 'compact serialization'],
    ['JSON serialization', JSON.stringify({ payload: 'x', signatures: [] }), {}, 'compact serialization'],
    [
      'a header that is not JSON',
      `${Buffer.from('nope').toString('base64url')}.e30.AA`,
      {},
      'header is not JSON',
    ],
    ['alg HS256', jws(base, { alg: 'HS256' }), {}, 'alg must be RS256, RS384 or RS512'],
    ['alg none', `${segment({ alg: 'none' })}.${segment(base)}.`, {}, 'alg must be RS256'],
    ['a payload that is not a statement', jws({ hello: 'world' }), {}, 'payload is not a valid statement'],
    ['a payload of another statement', jws(other), {}, 'not the statement that was signed'],
    [
      'a payload with another id',
      jws({ ...base, id: '11111111-1111-4111-8111-111111111111' }),
      {},
      'not the statement that was signed',
    ],
    [
      'a tampered signature',
      `${jws(base, { alg: 'RS256', x5c: [der] }).slice(0, -6)}AAAAAA`,
      {},
      'does not verify',
    ],
    [
      'a signature of another payload',
      (() => {
        const [h, , s] = jws(other, { alg: 'RS256', x5c: [der] }).split('.')
        return `${h}.${segment(base)}.${s}`
      })(),
      {},
      'does not verify',
    ],
    [
      'an unreadable x5c',
      jws(base, { alg: 'RS256', x5c: ['bm90IGEgY2VydA=='] }),
      {},
      'x5c certificate cannot be read',
    ],
    [
      'the wrong contentType',
      jws(base),
      { contentType: 'application/jose' },
      'must be application/octet-stream',
    ],
  ])('refuses %s', (_, token, over, message) => {
    expect(failure(check(signed(token, base, over)))).toEqual({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining(message),
    })
  })

  it('refuses two signatures on one statement', () => {
    const token = jws(base)
    const once = signed(token)
    const s = once.statements[0] as Statement
    const twice = statements({ ...s, attachments: [...(s.attachments ?? []), ...(s.attachments ?? [])] })
    expect(failure(() => matchAttachments(twice, once.parts, label)).message).toContain(
      'one signature attachment',
    )
  })
})

describe('sha2Hex', () => {
  it('picks the SHA-2 variant by the hash length', () => {
    expect(sha2Hex(Buffer.from('x'), 64)).toBe(sha256('x'))
    expect(sha2Hex(Buffer.from('x'), 56)).toBe(createHash('sha224').update('x').digest('hex'))
    expect(sha2Hex(Buffer.from('x'), 40)).toBeNull()
  })
})
