import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { AppError } from '#src/platform/errors.ts'
import {
  detectNumberFormat,
  idsInUrl,
  parseCount,
  parseDuration,
  parseMetricsCsv,
  sniffDelimiter,
} from './csv-layouts.ts'

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

function refusal(f: () => unknown): string {
  try {
    f()
  } catch (e) {
    expect(e).toBeInstanceOf(AppError)
    expect((e as AppError).code).toBe('CSV_UNREADABLE')
    return (e as AppError).message
  }
  throw new Error('expected the file to be refused')
}

describe('the export variants (fixtures/README.md names their sources)', () => {
  it('YouTube Studio "Table data.csv" with Thumbnail impressions, CRLF, a quoted title and an empty row', () => {
    const f = parseMetricsCsv(fixture('youtube-studio-table-data.csv'))
    expect(f).toMatchObject({ layout: 'youtube-studio', channels: ['youtube'], numberFormat: 'point' })
    expect(f.mapping?.metrics).toMatchObject({ 'Thumbnail impressions': 'impressions', Views: 'views' })
    // The Total row is left out; rows keep their spreadsheet numbers.
    expect(f.rows.map((r) => [r.row, r.id])).toEqual([
      [3, 'dQw4w9WgXcQ'],
      [4, 'Xk3vT9pLm2A'],
      [5, 'Zz9Short001'],
      [6, 'Qw8eRt5yUi0'],
    ])
    expect(f.rows[0]).toMatchObject({
      errors: [],
      metrics: {
        views: 9377,
        impressions: 131208,
        watchTimeSeconds: 2098836.72,
        averageViewSeconds: 223,
        likes: 722,
        replies: 45,
        reposts: 97,
      },
    })
    expect(f.rows[2]?.metrics).toMatchObject({ views: 1625, averageViewSeconds: 47 })
    // A video without data yet: no figures, no errors (the import reports "has no figures").
    expect(f.rows[3]).toMatchObject({ errors: [], metrics: {} })
  })

  it('YouTube Studio re-saved by a German spreadsheet: semicolons, BOM, decimal commas, dot grouping', () => {
    const f = parseMetricsCsv(fixture('youtube-studio-excel-de.csv'))
    expect(f).toMatchObject({ layout: 'youtube-studio', numberFormat: 'comma' })
    expect(f.rows.map((r) => r.id)).toEqual(['dQw4w9WgXcQ', 'Xk3vT9pLm2A', 'Qw8eRt5yUi0'])
    expect(f.rows[0]?.metrics).toEqual({
      views: 8214,
      watchTimeSeconds: 1844651.16,
      averageViewSeconds: 224,
      impressions: 120577,
      likes: 655,
      replies: 41,
      reposts: 88,
    })
    expect(f.rows[2]?.metrics.watchTimeSeconds).toBe(74520)
  })

  it('refuses YouTube Studio "Chart data.csv" and the X account overview, saying what to export instead', () => {
    expect(refusal(() => parseMetricsCsv(fixture('youtube-studio-chart-data.csv')))).toMatch(
      /Chart data\.csv.*Import "Table data\.csv"/,
    )
    expect(refusal(() => parseMetricsCsv(fixture('x-account-overview.csv')))).toMatch(
      /account overview.*content \(posts\) view/,
    )
  })

  it('the older X tweet activity export: favorites, promoted columns, a text with line breaks and quotes', () => {
    const f = parseMetricsCsv(fixture('x-tweet-activity-favorites.csv'))
    expect(f).toMatchObject({ layout: 'x-analytics', numberFormat: 'point' })
    expect(f.rows).toHaveLength(2)
    expect(f.rows[0]).toMatchObject({
      row: 2,
      id: '598204418115293184',
      errors: [],
      metrics: { impressions: 4120, reposts: 31, replies: 6, likes: 88, views: 0 },
    })
    // The multi-line text is one row: the next keeps its number.
    expect(f.rows[1]).toMatchObject({ row: 3, errors: [], metrics: { impressions: 900, likes: 7 } })
  })

  it('the current X content export: Post id and Post Link, BOM, quoted newline, a percentage, a short row', () => {
    const f = parseMetricsCsv(fixture('x-content.csv'))
    expect(f).toMatchObject({ layout: 'x-analytics', channels: ['x'] })
    expect(f.headers[0]).toBe('Post id')
    expect(f.rows[0]).toMatchObject({
      row: 2,
      id: '1856712093845112832',
      url: 'https://x.com/roundsmed/status/1856712093845112832',
      errors: [],
      metrics: { impressions: 15230, likes: 341, saves: 27, replies: 23, reposts: 88 },
    })
    expect(f.rows[1]).toMatchObject({
      row: 3,
      errors: ['"Impressions" is a percentage, not a number ("12.5%")'],
    })
    expect(f.rows[2]?.errors).toContain('has 5 cells where the header has 17')
    expect(f.rows[3]).toMatchObject({ row: 5, errors: [] })
  })

  it('Meta Business Suite for Facebook: Views, a quoted newline, "Reactions, Comments and shares" kept apart', () => {
    const f = parseMetricsCsv(fixture('meta-facebook-posts.csv'))
    expect(f).toMatchObject({ layout: 'meta-business-suite', channels: ['facebook'] })
    expect(f.rows[0]).toMatchObject({
      row: 2,
      id: '812734650912345',
      url: 'https://www.facebook.com/reel/812734650912345/',
      errors: [],
      metrics: {
        views: 41870,
        reach: 22180,
        likes: 1204,
        replies: 96,
        reposts: 310,
        watchTimeSeconds: 401220,
        averageViewSeconds: 31.5,
      },
    })
    expect(f.rows[2]).toMatchObject({ row: 4, errors: ['has no post id or link'] })
  })

  it('Meta Business Suite for Instagram: matched to Instagram only, a bad cell reported', () => {
    const f = parseMetricsCsv(fixture('meta-instagram-posts.csv'))
    expect(f).toMatchObject({ layout: 'meta-business-suite', channels: ['instagram'] })
    expect(f.label).toBe('Meta Business Suite (Instagram)')
    expect(f.rows[0]?.metrics).toEqual({
      views: 12400,
      reach: 9100,
      likes: 610,
      replies: 57,
      reposts: 88,
      saves: 230,
    })
    expect(f.rows[1]?.errors).toEqual(['"Saves" is not a number ("lots")'])
  })

  it('a mapped file in French: BOM, CRLF, no-break-space grouping, a totals row, a fraction where a count belongs', () => {
    const f = parseMetricsCsv(fixture('custom-localised.csv'), {
      urlColumn: 'Lien',
      metrics: { Vues: 'views', 'J\u2019aime': 'likes' },
    })
    expect(f).toMatchObject({
      layout: 'custom',
      numberFormat: 'comma',
      headers: ['Lien', 'Vues', 'J\u2019aime', 'Taux d\u2019engagement'],
    })
    expect(f.rows.map((r) => r.row)).toEqual([2, 3, 5])
    expect(f.rows[0]?.metrics).toEqual({ views: 1520, likes: 87 })
    expect(f.rows[1]?.metrics).toEqual({ views: 12034, likes: 1204 })
    expect(f.rows[2]?.errors).toEqual(['"Vues" is not a whole number ("12,5")'])
    // Mapping the percentage column to a count is refused row by row.
    const rate = parseMetricsCsv(fixture('custom-localised.csv'), {
      urlColumn: 'Lien',
      metrics: { 'Taux d\u2019engagement': 'likes' },
    })
    expect(rate.rows[0]?.errors).toEqual([
      '"Taux d\u2019engagement" is a percentage, not a number ("12,5\u00a0%")',
    ])
  })
})

