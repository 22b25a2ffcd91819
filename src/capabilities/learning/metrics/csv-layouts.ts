import { parse } from 'csv-parse/sync'
import type { MetricName } from '#src/capabilities/publishing/connector.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import type { ColumnMapping, ImportLayout } from './metrics.schema.ts'

/**
 * The analytics exports Rounds recognises, by their header names, and how their cells
 * become metrics. Pure: no database, no clock.
 *
 * - YouTube Studio (Analytics → Advanced mode → Export current view → "Table data.csv"):
 *   "Content" (the video id), "Video title", "Video publish time", "Views",
 *   "Watch time (hours)", "Average view duration" (H:MM:SS), "Impressions", "Likes",
 *   "Comments added", "Shares"; the first data row is the channel "Total".
 * - X analytics: the tweet activity export ("Tweet id", "Tweet permalink", "impressions",
 *   "engagements", "retweets", "replies", "likes", "media views") and the newer content
 *   export ("Post id", "Post Link", "Impressions", "Likes", "Reposts", "Replies", "Bookmarks").
 * - Meta Business Suite (Insights → Content → Export, Facebook and Instagram): "Post ID",
 *   "Permalink", "Publish time", "Reach", "Impressions" or "Views", "Reactions" or "Likes",
 *   "Comments", "Shares", "Saves", "Seconds viewed", "Average Seconds viewed".
 */

type ValueKind = 'count' | 'hours' | 'duration' | 'seconds'
type LayoutSpec = {
  layout: Exclude<ImportLayout, 'custom'>
  label: string
  channels: readonly ChannelId[]
  /** All of these headers (case-insensitive) must be present to recognise the layout. */
  requires: readonly string[]
  id: readonly string[]
  url: readonly string[]
  metrics: readonly { header: string; metric: MetricName; kind: ValueKind }[]
  /** Rows that are summaries, not posts (YouTube's "Total"). */
  skip?: (id: string) => boolean
}

export const layoutSpecs: readonly LayoutSpec[] = [
  {
    layout: 'youtube-studio',
    label: 'YouTube Studio',
    channels: ['youtube'],
    requires: ['content', 'video title'],
    id: ['content'],
    url: [],
    metrics: [
      { header: 'views', metric: 'views', kind: 'count' },
      { header: 'watch time (hours)', metric: 'watchTimeSeconds', kind: 'hours' },
      { header: 'average view duration', metric: 'averageViewSeconds', kind: 'duration' },
      { header: 'impressions', metric: 'impressions', kind: 'count' },
      { header: 'likes', metric: 'likes', kind: 'count' },
      { header: 'comments added', metric: 'replies', kind: 'count' },
      { header: 'shares', metric: 'reposts', kind: 'count' },
    ],
    skip: (id) => id.toLowerCase() === 'total',
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
      { header: 'media views', metric: 'views', kind: 'count' },
    ],
  },
  {
    layout: 'x-analytics',
    label: 'X analytics',
    channels: ['x'],
    requires: ['post id', 'impressions', 'reposts'],
    id: ['post id'],
    url: ['post link'],
    metrics: [
      { header: 'impressions', metric: 'impressions', kind: 'count' },
      { header: 'reposts', metric: 'reposts', kind: 'count' },
      { header: 'replies', metric: 'replies', kind: 'count' },
      { header: 'likes', metric: 'likes', kind: 'count' },
      { header: 'bookmarks', metric: 'saves', kind: 'count' },
    ],
  },
  {
    layout: 'meta-business-suite',
    label: 'Meta Business Suite',
    channels: ['facebook', 'instagram', 'threads'],
    requires: ['post id', 'permalink'],
    id: ['post id'],
    url: ['permalink'],
    metrics: [
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
    ],
  },
]

export type ParsedRow = {
  /** 1-based line in the file (the header is line 1). */
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

/** "1,234", "1 234", "12.5", "" → number | null (empty); throws on anything else. */
export function parseCount(raw: string): number | null {
  const s = raw.trim().replace(/[\s\u00a0,]/g, '')
  if (s === '' || s === '-' || s === '–') return null
  if (!/^-?\d+(\.\d+)?$/.test(s)) throw new Error('not a number')
  const n = Number(s)
  if (n < 0) throw new Error('negative')
  return n
}

/** "0:01:23", "1:23", "83" → seconds. */
export function parseDuration(raw: string): number | null {
  const s = raw.trim()
  if (s === '') return null
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s)
  const m = /^(?:(\d+):)?(\d{1,2}):(\d{2}(?:\.\d+)?)$/.exec(s)
  if (!m) throw new Error('not a duration')
  return Number(m[1] ?? 0) * 3600 + Number(m[2]) * 60 + Number(m[3])
}

