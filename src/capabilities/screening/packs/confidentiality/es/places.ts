import { esPlaces } from '../../../lexicons/es-places.ts'
import { esRegions } from '../../../lexicons/es-regions.ts'
import { execAll } from '../../../text.ts'
import { type Claims, foldWord, isCap, PARTICLES, type Tok, tokens } from './common.ts'
import type { SignatureRegion } from './header.ts'

/**
 * Locations below the level of a country: street addresses ("C/ Pedro Rico, 19 - 10º D"),
 * postcodes (5 digits next to an address or a town), towns and provinces in context
 * ("natural de Córdoba", "28029 Madrid", "Aranjuez (Madrid)"), and named care centres
 * ("Hospital Universitario La Paz", "Centro de Salud Chantrea").
 */

const STREET_TYPE = String.raw`Calle|CALLE|calle|[Cc]\/\.?|C\.(?=\s)|Cl\.|Cll\.|Avda\.?|AVDA\.?|avda\.|Avenida|avenida|Av\.|av\.|Avd\.|Avinguda|Plaza|Pza\.?|Pl\.|Plaça|Praza|Paseo|paseo|Passeig|Pg\.|P[º°]\.?|P\.º|Ronda|Rda\.|Carretera|Ctra\.?|Camino|Travesía|Travesia|Trav\.|Glorieta|Urbanización|Urbanizacion|Urb\.|Bulevar|Rambla|Carrer|Rúa|Calzada|Callejón|Pasaje|Polígono|Bº|Barriada|Apartado\s+de\s+[Cc]orreos|Apartado|Apdo\.?|Jirón|Carrera|Diagonal|Transversal|Costanilla`
const FLOOR = String.raw`(?:\s*[,\-–]?\s*(?:\d{1,2}(?!\d{3})\s?[ºª°oa]?\.?\s?-?\s?(?:\d(?!\d)\s?[ºª°]?|[A-Za-z](?![A-Za-zÀ-ÖØ-öø-ɏ]))?|bajo|[áa]tico|entlo\.?|pral\.?|dcha\.?|izda?\.?|iz\.|esc\.?\s*\w+|portal\s+\w+|bloque\s+\w+|puerta\s+\w+|piso\s+\w+|local\s+\w+|#\s?\d+|[A-Z](?![A-Za-zÀ-ÖØ-öø-ɏ-])))`
const STREET = new RegExp(
  String.raw`(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:${STREET_TYPE})\s*[^\n\d;:()@]{0,50}?(?:(?:n[ºo°]\.?|no\.?|núm\.?|número)\s*)?(?:\d{1,4}[A-Za-z]?(?![\d])(?:\s*[-–]\s*\d{1,4}[A-Za-z]?)?|s\/n|S\/N|s\/n\.|SN(?![A-Za-zÀ-ÖØ-öø-ɏ])|sn(?![A-Za-zÀ-ÖØ-öø-ɏ])|km\.?\s*\d+(?:[.,]\d+)?)${FLOOR}{0,3}`,
  'gu',
)
const POSTCODE_AFTER = /^[\s,.\-–]*(?:C\.?\s?P\.?:?\s*)?(?:E-)?(\d{5})(?!\d)/
const POSTCODE_LABEL =
  /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:C\.\s?P\.|CP|[Cc][óo]digo\s+[Pp]ostal)\s*:?\s*(\d{5})(?!\d)|(?<![A-Za-zÀ-ÖØ-öø-ɏ\d])E-(\d{5})(?!\d)/gu
const POSTCODE_TOWN = /(?<![\dA-Za-zÀ-ÖØ-öø-ɏ+.,/-])([0-5]\d{4})(?!\d)[\s,]*[-–]?\s*(?=[A-ZÀ-ÖØ-Þ])/gu

const FACILITY_HEAD = String.raw`Hospital(?:es)?|HOSPITAL|Hopital|[ÁA]rea\s+Hospitalaria|Complejo\s+Asistencial|H\.\s?U\.|Complejo\s+Hospitalario|Complexo\s+Hospitalario|Consorcio\s+Hospital(?:ario)?|Cl[ií]nica|Policl[ií]nica|Sanatorio|Centro|Consultorio|Ambulatorio|Fundaci[oó]n|Fundació|Instituto|Institut|Universidad|Universitat|Facultad|Mutua|Residencia|Laboratorio|Palacio\s+de\s+Justicia|Edificio|Escuela|Colegio|Parque\s+Sanitario|Ciudad\s+Sanitaria|Hospital\s+de\s+D[ií]a`
const FACILITY = new RegExp(`(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:${FACILITY_HEAD})(?![A-Za-zÀ-ÖØ-öø-ɏ])`, 'gu')
const SMALL_PRACTICE = /^(?:Centro\s+de\s+Salud|Consultorio|Ambulatorio|Centro\s+de\s+Atenci[oó]n\s+Primaria)/

