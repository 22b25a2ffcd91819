import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChannelAccount, ChannelOption } from '#src/capabilities/publishing/publishing.schema.ts'
import { decryptJson } from '#src/platform/secrets.ts'
import { startTikTokFake, type TikTokFake } from '#test/fakes/tiktok.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectJson } from './helpers.ts'

/**
 * Connecting the platforms whose OAuth differs from the common shape, through the real
 * routes: TikTok names the client id `client_key` and joins scopes with commas.
 */
describe.each(testDialects)('connecting channels with OAuth 2.0 on %s', (dialect) => {
  let rounds: TestRounds
  let tiktok: TikTokFake
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  const channels = () => `/api/orgs/${w.org.slug}/channels`

  beforeAll(async () => {
    tiktok = await startTikTokFake()
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `tiktok=${tiktok.url}`,
        ROUNDS_OAUTH_TIKTOK_CLIENT_ID: tiktok.state.clientKey,
        ROUNDS_OAUTH_TIKTOK_CLIENT_SECRET: tiktok.state.clientSecret,
        ROUNDS_OAUTH_LINKEDIN_CLIENT_ID: 'li-client',
      },
    })
    w = await createOrgWithRoles(rounds, { name: 'Channel OAuth' })
  })
  afterAll(async () => {
    await rounds?.close()
    await tiktok?.close()
  })

  it('lists the new channels with how they connect', async () => {
    const list = await expectJson<{ channels: ChannelOption[] }>(
      await call(rounds, 'GET', channels(), { cookie: w.editor.cookie }),
      200,
    )
    for (const channel of ['youtube', 'instagram', 'facebook', 'tiktok', 'linkedin'])
      expect(list.channels.find((c) => c.channel === channel)).toMatchObject({ connection: 'oauth2' })
    expect(list.channels.find((c) => c.channel === 'tiktok')).toMatchObject({ available: true })
    expect(list.channels.find((c) => c.channel === 'linkedin')).toMatchObject({ available: true })
    // No client configured: listed, not available.
    expect(list.channels.find((c) => c.channel === 'youtube')).toMatchObject({ available: false })
  })

  it('connects TikTok: client_key, comma-joined scopes, PKCE; the account is named and its token stored encrypted', async () => {
    const start = await expectJson<{ authorizeUrl: string; state: string }>(
      await call(rounds, 'POST', `${channels()}/tiktok/oauth/start`, {
        cookie: w.editor.cookie,
        body: { redirectUri: 'http://localhost:3000/publishing/callback/tiktok' },
      }),
      200,
    )
    const authorize = new URL(start.authorizeUrl)
    expect(authorize.searchParams.get('client_key')).toBe(tiktok.state.clientKey)
    expect(authorize.searchParams.get('client_id')).toBeNull()
    expect(authorize.searchParams.get('scope')).toBe('user.info.basic,video.publish,video.upload,video.list')
    const consent = await fetch(start.authorizeUrl, { redirect: 'manual' })
    expect(consent.status).toBe(302)
    const code = new URL(consent.headers.get('location') as string).searchParams.get('code') as string
    const account = await expectJson<ChannelAccount>(
      await call(rounds, 'POST', `${channels()}/tiktok/oauth/callback`, {
        cookie: w.editor.cookie,
        body: { state: start.state, code },
      }),
      200,
    )
    expect(account).toMatchObject({ channel: 'tiktok', name: '@roundsmed', status: 'connected' })
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
    expect(stored.accountId).toBe(tiktok.state.openId)
    expect(row.credentials).not.toContain(stored.accessToken)
  })
  it('asks Google for offline access so YouTube tokens can be refreshed', async () => {
    const rounds2 = await createTestRounds(dialect, {
      env: { ROUNDS_CHANNEL_BASE_URLS: `youtube=${tiktok.url}`, ROUNDS_OAUTH_YOUTUBE_CLIENT_ID: 'yt-client' },
    })
    try {
      const w2 = await createOrgWithRoles(rounds2, { name: 'YouTube OAuth' })
      const start = await expectJson<{ authorizeUrl: string }>(
        await call(rounds2, 'POST', `/api/orgs/${w2.org.slug}/channels/youtube/oauth/start`, {
          cookie: w2.editor.cookie,
          body: { redirectUri: 'http://localhost:3000/publishing/callback/youtube' },
        }),
        200,
      )
      const authorize = new URL(start.authorizeUrl)
      expect(authorize.pathname).toBe('/o/oauth2/v2/auth')
      expect(authorize.searchParams.get('access_type')).toBe('offline')
      expect(authorize.searchParams.get('client_id')).toBe('yt-client')
      expect(authorize.searchParams.get('scope')).toContain('https://www.googleapis.com/auth/youtube.upload')
    } finally {
      await rounds2.close()
    }
  })
})
