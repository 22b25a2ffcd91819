import { randomUUID } from 'node:crypto'

/** Time and identity behind ports, so use-cases and tests control them. */
export type Clock = { now(): Date }
export type Ids = { next(): string }

export const systemClock: Clock = { now: () => new Date() }
export const randomIds: Ids = { next: () => randomUUID() }

/** A clock tests can move by hand. */
export function manualClock(
  start = new Date('2026-01-01T00:00:00.000Z'),
): Clock & { advance(ms: number): void; set(d: Date): void } {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    advance: (ms) => {
      current += ms
    },
    set: (d) => {
      current = d.getTime()
    },
  }
}
