import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decryptJson } from '#src/platform/secrets.ts'
import { startYouTubeFake, type YouTubeFake } from '#test/fakes/youtube.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
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
 * A video item to YouTube through the real routes and delivery jobs: the editor signs in with
 * Google (offline access, so a refresh token is kept), the sanitised video (never the
 * quarantined original) is uploaded with the resumable protocol, the item's captions go up as
 * WebVTT, and withdrawal deletes the video.
 */
describe.each(testDialects)('publishing a video to YouTube on %s', (dialect) => {
  let rounds: TestRounds
  let yt: YouTubeFake
  let w: PublishingWorld
  const video = Buffer.alloc(300_000, 5)
  const item = (id: string) => `/api/orgs/${w.org.slug}/items/${id}`

  beforeAll(async () => {
    yt = await startYouTubeFake()
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `youtube=${yt.url}`,
        ROUNDS_OAUTH_YOUTUBE_CLIENT_ID: yt.state.clientId,
        ROUNDS_OAUTH_YOUTUBE_CLIENT_SECRET: yt.state.clientSecret,
      },
    })
    w = await createPublishingWorld(rounds, 'Video Teaching')
  })
  afterAll(async () => {
    await rounds?.close()
    await yt?.close()
  })

  const approvedVideo = (uploadId: string) =>
    createApprovedItem(
      rounds,
      w,
      {
        kind: 'video',
        title: 'Inserting a cannula',
        body: 'A short demonstration on a model arm.',
        hashtags: ['procedures'],
        media: [{ id: uploadId, kind: 'video', altText: 'Hands inserting a cannula into a model arm' }],
        captions: '1\n00:00:01,000 --> 00:00:03,500\nClean the skin first.\n',
      },
      (itemId) =>
        storeScreenedMedia(rounds, w, itemId, {
          id: uploadId,
          kind: 'video',
          filename: 'cannula.mp4',
          mime: 'video/mp4',
          bytes: video,
          width: 640,
          height: 360,
          duration: 4,
          original: 'the original',
        }),
    )

  it('connects with Google, uploads the sanitised video with its captions, and withdrawal deletes it', async () => {
    const account = await connectByOAuth(rounds, w, 'youtube')
    expect(account).toMatchObject({ channel: 'youtube', name: '@roundsmed', status: 'connected' })
    const row = await rounds.database.db
      .selectFrom('channel_account')
      .select('credentials')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow()
    const stored = decryptJson<{ refreshToken?: string }>(
      rounds.config.encryptionKeys,
      row.credentials as string,
      `channel_account:${account.id}`,
    )
    expect(stored.refreshToken).toMatch(/^1\/\//)

    const id = await approvedVideo(`vid-${Date.now()}`)
    await publishThroughRoutes(rounds, w, id, 'youtube')
    await rounds.createWorker().drain()
    expect((await publicationsOf(rounds, w, id))[0]?.status).toBe('published')
    const uploaded = yt.live()
    expect(uploaded).toHaveLength(1)
    expect(uploaded[0]).toMatchObject({
      title: 'Inserting a cannula',
      bytes: video.length,
      privacyStatus: 'public',
    })
    expect(uploaded[0]?.captions[0]?.vtt).toMatch(
      /^WEBVTT[\s\S]*00:00:01\.000 --> 00:00:03\.500[\s\S]*Clean the skin first\./,
    )

    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'The gauge chart was wrong' },
      }),
      200,
    )
    await rounds.createWorker().drain()
    expect(yt.live()).toHaveLength(0)
  }, 30_000)
})