describe('cells', () => {
  it.each([
    ['1,234', 1234],
    ['12.5', 12.5],
    ['', null],
    ['1 234', 1234],
  ])('count %s', (raw, n) => expect(parseCount(raw)).toBe(n))
  it.each<[string, 'point' | 'comma', number | null]>([
    ['1,234', 'point', 1234],
    ['1,234,567.5', 'point', 1234567.5],
    ['15230.0', 'point', 15230],
    ['1.234', 'comma', 1234],
    ['1.234.567,5', 'comma', 1234567.5],
    ['12,5', 'comma', 12.5],
    ['1\u00a0234', 'comma', 1234],
    ['12\u202f034', 'point', 12034],
    ["1'234", 'point', 1234],
    ['-', 'point', null],
    ['–', 'comma', null],
  ])('count %s read with a decimal %s', (raw, format, n) => expect(parseCount(raw, format)).toBe(n))
  it.each<[string, 'point' | 'comma']>([
    ['12,5', 'point'],
    ['1,23,4', 'point'],
    ['1.234,5.6', 'comma'],
    ['12.5%', 'point'],
    ['12,5 %', 'comma'],
  ])('refuses %s with a decimal %s', (raw, format) => expect(() => parseCount(raw, format)).toThrow())
  it.each<[string[], string, 'point' | 'comma']>([
    [['1,234', '731.2205'], ',', 'point'],
    [['1.234', '731,2205'], ',', 'comma'],
    [['1.234.567'], ',', 'comma'],
    [['1,234,567'], ';', 'point'],
    [['1,234', '1.234'], ';', 'comma'],
    [['1,234'], ',', 'point'],
    [['12,5 %'], ',', 'comma'],
  ])('detects the number format of %j (delimiter %s)', (cells, delimiter, format) =>
    expect(detectNumberFormat(cells, delimiter)).toBe(format),
  )
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
