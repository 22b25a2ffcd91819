import { createHmac, randomBytes } from 'node:crypto'
import type { ExportColumn, ExportRow } from './export.tables.ts'

/**
 * Disclosure control for research exports: per-export pseudonyms, date coarsening and
 * small-cell suppression. Pure functions (the key is passed in), tested directly.
 */

/** The `_suppressed` column every 'aggregate' table declares. */
export const suppressedColumn: ExportColumn = {
  name: '_suppressed',
  type: 'string',
  unit: '',
  allowed: "empty, or column names separated by ';'",
  description: 'The columns of this row blanked by small-cell suppression (empty when none).',
  suppression: 'none',
}

/** A fresh 256-bit key for one export's pseudonyms. It lives in memory for the run only. */
export function newPseudonymKey(): Buffer {
  return randomBytes(32)
}

/**
 * A learner's pseudonym under `key`: HMAC-SHA-256 of the learner id, 16 hex characters
 * (64 bits: collisions are negligible for any audience Rounds serves).
 */
export function pseudonymFor(key: Buffer, learnerId: string): string {
  return createHmac('sha256', key).update(learnerId).digest('hex').slice(0, 16)
}

/** A timestamp coarsened to the month (YYYY-MM) or the day (YYYY-MM-DD), UTC. */
export function coarsen(at: string | Date, granularity: 'month' | 'day'): string {
  const iso = (typeof at === 'string' ? new Date(at) : at).toISOString()
  return granularity === 'month' ? iso.slice(0, 7) : iso.slice(0, 10)
}

/** A count is disclosive when it is positive but under k (zero says nothing about anyone). */
export const smallCount = (n: number, k: number) => n > 0 && n < k

/**
 * Blanks the cells of an aggregate row whose learner count is under k, and records which in
 * `_suppressed`. `basis` maps each column to the number of learners its value was computed
 * from; a column absent from `basis` is not learner data and is never blanked. A count column
 * is blanked when the count itself is small (1 to k − 1); a statistic when its basis is under
 * k (including 0, where it is empty anyway and not listed).
 */
export function suppressCells(
  row: ExportRow,
  basis: Record<string, { n: number; isCount?: boolean }>,
  k: number,
): { row: ExportRow; suppressed: number } {
  const out: ExportRow = { ...row }
  const blanked: string[] = []
  for (const [column, { n, isCount }] of Object.entries(basis)) {
    const hide = isCount ? smallCount(n, k) : n < k && out[column] !== null
    if (hide) {
      out[column] = null
      blanked.push(column)
    }
  }
  out._suppressed = blanked.join(';')
  return { row: out, suppressed: blanked.length }
}

/**
 * Drops every row of an item with fewer than k distinct learners (row-level tables).
 * Returns the rows kept and how many items and rows were dropped.
 */
export function dropSmallItems<R>(
  rows: R[],
  itemOf: (row: R) => string,
  learnerOf: (row: R) => string,
  k: number,
): { rows: R[]; droppedItems: number; droppedRows: number } {
  const learners = new Map<string, Set<string>>()
  for (const r of rows) {
    const set = learners.get(itemOf(r)) ?? new Set<string>()
    set.add(learnerOf(r))
    learners.set(itemOf(r), set)
  }
  const small = new Set([...learners].filter(([, s]) => s.size < k).map(([item]) => item))
  const kept = rows.filter((r) => !small.has(itemOf(r)))
  return { rows: kept, droppedItems: small.size, droppedRows: rows.length - kept.length }
}
