import { COMMON_WORDS } from '../../lexicons/en-common-words.ts'
import { inflectionBases } from '../../lexicons/en-inflect.ts'
import { GIVEN_NAMES, SURNAMES } from '../../lexicons/en-names.ts'
import type { ScreenField } from '../../rule.ts'
import { fold } from '../../text.ts'
import { CLINICIAN_TITLES, TITLES } from './words.ts'

/**
 * One pass over a field that every confidentiality rule shares: tokens with their case,
 * folded form, sentence position and gazetteer flags. Computed once per field per screen()
 * call (memoised on the field object, which the engine creates afresh for each input).
 */
export type Tok = {
  start: number
  /** End of the word, before any possessive 's. */
  end: number
  text: string
  /** Folded: lower case, no accents, curly apostrophes straightened. */
  f: string
  isNum: boolean
  /** Starts with an upper-case letter. */
  cap: boolean
  /** Two or more letters, all upper case. */
  allCaps: boolean
  /** Starts a sentence, a line or a list item. */
  sentStart: boolean
  possessive: boolean
  /** The text between the previous token and this one. */
  gap: string
  given: boolean
  surname: boolean
  common: boolean
}

export type Analysis = {
  text: string
  toks: Tok[]
  /** Share of word tokens written in capitals outside sentence starts: low in lower-case social text. */
  capRatio: number
}

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu
const UPPER_START = /^\p{Lu}/u
const HAS_LOWER = /\p{Ll}/u
const HAS_LETTER = /\p{L}/u
const DIGIT_START = /^\p{N}/u
const SENT_END_GAP = /[.!?…:;•·|>\n\r]|^\s*[-*–—]\s/

const cache = new WeakMap<ScreenField, Analysis>()

/** Whether a folded word (or its inflectional base) is a common English word. */
export function isCommonWord(f: string): boolean {
  if (COMMON_WORDS.has(f)) return true
  for (const b of inflectionBases(f)) if (COMMON_WORDS.has(b)) return true
  return false
}

const commonCache = new Map<string, boolean>()
function commonCached(f: string): boolean {
  let v = commonCache.get(f)
  if (v === undefined) {
    v = isCommonWord(f)
    if (commonCache.size > 50_000) commonCache.clear()
    commonCache.set(f, v)
  }
  return v
}

const ABBREV_BEFORE_DOT = new Set([
  ...TITLES,
  ...CLINICIAN_TITLES,
  'st',
  'no',
  'nr',
  'apt',
  'ste',
  'ul',
  'co',
  'jr',
  'sr',
  'vs',
  'etc',
  'approx',
  'ft',
  'mt',
  'e.g',
  'i.e',
  'ref',
  'fig',
  'p.o',
])

export function analyse(field: ScreenField): Analysis {
  const hit = cache.get(field)
  if (hit) return hit
  const text = field.text
  const toks: Tok[] = []
  let prevEnd = 0
  let capMid = 0
  let wordsMid = 0
  for (const m of text.matchAll(TOKEN)) {
    let raw = m[0]
    const start = m.index
    let possessive = false
    if (raw.length > 2 && /['’][sS]$/.test(raw)) {
      raw = raw.slice(0, -2)
      possessive = true
    } else if (raw.length > 2 && /s['’]$/.test(raw)) {
      possessive = true
    }
    const f = fold(raw).replace(/’/g, "'")
    const isNum = DIGIT_START.test(raw)
    const cap = UPPER_START.test(raw)
    const allCaps = cap && raw.length > 1 && !HAS_LOWER.test(raw) && HAS_LETTER.test(raw)
    const gap = text.slice(prevEnd, start)
    const prev = toks[toks.length - 1]
    let sentStart = prev === undefined || SENT_END_GAP.test(gap)
    if (
      sentStart &&
      prev &&
      /^\.\s*$/.test(gap) &&
      (ABBREV_BEFORE_DOT.has(prev.f) || (prev.text.length === 1 && prev.cap))
    ) {
      // "Dr. Smith", "J. Smith": the dot ends an abbreviation, not the sentence.
      sentStart = false
    }
    if (sentStart && prev && /^\s*[:;]\s*$/.test(gap) && !/\n/.test(gap)) sentStart = false
    const isWord = !isNum && HAS_LETTER.test(raw)
    const tok: Tok = {
      start,
      end: start + raw.length,
      text: raw,
      f,
      isNum,
      cap,
      allCaps,
      sentStart,
      possessive,
      gap,
      given: isWord && GIVEN_NAMES.has(f),
      surname: isWord && SURNAMES.has(f),
      common: isWord && commonCached(f),
    }
    if (isWord && !sentStart) {
      wordsMid++
      if (cap) capMid++
    }
    toks.push(tok)
    prevEnd = start + m[0].length
  }
  const a: Analysis = { text, toks, capRatio: wordsMid ? capMid / wordsMid : 0 }
  cache.set(field, a)
  return a
}

/** The folded words of the tokens just before index i (nearest first), stopping at a sentence start. */
export function wordsBefore(toks: readonly Tok[], i: number, n: number): string[] {
  const out: string[] = []
  for (let j = i - 1; j >= 0 && out.length < n; j--) {
    out.push((toks[j] as Tok).f)
    if ((toks[j] as Tok).sentStart) break
  }
  return out
}
