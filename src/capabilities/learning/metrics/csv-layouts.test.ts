import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AppError } from '#src/platform/errors.ts'
import { idsInUrl, parseCount, parseDuration, parseMetricsCsv, sniffDelimiter } from './csv-layouts.ts'

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')

describe('parseMetricsCsv', () => {
  it('recognises a YouTube Studio export, skips its Total row and converts hours and H:MM:SS', () => {
    const f = parseMetricsCsv(fixture('youtube-studio.csv'))
    expect(f.layout).toBe('youtube-studio')
    expect(f.channels).toEqual(['youtube'])
    expect(f.rows.map((r) => r.id)).toEqual(['dQw4w9WgXcQ', 'Xk3vT9pLm2A', 'Qw8eRt5yUi0', 'Bad1Row9xYz'])
    expect(f.rows[0]).toMatchObject({
      row: 3,
      errors: [],
      metrics: {
        views: 8214,
        watchTimeSeconds: 1844651.16,
        averageViewSeconds: 224,
        impressions: 120577,
        likes: 655,
        replies: 41,
        reposts: 88,
      },
    })
    expect(f.rows[3]).toMatchObject({ row: 6, errors: ['"Views" is not a number ("lots")'] })
  })

  it('recognises an X analytics export and reports malformed rows with their numbers', () => {
    const f = parseMetricsCsv(fixture('x-analytics.csv'))
    expect(f.layout).toBe('x-analytics')
    expect(f.rows[0]).toMatchObject({
      row: 2,
      id: '1856712093845112832',
      url: 'https://twitter.com/roundsmed/status/1856712093845112832',
      metrics: { impressions: 15230, reposts: 88, replies: 23, likes: 341, views: 2410 },
      errors: [],
    })
    expect(f.rows[2]?.errors).toEqual(['"likes" is not a number ("n/a")'])
    expect(f.rows[3]?.row).toBe(5)
    expect(f.rows[3]?.errors).toContain('has 5 cells where the header has 22')
  })

  it('recognises the newer X content export', () => {
    const f = parseMetricsCsv(
      'Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts\n1857,2026-11-20,Hi,https://x.com/r/status/1857,"1,200",30,50,4,1,0,2,5\n',
    )
    expect(f.layout).toBe('x-analytics')
    expect(f.rows[0]?.metrics).toEqual({ impressions: 1200, likes: 30, saves: 4, replies: 2, reposts: 5 })
  })

  it('recognises a Meta Business Suite export', () => {
    const f = parseMetricsCsv(fixture('meta-business-suite.csv'))
    expect(f.layout).toBe('meta-business-suite')
    expect(f.rows[0]).toMatchObject({
      id: '812734650912345',
      metrics: {
        reach: 22180,
        impressions: 31044,
        likes: 1204,
        replies: 96,
        reposts: 310,
        watchTimeSeconds: 401220,
        averageViewSeconds: 31.5,
      },
    })
    expect(f.rows[2]).toMatchObject({ row: 4, errors: ['has no post id or link'] })
  })

  it('leaves an unknown layout for the user to map, then applies the mapping (semicolons too)', () => {
    const text = fixture('custom-layout.csv')
    const unknown = parseMetricsCsv(text)
    expect(unknown).toMatchObject({ layout: null, headers: ['Link', 'Plays', 'Hearts'], rows: [] })
    const mapped = parseMetricsCsv(text, { urlColumn: 'Link', metrics: { Plays: 'views', Hearts: 'likes' } })
    expect(mapped.layout).toBe('custom')
    expect(mapped.rows[0]).toMatchObject({
      url: 'https://social.example/@rounds/113456789012345678',
      metrics: { views: 1520, likes: 87 },
    })
  })

  it('refuses a mapping naming a missing column, and a file that is not CSV', () => {
    expect(() => parseMetricsCsv('a,b\n1,2\n', { idColumn: 'id', metrics: {} })).toThrow(/no column "id"/)
    try {
      parseMetricsCsv('a,b\n"unclosed,2\n')
      expect.unreachable()
    } catch (e) {
      expect(e).toBeInstanceOf(AppError)
      expect((e as AppError).code).toBe('CSV_UNREADABLE')
    }
    expect(() => parseMetricsCsv('')).toThrow(/empty/)
    expect(() =>
      parseMetricsCsv(`id,views\n${'1,2\n'.repeat(20_001)}`, { idColumn: 'id', metrics: { views: 'views' } }),
    ).toThrow(/20001 rows/)
  })
})

describe('cells', () => {
  it.each([
    ['1,234', 1234],
    ['12.5', 12.5],
    ['', null],
    ['1 234', 1234],
  ])('count %s', (raw, n) => expect(parseCount(raw)).toBe(n))
  it('refuses words and negatives', () => {
    expect(() => parseCount('lots')).toThrow()
    expect(() => parseCount('-3')).toThrow()
  })
  it.each([
    ['0:03:44', 224],
    ['1:02:03', 3723],
    ['3:05', 185],
    ['31.5', 31.5],
  ])('duration %s', (raw, s) => expect(parseDuration(raw)).toBe(s))
  it('sniffs the delimiter', () => {
    expect(sniffDelimiter('a;b;c\n1;2;3')).toBe(';')
    expect(sniffDelimiter('a\tb\n')).toBe('\t')
    expect(sniffDelimiter('"a,b";c,d')).toBe(',')
  })
  it('normalises links', () => {
    expect(idsInUrl('https://twitter.com/r/status/123/')).toEqual({ url: 'x.com/r/status/123', ids: ['123'] })
    expect(idsInUrl('https://www.youtube.com/watch?v=abc&t=3')).toEqual({
      url: 'youtube.com/watch?v=abc',
      ids: ['abc', 'watch'],
    })
    expect(idsInUrl('not a link')).toBeNull()
  })
})
