import { describe, expect, it } from 'vitest'
import { addMonthsClamped, certificateStatus, daysUntil, formatDate } from './certificate.dates.ts'

const at = (iso: string) => new Date(iso)

describe('addMonthsClamped', () => {
  it.each([
    // [issued, months, expires]
    ['2026-03-15T10:00:00.000Z', 12, '2027-03-15T10:00:00.000Z', 'a plain year'],
    ['2026-01-31T08:00:00.000Z', 1, '2026-02-28T08:00:00.000Z', 'the 31st into a 28-day February'],
    ['2028-01-31T08:00:00.000Z', 1, '2028-02-29T08:00:00.000Z', 'the 31st into a leap February'],
    ['2028-02-29T12:00:00.000Z', 12, '2029-02-28T12:00:00.000Z', '29 February into a common year'],
    ['2028-02-29T12:00:00.000Z', 48, '2032-02-29T12:00:00.000Z', '29 February into the next leap year'],
    ['2026-08-31T09:30:00.000Z', 6, '2027-02-28T09:30:00.000Z', 'month end across a year end'],
    ['2026-03-31T00:00:00.000Z', 1, '2026-04-30T00:00:00.000Z', 'the 31st into a 30-day month'],
    ['2026-12-31T23:59:59.999Z', 1, '2027-01-31T23:59:59.999Z', 'December into January, to the millisecond'],
    ['2026-05-15T10:00:00.000Z', 60, '2031-05-15T10:00:00.000Z', 'the longest validity (60 months)'],
    ['2026-02-28T10:00:00.000Z', 1, '2026-03-28T10:00:00.000Z', 'an early day is not moved to the month end'],
  ])('%s + %i months = %s (%s)', (issued, months, expires) => {
    expect(addMonthsClamped(at(issued), months).toISOString()).toBe(expires)
  })
})

describe('certificateStatus', () => {
  const c = { issuedAt: '2026-01-10T06:00:00.000Z', expiresAt: '2027-01-10T06:00:00.000Z' }
  it.each([
    ['2026-01-10T05:59:59.999Z', 'expired', 'before it was issued'],
    ['2026-01-10T06:00:00.000Z', 'valid', 'from the moment of issue'],
    ['2027-01-10T05:59:59.999Z', 'valid', 'until the last millisecond'],
    ['2027-01-10T06:00:00.000Z', 'expired', 'from the expiry instant'],
  ])('at %s it is %s (%s)', (now, status) => {
    expect(certificateStatus(c, at(now))).toBe(status)
  })
})

describe('daysUntil and formatDate', () => {
  it('counts whole days, rounding part days up', () => {
    expect(daysUntil('2027-01-10T06:00:00.000Z', at('2026-12-11T06:00:00.000Z'))).toBe(30)
    expect(daysUntil('2027-01-10T06:00:00.000Z', at('2026-12-11T18:00:00.000Z'))).toBe(30)
    expect(daysUntil('2027-01-10T06:00:00.000Z', at('2027-01-09T06:00:00.000Z'))).toBe(1)
  })
  it('writes dates as people read them, in UTC', () => {
    expect(formatDate('2027-02-28T23:30:00.000Z')).toBe('28 February 2027')
  })
})
