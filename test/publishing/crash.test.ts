import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { createItem, submitItem } from '#src/capabilities/content/content.service.ts'
import { connectChannel } from '#src/capabilities/publishing/channels.service.ts'
import { previewItem, publishItem } from '#src/capabilities/publishing/publishing.service.ts'
import {
  assignReviewers,
  decideReview,
  saveReview,
  submitReview,
} from '#src/capabilities/review/review.service.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { createOrgWithRoles } from '#test/routes/helpers.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import { completeReview } from '#test/support/review-flow.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'

/**
 * Crash test: twenty approved items scheduled as threads to a Mastodon server; a real worker
 * process is killed (SIGKILL) part-way, while the server is still answering a post it has
 * already created; a second worker finishes. Every part must exist exactly once. The same for
 * single posts handed to Mastodon's own scheduler (scheduled_at): killed while the server
 * answers a scheduled status it has already taken, every post is scheduled exactly once.
 */
const projectRoot = resolve(import.meta.dirname, '../..')
const ITEMS = 20
const TOKEN = 'crash-test-token-91b2'
const KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`

describe.each(testDialects)('delivery across a killed worker on %s', (dialect) => {
  let rounds: TestRounds
  let mastodon: MastodonFake
  const children: ChildProcess[] = []

  beforeAll(async () => {
    mastodon = await startMastodonFake({ token: TOKEN })
    rounds = await createTestRounds(dialect)
  })
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL')
  })
  afterAll(async () => {
    await rounds?.close()
    await mastodon?.close()
  })

  function startWorker(): ChildProcess {
    const child = spawn(process.execPath, ['test/publishing/delivery-worker.ts', '1000'], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        DATABASE_URL: rounds.config.databaseUrl,
        SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
        ROUNDS_ENCRYPTION_KEYS: KEYS,
        PUBLIC_BASE_URL: 'http://localhost:3000',
        LOG_LEVEL: 'silent',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    children.push(child)
    return child
  }

  async function until(what: string, check: () => Promise<boolean> | boolean, ms = 60_000) {
    const end = Date.now() + ms
    while (Date.now() < end) {
      if (await check()) return
      await sleep(50)
    }
    throw new Error(`timed out waiting for ${what}`)
  }

  /** An item through submission, two reviews and acceptance, by the use-cases; its id. */
  async function approve(
    w: Awaited<ReturnType<typeof createOrgWithRoles>>,
    people: { author: Actor; editor: Actor; other: { id: string } },
    fields: { title: string; body: string },
  ): Promise<string> {
    const { author, editor, other } = people
    const item = await createItem(rounds.accounts, author, w.org.slug, { kind: 'post', ...fields })
    await submitItem(rounds.accounts, author, w.org.slug, item.id)
    const round = await assignReviewers(rounds.accounts, editor, w.org.slug, item.id, {
      reviewerIds: [w.reviewer.id, other.id],
    })
    for (const r of round.reviews) {
      const reviewer = await loadActor(rounds.accounts, r.reviewer.id as string)
      await saveReview(
        rounds.accounts,
        reviewer,
        w.org.slug,
        item.id,
        r.assignmentId as string,
        completeReview,
      )
      await submitReview(rounds.accounts, reviewer, w.org.slug, item.id, r.assignmentId as string)
    }
    await decideReview(rounds.accounts, editor, w.org.slug, item.id, { decision: 'accept', message: 'Good.' })
    return item.id
  }

  it('posts every part of every item exactly once', async () => {
    const w = await createOrgWithRoles(rounds, { name: 'Crash Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
    const author = await loadActor(rounds.accounts, w.author.id)
    const editor = await loadActor(rounds.accounts, w.editor.id)
    const other = await createTestMember(rounds, w.org.id, ['reviewer'])
    await connectChannel(rounds.publishing, editor, w.org.slug, 'mastodon', {
      method: 'server-token',
      serviceUrl: mastodon.url,
      accessToken: TOKEN,
    })

    let expectedParts = 0
    for (let n = 1; n <= ITEMS; n++) {
      const sentence = `Teaching point ${n}: reassess a septic patient within the hour and write down what changed. `
      const itemId = await approve(
        w,
        { author, editor, other },
        {
          title: `Crash item ${n}`,
          body: sentence.repeat(6).trim(),
        },
      )
      const item = { id: itemId }
      const p = await previewItem(rounds.publishing, editor, w.org.slug, item.id)
      const m = p.previews.find((v) => v.channel === 'mastodon')
      expectedParts += m?.post.parts.length ?? 0
      await publishItem(rounds.publishing, editor, w.org.slug, item.id, {
        contentHash: p.contentHash,
        channels: [{ channel: 'mastodon', previewHash: m?.previewHash as string }],
      })
    }
    expect(expectedParts).toBeGreaterThan(ITEMS)

    // The server creates a post, and while it is still answering, the worker is killed.
    mastodon.statusResponseDelayMs = 100
    const first = startWorker()
    const killAt = Math.floor(expectedParts / 3)
    mastodon.onStatusCreated = (count) => {
      if (count === killAt) first.kill('SIGKILL')
    }
    await until('the worker to die', () => first.signalCode === 'SIGKILL')
    mastodon.onStatusCreated = null
    expect(mastodon.statuses.length).toBeLessThan(expectedParts)

    mastodon.statusResponseDelayMs = 0
    const second = startWorker()
    const db = rounds.database.db
    await until(
      'every publication to be published',
      async () =>
        (await db.selectFrom('publication').select('status').where('status', '!=', 'published').execute())
          .length === 0,
      120_000,
    )
    second.kill('SIGKILL')

    // Exactly once: as many posts as parts, no text twice, each delivery pointing at its post.
    const texts = mastodon.statuses.map((s) => s.text)
    expect(mastodon.statuses).toHaveLength(expectedParts)
    expect(new Set(texts).size).toBe(texts.length)
    const deliveries = await db
      .selectFrom('delivery')
      .select(['remote_id', 'status', 'idempotency_key'])
      .execute()
    expect(deliveries).toHaveLength(expectedParts)
    expect(deliveries.every((d) => d.status === 'sent')).toBe(true)
    expect(new Set(deliveries.map((d) => d.remote_id)).size).toBe(expectedParts)
    for (const d of deliveries)
      expect(mastodon.statuses.find((s) => s.id === d.remote_id)?.idempotencyKey).toBe(d.idempotency_key)
    // The kill landed mid-call: some key was sent again after the restart, and answered with the first post.
    const keys = mastodon.requests.filter((r) => r.path === '/api/v1/statuses').map((r) => r.idempotencyKey)
    expect(keys.length).toBeGreaterThan(new Set(keys).size)
  }, 240_000)

  it("hands single posts to Mastodon's scheduler exactly once across a killed worker", async () => {
    const w = await createOrgWithRoles(rounds, { name: 'Crash Scheduling' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
    const author = await loadActor(rounds.accounts, w.author.id)
    const editor = await loadActor(rounds.accounts, w.editor.id)
    const other = await createTestMember(rounds, w.org.id, ['reviewer'])
    await connectChannel(rounds.publishing, editor, w.org.slug, 'mastodon', {
      method: 'server-token',
      serviceUrl: mastodon.url,
      accessToken: TOKEN,
    })
    const at = new Date(Date.now() + 30 * 60_000).toISOString()
    const publicationIds: string[] = []
    for (let n = 1; n <= ITEMS; n++) {
      const itemId = await approve(
        w,
        { author, editor, other },
        {
          title: `Scheduled item ${n}`,
          body: `Scheduled point ${n}: reassess a septic patient within the hour.`,
        },
      )
      const item = { id: itemId }
      const p = await previewItem(rounds.publishing, editor, w.org.slug, item.id)
      const m = p.previews.find((v) => v.channel === 'mastodon')
      expect(m?.post.parts).toHaveLength(1)
      const [pub] = await publishItem(rounds.publishing, editor, w.org.slug, item.id, {
        contentHash: p.contentHash,
        channels: [{ channel: 'mastodon', previewHash: m?.previewHash as string, scheduledAt: at }],
      })
      publicationIds.push(pub?.id as string)
    }
    const db = rounds.database.db
    const deliveries = () =>
      db
        .selectFrom('delivery')
        .select(['status', 'remote_id', 'publication_id'])
        .where('publication_id', 'in', publicationIds)
        .execute()
    const statusesBefore = mastodon.statuses.length

    // The server takes a scheduled status, and while it is still answering, the worker is killed.
    mastodon.statusResponseDelayMs = 100
    const first = startWorker()
    const killAt = Math.floor(ITEMS / 3)
    let atKill: { status: string }[] = []
    mastodon.onScheduledCreated = (count) => {
      if (count === killAt) first.kill('SIGKILL')
    }
    await until('the worker to die', () => first.signalCode === 'SIGKILL')
    mastodon.onScheduledCreated = null
    atKill = await deliveries()
    // Cut off mid-call: Mastodon holds the post, Rounds has only "scheduling" for it.
    expect(atKill.filter((d) => d.status === 'scheduling')).toHaveLength(1)
    expect(mastodon.scheduled).toHaveLength(killAt)

    mastodon.statusResponseDelayMs = 0
    const second = startWorker()
    await until(
      'every post to be scheduled on Mastodon',
      async () => (await deliveries()).every((d) => d.status === 'scheduled'),
      120_000,
    )
    second.kill('SIGKILL')

    // Exactly once: one scheduled status per item, each delivery pointing at its own; nothing posted yet.
    const held = mastodon.scheduled.filter((s) => !s.deleted)
    expect(held).toHaveLength(ITEMS)
    expect(new Set(held.map((s) => s.text)).size).toBe(ITEMS)
    expect(held.every((s) => s.scheduledAt === at)).toBe(true)
    const rows = await deliveries()
    expect(new Set(rows.map((d) => d.remote_id)).size).toBe(ITEMS)
    for (const d of rows) expect(held.some((s) => `scheduled:${s.id}` === d.remote_id)).toBe(true)
    expect(mastodon.statuses.length).toBe(statusesBefore)
  }, 240_000)
})
