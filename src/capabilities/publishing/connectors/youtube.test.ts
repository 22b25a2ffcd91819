import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startYouTubeFake, type YouTubeFake } from '#test/fakes/youtube.ts'
import { bytesBody, ChannelError, type OutgoingPost, type PostContext } from '../connector.ts'
import { createYouTubeConnector, youtubeConnectorFactory, youtubeTags } from './youtube.ts'

const NOW = new Date()
const KIB = 1024

describe('YouTube connector (Data API v3 against an HTTP fake of the documented API)', () => {
  let fake: YouTubeFake
  let ctx: PostContext
  let connector: ReturnType<typeof createYouTubeConnector>
  const post: OutgoingPost = {
    idempotencyKey: 'k',
    title: 'Reading an ECG: <ST> elevation',
    parts: [],
    hashtags: ['#ECG', '#cardiology'],
    canonicalUrl: 'https://r/orgs/a/items/1',
    language: 'en',
  }
  const video = (size: number, captionsVtt?: string) => ({
    kind: 'video' as const,
    mimeType: 'video/mp4',
    body: bytesBody(new Uint8Array(size).map((_, i) => i % 251)),
    ...(captionsVtt ? { captionsVtt } : {}),
  })
  const part = (text: string, size = 600 * KIB, vtt?: string) => ({
    index: 0,
    text,
    media: [video(size, vtt)],
  })

  beforeAll(async () => {
    fake = await startYouTubeFake()
    connector = createYouTubeConnector(
      { baseUrl: fake.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' },
      { chunkBytes: 256 * KIB, retryDelayMs: 1 },
    )
    ctx = { credentials: { serviceUrl: fake.url, accessToken: fake.issueToken() } }
  })
  afterAll(() => fake?.close())

  it('names the channel', async () => {
    expect(await connector.verify?.(ctx.credentials)).toEqual({
      name: '@roundsmed',
      accountId: fake.state.channelId,
    })
  })

  it('uploads in 256 KiB chunks with title, description, tags, privacy and captions; then deletes', async () => {
    const progress: number[] = []
    const vtt = 'WEBVTT\n\n00:00.000 --> 00:02.000\nLead II shows ST elevation.\n'
    const remote = await connector.publishPart(
      { ...ctx, onProgress: (f) => progress.push(f) },
      post,
      part('An ECG <walkthrough>.\nFull text: https://r/orgs/a/items/1', 600 * KIB, vtt),
      null,
    )
    const v = fake.videos.find((x) => x.id === remote.remoteId)
    expect(v).toMatchObject({
      title: 'Reading an ECG: ST elevation',
      description: 'An ECG ‹walkthrough›.\nFull text: https://r/orgs/a/items/1',
      tags: ['ECG', 'cardiology'],
      privacyStatus: 'public',
      bytes: 600 * KIB,
    })
    expect(v?.captions).toEqual([{ language: 'en', vtt }])
    expect(fake.state.chunkPuts).toBe(3)
    expect(progress.at(-1)).toBe(1)
    expect(remote.url).toBe(`https://www.youtube.com/watch?v=${remote.remoteId}`)
    await connector.delete(ctx, remote)
    expect(fake.live().some((x) => x.id === remote.remoteId)).toBe(false)
    await expect(connector.delete(ctx, remote)).rejects.toMatchObject({ status: 404, permanent: true })
  })

  it('resumes after a chunk is cut off, from what the server says it holds (308 Range)', async () => {
    fake.state.chunkPuts = 0
    fake.state.statusQueries = 0
    fake.state.cutNextChunkAfter = 100 * KIB
    const remote = await connector.publishPart(
      ctx,
      { ...post, title: 'Resumed' },
      part('Resumed upload.', 700 * KIB),
      null,
    )
    const v = fake.videos.find((x) => x.id === remote.remoteId)
    expect(v?.bytes).toBe(700 * KIB)
    expect(fake.state.statusQueries).toBe(1)
    // 256 (cut at 100) → 100..612 in 256 KiB steps → rest: four chunk PUTs in all.
    expect(fake.state.chunkPuts).toBe(4)
  })

  it('schedules natively: private with publishAt', async () => {
    const at = new Date(NOW.getTime() + 86_400_000).toISOString()
    const remote = await connector.publishPart(
      ctx,
      { ...post, title: 'Later', scheduledAt: at },
      part('Later.', 10 * KIB),
      null,
    )
    expect(fake.videos.find((x) => x.id === remote.remoteId)).toMatchObject({
      privacyStatus: 'private',
      publishAt: at,
    })
  })

  it('a publishAt YouTube refuses (400 invalidPublishAt) is marked as a refused schedule; nothing is uploaded or moved', async () => {
    const at = new Date(NOW.getTime() + 86_400_000).toISOString()
    const held = await connector.publishPart(
      ctx,
      { ...post, title: 'Held', scheduledAt: at },
      part('Held.', 10 * KIB),
      null,
    )
    const [starts, puts, count] = [fake.state.sessionStarts, fake.state.chunkPuts, fake.videos.length]
    fake.state.refusePublishAt = 'The request metadata specifies an invalid scheduled publishing time.'
    try {
      const refused = await connector
        .publishPart(ctx, { ...post, title: 'Refused', scheduledAt: at }, part('Refused.', 600 * KIB), null)
        .catch((e) => e)
      expect(refused).toBeInstanceOf(ChannelError)
      expect(refused).toMatchObject({ status: 400, permanent: true, scheduleRefused: true })
      expect(refused.message).toBe(
        'YouTube refused the time to publish the video (The request metadata specifies an invalid scheduled publishing time.).',
      )
      // Refused with the metadata, before a session was opened: no bytes sent, no video.
      expect([fake.state.sessionStarts, fake.state.chunkPuts, fake.videos.length]).toEqual([
        starts,
        puts,
        count,
      ])

      const later = new Date(NOW.getTime() + 2 * 86_400_000).toISOString()
      const move = await connector.scheduling?.reschedule(ctx, held, later).catch((e) => e)
      expect(move).toMatchObject({ status: 400, scheduleRefused: true })
      expect(fake.videos.find((v) => v.id === held.remoteId)).toMatchObject({
        privacyStatus: 'private',
        publishAt: at,
      })

      // Other refusals are not a refused schedule; a public upload still passes.
      const other = await connector.publishPart(ctx, { ...post, title: '' }, part(''), null).catch((e) => e)
      expect(other).toMatchObject({ status: 400, scheduleRefused: false })
      const now = await connector.publishPart(ctx, { ...post, title: 'Now' }, part('Now.', 10 * KIB), null)
      expect(fake.videos.find((v) => v.id === now.remoteId)?.privacyStatus).toBe('public')
    } finally {
      fake.state.refusePublishAt = null
    }
  })

  it('finds the video an interrupted attempt uploaded, in the uploads playlist', async () => {
    const p = { ...post, title: 'Lookup me' }
    const sent = await connector.publishPart(ctx, p, part('Look me up.', 10 * KIB), null)
    expect(await connector.lookup?.(ctx, p, part('Look me up.'))).toMatchObject({ remoteId: sent.remoteId })
    expect(await connector.lookup?.(ctx, p, part('Never sent.'))).toBeNull()
  })

  it('reads statistics', async () => {
    const remote = await connector.publishPart(
      ctx,
      { ...post, title: 'Stats' },
      part('Stats.', 10 * KIB),
      null,
    )
    const v = fake.videos.find((x) => x.id === remote.remoteId)
    if (v) v.views = 120
    expect(await connector.metrics?.(ctx, remote)).toEqual({ views: 120, likes: 3, replies: 1 })
  })

  it('refuses a part without a video in plain words', async () => {
    const error = await connector
      .publishPart(ctx, post, { index: 0, text: 'No video', media: [] }, null)
      .catch((e) => e)
    expect(error).toMatchObject({ permanent: true, message: 'YouTube needs a video; this item has none.' })
  })

  it('stops on a used-up daily quota (403 quotaExceeded) and says so', async () => {
    fake.failNext({ status: 403, path: /\/upload\/youtube\/v3\/videos$/, method: 'POST' })
    const error = await connector.publishPart(ctx, post, part('Quota.'), null).catch((e) => e)
    expect(error).toBeInstanceOf(ChannelError)
    expect(error).toMatchObject({ status: 403, permanent: true, retryAfterMs: null })
    expect(error.message).toMatch(/daily API quota/)
  })

  it('waits for Retry-After on 429 and retries 5xx', async () => {
    fake.failNext({ status: 429, path: /\/upload\/youtube\/v3\/videos$/, headers: { 'retry-after': '120' } })
    expect(await connector.publishPart(ctx, post, part('Fast.'), null).catch((e) => e)).toMatchObject({
      status: 429,
      permanent: false,
      retryAfterMs: 120_000,
    })
    fake.failNext({ status: 503, path: /\/youtube\/v3\/videos$/ })
    expect(await connector.metrics?.(ctx, { remoteId: 'x' }).catch((e) => e)).toMatchObject({
      status: 503,
      permanent: false,
    })
  })

  it('asks to reconnect on an expired token, without repeating it', async () => {
    const expired = { ...ctx, credentials: { ...ctx.credentials, accessToken: fake.issueToken(-1) } }
    const error = await connector.publishPart(expired, post, part('Expired.'), null).catch((e) => e)
    expect(error).toMatchObject({ status: 401, reauthorise: true, permanent: true })
    expect(error.message).not.toContain(expired.credentials.accessToken)
  })

  it("refreshes the token at Google's token endpoint (refresh grant, client in the body)", async () => {
    const provider = youtubeConnectorFactory.oauth?.(fake.url)
    expect(provider?.tokenUrl).toBe(`${fake.url}/token`)
    const refresh = fake.issueRefreshToken()
    const res = await fetch(provider?.tokenUrl ?? '', {
      method: 'POST',
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: refresh,
        client_id: fake.state.clientId,
        client_secret: fake.state.clientSecret,
      }),
    })
    const token = (await res.json()) as { access_token: string }
    expect(await connector.verify?.({ ...ctx.credentials, accessToken: token.access_token })).toMatchObject({
      accountId: fake.state.channelId,
    })
  })

  it('keeps tags within 500 characters', () => {
    const tags = youtubeTags(Array.from({ length: 100 }, (_, i) => `#tag${i}abcdefgh`))
    expect(tags.join(',').length).toBeLessThanOrEqual(500)
    expect(tags.length).toBeGreaterThan(20)
  })
})