/** Words that end a facility name (what follows is a service, an address or a new clause). */
const FACILITY_STOP = new Set(
  'servicio sección seccion unidad departamento dpto calle c/ avda avda. av. avenida paseo plaza ctra. carretera correo e-mail email tel tel. tfno fax teléfono telefono y'.split(
    ' ',
  ),
)
const GENERIC_AFTER_HEAD = new Set(['de', 'del', 'la', 'el', 'los', 'las'])

const TRIGGER_STRONG =
  /(?<=(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:natural\s+de|nacid[oa]\s+en|residente\s+en|reside\s+en|resid[ií]a\s+en|vive\s+en|viv[ií]a\s+en|vecin[oa]\s+de|procedente\s+de|originari[oa]\s+de|oriund[oa]\s+de|domiciliad[oa]\s+en|localidad\s+de|municipio\s+de|provincia\s+de|pueblo\s+de|aldea\s+de|pedan[ií]a\s+de|comarca\s+de|barrio\s+de|isla\s+de|ciudad\s+de|regi[oó]n\s+de|estado\s+de|departamento\s+de|trasladad[oa]\s+(?:desde|a)|derivad[oa]\s+desde|remitid[oa]\s+desde)\s+(?:la\s+|el\s+)?)[A-ZÀ-ÖØ-Þ]/gu
const STRONG_ANY_BEFORE =
  /(?:natural|nacid[oa]|resid\S*|vive|viv[ií]a|vecin[oa]|procedente|originari[oa]|oriund[oa]|domiciliad[oa]|localidad|municipio|pueblo|aldea|pedan[ií]a)\s+(?:de|en)\s+(?:la\s+|el\s+)?$/i
