/**
 * A sliding-window counter per key, in memory (one process). Keys are dropped once their
 * window has passed, so memory is bounded by the keys active in the last window.
 */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>()
  private lastSweep = 0

  readonly limit: number
  readonly windowMs: number

  constructor(limit: number, windowMs: number) {
    this.limit = limit
    this.windowMs = windowMs
  }

  /** Counts one hit for the key at `now` (ms); false when the key is over its limit. */
  take(key: string, now: number): boolean {
    if (now - this.lastSweep > this.windowMs) this.sweep(now)
    const since = now - this.windowMs
    const times = (this.hits.get(key) ?? []).filter((t) => t > since)
    if (times.length >= this.limit) {
      this.hits.set(key, times)
      return false
    }
    times.push(now)
    this.hits.set(key, times)
    return true
  }

  private sweep(now: number): void {
    this.lastSweep = now
    for (const [key, times] of this.hits)
      if ((times.at(-1) ?? 0) <= now - this.windowMs) this.hits.delete(key)
  }
}
