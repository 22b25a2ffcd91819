import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResearchView } from '#src/capabilities/learning/analysis/research.schema.ts'
import {
  loadKeptResearchViews,
  RESEARCH_CACHE_MAX_AGE_MS,
  refreshStaleResearchViews,
  researchRefreshesSettled,
} from '#src/capabilities/learning/analysis/research.service.ts'
import { testDialects } from '#test/support/database.ts'
import { insertScoredSession } from '#test/support/learning.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectJson, giveRegistration } from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

const AT = '2026-11-20T10:00:00.000Z'

describe.each(testDialects)('research view cache on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  // A clock the test can move forward; it starts at the real time (sign-in uses that).
  let offset = 0
  const clock = { now: () => new Date(Date.now() + offset) }
  const N = 12
  const id = (i: number) => `cache-${dialect}-${i}`

  async function learner(itemId: string, key: string, pre: number, post: number, organisationId = w.org.id) {
    const db = rounds.database.db
    await db
      .insertInto('learner')
      .values({ id: `${key}-l`, user_id: null, consent_version: '1', consented_at: AT })
      .execute()
    await insertScoredSession(db, {
      id: `${key}-s`,
      organisationId,
      itemId,
      versionId: `${itemId}-v1`,
      learnerId: `${key}-l`,
      pre,
      post,
      passMark: 11,
      at: AT,
    })
  }

  async function snapshot(itemId: string, metric: string, value: number, at: string, source = 'api') {
    await rounds.database.db
      .insertInto('metric_snapshot')
      .values({
        id: `${itemId}-${metric}-${at}-${source}`,
        organisation_id: w.org.id,
        item_id: itemId,
        channel: 'mastodon',
        remote_id: `${itemId}-m`,
        metric,
        value,
        source,
        period: at,
        captured_at: at,
        import_id: null,
      })
      .execute()
  }

  const view = async () =>
    expectJson<ResearchView>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/analytics/research`, { cookie: w.editor.cookie }),
      200,
    )
  const point = (v: ResearchView, metric: string, itemId: string) =>
    v.scatter.find((s) => s.metric === metric)?.points.find((p) => p.itemId === itemId)

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds)
    for (let i = 0; i < N; i++) {
      await rounds.database.db
        .insertInto('content_item')
        .values({
          id: id(i),
          organisation_id: w.org.id,
          author_id: w.author.id,
          series_id: null,
          kind: 'post',
          state: 'published',
          fields: JSON.stringify({ title: `Item ${i}`, body: `Body ${i}` }),
          content_hash: `h${i}`,
          created_at: AT,
          updated_at: AT,
        })
        .execute()
      await learner(id(i), `${id(i)}-a`, 2, 3 + (i % 5))
      await snapshot(id(i), 'views', 100 + 10 * i, AT)
    }
  }, 120_000)

  afterAll(async () => {
    await rounds?.close()
  })

  /**
   * After a change: the kept figures at once, marked refreshing, and the new figures on the next
   * request once the background computation has finished.
   */
  async function afterChange(before: ResearchView) {
    const during = await view()
    expect(during.refreshing).toBe(true)
    expect(during.computedAt).toBe(before.computedAt)
    expect(during.correlations).toEqual(before.correlations)
    await researchRefreshesSettled(rounds.database.db)
    const after = await view()
    expect(after.refreshing).toBe(false)
    expect(after.computedAt).not.toBe(before.computedAt)
    return after
  }

  it('computes the first view in the request, then serves it again while nothing changed', async () => {
    const first = await view()
    expect(first.refreshing).toBe(false)
    expect(Date.parse(first.computedAt)).toBeLessThanOrEqual(clock.now().getTime())
    offset += 60_000
    const again = await view()
    expect(again.computedAt).toBe(first.computedAt)
    expect(again.refreshing).toBe(false)
    expect(again.correlations).toEqual(first.correlations)
  })

  it('answers a conditional request with 304 while the figures are the same', async () => {
    const path = `/api/orgs/${w.org.slug}/analytics/research`
    const res = await call(rounds, 'GET', path, { cookie: w.editor.cookie })
    const etag = res.headers.get('etag') as string
    expect(etag).toMatch(/^W\/"meanGain-\d+-0"$/)
    expect(res.headers.get('cache-control')).toBe('private, no-cache')
    const same = await call(rounds, 'GET', path, {
      cookie: w.editor.cookie,
      headers: { 'if-none-match': etag },
    })
    expect(same.status).toBe(304)
    expect(await same.text()).toBe('')
    const other = await call(rounds, 'GET', `${path}?outcome=meanNormalisedGain`, {
      cookie: w.editor.cookie,
      headers: { 'if-none-match': etag },
    })
    expect(other.status).toBe(200)
  })

  it('keeps the view in the database, so another process serves it without computing', async () => {
    const first = await view()
    const other = await createTestRounds(dialect, { clock, databaseOf: rounds })
    try {
      // As at server start: the kept views (mean gain, and the normalised gain asked for above)
      // are read into the new process's memory.
      expect(await loadKeptResearchViews(other.accounts)).toBe(2)
      const res = await call(other, 'GET', `/api/orgs/${w.org.slug}/analytics/research`, {
        cookie: w.editor.cookie,
      })
      const kept = await expectJson<ResearchView>(res, 200)
      expect(kept.computedAt).toBe(first.computedAt)
      expect(kept.refreshing).toBe(false)
      expect(kept.scatter).toEqual(first.scatter)
    } finally {
      await other.close()
    }
  })

  it('serves the kept figures while it recomputes after a learner takes the quizzes', async () => {
    const before = await view()
    expect(point(before, 'views', id(0))?.y).toBeCloseTo(0.1, 12)
    await learner(id(0), `${id(0)}-b`, 0, 10)
    const after = await afterChange(before)
    expect(point(after, 'views', id(0))?.y).toBeCloseTo((0.1 + 1) / 2, 12)
  })

  it("does not recompute when another organisation's learners take its quizzes", async () => {
    const before = await view()
    const other = await createOrgWithRoles(rounds)
    await rounds.database.db
      .insertInto('content_item')
      .values({
        id: `other-${dialect}`,
        organisation_id: other.org.id,
        author_id: other.author.id,
        series_id: null,
        kind: 'post',
        state: 'published',
        fields: JSON.stringify({ title: 'Elsewhere', body: 'Body' }),
        content_hash: 'h-other',
        created_at: AT,
        updated_at: AT,
      })
      .execute()
    await learner(`other-${dialect}`, `other-${dialect}-a`, 1, 9, other.org.id)
    const after = await view()
    expect(after.refreshing).toBe(false)
    expect(after.computedAt).toBe(before.computedAt)
    // The view's own organisation's learners still move it.
    await learner(id(3), `${id(3)}-b`, 1, 9)
    await afterChange(after)
  })

  it('recomputes when a later snapshot arrives', async () => {
    const before = await view()
    await snapshot(id(1), 'views', 5000, '2026-11-21T10:00:00.000Z')
    const after = await afterChange(before)
    expect(point(after, 'views', id(1))?.x).toBe(5000)
  })

  it('recomputes when an item is edited', async () => {
    const before = await view()
    await rounds.database.db
      .updateTable('content_item')
      .set({
        fields: JSON.stringify({ title: 'Renamed', body: 'Body 2' }),
        updated_at: '2026-11-22T10:00:00.000Z',
      })
      .where('id', '=', id(2))
      .execute()
    const after = await afterChange(before)
    expect(after.titles[id(2)]).toBe('Renamed')
    expect(before.titles[id(2)]).toBe('Item 2')
  })

  it('recomputes when a presenter gives their profession', async () => {
    const before = await view()
    await giveRegistration(rounds, w.author.id)
    await afterChange(before)
  })

  it('recomputes once the view is older than the maximum age, even with nothing changed', async () => {
    const before = await view()
    // A minute short of the maximum age of the kept figures (whenever they were computed).
    offset += Date.parse(before.computedAt) + RESEARCH_CACHE_MAX_AGE_MS - 60_000 - clock.now().getTime()
    expect((await view()).refreshing).toBe(false)
    offset += 60_000
    const after = await afterChange(before)
    expect(Date.parse(after.computedAt) - Date.parse(before.computedAt)).toBeGreaterThanOrEqual(
      RESEARCH_CACHE_MAX_AGE_MS,
    )
  })

  it('the sweep recomputes a view whose data moved on, so the next request is already current', async () => {
    const before = await view()
    await learner(id(3), `${id(3)}-c`, 1, 9)
    const log = { error: () => {} } as unknown as Parameters<typeof refreshStaleResearchViews>[0]['log']
    const deps = { db: rounds.database.db, clock, log }
    expect(await refreshStaleResearchViews(deps)).toBeGreaterThanOrEqual(1)
    const after = await view()
    expect(after.refreshing).toBe(false)
    expect(after.computedAt).not.toBe(before.computedAt)
    // Nothing moved on since: the sweep leaves every kept view alone.
    expect(await refreshStaleResearchViews(deps)).toBe(0)
  })
})
