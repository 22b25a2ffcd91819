import { COMMON_WORDS } from '../../lexicons/en-common-words.ts'
import { inflectionBases } from '../../lexicons/en-inflect.ts'
import { GIVEN_NAMES, SURNAMES } from '../../lexicons/en-names.ts'
import type { ScreenContext, ScreenField } from '../../rule.ts'
import { fold } from '../../text.ts'
import { CLINICIAN_TITLES, TITLES } from './words.ts'

/**
 * One pass over a field that every confidentiality rule shares: tokens with their case,
 * folded form, sentence position and gazetteer flags. Computed once per field per screen()
 * call (memoised on the screen's context).
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
  /** Written like an acronym, a code or a handle: digits inside ("SGLT2"), capitals inside ("HFrEF", not "McKeith"), or after @ or #. */
  codeLike: boolean
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
  /** Word tokens outside sentence starts. */
  midWords: number
}

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:['’-][\p{L}\p{M}\p{N}]+)*/gu
const UPPER_START = /^\p{Lu}/u
const DIGIT_START = /^\p{N}/u
const SENT_END_GAP = /[.!?…:;•·|>\n\r]|^\s*[-*–—]\s/

const INNER_CAPS = /^.[^\p{Lu}]*\p{Lu}/u
/** "Abdul-Rahman", "Al-Farsi", "O'Neill": capitals after a hyphen or apostrophe are a name's. */
const TITLE_PARTS = /^\p{Lu}\p{Ll}*(?:[-'’]\p{Lu}\p{Ll}+)+$/u
const NAME_PREFIX = /^(?:Mc|Mac|O'|O’|D'|D’|De|Di|Da|Du|La|Le|Van|Von|St)\p{Lu}/u

/** Whether a folded word (or its inflectional base) is a common English word. */
export function isCommonWord(f: string): boolean {
  if (COMMON_WORDS.has(f)) return true
  for (const b of inflectionBases(f)) if (COMMON_WORDS.has(b)) return true
  return false
}

/** "Fixed-rate", "follow-up": every part a common word. */
function hyphenCommon(f: string): boolean {
  if (!f.includes('-')) return false
  for (const part of f.split('-')) if (!part || !commonCached(part)) return false
  return true
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
  'avda',
  'av',
  'ave',
  'rd',
  'str',
  'ul',
  'blvd',
  'ln',
])

const foldCache = new Map<string, string>()
/** fold(), with a fast path for ASCII words (most of them) and a bounded cache for the rest. */
function foldWord(raw: string): string {
  let ascii = true
  for (let i = 0; i < raw.length; i++) {
    if (raw.charCodeAt(i) > 127) {
      ascii = false
      break
    }
  }
  if (ascii) return raw.toLowerCase()
  let f = foldCache.get(raw)
  if (f === undefined) {
    f = fold(raw).replace(/’/g, "'")
    if (foldCache.size > 20_000) foldCache.clear()
    foldCache.set(raw, f)
  }
  return f
}

function isUpperStart(raw: string): boolean {
  const c = raw.charCodeAt(0)
  if (c < 128) return c >= 65 && c <= 90
  return UPPER_START.test(raw)
}

export function analyse(ctx: ScreenContext, field: ScreenField): Analysis {
  return ctx.memo(`confidentiality.analysis:${field.name}`, () => analyseText(field.text))
}

function analyseText(text: string): Analysis {
  const toks: Tok[] = []
  let prevEnd = 0
  let capMid = 0
  let wordsMid = 0
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    let raw = m[0]
    const start = m.index
    let possessive = false
    const len = raw.length
    if (len > 2) {
      const last = raw.charCodeAt(len - 1)
      const prevCh = raw.charCodeAt(len - 2)
      if ((last === 115 || last === 83) && (prevCh === 39 || prevCh === 0x2019)) {
        raw = raw.slice(0, -2)
        possessive = true
      } else if ((last === 39 || last === 0x2019) && prevCh === 115) {
        possessive = true
      }
    }
    // One pass over the characters (ASCII fast path): digits, capitals, inner capitals.
    let digit = false
    let upper = 0
    let lower = 0
    let innerUpper = false
    let ascii = true
    for (let q = 0; q < raw.length; q++) {
      const c = raw.charCodeAt(q)
      if (c > 127) {
        ascii = false
        break
      }
      if (c >= 48 && c <= 57) digit = true
      else if (c >= 65 && c <= 90) {
        upper++
        if (q > 0) innerUpper = true
      } else if (c >= 97 && c <= 122) lower++
    }
    const c0 = raw.charCodeAt(0)
    const isNum = c0 < 128 ? c0 >= 48 && c0 <= 57 : DIGIT_START.test(raw)
    const f = isNum ? raw : foldWord(raw)
    const cap = !isNum && isUpperStart(raw)
    const allCaps = ascii
      ? cap && raw.length > 1 && lower === 0 && upper > 1
      : cap && raw.length > 1 && raw === raw.toUpperCase() && raw !== raw.toLowerCase()
    if (!ascii) {
      digit = /\d/.test(raw)
      innerUpper = INNER_CAPS.test(raw)
    }
    const gap = start === prevEnd ? '' : text.slice(prevEnd, start)
    const prev = toks[toks.length - 1]
    let sentStart = prev === undefined || (gap !== ' ' && SENT_END_GAP.test(gap))
    if (
      sentStart &&
      prev &&
      (gap === '. ' || gap === '.\t' || gap === ' . ') &&
      (ABBREV_BEFORE_DOT.has(prev.f) || (prev.text.length === 1 && prev.cap))
    ) {
      // "Dr. Smith", "J. Smith": the dot ends an abbreviation, not the sentence.
      sentStart = false
    }
    if (sentStart && prev && (gap === ': ' || gap === ':' || gap === '; ')) sentStart = false
    const isWord = !isNum
    const codeLike =
      !isNum &&
      (digit ||
        gap.endsWith('@') ||
        gap.endsWith('#') ||
        (!allCaps && innerUpper && !NAME_PREFIX.test(raw) && !TITLE_PARTS.test(raw)))
    const given = isWord && GIVEN_NAMES.has(f)
    const surname = isWord && SURNAMES.has(f)
    const tok: Tok = {
      start,
      end: start + raw.length,
      text: raw,
      f,
      isNum,
      cap,
      allCaps,
      codeLike,
      sentStart,
      possessive,
      gap,
      given,
      surname,
      // For a gazetteer name only the exact word counts ("Morales" is no inflection of "morale").
      common: isWord && (given || surname ? COMMON_WORDS.has(f) : commonCached(f) || hyphenCommon(f)),
    }
    if (isWord && !sentStart) {
      wordsMid++
      if (cap) capMid++
    }
    toks.push(tok)
    prevEnd = start + m[0].length
  }
  return { text, toks, capRatio: wordsMid ? capMid / wordsMid : 0, midWords: wordsMid }
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
