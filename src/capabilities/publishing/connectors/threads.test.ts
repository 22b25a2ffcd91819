import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startThreadsFake, type ThreadsFake } from '#test/fakes/threads.ts'
import { bytesBody, type OutgoingMedia, type OutgoingPost, type PostContext } from '../connector.ts'
import { createConnectorRegistry } from './index.ts'
import { createThreadsConnector } from './threads.ts'

const NOW = new Date()

describe('Threads connector (Threads API against an HTTP fake of the documented API)', () => {
  let fake: ThreadsFake
  let media: Server
  let mediaBase = ''
  let ctx: PostContext
  let threads: ReturnType<typeof createThreadsConnector>
  const post: OutgoingPost = {
    idempotencyKey: 'k',
    parts: [],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
  }
  const file = (slot: string, kind: 'image' | 'video' = 'image', altText?: string): OutgoingMedia => ({
    kind,
    mimeType: kind === 'image' ? 'image/jpeg' : 'video/mp4',
    body: bytesBody(new Uint8Array(0)),
    publicUrl: `${mediaBase}/orgs/a/items/1/media/${slot}`,
    ...(altText ? { altText } : {}),
  })

  beforeAll(async () => {
    fake = await startThreadsFake()
    // Stands in for Rounds' public media route: Threads fetches files from a URL.
    media = createServer((req, res) => {
      if (req.url?.includes('/missing')) return res.writeHead(404).end()
      res.writeHead(200, { 'content-type': req.url?.includes('vid') ? 'video/mp4' : 'image/jpeg' })
      res.end(Buffer.alloc(2345, 1))
    })
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r))
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`
    threads = createThreadsConnector(
      { baseUrl: fake.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' },
      { pollMs: 5 },
    )
    ctx = {
      credentials: { serviceUrl: fake.url, accessToken: fake.issueToken(), accountId: fake.state.userId },
    }
  })
  afterAll(async () => {
    await fake?.close()
    media?.closeAllConnections()
    await new Promise((r) => media?.close(r))
  })

  it('is registered, with the 500-character spec, threads, delete and a documented rate limit', () => {
    const r = createConnectorRegistry({ publicBaseUrl: 'https://r' }).get('threads')
    expect(r?.connection).toBe('oauth2')
    expect(r?.oauth).toMatchObject({
      authorizeUrl: 'https://threads.net/oauth/authorize',
      tokenUrl: 'https://graph.threads.net/oauth/access_token',
      exchangeGrant: 'th_exchange_token',
      exchange: { url: 'https://graph.threads.net/access_token', method: 'GET', tokenParam: 'access_token' },
    })
    expect(threads.capabilities).toMatchObject({ threads: true, delete: true, reply: true })
    expect(threads.capabilities.spec.maxLength).toBe(500)
    expect(threads.capabilities.rateLimit).toMatchObject({
      posts: 250,
      windowMs: 86_400_000,
      counts: 'posts',
    })
    expect(threads.capabilities.moreLimits).toEqual([
      expect.objectContaining({ posts: 1_000, windowMs: 86_400_000, counts: 'replies' }),
    ])
  })

  it('names the account', async () => {
    expect(await threads.verify?.({ serviceUrl: fake.url, accessToken: fake.issueToken() })).toEqual({
      name: '@roundsmed',
      accountId: fake.state.userId,
    })
  })

  it('publishes a three-part thread: TEXT container, threads_publish, parts replying to the one before', async () => {
    const first = await threads.publishPart(
      ctx,
      post,
      { index: 0, text: '1/3 Start with the airway.', media: [] },
      null,
    )
    const second = await threads.publishPart(
      ctx,
      post,
      { index: 1, text: '2/3 Then breathing.', media: [file('img-1', 'image', 'A chest film')] },
      { root: first, parent: first },
    )
    const third = await threads.publishPart(
      ctx,
      post,
      { index: 2, text: '3/3 Then circulation.', media: [] },
      { root: first, parent: second },
    )
    const byId = (id: string) => fake.posts.find((p) => p.id === id)
    expect(byId(first.remoteId)).toMatchObject({ text: '1/3 Start with the airway.', replyTo: null })
    expect(byId(first.remoteId)?.container.kind).toBe('TEXT')
    expect(byId(second.remoteId)?.replyTo).toBe(first.remoteId)
    expect(byId(second.remoteId)?.container).toMatchObject({
      kind: 'IMAGE',
      altText: 'A chest film',
      fetchedBytes: 2345,
      status: 'PUBLISHED',
    })
    expect(byId(third.remoteId)?.replyTo).toBe(second.remoteId)
    expect(first.url).toBe(`https://www.threads.net/@roundsmed/post/${first.remoteId}`)
  })

  it('polls a video container IN_PROGRESS until FINISHED before publishing; carousels for several files', async () => {
    const video = await threads.publishPart(
      ctx,
      post,
      { index: 0, text: 'A video.', media: [file('vid-1', 'video')] },
      null,
    )
    const c = fake.posts.find((p) => p.id === video.remoteId)?.container
    expect(c?.kind).toBe('VIDEO')
    expect(c?.polls).toBeGreaterThan(fake.state.processingPolls)
    const carousel = await threads.publishPart(
      ctx,
      post,
      { index: 0, text: 'Two films.', media: [file('a'), file('vid-b', 'video')] },
      null,
    )
    const k = fake.posts.find((p) => p.id === carousel.remoteId)?.container
    expect(k?.kind).toBe('CAROUSEL')
    expect(k?.children.map((id) => fake.containers.get(id)?.kind)).toEqual(['IMAGE', 'VIDEO'])
  })

  it('stops on ERROR in plain words, prepares again on EXPIRED, and refuses media without a public URL', async () => {
    const error = await threads
      .publishPart(ctx, post, { index: 0, text: 'x', media: [file('missing', 'video')] }, null)
      .catch((e) => e)
    expect(error).toMatchObject({ permanent: true })
    expect(error.message).toBe('Threads could not process the media (FAILED_DOWNLOADING_VIDEO).')
    fake.state.expireNext = true
    expect(
      await threads
        .publishPart(ctx, post, { index: 0, text: 'y', media: [file('ok')] }, null)
        .catch((e) => e),
    ).toMatchObject({ permanent: false, retryAfterMs: 0 })
    const noUrl = { ...file('x'), publicUrl: undefined }
    expect(
      (await threads.publishPart(ctx, post, { index: 0, text: 'z', media: [noUrl] }, null).catch((e) => e))
        .message,
    ).toBe('Threads fetches media from a public address, and this file has none.')
  })

  it('posts a correction as a reply, reads insights, finds an interrupted part, and deletes', async () => {
    const remote = await threads.publishPart(ctx, post, { index: 0, text: 'Dose: 50 mg.', media: [] }, null)
    const correction = await threads.publishPart(
      ctx,
      post,
      { index: 0, text: 'Correction: the dose is 5 mg.', media: [] },
      { root: remote, parent: remote },
    )
    expect(fake.posts.find((p) => p.id === correction.remoteId)?.replyTo).toBe(remote.remoteId)
    expect(await threads.metrics?.(ctx, remote)).toEqual({
      views: 640,
      likes: 31,
      replies: 1,
      reposts: 4,
      quotes: 2,
    })
    expect(await threads.lookup?.(ctx, post, { index: 0, text: 'Dose:  50 mg.', media: [] })).toMatchObject({
      remoteId: remote.remoteId,
    })
    expect(await threads.lookup?.(ctx, post, { index: 0, text: 'Never posted.', media: [] })).toBeNull()
    await threads.delete(ctx, correction)
    await threads.delete(ctx, remote)
    expect(fake.posts.find((p) => p.id === remote.remoteId)?.deleted).toBe(true)
    // Deleting again: the object is gone, which withdrawal treats as done.
    await expect(threads.delete(ctx, remote)).rejects.toMatchObject({ status: 404, permanent: true })
  })

  it('waits when the publishing limit is reached or on 429 with Retry-After, and asks to reconnect on an expired token', async () => {
    const limit = fake.state.quotaLimit
    fake.state.quotaLimit = 0
    const limited = await threads
      .publishPart(ctx, post, { index: 0, text: 'over the limit', media: [] }, null)
      .catch((e) => e)
    fake.state.quotaLimit = limit
    expect(limited).toMatchObject({ permanent: false, retryAfterMs: 15 * 60_000 })
    expect(limited.message).toBe('Threads is limiting how fast Rounds may post.')
    fake.failNext({ status: 429, path: /\/threads_publish$/, headers: { 'retry-after': '42' } })
    expect(
      await threads.publishPart(ctx, post, { index: 0, text: 'rl', media: [] }, null).catch((e) => e),
    ).toMatchObject({ permanent: false, retryAfterMs: 42_000 })

    const expired = { credentials: { ...ctx.credentials, accessToken: fake.issueToken(-1) } }
    const error = await threads
      .publishPart(expired, post, { index: 0, text: 'z', media: [] }, null)
      .catch((e) => e)
    expect(error).toMatchObject({ reauthorise: true, permanent: true })
    expect(error.message).toMatch(/expired or was revoked/)
    expect(error.message).not.toContain(expired.credentials.accessToken)
  })

  it('refreshes a long-lived token in its last week, and leaves a fresh one alone', async () => {
    const old = fake.issueToken()
    const soon = {
      serviceUrl: fake.url,
      accessToken: old,
      accountId: fake.state.userId,
      expiresAt: new Date(NOW.getTime() + 3 * 86_400_000).toISOString(),
    }
    const renewed = await threads.refresh?.(soon)
    expect(renewed?.accessToken).not.toBe(old)
    expect(new Date(renewed?.expiresAt as string).getTime() - NOW.getTime()).toBeGreaterThan(50 * 86_400_000)
    expect(fake.state.refreshes).toBe(1)
    expect(
      await threads.refresh?.({
        ...soon,
        expiresAt: new Date(NOW.getTime() + 40 * 86_400_000).toISOString(),
      }),
    ).toBeNull()
    // A revoked token cannot be refreshed: reconnect.
    await expect(threads.refresh?.(soon)).rejects.toMatchObject({ reauthorise: true })
  })
})
