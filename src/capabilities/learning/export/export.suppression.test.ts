import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from './export.archive.ts'
import {
  coarsen,
  dropSmallItems,
  newPseudonymKey,
  pseudonymFor,
  suppressCells,
} from './export.suppression.ts'

describe('small-cell suppression of aggregate cells', () => {
  // n: learners behind the mean and the count; expect: whether each is blanked.
  const cases = [
    { k: 5, n: 4, meanHidden: true, countHidden: true },
    { k: 5, n: 5, meanHidden: false, countHidden: false },
    { k: 1, n: 1, meanHidden: false, countHidden: false },
    { k: 10, n: 9, meanHidden: true, countHidden: true },
    { k: 10, n: 10, meanHidden: false, countHidden: false },
    { k: 10, n: 25, meanHidden: false, countHidden: false },
  ]
  it.each(cases)('k=$k with $n learners: mean hidden $meanHidden, count hidden $countHidden', (c) => {
    const { row, suppressed } = suppressCells(
      { item_id: 'a', n_post: c.n, mean_post: 0.7 },
      { n_post: { n: c.n, isCount: true }, mean_post: { n: c.n } },
      c.k,
    )
    expect(row.item_id).toBe('a')
    expect(row.mean_post).toBe(c.meanHidden ? null : 0.7)
    expect(row.n_post).toBe(c.countHidden ? null : c.n)
    const listed = [c.countHidden && 'n_post', c.meanHidden && 'mean_post'].filter(Boolean)
    expect(row._suppressed).toBe(listed.join(';'))
    expect(suppressed).toBe(listed.length)
  })

  it('shows a zero count and does not list an empty statistic as suppressed', () => {
    const { row } = suppressCells(
      { n_delayed: 0, mean_delayed: null },
      { n_delayed: { n: 0, isCount: true }, mean_delayed: { n: 0 } },
      5,
    )
    expect(row).toEqual({ n_delayed: 0, mean_delayed: null, _suppressed: '' })
  })
})

describe('row-level tables drop items with fewer than k learners', () => {
  const rowsFor = (item: string, learners: number, perLearner = 2) =>
    Array.from({ length: learners * perLearner }, (_, i) => ({
      item,
      learner: `L${Math.floor(i / perLearner)}`,
    }))
  const cases = [
    { k: 5, learners: 4, kept: false },
    { k: 5, learners: 5, kept: true },
    { k: 1, learners: 1, kept: true },
    { k: 10, learners: 9, kept: false },
    { k: 10, learners: 10, kept: true },
  ]
  it.each(cases)('k=$k, an item with $learners learners kept: $kept', (c) => {
    const rows = [...rowsFor('small', c.learners), ...rowsFor('big', 12)]
    const out = dropSmallItems(
      rows,
      (r) => r.item,
      (r) => r.learner,
      c.k,
    )
    expect(out.rows.some((r) => r.item === 'small')).toBe(c.kept)
    expect(out.rows.filter((r) => r.item === 'big')).toHaveLength(24)
    expect(out.droppedItems).toBe(c.kept ? 0 : 1)
    expect(out.droppedRows).toBe(c.kept ? 0 : c.learners * 2)
  })
})

describe('pseudonyms and dates', () => {
  it('are stable under one key and differ under another', () => {
    const a = newPseudonymKey()
    const b = newPseudonymKey()
    expect(pseudonymFor(a, 'learner-1')).toBe(pseudonymFor(a, 'learner-1'))
    expect(pseudonymFor(a, 'learner-1')).not.toBe(pseudonymFor(a, 'learner-2'))
    expect(pseudonymFor(a, 'learner-1')).not.toBe(pseudonymFor(b, 'learner-1'))
    expect(pseudonymFor(a, 'learner-1')).toMatch(/^[0-9a-f]{16}$/)
  })

  it('coarsens to the month unless days are asked for', () => {
    expect(coarsen('2026-03-31T23:59:59.000Z', 'month')).toBe('2026-03')
    expect(coarsen(new Date('2026-03-31T23:59:59.000Z'), 'day')).toBe('2026-03-31')
  })
})

describe('CSV', () => {
  it('quotes what needs quoting, writes empty for null and neutralises formulas in text', () => {
    expect(csvCell(null, 'number')).toBe('')
    expect(csvCell(true, 'boolean')).toBe('true')
    expect(csvCell(1 / 3, 'number')).toBe('0.333333')
    expect(csvCell(-0.25, 'number')).toBe('-0.25')
    expect(csvCell('a, "b"', 'string')).toBe('"a, ""b"""')
    expect(csvCell('=HYPERLINK("x")', 'string')).toBe(`"'=HYPERLINK(""x"")"`)
    const col = (name: string) => ({
      name,
      type: 'string' as const,
      unit: '',
      allowed: '',
      description: '',
      suppression: 'none',
    })
    expect(toCsv([col('a'), col('b')], [{ a: 'x', b: null }])).toBe('a,b\r\nx,\r\n')
  })
})
