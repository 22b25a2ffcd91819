import { describe, expect, it } from 'vitest'
import { aggregateGroup, MAX_WEEKS, postKey, weekEnds } from './groups.aggregate.ts'

const now = new Date('2026-03-01T12:00:00.000Z')
const snap = (itemId: string, channel: string, metric: string, value: number, capturedAt: string) => ({
  itemId,
  channel,
  remoteId: `${itemId}-${channel}`,
  metric,
  value,
  capturedAt,
})

describe('aggregating a group of items', () => {
  const data = {
    attempts: [
      // Item a: learner s1 0.2 → 0.8 → 0.6; learner s2 pre only 0.4.
      { sessionId: 's1', itemId: 'a', kind: 'pre', raw: 1, max: 5 },
      { sessionId: 's1', itemId: 'a', kind: 'post', raw: 4, max: 5 },
      { sessionId: 's1', itemId: 'a', kind: 'delayed', raw: 3, max: 5 },
      { sessionId: 's2', itemId: 'a', kind: 'pre', raw: 2, max: 5 },
      // Item b: learner s3 0.5 → 1.0 (normalised gain 1).
      { sessionId: 's3', itemId: 'b', kind: 'pre', raw: 2, max: 4 },
      { sessionId: 's3', itemId: 'b', kind: 'post', raw: 4, max: 4 },
      // Item c is not in the group.
      { sessionId: 's4', itemId: 'c', kind: 'pre', raw: 0, max: 4 },
      { sessionId: 's4', itemId: 'c', kind: 'post', raw: 0, max: 4 },
    ],
    sessions: new Map([
      ['a', 3],
      ['b', 1],
      ['c', 7],
    ]),
    snapshots: [
      snap('a', 'x', 'views', 100, '2026-02-20T00:00:00.000Z'),
      snap('a', 'x', 'views', 150, '2026-02-27T00:00:00.000Z'),
      snap('b', 'x', 'views', 40, '2026-02-26T00:00:00.000Z'),
      snap('b', 'x', 'likes', 4, '2026-02-26T00:00:00.000Z'),
      // Another post of b on another channel, not in the group's posts.
      snap('b', 'youtube', 'views', 9999, '2026-02-26T00:00:00.000Z'),
      snap('c', 'x', 'views', 5000, '2026-02-26T00:00:00.000Z'),
    ],
    now,
  }
  const group = {
    key: 'x',
    label: 'X',
    itemIds: ['a', 'b'],
    postKeys: new Set([postKey('a', 'x', 'a-x'), postKey('b', 'x', 'b-x')]),
  }
  const g = aggregateGroup(group, data)

  it('pools learners over the group’s items only', () => {
    expect(g.items).toBe(2)
    expect(g.posts).toBe(2)
    expect(g.learning.learners).toBe(4)
    expect(g.learning.n).toEqual({ pre: 3, post: 2, delayed: 1 })
    expect(g.learning.meanScore.pre).toBeCloseTo((0.2 + 0.4 + 0.5) / 3, 12)
    expect(g.learning.meanScore.post).toBeCloseTo(0.9, 12)
    expect(g.learning.meanScore.delayed).toBeCloseTo(0.6, 12)
    expect(g.learning.nPrePost).toBe(2)
    expect(g.learning.meanGain).toBeCloseTo((0.6 + 0.5) / 2, 12)
    expect(g.learning.meanNormalisedGain).toBeCloseTo((0.6 / 0.8 + 1) / 2, 12)
    expect(g.learning.meanRetention).toBeCloseTo(-0.2, 12)
    expect(g.learning.completionRate).toBeCloseTo(2 / 4, 12)
  })

  it('sums the latest figure of each of the group’s posts, now and at each week’s end', () => {
    expect(g.totals).toEqual({ views: 190, likes: 4, reposts: 0, replies: 0 })
    expect(g.reach.at(-1)).toEqual({ week: '2026-03-01', views: 190, likes: 4, reposts: 0, replies: 0 })
    // The week ending 2026-02-22 knew only item a's first figure.
    expect(g.reach.find((w) => w.week === '2026-02-22')).toEqual({
      week: '2026-02-22',
      views: 100,
      likes: 0,
      reposts: 0,
      replies: 0,
    })
  })

  it('is empty, not an error, for a group nobody has learned from or seen', () => {
    const empty = aggregateGroup({ key: 'none', label: 'None', itemIds: ['z'], postKeys: new Set() }, data)
    expect(empty.learning.learners).toBe(0)
    expect(empty.learning.completionRate).toBeNull()
    expect(empty.learning.meanGain).toBeNull()
    expect(empty.reach).toEqual([])
  })
})

describe('week ends', () => {
  it('end today and go back a week at a time, at most MAX_WEEKS', () => {
    const ends = weekEnds(Date.parse('2025-01-01T00:00:00.000Z'), now)
    expect(ends).toHaveLength(MAX_WEEKS)
    expect(new Date(ends.at(-1) as number).toISOString()).toBe('2026-03-01T23:59:59.999Z')
    expect(weekEnds(Date.parse('2026-02-28T00:00:00.000Z'), now)).toHaveLength(1)
  })
})
