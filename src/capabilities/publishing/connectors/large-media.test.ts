import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BlobStore, createLocalStore } from '#src/capabilities/media/storage.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { startTikTokFake, type TikTokFake } from '#test/fakes/tiktok.ts'
import { startXFake, type XFake } from '#test/fakes/x.ts'
import { startYouTubeFake, type YouTubeFake } from '#test/fakes/youtube.ts'
import type { OutgoingMedia, OutgoingPost } from '../connector.ts'
import { BLOB_IN_MEMORY_BYTES } from './http.ts'
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
const MIB = 1024 * 1024
const SIZE = 128 * MIB
const KEY = 'upload-1/video.mp4'
/** Mastodon takes videos up to 99 MB in one request. */
const CLIP_SIZE = 40 * MIB
const CLIP_KEY = 'upload-2/clip.mp4'
const NOW = new Date()

type Reads = { get: number; whole: number; ranges: number[] }

/** The store, recording how it is read. */
function watched(store: BlobStore): { store: BlobStore; reads: Reads } {
  const reads: Reads = { get: 0, whole: 0, ranges: [] }
  return {
    reads,
    store: {
      ...store,
      get: async (key) => {
        reads.get++
        return await store.get(key)
      },
      open: async (key, range) => {
        if (range) reads.ranges.push(range.end - range.start + 1)
        else reads.whole++
        return await store.open(key, range)
      },
    },
  }
}

/** The published file as delivery hands it to a connector (src/entry/context.ts does the same through the media capability). */
async function videoFrom(store: BlobStore, key = KEY): Promise<OutgoingMedia> {
  const head = await store.open(key, { start: 0, end: 0 })
  if (!head) throw new Error('no video stored')
  await head.body.cancel()
  return {
    kind: 'video',
    mimeType: 'video/mp4',
    body: {
      size: head.size,
      open: async (range) => {
        const file = await store.open(key, range)
        if (!file) throw new Error('the video is gone')
        return file.body
      },
    },
  }
}

const gc = (() => {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
})()

/** Peak growth in MiB: of live memory (heap and buffers, collected before each look) and of RSS. */
type Growth = { liveMiB: number; rssMiB: number }

/**
 * Runs `fn`, looking at the process's memory every few milliseconds. Garbage is collected
 * before each look, so the live figure is what is held, not what awaits collection (V8 lets
 * up to about 64 MB of dead buffers pile up before it collects them).
 */
async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; growth: Growth }> {
  // Buffers freed just before are released in the background: settle first, so the
  // baseline does not count them.
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 50))
  }
  const base = process.memoryUsage()
  const peak = { live: 0, rss: 0 }
  const sample = () => {
    gc()
    const m = process.memoryUsage()
    peak.live = Math.max(peak.live, m.heapUsed + m.external - base.heapUsed - base.external)
    peak.rss = Math.max(peak.rss, m.rss - base.rss)
  }
  const timer = setInterval(sample, 50)
  try {
    const result = await fn()
    sample()
    return { result, growth: { liveMiB: peak.live / MIB, rssMiB: peak.rss / MIB } }
  } finally {
    clearInterval(timer)
  }
}

describe(`a ${SIZE / MIB} MiB video is sent by byte range, never read whole`, () => {
  let dir: string
  let sha256: string
  let clipSha256: string
  let youtube: YouTubeFake
  let x: XFake
  let tiktok: TikTokFake
  let mastodon: MastodonFake
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
    // Random bytes, so a chunk sent twice, out of order or short changes the hash.
    const source = join(dir, 'source.mp4')
    const hash = createHash('sha256')
    const out = createWriteStream(source)
    for (let written = 0; written < SIZE; written += MIB) {
      const piece = randomBytes(MIB)
      hash.update(piece)
      if (!out.write(piece)) await new Promise((r) => out.once('drain', r))
    }
    await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
    sha256 = hash.digest('hex')
    await createLocalStore(join(dir, 'store')).putFile(KEY, source)
    await rm(source)
    const clip = randomBytes(CLIP_SIZE)
    clipSha256 = createHash('sha256').update(clip).digest('hex')
    await createLocalStore(join(dir, 'store')).put(CLIP_KEY, clip)
    ;[youtube, x, tiktok, mastodon] = await Promise.all([
      startYouTubeFake(),
      startXFake(),
      startTikTokFake(),
      startMastodonFake({ token: 'sekret-large' }),
    ])
    mastodon.mediaProcessingPolls = 0
    x.videoProcessingPolls = 0
  }, 120_000)

  afterAll(async () => {
    await Promise.all([youtube?.close(), x?.close(), tiktok?.close(), mastodon?.close()])
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
    const video = await videoFrom(store)
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
    const video = await videoFrom(store)
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
    const video = await videoFrom(store)
    const { growth } = await measured(() =>
      connector.publishPart(ctx, post, { index: 0, text: 'A full study.', media: [video] }, null),
    )
    figures.tiktok = growth
    expect(tiktok.posts.at(-1)).toMatchObject({ size: SIZE, received: SIZE, sha256 })
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
