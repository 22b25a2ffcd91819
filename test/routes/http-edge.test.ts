import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialects } from '#test/support/database.ts'
import { createTestUser } from '#test/support/factories.ts'
import { call, createTestRounds, signIn, TEST_PASSWORD, type TestRounds } from '#test/support/rounds.ts'
import { expectError, expectValidationError, uniq } from './helpers.ts'

const BODY_LIMIT = 512

describe.each(testDialects)('the HTTP edge of the whole app on %s', (dialect) => {
  let rounds: TestRounds
  let cookie: string
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { env: { BODY_LIMIT_BYTES: String(BODY_LIMIT) } })
    cookie = await signIn(rounds, (await createTestUser(rounds)).email)
  })
  afterAll(() => rounds?.close())

  describe('malformed JSON → 400 MALFORMED_JSON', () => {
    it.each([
      ['POST', '/api/orgs'],
      ['PUT', '/api/me/identity'],
      ['POST', '/api/invitations/accept'],
    ])('on %s %s', async (method, path) => {
      await expectError(
        await call(rounds, method, path, { cookie, rawBody: '{"slug": "ab",' }),
        400,
        'MALFORMED_JSON',
      )
    })

    it('on POST /api/auth/sign-in/email', async () => {
      const res = await call(rounds, 'POST', '/api/auth/sign-in/email', { rawBody: '{"email":' })
      await expectError(res, 400, 'MALFORMED_JSON')
    })
  })

  describe('wrong types → 400 VALIDATION_FAILED naming the field', () => {
    it('POST /api/orgs', async () => {
      const res = await call(rounds, 'POST', '/api/orgs', { cookie, body: { slug: 12, name: 'Fine Name' } })
      const details = await expectValidationError(res, ['slug'])
      expect(details.slug).toMatch(/expected string/)
      expect(Object.keys(details)).toEqual(['slug'])
    })

    it('PUT /api/me/identity', async () => {
      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie,
        body: {
          displayName: ['Dr', 'X'],
          profession: null,
          registrationBody: null,
          registrationNumber: 7012345,
        },
      })
      await expectValidationError(res, ['displayName', 'registrationNumber'])
    })

    it('a JSON array instead of an object', async () => {
      await expectValidationError(await call(rounds, 'POST', '/api/orgs', { cookie, body: ['demo'] }), [
        '(body)',
      ])
    })
  })

  describe(`bodies over BODY_LIMIT_BYTES (${BODY_LIMIT}) → 413 PAYLOAD_TOO_LARGE`, () => {
    const big = { slug: 'big', name: 'x'.repeat(BODY_LIMIT), description: '' }
    it('on our routes', async () => {
      await expectError(
        await call(rounds, 'POST', '/api/orgs', { cookie, body: big }),
        413,
        'PAYLOAD_TOO_LARGE',
      )
    })
    it('on better-auth routes', async () => {
      const res = await call(rounds, 'POST', '/api/auth/sign-up/email', {
        body: { name: 'x'.repeat(BODY_LIMIT), email: `big-${uniq()}@example.org`, password: TEST_PASSWORD },
      })
      await expectError(res, 413, 'PAYLOAD_TOO_LARGE')
    })
    it('while a body under the limit goes through', async () => {
      const res = await call(rounds, 'POST', '/api/orgs', {
        cookie,
        body: { slug: `small-${uniq()}`, name: 'Small' },
      })
      expect(res.status).toBe(201)
    })
  })

  describe('non-JSON bodies → 415 UNSUPPORTED_MEDIA_TYPE', () => {
    it.each([
      ['POST', '/api/orgs', 'text/plain'],
      ['PUT', '/api/me/identity', 'application/xml'],
      ['POST', '/api/auth/sign-in/email', 'application/x-www-form-urlencoded'],
      ['POST', '/api/auth/sign-out', 'text/plain'],
    ])('%s %s as %s', async (method, path, type) => {
      const res = await call(rounds, method, path, {
        cookie,
        rawBody: 'a=b',
        headers: { 'content-type': type },
      })
      await expectError(res, 415, 'UNSUPPORTED_MEDIA_TYPE')
    })

    it('a form post cannot sign anyone out (no cross-site form requests)', async () => {
      const res = await call(rounds, 'POST', '/api/auth/sign-out', {
        cookie,
        rawBody: 'x=1',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(res.status).toBe(415)
      expect((await call(rounds, 'GET', '/api/me', { cookie })).status).toBe(200)
    })
  })

  describe('requests from other sites → 403 FORBIDDEN', () => {
    it('a page elsewhere cannot sign in, create an organisation or sign out with our cookies', async () => {
      const user = await createTestUser(rounds)
      const cookie = await signIn(rounds, user.email)
      const evil = { origin: 'https://evil.example' }
      await expectError(
        await call(rounds, 'POST', '/api/auth/sign-in/email', {
          headers: evil,
          body: { email: user.email, password: TEST_PASSWORD },
        }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', '/api/orgs', {
          cookie,
          headers: evil,
          body: { slug: `x-${uniq()}`, name: 'Evil org' },
        }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', '/api/auth/sign-out', { cookie, headers: evil, body: {} }),
        403,
        'FORBIDDEN',
      )
      // The session still works from our own origin, and reads are not affected.
      expect((await call(rounds, 'GET', '/api/me', { cookie, headers: evil })).status).toBe(200)
    })
  })

  it('unknown well-known paths are a JSON 404, not the web page', async () => {
    await expectError(
      await call(rounds, 'GET', '/.well-known/webfinger?resource=acct:x@localhost'),
      404,
      'ROUTE_NOT_FOUND',
    )
  })

  describe('unknown API routes → 404 ROUTE_NOT_FOUND', () => {
    it.each([
      ['GET', '/api/nope'],
      ['GET', '/api'],
      ['PATCH', '/api/me'],
      ['DELETE', '/api/orgs'],
      ['GET', '/api/orgs/demo/unknown'],
      ['GET', '/api/auth/unknown'],
      ['POST', '/api/auth/sign-in/unknown'],
    ])('%s %s', async (method, path) => {
      const res = await call(rounds, method, path, { cookie, ...(method === 'GET' ? {} : { body: {} }) })
      const body = await expectError(res, 404, 'ROUTE_NOT_FOUND')
      expect(body.error.message).not.toMatch(/<|html/i)
    })
  })

  it('GET /api/health is public and checks the database', async () => {
    const res = await call(rounds, 'GET', '/api/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
  })
})

describe.each(testDialects)('unexpected failures on %s', (dialect) => {
  let rounds: TestRounds
  let cookie: string
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    const user = await createTestUser(rounds)
    cookie = await signIn(rounds, user.email)
    // The database goes away under a running server.
    await rounds.database.destroy()
  })
  afterAll(() => rounds?.close().catch(() => {}))

  it.each([
    ['GET', '/api/me', true],
    ['GET', '/api/health', false],
    ['POST', '/api/orgs', true],
    ['POST', '/api/auth/sign-in/email', false],
  ] as const)(
    '%s %s → 500 INTERNAL with the request id and nothing internal',
    async (method, path, withCookie) => {
      const res = await call(rounds, method, path, {
        ...(withCookie ? { cookie } : {}),
        ...(method === 'POST'
          ? { body: { slug: `x-${uniq()}`, name: 'Broken', email: 'a@example.org', password: TEST_PASSWORD } }
          : {}),
      })
      const text = await res.clone().text()
      const body = await expectError(res, 500, 'INTERNAL')
      expect(body.error.message).toBe(
        'something went wrong on our side; quote the request id if you report it',
      )
      for (const leak of ['destroyed', 'driver', 'kysely', 'node_modules', 'select', ' at ']) {
        expect(text.toLowerCase()).not.toContain(leak)
      }
    },
  )
})
