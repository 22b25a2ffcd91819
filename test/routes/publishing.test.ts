import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import type { ItemFieldsInput } from '#src/capabilities/content/content.schema.ts'
import { getItem } from '#src/capabilities/content/content.service.ts'
import { postCorrection } from '#src/capabilities/content/corrections.service.ts'
import { REFRESH_ACCOUNT_JOB } from '#src/capabilities/publishing/channels.service.ts'
import type { ConnectorFactory } from '#src/capabilities/publishing/connector.ts'
import { createConnectorRegistry } from '#src/capabilities/publishing/connectors/index.ts'
import { createMastodonConnector } from '#src/capabilities/publishing/connectors/mastodon.ts'
import type {
  ChannelAccount,
  ChannelOption,
  PreviewSet,
  Publication,
} from '#src/capabilities/publishing/publishing.schema.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { storedSecretColumns } from '#src/entry/stored-secrets.ts'
import { manualClock } from '#src/platform/clock.ts'
import { createKeyring, decryptJson, generateKey, rotateSecrets } from '#src/platform/secrets.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { startXFake, type XFake } from '#test/fakes/x.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson, expectValidationError } from './helpers.ts'
import { createApprovedItem } from './publishing-world.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

const SENTENCE = 'Early antibiotics in septic shock save lives, and every hour of delay costs more of them. '
const MASTODON_TOKEN = 'masto-token-7f3a91'

