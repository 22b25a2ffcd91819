import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MetaFake, startMetaFake } from '#test/fakes/meta.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import { expectJson } from './helpers.ts'
import {
  connectByOAuth,
  createApprovedItem,
  createPublishingWorld,
  type PublishingWorld,
  publicationsOf,
  publishThroughRoutes,
  storeScreenedMedia,
} from './publishing-world.ts'

/**
 * Delivery to a platform that fetches media by URL, end to end: Rounds listens on loopback,
 * the Instagram fake fetches the signed media address delivery hands it (the item is not
 * public yet) and gets the sanitised file — never the quarantined original; withdrawal then
 * lists the Instagram post to remove by hand.
 */
describe.each(testDialects)('publishing an image to Instagram on %s', (dialect) => {
  let rounds: TestRounds
  let meta: MetaFake
  let server: Server
  let w: PublishingWorld
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.alloc(2000, 7),
    Buffer.from([0xff, 0xd9]),
  ])
  const item = (id: string) => `/api/orgs/${w.org.slug}/items/${id}`

  beforeAll(async () => {
    meta = await startMetaFake()
    // Rounds must answer real HTTP: the fake fetches media from it as Instagram would.
    let handler: ReturnType<typeof getRequestListener> | null = null
    server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `instagram=${meta.url}`,
        ROUNDS_OAUTH_INSTAGRAM_CLIENT_ID: meta.state.appId,
        ROUNDS_OAUTH_INSTAGRAM_CLIENT_SECRET: meta.state.appSecret,
      },
    })
    handler = getRequestListener(rounds.app.fetch)
    // Rounds' public address, as the platform's servers would resolve it.
    meta.state.resolve = (url) => url.replace(TEST_BASE_URL, base)
    w = await createPublishingWorld(rounds, 'Instagram Teaching')
  })
  afterAll(async () => {
    await rounds?.close()
    await meta?.close()
    server?.closeAllConnections()
    await new Promise((r) => server?.close(r))
  })

  const approvedWithImage = (uploadId: string) =>
    createApprovedItem(
      rounds,
      w,
      {
        title: 'Reading a chest film',
        body: 'Start with the airway, then breathing, then circulation. Check the costophrenic angles.',
        hashtags: ['radiology'],
        media: [{ id: uploadId, kind: 'image', altText: 'A chest film with a left lower lobe opacity' }],
      },
      (itemId) =>
        storeScreenedMedia(rounds, w, itemId, {
          id: uploadId,
          kind: 'image',
          filename: 'film.jpg',
          mime: 'image/jpeg',
          bytes: jpeg,
          width: 1,
          height: 1,
          duration: null,
          original: 'the original with the patient label',
        }),
    )

  it('connects, publishes the sanitised image through a signed address, and withdrawal lists the post to remove by hand', async () => {
    const account = await connectByOAuth(rounds, w, 'instagram')
    expect(account).toMatchObject({ channel: 'instagram', name: '@roundsmed', status: 'connected' })
    // The short-lived token from the code was exchanged for a long-lived one (about 60 days).
    expect(meta.state.exchanges).toBe(1)
    expect(new Date(account.expiresAt as string).getTime() - Date.now()).toBeGreaterThan(50 * 86_400_000)

    const id = await approvedWithImage(`up-${Date.now()}`)
    await publishThroughRoutes(rounds, w, id, 'instagram')
    await rounds.createWorker().drain()
    expect((await publicationsOf(rounds, w, id))[0]?.status).toBe('published')
    const post = meta.posts.find((p) => p.channel === 'instagram')
    expect(post?.container).toMatchObject({
      kind: 'IMAGE',
      fetchedBytes: jpeg.length,
      altText: 'A chest film with a left lower lobe opacity',
    })
    expect(post?.container?.url).toMatch(/\/media\/up-\d+\?expires=\d+&sig=/)

    const withdrawn = await expectJson<{ removeByHand: string[] }>(
      await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Wrong side labelled' },
      }),
      200,
    )
    await rounds.createWorker().drain()
    const after = await publicationsOf(rounds, w, id)
    const text = JSON.stringify({ withdrawn, after })
    expect(text).toContain(`https://www.instagram.com/p/${post?.id}/`)
    expect(text).toMatch(/remove it by hand/)
  }, 30_000)
})
