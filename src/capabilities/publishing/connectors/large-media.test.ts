import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLocalStore } from '#src/capabilities/media/storage.ts'
import { type LinkedInFake, startLinkedInFake } from '#test/fakes/linkedin.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { startTikTokFake, type TikTokFake } from '#test/fakes/tiktok.ts'
import { startXFake, type XFake } from '#test/fakes/x.ts'
import { startYouTubeFake, type YouTubeFake } from '#test/fakes/youtube.ts'
import { type Growth, MIB, measured, storeRandomFile, videoFrom, watched } from '#test/support/large-media.ts'
import type { OutgoingPost } from '../connector.ts'
import { BLOB_IN_MEMORY_BYTES } from './http.ts'
import { createLinkedInConnector } from './linkedin.ts'
import { createMastodonConnector } from './mastodon.ts'
import { createTikTokConnector } from './tiktok.ts'
import { createXConnector, X_SEGMENT } from './x.ts'
import { createYouTubeConnector, YOUTUBE_CHUNK } from './youtube.ts'

/**
 * A video far larger than any upload chunk goes to each platform's fake read from the store by
 * byte range: the fake receives exactly the file (its SHA-256), the store is never asked for
 * the whole file, no read is longer than one chunk, and the process grows by a fraction of the
 * file while sending it. The memory figures are printed for the record.
 */
const SIZE = 128 * MIB
const KEY = 'upload-1/video.mp4'
/** Mastodon takes videos up to 99 MB in one request. */
const CLIP_SIZE = 40 * MIB
const CLIP_KEY = 'upload-2/clip.mp4'
const NOW = new Date()

