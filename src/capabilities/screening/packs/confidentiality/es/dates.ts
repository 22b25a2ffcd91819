import { execAll } from '../../../text.ts'
import type { Claims } from './common.ts'

/**
 * Spanish dates: "3 de marzo de 2016", "18-junio-2004", "13-nov-1972", "marzo de 2016",
 * "diciembre-08", "en junio", numeric day/month/year. A month is a date element more precise
 * than the year, so it counts (warn when alone, block with a day or a year). Years alone are
 * not Safe Harbor identifiers, but a year tied to an event of the patient ("en 2009 sufre…",
 * "entre 2001 y 2005") is reported as `info`: part of the "sum of details" (GMC).
 */

const MONTH_FULL =
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre'
const MONTH = `${MONTH_FULL}|ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic`
const L = 'A-Za-zÀ-ÖØ-öø-ɏ'
const YEAR = String.raw`(?:1[89]\d{2}|20\d{2}|'?\d{2})`

// Scans start at a day number, which keeps the scan fast; the weekday is added afterwards.
const DAY_MONTH = new RegExp(
  String.raw`(?<![${L}0-9])(?:[0-3]?\d|1[º°o])(?:\s+de\s+|\s*[-/.]\s*|\s+)(?:${MONTH})\.?(?![${L}])(?:(?:\s+de(?:l)?\s+|\s*[-/.,]\s*|\s+)${YEAR}(?![\d/]|[.,]\d))?`,
  'giu',
)
// From a four-digit year (or a two-digit one after a dash), back to the month or season.
const YEAR_G = /(?<![\d/.,-])(?:1[89]\d{2}|20[0-3]\d)(?![\d/]|[.,]\d)|(?<=[-/])\d{2}(?![\d/]|[.,]\d)/g
const MONTH_BEFORE_YEAR = new RegExp(
  String.raw`(?<![${L}])(?:(?:principios|mediados|finales|fines)\s+de(?:l\s+mes\s+de)?\s+)?(?:${MONTH}|primavera|verano|oto[ñn]o|invierno)\.?(?:\s+de(?:l)?\s+|\s*[-/]\s*|\s+)$`,
  'iu',
)
const MONTH_SHORT_YEAR = new RegExp(
  String.raw`(?<![${L}])(?:${MONTH_FULL})\s*[-/]?\s*'?\d{2}(?![\d/]|[.,]\d)`,
  'giu',
)
// A month named alone after a preposition: "en junio", "el mes de abril", "de Marzo a Mayo".
const MONTH_ALONE = new RegExp(
  String.raw`(?<![${L}])(?:en|desde|hasta|durante|mes\s+de|a\s+(?:principios|mediados|finales)\s+de|de|a)\s+(${MONTH_FULL})(?![${L}])`,
  'giu',
)
const NUMERIC =
  /(?<![\d/.,-])[0-3]?\d\s?[/.-]\s?[01]?\d\s?[/.-]\s?(?:1[89]\d{2}|20\d{2}|\d{2})(?![\d/-]|[.,]\d)/g
// A year tied to an event: "en 2009", "desde el año 2005", "entre 2001 y 2005", "(1999)".
const YEAR_CONTEXT = new RegExp(
  String.raw`(?:(?<![${L}])(?:en|desde|hasta|entre|durante|año|años|del|el|de|y|a|o|finales\s+de|principios\s+de|mediados\s+de)\s+|\(\s*|[,;]\s*|-\s*)$`,
  'iu',
)
const NOT_A_YEAR_AFTER = /^\s*(?:mg|g|ml|mcg|µg|ui|u\.|kg|cc|mm|cm|m2|pacientes|casos|células|euros|€|%)/i

function block(claims: Claims, start: number, end: number): void {
  claims.add({ kind: 'date', start, end, category: 'date', severity: 'block' })
}

export function detectDates(text: string, claims: Claims): void {
  for (const m of execAll(DAY_MONTH, text)) block(claims, m.index, m.index + m[0].length)
  for (const m of execAll(MONTH_SHORT_YEAR, text)) block(claims, m.index, m.index + m[0].length)
  for (const m of execAll(NUMERIC, text)) {
    const [d = 0, mo = 0] = m[0].split(/\s?[/.-]\s?/).map(Number)
    if (d < 1 || d > 31 || mo < 1 || mo > 12) continue
    block(claims, m.index, m.index + m[0].length)
  }
  const years: Array<[number, number]> = []
  for (const m of execAll(YEAR_G, text)) {
    const before = text.slice(Math.max(0, m.index - 45), m.index)
    const month = before.match(MONTH_BEFORE_YEAR)
    if (month) {
      block(claims, m.index - month[0].length, m.index + m[0].length)
      continue
    }
    if (m[0].length === 4) years.push([m.index, m.index + 4])
  }
  for (const m of execAll(MONTH_ALONE, text)) {
    const month = m[1] as string
    const start = m.index + m[0].length - month.length
    claims.add({
      kind: 'date',
      start,
      end: start + month.length,
      category: 'date',
      severity: 'warn',
      message: 'Mes de un episodio del paciente: un elemento de fecha más preciso que el año.',
    })
  }
  for (const [start, end] of years) {
    if (!YEAR_CONTEXT.test(text.slice(Math.max(0, start - 25), start))) continue
    if (NOT_A_YEAR_AFTER.test(text.slice(end, end + 12))) continue
    claims.add({
      kind: 'date',
      start,
      end,
      category: 'date',
      severity: 'info',
      message: 'Año de un episodio del paciente: no es un identificador por sí solo, pero suma detalles.',
      suggestion: '[año]',
    })
  }
}
