import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startXFake, type XFake } from '#test/fakes/x.ts'
import { bytesBody, ChannelError, type OutgoingPost, type PostContext } from '../connector.ts'
import { createXConnector } from './x.ts'

const NOW = new Date()

describe('X connector (twitter-api-v2 against an HTTP fake of the documented API)', () => {
  let fake: XFake
  let ctx: PostContext
  let connector: ReturnType<typeof createXConnector>
  const post: OutgoingPost = {
    idempotencyKey: 'k',
    parts: [],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
  }
  const part = (text: string, index = 0) => ({ index, text, media: [] })

  beforeAll(async () => {
    fake = await startXFake()
    connector = createXConnector({ baseUrl: fake.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' })
    ctx = { credentials: { serviceUrl: fake.url, accessToken: fake.issueToken(), accountId: fake.userId } }
  })
  afterAll(() => fake?.close())

  it('names the account', async () => {
    expect(await connector.verify?.(ctx.credentials)).toEqual({ name: '@rounds_med', accountId: '42' })
  })

  it('posts a thread through reply.in_reply_to_tweet_id and deletes it', async () => {
    const first = await connector.publishPart(ctx, post, part('Thread one. 1/2'), null)
    const second = await connector.publishPart(ctx, post, part('Thread two. 2/2', 1), {
      root: first,
      parent: first,
    })
    expect(fake.tweets.find((t) => t.id === second.remoteId)?.replyTo).toBe(first.remoteId)
    expect(first.url).toBe(`https://x.com/i/web/status/${first.remoteId}`)
    await connector.delete(ctx, second)
    await connector.delete(ctx, first)
    expect(fake.live().map((t) => t.text)).not.toContain('Thread one. 1/2')
    await expect(connector.delete(ctx, first)).rejects.toMatchObject({ status: 404 })
  })

  it('uploads an image in chunks with alt text and attaches it', async () => {
    const bytes = new Uint8Array(2.5 * 1024 * 1024).fill(7)
    const remote = await connector.publishPart(
      ctx,
      post,
      {
        index: 0,
        text: 'An ECG.',
        media: [
          { kind: 'image', mimeType: 'image/png', body: bytesBody(bytes), altText: 'ECG with ST elevation' },
        ],
      },
      null,
    )
    const tweet = fake.tweets.find((t) => t.id === remote.remoteId)
    const upload = fake.uploads.find((u) => u.id === tweet?.mediaIds[0])
    expect(upload).toMatchObject({
      segments: 3,
      received: bytes.length,
      altText: 'ECG with ST elevation',
      finalized: true,
    })
  })

  it('waits while a video processes (STATUS in_progress, then succeeded)', async () => {
    const remote = await connector.publishPart(
      ctx,
      post,
      {
        index: 0,
        text: 'A clip.',
        media: [{ kind: 'video', mimeType: 'video/mp4', body: bytesBody(new Uint8Array(1000)) }],
      },
      null,
    )
    const upload = fake.uploads.find(
      (u) => u.id === fake.tweets.find((t) => t.id === remote.remoteId)?.mediaIds[0],
    )
    expect(upload?.polls).toBeGreaterThanOrEqual(2)
  }, 15_000)

  it('finds a post an interrupted attempt created, even with its links rewritten to t.co', async () => {
    const text = 'Read more: https://rounds.example.org/orgs/a/items/9'
    const sent = await connector.publishPart(ctx, post, part(text), null)
    expect(await connector.lookup?.(ctx, post, part(text))).toMatchObject({ remoteId: sent.remoteId })
    expect(await connector.lookup?.(ctx, post, part('never sent'))).toBeNull()
  })

  it('reads public metrics', async () => {
    const remote = await connector.publishPart(ctx, post, part('Metrics please.'), null)
    const t = fake.tweets.find((x) => x.id === remote.remoteId)
    if (t) t.likes = 5
    expect(await connector.metrics?.(ctx, remote)).toEqual({
      impressions: 100,
      likes: 5,
      reposts: 0,
      replies: 0,
    })
  })

  it('waits until x-rate-limit-reset on 429', async () => {
    const reset = Math.floor(NOW.getTime() / 1000) + 600
    fake.failNext({
      status: 429,
      path: /\/2\/tweets$/,
      headers: { 'x-rate-limit-reset': String(reset), 'x-rate-limit-remaining': '0' },
    })
    const error = await connector.publishPart(ctx, post, part('Too fast.'), null).catch((e) => e)
    expect(error).toBeInstanceOf(ChannelError)
    expect(error.permanent).toBe(false)
    expect(error.retryAfterMs).toBeGreaterThan(590_000)
    expect(error.retryAfterMs).toBeLessThanOrEqual(600_000)
  })

  it('asks to reconnect when the token has expired', async () => {
    const expired = { ...ctx, credentials: { ...ctx.credentials, accessToken: fake.issueToken(-1) } }
    const error = await connector.publishPart(expired, post, part('Expired.'), null).catch((e) => e)
    expect(error).toMatchObject({ status: 401, reauthorise: true })
    expect(error.message).not.toContain(expired.credentials.accessToken)
  })

  it('retries server errors and refuses a duplicate for good', async () => {
    fake.failNext({ status: 503, path: /\/2\/tweets$/ })
    expect(await connector.publishPart(ctx, post, part('Once.'), null).catch((e) => e)).toMatchObject({
      status: 503,
      permanent: false,
    })
    await connector.publishPart(ctx, post, part('Once.'), null)
    const dup = await connector.publishPart(ctx, post, part('Once.'), null).catch((e) => e)
    expect(dup).toMatchObject({ status: 403, permanent: true })
    expect(dup.message).toMatch(/duplicate content/)
  })
})
