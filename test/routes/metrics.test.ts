import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { METRICS_SWEEP_JOB, scheduleMetricsSweep } from '#src/capabilities/learning/metrics/metrics.jobs.ts'
import type {
  EngagementOverview,
  ImportPreview,
  ItemMetrics,
  RefreshResult,
} from '#src/capabilities/learning/metrics/metrics.schema.ts'
import { previewItem, publishItem } from '#src/capabilities/publishing/publishing.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import { approvedItem } from '#test/support/review-flow.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

const iso = (d: Date | string) => new Date(d).toISOString()
const TOKEN = 'masto-token-metrics'
const fixture = (name: string) =>
  readFileSync(new URL(`../../src/capabilities/learning/metrics/fixtures/${name}`, import.meta.url), 'utf8')

describe.each(testDialects)('engagement metrics on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  let mastodon: MastodonFake
  let itemId: string
  let statusId: string
  const clock = manualClock(new Date('2026-11-20T10:00:00.000Z'))
  const org = () => `/api/orgs/${w.org.slug}`
  const drain = () => rounds.createWorker().drain()
  const itemMetrics = async () =>
    expectJson<ItemMetrics>(
      await call(rounds, 'GET', `${org()}/items/${itemId}/metrics`, { cookie: w.editor.cookie }),
      200,
    )
  const snapshotCount = async (source: 'api' | 'import') =>
    Number(
      (
        await rounds.database.db
          .selectFrom('metric_snapshot')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('item_id', '=', itemId)
          .where('source', '=', source)
          .executeTakeFirstOrThrow()
      ).n,
    )

  /** A post Rounds delivered to another platform (as the delivery job records it). */
  async function deliveredElsewhere(channel: string, remoteId: string, remoteUrl: string | null) {
    const db = rounds.database.db
    const pub = await db
      .selectFrom('publication')
      .selectAll()
      .where('item_id', '=', itemId)
      .where('channel', '=', 'mastodon')
      .executeTakeFirstOrThrow()
    const id = `pub-${channel}-${dialect}`
    await db
      .insertInto('publication')
      .values({
        ...pub,
        id,
        channel,
        account_id: null,
        claimed_by: null,
        claimed_until: null,
        scheduled_at: iso(pub.scheduled_at),
        created_at: iso(pub.created_at),
        updated_at: iso(pub.updated_at),
        published_at: iso(pub.published_at ?? pub.created_at),
        withdrawn_at: null,
      })
      .execute()
    await db
      .insertInto('delivery')
      .values({
        id: `del-${channel}-${dialect}`,
        publication_id: id,
        kind: 'part',
        part_index: 0,
        correction_id: null,
        idempotency_key: `key-${channel}-${dialect}`,
        status: 'sent',
        attempts: 1,
        next_attempt_at: null,
        remote_id: remoteId,
        remote_ref: null,
        remote_url: remoteUrl,
        last_error: null,
        sent_at: clock.now().toISOString(),
        deleted_at: null,
        updated_at: clock.now().toISOString(),
      })
      .execute()
  }

  beforeAll(async () => {
    mastodon = await startMastodonFake({ token: TOKEN })
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds, { name: 'Engagement Teaching' })
    const other = await createTestMember(rounds, w.org.id, ['reviewer'])
    ;({ itemId } = await approvedItem(rounds, {
      org: w.org,
      author: w.author,
      editor: w.editor,
      reviewers: [w.reviewer, other],
    }))
    await expectJson(
      await call(rounds, 'POST', `${org()}/channels/mastodon/connect`, {
        cookie: w.editor.cookie,
        body: { method: 'server-token', serviceUrl: mastodon.url, accessToken: TOKEN },
      }),
      200,
    )
    const editor = await loadActor(rounds.accounts, w.editor.id)
    const p = await previewItem(rounds.publishing, editor, w.org.slug, itemId)
    await publishItem(rounds.publishing, editor, w.org.slug, itemId, {
      contentHash: p.contentHash,
      channels: [
        {
          channel: 'mastodon',
          previewHash: p.previews.find((v) => v.channel === 'mastodon')?.previewHash as string,
        },
      ],
    })
    await drain()
    const live = mastodon.live()
    expect(live).toHaveLength(1)
    statusId = (live[0] as { id: string }).id
    await deliveredElsewhere('youtube', 'dQw4w9WgXcQ', 'https://www.youtube.com/watch?v=dQw4w9WgXcQ')
    await deliveredElsewhere('x', '1856712093845112832', 'https://x.com/roundsmed/status/1856712093845112832')
    await deliveredElsewhere('facebook', '104857362910_812734650912345', null)
  })
  afterAll(async () => {
    await rounds?.close()
    await mastodon?.close()
  })

  it('401, 403, 404 and 400 come first', async () => {
    await expectError(await call(rounds, 'GET', `${org()}/metrics`), 401, 'UNAUTHENTICATED')
    for (const u of [w.author, w.reviewer])
      await expectError(await call(rounds, 'GET', `${org()}/metrics`, { cookie: u.cookie }), 403, 'FORBIDDEN')
    await expectError(
      await call(rounds, 'GET', `${org()}/metrics`, { cookie: w.outsider.cookie }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
    await expectError(
      await call(rounds, 'GET', `/api/orgs/${w.other.slug}/items/${itemId}/metrics`, {
        cookie: w.editor.cookie,
      }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
    await expectValidationError(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
        cookie: w.editor.cookie,
        body: { filename: '', csv: '', asOf: 'yesterday' },
      }),
      ['filename', 'csv', 'asOf'],
    )
  })

  it('the scheduled sweep reads each post and keeps snapshots over time', async () => {
    const status = mastodon.statuses.find((s) => s.id === statusId)
    if (!status) throw new Error('no status')
    Object.assign(status, { favourites: 5, reblogs: 2, replies: 1 })
    expect(await scheduleMetricsSweep(rounds.publishing)).toBe(true)
    expect(await scheduleMetricsSweep(rounds.publishing)).toBe(false)
    await drain()
    let m = await itemMetrics()
    const masto = m.summary.posts.find((p) => p.channel === 'mastodon')
    expect(masto?.metrics).toEqual({ likes: 5, reposts: 2, replies: 1 })
    expect(m.points.filter((p) => p.channel === 'mastodon')).toHaveLength(3)
    // Platforms Rounds cannot read say why, in plain words.
    expect(m.summary.posts.find((p) => p.channel === 'youtube')?.lastError).toMatch(
      /YouTube account is not connected/,
    )
    // The sweep queued its successor an hour on.
    const next = await rounds.database.db
      .selectFrom('job')
      .select(['run_at', 'status'])
      .where('name', '=', METRICS_SWEEP_JOB)
      .where('status', '=', 'queued')
      .execute()
    expect(next).toHaveLength(1)

    // Not due again within the first week's interval (4 hours).
    const before = await snapshotCount('api')
    clock.advance(60 * 60_000)
    await drain()
    expect(await snapshotCount('api')).toBe(before)

    clock.advance(3 * 60 * 60_000 + 60_000)
    status.favourites = 9
    await drain()
    m = await itemMetrics()
    expect(m.summary.posts.find((p) => p.channel === 'mastodon')?.metrics.likes).toBe(9)
    expect(
      m.points.filter((p) => p.channel === 'mastodon' && p.metric === 'likes').map((p) => p.value),
    ).toEqual([5, 9])
  })

  it('refresh now: a rate limit keeps the snapshots taken and holds until Retry-After', async () => {
    const before = await snapshotCount('api')
    mastodon.failNext({ status: 429, headers: { 'retry-after': '600' }, path: /\/api\/v1\/statuses\// })
    const r = await expectJson<RefreshResult>(
      await call(rounds, 'POST', `${org()}/items/${itemId}/metrics/refresh`, { cookie: w.admin.cookie }),
      200,
    )
    expect(r.refreshed).toBe(0)
    expect(r.waiting).toEqual([
      { channel: 'mastodon', until: new Date(clock.now().getTime() + 600_000).toISOString() },
    ])
    expect(r.failed.map((f) => f.channel).sort()).toEqual(['facebook', 'x', 'youtube'])
    expect(await snapshotCount('api')).toBe(before)
    expect(r.item.summary.posts.find((p) => p.channel === 'mastodon')?.metrics.likes).toBe(9)

    // Within the wait, another refresh does not call the platform at all.
    const calls = mastodon.requests.length
    const again = await expectJson<RefreshResult>(
      await call(rounds, 'POST', `${org()}/items/${itemId}/metrics/refresh`, { cookie: w.editor.cookie }),
      200,
    )
    expect(again.waiting).toHaveLength(1)
    expect(mastodon.requests.length).toBe(calls)

    clock.advance(601_000)
    const after = await expectJson<RefreshResult>(
      await call(rounds, 'POST', `${org()}/items/${itemId}/metrics/refresh`, { cookie: w.editor.cookie }),
      200,
    )
    expect(after.refreshed).toBe(1)
    expect(await snapshotCount('api')).toBe(before + 3)
  })

  it('a platform error in the sweep is shown, keeps what was read, and clears on the next good read', async () => {
    const before = await snapshotCount('api')
    clock.advance(4 * 60 * 60_000 + 60_000)
    mastodon.failNext({ status: 503, path: /\/api\/v1\/statuses\// })
    await drain()
    let post = (await itemMetrics()).summary.posts.find((p) => p.channel === 'mastodon')
    expect(post?.lastError).toBeTruthy()
    expect(post?.metrics.likes).toBe(9)
    expect(await snapshotCount('api')).toBe(before)
    const poll = await rounds.database.db
      .selectFrom('metric_poll')
      .innerJoin('delivery', 'delivery.id', 'metric_poll.delivery_id')
      .select(['metric_poll.next_at', 'metric_poll.failures'])
      .where('delivery.remote_id', '=', statusId)
      .executeTakeFirstOrThrow()
    expect(Number(poll.failures)).toBe(1)
    expect(new Date(poll.next_at).getTime()).toBeGreaterThan(clock.now().getTime())

    clock.advance(24 * 60 * 60_000)
    await drain()
    post = (await itemMetrics()).summary.posts.find((p) => p.channel === 'mastodon')
    expect(post?.lastError).toBeNull()
    expect(await snapshotCount('api')).toBe(before + 3)
  })

  it('previews a YouTube Studio export row by row, then imports it duplicate-safe', async () => {
    const body = { filename: 'Table data.csv', csv: fixture('youtube-studio.csv'), asOf: '2026-11-20' }
    const preview = await expectJson<ImportPreview>(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, { cookie: w.editor.cookie, body }),
      200,
    )
    expect(preview).toMatchObject({
      layout: 'youtube-studio',
      counts: { matched: 1, unmatched: 2, errors: 1 },
    })
    expect(preview.rows.find((r) => r.status === 'matched')).toMatchObject({
      row: 3,
      itemId,
      channel: 'youtube',
      metrics: { views: 8214 },
    })
    expect(preview.rows.find((r) => r.status === 'error')).toMatchObject({ row: 6 })
    expect(await snapshotCount('import')).toBe(0)

    const audits = await countAuditEvents(rounds)
    const first = await expectJson<ImportPreview>(
      await call(rounds, 'POST', `${org()}/metrics/imports`, { cookie: w.editor.cookie, body }),
      201,
    )
    expect(first.valuesWritten).toBe(7)
    expect(await snapshotCount('import')).toBe(7)
    await expectJson(
      await call(rounds, 'POST', `${org()}/metrics/imports`, { cookie: w.editor.cookie, body }),
      201,
    )
    expect(await snapshotCount('import')).toBe(7)
    expect(await countAuditEvents(rounds)).toBe(audits + 2)

    const overview = await expectJson<EngagementOverview>(
      await call(rounds, 'GET', `${org()}/metrics`, { cookie: w.editor.cookie }),
      200,
    )
    const item = overview.items.find((i) => i.itemId === itemId)
    expect(item?.posts.find((p) => p.channel === 'youtube')?.metrics).toMatchObject({
      views: 8214,
      averageViewSeconds: 224,
    })
    expect(item?.totals.likes).toBe(9 + 655)
    expect(item?.totals.averageViewSeconds).toBeUndefined()
  })

  it('matches X rows by id and Meta rows by the post id inside the Graph id', async () => {
    const x = await expectJson<ImportPreview>(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
        cookie: w.editor.cookie,
        body: { filename: 'tweet_activity.csv', csv: fixture('x-analytics.csv') },
      }),
      200,
    )
    expect(x.counts).toEqual({ matched: 1, unmatched: 1, errors: 2 })
    expect(x.asOf).toBe(clock.now().toISOString().slice(0, 10))
    expect(x.rows.filter((r) => r.status === 'error').map((r) => r.row)).toEqual([4, 5])
    const meta = await expectJson<ImportPreview>(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
        cookie: w.editor.cookie,
        body: { filename: 'posts.csv', csv: fixture('meta-business-suite.csv') },
      }),
      200,
    )
    expect(meta.rows[0]).toMatchObject({ status: 'matched', channel: 'facebook', metrics: { reach: 22180 } })
    expect(meta.counts).toEqual({ matched: 1, unmatched: 1, errors: 1 })
  })

  it('previews each export variant against the delivered posts, and refuses per-day exports (422)', async () => {
    const preview = async (name: string) =>
      expectJson<ImportPreview>(
        await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
          cookie: w.editor.cookie,
          body: { filename: name, csv: fixture(name) },
        }),
        200,
      )
    const content = await preview('x-content.csv')
    expect(content.counts).toEqual({ matched: 1, unmatched: 1, errors: 2 })
    expect(content.rows[0]).toMatchObject({
      status: 'matched',
      channel: 'x',
      metrics: { impressions: 15230, saves: 27 },
    })
    const facebook = await preview('meta-facebook-posts.csv')
    expect(facebook.counts).toEqual({ matched: 1, unmatched: 1, errors: 1 })
    expect(facebook.rows[0]).toMatchObject({
      status: 'matched',
      channel: 'facebook',
      metrics: { views: 41870 },
    })
    // The Instagram export only matches Instagram posts: the Facebook post is not among them.
    expect((await preview('meta-instagram-posts.csv')).counts.matched).toBe(0)
    const studio = await preview('youtube-studio-table-data.csv')
    expect(studio.counts).toEqual({ matched: 1, unmatched: 3, errors: 0 })
    const german = await preview('youtube-studio-excel-de.csv')
    expect(german.rows[0]).toMatchObject({
      status: 'matched',
      metrics: { views: 8214, watchTimeSeconds: 1844651.16 },
    })
    for (const name of ['youtube-studio-chart-data.csv', 'x-account-overview.csv'])
      await expectError(
        await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
          cookie: w.editor.cookie,
          body: { filename: name, csv: fixture(name) },
        }),
        422,
        'CSV_UNREADABLE',
      )
  })

  it('an unknown layout needs a column mapping; files that are not CSV are refused', async () => {
    const url = (
      await rounds.database.db
        .selectFrom('delivery')
        .select('remote_url')
        .where('remote_id', '=', statusId)
        .executeTakeFirstOrThrow()
    ).remote_url as string
    const csv = `Link;Plays;Hearts\n${url};1520;87\n`
    const unknown = await expectJson<ImportPreview>(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
        cookie: w.editor.cookie,
        body: { filename: 'export.csv', csv },
      }),
      200,
    )
    expect(unknown).toMatchObject({ layout: null, headers: ['Link', 'Plays', 'Hearts'], rows: [] })
    await expectError(
      await call(rounds, 'POST', `${org()}/metrics/imports`, {
        cookie: w.editor.cookie,
        body: { filename: 'export.csv', csv },
      }),
      422,
      'CSV_LAYOUT_UNKNOWN',
    )
    const mapped = await expectJson<ImportPreview>(
      await call(rounds, 'POST', `${org()}/metrics/imports`, {
        cookie: w.editor.cookie,
        body: {
          filename: 'export.csv',
          csv,
          asOf: '2026-11-21',
          mapping: { urlColumn: 'Link', metrics: { Plays: 'views', Hearts: 'likes' } },
        },
      }),
      201,
    )
    expect(mapped).toMatchObject({ layout: 'custom', valuesWritten: 2, counts: { matched: 1 } })
    expect(mapped.rows[0]?.channel).toBe('mastodon')
    await expectValidationError(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
        cookie: w.editor.cookie,
        body: { filename: 'export.csv', csv, mapping: { urlColumn: 'Nope', metrics: {} } },
      }),
      ['mapping.urlColumn'],
    )
    await expectError(
      await call(rounds, 'POST', `${org()}/metrics/imports/preview`, {
        cookie: w.editor.cookie,
        body: { filename: 'broken.csv', csv: 'a,b\n"never closed,1\n' },
      }),
      422,
      'CSV_UNREADABLE',
    )
    await expectValidationError(
      await call(rounds, 'POST', `${org()}/metrics/imports`, {
        cookie: w.editor.cookie,
        body: { filename: 'export.csv', csv, asOf: '2099-01-01' },
      }),
      ['asOf'],
    )
  })
})