const TRIGGER_WEAK = /(?<=(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:en|de|desde|a|hacia|por)\s+)[A-ZÀ-ÖØ-Þ]/gu
const PAREN_PLACE = /\(([A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ .'-]{1,40})\)/gu

/** Countries: never reported as places (a country is not a Safe Harbor identifier). */
export const COUNTRIES = new Set(
  'españa espana spain argentina mexico méxico chile colombia peru perú venezuela uruguay paraguay bolivia ecuador cuba guatemala honduras nicaragua panama panamá costa rica el salvador republica dominicana república dominicana puerto rico brasil portugal francia italia alemania inglaterra reino unido marruecos estados unidos usa eeuu ee.uu. suiza belgica bélgica holanda rumania rumanía bulgaria china'
    .split(' ')
    .map(foldWord),
)
/** Capitalised words that name places but far more often mean something else in clinical text. */
const PLACE_STOP = new Set(
  [
    'urgencias',
    'medicina',
    'cirugia',
    'hospital',
    'mayo',
    'marzo',
    'abril',
    'junio',
    'julio',
    'agosto',
    'enero',
    'octubre',
    'paciente',
    'servicio',
    'unidad',
    'cruz',
    'roja',
    'salud',
    'san',
    'santa',
    'ver',
    'tac',
    'rx',
    'rm',
    'ecg',
    'ta',
    'fc',
    'mas',
    'sin',
    'con',
    'dos',
    'tres',
    'uno',
    'una',
    'ser',
    'rio',
    'mar',
    'sol',
    'luz',
    'paz',
    'ayer',
    'hoy',
    'alto',
    'norte',
    'sur',
    'este',
    'oeste',
    'centro',
    'villa',
    'real',
    'nueva',
    'nuevo',
    'general',
    'universitario',
    'clinico',
    'la',
    'el',
    'los',
    'las',
    'de',
    'valle',
    'puerto',
    'campo',
    'monte',
    'sierra',
    'playa',
    'isla',
    'fuente',
    'torre',
    'casas',
    'linea',
    'cabeza',
    'pena',
    'concepcion',
    'rosario',
    'trinidad',
    'victoria',
    'esperanza',
    'dolores',
    'mercedes',
    'caridad',
    'pilar',
    'soledad',
    'angeles',
    'reyes',
    'lucena',
    'medina',
    'moral',
    'pinto',
    'parla',
    'ayala',
    'leon',
    'guadalupe',
    'santiago',
    'salvador',
    'jesus',
    'maria',
    'carmen',
    'elena',
    'alba',
    'ana',
    'irene',
    'ramos',
  ].map(foldWord),
)

/** First words of every known place: most capitalised words can be ruled out with one lookup. */
const PLACE_FIRST_WORDS: ReadonlySet<string> = (() => {
  const set = new Set<string>()
  for (const p of esPlaces) set.add(p.split(/[\s-]/, 1)[0] as string)
  for (const p of esRegions) set.add(p.split(/[\s-]/, 1)[0] as string)
  return set
})()

const EPONYM_WORDS = new Set(
  'prueba test signo maniobra criterios criterio escala clasificación clasificacion síndrome sindrome enfermedad técnica tecnica método metodo asociación asociacion sociedad'.split(
    ' ',
  ),
)
/** Words after a postcode that are labels, not towns. */
const NOT_A_TOWN = new Set([
  'e-mail',
  'email',
  'correo',
  'tel',
  'tfno',
  'teléfono',
  'telefono',
  'fax',
  'zona',
  'tlf',
  'telf',
])

function isPlace(phrase: string): boolean {
  const f = foldWord(phrase)
  return (esPlaces.has(f) || esRegions.has(f)) && !COUNTRIES.has(f)
}

/**
 * Longest run of capitalised words (with inner particles) starting at token i; returns the
 * longest prefix that is a known place, or when `any` the whole run.
 */
function placeRun(
  toks: Tok[],
  i: number,
  any: boolean,
  strict = true,
  maxWords = 5,
): [number, number] | null {
  const head = toks[i]
  if (
    !any &&
    (!head || !PLACE_FIRST_WORDS.has(foldWord(head.text.replace(/\.$/, '').split('-', 1)[0] as string)))
  ) {
    return null
  }
  let best: [number, number] | null = null
  let words = 0
  let last = -1
  for (let j = i; j < toks.length && words < maxWords; j++) {
    const t = toks[j] as Tok
    const w = t.text.replace(/\.$/, '')
    if (isCap(w) && !/\d/.test(w)) {
      if (NOT_A_TOWN.has(w.toLowerCase())) break
      words++
      last = j
      const phrase = toks
        .slice(i, j + 1)
        .map((x) => x.text)
        .join(' ')
        .replace(/\.$/, '')
      const first = toks[i] as Tok
      const end = t.text.endsWith('.') ? t.end - 1 : t.end
      if (isPlace(phrase) && !(strict && words === 1 && PLACE_STOP.has(foldWord(w))))
        best = [first.start, end]
      if (t.text.endsWith('.')) break
      continue
    }
    if (words > 0 && PARTICLES.has(t.text.toLowerCase())) continue
    if (words > 0 && (t.text === '-' || t.text === "'")) continue
    break
  }
  if (best) return best
  if (any && last >= 0) {
    const lt = toks[last] as Tok
    const phrase = toks
      .slice(i, last + 1)
      .map((x) => x.text)
      .join(' ')
    if (COUNTRIES.has(foldWord(phrase.replace(/\.$/, '')))) return null
    return [(toks[i] as Tok).start, lt.text.endsWith('.') ? lt.end - 1 : lt.end]
  }
  return null
}

function lineEndFrom(text: string, i: number, max = 120): number {
  const nl = text.indexOf('\n', i)
  const e = nl < 0 ? text.length : nl
  return Math.min(e, i + max)
}

function claimPlace(claims: Claims, start: number, end: number, message?: string): boolean {
  return claims.add({
    kind: 'place',
    start,
    end,
    category: 'location',
    severity: 'block',
    message:
      message ??
      'Localidad o provincia ligada al paciente o a su informe: dato geográfico inferior al estado.',
  })
}

/** After a street or a postcode: "28029 Madrid", ", Aranjuez, Madrid". */
function placesAfter(text: string, claims: Claims, from: number, any: boolean): void {
  const end = lineEndFrom(text, from, 80)
  const toks = tokens(text, from, end)
  let i = 0
  while (i < toks.length && /^[,.\-–(]$/.test((toks[i] as Tok).text)) i++
  const run = placeRun(toks, i, any, false)
  if (run) {
    claimPlace(claims, run[0], run[1])
    // A province may follow: "Talavera de la Reina. Toledo", "Santander, Cantabria".
    let j = toks.findIndex((t) => t.start >= run[1])
    if (j < 0) return
    while (j < toks.length && /^[,.\-–(]$/.test((toks[j] as Tok).text)) j++
    const second = placeRun(toks, j, false, false)
    if (second) claimPlace(claims, second[0], second[1])
  }
}

export function detectStreets(text: string, claims: Claims): void {
  STREET.lastIndex = 0
  for (const m of execAll(STREET, text)) {
    const s = m[0]
    // A sentence break inside the street name means this is prose, not an address.
    if (/[.!?]\s+[a-zß-öø-ÿ]/u.test(s.replace(/^\S+\s*/, '')) || s.split(/\s+/).length > 12) continue
    // "C." is also the end of a sentence ("hepatitis B o C. Medicado con 160 mg"): as a street
    // type it needs a short name and "nº" or a comma before the number.
    if (/^C\.\s/.test(s) && !/^C\.\s+[A-ZÀ-ÖØ-Þ]\S*(?:\s+\S+){0,3}?\s*(?:,|n[ºo°])/u.test(s)) continue
    const end = m.index + s.length
    if (
      !claims.add({
        kind: 'address',
        start: m.index,
        end,
        category: 'location',
        severity: 'block',
        message: 'Dirección postal.',
        suggestion: '[dirección]',
      })
    )
      continue
    const pc = text.slice(end, end + 20).match(POSTCODE_AFTER)
    let after = end
    if (pc) {
      const pcStart = end + (pc.index ?? 0) + pc[0].lastIndexOf(pc[1] as string)
      claims.add({
        kind: 'address',
        start: pcStart,
        end: pcStart + 5,
        category: 'location',
        severity: 'block',
        message: 'Código postal.',
        suggestion: '[CP]',
      })
      after = pcStart + 5
      placesAfter(text, claims, after, true)
    } else {
      placesAfter(text, claims, after, false)
    }
  }
}

export function detectPostcodes(text: string, claims: Claims): void {
  for (const m of execAll(POSTCODE_LABEL, text)) {
    const v = (m[1] ?? m[2]) as string
    const start = m.index + m[0].lastIndexOf(v)
    if (
      claims.add({
        kind: 'address',
        start,
        end: start + 5,
        category: 'location',
        severity: 'block',
        message: 'Código postal.',
        suggestion: '[CP]',
      })
    ) {
      placesAfter(text, claims, start + 5, true)
    }
  }
  for (const m of execAll(POSTCODE_TOWN, text)) {
    const v = m[1] as string
    const start = m.index
    // Only a postcode when a known town follows.
    const toks = tokens(text, start + m[0].length, lineEndFrom(text, start + m[0].length, 60))
    const run = placeRun(toks, 0, false)
    if (!run) continue
    claims.add({
      kind: 'address',
      start,
      end: start + v.length,
      category: 'location',
      severity: 'block',
      message: 'Código postal.',
      suggestion: '[CP]',
    })
    placesAfter(text, claims, start + v.length, true)
  }
}

export function detectFacilities(text: string, claims: Claims): void {
  FACILITY.lastIndex = 0
  for (const m of execAll(FACILITY, text)) {
    const start = m.index
    const headEnd = start + m[0].length
    const toks = tokens(text, headEnd, lineEndFrom(text, headEnd, 120))
    let end = -1
    let caps = 0
    let quote = false
    for (let i = 0; i < toks.length && i < 14; i++) {
      const t = toks[i] as Tok
      const w = t.text
      const lower = w.toLowerCase()
      if (/^["“”'«»]$/.test(w)) {
        quote = !quote
        if (!quote && caps > 0) end = t.end
        continue
      }
      if ((FACILITY_STOP.has(lower) || FACILITY_STOP.has(lower.replace(/\.$/, ''))) && !quote) break
      if (isCap(w) || /^\d{1,2}$/.test(w) || quote) {
        // "Hospital 12 de Octubre": a number only as part of a name.
        if (/^\d/.test(w) && !toks[i + 1]?.text.match(/^de$/)) break
        if (!/^\d/.test(w)) caps++
        end = w.endsWith('.') && w.length > 3 ? t.end - 1 : t.end
        if (w.endsWith('.') && w.length > 3) break
        continue
      }
      if (PARTICLES.has(lower) || GENERIC_AFTER_HEAD.has(lower)) continue
      if (w === '-' && toks[i + 1] && isCap((toks[i + 1] as Tok).text)) continue
      break
    }
    if (caps === 0 || end < 0) continue
    const name = text.slice(start, end)
    const small = SMALL_PRACTICE.test(name)
    if (
      !claims.add({
        kind: 'facility',
        start,
        end,
        category: 'location',
        severity: small ? 'block' : 'warn',
        message: small
          ? 'Centro de salud o consulta con nombre: un centro pequeño acota dónde vive el paciente.'
          : 'Centro sanitario o institución con nombre: junto con otros datos acota quién es el paciente.',
        suggestion: '[centro]',
      })
    )
      continue
    // "Hospital Virgen de la Salud, Toledo" / "Hospital … . Madrid."
    const after = text.slice(end, end + 3)
    if (/^\s*[,.(]?\s*/.test(after)) placesAfter(text, claims, end, false)
  }
}

export function detectPlaces(text: string, claims: Claims, regions: SignatureRegion[]): void {
  TRIGGER_STRONG.lastIndex = 0
  for (const m of execAll(TRIGGER_STRONG, text)) {
    const from = m.index
    const toks = tokens(text, from, lineEndFrom(text, from, 80))
    const any = STRONG_ANY_BEFORE.test(text.slice(Math.max(0, from - 40), from))
    const run = placeRun(toks, 0, any)
    if (run) claimPlace(claims, run[0], run[1])
  }
  for (const m of execAll(PAREN_PLACE, text)) {
    const inner = (m[1] as string).trim()
    const innerStart = m.index + 1 + (m[1] as string).indexOf(inner)
    const innerIsCountry = COUNTRIES.has(foldWord(inner))
    const innerIsRegion = esRegions.has(foldWord(inner))
    if (!innerIsCountry && !innerIsRegion) continue
    // The place just before the bracket: "Aranjuez (Madrid)", "Córdoba (Argentina)".
    const lineStart = text.lastIndexOf('\n', m.index) + 1
    const before = tokens(text, Math.max(lineStart, m.index - 60), m.index)
    for (let i = Math.max(0, before.length - 4); i < before.length; i++) {
      const run = placeRun(before, i, false)
      if (run && run[1] >= m.index - 2) {
        claimPlace(claims, run[0], run[1])
        break
      }
    }
    if (innerIsRegion && !innerIsCountry) claimPlace(claims, innerStart, innerStart + inner.length)
  }
  // A signature line lists the author's centre, town and province: every known place counts.
  for (const r of regions) {
    const toks = tokens(text, r.start, r.end)
    for (let i = 0; i < toks.length; i++) {
      const t = toks[i] as Tok
      if (!isCap(t.text)) continue
      const prev = toks[i - 1]
      if (prev && isCap(prev.text) && prev.end === t.start - 1 && !/[.,]$/.test(prev.text)) continue
      const run = placeRun(toks, i, false, false)
      if (run) claimPlace(claims, run[0], run[1])
    }
  }
  // "en Santander", "de Granada": a known place after a preposition (ambiguous words excluded).
  TRIGGER_WEAK.lastIndex = 0
  for (const m of execAll(TRIGGER_WEAK, text)) {
    const from = m.index
    const toks = tokens(text, from, lineEndFrom(text, from, 60))
    const first = toks[0]
    // Acronyms (CEA, TAC) and eponyms ("prueba de Allen") are not places.
    if (!first || first.text === first.text.toUpperCase()) continue
    const before = text.slice(Math.max(0, from - 30), from).match(/([A-Za-zÀ-ÖØ-öø-ɏ]+)\s+(?:de|del)\s+$/u)
    if (before && EPONYM_WORDS.has((before[1] as string).toLowerCase())) continue
    const run = placeRun(toks, 0, false)
    if (!run) continue
    const word = foldWord(text.slice(run[0], run[1]))
    if (PLACE_STOP.has(word)) continue
    claimPlace(claims, run[0], run[1])
  }
}

const SIG_POSTCODE = /(?<![\d+/.,-])(\d{5}|\d{5}-\d{3}|\d{4}(?=\s*\())(?![\d/])/g
const SIG_NUMBER = /(?<![\d/.,])(?:n[ºo°]\.?\s*)?(\d{1,4}[A-Za-z]?|s\/n|S\/N)(?![\d/])/g

/**
 * The address in a report's signature line often has no street type ("Los Alisos, 10. 13002
 * Ciudad Real"): there a run of capitalised words before a house number is a street, and a
 * five-digit number is a postcode with its town beside it.
 */
export function detectSignatureAddresses(text: string, claims: Claims, regions: SignatureRegion[]): void {
  for (const r of regions) {
    const seg = text.slice(r.start, r.end)
    for (const m of execAll(SIG_POSTCODE, seg)) {
      const start = r.start + m.index
      const end = start + m[0].length
      if (
        !claims.add({
          kind: 'address',
          start,
          end,
          category: 'location',
          severity: 'block',
          message: 'Código postal.',
          suggestion: '[CP]',
        })
      )
        continue
      placesAfter(text, claims, end, true)
      // "Baracaldo 48902", "Zaragoza-50009": the town may come first.
      const before = tokens(text, Math.max(r.start, start - 40), start)
      let k = before.length - 1
      if (before[k] && /^[-–,]$/.test((before[k] as Tok).text)) k--
      let first = -1
      for (let j = k; j >= 0 && k - j < 4; j--) {
        const t = before[j] as Tok
        if (isCap(t.text) && !t.text.endsWith('.')) first = j
        else if (!(first >= 0 && PARTICLES.has(t.text.toLowerCase()))) break
      }
      if (first >= 0) {
        const run = placeRun(before, first, false, false)
        if (run) claimPlace(claims, run[0], run[1])
      }
    }
    for (const m of execAll(SIG_NUMBER, seg)) {
      const numStart = r.start + m.index
      let numEnd = numStart + m[0].length
      if (!claims.free(numStart, numEnd)) continue
      const before = tokens(text, Math.max(r.start, numStart - 60), numStart)
      let k = before.length - 1
      if (before[k]?.text === ',') k--
      let first = -1
      for (let j = k; j >= 0 && k - j < 7; j--) {
        const t = before[j] as Tok
        if (!claims.free(t.start, t.end)) break
        if (isCap(t.text) && !/\d/.test(t.text)) {
          if (t.text.endsWith('.') && j !== k && t.text.length > 3) break
          first = j
        } else if (!(first >= 0 && PARTICLES.has(t.text.toLowerCase()))) break
      }
      if (first < 0) continue
      const floor = text.slice(numEnd, numEnd + 20).match(FLOOR_AFTER)
      if (floor) numEnd += floor[0].length
      claims.add({
        kind: 'address',
        start: (before[first] as Tok).start,
        end: numEnd,
        category: 'location',
        severity: 'block',
        message: 'Dirección postal.',
        suggestion: '[dirección]',
      })
    }
  }
}
const FLOOR_AFTER = new RegExp(`^${FLOOR}{0,2}`, 'u')

const WARD =
  /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:[Pp]lanta|[Hh]abitaci[oó]n|[Hh]ab\.|[Cc]ama|[Bb]ox|[Bb]oxes)\s+(?:n[ºo°]\.?\s*)?\d{1,4}[A-Za-z]?(?![0-9])/gu

/** Ward, room and bed numbers ("planta 7B", "habitación 312", "cama 4"): they place the patient. */
export function detectWards(text: string, claims: Claims): void {
  for (const m of execAll(WARD, text)) {
    claims.add({
      kind: 'address',
      start: m.index,
      end: m.index + m[0].length,
      category: 'location',
      severity: 'warn',
      message: 'Planta, habitación o cama: sitúa al paciente dentro del centro.',
      suggestion: '[ubicación]',
    })
  }
}

const COUNTRY_WORD = /[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ.]+(?:\s+(?:[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ.]+))?/gu
const ORIGIN_BEFORE =
  /(?:natural|nacid[oa]|procedente|originari[oa]|oriund[oa]|residencia|nacionalidad|origen)\s+(?:de|en)?\s*(?:la\s+)?$/iu

function claimCountry(claims: Claims, start: number, end: number): void {
  claims.add({
    kind: 'country',
    start,
    end,
    category: 'location',
    severity: 'info',
    message: 'País ligado al paciente o a su informe: no identifica por sí solo, pero suma detalles.',
    suggestion: '[país]',
  })
}

/**
 * Countries are larger than a state, so never more than `info`: the patient's country of
 * birth or origin ("natural de Marruecos"), and the country in a report's signature line.
 */
export function detectCountries(text: string, claims: Claims, regions: SignatureRegion[]): void {
  for (const m of execAll(COUNTRY_WORD, text)) {
    const words = m[0].replace(/\.$/, '')
    const one = words.split(/\s+/, 1)[0] as string
    const phrase = COUNTRIES.has(foldWord(words)) ? words : COUNTRIES.has(foldWord(one)) ? one : null
    if (!phrase) continue
    const start = m.index
    const end = start + phrase.length
    const inRegion = regions.some((r) => start >= r.start && end <= r.end)
    if (inRegion || ORIGIN_BEFORE.test(text.slice(Math.max(0, start - 30), start)))
      claimCountry(claims, start, end)
  }
}
