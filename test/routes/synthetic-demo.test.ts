import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemo } from '#src/capabilities/accounts/operator.service.ts'
import { SYNTHETIC_PREFIX } from '#src/capabilities/learning/demo/synthetic-demo.ts'
import type { AnalyticsGroups } from '#src/capabilities/learning/groups/groups.schema.ts'
import type { EngagementOverview } from '#src/capabilities/learning/metrics/metrics.schema.ts'
import type { ItemLearningSummary } from '#src/capabilities/learning/quizzes/learning.service.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, signIn, type TestRounds } from '#test/support/rounds.ts'

const PASSWORD = 'demo-password-123'

async function count(
  rounds: TestRounds,
  table: 'content_item' | 'quiz_attempt' | 'metric_snapshot' | 'learner',
) {
  const r = await rounds.database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

describe.each(testDialects)('synthetic demo data on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds?.close())

  it('is refused in production unless asked for', async () => {
    await expect(
      seedDemo(rounds.operator, { env: 'production', explicit: false, password: PASSWORD }),
    ).rejects.toMatchObject({
      code: 'SEED_REFUSED',
    })
    expect(await count(rounds, 'content_item')).toBe(0)
  })

  it('seeds labelled published items with learners, attempts and metrics once; seeding again adds nothing', async () => {
    const first = await seedDemo(rounds.operator, { env: 'development', explicit: false, password: PASSWORD })
    expect(first.syntheticItems).toBeGreaterThanOrEqual(20)
    const counts = {
      items: await count(rounds, 'content_item'),
      attempts: await count(rounds, 'quiz_attempt'),
      snapshots: await count(rounds, 'metric_snapshot'),
      learners: await count(rounds, 'learner'),
    }
    expect(counts.attempts).toBeGreaterThan(500)
    expect(counts.snapshots).toBeGreaterThan(500)
    expect(counts.learners).toBeGreaterThanOrEqual(200)
    // Each synthetic item has its public page, labelled synthetic.
    const item = await rounds.database.db
      .selectFrom('content_item')
      .select('id')
      .where('fields', 'like', '%[Synthetic]%')
      .limit(1)
      .executeTakeFirstOrThrow()
    const page = await rounds.app.request(`/orgs/demo/items/${item.id}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Synthetic demo data')

    const again = await seedDemo(rounds.operator, { env: 'development', explicit: false, password: PASSWORD })
    expect(again.syntheticItems).toBe(0)
    expect({
      items: await count(rounds, 'content_item'),
      attempts: await count(rounds, 'quiz_attempt'),
      snapshots: await count(rounds, 'metric_snapshot'),
      learners: await count(rounds, 'learner'),
    }).toEqual(counts)
  })

  it('gives the editor charts with something in them: metrics over time and a positive learning gain', async () => {
    const cookie = await signIn(rounds, 'editor@demo.example', PASSWORD)
    const overview = await call(rounds, 'GET', '/api/orgs/demo/metrics', { cookie })
    expect(overview.status).toBe(200)
    const { items } = (await overview.json()) as EngagementOverview
    const synthetic = items.filter((i) => i.title.startsWith(SYNTHETIC_PREFIX))
    expect(synthetic.length).toBeGreaterThanOrEqual(20)
    const first = synthetic[0]
    if (!first) throw new Error('no synthetic item')

    const metrics = await call(rounds, 'GET', `/api/orgs/demo/items/${first.itemId}/metrics`, { cookie })
    expect(metrics.status).toBe(200)
    const points = ((await metrics.json()) as { points: Array<{ source: string }> }).points
    expect(points.length).toBeGreaterThan(4)
    expect(points.every((p) => p.source === 'import')).toBe(true)

    let positive = 0
    for (const item of synthetic) {
      const res = await call(rounds, 'GET', `/api/orgs/demo/items/${item.itemId}/learning`, { cookie })
      expect(res.status).toBe(200)
      const s = (await res.json()) as ItemLearningSummary
      expect(s.hasQuiz).toBe(true)
      expect(s.gain.n.pre).toBeGreaterThan(0)
      expect(s.gain.n.post).toBeGreaterThan(0)
      expect(s.learners).toBeGreaterThanOrEqual(s.gain.n.post)
      expect(s.completionRate).toBeCloseTo(s.gain.n.post / s.learners, 10)
      expect(s.meanScore.pre).not.toBeNull()
      if ((s.gain.meanGain ?? 0) > 0) positive++
    }
    // Every item has a real effect, so nearly all show a gain; sampling noise may hide one or two.
    expect(positive).toBeGreaterThanOrEqual(synthetic.length - 2)
  })

  it('aggregates learning and reach per series and per channel for editors, not for authors', async () => {
    const cookie = await signIn(rounds, 'editor@demo.example', PASSWORD)
    const series = await call(rounds, 'GET', '/api/orgs/demo/analytics/series', { cookie })
    expect(series.status).toBe(200)
    const bySeries = (await series.json()) as AnalyticsGroups
    expect(bySeries.by).toBe('series')
    const synthetic = bySeries.groups.filter((g) => g.label.startsWith(SYNTHETIC_PREFIX))
    expect(synthetic).toHaveLength(3)
    for (const g of synthetic) {
      expect(g.items).toBeGreaterThanOrEqual(7)
      expect(g.learning.nPrePost).toBeGreaterThan(20)
      expect(g.learning.meanGain).toBeGreaterThan(0)
      expect(g.learning.n.post).toBeLessThanOrEqual(g.learning.learners)
      expect(g.totals.views).toBeGreaterThan(0)
      expect(g.reach.length).toBeGreaterThan(3)
      expect(g.reach.at(-1)?.views).toBe(g.totals.views)
    }

    const channels = await call(rounds, 'GET', '/api/orgs/demo/analytics/channels', { cookie })
    expect(channels.status).toBe(200)
    const byChannel = (await channels.json()) as AnalyticsGroups
    expect(byChannel.groups.map((g) => g.key)).toEqual(
      expect.arrayContaining(['youtube', 'tiktok', 'x', 'bluesky', 'mastodon']),
    )
    const youtube = byChannel.groups.find((g) => g.key === 'youtube')
    expect(youtube?.label).toBe('YouTube')
    expect(youtube?.items).toBe(9)
    // Reach on a channel counts only that channel's posts.
    const tiktok = byChannel.groups.find((g) => g.key === 'tiktok')
    expect(tiktok?.totals.views).not.toBe(youtube?.totals.views)

    const author = await signIn(rounds, 'author@demo.example', PASSWORD)
    expect((await call(rounds, 'GET', '/api/orgs/demo/analytics/series', { cookie: author })).status).toBe(
      403,
    )
    expect((await call(rounds, 'GET', '/api/orgs/demo/analytics/channels')).status).toBe(401)
  })
})
