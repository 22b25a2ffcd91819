import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson } from './helpers.ts'

type Creds = { key: string; secret: string; endpoint: string; client: { id: string } }

const answered = 'http://adlnet.gov/expapi/verbs/answered'
const statement = (over: Record<string, unknown> = {}) => ({
  actor: { objectType: 'Agent', mbox: 'mailto:learner@example.org' },
  verb: { id: answered, display: { 'en-US': 'answered' } },
  object: { objectType: 'Activity', id: 'https://example.org/quiz/q1' },
  result: { success: true, score: { scaled: 0.8 } },
  ...over,
})

describe.each(testDialects)('the built-in LRS at /xapi/ (%s)', (dialect) => {
  let rounds: TestRounds
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  let creds: Creds
  let otherCreds: Creds

  const basic = (c: Pick<Creds, 'key' | 'secret'>) =>
    `Basic ${Buffer.from(`${c.key}:${c.secret}`).toString('base64')}`
  const xapi = (
    method: string,
    path: string,
    options: {
      body?: unknown
      version?: string | null
      creds?: Creds | null
      headers?: Record<string, string>
    } = {},
  ) => {
    const headers: Record<string, string> = { ...options.headers }
    const c = options.creds === undefined ? creds : options.creds
    if (c) headers.authorization = basic(c)
    if (options.version !== null) headers['x-experience-api-version'] = options.version ?? '1.0.3'
    if (options.body !== undefined) headers['content-type'] = 'application/json'
    return rounds.app.request(`/xapi${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    })
  }

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
    creds = await expectJson<Creds>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/lrs-clients`, {
        cookie: w.admin.cookie,
        body: { name: 'Moodle' },
      }),
      201,
    )
    otherCreds = await expectJson<Creds>(
      await call(rounds, 'POST', `/api/orgs/${w.other.slug}/lrs-clients`, {
        cookie: w.outsider.cookie,
        body: { name: 'Elsewhere' },
      }),
      201,
    )
  })
  afterAll(() => rounds.close())

  it('refuses requests without valid credentials (401)', async () => {
    await expectError(await xapi('GET', '/statements', { creds: null }), 401, 'UNAUTHENTICATED')
    await expectError(
      await xapi('GET', '/statements', { creds: { ...creds, secret: 'wrong' } }),
      401,
      'UNAUTHENTICATED',
    )
  })

  it.each([
    [null, 'send the X-Experience-API-Version header'],
    ['0.95', 'X-Experience-API-Version 0.95 is not supported'],
    ['3.0', 'X-Experience-API-Version 3.0 is not supported'],
  ])('requires a supported version header (%s -> 400)', async (version, message) => {
    const res = await xapi('POST', '/statements', { body: statement(), version })
    expect(res.headers.get('x-experience-api-version')).toBe('2.0.0')
    const body = await expectError(res, 400, 'VALIDATION_FAILED')
    expect(body.error.message).toContain(message)
  })

  it('answers /about without credentials, naming its versions', async () => {
    const res = await rounds.app.request('/xapi/about')
    expect(await expectJson(res, 200)).toEqual({ version: ['1.0.3', '2.0.0'], extensions: {} })
  })

  it('stores a POSTed statement and returns it with stored, authority and the version header', async () => {
    const id = randomUUID()
    const post = await xapi('POST', '/statements', { body: statement({ id }) })
    expect(post.headers.get('x-experience-api-version')).toBe('1.0.3')
    expect(await expectJson(post, 200)).toEqual([id])
    const got = await expectJson<Record<string, unknown>>(
      await xapi('GET', `/statements?statementId=${id}`),
      200,
    )
    expect(got).toMatchObject({ id, version: '1.0.0', timestamp: got.stored })
    expect(got.authority).toEqual({
      objectType: 'Agent',
      name: 'Moodle',
      account: { homePage: `${TEST_BASE_URL}/`, name: `lrs-client:${creds.key}` },
    })
    // Another organisation's client cannot see it.
    await expectError(
      await xapi('GET', `/statements?statementId=${id}`, { creds: otherCreds }),
      404,
      'NOT_FOUND',
    )
  })

  it('assigns ids to an array, is idempotent for the same statement and answers 409 for a different one', async () => {
    const ids = await expectJson<string[]>(
      await xapi('POST', '/statements', { body: [statement(), statement()], version: '2.0.0' }),
      200,
    )
    expect(ids).toHaveLength(2)
    const id = randomUUID()
    await expectJson(await xapi('POST', '/statements', { body: statement({ id }) }), 200)
    await expectJson(await xapi('POST', '/statements', { body: statement({ id }) }), 200)
    const res = await xapi('POST', '/statements', { body: statement({ id, result: { success: false } }) })
    await expectError(res, 409, 'CONFLICT')
  })

  it('stores by PUT ?statementId= (204) and refuses a mismatched id', async () => {
    const id = randomUUID()
    const put = await xapi('PUT', `/statements?statementId=${id}`, { body: statement() })
    expect(put.status).toBe(204)
    await expectError(
      await xapi('PUT', `/statements?statementId=${randomUUID()}`, { body: statement({ id }) }),
      400,
      'VALIDATION_FAILED',
    )
    await expectError(await xapi('PUT', '/statements', { body: statement() }), 400, 'VALIDATION_FAILED')
  })

  it.each([
    ['verb not an IRI', { verb: { id: 'not a uri' } }, 'statement.verb.id'],
    [
      'two identifiers',
      { actor: { mbox: 'mailto:a@example.org', openid: 'https://id.example/a' } },
      'statement.actor',
    ],
    ['scaled above 1', { result: { score: { scaled: 2 } } }, 'statement.result.score.scaled'],
    ['unknown property', { grade: 'A' }, 'statement'],
  ])('refuses an invalid statement with a clear message (%s)', async (_, patch, field) => {
    const body = await expectError(
      await xapi('POST', '/statements', { body: statement(patch) }),
      400,
      'VALIDATION_FAILED',
    )
    expect(body.error.message.startsWith(`${field}:`)).toBe(true)
  })

  it('voids statements: hidden from queries, returned by voidedStatementId', async () => {
    const id = randomUUID()
    await xapi('POST', '/statements', { body: statement({ id }) })
    const voiding = {
      actor: { mbox: 'mailto:admin@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided', display: { 'en-US': 'voided' } },
      object: { objectType: 'StatementRef', id },
    }
    await expectJson(await xapi('POST', '/statements', { body: voiding }), 200)
    await expectError(await xapi('GET', `/statements?statementId=${id}`), 404, 'NOT_FOUND')
    const voided = await expectJson<{ id: string }>(
      await xapi('GET', `/statements?voidedStatementId=${id}`),
      200,
    )
    expect(voided.id).toBe(id)
    await expectError(
      await xapi('GET', `/statements?statementId=${id}&verb=${encodeURIComponent(answered)}`),
      400,
      'VALIDATION_FAILED',
    )
  })

  it('filters and pages with more links that neither repeat nor skip', async () => {
    const registration = randomUUID()
    const learner = { account: { homePage: `${TEST_BASE_URL}/`, name: `anon:${randomUUID()}` } }
    const ids = await expectJson<string[]>(
      await xapi('POST', '/statements', {
        body: Array.from({ length: 7 }, () => statement({ actor: learner, context: { registration } })),
      }),
      200,
    )
    const seen: string[] = []
    let url = `/statements?registration=${registration}&agent=${encodeURIComponent(JSON.stringify(learner))}&limit=3&ascending=true`
    for (let pages = 0; url && pages < 10; pages++) {
      const res = await xapi('GET', url)
      expect(res.headers.get('x-experience-api-consistent-through')).toBeTruthy()
      const page = await expectJson<{ statements: Array<{ id: string }>; more: string }>(res, 200)
      seen.push(...page.statements.map((s) => s.id))
      if (page.more) expect(page.more.startsWith('/xapi/statements?more=')).toBe(true)
      url = page.more.replace(/^\/xapi/, '')
      // Statements stored meanwhile do not shift the pages.
      await xapi('POST', '/statements', { body: statement({ actor: learner, context: { registration } }) })
    }
    // One batch shares its `stored` instant; within it the order is by id.
    expect([...seen].sort()).toEqual([...ids].sort())
    expect(new Set(seen).size).toBe(ids.length)
    const ids2 = await expectJson<{ statements: Array<Record<string, unknown>> }>(
      await xapi('GET', `/statements?registration=${registration}&format=ids&limit=1`),
      200,
    )
    expect(ids2.statements[0]?.verb).toEqual({ id: answered })
    await expectError(await xapi('GET', '/statements?more=garbage'), 400, 'VALIDATION_FAILED')
    await expectError(await xapi('GET', '/statements?agent=notjson'), 400, 'VALIDATION_FAILED')
    await expectError(await xapi('GET', '/statements?since=yesterday'), 400, 'VALIDATION_FAILED')
    await expectError(await xapi('GET', '/statements?colour=red'), 400, 'VALIDATION_FAILED')
  })

  it('stops accepting a revoked client', async () => {
    const c = await expectJson<Creds>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/lrs-clients`, {
        cookie: w.admin.cookie,
        body: { name: 'Temp' },
      }),
      201,
    )
    expect((await xapi('GET', '/statements?limit=1', { creds: c })).status).toBe(200)
    await expectJson(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/lrs-clients/${c.client.id}/revoke`, {
        cookie: w.admin.cookie,
      }),
      200,
    )
    await expectError(await xapi('GET', '/statements?limit=1', { creds: c }), 401, 'UNAUTHENTICATED')
    const list = await expectJson<{ clients: Array<Record<string, unknown>> }>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/lrs-clients`, { cookie: w.admin.cookie }),
      200,
    )
    expect(list.clients.find((x) => x.id === c.client.id)?.revokedAt).toBeTruthy()
    expect(JSON.stringify(list)).not.toContain(c.secret)
  })

  it('keeps the external LRS secret out of every response', async () => {
    const path = `/api/orgs/${w.org.slug}/lrs-forwarding`
    await expectError(
      await call(rounds, 'PUT', path, {
        cookie: w.admin.cookie,
        body: { endpoint: 'ftp://x', username: 'u', secret: 's' },
      }),
      400,
      'VALIDATION_FAILED',
    )
    const set = await call(rounds, 'PUT', path, {
      cookie: w.admin.cookie,
      body: { endpoint: 'https://lrs.example.org/xapi', username: 'rounds', secret: 'top-secret-value' },
    })
    const text = await set.text()
    expect(set.status).toBe(200)
    expect(text).not.toContain('top-secret-value')
    expect(JSON.parse(text).forwarding).toMatchObject({
      endpoint: 'https://lrs.example.org/xapi/',
      pending: 0,
    })
    await expectJson(await call(rounds, 'DELETE', path, { cookie: w.admin.cookie }), 200)
    expect(await expectJson(await call(rounds, 'GET', path, { cookie: w.admin.cookie }), 200)).toEqual({
      forwarding: null,
    })
  })
})
