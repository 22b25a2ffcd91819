/**
 * Publishing benchmark, fake platform APIs: delivery through Rounds' real delivery jobs to the
 * HTTP-level fakes of Mastodon, X, YouTube, Facebook (Meta Graph), TikTok, LinkedIn and Threads
 * (test/fakes), and the pace delivery keeps under each connector's declared rate limit.
 *
 * For each platform: one Rounds instance (SQLite) whose connector points at the fake, an
 * organisation with an account connected (the token issued by the fake, the account named by
 * the connector's own verify), and approved items put through the whole workflow.
 *  - throughput: N items scheduled now, one in-process worker drains the queue; the
 *    connector's declared limit is lifted for this run only (as the PDS runs with its limits off),
 *    so the figure is the cost of the jobs, the connector and the fake;
 *  - rate limit: the declared limit scaled down in time (and in posts where the documented
 *    allowance is large), then 4× the allowance scheduled at once; the send times of the
 *    deliveries show the most sends in any window and the sustained rate after the first burst.
 */
import { randomBytes } from 'node:crypto'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { createItem, submitItem } from '#src/capabilities/content/content.service.ts'
import { insertAccount } from '#src/capabilities/publishing/channels.repository.ts'
import type { ChannelCredentials } from '#src/capabilities/publishing/connector.ts'
import { previewItem, publishItem } from '#src/capabilities/publishing/publishing.service.ts'
import {
  assignReviewers,
  decideReview,
  saveReview,
  submitReview,
} from '#src/capabilities/review/review.service.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { encryptJson } from '#src/platform/secrets.ts'
import { startLinkedInFake } from '#test/fakes/linkedin.ts'
import { startMastodonFake } from '#test/fakes/mastodon.ts'
import { startMetaFake } from '#test/fakes/meta.ts'
import { startThreadsFake } from '#test/fakes/threads.ts'
import { startTikTokFake } from '#test/fakes/tiktok.ts'
import { startXFake } from '#test/fakes/x.ts'
import { startYouTubeFake } from '#test/fakes/youtube.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { completeReview } from '#test/support/review-flow.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'

export type ThroughputRow = {
  channel: ChannelId
  label: string
  kind: string
  items: number
  parts: number
  jobs: number
  postsPerSecond: number
}
export type RateRow = {
  channel: ChannelId
  label: string
  documented: { posts: number; windowMs: number }
  scaled: { posts: number; windowMs: number }
  sent: number
  maxInWindow: number
  sustained: number
  limitRate: number
}

type Peer = {
  channel: ChannelId
  label: string
  video: boolean
  start(): Promise<{ url: string; close(): Promise<void>; token(): string; accountId?: string }>
}

const peers: Peer[] = [
  {
    channel: 'mastodon',
    label: 'Mastodon',
    video: false,
    async start() {
      const f = await startMastodonFake()
      return { url: f.url, close: () => f.close(), token: () => 'token-1' }
    },
  },
  {
    channel: 'x',
    label: 'X',
    video: false,
    async start() {
      const f = await startXFake()
      return { url: f.url, close: () => f.close(), token: () => f.issueToken(86_400_000) }
    },
  },
  {
    channel: 'youtube',
    label: 'YouTube',
    video: true,
    async start() {
      const f = await startYouTubeFake()
      return { url: f.url, close: () => f.close(), token: () => f.issueToken(86_400_000) }
    },
  },
  {
    channel: 'facebook',
    label: 'Facebook (Meta Graph)',
    video: false,
    async start() {
      const f = await startMetaFake()
      return {
        url: f.url,
        close: () => f.close(),
        token: () => f.state.pageToken,
        accountId: f.state.pageId,
      }
    },
  },
  {
    channel: 'tiktok',
    label: 'TikTok',
    video: true,
    async start() {
      const f = await startTikTokFake()
      // Complete on the first status read: the connector otherwise waits 5 s between reads,
      // which would be the whole figure.
      f.state.processingPolls = 0
      return { url: f.url, close: () => f.close(), token: () => f.issueToken() }
    },
  },
  {
    channel: 'linkedin',
    label: 'LinkedIn',
    video: false,
    async start() {
      const f = await startLinkedInFake()
      return { url: f.url, close: () => f.close(), token: () => f.issueToken(), accountId: f.state.orgId }
    },
  },
  {
    channel: 'threads',
    label: 'Threads',
    video: false,
    async start() {
      const f = await startThreadsFake()
      return { url: f.url, close: () => f.close(), token: () => f.issueToken() }
    },
  },
]

