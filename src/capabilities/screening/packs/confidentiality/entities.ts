import { GIVEN_NAMES } from '../../lexicons/en-names.ts'
import { COUNTRIES, PLACES, REGIONS, STREET_SUFFIXES } from '../../lexicons/places-world.ts'
import type { ScreenContext, ScreenField } from '../../rule.ts'
import { fold } from '../../text.ts'
import { analyse, isCommonWord, type Tok, wordsBefore } from './analysis.ts'
import { patternHits } from './patterns.ts'
import {
  CLINICAL_CAPS,
  CLINICIAN_TITLES,
  EPONYM_HEADS,
  EPONYMS,
  INSTITUTION_WORDS,
  NOT_IDENTIFIERS,
  PERSON_CUES_AFTER,
  PERSON_CUES_BEFORE,
  PLACE_CUES_BEFORE,
  STRONG_PLACE_PHRASES,
  TITLES,
} from './words.ts'

/**
 * Finds people's names and places in one field, in one pass, so the two rules never claim the
 * same words twice. Evidence is weighed per run of capitalised words: an honorific before it,
 * a given name or surname from the gazetteer, a cue ("his wife", "lives in", "said"), a place
 * from the gazetteer, or simply a capitalised word that no dictionary knows, in the middle of
 * a sentence. Eponyms, named trials, institutions and clinical headings are set aside first.
 */
export type Entity = {
  kind: 'name' | 'location'
  start: number
  end: number
  severity: 'block' | 'warn' | 'info'
  /** Why it was flagged, for the message. */
  reason: string
}

const cache = new WeakMap<ScreenField, Entity[]>()

const CONNECTORS = new Set([
  'van',
  'von',
  'de',
  'der',
  'den',
  'del',
  'della',
  'di',
  'da',
  'du',
  'le',
  'la',
  'bin',
  'ibn',
  'al',
  'el',
  'dos',
  'das',
  'ter',
  'ten',
  'st',
  'y',
  'do',
  'o',
])
const FACILITY_WORDS = new Set([
  'hospital',
  'infirmary',
  'surgery',
  'practice',
  'clinic',
  'hospice',
  'medical',
  'health',
  'care',
  'nursing',
])
const STREET_WORDS = new Set([
  ...STREET_SUFFIXES,
  'st',
  'rd',
  'ave',
  'av',
  'blvd',
  'dr',
  'ln',
  'ct',
  'pl',
  'sq',
  'cres',
  'terr',
  'hwy',
  'str',
  'pkwy',
])
const STREET_MORPHEMES =
  /(?:stra(?:ss|ß)e|str\.?|gate|gata|gatan|vej|vegen|veien|vagen|vag|tie|katu|kuja|polku|tanya|utca|ulica|ul|rua|via|calle|avenida|rue|weg|laan|straat|plein|gade|alle|allee|gasse|platz|ring|tee|maantee|iela|g\.)$/
const UNIT_WORDS = new Set([
  'apt',
  'apartment',
  'suite',
  'ste',
  'unit',
  'flat',
  'box',
  'psc',
  'apo',
  'fpo',
  'dpo',
  'postbox',
  'floor',
  'building',
  'bldg',
  'house',
  'lot',
])
const NOT_STREET_NUMBER_WORDS = new Set([
  'ward',
  'bed',
  'bay',
  'room',
  'type',
  'grade',
  'stage',
  'figure',
  'fig',
  'table',
  'day',
  'week',
  'year',
  'phase',
  'level',
  'class',
  'zone',
  'covid',
  'version',
  'chapter',
  'page',
  'step',
  'section',
  'part',
  'question',
  'case',
  'number',
  'no',
  'windows',
  'iphone',
  'web',
  'top',
  'gcs',
  'news',
  'score',
  'lead',
  'leads',
  'vitamin',
  'factor',
  'channel',
  'hb',
  'hba1c',
  'wcc',
  'plt',
  'crp',
  'egfr',
  'bmi',
  'sats',
  'temp',
  'trop',
  'troponin',
  'lactate',
  'glucose',
  'ferritin',
  'sodium',
  'potassium',
  'creatinine',
  'urea',
  'bilirubin',
  'albumin',
  'platelets',
  'neuts',
  'lymphs',
  'gestation',
  'para',
  'gravida',
  'mobility',
  'frailty',
  'apgar',
  'cfs',
  'nyha',
  'asa',
  'ps',
  'ecog',
])
const PERSON_PHRASES = [
  'name is',
  'named',
  'called',
  "i'm",
  'i am',
  'this is',
  'maiden name is',
  'name on the account',
  'call me',
]
const STATE_CODES = new Set(
  'al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc pr aa ae ap on qc bc ab mb sk ns nb nl pe nt yt nu nsw vic qld wa sa tas act'.split(
    ' ',
  ),
)

