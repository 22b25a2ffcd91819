import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTikTokFake, type TikTokFake } from '#test/fakes/tiktok.ts'
import { bytesBody, type OutgoingPost, type PostContext } from '../connector.ts'
import { createTikTokConnector, tiktokChunks } from './tiktok.ts'

const NOW = new Date()
const MB = 1024 * 1024

describe('TikTok connector (Content Posting API against an HTTP fake of the documented API)', () => {
  let fake: TikTokFake
  let ctx: PostContext
  let connector: ReturnType<typeof createTikTokConnector>
  const post: OutgoingPost = {
    idempotencyKey: 'k',
    parts: [],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
  }
  const part = (text: string, size = 1000) => ({
    index: 0,
    text,
    media: [{ kind: 'video' as const, mimeType: 'video/mp4', body: bytesBody(new Uint8Array(size).fill(1)) }],
  })

  beforeAll(async () => {
    fake = await startTikTokFake()
    connector = createTikTokConnector(
      { baseUrl: fake.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' },
      { chunkBytes: 5 * MB, pollMs: 5 },
    )
    ctx = { credentials: { serviceUrl: fake.url, accessToken: fake.issueToken() } }
  })
  afterAll(() => fake?.close())

  it('follows TikTok chunk rules', () => {
    expect(tiktokChunks(3 * MB)).toEqual({ chunkSize: 3 * MB, count: 1 })
    expect(tiktokChunks(11 * MB, 5 * MB)).toEqual({ chunkSize: 5 * MB, count: 2 })
    expect(tiktokChunks(200 * MB, 100 * MB)).toEqual({ chunkSize: 64 * MB, count: 3 })
  })

  it('names the account', async () => {
    expect(await connector.verify?.(ctx.credentials)).toEqual({ name: '@roundsmed', accountId: 'tt-open-1' })
  })

  it('uploads in chunks with Content-Range and polls until PUBLISH_COMPLETE', async () => {
    const remote = await connector.publishPart(ctx, post, part('Suturing basics #surgery', 11 * MB), null)
    const p = fake.posts.at(-1)
    expect(p).toMatchObject({
      title: 'Suturing basics #surgery',
      privacy: 'PUBLIC_TO_EVERYONE',
      chunks: 2,
      puts: 2,
      received: 11 * MB,
    })
    expect(p?.polls).toBeGreaterThanOrEqual(2)
    expect(remote).toMatchObject({
      remoteId: p?.postId,
      url: `https://www.tiktok.com/@roundsmed/video/${p?.postId}`,
    })
  })

  it('stops with the fail_reason in plain words when publishing FAILED', async () => {
    fake.state.failNextPublish = 'duration_check_failed'
    const error = await connector.publishPart(ctx, post, part('Too long'), null).catch((e) => e)
    expect(error).toMatchObject({ permanent: true })
    expect(error.message).toBe(
      'TikTok could not publish the video: the video is too long or too short for this account.',
    )
  })

  it('reports that deletion must be done by hand, with the link', async () => {
    const error = await connector
      .delete(ctx, { remoteId: '1', url: 'https://www.tiktok.com/@roundsmed/video/1' })
      .catch((e) => e)
    expect(error).toMatchObject({ permanent: true })
    expect(error.message).toContain('Remove it by hand: https://www.tiktok.com/@roundsmed/video/1')
    expect(connector.capabilities.delete).toBe(false)
  })

  it('finds a post an interrupted attempt published; reads metrics', async () => {
    const sent = await connector.publishPart(ctx, post, part('Look me up'), null)
    expect(await connector.lookup?.(ctx, post, part('Look me up'))).toMatchObject({ remoteId: sent.remoteId })
    expect(await connector.lookup?.(ctx, post, part('Never sent'))).toBeNull()
    expect(await connector.metrics?.(ctx, sent)).toEqual({ views: 900, likes: 40, reposts: 2, replies: 5 })
  })

  it('waits on 429 (Retry-After) and asks to reconnect on an invalid token', async () => {
    fake.failNext({ status: 429, path: /video\/init/, headers: { 'retry-after': '30' } })
    expect(await connector.publishPart(ctx, post, part('Fast'), null).catch((e) => e)).toMatchObject({
      status: 429,
      permanent: false,
      retryAfterMs: 30_000,
    })
    const expired = { credentials: { ...ctx.credentials, accessToken: fake.issueToken(-1) } }
    const error = await connector.publishPart(expired, post, part('Expired'), null).catch((e) => e)
    expect(error).toMatchObject({ status: 401, reauthorise: true })
    expect(error.message).not.toContain(expired.credentials.accessToken)
  })
})
