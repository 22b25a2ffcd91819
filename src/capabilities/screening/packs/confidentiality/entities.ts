import { fdaBrands, fdaCompanies } from '../../lexicons/brands.generated.ts'
import { GIVEN_NAMES } from '../../lexicons/en-names.ts'
import { COUNTRIES, PLACES, REGIONS, STREET_SUFFIXES } from '../../lexicons/places-world.ts'
import type { ScreenContext, ScreenField } from '../../rule.ts'
import { fold } from '../../text.ts'
import { analyse, isCommonWord, type Tok, wordsBefore } from './analysis.ts'
import { dateHits } from './dates.ts'
import { patternHits } from './patterns.ts'
import { execAll } from './scan.ts'
import {
  CLINICAL_CAPS,
  CLINICIAN_TITLES,
  EPONYM_HEADS,
  EPONYMS,
  FUNCTION_WORDS,
  INSTITUTION_WORDS,
  NOT_IDENTIFIERS,
  PERSON_CUES_AFTER,
  PERSON_CUES_BEFORE,
  PERSON_VERBS_AFTER,
  PLACE_CUES_BEFORE,
  STRONG_PLACE_PHRASES,
  TITLES,
} from './words.ts'

/**
 * Finds people's names and places in one field, in one pass, so the two rules never claim the
 * same words twice. Evidence is weighed per run of capitalised words: an honorific before it,
 * a given name or surname from the gazetteer, a cue ("his wife", "lives in", "said"), a place
 * from the gazetteer, or a capitalised word that no dictionary knows in the middle of a
 * sentence. Eponyms, named trials, institutions and clinical headings are set aside first.
 * Street addresses are found before names, from their numbers, street words and unit words.
 */
export type Entity = {
  kind: 'name' | 'location'
  start: number
  end: number
  severity: 'block' | 'warn' | 'info'
  /** Why it was flagged, for the message. */
  reason: string
  /** An @handle: what is found inside it is folded into it. */
  handle?: true
}

const CONNECTORS = new Set(
  'van von de der den del della di da du le la bin ibn al el dos das ter ten st y do o na'.split(' '),
)
const PLACE_PREPOSITIONS = new Set(['in', 'at', 'to', 'from', 'near'])
const RESIDENCE_VERBS = new Set('lives lived living live moved born raised resides resident grew'.split(' '))
const ANATOMY_OF = new Set(
  `circle loop bundle islets islet pouch tetralogy ligament canal duct organ node triangle foramen crypts glands gland
angle ampulla sphincter fissure columns column space spaces sinus sinuses tubercle nucleus capsule fibres fibers
sign law ring pyramid plexus valve hiatus`.split(/\s+/),
)
const LANDMARKS = new Set(
  `building stadium park hall church cathedral mall arena bridge tower station airport beach lake river mountain mount
island lounge bar pub hotel inn motel restaurant cafe theatre theater plaza market zoo museum gallery library castle
palace abbey chapel temple mosque synagogue campus gardens valley harbour harbor port canyon falls forest woods`.split(
    /\s+/,
  ),
)
const FACILITY_WORDS = new Set('hospital infirmary surgery practice clinic hospice medical health'.split(' '))
const ORG_WORDS = new Set('orchestra band choir ensemble partners ltd inc llc gmbh club bank'.split(' '))
const STREET_WORDS = new Set([
  ...STREET_SUFFIXES,
  ...'st rd ave av blvd ln ct pl sq cres terr hwy str pkwy'.split(' '),
])
/** Words for "street" in other languages, written before or inside the street's name. */
const STREET_PREFIXES = new Set(
  'ul ulica avda avenida av rua via viale vicolo calle c trg u utca str rue route chemin place plaza paseo praca largo piazza ulitsa prospekt gatan gata gate vej tie katu ter tér út ut leoforos odos'.split(
    ' ',
  ),
)
const STREET_MORPHEMES =
  /(?:stra(?:ss|ß)e|str|gate|gata|gatan|vej|vegen|veien|vagen|vag|tie|katu|kuja|polku|tanya|utca|ulica|weg|laan|straat|plein|gade|alle|allee|gasse|platz|ring|tee|maantee|iela|braut|vegur|gata|stigur|sokak|sokagi|caddesi|bulvar)$/
const UNIT_WORDS = new Set(
  'apt apartment suite ste unit flat box postbox psc apo fpo dpo floor building bldg lot'.split(' '),
)
const NOT_STREET_NUMBER_WORDS = new Set(
  `ward bed bay room type grade stage figure fig table day week year phase level class zone covid version chapter
page step section part question case number no windows iphone web top gcs news score lead leads vitamin factor
channel hb hba1c wcc plt crp egfr bmi sats temp trop troponin lactate glucose ferritin sodium potassium creatinine
urea bilirubin albumin platelets neuts lymphs gestation para gravida mobility frailty apgar cfs nyha asa ecog
na k cl cr ca mg po4 ph hco3 urea crp gcs hr rr bp spo2 sats temp alt ast alp ggt inr pt aptt tsh ft4 ldl hdl wbc
rbc mcv mch esr bnp ck ckmb ldh amylase lipase vbg abg pco2 po2 fio2 peep map cvp iop bmi gfr qt qtc pr qrs
appendix slide slides tip tips point points rule rules item items lesson module unit cohort arm visit dose cycle
round series season episode top gen generation pcr sars`.split(/\s+/),
)
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
  'names are',
  'known as',
]
const PERSON_PHRASE_ENDS = new Set(PERSON_PHRASES.map((p) => p.split(' ').at(-1) as string))
const STATE_CODES = new Set(
  `al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc nd oh ok or pa ri
sc sd tn tx ut vt va wa wv wi wy dc pr aa ae ap on qc bc ab mb sk ns nb nl pe nt yt nu nsw vic qld sa tas act`.split(
    /\s+/,
  ),
)

/**
 * Words of drug brands and generic names (the commercial pack's FDA lexicon): "Ozempic",
 * "Prednisolone", "Sodium Chloride" are medicines, not people. Given names are left out, so a
 * brand that is also a name ("Ella") still counts as a name.
 */
const DRUG_WORDS: ReadonlySet<string> = (() => {
  const out = new Set<string>()
  for (const line of fdaBrands.split('\n')) {
    const [brand = '', generics = ''] = line.split('\t')
    for (const w of `${brand} ${generics.replace(/\|/g, ' ')}`.split(/[\s,/()]+/)) {
      if (w.length >= 4 && /^[a-z-]+$/.test(w) && !GIVEN_NAMES.has(w)) out.add(w)
    }
  }
  return out
})()

