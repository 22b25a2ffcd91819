import { describe, expect, it } from 'vitest'
import { addMonths, attestationExpiry, isRelevant, relevanceWindowStart } from './disclosure.window.ts'

describe('addMonths', () => {
  it.each([
    ['2026-01-15T10:30:00.000Z', 1, '2026-02-15T10:30:00.000Z'],
    ['2026-01-31T00:00:00.000Z', 1, '2026-02-28T00:00:00.000Z'],
    ['2028-01-31T00:00:00.000Z', 1, '2028-02-29T00:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', 12, '2029-02-28T12:00:00.000Z'],
    ['2028-02-29T12:00:00.000Z', -24, '2026-02-28T12:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', -1, '2026-02-28T00:00:00.000Z'],
    ['2026-12-15T00:00:00.000Z', 1, '2027-01-15T00:00:00.000Z'],
    ['2026-01-15T00:00:00.000Z', -13, '2024-12-15T00:00:00.000Z'],
    ['2026-05-20T23:59:59.999Z', 0, '2026-05-20T23:59:59.999Z'],
  ])('%s %+d months → %s', (from, months, to) => {
    expect(addMonths(new Date(from), months).toISOString()).toBe(to)
  })
})

describe('the 24-month relevance window', () => {
  it.each([
    ['2026-06-10T08:00:00.000Z', '2024-06-10'],
    ['2026-06-10T23:59:59.000Z', '2024-06-10'],
    ['2028-02-29T00:00:00.000Z', '2026-02-28'],
    ['2026-01-01T00:00:00.000Z', '2024-01-01'],
  ])('on %s starts at %s', (now, start) => {
    expect(relevanceWindowStart(new Date(now))).toBe(start)
  })

  const now = new Date('2026-06-10T08:00:00.000Z')
  it.each([
    { endDate: null, relevant: true, why: 'ongoing' },
    { endDate: '2026-01-01', relevant: true, why: 'ended this year' },
    { endDate: '2024-06-10', relevant: true, why: 'ended on the first day of the window' },
    { endDate: '2024-06-09', relevant: false, why: 'ended the day before the window' },
    { endDate: '2019-12-31', relevant: false, why: 'ended long ago' },
  ])('$why → relevant: $relevant', ({ endDate, relevant }) => {
    expect(isRelevant(endDate, now)).toBe(relevant)
  })
})

describe('attestation expiry', () => {
  it.each([
    ['2026-03-01T09:00:00.000Z', '2027-03-01T09:00:00.000Z'],
    ['2028-02-29T09:00:00.000Z', '2029-02-28T09:00:00.000Z'],
    ['2026-12-31T23:00:00.000Z', '2027-12-31T23:00:00.000Z'],
  ])('attested %s lapses %s', (at, expires) => {
    expect(attestationExpiry(new Date(at)).toISOString()).toBe(expires)
  })
})
