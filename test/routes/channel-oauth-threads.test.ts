import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelAccount, ChannelOption } from '#src/capabilities/publishing/publishing.schema.ts'
import { decryptJson } from '#src/platform/secrets.ts'
import { startThreadsFake, type ThreadsFake } from '#test/fakes/threads.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectJson } from './helpers.ts'

/**
 * Connecting Threads through the real routes: the code gives a one-hour token, which Rounds
 * exchanges for the 60-day one with GET /access_token (th_exchange_token) before storing it
 * encrypted; the account is named from /me.
 */
describe.each(testDialects)('connecting Threads with OAuth 2.0 on %s', (dialect) => {
  let rounds: TestRounds
  let threads: ThreadsFake
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  const channels = () => `/api/orgs/${w.org.slug}/channels`

  beforeAll(async () => {
    threads = await startThreadsFake()
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `threads=${threads.url}`,
        ROUNDS_OAUTH_THREADS_CLIENT_ID: threads.state.appId,
        ROUNDS_OAUTH_THREADS_CLIENT_SECRET: threads.state.appSecret,
      },
    })
    w = await createOrgWithRoles(rounds, { name: 'Threads OAuth' })
  })
  afterAll(async () => {
    await rounds?.close()
    await threads?.close()
  })

  it('connects: code, long-lived token exchange, account named, token stored encrypted', async () => {
    const list = await expectJson<{ channels: ChannelOption[] }>(
      await call(rounds, 'GET', channels(), { cookie: w.editor.cookie }),
      200,
    )
    expect(list.channels.find((c) => c.channel === 'threads')).toMatchObject({
      connection: 'oauth2',
      available: true,
    })
    const start = await expectJson<{ authorizeUrl: string; state: string }>(
      await call(rounds, 'POST', `${channels()}/threads/oauth/start`, {
        cookie: w.editor.cookie,
        body: { redirectUri: 'http://localhost:3000/publishing/callback/threads' },
      }),
      200,
    )
    const authorize = new URL(start.authorizeUrl)
    expect(authorize.searchParams.get('scope')).toContain('threads_content_publish')
    const consent = await fetch(start.authorizeUrl, { redirect: 'manual' })
    expect(consent.status).toBe(302)
    const code = new URL(consent.headers.get('location') as string).searchParams.get('code') as string
    const account = await expectJson<ChannelAccount>(
      await call(rounds, 'POST', `${channels()}/threads/oauth/callback`, {
        cookie: w.editor.cookie,
        body: { state: start.state, code },
      }),
      200,
    )
    expect(account).toMatchObject({ channel: 'threads', name: '@roundsmed', status: 'connected' })
    expect(threads.state.exchanges).toBe(1)
    expect(new Date(account.expiresAt as string).getTime() - Date.now()).toBeGreaterThan(50 * 86_400_000)
    const row = await rounds.database.db
      .selectFrom('channel_account')
      .select('credentials')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow()
    const stored = decryptJson<{ accessToken: string; accountId: string }>(
      rounds.config.encryptionKeys,
      row.credentials as string,
      `channel_account:${account.id}`,
    )
    expect(stored.accountId).toBe(threads.state.userId)
    // The stored token is the long-lived one, not the one-hour token from the code.
    expect(threads.shortLived.has(stored.accessToken)).toBe(false)
    expect(row.credentials).not.toContain(stored.accessToken)
  })
})
