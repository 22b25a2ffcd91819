import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import type { Executor } from '#src/platform/db/database.ts'
import type { ExportParams } from './export.schema.ts'
import {
  engagementTable,
  itemsTable,
  learningSummaryTable,
  quizResultsTable,
} from './export.tables.learning.ts'
import { surveyResponsesTable } from './export.tables.surveys.ts'

/**
 * The tables of a research export, as a list of definitions. Each definition names its file,
 * describes every column (the codebook is generated from these entries, so it always covers
 * exactly the columns written) and produces its rows from the export's context. Adding a
 * table to the export is adding one entry to `exportTables`.
 */

export type CellValue = string | number | boolean | null
export type ExportRow = Record<string, CellValue>

export const columnTypes = ['string', 'integer', 'number', 'boolean', 'period'] as const
export type ColumnType = (typeof columnTypes)[number]

/** One column and its codebook entry. */
export type ExportColumn = {
  name: string
  type: ColumnType
  /** The unit, or '' when the value has none (an identifier, a label, a count). */
  unit: string
  /** Allowed values or range, as a reader should check them ("0–1", "pre | post | delayed"). */
  allowed: string
  /** What the value is and how Rounds derived it. */
  description: string
  /** How small-cell suppression applies to this column ('none' when it does not). */
  suppression: string
}

/**
 * How the table protects learners:
 * - 'aggregate': each cell computed from fewer than k learners is blanked and its column named
 *   in the row's `_suppressed` column (the table must declare `_suppressed`).
 * - 'rows': one row per learner; every row of an item with fewer than k learners is dropped.
 * - 'none': the table holds no learner data (published content, platform metrics).
 */
export type Disclosure = 'aggregate' | 'rows' | 'none'

export type TableRows = {
  rows: ExportRow[]
  /** Items left out because fewer than k learners contributed ('rows' tables). */
  droppedItems?: number
  /** Rows left out with them. */
  droppedRows?: number
  /** Cells blanked ('aggregate' tables). */
  suppressedCells?: number
}

export type ExportTable = {
  /** The file stem: rows are written to `${name}.csv`. */
  name: string
  /** One line for the codebook: what one row is. */
  grain: string
  disclosure: Disclosure
  columns: ExportColumn[]
  rows(ctx: ExportContext): Promise<TableRows>
}

/** A published item within the export's date range, with what the tables need of it. */
export type ExportItem = {
  id: string
  kind: string
  fields: Partial<ItemFields>
  seriesId: string | null
  seriesTitle: string | null
  /** Channels the item was published to (sorted). */
  channels: string[]
  /** When its first post went out (ISO). */
  firstPublishedAt: string
  /** The author's declared profession, when they gave one. */
  profession: string | null
}

/** What a table's row producer may use. Everything is scoped to one organisation and one export. */
export type ExportContext = {
  db: Executor
  organisationId: string
  organisationSlug: string
  publicBaseUrl: string
  params: ExportParams
  /** Data captured after this instant is left out (the end of `to`, or the export's start). */
  until: Date
  /**
   * The learner's pseudonym in this export: an HMAC of the learner id under a random key made
   * for this export and never stored, so it is stable within the export and unlinkable across.
   */
  pseudonym(learnerId: string): string
  /** A timestamp at the export's granularity (UTC): YYYY-MM, or YYYY-MM-DD when days were asked for. */
  period(at: string | Date): string
  /** The items in scope (published within the date range), loaded once per export. */
  items(): Promise<ExportItem[]>
  /** Loads something once per export and shares it between tables. */
  memo<T>(key: string, load: () => Promise<T>): Promise<T>
}

/** The export's tables, in the order they are written. */
export const exportTables: ExportTable[] = [
  itemsTable,
  engagementTable,
  quizResultsTable,
  learningSummaryTable,
  surveyResponsesTable,
]