describe(`a ${SIZE / MIB} MiB video is sent by byte range, never read whole`, () => {
  let dir: string
  let sha256: string
  let clipSha256: string
  let youtube: YouTubeFake
  let x: XFake
  let tiktok: TikTokFake
  let mastodon: MastodonFake
  let linkedin: LinkedInFake
  const figures: Record<string, Growth> = {}
  const post: OutgoingPost = {
    idempotencyKey: 'k',
    title: 'Echocardiography: a full study',
    parts: [],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rounds-large-media-'))
    sha256 = await storeRandomFile(createLocalStore(join(dir, 'store')), KEY, SIZE, join(dir, 'scratch'))
    clipSha256 = await storeRandomFile(
      createLocalStore(join(dir, 'store')),
      CLIP_KEY,
      CLIP_SIZE,
      join(dir, 'scratch'),
    )
    ;[youtube, x, tiktok, mastodon, linkedin] = await Promise.all([
      startYouTubeFake(),
      startXFake(),
      startTikTokFake(),
      startMastodonFake({ token: 'sekret-large' }),
      startLinkedInFake(),
    ])
    mastodon.mediaProcessingPolls = 0
    x.videoProcessingPolls = 0
  }, 120_000)

  afterAll(async () => {
    await Promise.all([youtube?.close(), x?.close(), tiktok?.close(), mastodon?.close(), linkedin?.close()])
    if (dir) await rm(dir, { recursive: true, force: true })
    console.info(
      `Memory while sending a ${SIZE / MIB} MiB video (peak growth, MiB):\n${Object.entries(figures)
        .map(([k, g]) => `  ${k}: live ${g.liveMiB.toFixed(1)}, rss ${g.rssMiB.toFixed(1)}`)
        .join('\n')}`,
    )
  })

  it('YouTube: resumable upload in 8 MiB chunks', async () => {
    const { store, reads } = watched(createLocalStore(join(dir, 'store')))
    const connector = createYouTubeConnector({
      baseUrl: youtube.url,
      fetch,
      now: () => NOW,
      publicBaseUrl: 'https://r',
    })
    const ctx = { credentials: { serviceUrl: youtube.url, accessToken: youtube.issueToken() } }
    const video = await videoFrom(store, KEY)
    const { result, growth } = await measured(() =>
      connector.publishPart(ctx, post, { index: 0, text: 'A full study.', media: [video] }, null),
    )
    figures.youtube = growth
    const received = youtube.videos.find((v) => v.id === result.remoteId)
    expect(received).toMatchObject({ bytes: SIZE, sha256 })
    expect(reads.get).toBe(0)
    expect(reads.whole).toBe(0)
    expect(Math.max(...reads.ranges)).toBeLessThanOrEqual(YOUTUBE_CHUNK)
    expect(reads.ranges.slice(1).reduce((a, b) => a + b, 0)).toBe(SIZE)
    expect(growth.liveMiB).toBeLessThan(SIZE / MIB / 2)
  }, 120_000)

  it('X: APPEND segments of at most 5 MB', async () => {
    const { store, reads } = watched(createLocalStore(join(dir, 'store')))
    const connector = createXConnector({ baseUrl: x.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' })
    const ctx = { credentials: { serviceUrl: x.url, accessToken: x.issueToken(), accountId: x.userId } }
    const video = await videoFrom(store, KEY)
    const { result, growth } = await measured(() =>
      connector.publishPart(ctx, post, { index: 0, text: 'A full study.', media: [video] }, null),
    )
    figures.x = growth
    const tweet = x.tweets.find((t) => t.id === result.remoteId)
    const upload = x.uploads.find((u) => u.id === tweet?.mediaIds[0])
    expect(upload).toMatchObject({ totalBytes: SIZE, received: SIZE, segments: SIZE / X_SEGMENT, sha256 })
    expect(reads.get).toBe(0)
    expect(reads.whole).toBe(0)
    expect(Math.max(...reads.ranges)).toBeLessThanOrEqual(5 * 1000 * 1000)
    expect(growth.liveMiB).toBeLessThan(SIZE / MIB / 2)
  }, 120_000)

  it('TikTok: FILE_UPLOAD chunks of 5–64 MB, each streamed', async () => {
    const { store, reads } = watched(createLocalStore(join(dir, 'store')))
    const connector = createTikTokConnector(
      { baseUrl: tiktok.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' },
      // 5 MiB chunks (the last 8 MiB): the fake holds a whole chunk, the connector streams it.
      { pollMs: 5, chunkBytes: 5 * MIB },
    )
    const ctx = { credentials: { serviceUrl: tiktok.url, accessToken: tiktok.issueToken() } }
    const video = await videoFrom(store, KEY)
    const { growth } = await measured(() =>
      connector.publishPart(ctx, post, { index: 0, text: 'A full study.', media: [video] }, null),
    )
    figures.tiktok = growth
    expect(tiktok.posts.at(-1)).toMatchObject({ size: SIZE, received: SIZE, sha256 })
    expect(reads.get).toBe(0)
    expect(reads.whole).toBe(0)
    expect(growth.liveMiB).toBeLessThan(SIZE / MIB / 2)
  }, 120_000)

  it('LinkedIn: the parts its upload instructions name, each streamed', async () => {
    const { store, reads } = watched(createLocalStore(join(dir, 'store')))
    const connector = createLinkedInConnector(
      { baseUrl: linkedin.url, fetch, now: () => NOW, publicBaseUrl: 'https://r' },
      { pollMs: 5 },
    )
    const ctx = {
      credentials: {
        serviceUrl: linkedin.url,
        accessToken: linkedin.issueToken(),
        accountId: `urn:li:organization:${linkedin.state.orgId}`,
      },
    }
    const video = await videoFrom(store, KEY)
    const { result, growth } = await measured(() =>
      connector.publishPart(ctx, post, { index: 0, text: 'A full study.', media: [video] }, null),
    )
    figures.linkedin = growth
    const content = linkedin.posts.find((p) => p.urn === result.remoteId)?.content as {
      media: { id: string }
    }
    expect(linkedin.assets.get(content.media.id)).toMatchObject({ size: SIZE, bytes: SIZE, sha256 })
    expect(reads.get).toBe(0)
    expect(reads.whole).toBe(0)
    expect(growth.liveMiB).toBeLessThan(SIZE / MIB / 2)
  }, 120_000)

  it('Mastodon: a video over 16 MiB goes to masto.js as a disk-backed Blob, copied from the store as a stream', async () => {
    const { store, reads } = watched(createLocalStore(join(dir, 'store')))
    const connector = createMastodonConnector({
      baseUrl: '',
      fetch,
      now: () => NOW,
      publicBaseUrl: 'https://r',
    })
    const ctx = { credentials: { serviceUrl: mastodon.url, accessToken: 'sekret-large' } }
    const video = await videoFrom(store, CLIP_KEY)
    expect(video.body.size).toBeGreaterThan(BLOB_IN_MEMORY_BYTES)
    const copies = async () => (await readdir(tmpdir())).filter((n) => n.startsWith('rounds-upload-'))
    const before = await copies()
    await connector.publishPart(ctx, post, { index: 0, text: 'A short clip.', media: [video] }, null)
    expect(mastodon.media.at(-1)).toMatchObject({
      bytes: CLIP_SIZE,
      sha256: clipSha256,
      mimeType: 'video/mp4',
    })
    expect(reads.get).toBe(0)
    // Read once, whole, as a stream into the temporary file (masto.js sends a Blob in one request).
    expect(reads.whole).toBe(1)
    // The temporary copy is gone afterwards.
    expect(await copies()).toEqual(before)
  }, 120_000)
})
