import { describe, expect, it } from 'vitest'
import { backoffMs, EARLY_INTERVAL_MS, LATE_INTERVAL_MS, nextPullAt } from './metrics.service.ts'

const HOUR = 3_600_000

describe('metrics schedule', () => {
  const now = new Date('2026-11-20T12:00:00.000Z')
  it('pulls every 4 hours in a post’s first week, daily after', () => {
    const day = (n: number) => new Date(now.getTime() - n * 24 * HOUR).toISOString()
    expect(nextPullAt(now, day(0)).getTime() - now.getTime()).toBe(EARLY_INTERVAL_MS)
    expect(nextPullAt(now, day(6.9)).getTime() - now.getTime()).toBe(EARLY_INTERVAL_MS)
    expect(nextPullAt(now, day(7)).getTime() - now.getTime()).toBe(LATE_INTERVAL_MS)
    expect(nextPullAt(now, null).getTime() - now.getTime()).toBe(LATE_INTERVAL_MS)
  })
  it('backs off 1 h, 2 h, 4 h … up to a day', () => {
    expect([1, 2, 3, 4, 5, 6, 20].map((n) => backoffMs(n) / HOUR)).toEqual([1, 2, 4, 8, 16, 24, 24])
  })
})