/**
 * Drug companies (the FDA application holders of the commercial pack's lexicon), by their first
 * one or two words without the legal suffix: "Novo Nordisk", "Eli Lilly", "Pfizer".
 */
const COMPANY_SUFFIXES = new Set(
  'inc llc ltd co corp corporation pharms pharm pharma pharmaceuticals pharmaceutical labs lab laboratories usa us plc sa ag gmbh bv nv sub and the of holdings group'.split(
    ' ',
  ),
)
const COMPANIES: ReadonlySet<string> = (() => {
  const out = new Set<string>()
  for (const c of fdaCompanies) {
    const words = fold(c)
      .split(/[^a-z0-9]+/)
      .filter((w) => w && !COMPANY_SUFFIXES.has(w))
    const [w0, w1] = words
    if (!w0) continue
    if (w1) out.add(`${w0} ${w1}`)
    if (w0.length >= 4 && !GIVEN_NAMES.has(w0)) out.add(w0)
  }
  return out
})()

/** Medical word endings: an unknown capitalised word ending so is a term, not a person. */
const MEDICAL_WORD =
  /(?:amol|cardia|pnoea|pnea|ptysis|lysis|graphy|scopy|metry|megaly|thorax|ectasis|emesis|aena|ena|ation|isation|ization|ium|itus|icaria|axis|cope|ella|ellae|monas|bacterium|plasma|myces|virus|viridae|olone|formin|clav|azepam|oxetine|triptan|semide|thiazide|lukast|sone|itis|osis|oses|emia|aemia|ectomy|otomy|ostomy|ology|ologist|plasty|pathy|cyte|cytes|bacter|coccus|cocci|bacillus|mab|nib|pril|sartan|olol|statin|azole|mycin|cillin|cycline|floxacin|parin|gliflozin|gliptin|glutide|prazole|tidine|dipine|algia|uria|penia|trophy|plasia|ectasia|ism|isms|oma|omas|aemic|emic)$/

/** One lookup for every place list: 1 town or city, 2 region, 3 country. */
const PLACE_KIND = new Map<string, 1 | 2 | 3>()
for (const k of COUNTRIES) PLACE_KIND.set(k, 3)
for (const k of REGIONS) PLACE_KIND.set(k, 2)
for (const k of PLACES) PLACE_KIND.set(k, 1)
// Abbreviations that name only a place (not "LA", "DC", "GA": left atrium, discharge, anaesthesia).
for (const k of ['uk', 'usa', 'uae', 'nyc', 'ny', 'nj']) PLACE_KIND.set(k, 2)

/** First words of the places that have several ("new" of "new york"): n-grams start only there. */
const PLACE_FIRST_WORDS = new Set<string>()
for (const k of PLACE_KIND.keys()) {
  const sp = k.indexOf(' ')
  if (sp > 0) PLACE_FIRST_WORDS.add(k.slice(0, sp))
}

function isPlaceKey(k: string): 0 | 1 | 2 | 3 {
  return PLACE_KIND.get(k) ?? 0
}

const phraseIndex = new WeakMap<readonly string[], Map<string, string[][]>>()
/** Whether the words before a token (nearest first) end with one of the phrases. */
function endsWithPhrase(words: readonly string[], phrases: readonly string[]): boolean {
  const w0 = words[0]
  if (w0 === undefined) return false
  let index = phraseIndex.get(phrases)
  if (!index) {
    index = new Map()
    for (const p of phrases) {
      const parts = p.split(' ').reverse()
      const list = index.get(parts[0] as string) ?? []
      list.push(parts)
      index.set(parts[0] as string, list)
    }
    phraseIndex.set(phrases, index)
  }
  const candidates = index.get(w0)
  if (!candidates) return false
  outer: for (const parts of candidates) {
    for (let q = 1; q < parts.length; q++) if (words[q] !== parts[q]) continue outer
    return true
  }
  return false
}

function isTitle(f: string): boolean {
  return TITLES.has(f) || CLINICIAN_TITLES.has(f)
}

/** The names and places in a field. */
export function entities(ctx: ScreenContext, field: ScreenField): Entity[] {
  return ctx.memo(`confidentiality.entities:${field.name}`, () =>
    ctx.language === 'en' ? findEntities(ctx, field) : findUniversal(ctx, field),
  )
}

/** For other languages: only what needs no English, the @handles. */
function findUniversal(ctx: ScreenContext, field: ScreenField): Entity[] {
  const out: Entity[] = []
  findHandles(ctx, field.text, out)
  return out
}