/** An organisation connected to `channel`, and items put through the whole workflow to it. */
async function newsroom(rounds: TestRounds, channel: ChannelId, credentials: ChannelCredentials) {
  const org = await createTestOrganisation(rounds, { name: `Bench ${channel}` })
  const author = await createTestMember(rounds, org.id, ['author'])
  const editor = await createTestMember(rounds, org.id, ['editor'])
  const reviewerUsers = [
    await createTestMember(rounds, org.id, ['reviewer']),
    await createTestMember(rounds, org.id, ['reviewer']),
  ]
  await issueCertificateAsOperator(rounds.accounts, { email: author.email, organisationId: org.id })
  await attestAsOperator(rounds.accounts, { email: author.email, kind: 'none' })
  const authorActor = await loadActor(rounds.accounts, author.id)
  const editorActor = await loadActor(rounds.accounts, editor.id)

  // The account as OAuth sign-in leaves it: the connector names it, the credentials are stored encrypted.
  const registered = rounds.publishing.connectors.get(channel)
  if (!registered) throw new Error(`no ${channel} connector`)
  const verified = registered.connector.verify ? await registered.connector.verify(credentials) : null
  const id = rounds.ids.next()
  const stored = {
    ...(verified?.credentials ?? credentials),
    accountId: verified?.accountId ?? credentials.accountId,
  }
  await insertAccount(rounds.database.db, {
    id,
    organisationId: org.id,
    channel,
    name: verified?.name ?? channel,
    remoteAccountId: stored.accountId ?? null,
    serviceUrl: stored.serviceUrl,
    credentials: encryptJson(rounds.config.encryptionKeys, stored, `channel_account:${id}`),
    expiresAt: null,
    connectedBy: editor.id,
    at: new Date().toISOString(),
  })

  const video = Buffer.alloc(200_000, 5)
  async function approve(n: number, withVideo: boolean): Promise<string> {
    let media: { id: string; kind: 'video'; altText: string }[] = []
    const uploadId = withVideo ? `bench-${randomBytes(6).toString('hex')}` : ''
    if (withVideo) media = [{ id: uploadId, kind: 'video', altText: 'Hands washing at a sink' }]
    const item = await createItem(rounds.accounts, authorActor, org.slug, {
      kind: withVideo ? 'video' : 'post',
      title: `Hand hygiene ${n}`,
      body: `Moment ${n} of the series: clean hands before touching a patient.`,
      ...(withVideo ? { media, captions: '1\n00:00:01,000 --> 00:00:03,500\nWet the hands first.\n' } : {}),
    })
    if (withVideo) {
      const now = new Date().toISOString()
      await rounds.database.db
        .insertInto('media_upload')
        .values({
          id: uploadId,
          organisation_id: org.id,
          item_id: item.id,
          uploaded_by: author.id,
          kind: 'video',
          filename: 'hands.mp4',
          mime: 'video/mp4',
          size: video.length,
          received: video.length,
          status: 'ready',
          stage: 'done',
          progress: 1,
          error_code: null,
          error_message: null,
          width: 640,
          height: 360,
          duration: 4,
          metadata: '[]',
          findings: '[]',
          derivatives: JSON.stringify({
            derivatives: [
              { name: 'sanitised', mime: 'video/mp4', size: video.length, width: 640, height: 360 },
            ],
            frames: [],
          }),
          created_at: now,
          updated_at: now,
          screened_at: now,
        })
        .execute()
      await rounds.media.storage.derivatives.put(`${uploadId}/sanitised`, video)
    }
    await submitItem(rounds.accounts, authorActor, org.slug, item.id)
    const round = await assignReviewers(rounds.accounts, editorActor, org.slug, item.id, {
      reviewerIds: reviewerUsers.map((r) => r.id),
    })
    for (const r of round.reviews) {
      const reviewer = await loadActor(rounds.accounts, r.reviewer.id as string)
      await saveReview(rounds.accounts, reviewer, org.slug, item.id, r.assignmentId as string, completeReview)
      await submitReview(rounds.accounts, reviewer, org.slug, item.id, r.assignmentId as string)
    }
    await decideReview(rounds.accounts, editorActor, org.slug, item.id, {
      decision: 'accept',
      message: 'Good.',
    })
    return item.id
  }
  async function publish(itemId: string) {
    const preview = await previewItem(rounds.publishing, editorActor, org.slug, itemId)
    const p = preview.previews.find((v) => v.channel === channel)
    if (!p) throw new Error(`no ${channel} preview`)
    if (p.problems?.length) throw new Error(`${channel} preview problems: ${JSON.stringify(p.problems)}`)
    await publishItem(rounds.publishing, editorActor, org.slug, itemId, {
      contentHash: preview.contentHash,
      channels: [{ channel, previewHash: p.previewHash }],
    })
  }
  return { approve, publish, registered }
}

