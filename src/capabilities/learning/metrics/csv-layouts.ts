import { parse } from 'csv-parse/sync'
import type { MetricName } from '#src/capabilities/publishing/connector.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import type { ColumnMapping, ImportLayout } from './metrics.schema.ts'

/**
 * The analytics exports Rounds recognises, by their header names, and how their cells
 * become metrics. Pure: no database, no clock. The headers are those of real exports as
 * observed (fixtures/README.md names the sources); each layout lists every name a column has
 * had, so older files keep importing.
 *
 * - YouTube Studio (Analytics → Advanced mode → Export current view → CSV, a zip of
 *   "Table data.csv", "Chart data.csv" and "Totals.csv"). "Table data.csv" has one row per
 *   video: "Content" (the video id; "Video" in some exports), "Video title", "Video publish
 *   time", "Duration", then the metrics in view ("Views", "Watch time (hours)", "Average view
 *   duration" as H:MM:SS, "Impressions" — "Thumbnail impressions" in newer exports —, "Likes",
 *   "Comments added", "Shares"); its first data row is the channel's "Total". "Chart data.csv"
 *   (a row per video per day) is refused with a pointer to "Table data.csv".
 * - X analytics: the tweet activity export (`tweet_activity_metrics_….csv`: "Tweet id",
 *   "Tweet permalink", "Tweet text", "time", "impressions", "engagements", "engagement rate",
 *   "retweets", "replies", "likes" — "favorites" in older files —, …, "media views", then
 *   "promoted …" columns) and the content export of the current analytics
 *   (`account_analytics_content_….csv`: "Post id", "Date", "Post text", "Post Link",
 *   "Impressions", "Likes", "Engagements", "Bookmarks", "Shares", "New follows", "Replies",
 *   "Reposts", "Profile visits", …). The account overview export (a row per day) is refused.
 * - Meta Business Suite (Insights → Content → Export data, post level): Facebook ("Post ID",
 *   "Page ID", "Page name", …, "Permalink", …, "Date" = "Lifetime", "Views" or "Impressions",
 *   "Reach", "Reactions", "Comments", "Shares", "Total clicks", "Seconds viewed", "Average
 *   Seconds viewed") and Instagram ("Post ID", "Account ID", "Account username", …,
 *   "Permalink", "Post type", …, "Views", "Reach", "Likes", "Shares", "Follows", "Comments",
 *   "Saves"). Each is matched to its own platform's channels.
 *
 * Numbers come as the exporting locale writes them: "1,234" and "1.234,5" and "1 234" are
 * all read, the decimal separator being decided once per file (`detectNumberFormat`);
 * percentages are never counts.
 */

type ValueKind = 'count' | 'hours' | 'duration' | 'seconds'
type LayoutSpec = {
  layout: Exclude<ImportLayout, 'custom'>
  label: string
  channels: readonly ChannelId[]
  /** All of these headers (case-insensitive) must be present to recognise the layout. */
  requires: readonly string[]
  /** None of these may be present. */
  excludes?: readonly string[]
  id: readonly string[]
  url: readonly string[]
  /** The first listed header present wins for each metric. */
  metrics: readonly { header: string; metric: MetricName; kind: ValueKind }[]
  /** A known export that has no row per post: refused with this message. */
  refuse?: string
}

const youtubeMetrics = [
  { header: 'views', metric: 'views', kind: 'count' },
  { header: 'watch time (hours)', metric: 'watchTimeSeconds', kind: 'hours' },
  { header: 'average view duration', metric: 'averageViewSeconds', kind: 'duration' },
  { header: 'impressions', metric: 'impressions', kind: 'count' },
  { header: 'thumbnail impressions', metric: 'impressions', kind: 'count' },
  { header: 'likes', metric: 'likes', kind: 'count' },
  { header: 'comments added', metric: 'replies', kind: 'count' },
  { header: 'shares', metric: 'reposts', kind: 'count' },
] as const

