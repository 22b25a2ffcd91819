import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { nextDailyRun, scheduleRecurringJob } from './daily.ts'

describe('nextDailyRun', () => {
  it.each([
    ['2026-03-01T01:59:59.000Z', 2, '2026-03-01T02:00:00.000Z'],
    ['2026-03-01T02:00:00.000Z', 2, '2026-03-02T02:00:00.000Z'],
    ['2026-12-31T23:00:00.000Z', 6, '2027-01-01T06:00:00.000Z'],
    ['2028-02-28T07:00:00.000Z', 6, '2028-02-29T06:00:00.000Z'],
  ])('after %s at %i:00 is %s', (now, hour, next) => {
    expect(nextDailyRun(new Date(now), hour).toISOString()).toBe(next)
  })
})

describe.each(testDialects)('daily jobs on %s', (dialect) => {
  let rounds: TestRounds
  const clock = manualClock(new Date('2026-03-01T10:00:00.000Z'))
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
  })
  afterAll(() => rounds?.close())

  it('the approval-expiry sweep runs, keeps exactly one successor for the next day, and is scheduled once', async () => {
    expect(await scheduleRecurringJob(rounds.accounts, 'review.expire-approvals')).toBe(true)
    expect(await scheduleRecurringJob(rounds.accounts, 'review.expire-approvals')).toBe(false)
    const worker = rounds.createWorker()
    expect(await worker.drain()).toBe(1)
    const pending = await rounds.database.db
      .selectFrom('job')
      .select(['status', 'run_at'])
      .where('name', '=', 'review.expire-approvals')
      .where('status', '=', 'queued')
      .execute()
    expect(pending).toHaveLength(1)
    expect(new Date(pending[0]?.run_at as string).toISOString()).toBe('2026-03-02T02:00:00.000Z')
    // Nothing more is due until then.
    expect(await worker.drain()).toBe(0)
    clock.advance(16 * 3600_000 + 1)
    expect(await worker.drain()).toBe(1)
  })
})
