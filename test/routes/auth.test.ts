import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Me } from '#src/capabilities/accounts/accounts.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestUser } from '#test/support/factories.ts'
import {
  call,
  createTestRounds,
  TEST_BASE_URL,
  TEST_PASSWORD,
  type TestRounds,
} from '#test/support/rounds.ts'
import { expectError, expectJson, uniq } from './helpers.ts'

/**
 * Sign-up, sign-in, sign-out, password reset and the sign-in rate limit, through the real
 * better-auth handler behind Rounds' HTTP edge.
 *
 * better-auth keeps its rate-limit counters in one map per process, shared by every Rounds
 * a test file creates, keyed by client address and path. So these tests run behind a
 * (pretend) proxy, TRUST_PROXY=true, and each test speaks from an address of its own.
 */
let clients = 0
const newClientIp = () => {
  clients += 1
  return `198.51.${Math.floor(clients / 250)}.${(clients % 250) + 1}`
}

/** The client addresses recorded on the user's sessions. */
async function sessionAddresses(rounds: TestRounds, userId: string): Promise<Array<string | null>> {
  const rows = await rounds.database.db
    .selectFrom('auth_session')
    .select('ip_address')
    .where('user_id', '=', userId)
    .execute()
  return rows.map((r) => r.ip_address)
}

type Options = { body?: unknown; rawBody?: string; cookie?: string; headers?: Record<string, string> }