const metaMetrics = [
  { header: 'reach', metric: 'reach', kind: 'count' },
  { header: 'impressions', metric: 'impressions', kind: 'count' },
  { header: 'views', metric: 'views', kind: 'count' },
  { header: 'plays', metric: 'views', kind: 'count' },
  { header: 'reactions', metric: 'likes', kind: 'count' },
  { header: 'likes', metric: 'likes', kind: 'count' },
  { header: 'comments', metric: 'replies', kind: 'count' },
  { header: 'shares', metric: 'reposts', kind: 'count' },
  { header: 'saves', metric: 'saves', kind: 'count' },
  { header: 'seconds viewed', metric: 'watchTimeSeconds', kind: 'seconds' },
  { header: 'average seconds viewed', metric: 'averageViewSeconds', kind: 'seconds' },
] as const

export const layoutSpecs: readonly LayoutSpec[] = [
  {
    layout: 'youtube-studio',
    label: 'YouTube Studio',
    channels: ['youtube'],
    requires: ['date', 'content'],
    id: [],
    url: [],
    metrics: [],
    refuse:
      'This is "Chart data.csv" from a YouTube Studio export: one row per video per day. Import "Table data.csv" from the same export; it has one row per video.',
  },
  {
    layout: 'youtube-studio',
    label: 'YouTube Studio',
    channels: ['youtube'],
    requires: ['content', 'video title'],
    id: ['content'],
    url: [],
    metrics: youtubeMetrics,
  },
  {
    layout: 'youtube-studio',
    label: 'YouTube Studio',
    channels: ['youtube'],
    requires: ['video', 'video title'],
    excludes: ['date'],
    id: ['video'],
    url: [],
    metrics: youtubeMetrics,
  },
  {
    layout: 'x-analytics',
    label: 'X analytics',
    channels: ['x'],
    requires: ['tweet id', 'impressions'],
    id: ['tweet id'],
    url: ['tweet permalink'],
    metrics: [
      { header: 'impressions', metric: 'impressions', kind: 'count' },
      { header: 'retweets', metric: 'reposts', kind: 'count' },
      { header: 'replies', metric: 'replies', kind: 'count' },
      { header: 'likes', metric: 'likes', kind: 'count' },
      { header: 'favorites', metric: 'likes', kind: 'count' },
      { header: 'media views', metric: 'views', kind: 'count' },
    ],
  },
  {
    layout: 'x-analytics',
    label: 'X analytics',
    channels: ['x'],
    requires: ['post id', 'post link'],
    id: ['post id'],
    url: ['post link'],
    metrics: [
      { header: 'impressions', metric: 'impressions', kind: 'count' },
      { header: 'reposts', metric: 'reposts', kind: 'count' },
      { header: 'replies', metric: 'replies', kind: 'count' },
      { header: 'likes', metric: 'likes', kind: 'count' },
      { header: 'bookmarks', metric: 'saves', kind: 'count' },
      { header: 'video views', metric: 'views', kind: 'count' },
    ],
  },
  {
    layout: 'x-analytics',
    label: 'X analytics',
    channels: ['x'],
    requires: ['date', 'impressions', 'engagements'],
    excludes: ['post id', 'tweet id', 'post link'],
    id: [],
    url: [],
    metrics: [],
    refuse:
      'This is the account overview from X analytics: one row per day for the whole account. Export the content (posts) view instead; it has one row per post.',
  },
  {
    layout: 'meta-business-suite',
    label: 'Meta Business Suite (Instagram)',
    channels: ['instagram'],
    requires: ['post id', 'account username', 'permalink'],
    id: ['post id'],
    url: ['permalink'],
    metrics: metaMetrics,
  },
  {
    layout: 'meta-business-suite',
    label: 'Meta Business Suite (Facebook)',
    channels: ['facebook'],
    requires: ['post id', 'page id', 'permalink'],
    id: ['post id'],
    url: ['permalink'],
    metrics: metaMetrics,
  },
  {
    layout: 'meta-business-suite',
    label: 'Meta Business Suite',
    channels: ['facebook', 'instagram', 'threads'],
    requires: ['post id', 'permalink'],
    id: ['post id'],
    url: ['permalink'],
    metrics: metaMetrics,
  },
]

