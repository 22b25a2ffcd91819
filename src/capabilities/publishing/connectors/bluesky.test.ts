import { execFile } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import {
  type AppBskyEmbedImages,
  type AppBskyEmbedVideo,
  type AppBskyFeedPost,
  AtpAgent,
  XRPCError,
} from '@atproto/api'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LocalBluesky, startLocalBluesky } from '#test/support/atproto.ts'
import {
  bytesBody,
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type OutgoingPost,
  type RemotePost,
} from '../connector.ts'
import {
  BLUESKY_POST_COLLECTION,
  blueskyRecordKey,
  createBlueskyConnector,
  translateBlueskyError,
} from './bluesky.ts'

const TID = /^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$/

describe('blueskyRecordKey', () => {
  it('is a valid TID, the same for the same key and part, different otherwise', () => {
    const keys = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const key = blueskyRecordKey(`item-${i}@v1:bluesky`, i % 5)
      expect(key).toMatch(TID)
      expect(blueskyRecordKey(`item-${i}@v1:bluesky`, i % 5)).toBe(key)
      keys.add(key)
    }
    expect(keys.size).toBe(500)
    expect(blueskyRecordKey('k', 0)).not.toBe(blueskyRecordKey('k', 1))
  })
})

describe('translateBlueskyError', () => {
  const now = new Date('2026-03-01T10:00:00.000Z')
  const xrpc = (status: number, error: string, message: string, headers: Record<string, string> = {}) =>
    new XRPCError(status, error, message, headers)

  it.each([
    [
      '429 with RateLimit-Reset waits until the reset',
      xrpc(429, 'RateLimitExceeded', 'Rate Limit Exceeded', {
        'ratelimit-reset': String(now.getTime() / 1000 + 90),
      }),
      { retryAfterMs: 90_000, permanent: false, reauthorise: false },
    ],
    [
      '429 with Retry-After in seconds',
      xrpc(429, 'RateLimitExceeded', 'Rate Limit Exceeded', { 'Retry-After': '30' }),
      { retryAfterMs: 30_000, permanent: false },
    ],
    ['429 without headers waits a minute', xrpc(429, 'RateLimitExceeded', 'x'), { retryAfterMs: 60_000 }],
    [
      '502 is retried',
      xrpc(502, 'UpstreamFailure', 'Upstream service unreachable'),
      { permanent: false, status: 502 },
    ],
    ['a network failure is retried', xrpc(1, 'Unknown', 'fetch failed'), { permanent: false, status: null }],
    [
      'a refused password asks to connect again',
      xrpc(401, 'AuthenticationRequired', 'Invalid identifier or password'),
      { permanent: true, reauthorise: true },
    ],
    [
      'an invalid record is permanent',
      xrpc(
        400,
        'InvalidRequest',
        'Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 400) at $.record.text',
      ),
      { permanent: true, reauthorise: false, status: 400 },
    ],
    [
      'a taken-down account is permanent',
      xrpc(400, 'AccountTakedown', 'Account has been taken down'),
      { permanent: true, reauthorise: false },
    ],
  ])('%s', (_name, error, expected) => {
    const translated = translateBlueskyError(error, now)
    expect(translated).toBeInstanceOf(ChannelError)
    expect(translated.channel).toBe('bluesky')
    expect(translated).toMatchObject(expected)
    expect(translated.message).not.toMatch(/XRPC|undefined|\[object/)
  })

  it('says in plain words why an invalid post was refused', () => {
    const error = translateBlueskyError(
      xrpc(
        400,
        'InvalidRequest',
        'Invalid app.bsky.feed.post record: grapheme too big (maximum 300, got 400) at $.record.text',
      ),
      now,
    )
    expect(error.message).toBe(
      'Bluesky refused the post: grapheme too big (maximum 300, got 400) at $.record.text.',
    )
  })
})

async function png(width: number, height: number): Promise<Uint8Array> {
  return new Uint8Array(
    await sharp({ create: { width, height, channels: 3, background: { r: 200, g: 30, b: 60 } } })
      .png()
      .toBuffer(),
  )
}

/** A one-second H.264 test pattern from the OS's ffmpeg, or null when there is none. */
async function mp4(): Promise<Uint8Array | null> {
  const dir = await mkdtemp(join(tmpdir(), 'rounds-bsky-video-'))
  try {
    const out = join(dir, 'clip.mp4')
    await promisify(execFile)('ffmpeg', [
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc=size=160x120:rate=10',
      '-t',
      '1',
      '-pix_fmt',
      'yuv420p',
      '-movflags',
      '+faststart',
      out,
    ])
    return new Uint8Array(await readFile(out))
  } catch {
    return null
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const CANONICAL = 'https://rounds.example.org/o/st-elsewhere/items/sepsis-signs'

function threadPost(key: string, image: Uint8Array): OutgoingPost {
  return {
    idempotencyKey: key,
    title: 'Sepsis: three early signs',
    hashtags: ['MedEd', 'FOAMed'],
    canonicalUrl: CANONICAL,
    language: 'en',
    parts: [
      {
        index: 0,
        text: `Sepsis: three early signs, with thanks to @bob.test (1/3) #MedEd ${CANONICAL}`,
        media: [
          {
            kind: 'image',
            mimeType: 'image/png',
            body: bytesBody(image),
            altText: 'A qSOFA checklist card with three boxes',
          },
        ],
      },
      {
        index: 1,
        text: 'Respiratory rate of 22 or more, altered mentation, systolic pressure of 100 or less. (2/3)',
        media: [],
      },
      {
        index: 2,
        text: 'Two of three: escalate and start the sepsis bundle. Personal views. (3/3)',
        media: [],
      },
    ],
  }
}

/** Publishes every part of `post` as a thread, the way delivery does. */
async function publishThread(
  connector: ChannelConnector,
  credentials: ChannelCredentials,
  post: OutgoingPost,
): Promise<RemotePost[]> {
  const remotes: RemotePost[] = []
  for (const part of post.parts) {
    const root = remotes[0]
    const parent = remotes[remotes.length - 1]
    remotes.push(
      await connector.publishPart({ credentials }, post, part, root && parent ? { root, parent } : null),
    )
  }
  return remotes
}

const env = (baseUrl: string) => ({
  baseUrl,
  fetch: (input: string | URL | Request, init?: RequestInit) => fetch(input, init),
  now: () => new Date(),
  publicBaseUrl: 'https://rounds.example.org',
})

const testVideo = await mp4()
let network: LocalBluesky | null = null
let startFailure: unknown = null
try {
  network = await startLocalBluesky()
} catch (error) {
  startFailure = error
}

describe.skipIf(!network)('Bluesky connector against a local PDS', () => {
  const net = network as LocalBluesky
  let alice: Awaited<ReturnType<LocalBluesky['createAccount']>>
  let bob: Awaited<ReturnType<LocalBluesky['createAccount']>>
  let credentials: ChannelCredentials
  let image: Uint8Array
  let thread: RemotePost[] = []
  const post = () => threadPost('item-7f3a@v3:bluesky', image)

  beforeAll(async () => {
    alice = await net.createAccount('alice.test')
    bob = await net.createAccount('bob.test')
    credentials = { serviceUrl: net.pdsUrl, identifier: 'alice.test', password: alice.appPassword }
    image = await png(64, 48)
  })
  afterAll(async () => {
    await net.close()
  })

  const read = async (remote: RemotePost) => {
    const uri = remote.remoteId.split('/')
    const res = await net.reader().com.atproto.repo.getRecord({
      repo: alice.did,
      collection: BLUESKY_POST_COLLECTION,
      rkey: uri[uri.length - 1] ?? '',
    })
    return { cid: res.data.cid, record: res.data.value as AppBskyFeedPost.Record }
  }

  it('verifies the app password and names the account', async () => {
    const connector = createBlueskyConnector(env(net.pdsUrl))
    const verified = await connector.verify?.(credentials)
    expect(verified?.name).toBe('@alice.test')
    expect(verified?.accountId).toBe(alice.did)
    expect(verified?.credentials?.refreshToken).toBeTruthy()
    expect(Date.parse(verified?.credentials?.expiresAt ?? '')).toBeGreaterThan(Date.now())

    const wrong = await connector
      .verify?.({ ...credentials, password: 'aaaa-bbbb-cccc-dddd' })
      .catch((e) => e)
    expect(wrong).toBeInstanceOf(ChannelError)
    expect(wrong).toMatchObject({ permanent: true, reauthorise: true })
    const refused = await connector
      .publishPart(
        { credentials: { ...credentials, password: 'aaaa-bbbb-cccc-dddd' } },
        post(),
        { index: 0, text: 'Never posted.', media: [] },
        null,
      )
      .catch((e) => e)
    expect(refused).toMatchObject({ permanent: true, reauthorise: true })
    expect(refused.message).toMatch(/Connect the Bluesky account again/)
  })

  it('publishes a 3-part thread with an image and alt text that reads back from the PDS as sent', async () => {
    const connector = createBlueskyConnector(env(net.pdsUrl))
    thread = await publishThread(connector, credentials, post())
    expect(thread).toHaveLength(3)

    const [first, second, third] = await Promise.all(thread.map(read))
    if (!first || !second || !third) throw new Error('missing part')
    const sent = post().parts
    expect([first, second, third].map((p) => p.record.text)).toEqual(sent.map((p) => p.text))
    thread.forEach((remote, i) => {
      expect(remote.remoteId).toBe(
        `at://${alice.did}/app.bsky.feed.post/${blueskyRecordKey('item-7f3a@v3:bluesky', i)}`,
      )
    })
    expect([first.cid, second.cid, third.cid]).toEqual(thread.map((r) => r.remoteRef))

    // Facets: the mention resolved to Bob's DID, the hashtag, the link, at their byte offsets.
    const features = (first.record.facets ?? []).flatMap((f) =>
      f.features.map((x) => ({ ...x, index: f.index })),
    )
    const bytes = Buffer.from(first.record.text)
    const mention = features.find((f) => f.$type === 'app.bsky.richtext.facet#mention')
    expect(mention).toMatchObject({ did: bob.did })
    expect(bytes.subarray(mention?.index.byteStart, mention?.index.byteEnd).toString()).toBe('@bob.test')
    expect(features.find((f) => f.$type === 'app.bsky.richtext.facet#tag')).toMatchObject({ tag: 'MedEd' })
    const link = features.find((f) => f.$type === 'app.bsky.richtext.facet#link')
    expect(link).toMatchObject({ uri: CANONICAL })
    expect(bytes.subarray(link?.index.byteStart, link?.index.byteEnd).toString()).toBe(CANONICAL)
    // The hashtag not in the text travels as a tag.
    expect(first.record.tags).toEqual(['FOAMed'])
    expect(first.record.langs).toEqual(['en'])

    // The image, as a blob with its alt text and aspect ratio.
    const embed = first.record.embed as AppBskyEmbedImages.Main
    expect(embed.$type).toBe('app.bsky.embed.images')
    expect(embed.images).toHaveLength(1)
    expect(embed.images[0]?.alt).toBe('A qSOFA checklist card with three boxes')
    expect(embed.images[0]?.aspectRatio).toEqual({ width: 64, height: 48 })
    expect(embed.images[0]?.image.mimeType).toBe('image/png')
    expect(embed.images[0]?.image.size).toBe(image.byteLength)

    // Reply refs: both replies hang from the first part, each from the one before.
    expect(first.record.reply).toBeUndefined()
    expect(second.record.reply).toEqual({
      root: { uri: thread[0]?.remoteId, cid: thread[0]?.remoteRef },
      parent: { uri: thread[0]?.remoteId, cid: thread[0]?.remoteRef },
    })
    expect(third.record.reply).toEqual({
      root: { uri: thread[0]?.remoteId, cid: thread[0]?.remoteRef },
      parent: { uri: thread[1]?.remoteId, cid: thread[1]?.remoteRef },
    })
  })

  it('a retry with the same idempotency key, in a new process, finds the posts and writes none', async () => {
    const count = async () =>
      (
        await net
          .reader()
          .com.atproto.repo.listRecords({ repo: alice.did, collection: BLUESKY_POST_COLLECTION, limit: 100 })
      ).data.records.length
    const before = await count()
    const fresh = createBlueskyConnector(env(net.pdsUrl))
    const again = await publishThread(fresh, credentials, post())
    expect(again).toEqual(thread)
    expect(await fresh.lookup?.({ credentials }, post(), post().parts[1] as never)).toEqual(thread[1])
    expect(await count()).toBe(before)
  })

  it('renews an expired session with the refresh token, and signs in again when that is refused', async () => {
    const connector = createBlueskyConnector(env(net.pdsUrl))
    const verified = await connector.verify?.(credentials)
    const stored = verified?.credentials as ChannelCredentials
    const expired = { ...stored, accessToken: net.expiredAccessToken(alice.did) }

    // Only tokens: the expired access token is refreshed transparently.
    const tokensOnly: ChannelCredentials = { ...expired, password: undefined }
    const renewed = await createBlueskyConnector(env(net.pdsUrl)).publishPart(
      { credentials: tokensOnly },
      { ...post(), idempotencyKey: 'refresh-check' },
      { index: 0, text: 'Session renewal check.', media: [] },
      null,
    )
    expect((await read(renewed)).record.text).toBe('Session renewal check.')

    // Refresh before expiry hands back new tokens to store.
    const refreshed = await connector.refresh?.({ ...stored, expiresAt: new Date().toISOString() })
    expect(refreshed?.accessToken).toBeTruthy()
    expect(refreshed?.refreshToken).toBeTruthy()
    expect(refreshed?.refreshToken).not.toBe(stored.refreshToken)
    expect(await connector.refresh?.(refreshed as ChannelCredentials)).toBeNull()

    // A revoked refresh token and an expired access token: the app password signs in again.
    const revoked = { ...expired, refreshToken: `${stored.refreshToken}x` }
    const recovered = await createBlueskyConnector(env(net.pdsUrl)).publishPart(
      { credentials: revoked },
      { ...post(), idempotencyKey: 'relogin-check' },
      { index: 0, text: 'Sign-in again check.', media: [] },
      null,
    )
    expect((await read(recovered)).record.text).toBe('Sign-in again check.')

    // Without a password there is nothing left to try: the editor must connect again.
    const stuck = await createBlueskyConnector(env(net.pdsUrl))
      .publishPart(
        { credentials: { ...revoked, password: undefined } },
        { ...post(), idempotencyKey: 'stuck-check' },
        { index: 0, text: 'Never posted.', media: [] },
        null,
      )
      .catch((e) => e)
    expect(stuck).toBeInstanceOf(ChannelError)
    expect(stuck).toMatchObject({ permanent: true, reauthorise: true })
  })

  it.skipIf(!testVideo)(
    'publishes one video with its alt text and captions (the clip comes from ffmpeg)',
    async () => {
      const video = testVideo as Uint8Array
      const connector = createBlueskyConnector(env(net.pdsUrl))
      const captions = 'WEBVTT\n\n00:00.000 --> 00:01.000\nWash your hands for twenty seconds.\n'
      const remote = await connector.publishPart(
        { credentials },
        { ...post(), idempotencyKey: 'video-check' },
        {
          index: 0,
          text: 'Hand washing in one second.',
          media: [
            {
              kind: 'video',
              mimeType: 'video/mp4',
              body: bytesBody(video),
              altText: 'Hands under a tap',
              captionsVtt: captions,
            },
          ],
        },
        null,
      )
      const embed = (await read(remote)).record.embed as AppBskyEmbedVideo.Main
      expect(embed.$type).toBe('app.bsky.embed.video')
      expect(embed.alt).toBe('Hands under a tap')
      expect(embed.video.mimeType).toBe('video/mp4')
      expect(embed.video.size).toBe(video.byteLength)
      expect(embed.captions).toHaveLength(1)
      expect(embed.captions?.[0]?.lang).toBe('en')
      expect(embed.captions?.[0]?.file.mimeType).toBe('text/vtt')
      await connector.delete({ credentials }, remote)
    },
  )

  it('refuses what Bluesky would refuse before sending anything, in plain words', async () => {
    const connector = createBlueskyConnector(env(net.pdsUrl))
    const tooLong = await connector
      .publishPart({ credentials }, post(), { index: 1, text: 'a'.repeat(301), media: [] }, null)
      .catch((e) => e)
    expect(tooLong).toMatchObject({
      permanent: true,
      message: 'Part 2 is 301 characters long; Bluesky allows 300.',
    })
    const fiveImages = await connector
      .publishPart(
        { credentials },
        post(),
        {
          index: 0,
          text: 'x',
          media: Array.from({ length: 5 }, () => ({
            kind: 'image' as const,
            mimeType: 'image/png',
            body: bytesBody(image),
          })),
        },
        null,
      )
      .catch((e) => e)
    expect(fiveImages).toMatchObject({
      permanent: true,
      message: 'Part 1 has 5 images; Bluesky allows four.',
    })
  })

  it.skipIf(!network?.appView)('reads like, repost, quote and reply counts from the AppView', async () => {
    const root = thread[0] as RemotePost
    const subject = { uri: root.remoteId, cid: root.remoteRef as string }
    await bob.agent.like(subject.uri, subject.cid)
    await bob.agent.repost(subject.uri, subject.cid)
    await bob.agent.post({
      text: 'Worth reading',
      embed: { $type: 'app.bsky.embed.record', record: subject },
    })
    await net.processAll()
    const connector = createBlueskyConnector(env(net.pdsUrl))
    expect(await connector.metrics?.({ credentials }, root)).toEqual({
      likes: 1,
      reposts: 1,
      quotes: 1,
      replies: 1,
    })
  })

  it('deletes every part; the records are gone and deleting again is harmless', async () => {
    const connector = createBlueskyConnector(env(net.pdsUrl))
    for (const remote of thread) await connector.delete({ credentials }, remote)
    for (const remote of thread) {
      const gone = await read(remote).catch((e) => e)
      expect(gone).toBeInstanceOf(XRPCError)
      expect((gone as XRPCError).error).toBe('RecordNotFound')
    }
    await connector.delete({ credentials }, thread[0] as RemotePost)
    const notOurs = await connector
      .delete({ credentials }, { remoteId: `at://${bob.did}/app.bsky.feed.post/${blueskyRecordKey('x', 0)}` })
      .catch((e) => e)
    expect(notOurs).toMatchObject({ permanent: true })
  })
})

describe.skipIf(!network)('Bluesky connector against a PDS enforcing its rate limits', () => {
  it("waits for the PDS's RateLimit-Reset after a real 429", async () => {
    const limited = await startLocalBluesky({ appView: false, rateLimits: true })
    try {
      const account = await limited.createAccount('limited.test')
      // The PDS allows 30 sign-ins per account in 5 minutes; spend them.
      for (let i = 0; i < 30; i++)
        await new AtpAgent({ service: limited.pdsUrl }).login({
          identifier: 'limited.test',
          password: account.appPassword,
        })
      const refused = await createBlueskyConnector(env(limited.pdsUrl))
        .verify?.({ serviceUrl: limited.pdsUrl, identifier: 'limited.test', password: account.appPassword })
        .catch((e) => e)
      expect(refused).toBeInstanceOf(ChannelError)
      expect(refused).toMatchObject({ status: 429, permanent: false, reauthorise: false })
      expect(refused.retryAfterMs).toBeGreaterThan(200_000)
      expect(refused.retryAfterMs).toBeLessThanOrEqual(300_000)
      expect(refused.message).toMatch(/rate limit/)
    } finally {
      await limited.close()
    }
  })
})

if (!network) {
  describe('Bluesky connector against a local PDS (not run)', () => {
    it.skip(`the local PDS from @atproto/dev-env could not start here: ${String(startFailure)}`, () => {})
  })
}

if (network && !network.appView) {
  describe('Bluesky metrics against a local AppView (not run)', () => {
    it.skip(`no AppView: ${network?.appViewMissing}`, () => {})
  })
}
