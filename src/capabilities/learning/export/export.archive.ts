import { strToU8, zipSync } from 'fflate'
import type { Codebook, ExportParams, ExportTableSummary } from './export.schema.ts'
import type { CellValue, ExportColumn, ExportRow, ExportTable } from './export.tables.ts'

/**
 * The files of a research export: CSV tables (RFC 4180, UTF-8, CRLF), the codebook as CSV
 * and Markdown, README.txt with the parameters, all in one ZIP. Pure: no I/O.
 */

/** Version of the export's layout; raised when a column's meaning changes. */
export const EXPORT_FORMAT_VERSION = '1.0'

/** A cell as CSV text. Strings that a spreadsheet would run as a formula get a leading apostrophe. */
export function csvCell(value: CellValue, type: ExportColumn['type']): string {
  if (value === null) return ''
  let s: string
  if (typeof value === 'boolean') s = value ? 'true' : 'false'
  else if (typeof value === 'number')
    s = Number.isInteger(value) ? String(value) : String(Number(value.toFixed(6)))
  else s = type === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

/** Rows as CSV with a header line, in the order the columns are declared. */
export function toCsv(columns: readonly ExportColumn[], rows: readonly ExportRow[]): string {
  const lines = [columns.map((c) => csvCell(c.name, 'string')).join(',')]
  for (const r of rows) lines.push(columns.map((c) => csvCell(r[c.name] ?? null, c.type)).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** The codebook of a list of tables: every column of every table, in file order. */
export function codebookOf(tables: readonly ExportTable[]): Codebook {
  return {
    tables: tables.map((t) => ({
      name: t.name,
      file: `${t.name}.csv`,
      grain: t.grain,
      disclosure: t.disclosure,
    })),
    columns: tables.flatMap((t) =>
      t.columns.map((c) => ({
        table: t.name,
        column: c.name,
        type: c.type,
        unit: c.unit,
        allowed: c.allowed,
        description: c.description,
        suppression: c.suppression,
      })),
    ),
  }
}

const codebookColumns: ExportColumn[] = [
  'table',
  'column',
  'type',
  'unit',
  'allowed',
  'description',
  'suppression',
].map((name) => ({ name, type: 'string', unit: '', allowed: '', description: '', suppression: 'none' }))

export function codebookCsv(codebook: Codebook): string {
  return toCsv(codebookColumns, codebook.columns)
}

const disclosureText: Record<Codebook['tables'][number]['disclosure'], string> = {
  aggregate:
    'Aggregate: a cell computed from fewer than k learners is left empty and its column is named in the row’s `_suppressed` column.',
  rows: 'Row level: every row of an item with fewer than k learners is left out (counted in README.txt).',
  none: 'No learner data: published content and platform metrics.',
}

const md = (s: string) => s.replaceAll('|', '\\|').replaceAll('\n', ' ')

export function codebookMarkdown(codebook: Codebook, params: ExportParams): string {
  const out = [
    '# Codebook: Rounds research export',
    '',
    `Format ${EXPORT_FORMAT_VERSION}. Small-cell threshold k = ${params.k}. Dates are ${
      params.granularity === 'month' ? 'months (YYYY-MM)' : 'days (YYYY-MM-DD)'
    }, UTC. An empty cell means no value (nothing to compute) or a suppressed value (then named in \`_suppressed\`).`,
    '',
    'Column types: string; integer; number (decimal, at most 6 places); boolean (true or false); period (a date at the export granularity).',
    '',
  ]
  for (const t of codebook.tables) {
    out.push(`## ${t.file}`, '', t.grain, '', disclosureText[t.disclosure], '')
    out.push(
      '| Column | Type | Unit | Allowed values | Description | Suppression |',
      '|---|---|---|---|---|---|',
    )
    for (const c of codebook.columns.filter((c) => c.table === t.name))
      out.push(
        `| \`${c.column}\` | ${c.type} | ${md(c.unit) || '–'} | ${md(c.allowed) || '–'} | ${md(c.description)} | ${md(c.suppression)} |`,
      )
    out.push('')
  }
  return out.join('\n')
}

export type ReadmeInput = {
  organisationSlug: string
  params: ExportParams
  generatedAt: string
  until: string
  tables: ExportTableSummary[]
  versions: Record<string, string>
}

export function readmeText(r: ReadmeInput): string {
  const lines = [
    'Rounds research export',
    '======================',
    '',
    `Organisation:        ${r.organisationSlug}`,
    `Generated at:        ${r.generatedAt}`,
    `Items published from ${r.params.from ?? '(no lower bound)'} to ${r.params.to ?? '(no upper bound)'}`,
    `Data captured up to: ${r.until}`,
    `Small-cell k:        ${r.params.k}`,
    `Date granularity:    ${r.params.granularity}`,
    '',
    'Anonymisation',
    '-------------',
    'Learners appear only as pseudonyms: an HMAC-SHA-256 of the internal learner id under a random',
    'key made for this export and never stored. Pseudonyms are stable within this export and cannot',
    'be linked to any other export. No names, e-mail addresses, user ids, IP addresses or free text',
    'written by learners are included. Dates are coarsened to the granularity above.',
    `Aggregate tables blank each cell computed from fewer than ${r.params.k} learners (see _suppressed);`,
    `row-level tables leave out every item with fewer than ${r.params.k} learners.`,
    '',
    'Files',
    '-----',
  ]
  for (const t of r.tables) {
    const extra = [
      t.droppedItems ? `${t.droppedItems} items (${t.droppedRows} rows) left out under k` : '',
      t.suppressedCells ? `${t.suppressedCells} cells suppressed` : '',
    ]
      .filter(Boolean)
      .join('; ')
    lines.push(`${`${t.name}.csv`.padEnd(24)} ${t.rows} rows${extra ? `; ${extra}` : ''}`)
  }
  lines.push(
    `${'codebook.csv'.padEnd(24)} every column of every table: type, unit, allowed values, derivation, suppression`,
    `${'codebook.md'.padEnd(24)} the same, readable`,
    '',
    'Versions',
    '--------',
    ...Object.entries(r.versions).map(([k, v]) => `${k.padEnd(24)} ${v}`),
    '',
  )
  return lines.join('\r\n')
}

/** The ZIP of named text files. Deterministic timestamps, so equal content gives equal bytes. */
export function zipFiles(files: Record<string, string>, at: Date): Uint8Array {
  const entries: Record<string, [Uint8Array, { mtime: Date }]> = {}
  for (const [name, text] of Object.entries(files)) entries[name] = [strToU8(text), { mtime: at }]
  return zipSync(entries, { level: 6 })
}

export function tableSummary(
  table: ExportTable,
  produced: { rows: ExportRow[]; droppedItems?: number; droppedRows?: number; suppressedCells?: number },
): ExportTableSummary {
  return {
    name: table.name,
    rows: produced.rows.length,
    droppedItems: produced.droppedItems ?? 0,
    droppedRows: produced.droppedRows ?? 0,
    suppressedCells: produced.suppressedCells ?? 0,
  }
}