export type ParsedRow = {
  /** The row as a spreadsheet numbers it (the header is row 1; a cell with line breaks is still one row). */
  row: number
  id: string | null
  url: string | null
  metrics: Partial<Record<MetricName, number>>
  errors: string[]
}

export type ParsedFile = {
  layout: ImportLayout | null
  label: string | null
  headers: string[]
  /** The channels the layout's posts can belong to; null = any. */
  channels: readonly ChannelId[] | null
  /** The mapping in use (recognised or given), by header name. */
  mapping: ColumnMapping | null
  /** How the file writes numbers: decimal point ("1,234.5") or decimal comma ("1.234,5"). */
  numberFormat: NumberFormat
  rows: ParsedRow[]
}

const MAX_ROWS = 20_000

function norm(h: string): string {
  return h.trim().replace(/\s+/g, ' ').toLowerCase()
}

/** Commas, semicolons (spreadsheets in comma-decimal locales) or tabs: whichever the header row uses most. */
export function sniffDelimiter(text: string): string {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const)
  return counts.reduce((a, b) => (b[1] > a[1] ? b : a))[0]
}

/** `point`: "1,234.5" (English); `comma`: "1.234,5" (most of Europe, Latin America). */
export type NumberFormat = 'point' | 'comma'

// Spaces, no-break spaces (French "1 234"), narrow no-break spaces and apostrophes (Swiss "1'234").
const GROUP_SPACES = /[\s\u00a0\u202f'\u2019]/g

/**
 * The number format of a file, from the cells of its number columns: a cell only one
 * format can read ("1.234.567", "12,5", "731.2205") votes for it; "1,234" and "1.234" are
 * ambiguous and do not vote. With no votes either way, semicolon-separated files (what
 * spreadsheets write where the comma is the decimal separator) are read as `comma`.
 */
export function detectNumberFormat(cells: string[], delimiter = ','): NumberFormat {
  let point = 0
  let comma = 0
  for (const raw of cells) {
    const s = raw.replace(GROUP_SPACES, '').replace(/%$/, '')
    if (/^-?\d{1,3}(,\d{3}){2,}$|^-?\d{1,3}(,\d{3})+\.\d+$|^-?\d+\.(\d{1,2}|\d{4,})$/.test(s)) point++
    else if (/^-?\d{1,3}(\.\d{3}){2,}$|^-?\d{1,3}(\.\d{3})+,\d+$|^-?\d+,(\d{1,2}|\d{4,})$/.test(s)) comma++
  }
  if (point !== comma) return point > comma ? 'point' : 'comma'
  return delimiter === ';' ? 'comma' : 'point'
}

/**
 * A number as the exporting locale wrote it → number, or null for an empty cell ("", "-",
 * "–", as exports show no data). Throws on anything else, percentages included: a share
 * ("12.5%") is never a count.
 */
export function parseCount(raw: string, format: NumberFormat = 'point'): number | null {
  const s = raw.trim().replace(GROUP_SPACES, '')
  if (s === '' || s === '-' || s === '–' || s === '—') return null
  if (s.endsWith('%')) throw new Error('a percentage')
  const [group, decimal] = format === 'point' ? [',', '.'] : ['.', ',']
  const grouped = new RegExp(`^\\d{1,3}(\\${group}\\d{3})+(\\${decimal}\\d+)?$`)
  const plain = new RegExp(`^\\d+(\\${decimal}\\d+)?$`)
  const unsigned = s.replace(/^-/, '')
  if (!grouped.test(unsigned) && !plain.test(unsigned)) throw new Error('not a number')
  if (s.startsWith('-')) throw new Error('negative')
  return Number(unsigned.split(group).join('').replace(decimal, '.'))
}

/** "0:01:23", "1:23", "83" → seconds. */
export function parseDuration(raw: string, format: NumberFormat = 'point'): number | null {
  const s = raw.trim()
  if (s === '' || s === '-' || s === '–') return null
  if (/^\d+([.,]\d+)?$/.test(s)) return parseCount(s, format)
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(s)
  if (!m) throw new Error('not a duration')
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3])
}

