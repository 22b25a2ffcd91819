import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type LinkedInFake, startLinkedInFake } from '#test/fakes/linkedin.ts'
import { bytesBody, type OutgoingPost, type PostContext } from '../connector.ts'
import { createLinkedInConnector, LINKEDIN_VERSION, littleText } from './linkedin.ts'

const NOW = new Date()
const MB = 1024 * 1024

describe('LinkedIn connector (Posts API against an HTTP fake of the documented API)', () => {
  let fake: LinkedInFake
  let ctx: PostContext
  let connector: ReturnType<typeof createLinkedInConnector>
  const post: OutgoingPost = {
    idempotencyKey: 'k',
    parts: [],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
  }
  const text = (t: string) => ({ index: 0, text: t, media: [] })

  beforeAll(async () => {
    fake = await startLinkedInFake()
    connector = createLinkedInConnector(
      { baseUrl: fake.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' },
      { pollMs: 5 },
    )
    ctx = {
      credentials: {
        serviceUrl: fake.url,
        accessToken: fake.issueToken(),
        accountId: `urn:li:organization:${fake.state.orgId}`,
      },
    }
  })
  afterAll(() => fake?.close())

  it('writes little text: reserved characters escaped, hashtags as templates', () => {
    expect(littleText('Dose (mg) for <5 y @ward #paeds_ed: 1*2')).toBe(
      'Dose \\(mg\\) for \\<5 y \\@ward {hashtag|\\#|paeds\\_ed}: 1\\*2',
    )
  })

  it('names the organisation page the member administers', async () => {
    expect(await connector.verify?.({ ...ctx.credentials, accountId: undefined })).toEqual({
      name: 'Rounds Medicine',
      accountId: `urn:li:organization:${fake.state.orgId}`,
    })
  })

  it('posts text as the organisation with the version header, and deletes it', async () => {
    const remote = await connector.publishPart(ctx, post, text('Sepsis six (in order). #sepsis'), null)
    const p = fake.posts.find((x) => x.urn === remote.remoteId)
    expect(p).toMatchObject({
      author: `urn:li:organization:${fake.state.orgId}`,
      commentary: 'Sepsis six \\(in order\\). {hashtag|\\#|sepsis}',
    })
    expect([...fake.state.versionsSeen]).toEqual([LINKEDIN_VERSION])
    expect(remote.url).toBe(`https://www.linkedin.com/feed/update/${remote.remoteId}/`)
    await connector.delete(ctx, remote)
    expect(fake.live().some((x) => x.urn === remote.remoteId)).toBe(false)
    await expect(connector.delete(ctx, remote)).rejects.toMatchObject({ status: 404, permanent: true })
  })

  it('uploads images (initializeUpload then PUT) as a multi-image post with alt text', async () => {
    const img = (alt: string) => ({
      kind: 'image' as const,
      mimeType: 'image/png',
      body: bytesBody(new Uint8Array(2000).fill(3)),
      altText: alt,
    })
    const remote = await connector.publishPart(
      ctx,
      post,
      { index: 0, text: 'Two films.', media: [img('Film one'), img('Film two')] },
      null,
    )
    const content = fake.posts.find((x) => x.urn === remote.remoteId)?.content as {
      multiImage: { images: { id: string; altText: string }[] }
    }
    expect(content.multiImage.images.map((i) => i.altText)).toEqual(['Film one', 'Film two'])
    expect(content.multiImage.images.every((i) => fake.assets.get(i.id)?.bytes === 2000)).toBe(true)
  })

  it('uploads a PDF through /rest/documents', async () => {
    const remote = await connector.publishPart(
      ctx,
      post,
      {
        index: 0,
        text: 'The handout.',
        media: [{ kind: 'image', mimeType: 'application/pdf', body: bytesBody(new Uint8Array(5000)) }],
      },
      null,
    )
    const content = fake.posts.find((x) => x.urn === remote.remoteId)?.content as { media: { id: string } }
    expect(content.media.id).toMatch(/^urn:li:document:/)
  })

  it('uploads a video in parts, finalizes with the ETags and waits until AVAILABLE', async () => {
    const bytes = new Uint8Array(9 * MB).fill(9)
    const remote = await connector.publishPart(
      ctx,
      post,
      {
        index: 0,
        text: 'A clip.',
        media: [{ kind: 'video', mimeType: 'video/mp4', body: bytesBody(bytes) }],
      },
      null,
    )
    const content = fake.posts.find((x) => x.urn === remote.remoteId)?.content as { media: { id: string } }
    const asset = fake.assets.get(content.media.id)
    expect(asset).toMatchObject({ bytes: 9 * MB, finalized: true })
    expect(asset?.parts.size).toBe(3)
    expect(asset?.polls).toBeGreaterThanOrEqual(2)
  })

  it('finds a post an interrupted attempt created; reads social counts', async () => {
    const sent = await connector.publishPart(ctx, post, text('Look me up [1].'), null)
    expect(await connector.lookup?.(ctx, post, text('Look me up [1].'))).toMatchObject({
      remoteId: sent.remoteId,
    })
    expect(await connector.lookup?.(ctx, post, text('Never sent.'))).toBeNull()
    expect(await connector.metrics?.(ctx, sent)).toEqual({ likes: 12, replies: 3 })
  })

  it('waits on 429, retries 5xx, asks to reconnect on 401, refuses a duplicate for good', async () => {
    fake.failNext({ status: 429, path: /\/rest\/posts$/, headers: { 'retry-after': '90' } })
    expect(await connector.publishPart(ctx, post, text('Fast.'), null).catch((e) => e)).toMatchObject({
      status: 429,
      retryAfterMs: 90_000,
      permanent: false,
    })
    fake.failNext({ status: 502, path: /\/rest\/posts$/ })
    expect(await connector.publishPart(ctx, post, text('Fast.'), null).catch((e) => e)).toMatchObject({
      status: 502,
      permanent: false,
    })
    const expired = { credentials: { ...ctx.credentials, accessToken: fake.issueToken(-1) } }
    const error = await connector.publishPart(expired, post, text('Expired.'), null).catch((e) => e)
    expect(error).toMatchObject({ status: 401, reauthorise: true })
    expect(error.message).not.toContain(expired.credentials.accessToken)
    await connector.publishPart(ctx, post, text('Once only.'), null)
    const dup = await connector.publishPart(ctx, post, text('Once only.'), null).catch((e) => e)
    expect(dup).toMatchObject({ status: 422, permanent: true })
    expect(dup.message).toMatch(/duplicate/)
  })
})
