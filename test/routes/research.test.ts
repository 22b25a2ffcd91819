import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ResearchView } from '#src/capabilities/learning/analysis/research.schema.ts'
import { ols, pearson, spearman } from '#src/capabilities/learning/analysis/statistics.ts'
import { testDialects } from '#test/support/database.ts'
import { insertScoredSession } from '#test/support/learning.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  giveRegistration,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

const AT = '2026-11-20T10:00:00.000Z'
const LATER = '2026-11-21T10:00:00.000Z'

/** Synthetic item i: its kind, text and the two learners' scores out of 10. */
function synthetic(i: number) {
  const words = Array.from({ length: 40 + 25 * (i % 7) }, (_, k) => `word${k}`).join(' ')
  return {
    kind: i % 3 === 0 ? 'video' : 'post',
    fields: {
      title: `Synthetic item ${i}`,
      body: `Why does sepsis kill? ${words}`,
      topics: [i % 2 ? 'cardiology' : 'infectious-diseases'],
      voice: i % 4 === 0 ? 'personal' : 'professional',
      captions: i % 3 === 0 && i % 2 === 0 ? 'WEBVTT\n\n00:00.000 --> 00:02.000\nHello' : '',
      quiz: null,
    },
    learners: [
      { pre: 3, post: Math.min(10, 3 + Math.floor(i / 3)) },
      { pre: 4, post: Math.min(10, 4 + Math.floor(i / 3) + (i % 2)) },
    ],
    likes: 10 + 5 * i,
    views: ((i * 7) % 20) * 100 + 50,
  }
}

