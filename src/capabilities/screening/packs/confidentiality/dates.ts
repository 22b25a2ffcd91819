import type { ScreenContext, ScreenField } from '../../rule.ts'
import { fold } from '../../text.ts'
import { execAll, SpanMask } from './scan.ts'
import { PATIENT_CONTEXT } from './words.ts'

/**
 * Dates more specific than a year, ages over 89, and the less specific clues (any age, a
 * relative time) that the quasi-identifier rule weighs.
 *
 * Severity: a date in a sentence that is about a patient (admitted, born, DOB, died, a name
 * or a pronoun) blocks; a date with no such context warns, since an event date in a teaching
 * post ("the conference on 3 March") identifies nobody. Years alone, times of day and weekdays
 * are never flagged.
 */
export type DateHit = {
  kind: 'date' | 'age' | 'any-age' | 'when'
  start: number
  end: number
  severity: 'block' | 'warn'
  what: string
}

const MONTH =
  '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)'
const TIME = '(?:[ T,]+\\d{1,2}:\\d{2}(?::\\d{2})?(?:\\s?[ap]\\.?m\\.?)?)?'
const DATE_RES: RegExp[] = [
  // 2006-04-07, 2006-04-07 09:00:27
  new RegExp(`\\b(?:19|20)\\d{2}[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\\d|3[01])${TIME}(?![\\d])`, 'g'),
  // 8/5/1989, 03.03.21, 17-06-2016
  new RegExp(
    `(?<![\\d/.-])(?:0?[1-9]|[12]\\d|3[01])([/.-])(?:0?[1-9]|[12]\\d|3[01])\\1(?:19|20)?\\d{2}${TIME}(?![\\d/.-]*\\d)`,
    'g',
  ),
  // 3 March, 3rd of March 2021, 3 Mar. 2021
  new RegExp(
    `\\b(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?(?:\\s+of)?[\\s-]+${MONTH}\\b\\.?(?:,?[\\s-]+(?:19|20)\\d{2})?`,
    'gi',
  ),
  // March 3, March 3rd 2021, March 2021
  new RegExp(
    `\\b${MONTH}\\.?\\s+(?:(?:0?[1-9]|[12]\\d|3[01])(?:st|nd|rd|th)?\\b(?:,?\\s+(?:19|20)\\d{2})?|(?:19|20)\\d{2}\\b)`,
    'gi',
  ),
]
const AGE_RES: RegExp[] = [
  /\b(\d{1,3})\s*(?:-|\s)?\s*(?:years?|yrs?|yr)[\s-]*(?:old|of age)\b/gi,
  /\b(\d{1,3})\s*-?\s*(?:yo|y\/o|y\.o\.?|yrs?|yoa)(?![\p{L}])/giu,
  /\b(\d{1,3})\s*-?\s*(?:year|yr)[\s-]*old\b/gi,
  /\b(?:aged?|age of|age:)\s*(\d{1,3})\b/gi,
  /\b(\d{2,3})\s?(?:M|F)\b(?=[\s,.;:)]|$)/g,
  /(?<=\p{Lu}\p{Ll}+,\s)(\d{2,3})(?=\s*[,)])/gu,
  /\b(\d{2,3})\s*(?:a[ñn]os)\b/gi,
  /\b(\d{2,3})\s+years?\s+(?:young|of age)\b/gi,
  /\b(9\d|1[01]\d)\s+(?:years|yrs)\b/gi,
  /\b(?:he|she|who|they)(?:'s|\s+is|\s+was|\s+turned|\s+turns|\s+is now)\s+(9\d|1[01]\d)\b(?![.,]\d|\s*(?:%|\/|mg|kg|ml|mmol|units?|cm|mm|bpm))/gi,
]
const NINETIES =
  /\b(?:in (?:his|her|their) (?:late |mid |early )?(?:90s|nineties|hundreds)|nonagenarian|centenarian|ninety[- ](?:one|two|three|four|five|six|seven|eight|nine)|(?:9\d|1[01]\d)(?:st|nd|rd|th) birthday|turned (?:9\d|1[01]\d))\b/gi
const WHEN =
  /\b(?:yesterday|today|tonight|this morning|last night|last week|this week|last month|on (?:monday|tuesday|wednesday|thursday|friday|saturday|sunday))\b/gi
const DOB = /\b(?:dob|d\.o\.b\.?|date of birth|born(?: on)?)\W*$/i

export function dateHits(ctx: ScreenContext, field: ScreenField): DateHit[] {
  return ctx.memo(`confidentiality.dates:${field.name}`, () => findDates(field.text))
}

function findDates(text: string): DateHit[] {
  const out: DateHit[] = []
  const mask = new SpanMask(text.length)
  const overlaps = (s: number, e: number) => mask.overlaps(s, e)
  const hasDigit = /\d/.test(text)
  for (const re of hasDigit ? DATE_RES : []) {
    for (const m of execAll(re, text)) {
      const start = m.index
      const end = start + m[0].replace(/[\s,.]+$/, '').length
      if (overlaps(start, end)) continue
      const s = m[0]
      // "may 2019", "march 5" in lower case are verbs more often than months.
      if (/^(?:may|mar|march)\b/.test(s)) continue
      const b = text.slice(Math.max(0, start - 30), start)
      const severity = DOB.test(b) || patientContext(text, start, end) ? 'block' : 'warn'
      out.push({ kind: 'date', start, end, severity, what: DOB.test(b) ? 'a date of birth' : 'a date' })
      mask.add(start, end)
    }
  }
  for (const re of hasDigit ? AGE_RES : []) {
    for (const m of execAll(re, text)) {
      const g = m[1] as string
      const start = m.index + m[0].indexOf(g)
      const end = start + g.length
      const age = Number(g)
      if (overlaps(start, end) || age > 125) continue
      if (age > 89) {
        out.push({ kind: 'age', start, end, severity: 'block', what: `an age over 89 (${age})` })
      } else out.push({ kind: 'any-age', start, end, severity: 'warn', what: `an age (${age})` })
      mask.add(start, end)
    }
  }
  for (const m of execAll(NINETIES, text)) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end)) continue
    out.push({ kind: 'age', start, end, severity: 'block', what: 'an age over 89' })
    mask.add(start, end)
  }
  for (const m of execAll(WHEN, text))
    out.push({ kind: 'when', start: m.index, end: m.index + m[0].length, severity: 'warn', what: 'a time' })
  out.sort((a, b) => a.start - b.start)
  return out
}

/** Whether the sentence around [start, end) talks about a patient. */
export function patientContext(text: string, start: number, end: number): boolean {
  let s = start
  while (s > 0 && start - s < 200 && !/[.!?\n]/.test(text[s - 1] as string)) s--
  let e = end
  while (e < text.length && e - end < 200 && !/[.!?\n]/.test(text[e] as string)) e++
  const words = fold(text.slice(s, e)).split(/[^\p{L}\p{N}&/-]+/u)
  for (const w of words) if (PATIENT_CONTEXT.has(w)) return true
  return false
}
