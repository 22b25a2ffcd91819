import type { Claims } from './common.ts'

/**
 * Spanish dates: "3 de marzo de 2016", "18-junio-2004", "13-nov-1972", "marzo de 2016",
 * "el 3 de marzo", numeric day/month/year. Years alone are not Safe Harbor identifiers, but
 * a year tied to an event of the patient ("en 2009 sufre…", "desde el año 2005") is reported
 * as `info`: it is part of the "sum of details" that can identify a patient.
 */

const MONTH =
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|ene|feb|mar|abr|may|jun|jul|ago|sept?|oct|nov|dic'
const WEEKDAY = 'lunes|martes|mi[eé]rcoles|jueves|viernes|s[aá]bado|domingo'
const YEAR = String.raw`(?:1[89]\d{2}|20\d{2}|'?\d{2})`

const DAY_MONTH = new RegExp(
  String.raw`(?<![A-Za-zÀ-ÖØ-öø-ɏ0-9])(?:(?:${WEEKDAY}),?\s+)?(?:[0-3]?\d|primero|1[º°o])(?:\s+de\s+|\s*[-/.]\s*|\s+)(?:${MONTH})\.?(?![A-Za-zÀ-ÖØ-öø-ɏ])(?:(?:\s+de(?:l)?\s+|\s*[-/.,]\s*|\s+)${YEAR}(?!\d))?`,
  'giu',
)
const MONTH_YEAR = new RegExp(
  String.raw`(?<![A-Za-zÀ-ÖØ-öø-ɏ0-9])(?:(?:principios|mediados|finales|fines)\s+de(?:l\s+mes\s+de)?\s+)?(?:${MONTH}|primavera|verano|oto[ñn]o|invierno)\.?(?:\s+de(?:l)?\s+|\s*[-/]\s*|\s+)(?:1[89]\d{2}|20\d{2})(?!\d)`,
  'giu',
)
// Day/month/year in figures (the language-independent pack may report these too).
const NUMERIC =
  /(?<![\d/.-])(?:[0-3]?\d)\s?[/.-]\s?(?:[01]?\d)\s?[/.-]\s?(?:1[89]\d{2}|20\d{2}|\d{2})(?![\d/.-])/g
// A year tied to an event: "en 2009", "desde el año 2005", "hasta 2011", "(2004)" is not.
const EVENT_YEAR =
  /(?<![A-Za-zÀ-ÖØ-öø-ɏ0-9])(?:en|desde|hasta|durante|a\s+finales\s+de|a\s+principios\s+de|a\s+mediados\s+de|el\s+año|del\s+año|en\s+el\s+año|en\s+el|año|años)\s+(?:el\s+)?(?:año\s+)?((?:19[0-9]|20[0-2])\d)(?![\d,.]\d)/giu

export function detectDates(text: string, claims: Claims): void {
  for (const re of [DAY_MONTH, MONTH_YEAR]) {
    re.lastIndex = 0
    for (const m of text.matchAll(re)) {
      claims.add({
        kind: 'date',
        start: m.index,
        end: m.index + m[0].length,
        category: 'date',
        severity: 'block',
      })
    }
  }
  NUMERIC.lastIndex = 0
  for (const m of text.matchAll(NUMERIC)) {
    const parts = m[0].split(/\s?[/.-]\s?/).map(Number)
    const [d = 0, mo = 0] = parts
    if (d < 1 || d > 31 || mo < 1 || mo > 12) continue
    claims.add({
      kind: 'date',
      start: m.index,
      end: m.index + m[0].length,
      category: 'date',
      severity: 'block',
    })
  }
  EVENT_YEAR.lastIndex = 0
  for (const m of text.matchAll(EVENT_YEAR)) {
    const y = m[1] as string
    const start = m.index + m[0].lastIndexOf(y)
    claims.add({
      kind: 'date',
      start,
      end: start + y.length,
      category: 'date',
      severity: 'info',
      message: 'Año de un episodio del paciente: no es un identificador por sí solo, pero suma detalles.',
      suggestion: '[año]',
    })
  }
}
