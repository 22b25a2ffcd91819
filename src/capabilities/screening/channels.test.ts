import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  channelSpecs,
  countLength,
  describeThreadSplit,
  fitsChannel,
  measure,
  splitIntoThread,
} from './channels.ts'
import { channelIds } from './screening.schema.ts'

describe('countLength', () => {
  it.each([
    ['x', 'Hello world', 11],
    ['x', 'Hello 世界', 10],
    ['x', 'こんにちは', 10],
    ['x', 'café', 4],
    ['x', 'cafe\u0301', 4],
    ['x', '😀', 2],
    ['x', '👨‍👩‍👧', 2],
    ['x', '🇬🇧', 2],
    ['x', 'see https://www.nice.org.uk/guidance/ng28/chapter/recommendations-for-adults', 27],
    ['x', 'see nice.org.uk/guidance', 27],
    ['x', '“quoted” — dash…', 17], // the ellipsis (U+2026) is outside the narrow ranges
    ['bluesky', '👨‍👩‍👧 family', 8],
    ['bluesky', 'see https://www.nice.org.uk/guidance/ng28', 41],
    ['mastodon', 'see https://www.nice.org.uk/guidance/ng28/chapter/recommendations', 27],
    ['mastodon', '😀', 1],
    ['mastodon', 'hi @ana@med.social!', 8],
    ['mastodon', 'hi @ana@med.social see https://med.social/@ana/1234567890123456789', 35],
    ['x', 'hi @ana@med.social!', 19],
    ['threads', 'Hello 世界', 8],
    ['linkedin', 'a'.repeat(3001), 3001],
  ] as const)('%s counts %j as %i', (channel, text, n) => expect(countLength(text, channel)).toBe(n))

  it('finds where a text stops fitting', () => {
    expect(measure('a'.repeat(281), 'x').overflowAt).toBe(280)
    expect(measure(`${'a'.repeat(279)}世`, 'x').overflowAt).toBe(279)
    expect(measure('a'.repeat(280), 'x').overflowAt).toBeNull()
    expect(fitsChannel('a'.repeat(300), 'bluesky')).toBe(true)
    expect(fitsChannel('a'.repeat(301), 'bluesky')).toBe(false)
  })

  it('has the documented limits', () => {
    expect(
      Object.fromEntries(
        Object.values(channelSpecs).map((s) => [s.id, [s.maxLength, s.maxTitleLength, s.maxHashtags]]),
      ),
    ).toMatchObject({
      x: [280, undefined, undefined],
      bluesky: [300, undefined, undefined],
      mastodon: [500, undefined, undefined],
      threads: [500, undefined, undefined],
      instagram: [2200, undefined, 30],
      facebook: [63206, undefined, undefined],
      youtube: [5000, 100, undefined],
      linkedin: [3000, undefined, undefined],
      tiktok: [2200, undefined, undefined],
    })
  })
})

const para =
  'Sepsis kills. Start antibiotics within the hour when you suspect it. Take cultures first if that causes no delay. ' +
  'Give 30 mL/kg of crystalloid for hypotension or a lactate of 4 or more. Reassess often: the patient changes quickly. ' +
  'Escalate early, and involve critical care when the patient does not respond. Document the time of each step. '

describe('splitIntoThread', () => {
  it('returns a text that fits whole and unnumbered', () => {
    expect(splitIntoThread('  Short post.  ', 'x')).toEqual(['Short post.'])
    expect(splitIntoThread('', 'x')).toEqual([])
  })

  it('splits at sentence boundaries and numbers the parts', () => {
    const parts = splitIntoThread(para.repeat(2), 'x')
    expect(parts.length).toBeGreaterThan(1)
    parts.forEach((p, i) => {
      expect(p.endsWith(` ${i + 1}/${parts.length}`)).toBe(true)
      expect(countLength(p, 'x')).toBeLessThanOrEqual(280)
      // Every part ends a sentence.
      expect(p.replace(/ \d+\/\d+$/, '')).toMatch(/[.!?]$/)
    })
    expect(parts.map((p) => p.replace(/ \d+\/\d+$/, '')).join(' ')).toBe(para.repeat(2).trim())
  })

  it('cuts a sentence longer than a post at clauses or words', () => {
    const long = `${'word '.repeat(120)}end.`
    const parts = splitIntoThread(long, 'x')
    for (const p of parts) expect(countLength(p, 'x')).toBeLessThanOrEqual(280)
    expect(parts.map((p) => p.replace(/ \d+\/\d+$/, '')).join(' ')).toBe(long)
  })

  it('cuts a single overlong word between graphemes', () => {
    const parts = splitIntoThread('😀'.repeat(400), 'bluesky')
    expect(parts).toHaveLength(2)
    for (const p of parts) expect(countLength(p, 'bluesky')).toBeLessThanOrEqual(300)
  })

  it('counts URLs as 23 on X, so a post with long links may still fit', () => {
    const text = `Guidance: https://www.nice.org.uk/guidance/ng51/chapter/${'x'.repeat(300)} read it.`
    expect(splitIntoThread(text, 'x')).toEqual([text])
  })

  it('widens the numbering when there are ten or more parts', () => {
    const parts = splitIntoThread(para.repeat(12), 'x')
    expect(parts.length).toBeGreaterThanOrEqual(10)
    for (const p of parts) expect(countLength(p, 'x')).toBeLessThanOrEqual(280)
    expect(parts[9]).toMatch(/ 10\/\d\d$/)
  })

  it('keeps paragraph breaks inside a part', () => {
    const parts = splitIntoThread(`First point.\n\nSecond point. ${para}`, 'x')
    expect(parts[0]).toContain('First point.\n\nSecond point.')
  })

  it('describes the split', () => {
    expect(describeThreadSplit(para.repeat(2), 'x')).toMatch(/^Split into \d+ posts at sentence boundaries/)
  })

  it('always yields parts that fit, for any text and channel', () => {
    fc.assert(
      fc.property(
        fc.string({
          maxLength: 1500,
          unit: fc.constantFrom('a', ' ', '.', ' ', '世', '😀', '\n', 'é', 'b', '!', ','),
        }),
        fc.constantFrom(...channelIds),
        (text, channel) => {
          for (const p of splitIntoThread(text, channel)) expect(fitsChannel(p, channel)).toBe(true)
        },
      ),
      { numRuns: 200 },
    )
  })
})

describe('describeThreadSplit', () => {
  it('suggests shortening instead of a thread of more than 25 posts', () => {
    expect(describeThreadSplit('word '.repeat(3000), 'x')).toMatch(
      /^At about \d+ posts this is too long for a X thread/,
    )
  })
})