describe.each(testDialects)('research view on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  const N = 20
  const items = Array.from({ length: N }, (_, i) => synthetic(i))
  const gains = items.map(
    (it) => it.learners.reduce((s, l) => s + (l.post - l.pre) / 10, 0) / it.learners.length,
  )

  async function seedItem(orgId: string, authorId: string, id: string, data: ReturnType<typeof synthetic>) {
    const db = rounds.database.db
    await db
      .insertInto('content_item')
      .values({
        id,
        organisation_id: orgId,
        author_id: authorId,
        series_id: null,
        kind: data.kind,
        state: 'published',
        fields: JSON.stringify(data.fields),
        content_hash: `hash-${id}`,
        created_at: AT,
        updated_at: AT,
      })
      .execute()
    for (const [k, l] of data.learners.entries()) {
      const learner = `${id}-learner-${k}`
      await db
        .insertInto('learner')
        .values({ id: learner, user_id: null, consent_version: '1', consented_at: AT })
        .execute()
      await insertScoredSession(db, {
        id: `${id}-session-${k}`,
        organisationId: orgId,
        itemId: id,
        versionId: `${id}-v1`,
        learnerId: learner,
        pre: l.pre,
        post: l.post,
        at: AT,
      })
    }
  }

  async function snapshot(
    orgId: string,
    itemId: string,
    channel: string,
    metric: string,
    value: number,
    at = LATER,
    source: 'api' | 'import' = 'api',
  ) {
    await rounds.database.db
      .insertInto('metric_snapshot')
      .values({
        id: `${itemId}-${channel}-${metric}-${at}-${source}`,
        organisation_id: orgId,
        item_id: itemId,
        channel,
        remote_id: `${itemId}-${channel}`,
        metric,
        value,
        source,
        period: at,
        captured_at: at,
        import_id: null,
      })
      .execute()
  }

  const research = (slug: string, cookie: string, query = '') =>
    call(rounds, 'GET', `/api/orgs/${slug}/analytics/research${query}`, { cookie })

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
    // Two in five items are presented by a doctor; the other authors gave no profession.
    await giveRegistration(rounds, w.admin.id)
    for (const [i, it] of items.entries()) {
      const id = `item-${dialect}-${i}`
      await seedItem(w.org.id, i % 5 < 2 ? w.admin.id : w.author.id, id, it)
      // Likes split over two posts: the view sums an item's posts.
      await snapshot(w.org.id, id, 'mastodon', 'likes', it.likes - 4)
      await snapshot(w.org.id, id, 'bluesky', 'likes', 4)
      // An older snapshot is ignored in favour of the latest.
      await snapshot(w.org.id, id, 'mastodon', 'views', 999_999, AT)
      await snapshot(w.org.id, id, 'mastodon', 'views', it.views)
      // An import of the same post at the same instant does not count twice.
      await snapshot(w.org.id, id, 'mastodon', 'views', 5000 + ((i * 3) % 11) * 300, LATER, 'import')
    }
    // Saves on two items only: too few pairs for any correlation.
    await snapshot(w.org.id, `item-${dialect}-0`, 'mastodon', 'saves', 3)
    await snapshot(w.org.id, `item-${dialect}-1`, 'mastodon', 'saves', 8)
    // An item with engagement and no learners.
    await rounds.database.db
      .insertInto('content_item')
      .values({
        id: `item-${dialect}-nolearners`,
        organisation_id: w.org.id,
        author_id: w.author.id,
        series_id: null,
        kind: 'post',
        state: 'published',
        fields: JSON.stringify({ title: 'No learners', body: 'Short.' }),
        content_hash: 'h',
        created_at: AT,
        updated_at: AT,
      })
      .execute()
    await snapshot(w.org.id, `item-${dialect}-nolearners`, 'mastodon', 'views', 5000)
    // The other organisation has four items: too few to say anything.
    for (let i = 0; i < 4; i++) {
      const id = `other-${dialect}-${i}`
      await seedItem(w.other.id, w.outsider.id, id, synthetic(i * 5))
      await snapshot(w.other.id, id, 'mastodon', 'likes', 10 * i + 1)
    }
  }, 120_000)

  afterAll(async () => {
    await rounds?.close()
  })

  it('correlates each metric with the mean gain, with bootstrap intervals and n', async () => {
    const view = await expectJson<ResearchView>(await research(w.org.slug, w.editor.cookie), 200)
    expect(view.outcome).toBe('meanGain')
    expect(view.items).toBe(N + 1)
    expect(view.itemsWithGain).toBe(N)
    expect(view.bootstrap).toEqual({ resamples: 2000, seed: expect.any(Number) })

    const likes = view.correlations.find((c) => c.metric === 'likes')
    const x = items.map((it) => it.likes)
    expect(likes?.n).toBe(N)
    expect(likes?.pearson?.r).toBeCloseTo(pearson(x, gains).r as number, 12)
    expect(likes?.spearman?.r).toBeCloseTo(spearman(x, gains).r as number, 12)
    for (const e of [likes?.pearson, likes?.spearman]) {
      expect(e?.low).toBeLessThanOrEqual(e?.r as number)
      expect(e?.high).toBeGreaterThanOrEqual(e?.r as number)
    }
    expect(likes?.spearman?.r).toBeGreaterThan(0.8)
    expect(likes?.caption).toMatch(/strong positive relation between likes and the mean learning gain/)

    // Views: the latest snapshot, not the older 999,999; the item without learners is not a pair.
    const views = view.correlations.find((c) => c.metric === 'views')
    expect(views?.n).toBe(N)
    expect(views?.pearson?.r).toBeCloseTo(
      pearson(
        items.map((it) => it.views),
        gains,
      ).r as number,
      12,
    )

    const saves = view.correlations.find((c) => c.metric === 'saves')
    expect(saves).toMatchObject({ n: 2, pearson: null, spearman: null })
    expect(saves?.caption).toMatch(/no correlation is computed/)
    expect(view.correlations.find((c) => c.metric === 'replies')).toMatchObject({
      n: 0,
      pearson: null,
      caption: 'No item has both replies and comments and a mean learning gain (post − pre) yet.',
    })

    // Deterministic: the same data gives the same intervals.
    const again = await expectJson<ResearchView>(await research(w.org.slug, w.admin.cookie), 200)
    expect(again.correlations).toEqual(view.correlations)
  })

  it('gives scatter points with the least-squares line', async () => {
    const view = await expectJson<ResearchView>(await research(w.org.slug, w.editor.cookie), 200)
    const s = view.scatter.find((p) => p.metric === 'likes')
    expect(s?.points).toHaveLength(N)
    const p3 = s?.points.find((p) => p.itemId === `item-${dialect}-3`)
    expect(p3).toMatchObject({ x: items[3]?.likes })
    expect(view.titles[`item-${dialect}-3`]).toBe('Synthetic item 3')
    expect(p3?.y).toBeCloseTo(gains[3] as number, 12)
    const line = ols(gains, [{ name: 'x', values: items.map((it) => it.likes) }])
    expect(s?.fit?.slope).toBeCloseTo(line?.coefficients[1]?.estimate as number, 12)
    expect(s?.fit?.intercept).toBeCloseTo(line?.coefficients[0]?.estimate as number, 12)
    expect(view.scatter.find((p) => p.metric === 'saves')?.fit).toBeNull()
  })

  it('models learning gain and views on content features with intervals', async () => {
    const view = await expectJson<ResearchView>(await research(w.org.slug, w.editor.cookie), 200)
    const [gainModel, viewsModel] = view.models
    expect(gainModel?.n).toBe(N)
    const names = gainModel?.fit?.coefficients.map((c) => c.name)
    expect(names).toEqual(
      expect.arrayContaining(['(intercept)', 'kind:video', 'words', 'voice:personal', 'captions']),
    )
    // The presenter's profession from the author's identity, against the commonest level.
    expect(gainModel?.fit?.coefficients.find((c) => c.name === 'profession:doctor')?.label).toBe(
      'Presenter: doctor (vs profession not given)',
    )
    // Every item here has no quiz in its fields: the feature is constant and is dropped.
    expect(gainModel?.fit?.dropped).toContain('Has a quiz')
    for (const c of gainModel?.fit?.coefficients ?? []) {
      expect(c.low).toBeLessThanOrEqual(c.estimate)
      expect(c.high).toBeGreaterThanOrEqual(c.estimate)
      expect(c.standardError).toBeGreaterThan(0)
    }
    expect(gainModel?.caption).toMatch(/not causes/)
    expect(viewsModel?.outcome).toBe('log10Views')
    expect(viewsModel?.n).toBe(N + 1)
  })

  it('says when there are too few items', async () => {
    const view = await expectJson<ResearchView>(await research(w.other.slug, w.outsider.cookie), 200)
    expect(view.itemsWithGain).toBe(4)
    expect(view.caption).toMatch(/^Too few items to say anything/)
    const likes = view.correlations.find((c) => c.metric === 'likes')
    expect(likes?.n).toBe(4)
    expect(likes?.caption).toMatch(/^Too few items to say anything \(n = 4/)
    expect(view.models[0]).toMatchObject({ n: 4, fit: null })
    expect(view.models[0]?.caption).toMatch(/Too few items/)
  })

  it('offers the normalised gain and refuses an unknown outcome', async () => {
    const view = await expectJson<ResearchView>(
      await research(w.org.slug, w.editor.cookie, '?outcome=meanNormalisedGain'),
      200,
    )
    expect(view.outcome).toBe('meanNormalisedGain')
    expect(view.correlations.find((c) => c.metric === 'likes')?.caption).toMatch(/normalised gain/)
    await expectValidationError(await research(w.org.slug, w.editor.cookie, '?outcome=likes'), ['outcome'])
  })

  it('is for editors and admins of the organisation', async () => {
    await expectError(await research(w.org.slug, w.author.cookie), 403, 'FORBIDDEN')
    await expectError(await research(w.org.slug, w.outsider.cookie), 404, 'ORGANISATION_NOT_FOUND')
  })
})
