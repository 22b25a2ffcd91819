/**
 * Large-media publishing benchmark: a generated video sent to the HTTP-level fakes of YouTube
 * (resumable upload, 8 MiB chunks), TikTok (FILE_UPLOAD chunks) and X (1 MiB APPEND segments;
 * X takes videos up to 512 MB), read from a local media store by byte range as delivery hands
 * it over. Prints, for each, the time, the throughput and the process's peak memory growth
 * (live heap and buffers, and RSS), and writes docs/benchmarks/publishing-large-media.md.
 *
 *   npm run bench:publishing-media                    a 1 GiB video (X: 512 MiB)
 *   node bench/publishing/large-media.ts --size 256   a 256 MiB video
 *
 * The fakes run in this process and hold one chunk at a time as they receive it, so the
 * figures include them: the point is that they stay flat as the file grows.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createLocalStore } from '#src/capabilities/media/storage.ts'
import type { ChannelConnector, OutgoingPost, PostContext } from '#src/capabilities/publishing/connector.ts'
import { createTikTokConnector } from '#src/capabilities/publishing/connectors/tiktok.ts'
import { createXConnector } from '#src/capabilities/publishing/connectors/x.ts'
import { createYouTubeConnector } from '#src/capabilities/publishing/connectors/youtube.ts'
import { startTikTokFake } from '#test/fakes/tiktok.ts'
import { startXFake } from '#test/fakes/x.ts'
import { startYouTubeFake } from '#test/fakes/youtube.ts'
import { type Growth, MIB, measured, storeRandomFile, videoFrom, watched } from '#test/support/large-media.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const sizeArg = process.argv.indexOf('--size')
const SIZE = (sizeArg > 0 ? Number(process.argv[sizeArg + 1]) : 1024) * MIB
const X_MAX = 512 * MIB
const NOW = new Date()
const startLoad = loadavg()[0] ?? 0

type Row = {
  platform: string
  bytes: number
  seconds: number
  growth: Growth
  longestRead: number
  wholeReads: number
  intact: boolean
}

const post: OutgoingPost = {
  idempotencyKey: 'bench',
  title: 'Echocardiography: a full study',
  parts: [],
  hashtags: [],
  canonicalUrl: 'https://r/orgs/a/items/1',
}

async function main() {
  const dir = await mkdtemp(join(tmpdir(), 'rounds-bench-large-media-'))
  const rows: Row[] = []
  const [youtube, tiktok, x] = await Promise.all([startYouTubeFake(), startTikTokFake(), startXFake()])
  x.videoProcessingPolls = 0
  try {
    const store = createLocalStore(join(dir, 'store'))
    const files = new Map<number, { key: string; sha256: string }>()
    const fileOf = async (size: number) => {
      const known = files.get(size)
      if (known) return known
      const key = `upload-${files.size + 1}/video.mp4`
      const made = { key, sha256: await storeRandomFile(store, key, size, join(dir, 'scratch')) }
      files.set(size, made)
      return made
    }
    const env = (url: string) => ({ baseUrl: url, fetch, now: () => NOW, publicBaseUrl: 'https://r' })
    const run = async (
      platform: string,
      size: number,
      connector: ChannelConnector,
      ctx: PostContext,
      received: () => string | null | undefined,
    ) => {
      const file = await fileOf(size)
      const { store: seen, reads } = watched(store)
      const video = await videoFrom(seen, file.key)
      const started = performance.now()
      const { growth } = await measured(() =>
        connector.publishPart(ctx, post, { index: 0, text: 'A full study.', media: [video] }, null),
      )
      const seconds = (performance.now() - started) / 1000
      const row: Row = {
        platform,
        bytes: size,
        seconds,
        growth,
        longestRead: Math.max(0, ...reads.ranges),
        wholeReads: reads.get + reads.whole,
        intact: received() === file.sha256,
      }
      rows.push(row)
      console.log(
        `${platform}: ${size / MIB} MiB in ${seconds.toFixed(1)} s (${(size / MIB / seconds).toFixed(0)} MiB/s); ` +
          `peak growth live ${growth.liveMiB.toFixed(1)} MiB, rss ${growth.rssMiB.toFixed(1)} MiB; ` +
          `longest range opened ${(row.longestRead / MIB).toFixed(1)} MiB; whole-file reads ${row.wholeReads}; ` +
          `${row.intact ? 'received intact' : 'RECEIVED BYTES DIFFER'}`,
      )
    }

    await run(
      'YouTube',
      SIZE,
      createYouTubeConnector(env(youtube.url)),
      { credentials: { serviceUrl: youtube.url, accessToken: youtube.issueToken() } },
      () => youtube.videos.at(-1)?.sha256,
    )
    await run(
      'TikTok',
      SIZE,
      createTikTokConnector(env(tiktok.url), { pollMs: 5 }),
      { credentials: { serviceUrl: tiktok.url, accessToken: tiktok.issueToken() } },
      () => tiktok.posts.at(-1)?.sha256,
    )
    await run(
      'X',
      Math.min(SIZE, X_MAX),
      createXConnector(env(x.url)),
      { credentials: { serviceUrl: x.url, accessToken: x.issueToken(), accountId: x.userId } },
      () => x.uploads.at(-1)?.sha256,
    )
  } finally {
    await Promise.all([youtube.close(), tiktok.close(), x.close()])
    await rm(dir, { recursive: true, force: true })
  }

  const md = `# Publishing benchmark: large media

Generated by \`node bench/publishing/large-media.ts${sizeArg > 0 ? ` --size ${SIZE / MIB}` : ''}\` on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, load average ${startLoad.toFixed(1)} at the start (shared machine; compare runs, not digits).

A video of random bytes is stored in a local media store and sent through each connector to its HTTP-level
fake on loopback, read from the store by byte range as delivery hands it over (\`OutgoingMedia.body\`). The
fakes hash what they receive; "intact" means the SHA-256 matches the file. Memory is the process's peak growth
while sending: "live" is heap plus buffers with garbage collected before each look (every 50 ms), RSS as the
operating system reports it. The fakes run in the same process and hold one chunk each while receiving it.

| platform | file | time | throughput | live memory | RSS | longest range opened | whole-file reads | intact |
|---|---:|---:|---:|---:|---:|---:|---:|---|
${rows
  .map(
    (r) =>
      `| ${r.platform} | ${r.bytes / MIB} MiB | ${r.seconds.toFixed(1)} s | ${(r.bytes / MIB / r.seconds).toFixed(0)} MiB/s | ${r.growth.liveMiB.toFixed(1)} MiB | ${r.growth.rssMiB.toFixed(1)} MiB | ${(r.longestRead / MIB).toFixed(1)} MiB | ${r.wholeReads} | ${r.intact ? 'yes' : 'no'} |`,
  )
  .join('\n')}

X is sent at most 512 MiB (its limit for a video) in 1 MiB APPEND segments, one request each; twitter-api-v2 also
copies each multipart body into place byte by byte (FormDataHelper.getBuffer).
`
  mkdirSync(join(root, 'docs/benchmarks'), { recursive: true })
  writeFileSync(join(root, 'docs/benchmarks/publishing-large-media.md'), md)
  console.log('wrote docs/benchmarks/publishing-large-media.md')
  if (rows.some((r) => !r.intact)) process.exitCode = 1
}

await main()