describe.each(testDialects)('authentication on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { env: { SIGN_IN_RATE_LIMIT: '3', TRUST_PROXY: 'true' } })
  })
  afterAll(() => rounds?.close())

  /** Requests from one client address, as the proxy in front of Rounds would report it. */
  function client(ip = newClientIp()) {
    const send = (method: string, path: string, o: Options = {}) =>
      call(rounds, method, path, { ...o, headers: { 'x-forwarded-for': ip, ...o.headers } })
    return {
      ip,
      send,
      signIn: (email: string, password: string) =>
        send('POST', '/api/auth/sign-in/email', { body: { email, password } }),
      me: (cookie: string) => send('GET', '/api/me', { cookie }),
    }
  }

  const cookieOf = (res: Response) =>
    res.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ')
  const sessionCookie = (res: Response) =>
    res.headers.getSetCookie().find((c) => c.startsWith('better-auth.session_token='))

  describe('POST /api/auth/sign-up/email', () => {
    it('400 PASSWORD_TOO_SHORT under 12 characters, in the one error shape', async () => {
      const res = await client().send('POST', '/api/auth/sign-up/email', {
        body: { name: 'Short Pass', email: `short-${uniq()}@example.org`, password: 'eleven-char' },
      })
      await expectError(res, 400, 'PASSWORD_TOO_SHORT')
    })

    it('400 MALFORMED_JSON for a body that is not JSON', async () => {
      await expectError(
        await client().send('POST', '/api/auth/sign-up/email', { rawBody: '{"name":' }),
        400,
        'MALFORMED_JSON',
      )
    })

    it('422 for an address that already has an account, whatever its case', async () => {
      const existing = await createTestUser(rounds)
      const res = await client().send('POST', '/api/auth/sign-up/email', {
        body: { name: 'Copy Cat', email: existing.email.toUpperCase(), password: 'another-long-password' },
      })
      await expectError(res, 422, 'USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL')
    })

    it('creates the account and signs in with an HttpOnly, SameSite=Lax session cookie', async () => {
      const c = client()
      const email = `New.Person-${uniq()}@Example.org`
      const res = await c.send('POST', '/api/auth/sign-up/email', {
        body: { name: 'New Person', email, password: 'a-long-enough-password' },
      })
      const body = await expectJson<{ user: { email: string } }>(res, 200)
      expect(body.user.email).toBe(email.toLowerCase())
      const cookie = sessionCookie(res)
      expect(cookie).toMatch(/; HttpOnly/)
      expect(cookie).toMatch(/; SameSite=Lax/)
      expect(cookie).toMatch(/; Path=\//)

      const me = await expectJson<Me>(await c.me(cookieOf(res)), 200)
      expect(me.user).toMatchObject({ email: email.toLowerCase(), name: 'New Person' })
      expect(me.organisations).toEqual([])
    })
  })

  describe('POST /api/auth/sign-in/email', () => {
    it('400 VALIDATION_FAILED naming the fields of the wrong type', async () => {
      const res = await client().send('POST', '/api/auth/sign-in/email', {
        body: { email: 42, password: true },
      })
      const body = await expectError(res, 400, 'VALIDATION_FAILED')
      expect(body.error.message).toMatch(/email/)
      expect(body.error.message).toMatch(/password/)
    })

    it('401 for a wrong password, answered exactly as for an unknown address', async () => {
      const user = await createTestUser(rounds)
      const wrong = await expectError(
        await client().signIn(user.email, 'not-the-password'),
        401,
        'INVALID_EMAIL_OR_PASSWORD',
      )
      const unknown = await expectError(
        await client().signIn(`nobody-${uniq()}@example.org`, TEST_PASSWORD),
        401,
        'INVALID_EMAIL_OR_PASSWORD',
      )
      expect(wrong.error.message).toBe(unknown.error.message)
    })

    it('signs in: an HttpOnly, SameSite=Lax cookie for a week, not Secure over plain http', async () => {
      const user = await createTestUser(rounds)
      const c = client()
      const res = await c.signIn(user.email, TEST_PASSWORD)
      expect(res.status).toBe(200)
      const cookie = sessionCookie(res) ?? ''
      expect(cookie.split('; ').slice(1).sort()).toEqual([
        'HttpOnly',
        'Max-Age=604800',
        'Path=/',
        'SameSite=Lax',
      ])
      expect((await expectJson<Me>(await c.me(cookieOf(res)), 200)).user.id).toBe(user.id)
    })
  })

  describe('POST /api/auth/sign-out', () => {
    it('ends the session: the cookie is cleared and no longer works', async () => {
      const user = await createTestUser(rounds)
      const c = client()
      const cookie = cookieOf(await c.signIn(user.email, TEST_PASSWORD))
      expect((await c.me(cookie)).status).toBe(200)

      const res = await c.send('POST', '/api/auth/sign-out', { cookie, body: {} })
      expect(await expectJson(res, 200)).toEqual({ success: true })
      expect(sessionCookie(res)).toMatch(/^better-auth\.session_token=; Max-Age=0/)

      await expectError(await c.me(cookie), 401, 'UNAUTHENTICATED')
      expect(await expectJson(await c.send('GET', '/api/auth/get-session', { cookie }), 200)).toBeNull()
    })
  })

  describe('password reset', () => {
    /** Asks for a reset link and returns the token from the mail the worker delivers. */
    async function requestReset(c: ReturnType<typeof client>, email: string): Promise<string> {
      const res = await c.send('POST', '/api/auth/request-password-reset', {
        body: { email, redirectTo: '/reset-password' },
      })
      expect(res.status).toBe(200)
      await rounds.createWorker().drain()
      const mail = rounds.sentMail.findLast((m) => m.to === email)
      expect(mail?.subject).toBe('Reset your Rounds password')
      const link = mail?.text.match(/https?:\/\/\S+\/api\/auth\/reset-password\/([A-Za-z0-9_-]+)\S*/)
      expect(link, mail?.text).toBeTruthy()
      expect(link?.[0].startsWith(`${TEST_BASE_URL}/`)).toBe(true)
      return link?.[1] as string
    }

    it('answers the same for an address with no account, and sends nothing', async () => {
      const user = await createTestUser(rounds)
      const c = client()
      const known = await c.send('POST', '/api/auth/request-password-reset', { body: { email: user.email } })
      const nobody = `nobody-${uniq()}@example.org`
      const unknown = await c.send('POST', '/api/auth/request-password-reset', { body: { email: nobody } })
      expect(unknown.status).toBe(known.status)
      expect(await unknown.json()).toEqual(await known.json())
      await rounds.createWorker().drain()
      expect(rounds.sentMail.filter((m) => m.to === nobody)).toEqual([])
    })

    it('the link opens the reset page; the new password works, the old one and old sessions do not', async () => {
      const user = await createTestUser(rounds)
      const c = client()
      const oldSession = cookieOf(await c.signIn(user.email, TEST_PASSWORD))
      const token = await requestReset(c, user.email)

      const opened = await c.send('GET', `/api/auth/reset-password/${token}?callbackURL=%2Freset-password`)
      expect(opened.status).toBe(302)
      expect(opened.headers.get('location')).toBe(`${TEST_BASE_URL}/reset-password?token=${token}`)

      const newPassword = 'a-brand-new-password'
      const res = await c.send('POST', '/api/auth/reset-password', { body: { token, newPassword } })
      expect(await expectJson(res, 200)).toMatchObject({ status: true })

      await expectError(await c.signIn(user.email, TEST_PASSWORD), 401, 'INVALID_EMAIL_OR_PASSWORD')
      expect((await c.signIn(user.email, newPassword)).status).toBe(200)
      await expectError(await c.me(oldSession), 401, 'UNAUTHENTICATED')

      const again = await c.send('POST', '/api/auth/reset-password', {
        body: { token, newPassword: 'yet-another-password' },
      })
      await expectError(again, 400, 'INVALID_TOKEN')
    })

    it('400 PASSWORD_TOO_SHORT for a short new password; the old one still works', async () => {
      const user = await createTestUser(rounds)
      const c = client()
      const token = await requestReset(c, user.email)
      const res = await c.send('POST', '/api/auth/reset-password', { body: { token, newPassword: 'short' } })
      await expectError(res, 400, 'PASSWORD_TOO_SHORT')
      expect((await c.signIn(user.email, TEST_PASSWORD)).status).toBe(200)
    })
  })

  describe('sign-in rate limit (SIGN_IN_RATE_LIMIT=3 per client address)', () => {
    it('the 4th attempt gets 429 RATE_LIMITED with Retry-After, even with the right password', async () => {
      const user = await createTestUser(rounds)
      const c = client()
      for (let i = 0; i < 3; i++) {
        await expectError(await c.signIn(user.email, 'wrong-password'), 401, 'INVALID_EMAIL_OR_PASSWORD')
      }
      const limited = await c.signIn(user.email, 'wrong-password')
      await expectError(limited, 429, 'RATE_LIMITED')
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
      await expectError(await c.signIn(user.email, TEST_PASSWORD), 429, 'RATE_LIMITED')

      // Another client is not affected.
      expect((await client().signIn(user.email, TEST_PASSWORD)).status).toBe(200)
    })

    it('varying the client-supplied part of X-Forwarded-For does not escape the limit', async () => {
      const user = await createTestUser(rounds)
      const proxySaw = newClientIp()
      const forged = (i: number) => client(`10.0.0.${i}, ${proxySaw}`)
      for (let i = 1; i <= 3; i++)
        expect((await forged(i).signIn(user.email, 'wrong-password')).status).toBe(401)
      await expectError(await forged(4).signIn(user.email, 'wrong-password'), 429, 'RATE_LIMITED')
    })

    it('the session records the address the proxy saw', async () => {
      const user = await createTestUser(rounds)
      const proxySaw = newClientIp()
      expect((await client(`6.6.6.6, ${proxySaw}`).signIn(user.email, TEST_PASSWORD)).status).toBe(200)
      const addresses = await sessionAddresses(rounds, user.id)
      expect(addresses).toContain(proxySaw)
      expect(addresses).not.toContain('6.6.6.6')
    })
  })
})

describe.each(testDialects)('authentication without a proxy, on https, on %s', (dialect) => {
  let rounds: TestRounds
  const origin = 'https://rounds.example'
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { env: { PUBLIC_BASE_URL: origin } })
  })
  afterAll(() => rounds?.close())

  it('ignores X-Forwarded-For and marks the session cookie Secure', async () => {
    const user = await createTestUser(rounds)
    const res = await call(rounds, 'POST', '/api/auth/sign-in/email', {
      body: { email: user.email, password: TEST_PASSWORD },
      headers: { origin, 'x-forwarded-for': '6.6.6.6' },
    })
    expect(res.status).toBe(200)
    const cookie = res.headers.getSetCookie().find((c) => c.includes('session_token='))
    expect(cookie).toMatch(/; Secure/)
    expect(cookie).toMatch(/; HttpOnly/)
    expect(cookie).toMatch(/; SameSite=Lax/)
    const addresses = await sessionAddresses(rounds, user.id)
    expect(addresses.filter(Boolean)).toHaveLength(1)
    expect(addresses).not.toContain('6.6.6.6')
  })
})