function isPlaceKey(k: string): 0 | 1 | 2 | 3 {
  if (PLACES.has(k)) return 1
  if (REGIONS.has(k)) return 2
  if (COUNTRIES.has(k)) return 3
  return 0
}

function endsWithPhrase(words: readonly string[], phrases: readonly string[]): boolean {
  // words: nearest first. Build the text of up to 5 previous words in reading order.
  const s = ` ${words.slice(0, 5).reverse().join(' ')}`
  for (const p of phrases) if (s.endsWith(` ${p}`)) return true
  return false
}

/** The names and places in a field. */
export function entities(ctx: ScreenContext, field: ScreenField): Entity[] {
  const hit = cache.get(field)
  if (hit) return hit
  const out = ctx.language === 'en' ? findEntities(ctx, field) : findUniversal(ctx, field)
  cache.set(field, out)
  return out
}

/** For languages other than English: only what needs no English: addresses with numbers and @handles. */
function findUniversal(ctx: ScreenContext, field: ScreenField): Entity[] {
  const a = analyse(field)
  const out: Entity[] = []
  findHandles(ctx, a.text, out)
  return out
}

const HANDLE = /(^|[^\w@])@([A-Za-z0-9_]{2,30})\b/g
const HASHTAG = /(^|[^\w#])#([\p{L}\p{N}_]{3,60})/gu

function findHandles(ctx: ScreenContext, text: string, out: Entity[]): void {
  for (const m of text.matchAll(HANDLE)) {
    const start = m.index + (m[1] as string).length
    const handle = (m[2] as string).toLowerCase()
    if (ctx.authorNames.has(handle) || ignored(ctx, handle)) continue
    out.push({
      kind: 'name',
      start,
      end: start + 1 + (m[2] as string).length,
      severity: 'warn',
      reason: 'a social-media handle names a person',
    })
  }
}

function ignored(ctx: ScreenContext, f: string): boolean {
  return ctx.lexicons.ignoreNames.some((n) => fold(n) === f)
}

type Run = { i: number; j: number } // token indices, inclusive

function findEntities(ctx: ScreenContext, field: ScreenField): Entity[] {
  const a = analyse(field)
  const toks = a.toks
  const n = toks.length
  const out: Entity[] = []
  const lowerText = a.capRatio < 0.04 && n > 8
  const ignore = new Set<string>()
  for (const name of ctx.lexicons.ignoreNames)
    for (const w of fold(name).split(/[^\p{L}\p{N}'-]+/u)) if (w.length > 1) ignore.add(w)
  const claimed = new Uint8Array(n)

  // Words inside an e-mail address, a URL or another shape-found identifier are not names.
  const hits = patternHits(field)
  if (hits.length) {
    let h = 0
    for (let q = 0; q < n; q++) {
      const t = toks[q] as Tok
      while (h < hits.length && (hits[h] as { end: number }).end <= t.start) h++
      const ph = hits[h]
      if (ph && ph.start < t.end && ph.end > t.start) claimed[q] = 1
    }
  }
  // ---- addresses first: numbers, street words, units, postcodes ----
  findAddresses(toks, a.text, out, claimed)

  // ---- runs of name-like tokens ----
  const candidate = (t: Tok, k: number): boolean => {
    if (claimed[k]) return false
    if (t.isNum) return false
    if (NOT_IDENTIFIERS.has(t.f) && !(k > 0 && isTitle((toks[k - 1] as Tok).f))) return false
    if (t.cap) {
      if (t.allCaps && t.text.length <= 4 && !t.given && !t.surname && isPlaceKey(t.f) === 0) return false
      return true
    }
    // lower case: a gazetteer name that is no English word, in lower-case text or after a cue
    if ((t.given || t.surname) && !t.common && t.f.length >= 3) {
      if (lowerText) return true
      const before = k > 0 ? (toks[k - 1] as Tok).f : ''
      if (PERSON_CUES_BEFORE.has(before) || isTitle(before)) return true
      const prev = toks[k - 1]
      const next = toks[k + 1]
      if (prev && (prev.given || prev.surname) && !prev.common && !prev.cap && /^ $/.test(t.gap)) return true
      if (next && (next.given || next.surname) && !next.common && !next.cap && /^ $/.test(next.gap))
        return true
    }
    return false
  }

  let k = 0
  while (k < n) {
    const t = toks[k] as Tok
    if (!candidate(t, k)) {
      k++
      continue
    }
    let j = k
    while (j + 1 < n) {
      const nx = toks[j + 1] as Tok
      const cur = toks[j] as Tok
      const gap = nx.gap
      const initialGap = cur.text.length === 1 && cur.cap && /^\.?\s$/.test(gap)
      if (!(gap === ' ' || gap === '-' || initialGap || (gap === '. ' && cur.text.length === 1))) break
      if (nx.sentStart) break
      if (candidate(nx, j + 1)) {
        j++
        continue
      }
      // "Ludwig van Beethoven", "Rua do Arenque"
      if (
        CONNECTORS.has(nx.f) &&
        !nx.cap &&
        j + 2 < n &&
        candidate(toks[j + 2] as Tok, j + 2) &&
        (toks[j + 2] as Tok).gap === ' '
      ) {
        j += 2
        continue
      }
      break
    }
    classifyRun(ctx, a.text, toks, { i: k, j }, out, ignore, lowerText)
    k = j + 1
  }
  findHandles(ctx, a.text, out)
  findHashtags(ctx, a.text, out)
  return out
}

function isTitle(f: string): boolean {
  return TITLES.has(f) || CLINICIAN_TITLES.has(f)
}

function classifyRun(
  ctx: ScreenContext,
  text: string,
  toks: readonly Tok[],
  run: Run,
  out: Entity[],
  ignore: ReadonlySet<string>,
  lowerText: boolean,
): void {
  let { i, j } = run
  // A run that opens a sentence with a common word ("The", "Have", "Capitalized") starts after it.
  while (i <= j) {
    const t = toks[i] as Tok
    const lexName = (t.given || t.surname) && !t.common
    if (t.sentStart && t.common && !lexName && !(i > 0 && isTitle((toks[i - 1] as Tok).f))) {
      if (isTitle(t.f) && i < j) break
      i++
      continue
    }
    break
  }
  // Titles inside the run ("Mrs Ellen Hartley" where Mrs was the run's first token)
  let titleTok: Tok | undefined = i > 0 ? (toks[i - 1] as Tok) : undefined
  if (titleTok && !(isTitle(titleTok.f) && /^\.?\s+$/.test((toks[i] as Tok).gap))) titleTok = undefined
  while (i <= j && isTitle((toks[i] as Tok).f)) {
    titleTok = toks[i] as Tok
    i++
  }
  // Trailing common words ("Hartley Ward" is handled by ward rule; "Smith Today")
  while (j >= i) {
    const t = toks[j] as Tok
    if (t.text.length === 1) {
      j--
      continue
    }
    if (CLINICAL_CAPS.has(t.f) && j > i) {
      j--
      continue
    }
    break
  }
  if (j < i) return
  const first = toks[i] as Tok
  const last = toks[j] as Tok
  const slice = toks.slice(i, j + 1)
  const words = slice.filter((t) => t.text.length > 1 || !t.cap)
  if (words.length === 0) return
  // The author's own name and the policy's ignore list.
  if (words.every((t) => ctx.authorNames.has(t.f) || ignore.has(t.f))) return
  const next = toks[j + 1]
  const nextF = next && !next.sentStart ? next.f : ''
  const before = wordsBefore(toks, i, 5)
  const clinicianTitle = titleTok !== undefined && CLINICIAN_TITLES.has(titleTok.f)
  const start = first.start
  const end = last.end
  const push = (kind: Entity['kind'], severity: Entity['severity'], reason: string) =>
    out.push({ kind, start, end, severity, reason })

  const key = words.map((t) => t.f).join(' ')
  const placeKind = isPlaceKey(key)
  const lexName = words.some((t) => (t.given || t.surname) && !t.common)
  const weakLexName = words.some((t) => (t.given || t.surname) && t.cap && !t.sentStart)
  const personCue =
    PERSON_CUES_BEFORE.has(before[0] ?? '') ||
    endsWithPhrase(before, PERSON_PHRASES) ||
    PERSON_CUES_AFTER.has(nextF) ||
    last.possessive ||
    /^\s*,\s*\d{1,3}\s*[,)]/.test(text.slice(last.end, last.end + 8))
  const strongPlace = endsWithPhrase(before, STRONG_PLACE_PHRASES)
  const fromCue = before[0] === 'from'
  const placeCue = strongPlace || fromCue || PLACE_CUES_BEFORE.has(before[0] ?? '')
  const unknown = words.some(
    (t) => !t.common && !t.sentStart && t.cap && !(t.given || t.surname) && isPlaceKey(t.f) === 0,
  )

  // Eponyms and named things: "Cushing syndrome", "Wells score", "the RECOVERY trial".
  const headAfter =
    EPONYM_HEADS.has(nextF) || (last.possessive && next !== undefined && EPONYM_HEADS.has(next.f))
  if (!titleTok && headAfter) return
  if (!titleTok && !personCue && words.every((t) => EPONYMS.has(t.f) || t.common)) {
    placeOrNothing()
    return
  }
  if (
    !titleTok &&
    words.every((t) => t.common || CLINICAL_CAPS.has(t.f)) &&
    words.some((t) => CLINICAL_CAPS.has(t.f))
  )
    return
  // Institutions and departments; a named practice or hospital is a place that can identify.
  if (!titleTok && (words.some((t) => INSTITUTION_WORDS.has(t.f)) || INSTITUTION_WORDS.has(nextF))) {
    const facility = words.some((t) => FACILITY_WORDS.has(t.f)) || FACILITY_WORDS.has(nextF)
    if (facility && words.some((t) => !t.common && !INSTITUTION_WORDS.has(t.f) && !FACILITY_WORDS.has(t.f))) {
      const fend = FACILITY_WORDS.has(nextF) && next ? next.end : end
      out.push({
        kind: 'location',
        start,
        end: fend,
        severity: 'warn',
        reason: 'a named hospital, practice or clinic',
      })
    }
    return
  }

  if (titleTok) {
    push(
      'name',
      clinicianTitle ? 'warn' : 'block',
      clinicianTitle ? "a clinician's name: check they agreed to be named" : 'a name after an honorific',
    )
    return
  }

  if (placeKind && !(personCue && lexName && !placeCue)) {
    const sev =
      placeKind === 3 || placeKind === 2
        ? 'info'
        : strongPlace || fromCue || patientSentence(toks, i)
          ? 'block'
          : 'warn'
    push(
      'location',
      sev,
      placeKind === 3
        ? 'a country: not an identifier alone, but part of the sum of details'
        : placeKind === 2
          ? 'a state, county or region'
          : 'a town or city',
    )
    return
  }
  if (strongPlace && !(lexName && personCue)) {
    push('location', 'block', 'a place someone lives in or comes from')
    return
  }
  if (lexName) {
    if (words.length === 1 && first.sentStart && first.common) return
    push('name', 'block', 'a given name or surname')
    return
  }
  if (fromCue && (unknown || words.length > 1)) {
    push('location', 'block', 'a place someone comes from')
    return
  }
  if (weakLexName && (personCue || words.length > 1)) {
    push('name', 'block', 'a given name or surname')
    return
  }
  if (personCue && words.some((t) => !t.common || !t.sentStart)) {
    push('name', 'block', 'a name, by its context')
    return
  }
  if (unknown) {
    if (placeCue) push('location', 'warn', 'a capitalised name after a place word')
    else push('name', 'warn', 'a capitalised word no dictionary knows: perhaps a name')
    return
  }
  if (lowerText && words.some((t) => !t.common)) {
    push('name', 'warn', 'perhaps a name')
  }
  placeOrNothing()

  function placeOrNothing(): void {
    // Common capitalised words in the middle of a sentence right after a strong place cue:
    // "from Little Snoring".
    if ((strongPlace || fromCue) && words.every((t) => t.cap) && !words.some((t) => t.sentStart)) {
      out.push({
        kind: 'location',
        start,
        end,
        severity: 'block',
        reason: 'a place someone lives in or comes from',
      })
    }
  }
}

function patientSentence(toks: readonly Tok[], i: number): boolean {
  for (let k = i; k >= 0 && i - k < 25; k--) {
    const t = toks[k] as Tok
    if (t.f === 'patient' || t.f === 'pt' || t.f === 'admitted' || t.f === 'mrs' || t.f === 'mr') return true
    if (t.sentStart) break
  }
  return false
}

function findHashtags(ctx: ScreenContext, text: string, out: Entity[]): void {
  for (const m of text.matchAll(HASHTAG)) {
    const start = m.index + (m[1] as string).length
    const tag = m[2] as string
    // #JusticeForJane: split on case changes and look for a name.
    const parts = tag.split(/(?<=\p{Ll})(?=\p{Lu})|_/u)
    if (parts.length < 2) continue
    for (const p of parts) {
      const f = fold(p)
      if (f.length < 3 || NOT_IDENTIFIERS.has(f) || EPONYMS.has(f) || ctx.authorNames.has(f)) continue
      if (GIVEN_NAMES.has(f) && !isCommonWord(f)) {
        out.push({
          kind: 'name',
          start,
          end: start + 1 + tag.length,
          severity: 'block',
          reason: 'a hashtag with a name in it',
        })
        break
      }
    }
  }
}

// ---- addresses ----

function findAddresses(toks: readonly Tok[], text: string, out: Entity[], claimed: Uint8Array): void {
  const n = toks.length
  const spans: Array<{ i: number; j: number; strong: boolean }> = []
  for (let k = 0; k < n; k++) {
    const t = toks[k] as Tok
    // A. "11 Botley Road", "1668 Glyn St", "3911 Fourth Avenue"
    if (t.isNum && /^\d{1,6}[A-Za-z]?$/.test(t.text)) {
      let j = k + 1
      let words = 0
      while (j < n && words < 5) {
        const w = toks[j] as Tok
        if (w.isNum || !(w.cap || CONNECTORS.has(w.f)) || /[,\n.;]/.test(w.gap.replace(/^\.\s$/, ''))) break
        words++
        if (STREET_WORDS.has(w.f) && words > 1) {
          spans.push({ i: k, j, strong: true })
          break
        }
        j++
      }
    }
    // B. units: "Apt. 176", "Suite 967", "P.O. Box 287", "PSC 0413", "Unit 4526 Box 0671"
    if (UNIT_WORDS.has(t.f) && (t.cap || t.f === 'box')) {
      const nx = toks[k + 1]
      if (nx?.isNum && /^[\s.#:,]*$/.test(nx.gap) && !nx.gap.includes('\n')) {
        let i0 = k
        const p1 = toks[k - 1]
        const p2 = toks[k - 2]
        if (t.f === 'box' && p1 && p2 && p1.f === 'o' && p2.f === 'p') i0 = k - 2
        else if (t.f === 'box' && p1 && p1.f === 'po') i0 = k - 1
        spans.push({ i: i0, j: k + 1, strong: true })
      }
    }
    // C. "Puruntie 82", "Via Franscini 71", "ul. Słowicza 10", "Rua do Arenque 1634"
    if (t.isNum && /^\d{1,5}[A-Za-z]?\.?$/.test(t.text) && k > 0 && t.gap === ' ') {
      let i0 = k - 1
      let w = toks[i0] as Tok
      if (
        w.cap &&
        !w.isNum &&
        w.text.length > 2 &&
        !NOT_STREET_NUMBER_WORDS.has(w.f) &&
        !NOT_IDENTIFIERS.has(w.f) &&
        !w.allCaps
      ) {
        while (i0 > 0) {
          const p = toks[i0 - 1] as Tok
          if (p.isNum || w.sentStart || !(p.cap || CONNECTORS.has(p.f)) || !(w.gap === ' ' || w.gap === '. '))
            break
          if (NOT_IDENTIFIERS.has(p.f) || (p.common && p.sentStart)) break
          i0--
          w = p
        }
        const words = toks.slice(i0, k)
        const streety = words.some((x) => STREET_MORPHEMES.test(x.f) || STREET_WORDS.has(x.f))
        const unknownWord = words.some(
          (x) => !x.common && !x.given && !NOT_IDENTIFIERS.has(x.f) && !EPONYMS.has(x.f),
        )
        const before = toks[i0 - 1]
        const cue =
          before !== undefined &&
          (PLACE_CUES_BEFORE.has(before.f) ||
            before.f === 'address' ||
            before.f === 'of' ||
            before.f === 'and')
        const lineStart = i0 === 0 || (toks[i0] as Tok).gap.includes('\n')
        if (
          streety ||
          (unknownWord &&
            (cue || lineStart || /^\s*[,\n]/.test(text.slice(t.end, t.end + 2)) || t.end === text.length))
        ) {
          spans.push({ i: i0, j: k, strong: streety || cue })
        }
      }
    }
  }
  // Postcodes and ZIP codes are found by the pattern rules; here, join an address's tail:
  // ", Lascano, Uruguay 80694", "\nSCHEIBBS, NO 14908".
  spans.sort((x, y) => x.i - y.i)
  let lastEnd = -1
  for (const s of spans) {
    if (s.i <= lastEnd) {
      // overlapping: extend the previous entity
      const prev = out[out.length - 1] as Entity
      prev.end = Math.max(prev.end, (toks[s.j] as Tok).end)
      for (let q = s.i; q <= s.j; q++) claimed[q] = 1
      lastEnd = Math.max(lastEnd, s.j)
      continue
    }
    let i0 = s.i
    // leading building numbers: "172 Maneeži 75", "903 83 Dora Creek"
    while (
      i0 > 0 &&
      (toks[i0 - 1] as Tok).isNum &&
      /^[ ]$/.test((toks[i0] as Tok).gap) &&
      /^\d{1,6}$/.test((toks[i0 - 1] as Tok).text)
    )
      i0--
    let j = s.j
    // the tail: words on the same line or the next few short lines that look like an address
    let lines = 0
    while (j + 1 < toks.length) {
      const nx = toks[j + 1] as Tok
      const gap = nx.gap
      if (/[.!?;]\s/.test(gap) && !/^\.\s$/.test(gap)) break
      if (gap.includes('\n')) {
        if (++lines > 4 || /\n\s*\n\s*\n/.test(gap)) break
      }
      if (!/^[\s,.\-()]*$/.test(gap)) break
      const ok =
        nx.isNum ||
        nx.cap ||
        STATE_CODES.has(nx.f) ||
        UNIT_WORDS.has(nx.f) ||
        CONNECTORS.has(nx.f) ||
        nx.f === 'nan'
      if (!ok) break
      if (
        nx.cap &&
        nx.common &&
        !nx.allCaps &&
        !STREET_WORDS.has(nx.f) &&
        !UNIT_WORDS.has(nx.f) &&
        isPlaceKey(nx.f) === 0
      ) {
        // a capitalised common word ends the address unless a number or place follows
        const nn = toks[j + 2]
        if (!(nn && (nn.isNum || nn.cap) && nn.gap === ' ')) break
      }
      j++
    }
    for (let q = i0; q <= j; q++) claimed[q] = 1
    out.push({
      kind: 'location',
      start: (toks[i0] as Tok).start,
      end: (toks[j] as Tok).end,
      severity: s.strong ? 'block' : 'warn',
      reason: 'a street address',
    })
    lastEnd = j
  }
}
