/**
 * Publishing benchmark: delivery to a real local Bluesky PDS (@atproto/dev-env, started in
 * this process). Prints the figures and writes docs/benchmarks/publishing.md.
 *
 *   npm run bench:publishing            everything
 *   node bench/publishing/run.ts --quick  fewer posts
 *
 * - throughput: text posts through the Bluesky connector (each one the idempotency read and
 *   the create), one at a time and with 4 in flight; posts with one image (upload + create);
 * - publish → visible: from calling the connector to the record being readable from the PDS
 *   by someone else (getRecord, and listRecords of the collection), p50/p99.
 * Rate limits are off on the local PDS: these are the connector's and the PDS's own costs.
 *
 * Then the HTTP-level fakes of Mastodon, X, YouTube, Meta (Facebook), TikTok, LinkedIn and
 * Threads through the delivery jobs (bench/publishing/fake-apis.ts): throughput, and the pace
 * kept under each connector's declared rate limit (scaled down in time for the run).
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import sharp from 'sharp'
import type { ChannelCredentials, OutgoingPost } from '#src/capabilities/publishing/connector.ts'
import {
  BLUESKY_POST_COLLECTION,
  blueskyCapabilities,
  createBlueskyConnector,
} from '#src/capabilities/publishing/connectors/bluesky.ts'
import { blueskyNewsroom } from '#test/publishing/scheduled-items.ts'
import { startLocalBluesky } from '#test/support/atproto.ts'
import { createTestRounds } from '#test/support/rounds.ts'
import { benchFakeApis } from './fake-apis.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const quick = process.argv.includes('--quick')
const startLoad = loadavg()[0] ?? 0
const uptime = () => {
  try {
    return execFileSync('uptime', { encoding: 'utf8' }).trim()
  } catch {
    return `load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(', ')}`
  }
}
const startUptime = uptime()

const SEQUENTIAL = quick ? 20 : 100
const CONCURRENT = quick ? 40 : 200
const IN_FLIGHT = 4
const WITH_IMAGE = quick ? 10 : 30
const VISIBILITY = quick ? 20 : 100
const THROUGH_JOBS = quick ? 20 : 100
const FAKE_ITEMS = quick ? 10 : 30

const span = (windowMs: number) =>
  windowMs % 86_400_000 === 0
    ? `${windowMs / 86_400_000 === 1 ? '' : `${windowMs / 86_400_000} `}day${windowMs === 86_400_000 ? '' : 's'}`
    : windowMs % 3_600_000 === 0
      ? `${windowMs / 3_600_000} h`
      : `${windowMs / 60_000} min`

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i] as number
}
const ms = (n: number) => `${n.toFixed(1)} ms`
const rate = (count: number, elapsedMs: number) => (count / elapsedMs) * 1000

function textPost(key: string): OutgoingPost {
  return {
    idempotencyKey: key,
    hashtags: ['MedEd'],
    canonicalUrl: `https://rounds.example.org/o/bench/items/${key}`,
    language: 'en',
    parts: [
      {
        index: 0,
        text: `Benchmark post ${key}: two of three qSOFA signs, escalate. #MedEd https://rounds.example.org/o/bench/items/${key}`,
        media: [],
      },
    ],
  }
}

async function main() {
  const t0 = performance.now()
  const net = await startLocalBluesky({ appView: false })
  const startMs = performance.now() - t0
  console.log(`local PDS up in ${ms(startMs)} at ${net.pdsUrl}`)
  const account = await net.createAccount('bench.test')
  const credentials: ChannelCredentials = {
    serviceUrl: net.pdsUrl,
    identifier: 'bench.test',
    password: account.appPassword,
  }
  const connector = createBlueskyConnector({
    baseUrl: net.pdsUrl,
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    publicBaseUrl: 'https://rounds.example.org',
  })
  const publish = (post: OutgoingPost) =>
    connector.publishPart({ credentials }, post, post.parts[0] as OutgoingPost['parts'][0], null)
  const run = `r${Date.now().toString(36)}`

  // Warm-up: session, JIT, PDS caches.
  for (let i = 0; i < 10; i++) await publish(textPost(`${run}-warm-${i}`))

  // One at a time.
  let start = performance.now()
  const perPost: number[] = []
  for (let i = 0; i < SEQUENTIAL; i++) {
    const s = performance.now()
    await publish(textPost(`${run}-seq-${i}`))
    perPost.push(performance.now() - s)
  }
  const sequentialMs = performance.now() - start
  perPost.sort((a, b) => a - b)

  // Several in flight, as several delivery jobs would.
  start = performance.now()
  let next = 0
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (next < CONCURRENT) {
        const i = next++
        await publish(textPost(`${run}-par-${i}`))
      }
    }),
  )
  const concurrentMs = performance.now() - start

  // With one image each (about 100 kB, uploaded as a blob with alt text).
  const image = new Uint8Array(
    await sharp({
      create: { width: 800, height: 600, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } },
    })
      .jpeg({ quality: 70 })
      .toBuffer(),
  )
  start = performance.now()
  for (let i = 0; i < WITH_IMAGE; i++) {
    const post = textPost(`${run}-img-${i}`)
    ;(post.parts[0] as OutgoingPost['parts'][0]).media = [
      { kind: 'image', mimeType: 'image/jpeg', bytes: image, altText: 'Benchmark image' },
    ]
    await publish(post)
  }
  const imageMs = performance.now() - start

  // Retrying an already published key: the idempotency read answers, nothing is written.
  start = performance.now()
  for (let i = 0; i < SEQUENTIAL; i++) await publish(textPost(`${run}-seq-${i}`))
  const retryMs = performance.now() - start

  // Publish → visible to another client.
  const reader = net.reader()
  const listed = async (uri: string) => {
    let cursor: string | undefined
    do {
      const page = await reader.com.atproto.repo.listRecords({
        repo: account.did,
        collection: BLUESKY_POST_COLLECTION,
        limit: 100,
        cursor,
      })
      if (page.data.records.some((r) => r.uri === uri)) return true
      cursor = page.data.records.length === 100 ? page.data.cursor : undefined
    } while (cursor)
    return false
  }
  const visibleGet: number[] = []
  const visibleList: number[] = []
  for (let i = 0; i < VISIBILITY; i++) {
    const s = performance.now()
    const remote = await publish(textPost(`${run}-vis-${i}`))
    const rkey = remote.remoteId.split('/').pop() as string
    for (;;) {
      const found = await reader.com.atproto.repo
        .getRecord({ repo: account.did, collection: BLUESKY_POST_COLLECTION, rkey })
        .then(() => true)
        .catch(() => false)
      if (found) break
      await new Promise((r) => setTimeout(r, 5))
    }
    visibleGet.push(performance.now() - s)
    const s2 = performance.now()
    const remote2 = await publish(textPost(`${run}-visl-${i}`))
    // Listings are ordered by record key, and derived keys are not in time order: scan the pages.
    while (!(await listed(remote2.remoteId))) await new Promise((r) => setTimeout(r, 5))
    visibleList.push(performance.now() - s2)
  }
  visibleGet.sort((a, b) => a - b)
  visibleList.sort((a, b) => a - b)

  // Through Rounds itself: approved items scheduled to Bluesky, delivered by the real
  // delivery jobs (claim, rate limit, idempotency key written before the call, then the
  // connector), drained by one in-process worker on a SQLite database.
  const rounds = await createTestRounds('sqlite', {
    env: { ROUNDS_CHANNEL_BASE_URLS: `bluesky=${net.pdsUrl}` },
  })
  const jobsAccount = await net.createAccount('delivery-jobs.test')
  const newsroom = await blueskyNewsroom(rounds, jobsAccount)
  start = performance.now()
  const approvedIds: string[] = []
  for (let n = 1; n <= THROUGH_JOBS; n++) approvedIds.push(await newsroom.approve(n))
  const worker = rounds.createWorker({ pollMs: 10 })
  // The workflow's own jobs (notifications, mail) run first, so only delivery is timed.
  await worker.drain()
  for (const id of approvedIds) await newsroom.publish(id)
  const scheduleMs = performance.now() - start
  start = performance.now()
  const jobsRun = await worker.drain()
  const jobsMs = performance.now() - start
  const sentParts = await rounds.database.db
    .selectFrom('delivery')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'sent')
    .executeTakeFirstOrThrow()
  const jobsParts = Number(sentParts.n)
  await rounds.close()
  if (jobsParts < THROUGH_JOBS)
    throw new Error(`the delivery jobs sent ${jobsParts} parts for ${THROUGH_JOBS} items`)
  const jobsRate = rate(jobsParts, jobsMs)
  console.log(
    `through the delivery jobs: ${jobsParts} parts of ${THROUGH_JOBS} items in ${jobsRun} jobs, ${jobsRate.toFixed(1)} posts/s (scheduling took ${(scheduleMs / THROUGH_JOBS).toFixed(0)} ms an item)`,
  )

  let total = 0
  let cursor: string | undefined
  do {
    const page = await reader.com.atproto.repo.listRecords({
      repo: account.did,
      collection: BLUESKY_POST_COLLECTION,
      limit: 100,
      cursor,
    })
    total += page.data.records.length
    cursor = page.data.records.length === 100 ? page.data.cursor : undefined
  } while (cursor)
  await net.close()
  const expected = 10 + SEQUENTIAL + CONCURRENT + WITH_IMAGE + 2 * VISIBILITY
  if (total !== expected) throw new Error(`expected ${expected} posts on the PDS, found ${total}`)
  console.log(`${total} posts on the PDS, each exactly once`)

  // The HTTP-level fakes of the other platforms, through the delivery jobs.
  const fakesUptimeBefore = uptime()
  const fakes = await benchFakeApis({ items: FAKE_ITEMS, log: (line) => console.log(line) })
  const fakesUptimeAfter = uptime()

  const limit = blueskyCapabilities.rateLimit
  const limitRate = rate(limit.posts, limit.windowMs)
  const rows = {
    sequential: rate(SEQUENTIAL, sequentialMs),
    concurrent: rate(CONCURRENT, concurrentMs),
    image: rate(WITH_IMAGE, imageMs),
    retry: rate(SEQUENTIAL, retryMs),
  }
  console.log(
    `sequential text posts: ${rows.sequential.toFixed(1)} posts/s (p50 ${ms(percentile(perPost, 50))}, p99 ${ms(percentile(perPost, 99))})`,
  )
  console.log(`${IN_FLIGHT} in flight: ${rows.concurrent.toFixed(1)} posts/s`)
  console.log(`with one image: ${rows.image.toFixed(1)} posts/s`)
  console.log(`retry of published keys: ${rows.retry.toFixed(1)} parts/s, no writes`)
  console.log(
    `publish → visible (getRecord): p50 ${ms(percentile(visibleGet, 50))}, p99 ${ms(percentile(visibleGet, 99))}`,
  )
  console.log(
    `publish → visible (listRecords): p50 ${ms(percentile(visibleList, 50))}, p99 ${ms(percentile(visibleList, 99))}`,
  )

  const md = `# Publishing benchmark

Generated by \`npm run bench:publishing\` (bench/publishing/run.ts) on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} cores (shared), load average ${startLoad.toFixed(1)} at the start.
The peer is a real Bluesky PDS from \`@atproto/dev-env\` on loopback, started in the benchmark's own process (in ${ms(startMs)}),
with its rate limits off; every post goes through the Bluesky connector as delivery sends it (the idempotency read of the
derived record key, facet detection, then \`createRecord\`). Figures on a shared 2-core machine are noisy; compare runs, not digits.

## Bluesky: delivery throughput

| run | posts | posts/s | notes |
|---|---:|---:|---|
| text, one at a time | ${SEQUENTIAL} | ${rows.sequential.toFixed(1)} | per post p50 ${ms(percentile(perPost, 50))}, p99 ${ms(percentile(perPost, 99))} |
| text, ${IN_FLIGHT} in flight | ${CONCURRENT} | ${rows.concurrent.toFixed(1)} | as ${IN_FLIGHT} delivery jobs at once; one account, so the PDS serialises writes to its repository |
| one 800×600 JPEG each (${(image.byteLength / 1024).toFixed(0)} kB) | ${WITH_IMAGE} | ${rows.image.toFixed(1)} | blob upload + create |
| retry of already published keys | ${SEQUENTIAL} | ${rows.retry.toFixed(1)} | the read finds the record; nothing is written |

After the runs the PDS held ${total} posts, exactly the number published once each (the retries added none).

Bluesky's documented limit for one account is ${limit.posts.toLocaleString('en')} creates per hour (5,000 write points, 3 per create), that is
${limitRate.toFixed(2)} posts/s sustained; delivery paces to it, so an account's throughput in production is the limit, not the figures above.

## Bluesky: through Rounds' delivery jobs

${THROUGH_JOBS} approved items scheduled to Bluesky now (each through submission, two reviews, acceptance and \`publishItem\`;
${(scheduleMs / THROUGH_JOBS).toFixed(0)} ms an item, not counted, and the workflow's own jobs run before the clock starts), then one in-process worker drains the queue on SQLite: each
\`publish.deliver\` job claims its publication, checks the approval and the rate limit, writes the part's state with its
idempotency key, calls the connector and records the result.

| run | parts | jobs | posts/s |
|---|---:|---:|---:|
| delivery jobs, one worker | ${jobsParts} | ${jobsRun} | ${jobsRate.toFixed(1)} |

## Bluesky: publish → visible on the PDS

From calling the connector to another client reading the post from the PDS (${VISIBILITY} posts each).

| read | p50 | p99 |
|---|---:|---:|
| \`com.atproto.repo.getRecord\` of the post | ${ms(percentile(visibleGet, 50))} | ${ms(percentile(visibleGet, 99))} |
| \`com.atproto.repo.listRecords\` (all pages scanned) | ${ms(percentile(visibleList, 50))} | ${ms(percentile(visibleList, 99))} |

The PDS commits the record before answering \`createRecord\`, so the post is readable on the first read; the time is the
publish call itself plus the read. A repository listing is ordered by record key, and Rounds' record keys are derived from
idempotency keys rather than the clock, so the listing row scans every page (up to ${Math.ceil((10 + SEQUENTIAL + CONCURRENT + WITH_IMAGE + 2 * VISIBILITY) / 100)}). Visibility in Bluesky's apps additionally waits for the relay and the AppView to index it.

## Fake platform APIs: through Rounds' delivery jobs

The same path as above — approved items scheduled now, one in-process worker on SQLite draining \`publish.deliver\` jobs
(claim, approval and rate-limit checks, the part's idempotency key written before the call, the connector, the result) —
to the HTTP-level fakes of each platform's documented API in test/fakes, on loopback, one Rounds instance per platform.
The account is connected as sign-in leaves it (a token issued by the fake, named by the connector's own verify, stored
encrypted). ${FAKE_ITEMS} items per platform. For these rows the connector's declared rate limit is lifted, so the figure is
the cost of the jobs, the connector's protocol and the fake; the fakes answer at once (media processing and publish states
take one or two status reads; the TikTok fake completes on the first read, where the connector otherwise reads every 5 s).
Machine load: \`${fakesUptimeBefore}\` before, \`${fakesUptimeAfter}\` after.

| platform | post | items | parts | jobs | posts/s |
|---|---|---:|---:|---:|---:|
${fakes.throughput.map((r) => `| ${r.label} | ${r.kind} | ${r.items} | ${r.parts} | ${r.jobs} | ${r.postsPerSecond.toFixed(1)} |`).join('\n')}

The video rows upload the sanitised 200 kB file each time (YouTube: resumable \`videos.insert\` and the captions; TikTok:
\`FILE_UPLOAD\` in chunks, then the publish status); the text rows are one create call each, plus the platform's own
steps (Threads and Meta: container and publish; X and Mastodon: one create; LinkedIn: the Posts API).

## Posts/s sustained within each platform's rate limit

Delivery paces each account to its connector's declared limit (\`capabilities.rateLimit\`: at most *posts* sends in any
moving *window*; a part that would exceed it waits, its job re-queued for when the oldest send leaves the window). The
documented windows are hours or a day, so for this run each limit is **scaled down**: the window to a few seconds and the
allowance to at most 5 posts, about 2 posts/s — a limit binding at the speeds above, checked by the same code path. Four
times the allowance is scheduled at once to one account; the send times recorded by the deliveries give the most sends in
any window (must not exceed the allowance) and the sustained rate after the first window's burst,
(sent − allowance) / (last send − first send), which should equal the scaled limit and not exceed it.

| platform | documented limit | scaled for the run | sent | most in any window | sustained posts/s | limit posts/s |
|---|---|---|---:|---:|---:|---:|
${fakes.limits
  .map(
    (r) =>
      `| ${r.label} | ${r.documented.posts} per ${span(r.documented.windowMs)} | ${r.scaled.posts} per ${(r.scaled.windowMs / 1000).toFixed(1)} s | ${r.sent} | ${r.maxInWindow} | ${r.sustained.toFixed(2)} | ${r.limitRate.toFixed(2)} |`,
  )
  .join('\n')}

In production the documented limits mean, sustained: ${fakes.limits.map((r) => `${r.label} ${((r.documented.posts / r.documented.windowMs) * 3_600_000).toFixed((r.documented.posts / r.documented.windowMs) * 3_600_000 < 1 ? 2 : 0)} posts/h`).join(', ')}.
The sustained rate sits just under the limit: each wait ends 1 ms after the oldest send leaves the window, and the
worker's poll adds a few milliseconds.

Load at the start of the whole run: \`${startUptime}\`.
`
  mkdirSync(join(root, 'docs/benchmarks'), { recursive: true })
  writeFileSync(join(root, 'docs/benchmarks/publishing.md'), md)
  console.log('wrote docs/benchmarks/publishing.md')
}

await main()