function convert(raw: string, kind: ValueKind): number | null {
  if (kind === 'duration') return parseDuration(raw)
  const n = parseCount(raw)
  if (n === null) return null
  return kind === 'hours' ? Math.round(n * 3600 * 1000) / 1000 : n
}

function recognise(headers: string[]): LayoutSpec | null {
  const present = new Set(headers.map(norm))
  return layoutSpecs.find((l) => l.requires.every((h) => present.has(h))) ?? null
}

/**
 * Reads an export: recognises its layout by the header row (or uses `mapping` for any
 * other layout) and turns each row into a post reference and its metrics. Rows that cannot
 * be read carry their errors; the file as a whole is refused only when it is not CSV.
 */
export function parseMetricsCsv(text: string, mapping?: ColumnMapping | null): ParsedFile {
  let records: string[][]
  try {
    records = parse(text, {
      bom: true,
      delimiter: sniffDelimiter(text),
      relax_column_count: true,
      skip_empty_lines: true,
      trim: false,
    }) as string[][]
  } catch (error) {
    const line = (error as { lines?: number }).lines
    throw new AppError('CSV_UNREADABLE', {
      message: `The file is not readable as CSV${line ? ` (line ${line})` : ''}: ${(error as Error).message.replace(/^Invalid [^:]*: /, '')}`,
    })
  }
  const [header, ...body] = records
  if (body.length > MAX_ROWS)
    throw new AppError('CSV_UNREADABLE', {
      message: `The file has ${body.length} rows; Rounds imports up to ${MAX_ROWS} at a time. Export a shorter period.`,
    })
  if (!header || header.length === 0)
    throw new AppError('CSV_UNREADABLE', { message: 'The file is empty: it has no header row.' })
  const headers = header.map((h) => h.trim())
  const index = new Map<string, number>()
  headers.forEach((h, i) => {
    if (!index.has(norm(h))) index.set(norm(h), i)
  })

  const spec = mapping ? null : recognise(headers)
  let idCol: number | undefined
  let urlCol: number | undefined
  let cols: { col: number; header: string; metric: MetricName; kind: ValueKind }[] = []
  let used: ColumnMapping | null = null
  let skip: ((id: string) => boolean) | undefined

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
      kind: metric === 'averageViewSeconds' ? 'duration' : 'count',
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
    skip = spec.skip
    used = {
      ...(idCol !== undefined ? { idColumn: headers[idCol] } : {}),
      ...(urlCol !== undefined ? { urlColumn: headers[urlCol] } : {}),
      metrics: Object.fromEntries(cols.map((c) => [c.header, c.metric])),
    }
  } else {
    return { layout: null, label: null, headers, channels: null, mapping: null, rows: [] }
  }

  const rows: ParsedRow[] = []
  body.forEach((cells, i) => {
    const row = i + 2
    const cell = (c: number | undefined) => (c === undefined ? '' : (cells[c] ?? '').trim())
    const id = cell(idCol) || null
    if (id && skip?.(id)) return
    const out: ParsedRow = { row, id, url: cell(urlCol) || null, metrics: {}, errors: [] }
    if (cells.length !== headers.length)
      out.errors.push(`has ${cells.length} cells where the header has ${headers.length}`)
    if (!out.id && !out.url) out.errors.push('has no post id or link')
    for (const c of cols) {
      const raw = cell(c.col)
      try {
        const v = convert(raw, c.kind)
        if (v !== null) out.metrics[c.metric] = v
      } catch {
        out.errors.push(
          `"${c.header}" is not a ${c.kind === 'duration' ? 'duration' : 'number'} ("${raw.slice(0, 40)}")`,
        )
      }
    }
    rows.push(out)
  })
  return {
    layout: spec?.layout ?? 'custom',
    label: spec?.label ?? 'Custom columns',
    headers,
    channels: spec?.channels ?? null,
    mapping: used,
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
