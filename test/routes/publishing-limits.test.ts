import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ConnectorFactory } from '#src/capabilities/publishing/connector.ts'
import { blueskyCapabilities } from '#src/capabilities/publishing/connectors/bluesky.ts'
import { createConnectorRegistry } from '#src/capabilities/publishing/connectors/index.ts'
import type { Publication } from '#src/capabilities/publishing/publishing.schema.ts'
import { manualClock } from '#src/platform/clock.ts'
import { startThreadsFake, type ThreadsFake } from '#test/fakes/threads.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  connectByOAuth,
  createApprovedItem,
  createPublishingWorld,
  type PublishingWorld,
  publicationsOf,
  publishThroughRoutes,
} from './publishing-world.ts'

/**
 * Platform limits beyond one window: Bluesky's daily write budget next to its hourly one,
 * and Threads' reply limit (1,000 in 24 hours) apart from its post limit (250), counted
 * from what Rounds sent and, on Threads, from what the platform reports in
 * threads_publishing_limit (posts made outside Rounds count there). Delivery waits and
 * says why in plain words.
 */
const HOUR = 3_600_000
const DAY = 24 * HOUR
const THREAD = 'Early antibiotics in septic shock save lives, and every hour of delay costs more of them. '

describe.each(testDialects)('publishing limits on %s', (dialect) => {
  let rounds: TestRounds
  let w: PublishingWorld
  let threads: ThreadsFake
  const clock = manualClock(new Date())
  const drain = () => rounds.createWorker().drain()
  const db = () => rounds.database.db

  beforeAll(async () => {
    threads = await startThreadsFake()
    rounds = await createTestRounds(dialect, {
      clock,
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `threads=${threads.url}`,
        ROUNDS_OAUTH_THREADS_CLIENT_ID: threads.state.appId,
        ROUNDS_OAUTH_THREADS_CLIENT_SECRET: threads.state.appSecret,
      },
    })
    w = await createPublishingWorld(rounds, 'Limits Teaching')
  })
  afterAll(async () => {
    await rounds?.close()
    await threads?.close()
  })

  /** `n` sends recorded on a publication at the given times (what earlier deliveries left). */
  async function recordSends(publicationId: string, kind: 'part' | 'correction', times: Date[]) {
    const rows = times.map((t, i) => ({
      id: rounds.ids.next(),
      publication_id: publicationId,
      kind,
      part_index: 1000 + i,
      correction_id: null,
      idempotency_key: `seeded-${publicationId}-${kind}-${i}`,
      status: 'sent',
      attempts: 1,
      next_attempt_at: null,
      remote_id: `seeded-${i}`,
      remote_ref: null,
      remote_url: null,
      last_error: null,
      sent_at: t.toISOString(),
      deleted_at: null,
      updated_at: t.toISOString(),
    }))
    for (let i = 0; i < rows.length; i += 500)
      await db()
        .insertInto('delivery')
        .values(rows.slice(i, i + 500))
        .execute()
  }
  const spread = (n: number, from: number, to: number) =>
    Array.from(
      { length: n },
      (_, i) => new Date(clock.now().getTime() - from + Math.floor(((from - to) * i) / n)),
    )

  describe('Threads: replies have their own limit', () => {
    let first: Publication
    let threadItem: string

    it('a reply waits while Threads reports the reply quota used up; the first post goes', async () => {
      await connectByOAuth(rounds, w, 'threads')
      threadItem = await createApprovedItem(rounds, w, {
        title: 'Sepsis thread',
        body: THREAD.repeat(8).trim(),
      })
      threads.spendQuota('reply', 1000)
      await publishThroughRoutes(rounds, w, threadItem, 'threads')
      await drain()
      first = (await publicationsOf(rounds, w, threadItem))[0] as Publication
      expect(first.deliveries.length).toBeGreaterThan(1)
      expect(threads.posts).toHaveLength(1)
      expect(first.deliveries[0]?.status).toBe('sent')
      expect(first.deliveries[1]).toMatchObject({ status: 'pending' })
      expect(first.deliveries[1]?.error).toMatch(
        /^Waiting for Threads' reply limit \(1,000 replies in 24 hours, counting posts made outside Rounds\), which Threads says is used up; sending at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
      )

      // A day later the platform's count has dropped: the rest of the thread follows, replying in order.
      threads.resetQuota()
      clock.advance(HOUR + 1000)
      await drain()
      const done = (await publicationsOf(rounds, w, threadItem))[0] as Publication
      expect(done.status).toBe('published')
      expect(threads.posts).toHaveLength(done.deliveries.length)
      for (const [i, p] of threads.posts.entries())
        if (i > 0) expect(p.replyTo).toBe(threads.posts[i - 1]?.id)
    }, 60_000)

    it("Rounds' own count: 1,000 replies sent in 24 hours hold the next reply back, not the next post", async () => {
      const oldest = clock.now().getTime() - 23 * HOUR
      await recordSends(first.id, 'correction', spread(1000, 23 * HOUR, HOUR))
      const thread = await createApprovedItem(rounds, w, {
        title: 'Second thread',
        body: `Second: ${THREAD.repeat(8).trim()}`,
      })
      const single = await createApprovedItem(rounds, w, {
        title: 'One post',
        body: 'Reassess lactate within two hours.',
      })
      const before = threads.posts.length
      await publishThroughRoutes(rounds, w, thread, 'threads')
      await publishThroughRoutes(rounds, w, single, 'threads')
      await drain()
      const [t] = await publicationsOf(rounds, w, thread)
      expect(t?.deliveries[0]?.status).toBe('sent')
      expect(t?.deliveries[1]?.error).toMatch(
        /^Waiting for Threads' reply limit \(1,000 replies in 24 hours\); sending at /,
      )
      // When the 1,000th-latest reply leaves the moving day (the first thread's reply came after the seeded ones).
      const at = Date.parse(t?.deliveries[1]?.nextAttemptAt as string)
      expect(at).toBeGreaterThan(oldest + DAY)
      expect(at).toBeLessThan(oldest + DAY + 5 * 60_000)
      expect((await publicationsOf(rounds, w, single))[0]?.status).toBe('published')
      expect(threads.posts).toHaveLength(before + 2)
    }, 60_000)
  })

  describe('Bluesky: the daily budget as well as the hourly one', () => {
    it('35,000 points a day (11,666 posts) hold the next post until the oldest leaves the day', async () => {
      const sent: string[] = []
      const recorder: ConnectorFactory = {
        channel: 'bluesky',
        connection: 'none',
        create: () => ({
          channel: 'bluesky',
          // Bluesky's declared limits, as the real connector declares them.
          capabilities: blueskyCapabilities,
          async publishPart(_ctx, _post, part) {
            sent.push(part.text)
            return { remoteId: `at://did:plc:rounds/app.bsky.feed.post/${sent.length}` }
          },
          async delete() {},
        }),
      }
      const original = rounds.publishing.connectors
      rounds.publishing.connectors = createConnectorRegistry({
        publicBaseUrl: rounds.config.publicBaseUrl,
        now: () => clock.now(),
        factories: [recorder],
      })
      try {
        const seed = await createApprovedItem(rounds, w, {
          title: 'Seed',
          body: 'Wash hands before every patient.',
        })
        await publishThroughRoutes(rounds, w, seed, 'bluesky')
        await drain()
        const [seeded] = await publicationsOf(rounds, w, seed)
        expect(sent).toHaveLength(1)
        // 11,665 more in the day, none in the last two hours: under the hourly limit, at the daily one.
        const oldest = clock.now().getTime() - 23 * HOUR
        await recordSends(seeded?.id as string, 'part', spread(11_665, 23 * HOUR, 2 * HOUR))
        const id = await createApprovedItem(rounds, w, { title: 'Held', body: 'Check capillary refill.' })
        await publishThroughRoutes(rounds, w, id, 'bluesky')
        await drain()
        expect(sent).toHaveLength(1)
        const [held] = await publicationsOf(rounds, w, id)
        expect(held?.deliveries[0]?.error).toMatch(
          /^Waiting for Bluesky's daily limit \(11,666 posts in 24 hours\); sending at \d{4}-\d\d-\d\d \d\d:\d\d UTC\.$/,
        )
        expect(Date.parse(held?.deliveries[0]?.nextAttemptAt as string)).toBeGreaterThan(oldest + DAY)
        clock.set(new Date(Date.parse(held?.deliveries[0]?.nextAttemptAt as string) + 1))
        await drain()
        expect(sent).toEqual([
          expect.stringContaining('Wash hands before every patient.'),
          expect.stringContaining('Check capillary refill.'),
        ])
        expect((await publicationsOf(rounds, w, id))[0]?.status).toBe('published')
      } finally {
        rounds.publishing.connectors = original
      }
    }, 120_000)
  })
})