describe.each(testDialects)('publishing on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  let mastodon: MastodonFake
  let x: XFake
  const clock = manualClock(new Date())

  const drain = () => rounds.createWorker().drain()
  const channels = () => `/api/orgs/${w.org.slug}/channels`
  const item = (id: string) => `/api/orgs/${w.org.slug}/items/${id}`

  beforeAll(async () => {
    mastodon = await startMastodonFake({ token: MASTODON_TOKEN })
    x = await startXFake()
    rounds = await createTestRounds(dialect, {
      clock,
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `x=${x.url}`,
        ROUNDS_OAUTH_X_CLIENT_ID: x.clientId,
        ROUNDS_OAUTH_X_CLIENT_SECRET: x.clientSecret,
      },
    })
    w = await createOrgWithRoles(rounds, { name: 'Publishing Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  })
  afterAll(async () => {
    await rounds?.close()
    await mastodon?.close()
    await x?.close()
  })

  /** An item by the world's author, through submission, two reviews and the editor's acceptance. */
  const approved = (fields: ItemFieldsInput = {}): Promise<string> =>
    createApprovedItem(rounds, w, {
      title: 'Sepsis: the first hour',
      body: SENTENCE.repeat(8).trim(),
      hashtags: ['sepsis', 'FOAMed'],
      ...fields,
    })

  async function connectMastodon() {
    return expectJson<ChannelAccount>(
      await call(rounds, 'POST', `${channels()}/mastodon/connect`, {
        cookie: w.editor.cookie,
        body: { method: 'server-token', serviceUrl: mastodon.url, accessToken: MASTODON_TOKEN },
      }),
      200,
    )
  }

  const preview = async (itemId: string) =>
    expectJson<PreviewSet>(
      await call(rounds, 'GET', `${item(itemId)}/publishing/preview`, { cookie: w.editor.cookie }),
      200,
    )

  async function publish(itemId: string, chosen: string[], scheduledAt?: string) {
    const p = await preview(itemId)
    return call(rounds, 'POST', `${item(itemId)}/publications`, {
      cookie: w.editor.cookie,
      body: {
        contentHash: p.contentHash,
        channels: chosen.map((channel) => ({
          channel,
          previewHash: p.previews.find((v) => v.channel === channel)?.previewHash,
          ...(scheduledAt ? { scheduledAt } : {}),
        })),
      },
    })
  }

  const publications = async (itemId: string) =>
    (
      await expectJson<{ publications: Publication[] }>(
        await call(rounds, 'GET', `${item(itemId)}/publications`, { cookie: w.editor.cookie }),
        200,
      )
    ).publications

  describe('channel accounts', () => {
    it('401, 403, 404 and 400 come first', async () => {
      await expectError(await call(rounds, 'GET', channels()), 401, 'UNAUTHENTICATED')
      for (const u of [w.author, w.reviewer])
        await expectError(await call(rounds, 'GET', channels(), { cookie: u.cookie }), 403, 'FORBIDDEN')
      await expectError(
        await call(rounds, 'GET', channels(), { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectValidationError(
        await call(rounds, 'POST', `${channels()}/mastodon/connect`, {
          cookie: w.editor.cookie,
          body: { method: 'server-token', serviceUrl: 'not a url', accessToken: '' },
        }),
        ['serviceUrl', 'accessToken'],
      )
      await expectValidationError(
        await call(rounds, 'POST', `${channels()}/mastodon/connect`, {
          cookie: w.editor.cookie,
          body: { method: 'app-password', identifier: 'a', password: 'b' },
        }),
        ['method'],
      )
    })

    it('refuses a token the server rejects, in plain words', async () => {
      const body = await expectError(
        await call(rounds, 'POST', `${channels()}/mastodon/connect`, {
          cookie: w.admin.cookie,
          body: { method: 'server-token', serviceUrl: mastodon.url, accessToken: 'wrong-token' },
        }),
        422,
        'CHANNEL_REFUSED',
      )
      expect(body.error.message).toMatch(/Mastodon refused the connection/)
    })

    it('connects Mastodon; the token is stored encrypted and never returned', async () => {
      const account = await connectMastodon()
      expect(account).toMatchObject({
        channel: 'mastodon',
        status: 'connected',
        name: `@rounds@${new URL(mastodon.url).host}`,
      })
      expect(JSON.stringify(account)).not.toContain(MASTODON_TOKEN)
      const row = await rounds.database.db
        .selectFrom('channel_account')
        .select(['credentials'])
        .where('id', '=', account.id)
        .executeTakeFirstOrThrow()
      expect(row.credentials).not.toContain(MASTODON_TOKEN)
      expect(row.credentials).toMatch(/^v1\.test\./)
      const list = await expectJson<{ channels: ChannelOption[] }>(
        await call(rounds, 'GET', channels(), { cookie: w.editor.cookie }),
        200,
      )
      expect(JSON.stringify(list)).not.toContain(MASTODON_TOKEN)
      expect(list.channels.find((c) => c.channel === 'mastodon')?.account?.id).toBe(account.id)
      expect(list.channels.find((c) => c.channel === 'rounds')).toMatchObject({
        connection: 'none',
        available: true,
      })
      expect(list.channels.find((c) => c.channel === 'x')).toMatchObject({
        connection: 'oauth2',
        available: true,
      })
    })

    it('connects X with OAuth 2.0 and PKCE; the state works once; the token is refreshed before expiry by a job', async () => {
      const redirectUri = 'http://localhost:3000/publishing/callback/x'
      await expectValidationError(
        await call(rounds, 'POST', `${channels()}/x/oauth/start`, {
          cookie: w.editor.cookie,
          body: { redirectUri: 'https://evil.example/steal' },
        }),
        ['redirectUri'],
      )
      const start = await expectJson<{ authorizeUrl: string; state: string }>(
        await call(rounds, 'POST', `${channels()}/x/oauth/start`, {
          cookie: w.editor.cookie,
          body: { redirectUri },
        }),
        200,
      )
      const authorize = new URL(start.authorizeUrl)
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256')
      expect(authorize.searchParams.get('scope')).toContain('offline.access')
      // The editor consents on X, which redirects back with a code.
      const consent = await fetch(start.authorizeUrl, { redirect: 'manual' })
      const back = new URL(consent.headers.get('location') as string)
      expect(back.searchParams.get('state')).toBe(start.state)
      const code = back.searchParams.get('code') as string

      await expectError(
        await call(rounds, 'POST', `${channels()}/x/oauth/callback`, {
          cookie: w.admin.cookie,
          body: { state: start.state, code },
        }),
        400,
        'OAUTH_STATE_INVALID',
      )
      // Someone else's attempt consumed nothing it should not: start again as the editor.
      const again = await expectJson<{ authorizeUrl: string; state: string }>(
        await call(rounds, 'POST', `${channels()}/x/oauth/start`, {
          cookie: w.editor.cookie,
          body: { redirectUri },
        }),
        200,
      )
      const code2 = new URL(
        (await fetch(again.authorizeUrl, { redirect: 'manual' })).headers.get('location') as string,
      ).searchParams.get('code') as string
      const account = await expectJson<ChannelAccount>(
        await call(rounds, 'POST', `${channels()}/x/oauth/callback`, {
          cookie: w.editor.cookie,
          body: { state: again.state, code: code2 },
        }),
        200,
      )
      expect(account).toMatchObject({ channel: 'x', name: '@rounds_med', status: 'connected' })
      expect(account.expiresAt).not.toBeNull()
      await expectError(
        await call(rounds, 'POST', `${channels()}/x/oauth/callback`, {
          cookie: w.editor.cookie,
          body: { state: again.state, code: code2 },
        }),
        400,
        'OAUTH_STATE_INVALID',
      )

      const stored = async () =>
        (
          await rounds.database.db
            .selectFrom('channel_account')
            .select('credentials')
            .where('id', '=', account.id)
            .executeTakeFirstOrThrow()
        ).credentials as string
      const before = decryptJson<{ accessToken: string; refreshToken: string }>(
        rounds.config.encryptionKeys,
        await stored(),
        `channel_account:${account.id}`,
      )
      const job = await rounds.database.db
        .selectFrom('job')
        .select(['run_at'])
        .where('name', '=', REFRESH_ACCOUNT_JOB)
        .executeTakeFirstOrThrow()
      const runAt = new Date(job.run_at as string).getTime()
      expect(runAt).toBeLessThan(Date.parse(account.expiresAt as string))
      clock.set(new Date(runAt + 1000))
      await drain()
      const after = decryptJson<{ accessToken: string; refreshToken: string }>(
        rounds.config.encryptionKeys,
        await stored(),
        `channel_account:${account.id}`,
      )
      expect(after.accessToken).not.toBe(before.accessToken)
      expect(x.refreshTokens.has(before.refreshToken)).toBe(false)
      expect(x.refreshTokens.has(after.refreshToken)).toBe(true)
    })
  })

  describe('preview and publish', () => {
    it('previews the approved version per channel within each counting rule, and refuses anything else', async () => {
      const id = await approved()
      await expectError(
        await call(rounds, 'GET', `${item(id)}/publishing/preview`, { cookie: w.author.cookie }),
        403,
        'FORBIDDEN',
      )
      const p = await preview(id)
      const m = p.previews.find((v) => v.channel === 'mastodon')
      expect(m?.problems).toEqual([])
      expect(m?.post.parts.length).toBeGreaterThan(1)
      for (const part of m?.post.parts ?? []) expect(part.length).toBeLessThanOrEqual(500)
      expect(m?.post.parts.at(-1)?.text).toContain(`http://localhost:3000/orgs/${w.org.slug}/items/${id}`)
      expect(m?.post.parts.map((x) => x.text).join(' ')).toContain('has no relevant financial relationships')

      const wrongHash = await call(rounds, 'POST', `${item(id)}/publications`, {
        cookie: w.editor.cookie,
        body: {
          contentHash: 'sha256:not-the-approved-one',
          channels: [{ channel: 'mastodon', previewHash: m?.previewHash }],
        },
      })
      await expectError(wrongHash, 409, 'VERSION_NOT_APPROVED')
      await expectError(
        await call(rounds, 'POST', `${item(id)}/publications`, {
          cookie: w.editor.cookie,
          body: { contentHash: p.contentHash, channels: [{ channel: 'mastodon', previewHash: 'stale' }] },
        }),
        409,
        'PREVIEW_STALE',
      )
    })

    it('delivers exactly the previewed bytes as a thread, once, and moves the item to published', async () => {
      const id = await approved()
      const p = await preview(id)
      const before = mastodon.statuses.length
      const res = await publish(id, ['mastodon', 'rounds'])
      const scheduled = await expectJson<{ publications: Publication[] }>(res, 201)
      expect(scheduled.publications.map((x) => x.status)).toEqual(['scheduled', 'scheduled'])
      expect(
        (await getItem(rounds.accounts, await loadActor(rounds.accounts, w.editor.id), w.org.slug, id)).state,
      ).toBe('scheduled')

      await drain()
      const sent = mastodon.statuses.slice(before)
      const expected = p.previews.find((v) => v.channel === 'mastodon')?.post.parts.map((x) => x.text) ?? []
      // Byte for byte: what the platform received is what the editor previewed.
      expect(sent.map((s) => Buffer.from(s.text).toString('hex'))).toEqual(
        expected.map((t) => Buffer.from(t).toString('hex')),
      )
      sent.slice(1).forEach((s, i) => {
        expect(s.inReplyToId).toBe(sent[i]?.id)
      })
      const pubs = await publications(id)
      expect(pubs.map((x) => [x.channel, x.status])).toEqual([
        ['mastodon', 'published'],
        ['rounds', 'published'],
      ])
      expect(pubs[0]?.deliveries.every((d) => d.status === 'sent' && d.remoteUrl)).toBe(true)
      expect(
        (await getItem(rounds.accounts, await loadActor(rounds.accounts, w.editor.id), w.org.slug, id)).state,
      ).toBe('published')

      // A second run of the job, and a worker cut off after sending a part: nothing twice.
      const d = await rounds.database.db
        .selectFrom('delivery')
        .select(['id', 'remote_id'])
        .where('publication_id', '=', pubs[0]?.id as string)
        .where('part_index', '=', 1)
        .executeTakeFirstOrThrow()
      await rounds.database.db
        .updateTable('delivery')
        .set({ status: 'sending', remote_id: null, sent_at: null })
        .where('id', '=', d.id)
        .execute()
      await rounds.database.db
        .updateTable('publication')
        .set({ status: 'publishing' })
        .where('id', '=', pubs[0]?.id as string)
        .execute()
      await rounds.database.db
        .transaction()
        .execute((tx) => rounds.queue.enqueue(tx, 'publish.deliver', { publicationId: pubs[0]?.id }))
      await drain()
      expect(mastodon.statuses.length).toBe(before + expected.length)
      const redone = await rounds.database.db
        .selectFrom('delivery')
        .select('remote_id')
        .where('id', '=', d.id)
        .executeTakeFirstOrThrow()
      expect(redone.remote_id).toBe(d.remote_id)

      await expectError(await publish(id, ['mastodon']), 409, 'CONFLICT')
    })

    it('waits as Retry-After says on 429 and backs off on 5xx, then finishes without duplicates', async () => {
      const id = await approved()
      const before = mastodon.statuses.length
      mastodon.failNext(
        { status: 429, headers: { 'retry-after': '120' }, path: /^\/api\/v1\/statuses$/ },
        { status: 503, path: /^\/api\/v1\/statuses$/ },
      )
      await expectJson(await publish(id, ['mastodon']), 201)
      await drain()
      let [pub] = await publications(id)
      expect(pub?.status).toBe('publishing')
      expect(pub?.deliveries[0]?.error).toMatch(/limiting how fast/)
      const waitUntil = Date.parse(pub?.deliveries[0]?.nextAttemptAt as string)
      expect(waitUntil - clock.now().getTime()).toBeGreaterThanOrEqual(119_000)
      await drain()
      expect(mastodon.statuses.length).toBe(before)
      clock.advance(121_000)
      await drain()
      ;[pub] = await publications(id)
      expect(pub?.deliveries[0]?.error).toMatch(/server error/)
      clock.advance(10 * 60_000)
      await drain()
      ;[pub] = await publications(id)
      expect(pub?.status).toBe('published')
      expect(mastodon.statuses.length - before).toBe(pub?.deliveries.length)
    })

    it('sends the published media file with its alt text on the first part, and refuses when it is missing', async () => {
      const png = new Uint8Array([137, 80, 78, 71, 13, 10, 26, 10, 1, 2, 3])
      const files = new Map<string, Uint8Array>()
      const original = rounds.publishing.media
      rounds.publishing.media = {
        read: async (_itemId, slotId) =>
          files.has(slotId) ? { mimeType: 'image/png', bytes: files.get(slotId) as Uint8Array } : null,
      }
      try {
        const id = await approved({
          media: [{ id: 'slot-xray', kind: 'image', altText: 'Chest x-ray, left lower lobe consolidation' }],
        })
        const blocked = (await preview(id)).previews.find((v) => v.channel === 'mastodon')
        expect(blocked?.problems.map((p) => p.code)).toContain('MEDIA_UNAVAILABLE')
        files.set('slot-xray', png)
        const before = mastodon.statuses.length
        await expectJson(await publish(id, ['mastodon']), 201)
        await drain()
        const first = mastodon.statuses[before]
        const media = mastodon.media.find((m) => m.id === first?.mediaIds[0])
        expect(media).toMatchObject({
          description: 'Chest x-ray, left lower lobe consolidation',
          bytes: png.length,
          mimeType: 'image/png',
        })
        expect(mastodon.statuses[before + 1]?.mediaIds ?? []).toEqual([])
      } finally {
        rounds.publishing.media = original
      }
    }, 20_000)

    it("keeps to the platform's documented rate limit, counting what was already sent", async () => {
      const sent: string[] = []
      const limited: ConnectorFactory = {
        channel: 'mastodon',
        connection: 'none',
        create: (env) => {
          const base = createMastodonConnector(env)
          return {
            ...base,
            capabilities: { ...base.capabilities, rateLimit: { posts: 2, windowMs: 60_000 } },
            async publishPart(_ctx, _post, part) {
              sent.push(part.text)
              return { remoteId: `r${sent.length}` }
            },
          }
        },
      }
      const original = rounds.publishing.connectors
      rounds.publishing.connectors = createConnectorRegistry({
        publicBaseUrl: rounds.config.publicBaseUrl,
        now: () => clock.now(),
        factories: [limited],
      })
      try {
        // Earlier posts of this organisation on Mastodon are out of the window.
        clock.advance(61_000)
        const id = await approved()
        const parts = (await preview(id)).previews[0]?.post.parts.length ?? 0
        expect(parts).toBeGreaterThan(2)
        await expectJson(await publish(id, ['mastodon']), 201)
        await drain()
        expect(sent).toHaveLength(2)
        const [pub] = await publications(id)
        expect(pub?.deliveries[2]?.error).toMatch(/Waiting for Mastodon's rate limit/)
        clock.advance(61_000)
        await drain()
        expect(sent.length).toBe(Math.min(parts, 4))
        clock.advance(61_000 * parts)
        for (let i = 0; i < parts; i++) {
          await drain()
          clock.advance(61_000)
        }
        expect(sent).toHaveLength(parts)
        expect((await publications(id))[0]?.status).toBe('published')
      } finally {
        rounds.publishing.connectors = original
      }
    })

    it('schedules for later: nothing goes before the time', async () => {
      const id = await approved()
      const before = mastodon.statuses.length
      const at = new Date(clock.now().getTime() + 3_600_000).toISOString()
      await expectJson(await publish(id, ['mastodon'], at), 201)
      await drain()
      expect(mastodon.statuses.length).toBe(before)
      clock.advance(3_600_001)
      await drain()
      expect(mastodon.statuses.length).toBeGreaterThan(before)
    })

    it('a revoked token fails the channel in plain words, and a retry after reconnecting publishes', async () => {
      const id = await approved()
      mastodon.tokens.delete(MASTODON_TOKEN)
      await expectJson(await publish(id, ['mastodon']), 201)
      await drain()
      const [failed] = await publications(id)
      expect(failed?.status).toBe('failed')
      expect(failed?.error).toMatch(/no longer accepts Rounds' access.*Connect it again/)
      const list = await expectJson<{ channels: ChannelOption[] }>(
        await call(rounds, 'GET', channels(), { cookie: w.editor.cookie }),
        200,
      )
      expect(list.channels.find((c) => c.channel === 'mastodon')?.account?.status).toBe('needs_reauth')
      mastodon.tokens.add(MASTODON_TOKEN)
      await connectMastodon()
      await expectJson(
        await call(rounds, 'POST', `${item(id)}/publications/${failed?.id}/retry`, {
          cookie: w.editor.cookie,
        }),
        200,
      )
      await drain()
      expect((await publications(id))[0]?.status).toBe('published')
    })
  })

  describe('withdraw and correct', () => {
    it('posts a correction as a reply, then withdrawing deletes every post and lists what must go by hand', async () => {
      const id = await approved()
      await expectJson(await publish(id, ['mastodon', 'rounds']), 201)
      await drain()
      const editor = await loadActor(rounds.accounts, w.editor.id)
      await postCorrection(rounds.accounts, editor, w.org.slug, id, {
        notice: 'The dose in part 2 was per kilogram, not per dose.',
      })
      await expectJson(
        await call(rounds, 'POST', `${item(id)}/publishing/corrections`, { cookie: w.editor.cookie }),
        200,
      )
      await drain()
      const [pub] = await publications(id)
      const root = pub?.deliveries.find((d) => d.kind === 'part' && d.partIndex === 0)
      const correction = pub?.deliveries.find((d) => d.kind === 'correction')
      expect(correction?.status).toBe('sent')
      const reply = mastodon.statuses.find((s) => s.text.startsWith('Correction: The dose in part 2'))
      expect(reply?.inReplyToId).toBe(root?.remoteUrl?.split('/').at(-1))

      await expectError(
        await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
          cookie: w.author.cookie,
          body: { reason: 'Wrong dose' },
        }),
        403,
        'FORBIDDEN',
      )
      // The plain withdrawal would leave the posts up: it points to withdrawing everywhere.
      const plain = await expectError(
        await call(rounds, 'POST', `${item(id)}/withdraw`, {
          cookie: w.editor.cookie,
          body: { reason: 'Wrong dose' },
        }),
        409,
        'CONFLICT',
      )
      expect(plain.error.message).toMatch(/withdraw it everywhere/)
      const withdrawing = await expectJson<{ publications: Publication[] }>(
        await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
          cookie: w.editor.cookie,
          body: { reason: 'Wrong dose' },
        }),
        200,
      )
      expect(withdrawing.publications.map((p) => p.status)).toEqual(['withdrawing', 'withdrawing'])
      await drain()
      const after = await publications(id)
      expect(after.map((p) => p.status)).toEqual(['withdrawn', 'withdrawn'])
      const ids = after[0]?.deliveries.map((d) => d.remoteUrl?.split('/').at(-1)) ?? []
      for (const sid of ids) expect(mastodon.statuses.find((s) => s.id === sid)?.deleted).toBe(true)
      expect((await getItem(rounds.accounts, editor, w.org.slug, id)).state).toBe('withdrawn')
      // The approval ended with the withdrawal: nothing of it can be published again.
      await expectError(
        await call(rounds, 'GET', `${item(id)}/publishing/preview`, { cookie: w.editor.cookie }),
        409,
        'VERSION_NOT_APPROVED',
      )
    })

    it('reports posts a platform cannot delete, with their links, for removal by hand', async () => {
      const id = await approved()
      await expectJson(await publish(id, ['mastodon']), 201)
      await drain()
      // A post the platform no longer lets Rounds delete (e.g. the account was locked).
      mastodon.failNext({
        status: 403,
        body: { error: 'This action is not allowed' },
        path: /^\/api\/v1\/statuses\/\d+$/,
      })
      await expectJson(
        await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
          cookie: w.editor.cookie,
          body: { reason: 'Outdated' },
        }),
        200,
      )
      await drain()
      const [pub] = await publications(id)
      expect(pub?.status).toBe('withdraw_failed')
      expect(pub?.removeByHand.length).toBe(1)
      expect(pub?.removeByHand[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/@rounds\/\d+$/)
    })
  })

  it('rounds secrets rotate re-encrypts channel credentials under a new key', async () => {
    const newKey = generateKey()
    const ring = createKeyring([newKey, ...rounds.config.encryptionKeys.keys])
    const report = await rotateSecrets(rounds.database.db, ring, storedSecretColumns)
    expect(report.rotated).toBeGreaterThanOrEqual(2)
    const rows = await rounds.database.db
      .selectFrom('channel_account')
      .select(['id', 'credentials'])
      .execute()
    for (const r of rows.filter((x) => x.credentials)) {
      expect(r.credentials?.split('.')[1]).toBe(newKey.id)
      expect(
        decryptJson(createKeyring([newKey]), r.credentials as string, `channel_account:${r.id}`),
      ).toBeTruthy()
    }
  })
})
