import { afterEach, describe, expect, it } from 'vitest'
import { redactUrl, toIso } from './database.ts'

describe('toIso', () => {
  const tz = process.env.TZ
  afterEach(() => {
    process.env.TZ = tz
  })

  it.each([
    { value: new Date('2026-03-04T05:06:07.089Z'), iso: '2026-03-04T05:06:07.089Z' },
    { value: '2026-03-04T05:06:07.089Z', iso: '2026-03-04T05:06:07.089Z' },
    { value: '2026-03-04T05:06:07Z', iso: '2026-03-04T05:06:07.000Z' },
    { value: '2026-03-04T07:06:07.089+02:00', iso: '2026-03-04T05:06:07.089Z' },
    { value: '2026-03-04 05:06:07', iso: '2026-03-04T05:06:07.000Z' },
    { value: '2026-03-04 05:06:07.5', iso: '2026-03-04T05:06:07.500Z' },
    { value: '2026-03-04T05:06', iso: '2026-03-04T05:06:00.000Z' },
    { value: null, iso: null },
  ])('reads $value as $iso in any time zone', ({ value, iso }) => {
    // Far from UTC, so a string read as local time would come out hours off.
    for (const zone of ['UTC', 'Pacific/Kiritimati', 'America/Los_Angeles']) {
      process.env.TZ = zone
      expect(toIso(value)).toBe(iso)
    }
  })

  it('refuses a value that is not a date', () => {
    expect(() => toIso('not a date')).toThrow(RangeError)
  })
})

describe('redactUrl', () => {
  it.each([
    { url: 'postgres://rounds:hunter2@db:5432/rounds', shown: 'postgres://rounds:***@db:5432/rounds' },
    { url: 'postgres://rounds@db/rounds', shown: 'postgres://rounds@db/rounds' },
    { url: 'not a url :// hunter2', shown: 'postgres://(unparseable)' },
  ])('shows $url as $shown', ({ url, shown }) => {
    expect(redactUrl(url)).toBe(shown)
  })
})