async function sentTimes(rounds: TestRounds, channel: ChannelId): Promise<number[]> {
  const rows = await rounds.database.db
    .selectFrom('delivery as d')
    .innerJoin('publication as p', 'p.id', 'd.publication_id')
    .select(['d.sent_at'])
    .where('p.channel', '=', channel)
    .where('d.status', '=', 'sent')
    .execute()
  return rows.map((r) => new Date(r.sent_at as string | Date).getTime()).sort((a, b) => a - b)
}

/** The most sends in any span of `windowMs` (inclusive of its start). */
function maxInWindow(times: number[], windowMs: number): number {
  let best = 0
  let lo = 0
  for (let hi = 0; hi < times.length; hi++) {
    while ((times[hi] as number) - (times[lo] as number) >= windowMs) lo++
    best = Math.max(best, hi - lo + 1)
  }
  return best
}

/** The scaled limit: a window of a few seconds, a rate of about 2 posts/s. */
function scaledLimit(documented: { posts: number; windowMs: number }) {
  const posts = Math.min(documented.posts, 5)
  return { posts, windowMs: posts * 500 }
}

export async function benchFakeApis(options: { items: number; log: (line: string) => void }) {
  const throughput: ThroughputRow[] = []
  const limits: RateRow[] = []
  for (const peer of peers) {
    const fake = await peer.start()
    const rounds = await createTestRounds('sqlite', {
      env: { ROUNDS_CHANNEL_BASE_URLS: `${peer.channel}=${fake.url}` },
    })
    try {
      const room = await newsroom(rounds, peer.channel, {
        serviceUrl: fake.url,
        accessToken: fake.token(),
        ...(fake.accountId ? { accountId: fake.accountId } : {}),
      })
      const capabilities = room.registered.connector.capabilities as {
        rateLimit: { posts: number; windowMs: number }
      }
      const documented = { ...capabilities.rateLimit }
      const worker = rounds.createWorker({ pollMs: 5 })

      // ── throughput, the limit lifted ──
      capabilities.rateLimit = { posts: 1_000_000, windowMs: 1000 }
      const ids: string[] = []
      for (let n = 1; n <= options.items; n++) ids.push(await room.approve(n, peer.video))
      await worker.drain()
      for (const id of ids) await room.publish(id)
      let start = performance.now()
      const jobs = await worker.drain()
      const elapsed = performance.now() - start
      const parts = (await sentTimes(rounds, peer.channel)).length
      if (parts < options.items)
        throw new Error(`${peer.label}: the delivery jobs sent ${parts} parts for ${options.items} items`)
      const row: ThroughputRow = {
        channel: peer.channel,
        label: peer.label,
        kind: peer.video ? 'small video (200 kB)' : 'text',
        items: options.items,
        parts,
        jobs,
        postsPerSecond: (parts / elapsed) * 1000,
      }
      throughput.push(row)
      options.log(`${peer.label}: ${parts} parts in ${jobs} jobs, ${row.postsPerSecond.toFixed(1)} posts/s`)

      // ── the declared limit, scaled down ──
      const scaled = scaledLimit(documented)
      capabilities.rateLimit = scaled
      const count = scaled.posts * 4
      const more: string[] = []
      for (let n = 1; n <= count; n++) more.push(await room.approve(1000 + n, peer.video))
      await worker.drain()
      // The throughput run's sends must have left the scaled window.
      await new Promise((r) => setTimeout(r, scaled.windowMs + 50))
      const before = parts
      for (const id of more) await room.publish(id)
      start = performance.now()
      worker.start()
      const deadline = Date.now() + 120_000
      let times = await sentTimes(rounds, peer.channel)
      while (times.length < before + count) {
        if (Date.now() > deadline) throw new Error(`${peer.label}: rate-limited delivery did not finish`)
        await new Promise((r) => setTimeout(r, 50))
        times = await sentTimes(rounds, peer.channel)
      }
      await worker.stop()
      const window = times.slice(before)
      const first = window[0] as number
      const last = window[window.length - 1] as number
      const rate: RateRow = {
        channel: peer.channel,
        label: peer.label,
        documented,
        scaled,
        sent: window.length,
        maxInWindow: maxInWindow(window, scaled.windowMs),
        // After the first window's burst, each further send waits for one to leave the window.
        sustained: ((window.length - scaled.posts) / (last - first)) * 1000,
        limitRate: (scaled.posts / scaled.windowMs) * 1000,
      }
      limits.push(rate)
      options.log(
        `${peer.label}: limit ${scaled.posts} per ${scaled.windowMs / 1000} s (${rate.limitRate.toFixed(2)} posts/s): most in any window ${rate.maxInWindow}, sustained ${rate.sustained.toFixed(2)} posts/s`,
      )
    } finally {
      await rounds.close()
      await fake.close()
    }
  }
  return { throughput, limits }
}
