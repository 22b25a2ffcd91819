import { createHash, randomBytes, randomUUID, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  buildMultipart,
  multipartBoundary,
  parseMultipart,
} from '#src/capabilities/learning/xapi/xapi.multipart.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson } from './helpers.ts'

type Creds = { key: string; secret: string }
type Part = { headers: Record<string, string>; body: Uint8Array | string }

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex')
// Every byte value, CR LF pairs and something that looks like a delimiter: binary must survive.
const binary = new Uint8Array(
  Buffer.concat([
    Buffer.from(Array.from({ length: 256 }, (_, i) => i)),
    Buffer.from('\r\n--x\r\n\r\n'),
    randomBytes(4096),
  ]),
)
const binaryHash = sha256(binary)

const statement = (over: Record<string, unknown> = {}) => ({
  actor: { mbox: 'mailto:learner@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/attempted' },
  object: { id: 'https://example.org/case/1' },
  ...over,
})
const attachment = (over: Record<string, unknown> = {}) => ({
  usageType: 'http://id.tincanapi.com/attachment/supporting_media',
  display: { 'en-US': 'Scan' },
  contentType: 'application/octet-stream',
  length: binary.byteLength,
  sha2: binaryHash,
  ...over,
})
const jsonPart = (body: unknown): Part => ({
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})
const filePart = (content: Uint8Array = binary, over: Record<string, string> = {}): Part => ({
  headers: {
    'Content-Type': 'application/octet-stream',
    'Content-Transfer-Encoding': 'binary',
    'X-Experience-API-Hash': sha256(content),
    ...over,
  },
  body: content,
})