function convert(raw: string, kind: ValueKind, format: NumberFormat): number | null {
  if (kind === 'duration') return parseDuration(raw, format)
  const n = parseCount(raw, format)
  if (n === null) return null
  // A fraction of a view is a misread number (a decimal comma read as grouping, or the reverse).
  if (kind === 'count' && !Number.isInteger(n)) throw new Error('not a whole number')
  return kind === 'hours' ? Math.round(n * 3600 * 1000) / 1000 : n
}

function recognise(headers: string[]): LayoutSpec | null {
  const present = new Set(headers.map(norm))
  return (
    layoutSpecs.find(
      (l) => l.requires.every((h) => present.has(h)) && !(l.excludes ?? []).some((h) => present.has(h)),
    ) ?? null
  )
}

/** Summary rows some exports add (YouTube Studio's first row), by the text in their id or link cell. */
const TOTALS = /^(grand )?totals?$/i

/**
 * Reads an export: recognises its layout by the header row (or uses `mapping` for any
 * other layout) and turns each row into a post reference and its metrics. Rows that cannot
 * be read carry their errors; the file as a whole is refused only when it is not CSV, or is
 * a known export that has no row per post. Totals rows are left out.
 */
export function parseMetricsCsv(text: string, mapping?: ColumnMapping | null): ParsedFile {
  const delimiter = sniffDelimiter(text)
  let records: { record: string[]; info: { records: number; empty_lines: number } }[]
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
    }) as unknown as typeof records
  } catch (error) {
    const line = (error as { lines?: number }).lines
    throw new AppError('CSV_UNREADABLE', {
      message: `The file is not readable as CSV${line ? ` (line ${line})` : ''}: ${(error as Error).message.replace(/^Invalid [^:]*: /, '')}`,
    })
  }
  const [headerRecord, ...body] = records
  if (body.length > MAX_ROWS)
    throw new AppError('CSV_UNREADABLE', {
      message: `The file has ${body.length} rows; Rounds imports up to ${MAX_ROWS} at a time. Export a shorter period.`,
    })
  const header = headerRecord?.record
  if (!header || header.length === 0)
    throw new AppError('CSV_UNREADABLE', { message: 'The file is empty: it has no header row.' })
  const headers = header.map((h) => h.trim())
  const index = new Map<string, number>()
  headers.forEach((h, i) => {
    if (!index.has(norm(h))) index.set(norm(h), i)
  })

  const spec = mapping ? null : recognise(headers)
  if (spec?.refuse) throw new AppError('CSV_UNREADABLE', { message: spec.refuse })
  let idCol: number | undefined
  let urlCol: number | undefined
  let cols: { col: number; header: string; metric: MetricName; kind: ValueKind }[] = []
  let used: ColumnMapping | null = null

  if (mapping) {
    const col = (h: string, field: string) => {
      const i = index.get(norm(h))
      if (i === undefined)
        throw new AppError('VALIDATION_FAILED', {
          message: `The file has no column "${h}"`,
          details: [{ path: field, message: `no column "${h}" in the file` }],
        })
      return i
    }
    if (!mapping.idColumn && !mapping.urlColumn)
      throw new AppError('VALIDATION_FAILED', {
        message: 'Choose the column that holds the post id or its link',
        details: [{ path: 'mapping.idColumn', message: 'an id or link column is required' }],
      })
    idCol = mapping.idColumn ? col(mapping.idColumn, 'mapping.idColumn') : undefined
    urlCol = mapping.urlColumn ? col(mapping.urlColumn, 'mapping.urlColumn') : undefined
    cols = Object.entries(mapping.metrics).map(([h, metric]) => ({
      col: col(h, `mapping.metrics.${h}`),
      header: h,
      metric,
      kind:
        metric === 'averageViewSeconds' ? 'duration' : metric === 'watchTimeSeconds' ? 'seconds' : 'count',
    }))
    used = mapping
  } else if (spec) {
    const first = (names: readonly string[]) => names.map((n) => index.get(n)).find((i) => i !== undefined)
    idCol = first(spec.id)
    urlCol = first(spec.url)
    const seen = new Set<MetricName>()
    for (const m of spec.metrics) {
      const i = index.get(m.header)
      if (i === undefined || seen.has(m.metric)) continue
      seen.add(m.metric)
      cols.push({ col: i, header: headers[i] as string, metric: m.metric, kind: m.kind })
    }
    used = {
      ...(idCol !== undefined ? { idColumn: headers[idCol] } : {}),
      ...(urlCol !== undefined ? { urlColumn: headers[urlCol] } : {}),
      metrics: Object.fromEntries(cols.map((c) => [c.header, c.metric])),
    }
  } else {
    return {
      layout: null,
      label: null,
      headers,
      channels: null,
      mapping: null,
      numberFormat: detectNumberFormat([], delimiter),
      rows: [],
    }
  }

  const numberFormat = detectNumberFormat(
    body.flatMap(({ record }) => cols.filter((c) => c.kind !== 'duration').map((c) => record[c.col] ?? '')),
    delimiter,
  )
  const rows: ParsedRow[] = []
  for (const { record: cells, info } of body) {
    const row = info.records + info.empty_lines
    const cell = (c: number | undefined) => (c === undefined ? '' : (cells[c] ?? '').trim())
    const id = cell(idCol) || null
    const url = cell(urlCol) || null
    if (TOTALS.test(id ?? url ?? '')) continue
    const out: ParsedRow = { row, id, url, metrics: {}, errors: [] }
    if (cells.length !== headers.length)
      out.errors.push(`has ${cells.length} cells where the header has ${headers.length}`)
    if (!out.id && !out.url) out.errors.push('has no post id or link')
    for (const c of cols) {
      const raw = cell(c.col)
      try {
        const v = convert(raw, c.kind, numberFormat)
        if (v !== null) out.metrics[c.metric] = v
      } catch (e) {
        const what = c.kind === 'duration' ? 'a duration' : 'a number'
        const why =
          e instanceof Error && e.message.startsWith('a percentage') ? `a percentage, not ${what}` : null
        const fraction = e instanceof Error && e.message === 'not a whole number'
        out.errors.push(
          `"${c.header}" is ${why ?? (fraction ? 'not a whole number' : `not ${what}`)} ("${raw.slice(0, 40)}")`,
        )
      }
    }
    rows.push(out)
  }
  return {
    layout: spec?.layout ?? 'custom',
    label: spec?.label ?? 'Custom columns',
    headers,
    channels: spec?.channels ?? null,
    mapping: used,
    numberFormat,
    rows,
  }
}

/** Post ids a link names: the last path segment and YouTube's `v` parameter. */
export function idsInUrl(raw: string): { url: string; ids: string[] } | null {
  let u: URL
  try {
    u = new URL(raw.trim())
  } catch {
    return null
  }
  const host = u.hostname
    .toLowerCase()
    .replace(/^(www|m|mobile)\./, '')
    .replace(/^twitter\.com$/, 'x.com')
  const path = u.pathname.replace(/\/+$/, '')
  const ids = [u.searchParams.get('v'), path.split('/').filter(Boolean).at(-1)].filter(
    (x): x is string => !!x,
  )
  const v = u.searchParams.get('v')
  return { url: `${host}${path}${v ? `?v=${v}` : ''}`, ids }
}
