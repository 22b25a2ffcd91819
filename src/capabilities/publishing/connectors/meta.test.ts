import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MetaFake, startMetaFake } from '#test/fakes/meta.ts'
import { bytesBody, type OutgoingMedia, type OutgoingPost, type PostContext } from '../connector.ts'
import { createFacebookConnector, createInstagramConnector } from './meta.ts'

const NOW = new Date()

describe('Instagram and Facebook connectors (Graph API against an HTTP fake of the documented API)', () => {
  let fake: MetaFake
  let media: Server
  let mediaBase = ''
  let ig: PostContext
  let fb: PostContext
  let instagram: ReturnType<typeof createInstagramConnector>
  let facebook: ReturnType<typeof createFacebookConnector>
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
    fake = await startMetaFake()
    // Stands in for Rounds' public media route: the fake fetches files from it, as Instagram does.
    media = createServer((req, res) => {
      if (req.url?.includes('/missing')) {
        res.writeHead(404)
        return res.end()
      }
      res.writeHead(200, { 'content-type': req.url?.includes('vid') ? 'video/mp4' : 'image/jpeg' })
      res.end(Buffer.alloc(1234, 1))
    })
    await new Promise<void>((r) => media.listen(0, '127.0.0.1', r))
    mediaBase = `http://127.0.0.1:${(media.address() as AddressInfo).port}`
    const env = { baseUrl: fake.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' }
    instagram = createInstagramConnector(env, { pollMs: 5 })
    facebook = createFacebookConnector(env)
    const token = fake.issueToken()
    ig = { credentials: { serviceUrl: fake.url, accessToken: token, accountId: fake.state.igUserId } }
    fb = {
      credentials: { serviceUrl: fake.url, accessToken: fake.state.pageToken, accountId: fake.state.pageId },
    }
  })
  afterAll(async () => {
    await fake?.close()
    media?.closeAllConnections()
    await new Promise((r) => media?.close(r))
  })

  it('finds the Instagram account and the Facebook page (with its page token)', async () => {
    const user = fake.issueToken()
    expect(await instagram.verify?.({ serviceUrl: fake.url, accessToken: user })).toEqual({
      name: '@roundsmed',
      accountId: fake.state.igUserId,
    })
    const page = await facebook.verify?.({ serviceUrl: fake.url, accessToken: user })
    expect(page).toMatchObject({ name: 'Rounds Medicine', accountId: fake.state.pageId })
    expect(page?.credentials?.accessToken).toBe(fake.state.pageToken)
  })

  it('publishes an image: container fetched from the public URL, FINISHED, media_publish, permalink', async () => {
    const remote = await instagram.publishPart(
      ig,
      post,
      { index: 0, text: 'Chest film. #radiology', media: [file('img-1', 'image', 'A chest film')] },
      null,
    )
    const p = fake.posts.find((x) => x.id === remote.remoteId)
    expect(p?.container).toMatchObject({
      kind: 'IMAGE',
      caption: 'Chest film. #radiology',
      altText: 'A chest film',
      fetchedBytes: 1234,
      status: 'PUBLISHED',
    })
    expect(remote.url).toBe(`https://www.instagram.com/p/${remote.remoteId}/`)
  })

  it('publishes a Reel after polling IN_PROGRESS until FINISHED', async () => {
    const remote = await instagram.publishPart(
      ig,
      post,
      { index: 0, text: 'A reel.', media: [file('vid-1', 'video')] },
      null,
    )
    const c = fake.posts.find((x) => x.id === remote.remoteId)?.container
    expect(c?.kind).toBe('REELS')
    expect(c?.polls).toBeGreaterThan(fake.state.videoProcessingPolls)
  })

  it('publishes a carousel: children containers, then CAROUSEL', async () => {
    const remote = await instagram.publishPart(
      ig,
      post,
      { index: 0, text: 'Three films.', media: [file('a'), file('b'), file('vid-c', 'video')] },
      null,
    )
    const c = fake.posts.find((x) => x.id === remote.remoteId)?.container
    expect(c?.kind).toBe('CAROUSEL')
    expect(c?.children.map((id) => fake.containers.get(id)?.kind)).toEqual(['IMAGE', 'IMAGE', 'VIDEO'])
  })

  it('stops on ERROR (file not fetchable) and retries on EXPIRED', async () => {
    const error = await instagram
      .publishPart(ig, post, { index: 0, text: 'x', media: [file('missing')] }, null)
      .catch((e) => e)
    expect(error).toMatchObject({ permanent: true })
    expect(error.message).toMatch(/could not process the media \(Error: Media download has failed\.\)/)
    fake.state.expireNext = true
    expect(
      await instagram
        .publishPart(ig, post, { index: 0, text: 'y', media: [file('ok')] }, null)
        .catch((e) => e),
    ).toMatchObject({ permanent: false, retryAfterMs: 0 })
  })

  it('refuses media without a public URL in plain words', async () => {
    const noUrl = { ...file('x'), publicUrl: undefined }
    const error = await instagram
      .publishPart(ig, post, { index: 0, text: 'x', media: [noUrl] }, null)
      .catch((e) => e)
    expect(error.message).toBe('Instagram fetches media from a public address, and this file has none.')
  })

  it('reports Instagram posts for removal by hand with the permalink; deletes its correction comments', async () => {
    const remote = await instagram.publishPart(
      ig,
      post,
      { index: 0, text: 'Withdraw me.', media: [file('w')] },
      null,
    )
    const error = await instagram.delete(ig, remote).catch((e) => e)
    expect(error).toMatchObject({ permanent: true })
    expect(error.message).toContain(`Remove it by hand: https://www.instagram.com/p/${remote.remoteId}/`)
    expect(instagram.capabilities.delete).toBe(false)
    const comment = await instagram.publishPart(
      ig,
      post,
      { index: 0, text: 'Correction: 5 mg.', media: [] },
      { root: remote, parent: remote },
    )
    expect(fake.posts.find((p) => p.id === remote.remoteId)?.comments).toEqual([comment.remoteId])
    await instagram.delete(ig, comment)
    expect(fake.posts.find((p) => p.id === remote.remoteId)?.comments).toEqual([])
  })

  it('reads Instagram insights and finds a post an interrupted attempt published', async () => {
    const remote = await instagram.publishPart(
      ig,
      post,
      { index: 0, text: 'Find me.', media: [file('f')] },
      null,
    )
    expect(await instagram.metrics?.(ig, remote)).toEqual({
      views: 800,
      reach: 500,
      likes: 40,
      replies: 0,
      saves: 7,
      reposts: 3,
    })
    expect(await instagram.lookup?.(ig, post, { index: 0, text: 'Find me.', media: [] })).toMatchObject({
      remoteId: remote.remoteId,
    })
    expect(await instagram.lookup?.(ig, post, { index: 0, text: 'Never.', media: [] })).toBeNull()
  })

  it('posts to the Facebook page with photos attached, comments, reads counts, deletes', async () => {
    const remote = await facebook.publishPart(
      fb,
      post,
      { index: 0, text: 'Page post.', media: [file('p1'), file('p2')] },
      null,
    )
    const p = fake.posts.find((x) => x.id === remote.remoteId)
    expect(p?.photos.map((x) => x.fetchedBytes)).toEqual([1234, 1234])
    expect(remote.url).toBe(`https://www.facebook.com/${remote.remoteId}`)
    await facebook.publishPart(
      fb,
      post,
      { index: 0, text: 'Correction.', media: [] },
      { root: remote, parent: remote },
    )
    expect(await facebook.metrics?.(fb, remote)).toEqual({ likes: 9, replies: 1, reposts: 2 })
    expect(await facebook.lookup?.(fb, post, { index: 0, text: 'Page post.', media: [] })).toMatchObject({
      remoteId: remote.remoteId,
    })
    await facebook.delete(fb, remote)
    expect(fake.posts.find((x) => x.id === remote.remoteId)?.deleted).toBe(true)
    // Deleting again: Graph says the object does not exist, which withdrawal treats as gone.
    await expect(facebook.delete(fb, remote)).rejects.toMatchObject({ status: 404, permanent: true })
  })

  it('waits on Graph rate-limit codes (4/17/32/613) and asks to reconnect on 190', async () => {
    for (const code of [4, 17, 32, 613]) {
      fake.failNext({ status: 400, path: /\/feed$/, body: { error: { message: 'limit', code } } })
      expect(
        await facebook
          .publishPart(fb, post, { index: 0, text: `rl ${code}`, media: [] }, null)
          .catch((e) => e),
      ).toMatchObject({ permanent: false, retryAfterMs: 15 * 60_000 })
    }
    fake.failNext({
      status: 400,
      path: /\/feed$/,
      body: { error: { message: 'limit', code: 32 } },
      headers: {
        'x-business-use-case-usage': JSON.stringify({
          [fake.state.pageId]: [{ type: 'pages', estimated_time_to_regain_access: 7 }],
        }),
      },
    })
    expect(
      await facebook.publishPart(fb, post, { index: 0, text: 'rl', media: [] }, null).catch((e) => e),
    ).toMatchObject({ retryAfterMs: 7 * 60_000 })
    const expired = { credentials: { ...ig.credentials, accessToken: fake.issueToken(-1) } }
    const error = await instagram
      .publishPart(expired, post, { index: 0, text: 'z', media: [file('z')] }, null)
      .catch((e) => e)
    expect(error).toMatchObject({ reauthorise: true, permanent: true })
    expect(error.message).toMatch(/expired or was revoked/)
    expect(error.message).not.toContain(expired.credentials.accessToken)
  })
})