describe.each(testDialects)('xAPI attachments at /xapi/statements (%s)', (dialect) => {
  let rounds: TestRounds
  let creds: Creds

  const request = (
    method: string,
    path: string,
    parts: Part[] | null,
    headers: Record<string, string> = {},
  ) => {
    const built = parts ? buildMultipart(parts) : null
    return rounds.app.request(`/xapi${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString('base64')}`,
        'x-experience-api-version': '1.0.3',
        ...(built ? { 'content-type': built.contentType } : {}),
        ...headers,
      },
      ...(built ? { body: built.body } : {}),
    })
  }
  const readMultipart = async (res: Response) => {
    expect(res.status).toBe(200)
    const type = res.headers.get('content-type') ?? ''
    expect(type).toMatch(/^multipart\/mixed; boundary=/)
    const parts = parseMultipart(new Uint8Array(await res.arrayBuffer()), multipartBoundary(type))
    expect(parts[0]?.headers['content-type']).toBe('application/json')
    return { json: JSON.parse(Buffer.from(parts[0]?.body ?? []).toString('utf8')), parts: parts.slice(1) }
  }

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    const w = await createOrgWithRoles(rounds)
    creds = await expectJson<Creds>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/lrs-clients`, {
        cookie: w.admin.cookie,
        body: { name: 'Simulator' },
      }),
      201,
    )
  })
  afterAll(() => rounds.close())

  it('stores a statement with a binary attachment and returns it byte for byte with attachments=true', async () => {
    const id = randomUUID()
    const ids = await expectJson<string[]>(
      await request('POST', '/statements', [
        jsonPart(statement({ id, attachments: [attachment()] })),
        filePart(),
      ]),
      200,
    )
    expect(ids).toEqual([id])

    const single = await readMultipart(
      await request('GET', `/statements?statementId=${id}&attachments=true`, null),
    )
    expect(single.json.id).toBe(id)
    expect(single.parts).toHaveLength(1)
    expect(single.parts[0]?.headers).toMatchObject({
      'content-type': 'application/octet-stream',
      'content-transfer-encoding': 'binary',
      'x-experience-api-hash': binaryHash,
    })
    expect(Buffer.from(single.parts[0]?.body ?? []).equals(Buffer.from(binary))).toBe(true)

    const page = await readMultipart(
      await request(
        'GET',
        `/statements?activity=${encodeURIComponent('https://example.org/case/1')}&attachments=true`,
        null,
      ),
    )
    expect(page.json.statements.map((s: { id: string }) => s.id)).toContain(id)
    expect(page.parts.map((p) => p.headers['x-experience-api-hash'])).toEqual([binaryHash])

    // attachments=false (and no parameter): plain JSON.
    for (const q of ['&attachments=false', '']) {
      const res = await request('GET', `/statements?statementId=${id}${q}`, null)
      expect(res.headers.get('content-type')).toMatch(/^application\/json/)
      expect(((await res.json()) as { id: string }).id).toBe(id)
    }
  })

  it('stores the content once however many statements and requests carry it', async () => {
    const content = randomBytes(2048)
    const hash = sha256(content)
    const a = attachment({ sha2: hash, length: content.byteLength })
    await expectJson(
      await request('POST', '/statements', [
        jsonPart([statement({ attachments: [a] }), statement({ attachments: [a] })]),
        filePart(content),
      ]),
      200,
    )
    const id = randomUUID()
    const put = await request('PUT', `/statements?statementId=${id}`, [
      jsonPart(statement({ attachments: [a] })),
      filePart(content),
    ])
    expect(put.status).toBe(204)
    const rows = await rounds.database.db
      .selectFrom('xapi_attachment')
      .select(['sha2', 'length'])
      .where('sha2', '=', hash)
      .execute()
    expect(rows).toEqual([{ sha2: hash, length: 2048 }])
    const got = await readMultipart(
      await request('GET', `/statements?statementId=${id}&attachments=true`, null),
    )
    expect(Buffer.from(got.parts[0]?.body ?? []).equals(content)).toBe(true)
  })

  it('accepts multipart requests without attachments and attachments by fileUrl alone', async () => {
    await expectJson(await request('POST', '/statements', [jsonPart([statement()])]), 200)
    const id = randomUUID()
    await expectJson(
      await request('POST', '/statements', [
        jsonPart(
          statement({
            id,
            attachments: [attachment({ fileUrl: 'https://example.org/scan.bin', sha2: sha256('elsewhere') })],
          }),
        ),
      ]),
      200,
    )
    // Nothing to send with it: attachments=true answers multipart with the JSON part only.
    const got = await readMultipart(
      await request('GET', `/statements?statementId=${id}&attachments=true`, null),
    )
    expect(got.parts).toHaveLength(0)
  })

  it.each<[string, () => Part[], string]>([
    [
      'an attachment without its part',
      () => [jsonPart(statement({ attachments: [attachment()] }))],
      'has no fileUrl and no part',
    ],
    [
      'a part no statement names',
      () => [jsonPart(statement()), filePart()],
      'no statement has an attachment with its hash',
    ],
    [
      'a part whose hash is wrong',
      () => [
        jsonPart(statement({ attachments: [attachment()] })),
        filePart(binary, { 'X-Experience-API-Hash': sha256('other') }),
      ],
      'X-Experience-API-Hash does not match',
    ],
    [
      'a part whose content does not match its hash',
      () => [
        jsonPart(statement({ attachments: [attachment()] })),
        { ...filePart(), body: new Uint8Array([1, 2, 3]) },
      ],
      'does not match the part',
    ],
    [
      'a part without Content-Transfer-Encoding',
      () => [
        jsonPart(statement({ attachments: [attachment()] })),
        {
          headers: { 'Content-Type': 'application/octet-stream', 'X-Experience-API-Hash': binaryHash },
          body: binary,
        },
      ],
      'Content-Transfer-Encoding: binary',
    ],
    [
      'statements as text/plain in the first part',
      () => [{ headers: { 'Content-Type': 'text/plain' }, body: JSON.stringify(statement()) }, filePart()],
      'the first part of a multipart/mixed request must be the statements',
    ],
    [
      'the attachment before the statements',
      () => [filePart(), jsonPart(statement({ attachments: [attachment()] }))],
      'the first part of a multipart/mixed request must be the statements',
    ],
  ])('refuses %s (400) and stores nothing', async (_, parts, message) => {
    const before = await rounds.database.db
      .selectFrom('xapi_statement')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const body = await expectError(await request('POST', '/statements', parts()), 400, 'VALIDATION_FAILED')
    expect(body.error.message).toContain(message)
    const after = await rounds.database.db
      .selectFrom('xapi_statement')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('refuses a body without a boundary or closing delimiter (400), other types (415) and oversize requests (413)', async () => {
    const headers = (type: string) => ({
      authorization: `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString('base64')}`,
      'x-experience-api-version': '1.0.3',
      'content-type': type,
    })
    const send = (type: string, body: string | Uint8Array) =>
      rounds.app.request('/xapi/statements', { method: 'POST', headers: headers(type), body })
    await expectError(await send('multipart/mixed', '--b\r\n\r\n[]\r\n--b--'), 400, 'VALIDATION_FAILED')
    await expectError(
      await send(
        'multipart/mixed; boundary=b',
        `--b\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(statement())}`,
      ),
      400,
      'VALIDATION_FAILED',
    )
    await expectError(await send('text/plain', JSON.stringify(statement())), 415, 'UNSUPPORTED_MEDIA_TYPE')
    const big = new Uint8Array(9 * 1024 * 1024)
    await expectError(
      await request('POST', '/statements', [
        jsonPart(statement({ attachments: [attachment({ sha2: sha256(big), length: big.byteLength })] })),
        filePart(big),
      ]),
      413,
      'PAYLOAD_TOO_LARGE',
    )
  })

  it('pages with attachments=true: the more link keeps asking for them', async () => {
    const activity = `https://example.org/case/${randomUUID()}`
    const contents = [randomBytes(300), randomBytes(400)]
    for (const content of contents)
      await expectJson(
        await request('POST', '/statements', [
          jsonPart(
            statement({
              object: { id: activity },
              attachments: [attachment({ sha2: sha256(content), length: content.byteLength })],
            }),
          ),
          filePart(content),
        ]),
        200,
      )
    const first = await readMultipart(
      await request(
        'GET',
        `/statements?activity=${encodeURIComponent(activity)}&limit=1&ascending=true&attachments=true`,
        null,
      ),
    )
    expect(first.json.more).toMatch(/&attachments=true$/)
    expect(first.parts.map((p) => p.headers['x-experience-api-hash'])).toEqual([
      sha256(contents[0] as Buffer),
    ])
    const second = await readMultipart(await request('GET', first.json.more.replace(/^\/xapi/, ''), null))
    expect(second.parts.map((p) => p.headers['x-experience-api-hash'])).toEqual([
      sha256(contents[1] as Buffer),
    ])
  })

  it('stores a signed statement whose JWS verifies and refuses one whose payload was altered', async () => {
    const key = readFileSync(
      new URL('../../src/capabilities/learning/xapi/fixtures/signing-test-key.pem', import.meta.url),
      'utf8',
    )
    const cert = readFileSync(
      new URL('../../src/capabilities/learning/xapi/fixtures/signing-test-cert.pem', import.meta.url),
      'utf8',
    )
    const der = cert.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '')
    const seg = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url')
    const id = randomUUID()
    const original = statement({ id, result: { success: true } })
    const input = `${seg({ alg: 'RS256', x5c: [der] })}.${seg(original)}`
    const jws = Buffer.from(`${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`)
    const signature = {
      usageType: 'http://adlnet.gov/expapi/attachments/signature',
      display: { 'en-US': 'Signature' },
      contentType: 'application/octet-stream',
      length: jws.byteLength,
      sha2: sha256(jws),
    }
    await expectJson(
      await request('POST', '/statements', [
        jsonPart({ ...original, attachments: [signature] }),
        filePart(jws),
      ]),
      200,
    )
    const got = await readMultipart(
      await request('GET', `/statements?statementId=${id}&attachments=true`, null),
    )
    expect(Buffer.from(got.parts[0]?.body ?? []).equals(jws)).toBe(true)

    const altered = { ...original, id: randomUUID(), result: { success: false }, attachments: [signature] }
    const body = await expectError(
      await request('POST', '/statements', [jsonPart(altered), filePart(jws)]),
      400,
      'VALIDATION_FAILED',
    )
    expect(body.error.message).toContain('not the statement that was signed')
  })

  it('keeps no attachment of a request refused as a conflict (409)', async () => {
    const id = randomUUID()
    await expectJson(await request('POST', '/statements', [jsonPart(statement({ id }))]), 200)
    const content = randomBytes(512)
    const a = attachment({ sha2: sha256(content), length: content.byteLength })
    await expectError(
      await request('POST', '/statements', [
        jsonPart(statement({ id, verb: { id: 'http://adlnet.gov/expapi/verbs/failed' }, attachments: [a] })),
        filePart(content),
      ]),
      409,
      'CONFLICT',
    )
    const rows = await rounds.database.db
      .selectFrom('xapi_attachment')
      .select('sha2')
      .where('sha2', '=', sha256(content))
      .execute()
    expect(rows).toEqual([])
  })

  it('refuses a JSON statement with an attachment that has no fileUrl', async () => {
    const res = await rounds.app.request('/xapi/statements', {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString('base64')}`,
        'x-experience-api-version': '2.0.0',
        'content-type': 'application/json',
      },
      body: JSON.stringify(statement({ attachments: [attachment()] })),
    })
    await expectError(res, 400, 'VALIDATION_FAILED')
  })
})
