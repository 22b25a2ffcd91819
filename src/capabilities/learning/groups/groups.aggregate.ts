import { summariseGain } from '#src/capabilities/learning/quizzes/quiz.scoring.ts'
import type { AnalyticsGroup, ReachWeek } from './groups.schema.ts'

/**
 * Aggregation for the series and channel views, free of I/O so it is tested directly.
 * Learning is pooled over learners (each learner's scores on one item are one unit), so a
 * group's gain weighs items by how many learners they had. Reach sums, over the group's
 * posts, the latest figure known at the end of each week.
 */

export const REACH_METRICS = ['views', 'likes', 'reposts', 'replies'] as const
type ReachMetric = (typeof REACH_METRICS)[number]
export const MAX_WEEKS = 26
const DAY = 86_400_000

export type GroupInput = {
  key: string
  label: string
  itemIds: string[]
  /** Posts of the group: a snapshot counts when its (item, channel, remote id) is listed. */
  postKeys: Set<string>
}

export type AggregateData = {
  attempts: Array<{ sessionId: string; itemId: string; kind: string; raw: number; max: number }>
  sessions: Map<string, number>
  snapshots: Array<{
    itemId: string
    channel: string
    remoteId: string
    metric: string
    value: number
    capturedAt: string
  }>
  now: Date
}

export const postKey = (itemId: string, channel: string, remoteId: string) =>
  `${itemId}\u0000${channel}\u0000${remoteId}`

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)

/** Week ends (YYYY-MM-DD, UTC), oldest first: from the first snapshot's week to now, at most MAX_WEEKS. */
export function weekEnds(firstMs: number, now: Date): number[] {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY - 1
  const ends: number[] = []
  for (let t = end; t >= firstMs && ends.length < MAX_WEEKS; t -= 7 * DAY) ends.unshift(t)
  return ends
}

export function aggregateGroup(group: GroupInput, data: AggregateData): AnalyticsGroup {
  const items = new Set(group.itemIds)
  const bySession = new Map<string, { pre: number | null; post: number | null; delayed: number | null }>()
  for (const a of data.attempts) {
    if (!items.has(a.itemId)) continue
    if (a.kind !== 'pre' && a.kind !== 'post' && a.kind !== 'delayed') continue
    const e = bySession.get(a.sessionId) ?? { pre: null, post: null, delayed: null }
    e[a.kind] = a.max > 0 ? a.raw / a.max : 0
    bySession.set(a.sessionId, e)
  }
  const scores = [...bySession.values()]
  const gain = summariseGain(scores, 1)
  const learners = group.itemIds.reduce((n, id) => n + (data.sessions.get(id) ?? 0), 0)
  const meanOf = (k: 'pre' | 'post' | 'delayed') =>
    mean(scores.map((s) => s[k]).filter((x): x is number => x !== null))

  // Reach: each post's value series per metric, oldest first.
  const series = new Map<ReachMetric, Map<string, Array<{ t: number; v: number }>>>(
    REACH_METRICS.map((m) => [m, new Map()]),
  )
  let first = Number.POSITIVE_INFINITY
  for (const s of data.snapshots) {
    const key = postKey(s.itemId, s.channel, s.remoteId)
    if (!group.postKeys.has(key)) continue
    const byPost = series.get(s.metric as ReachMetric)
    if (!byPost) continue
    const t = Date.parse(s.capturedAt)
    first = Math.min(first, t)
    const list = byPost.get(key) ?? []
    list.push({ t, v: s.value })
    byPost.set(key, list)
  }
  for (const byPost of series.values()) for (const list of byPost.values()) list.sort((a, b) => a.t - b.t)
  const sumAt = (metric: ReachMetric, at: number) => {
    let total = 0
    for (const list of series.get(metric)?.values() ?? []) {
      let latest: number | null = null
      for (const p of list) {
        if (p.t > at) break
        latest = p.v
      }
      total += latest ?? 0
    }
    return total
  }
  const reach: ReachWeek[] = Number.isFinite(first)
    ? weekEnds(first, data.now).map((t) => ({
        week: new Date(t).toISOString().slice(0, 10),
        views: sumAt('views', t),
        likes: sumAt('likes', t),
        reposts: sumAt('reposts', t),
        replies: sumAt('replies', t),
      }))
    : []
  const nowMs = data.now.getTime()
  return {
    key: group.key,
    label: group.label,
    items: group.itemIds.length,
    posts: group.postKeys.size,
    learning: {
      learners,
      n: gain.n,
      meanScore: { pre: meanOf('pre'), post: meanOf('post'), delayed: meanOf('delayed') },
      nPrePost: gain.nPrePost,
      meanGain: gain.meanGain,
      nNormalised: gain.nNormalised,
      meanNormalisedGain: gain.meanNormalisedGain,
      nRetention: gain.nRetention,
      meanRetention: gain.meanRetention,
      completionRate: learners ? gain.n.post / learners : null,
    },
    totals: {
      views: sumAt('views', nowMs),
      likes: sumAt('likes', nowMs),
      reposts: sumAt('reposts', nowMs),
      replies: sumAt('replies', nowMs),
    },
    reach,
  }
}