const HANDLE = /(^|[^\w@.])@([A-Za-z0-9_]{2,30})\b/g
const HASHTAG = /(^|[^\w#&])#([\p{L}\p{N}_]{3,60})/gu

function findHandles(ctx: ScreenContext, text: string, out: Entity[]): void {
  for (const m of execAll(HANDLE, text)) {
    const start = m.index + (m[1] as string).length
    const handle = (m[2] as string).toLowerCase()
    if (
      ctx.authorNames.has(handle) ||
      ctx.lexicons.ignoreNames.some((n) => fold(n).replace(/^@/, '') === handle)
    )
      continue
    out.push({
      kind: 'name',
      start,
      end: start + 1 + (m[2] as string).length,
      severity: 'warn',
      reason: 'a social-media handle names a person',
      handle: true,
    })
  }
}

function findHashtags(ctx: ScreenContext, text: string, out: Entity[]): void {
  for (const m of execAll(HASHTAG, text)) {
    const start = m.index + (m[1] as string).length
    const tag = m[2] as string
    const end = start + 1 + tag.length
    // #JusticeForJane, #NewDelhi: split on case changes and look for a name or a place.
    const parts = tag.split(/(?<=\p{Ll})(?=\p{Lu})|_/u).map((p) => fold(p))
    if (parts.length < 2) {
      // #Denver, #Thailand: a place, worth a note (a town tags where a post was written).
      const f = parts[0] as string
      if (f.length >= 4 && isPlaceKey(f) > 0 && !isCommonWord(f) && !NOT_IDENTIFIERS.has(f))
        out.push({ kind: 'location', start, end, severity: 'info', reason: 'a hashtag naming a place' })
      continue
    }
    let found: Entity | undefined
    for (let i = 0; i < parts.length && !found; i++) {
      const f = parts[i] as string
      if (f.length < 3 || NOT_IDENTIFIERS.has(f) || EPONYMS.has(f) || ctx.authorNames.has(f)) continue
      if (GIVEN_NAMES.has(f) && !isCommonWord(f)) {
        found = { kind: 'name', start, end, severity: 'block', reason: 'a hashtag with a name in it' }
      }
      for (let len = Math.min(3, parts.length - i); len >= 2 && !found; len--) {
        if (isPlaceKey(parts.slice(i, i + len).join(' '))) {
          found = { kind: 'location', start, end, severity: 'warn', reason: 'a hashtag with a place in it' }
        }
      }
    }
    if (found) out.push(found)
  }
}

type RunKind = 'name' | 'location' | 'excluded' | 'none'
type RunResult = { i: number; j: number; kind: RunKind; words: Tok[]; all: Tok[] }

function findEntities(ctx: ScreenContext, field: ScreenField): Entity[] {
  const a = analyse(ctx, field)
  const toks = a.toks
  const n = toks.length
  const out: Entity[] = []
  const lowerText = (a.capRatio < 0.04 && a.midWords >= 3) || !/\p{Lu}/u.test(a.text)
  const ignore = new Set<string>()
  for (const name of ctx.lexicons.ignoreNames) {
    for (const w of fold(name).split(/[^\p{L}\p{N}'-]+/u)) if (w.length > 1) ignore.add(w)
  }
  const claimed = new Uint8Array(n)

  // Words inside an e-mail address, a URL, a date or another shape-found identifier are not names.
  const hits: Array<{ start: number; end: number }> = [
    ...patternHits(ctx, field),
    ...dateHits(ctx, field).filter((d) => d.kind === 'date'),
  ]
  hits.sort((x, y) => x.start - y.start)
  if (hits.length) {
    let h = 0
    for (let q = 0; q < n; q++) {
      const t = toks[q] as Tok
      while (h < hits.length && (hits[h] as { end: number }).end <= t.start) h++
      for (let x = h; x < hits.length && (hits[x] as { start: number }).start < t.end; x++) {
        if ((hits[x] as { end: number }).end > t.start) claimed[q] = 1
      }
    }
  }
  findAddresses(toks, a.text, out, claimed)

  const afterPersonPhrase = (k: number) =>
    k > 0 &&
    PERSON_PHRASE_ENDS.has((toks[k - 1] as Tok).f) &&
    endsWithPhrase(wordsBefore(toks, k, 5), PERSON_PHRASES)
  const candidate = (t: Tok, k: number): boolean => {
    if (claimed[k] || t.isNum || t.codeLike) return false
    if (notANameHere(toks, k)) return false
    if (FUNCTION_WORDS.has(t.f)) {
      const prev = toks[k - 1]
      const next = toks[k + 1]
      // "son Will", "Mr Hope"; "Much Wenlock", "at The Standard": a capitalised function word
      // mid-sentence right before another capitalised word, or right after a person cue.
      const ok =
        t.cap &&
        !t.sentStart &&
        !t.allCaps &&
        ((prev !== undefined && (isTitle(prev.f) || PERSON_CUES_BEFORE.has(prev.f))) ||
          (next?.cap && !next.allCaps && next.gap === ' ' && !FUNCTION_WORDS.has(next.f) && !next.isNum))
      if (!ok) return false
    }
    if (
      t.cap &&
      !t.given &&
      !t.surname &&
      (MEDICAL_WORD.test(t.f) || DRUG_WORDS.has(t.f)) &&
      isPlaceKey(t.f) === 0 &&
      !spokenOfAsAPerson(toks, k)
    )
      return false
    if (NOT_IDENTIFIERS.has(t.f) && !(k > 0 && isTitle((toks[k - 1] as Tok).f)) && !monthNamed(toks, k))
      return false
    if (t.cap) {
      if (t.allCaps && t.text.length <= 4 && !t.given && !t.surname && isPlaceKey(t.f) === 0) {
        // Short capitals are acronyms, unless a place cue or other capitals surround them.
        const prev = toks[k - 1]
        return (
          prev !== undefined &&
          (prev.allCaps || endsWithPhrase(wordsBefore(toks, k, 3), STRONG_PLACE_PHRASES)) &&
          !prev.isNum
        )
      }
      return true
    }
    if (t.f.length < 3 || t.common) return false
    // Lower case: a town or country ("moved to london", "in kilkenny"), in lower-case text or after a place word.
    if (
      isPlaceKey(t.f) > 0 &&
      (lowerText || t.f.length >= 5 || PLACE_CUES_BEFORE.has(k > 0 ? (toks[k - 1] as Tok).f : ''))
    )
      return true
    // Lower case: a gazetteer given name that is no English word ("sarah", "emily blunt"); a
    // surname in lower-case text or next to another name; any unknown word after "my name is".
    if (t.given && t.f.length >= 4) return true
    if (t.given || t.surname) {
      if (lowerText) return true
      const before = k > 0 ? (toks[k - 1] as Tok).f : ''
      if (PERSON_CUES_BEFORE.has(before) || isTitle(before)) return true
      const prev = toks[k - 1]
      const next = toks[k + 1]
      if (prev && !prev.common && !prev.cap && !prev.isNum && (prev.given || prev.surname) && t.gap === ' ')
        return true
      if (next && !next.common && !next.cap && !next.isNum && next.gap === ' ' && (t.given || next.surname))
        return true
    }
    if (lowerText && k > 0 && (toks[k - 1] as Tok).given && !(toks[k - 1] as Tok).common && t.gap === ' ')
      return true
    return afterPersonPhrase(k)
  }

  // Lines of five words or more with no digit, written in capitals: shouting, where a capitalised
  // unknown word says nothing. Short lines in capitals are address blocks ("SCHEIBBS, NO 14908").
  const shoutedLine = new Uint8Array(n)
  for (let s0 = 0; s0 < n; ) {
    let e0 = s0 + 1
    while (e0 < n && !(toks[e0] as Tok).gap.includes('\n')) e0++
    let words = 0
    let caps = 0
    let digits = false
    for (let q = s0; q < e0; q++) {
      const t = toks[q] as Tok
      if (t.isNum) digits = true
      else {
        words++
        if (t.allCaps) caps++
      }
    }
    if (!digits && words >= 5 && caps * 2 >= words) shoutedLine.fill(1, s0, e0)
    s0 = e0
  }
  const runs: RunResult[] = []
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
      const initial = (cur.text.length === 1 && cur.cap) || (isTitle(cur.f) && cur.cap)
      const okGap =
        gap === ' ' || gap === '-' || gap === "'" || gap === "' " || (initial && /^ ?\.?\s$/.test(gap))
      if (!okGap || (nx.sentStart && !initial)) break
      if (candidate(nx, j + 1)) {
        j++
        continue
      }
      // "john smith": a lower-case surname that is also a word, after a lower-case given name.
      if (
        !nx.cap &&
        !cur.cap &&
        cur.given &&
        nx.surname &&
        nx.gap === ' ' &&
        !claimed[j + 1] &&
        !FUNCTION_WORDS.has(nx.f)
      ) {
        j++
        continue
      }
      // "Ludwig van Beethoven", "Rua do Arenque", "Villafranca del Cid"
      const after = toks[j + 2]
      if (CONNECTORS.has(nx.f) && !nx.cap && after && after.gap === ' ' && candidate(after, j + 2)) {
        j += 2
        continue
      }
      break
    }
    runs.push(classifyRun(ctx, a.text, toks, k, j, out, ignore, lowerText, shoutedLine))
    k = j + 1
  }

  // Coordination: "Park and Mann were", "Usamov and Bowers": a run joined by "and", "or", "&"
  // or a comma to a name (or a place) is one too, unless it was set aside as an eponym.
  for (let r = 0; r + 1 < runs.length; r++) {
    const x = runs[r] as RunResult
    const y = runs[r + 1] as RunResult
    const xEnd = (x.words.length ? x.words : x.all).at(-1)
    const yStart = (y.words.length ? y.words : y.all)[0]
    if (!xEnd || !yStart) continue
    const between = a.text.slice(xEnd.end, yStart.start)
    if (!/^(?:'s)?\s*(?:,|and|or|&|,\s*and)\s*$/i.test(between)) continue
    for (const [from, to] of [
      [x, y],
      [y, x],
    ] as const) {
      const other = to.words.length ? to.words : to.all
      if (
        (from.kind === 'name' || from.kind === 'location') &&
        to.kind === 'none' &&
        other.some((w) => w.cap && (!w.common || (from.kind === 'name' && (w.surname || w.given))))
      ) {
        const a0 = other[0] as Tok
        const a1 = other[other.length - 1] as Tok
        out.push({
          kind: from.kind,
          start: a0.start,
          end: a1.end,
          severity: 'warn',
          reason:
            from.kind === 'name' ? 'a name listed with another name' : 'a place listed with another place',
        })
        to.kind = from.kind
      }
    }
  }

  // A postcode right after a place: "Quinta de São Tiago 3610-114", "København K 1421"; a
  // name after "in" or "at" followed by one is a place too.
  for (const e of out) {
    if (e.kind !== 'location') {
      const before = a.text.slice(Math.max(0, e.start - 4), e.start)
      if (!/\b(?:in|at)\s$/i.test(before)) continue
    }
    const m = /^,?[ \t]*(?:\d{3,5}(?:[- ]\d{2,4})?|[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2})(?![\d\p{L}])/u.exec(
      a.text.slice(e.end, e.end + 14),
    )
    if (m) {
      e.end += m[0].length
      e.kind = 'location'
    }
  }
  findHandles(ctx, a.text, out)
  findHashtags(ctx, a.text, out)
  markSignature(a.text, out)
  return foldIntoHandles(out)
}

const SEVERITY_RANK = { info: 0, warn: 1, block: 2 } as const

/**
 * A name or place found inside an @handle ("@x_yesenia", "@Mys_Perdita") is one identifier, not
 * two: the handle's finding stands for it, as severe as the strongest finding inside it.
 */
function foldIntoHandles(out: Entity[]): Entity[] {
  const handles = out.filter((e) => e.handle)
  if (handles.length === 0) return out
  const inside = new Set<Entity>()
  for (const h of handles) {
    for (const e of out) {
      if (e.handle || e.start < h.start || e.end > h.end) continue
      inside.add(e)
      if (SEVERITY_RANK[e.severity] > SEVERITY_RANK[h.severity]) {
        h.severity = e.severity
        h.reason =
          e.kind === 'location'
            ? 'a social-media handle with a place in it'
            : 'a social-media handle with a name in it'
      }
    }
  }
  return inside.size ? out.filter((e) => !inside.has(e)) : out
}

const SIGN_OFF =
  /^\s*(?:[—–~-]+\s*|(?:signed|regards|best wishes|best|thanks|thank you|cheers|from|written by|posted by)\b[:,]?\s*)/i

/**
 * The author's sign-off ("— Dr Sarah Jones, FY2", "Thanks, Sarah") is usually the author's own
 * name: when the author's name is not known, a name there is reported as info, not blocked.
 */
function markSignature(text: string, out: Entity[]): void {
  const trimmed = text.replace(/\s+$/, '')
  const lastBreak = trimmed.lastIndexOf('\n')
  const lineStart = lastBreak + 1
  const line = trimmed.slice(lineStart)
  let zone = -1
  if (SIGN_OFF.test(line) && line.length < 80) zone = lineStart
  else if (lastBreak > 0) {
    // "Thanks,\nSarah"
    const prevStart = trimmed.lastIndexOf('\n', lastBreak - 1) + 1
    const prev = trimmed.slice(prevStart, lastBreak)
    if (
      /^\s*(?:regards|best wishes|best|thanks|thank you|cheers|signed|love)[,!.]?\s*$/i.test(prev) &&
      line.length < 60
    )
      zone = lineStart
  }
  if (zone < 0) return
  // "Thanks to Ellen…" thanks someone else: not a sign-off.
  if (/^\s*(?:thanks|thank you)\s+to\b/i.test(trimmed.slice(zone))) return
  // Not when the line talks about a patient ("— Mrs Hartley, 93, admitted today").
  if (
    /\b(?:mrs?|ms|miss|mx|patient|pt|admitted|aged?|\d{1,3}\s*(?:yo|y\/o|years?))\b/i.test(
      trimmed.slice(zone),
    )
  )
    return
  for (const e of out) {
    // The name closes the sign-off, with at most credentials after a comma or dash ("Sarah Jones,
    // FY2"); "Thanks Ellen Hartley for letting us share your story" thanks the patient.
    const after = trimmed.slice(e.end)
    if (!/^\s*(?:$|[,|–—-])/.test(after)) continue
    // Credentials name a role, not a person spoken to: "Thank you Ellen Harris, the best nurse
    // on the ward" thanks someone.
    if (
      /\b(?:the|a|an|for|who|you|your|our|my|his|her|their|we|thanks|thank)\b/i.test(
        after.split('\n')[0] as string,
      )
    )
      continue
    if (e.kind === 'name' && e.start >= zone && e.severity !== 'info') {
      e.severity = 'info'
      e.reason = "a name in the sign-off, probably the author's own"
    }
  }
}

function classifyRun(
  ctx: ScreenContext,
  text: string,
  toks: readonly Tok[],
  i0: number,
  j0: number,
  out: Entity[],
  ignore: ReadonlySet<string>,
  lowerText: boolean,
  shoutedLine: Uint8Array,
): RunResult {
  let i = i0
  let j = j0
  const result = (kind: RunKind): RunResult =>
    i <= j
      ? { i, j, kind, words: toks.slice(i, j + 1) as Tok[], all: toks.slice(i0, j0 + 1) as Tok[] }
      : { i: i0, j: j0, kind, words: [], all: toks.slice(i0, j0 + 1) as Tok[] }
  // A run that opens a sentence with a common word ("The", "Have", "Capitalized") starts after it.
  while (i <= j) {
    const t = toks[i] as Tok
    if (t.sentStart && t.common && !((t.given || t.surname) && !t.common) && !isTitle(t.f)) {
      i++
      continue
    }
    break
  }
  // An honorific before or at the head of the run.
  let titleTok: Tok | undefined
  const prev = toks[i - 1]
  if (prev && isTitle(prev.f) && /^ ?\.?\s+$/.test((toks[i] as Tok | undefined)?.gap ?? '')) titleTok = prev
  while (i < j && isTitle((toks[i] as Tok).f)) {
    titleTok = toks[i] as Tok
    i++
  }
  if (i <= j && isTitle((toks[i] as Tok).f) && i === j) return result('none')
  // Trailing single letters and headings ("Smith Key Points" keeps Smith).
  while (j > i) {
    const t = toks[j] as Tok
    if (t.text.length === 1 && t.cap) {
      j--
      continue
    }
    if (CLINICAL_CAPS.has(t.f) && !(t.given || t.surname)) {
      j--
      continue
    }
    break
  }
  if (j < i) return result('none')
  const first = toks[i] as Tok
  const last = toks[j] as Tok
  const words = (toks.slice(i, j + 1) as Tok[]).filter((t) => !(t.text.length === 1 && t.cap))
  if (words.length === 0) return result('none')
  if (words.every((t) => ctx.authorNames.has(t.f) || ignore.has(t.f))) return result('excluded')
  const next = toks[j + 1]
  const nextF = next && !next.sentStart ? next.f : ''
  const before = wordsBefore(toks, i, 5)
  const start = first.start
  const end = last.end
  const push = (kind: 'name' | 'location', severity: Entity['severity'], reason: string): RunResult => {
    out.push({ kind, start, end, severity, reason })
    return result(kind)
  }
  const textAfter = text.slice(last.end + (last.possessive ? 2 : 0), last.end + 12)
  const lineStart = first.start === 0 || first.gap.includes('\n') || i === 0
  const key = words.map((t) => t.f).join(' ')
  const placeKind = isPlaceKey(key)
  const lexName = words.some((t) => (t.given || t.surname) && !t.common)
  const weakLexName = words.some((t) => (t.given || t.surname) && t.cap && !t.sentStart)
  // An unknown word is one no list knows; shouted words ("SORRRRY", "EARPHONES") and stretched
  // spellings ("Wheeee") are not evidence of a name.
  const unknownWord = (t: Tok) =>
    t.f.length > 2 &&
    !t.common &&
    !(t.given || t.surname) &&
    isPlaceKey(t.f) === 0 &&
    !EPONYMS.has(t.f) &&
    !(t.allCaps && shoutedLine[i] === 1) &&
    !/(\p{L})\1\1/u.test(t.f)
  const unknown = words.some((t) => t.cap && !t.sentStart && unknownWord(t))
  const nameish = lexName || weakLexName || words.some(unknownWord)
  const speakerLabel = lineStart && /^\s*:/.test(textAfter) && words.length <= 3 && (nameish || first.given)
  const vocative =
    nameish &&
    words.length <= 3 &&
    ((/,\s*$/.test(first.gap) && /^\s*[?!.]/.test(textAfter)) ||
      (first.sentStart &&
        /^\s*,\s*(?:can|could|would|will|please|i|you|we|what|how|why|where|when|do|did|are|is|thanks|thank|hi|hello|hey|remember|listen|look|come|go|stop|wait|don't|let's)\b/i.test(
          textAfter,
        )))
  const personCue =
    PERSON_CUES_BEFORE.has(before[0] ?? '') ||
    endsWithPhrase(before, PERSON_PHRASES) ||
    (PERSON_CUES_AFTER.has(nextF) && nameish) ||
    PERSON_VERBS_AFTER.has(nextF) ||
    (last.possessive && nameish) ||
    /^\s*,\s*\d{1,3}\s*[,)]/.test(textAfter) ||
    speakerLabel ||
    vocative
  // "lives in", and also "lives alone in", "was born and raised in".
  const strongPlace =
    endsWithPhrase(before, STRONG_PLACE_PHRASES) ||
    (PLACE_PREPOSITIONS.has(before[0] ?? '') && before.slice(1, 4).some((w) => RESIDENCE_VERBS.has(w)))
  const fromCue = before[0] === 'from'
  const placeCue = strongPlace || fromCue || PLACE_CUES_BEFORE.has(before[0] ?? '')

  // A cited author, "McKeith IG et al.", "Smith J, Jones K": the reference, not a patient.
  if (
    !titleTok &&
    /^\s+\p{Lu}{1,3}\b\.?(?:,|\s+et al|\s+and\s|\.|\s*\()/u.test(text.slice(last.end, last.end + 14)) &&
    !/^\s+(?:I|II|III|IV|V|VI|VII|VIII|IX|X|JR|SR)\b/.test(text.slice(last.end, last.end + 6))
  )
    return result('excluded')
  if (/^\s+et al\b/.test(textAfter)) return result('excluded')
  if (titleTok) {
    const clinician = CLINICIAN_TITLES.has(titleTok.f)
    return push(
      'name',
      clinician ? 'warn' : 'block',
      clinician ? "a clinician's name: check they agreed to be named" : 'a name after an honorific',
    )
  }
  // A drug company is not a patient: "Novo Nordisk", "Eli Lilly".
  if (!titleTok && COMPANIES.has(key)) return result('excluded')
  // "Circle of Willis", "Loop of Henle", "Tetralogy of Fallot": an eponym after "<structure> of".
  if (!titleTok && before[0] === 'of' && before[1] !== undefined && ANATOMY_OF.has(before[1]))
    return result('excluded')
  // Eponyms and named things: "Cushing syndrome", "Wells score", "the RECOVERY trial".
  // "Hughes disability scale": one lower-case word may stand between.
  const next2 = toks[j + 2]
  const headAfter =
    EPONYM_HEADS.has(nextF) ||
    (last.possessive && next !== undefined && EPONYM_HEADS.has(next.f)) ||
    (next !== undefined &&
      !next.cap &&
      next.gap === ' ' &&
      next2 !== undefined &&
      next2.gap === ' ' &&
      EPONYM_HEADS.has(next2.f))
  // "Benitez scores again": a verb after a name that is no eponym, not "the Wells scores".
  const verbAfter = PERSON_VERBS_AFTER.has(nextF) && !words.every((t) => EPONYMS.has(t.f))
  if (headAfter && !verbAfter) return result('excluded')
  // An eponym written in lower case is the disease or sign it names ("addison crisis", "pt with
  // cushings"), not the town of the same name, unless a person cue says otherwise.
  if (!personCue && words.every((t) => !t.cap && EPONYMS.has(t.f.replace(/'?s$/, ''))))
    return result('excluded')
  // A one-word place that is also a dictionary word or a two-letter code ("As", "Deal", "WA")
  // is a place only after a place word.
  const weakPlace = words.length === 1 && (first.common || first.text.length <= 2) && !placeCue
  if (placeKind && !weakPlace && !(personCue && lexName && !placeCue)) {
    // A known town blocks when it is where a patient lives or comes from, or when the sentence
    // is about a patient; a conference in London is only worth a note.
    const severity =
      placeKind >= 2 ? 'info' : strongPlace || fromCue || patientSentence(toks, i) ? 'block' : 'info'
    return push(
      'location',
      severity,
      placeKind === 3
        ? 'a country: not an identifier alone, but part of the sum of details'
        : placeKind === 2
          ? 'a state, county or region'
          : 'a town or city',
    )
  }
  // Institutions and departments; a named practice or hospital is a place that can identify,
  // and an employer's name is one of HIPAA's names.
  const institution =
    words.some((t) => INSTITUTION_WORDS.has(t.f) || ORG_WORDS.has(t.f)) ||
    INSTITUTION_WORDS.has(nextF) ||
    ORG_WORDS.has(nextF)
  if (institution) {
    const own = words.filter(
      (t) => !INSTITUTION_WORDS.has(t.f) && !ORG_WORDS.has(t.f) && !FACILITY_WORDS.has(t.f),
    )
    const facility = words.some((t) => FACILITY_WORDS.has(t.f)) || FACILITY_WORDS.has(nextF)
    const distinctive = own.some((t) => !t.common || t.given || t.surname || isPlaceKey(t.f) > 0)
    if (!distinctive) return result('excluded')
    const fend =
      (FACILITY_WORDS.has(nextF) || INSTITUTION_WORDS.has(nextF) || ORG_WORDS.has(nextF)) && next
        ? next.end
        : end
    out.push({
      kind: facility ? 'location' : 'name',
      start,
      end: fend,
      severity: 'warn',
      reason: facility
        ? 'a named hospital, practice or clinic'
        : "an organisation's name (an employer can identify a patient)",
    })
    return result('excluded')
  }
  // A named landmark: "Wildcat Stadium", "Empire State Building", "Glover Park".
  if (words.length > 1 && LANDMARKS.has(last.f) && last.cap && !last.allCaps && words.every((t) => t.cap)) {
    return push('location', 'warn', 'a named place or building')
  }
  // A named street: "Marina Fort Street", "Botley Road".
  if (
    words.length > 1 &&
    STREET_WORDS.has(last.f) &&
    last.cap &&
    !last.allCaps &&
    words.every((t) => t.cap)
  ) {
    return push('location', placeCue || patientSentence(toks, i) ? 'block' : 'warn', 'a street')
  }
  // An eponym that is also a common surname or given name ("Harris", "Jones", "Thomas"), alone,
  // mid-sentence and with no disease, sign or score after it, is more likely a person: "We saw
  // Harris on the ward". "Salter-Harris", "Wilson's disease" and "the Wells score" stay eponyms.
  if (
    !personCue &&
    words.length === 1 &&
    EPONYMS.has(first.f) &&
    (first.given || first.surname) &&
    first.cap &&
    !first.sentStart &&
    !first.allCaps &&
    !first.possessive &&
    !(toks[i - 1]?.cap ?? false) &&
    !(next?.cap ?? false)
  )
    return push(
      'name',
      'warn',
      'a surname that is also an eponym: a person, unless a disease or sign is meant',
    )
  if (!personCue && words.every((t) => EPONYMS.has(t.f) || t.common)) {
    if ((strongPlace || fromCue) && words.every((t) => t.cap && !t.sentStart)) {
      return push('location', 'block', 'a place someone lives in or comes from')
    }
    // "in Lower Slaughter": two or more capitalised words after a place word, mid-sentence;
    // after "at", one is enough ("at Gardens", "at The Pageant"): a venue.
    if (
      placeCue &&
      (words.length > 1 || before[0] === 'at') &&
      words.every((t) => t.cap && !t.sentStart && !t.allCaps && !CLINICAL_CAPS.has(t.f))
    ) {
      return push('location', 'warn', 'capitalised words after a place word: perhaps a place')
    }
    return subPlaces() ?? result(words.some((t) => EPONYMS.has(t.f)) ? 'excluded' : 'none')
  }
  if (
    !personCue &&
    words.every((t) => t.common || CLINICAL_CAPS.has(t.f)) &&
    words.some((t) => CLINICAL_CAPS.has(t.f))
  ) {
    return result('excluded')
  }
  if (strongPlace && !(lexName && personCue))
    return push('location', 'block', 'a place someone lives in or comes from')
  if (lexName) {
    if (words.length === 1 && first.sentStart && first.common && !personCue)
      return subPlaces() ?? result('none')
    // Lower-case words that happen to be names weigh less than capitalised ones.
    if (words.every((t) => !t.cap) && !personCue)
      return push('name', 'warn', 'perhaps a name, written in lower case')
    return push('name', 'block', 'a given name or surname')
  }
  if (fromCue && (unknown || words.length > 1)) return push('location', 'block', 'a place someone comes from')
  if (weakLexName && (personCue || words.length > 1)) return push('name', 'block', 'a given name or surname')
  // A given name that is also a word ("Mark", "Penny", "Rob"), capitalised mid-sentence
  // between lower-case words, so not part of a title-case heading.
  if (
    words.length === 1 &&
    first.given &&
    first.cap &&
    !first.sentStart &&
    !first.allCaps &&
    !(toks[i - 1]?.cap ?? false) &&
    !(next?.cap ?? false)
  ) {
    return push('name', 'warn', 'a given name that is also a word')
  }
  if (personCue && words.some((t) => !t.common || !t.sentStart))
    return push('name', 'block', 'a name, by its context')
  if (unknown) {
    return placeCue
      ? push('location', 'warn', 'a capitalised name after a place word')
      : push('name', 'warn', 'a capitalised word no dictionary knows: perhaps a name')
  }
  // An unknown word opening a sentence: a name when it is spelt like one (diacritics, as in
  // "Järvilehto"), or when the next sentence-level word is a name in lower case.
  if (
    first.sentStart &&
    words.some(unknownWord) &&
    words.some((t) => /[^\p{ASCII}]/u.test(t.text) || t.text.length > 3)
  ) {
    if (words.some((t) => /[^\p{ASCII}]/u.test(t.text)) || words.length > 1) {
      return push('name', 'warn', 'a capitalised word no dictionary knows: perhaps a name')
    }
    return subPlaces() ?? result('none')
  }
  // Stretched spellings ("Sooo", "Veeeeeery") are emphasis, not names.
  if (lowerText && words.some((t) => !t.common && t.f.length > 2 && !/(\p{L})\1\1/u.test(t.f)))
    return push('name', 'warn', 'perhaps a name')
  return subPlaces() ?? result('none')

  /** A known place inside a longer capitalised run: "Southern Tunisia", "Carry Me Back To Canada". */
  function subPlaces(): RunResult | undefined {
    let found: RunResult | undefined
    for (let p = i; p <= j; p++) {
      const t0 = toks[p] as Tok
      if (!t0.cap || (t0.sentStart && t0.common)) continue
      for (let len = PLACE_FIRST_WORDS.has(t0.f) ? Math.min(4, j - p + 1) : 1; len >= 1; len--) {
        let k2 = t0.f
        for (let q = p + 1; q < p + len; q++) k2 += ` ${(toks[q] as Tok).f}`
        const kind = isPlaceKey(k2)
        if (!kind) continue
        // Dictionary words ("Union", "University", "Country Club") only after a place word.
        let allCommon = true
        for (let q = p; q < p + len; q++) if (!(toks[q] as Tok).common) allCommon = false
        if (
          allCommon &&
          !(strongPlace || fromCue || PLACE_CUES_BEFORE.has((toks[p - 1] as Tok | undefined)?.f ?? ''))
        )
          continue
        const e = (toks[p + len - 1] as Tok).end
        out.push({
          kind: 'location',
          start: t0.start,
          end: e,
          severity: kind >= 2 ? 'info' : 'warn',
          reason:
            kind === 3
              ? 'a country: not an identifier alone, but part of the sum of details'
              : 'a town, city or region',
        })
        found = result('location')
        p += len - 1
        break
      }
    }
    return found
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

// ---- street addresses ----

/** The gap between two address parts: spaces, commas, line breaks with a quoting prefix ("> ", "??? "). */
const ADDRESS_ABBREVIATIONS = new Set('apt st ave av rd ul no o p po ste blvd dr ln avda u str c'.split(' '))

function addressGap(gap: string, prev?: Tok): boolean {
  const nl = gap.indexOf('\n')
  const sameLine = nl < 0 ? gap : gap.slice(0, nl)
  if (!/^[\s,.\-()]*$/.test(sameLine)) return false
  if (
    /[.]\s/.test(sameLine) &&
    !(
      /^\.\s$/.test(sameLine) &&
      (prev === undefined || ADDRESS_ABBREVIATIONS.has(prev.f) || prev.text.length === 1)
    )
  )
    return false
  if (nl < 0) return true
  if (/\n\s*\n\s*\n/.test(gap)) return false
  return /^[\s,.\-()>?*•|\\]*$/.test(gap.slice(nl))
}

/** Month names that are also given names or words: "Jan", "May", "March". */
const NAME_MONTHS = new Set(['jan', 'mar', 'march', 'may'])
const MONTH_BEFORE = new Set([
  'in',
  'since',
  'until',
  'till',
  'til',
  'early',
  'late',
  'mid',
  'next',
  'last',
  'by',
])
/** After a sentence-initial "May", a wish, not a woman: "May our Lord…", "May you…". */
const WISH_AFTER = new Set('you your our the god all he she they we his her their this it i'.split(' '))

/**
 * Words in a place where they cannot be a name: the "Ca" of a split "Ca n't"; a month that
 * is also a name next to a day ("14 Jan", "Jan . 19") or closing a phrase of time ("leave in
 * Jan"); a sentence-initial "May" that opens a wish.
 */
function notANameHere(toks: readonly Tok[], k: number): boolean {
  const t = toks[k] as Tok
  const prev = toks[k - 1]
  const next = toks[k + 1]
  if (next?.f === "n't" && next.gap === ' ') return true
  if (!NAME_MONTHS.has(t.f)) return false
  if (t.f === 'may' && t.sentStart && next !== undefined && WISH_AFTER.has(next.f)) return true
  if (t.f === 'may' || t.f === 'march') return false
  const dayNext =
    next?.isNum === true && /^\s?[.,]?\s?$/.test(next.gap) && /^\d{1,2}(?:st|nd|rd|th)?$/.test(next.text)
  const dayBefore =
    prev?.isNum === true && /^\d{1,2}(?:st|nd|rd|th)?$/.test(prev.text) && /^[\s,]+$/.test(t.gap)
  const closesTime =
    prev !== undefined &&
    MONTH_BEFORE.has(prev.f) &&
    (next === undefined || !next.cap || /[.!?]/.test(next.gap))
  return dayNext || dayBefore || closesTime
}

/**
 * A word that is also a medicine's name, used of a person: after a person cue ("met Portia",
 * "my wife Portia") or before a verb only people do ("Portia said", "Portia was admitted").
 */
function spokenOfAsAPerson(toks: readonly Tok[], k: number): boolean {
  const prev = toks[k - 1]
  const next = toks[k + 1]
  const next2 = toks[k + 2]
  if (prev && PERSON_CUES_BEFORE.has(prev.f)) return true
  if (!next || next.sentStart) return false
  if (PERSON_VERBS_AFTER.has(next.f)) return true
  return (
    (next.f === 'was' || next.f === 'is') &&
    next2 !== undefined &&
    /^(?:admitted|discharged|transferred|born|seen|brought|found|referred)$/.test(next2.f)
  )
}

/** A month that is a given name, before a surname: "June Harris", "April Jones". */
function monthNamed(toks: readonly Tok[], k: number): boolean {
  const t = toks[k] as Tok
  const next = toks[k + 1]
  return (
    t.given &&
    t.cap &&
    !t.allCaps &&
    next !== undefined &&
    next.gap === ' ' &&
    next.cap &&
    !next.allCaps &&
    next.surname &&
    !next.common
  )
}

function findAddresses(toks: readonly Tok[], text: string, out: Entity[], claimed: Uint8Array): void {
  const n = toks.length
  const spans: Array<{ i: number; j: number; strong: boolean }> = []
  for (let k = 0; k < n; k++) {
    const t = toks[k] as Tok
    if (claimed[k]) continue
    // A. "11 Botley Road", "1668 Glyn St", "3911 Fourth Avenue"; and after an address cue,
    //    "at 9816 214 Pavlou Drandaki".
    if (t.isNum && /^\d{1,6}[A-Za-z]?$/.test(t.text)) {
      let j = k + 1
      // "903 83 Dora Creek": at most two more numbers before the street's words.
      while (j < n && j <= k + 2 && (toks[j] as Tok).isNum && (toks[j] as Tok).gap === ' ') j++
      let words = 0
      let q = j
      let matched = false
      while (q < n && words < 6) {
        const w = toks[q] as Tok
        if (
          w.isNum ||
          !(w.cap || CONNECTORS.has(w.f) || STREET_PREFIXES.has(w.f)) ||
          !addressGap(w.gap) ||
          w.gap.includes('\n')
        )
          break
        words++
        if (STREET_WORDS.has(w.f) && words > 1 && w.cap) {
          spans.push({ i: k, j: q, strong: true })
          matched = true
          break
        }
        q++
      }
      const b = toks[k - 1]
      if (
        !matched &&
        words > 0 &&
        b &&
        (b.f === 'at' || b.f === 'address' || b.f === 'on' || b.f === 'to' || b.f === 'is')
      ) {
        const lastW = toks[q - 1] as Tok
        // A street's name does not end in a common word written in capitals: "ON 106 N JOKE
        // AROUND YALL TALK ABOUT" is shouting, not an address.
        const shouted = lastW.common && lastW.text.length > 1 && lastW.text === lastW.text.toUpperCase()
        if (!shouted && toks.slice(j, q).some((x) => !x.common))
          spans.push({ i: k, j: q - 1, strong: lastW !== undefined })
      }
    }
    // B. units: "Apt. 176", "Suite 967", "P.O. Box 287", "PSC 0413", "Unit 4526 Box 0671"
    if (UNIT_WORDS.has(t.f) && (t.cap || t.f === 'box' || t.f === 'apt')) {
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
    // C. "Puruntie 82", "Via Franscini 71", "ul. Słowicza 10", "Erzsébet tér 19", "hersnapvej 18"
    if (t.isNum && /^\d{1,5}[A-Za-z]?$/.test(t.text) && k > 0 && t.gap === ' ') {
      let i0 = k - 1
      let w = toks[i0] as Tok
      const streetish = (x: Tok) => STREET_PREFIXES.has(x.f) || STREET_MORPHEMES.test(x.f)
      const okWord = (x: Tok) =>
        !x.isNum &&
        (x.text.length > 2 || streetish(x)) &&
        (x.cap || streetish(x)) &&
        x.text.length > 1 &&
        !NOT_STREET_NUMBER_WORDS.has(x.f) &&
        !NOT_IDENTIFIERS.has(x.f)
      if (okWord(w) && !(w.allCaps && w.text.length <= 4)) {
        while (i0 > 0 && !w.sentStart) {
          const p = toks[i0 - 1] as Tok
          if (!(w.gap === ' ' || w.gap === '. ')) break
          if (!(okWord(p) || CONNECTORS.has(p.f) || (p.text.length === 1 && STREET_PREFIXES.has(p.f)))) break
          if (p.common && p.sentStart && !streetish(p)) break
          i0--
          w = p
        }
        const words = toks.slice(i0, k) as Tok[]
        const streety = words.some((x) => streetish(x) || (STREET_WORDS.has(x.f) && x.cap))
        const unknownWord = words.some(
          (x) =>
            x.text.length > 3 &&
            !x.allCaps &&
            !x.common &&
            !x.given &&
            !NOT_IDENTIFIERS.has(x.f) &&
            !EPONYMS.has(x.f),
        )
        const b = toks[i0 - 1]
        const cue =
          b !== undefined &&
          (PLACE_CUES_BEFORE.has(b.f) ||
            b.f === 'address' ||
            b.f === 'of' ||
            b.f === 'and' ||
            b.f === 'is' ||
            (b.isNum && /^\d{1,6}$/.test(b.text)))
        const lineStart = i0 === 0 || (toks[i0] as Tok).gap.includes('\n')
        const nx = toks[k + 1]
        const tail =
          /^\s*[,\n]/.test(text.slice(t.end, t.end + 2)) ||
          t.end === text.length ||
          (nx !== undefined && UNIT_WORDS.has(nx.f))
        if (streety || (unknownWord && (cue || lineStart || tail)))
          spans.push({ i: i0, j: k, strong: streety || cue })
      }
    }
  }
  spans.sort((x, y) => x.i - y.i || y.j - x.j)
  let lastEnd = -1
  for (const s of spans) {
    if (s.i <= lastEnd) {
      const prev = out[out.length - 1] as Entity
      if (s.j > lastEnd) {
        prev.end = (toks[s.j] as Tok).end
        for (let q = s.i; q <= s.j; q++) claimed[q] = 1
        lastEnd = s.j
      }
      continue
    }
    let i0 = s.i
    // Leading building or postal numbers: "172 Maneeži 75", "903 83 Dora Creek", "31401 ul. Słowicza".
    while (
      i0 > 0 &&
      (toks[i0 - 1] as Tok).isNum &&
      /^[ ]$/.test((toks[i0] as Tok).gap) &&
      /^\d{1,6}$/.test((toks[i0 - 1] as Tok).text)
    )
      i0--
    let j = s.j
    // The tail: words on the same line and the next few short lines that look like an address
    // (towns in capitals, state codes, postcodes, countries).
    let lines = 0
    while (j + 1 < n) {
      const nx = toks[j + 1] as Tok
      if (!addressGap(nx.gap, toks[j] as Tok)) break
      if (nx.gap.includes('\n') && ++lines > 5) break
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
        // A capitalised common word ends the address unless it is part of the address's own
        // list ("27 Church Lane, Little Snoring, Fakenham"): a number, a capital or a comma follows.
        const nn = toks[j + 2]
        if (NOT_IDENTIFIERS.has(nx.f) || FUNCTION_WORDS.has(nx.f)) break
        if (!(nn && (nn.isNum || nn.cap) && (nn.gap === ' ' || nn.gap === ', '))) break
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
