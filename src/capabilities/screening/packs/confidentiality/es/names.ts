import { esGivenNames } from '../../../lexicons/es-given-names.ts'
import { esSurnames } from '../../../lexicons/es-surnames.ts'
import { execAll } from '../../../text.ts'
import { type Claims, foldWord, isCap, PARTICLES, type Tok, tokens } from './common.ts'

/**
 * Names of patients and relatives in Spanish prose: after a courtesy title ("Sra. López"),
 * after a kinship word ("su madre Teresa Rodríguez"), or a known given name, alone or with
 * surnames ("Paula", "Ana Jesús Vidal Sotillo"). Not clinicians after "Dr./Dra." (colleagues
 * are not patients), not eponyms ("enfermedad de Crohn", "signo de Murphy"), not the author.
 */

const TITLE = /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:Sr|Sra|Srta|Dña|D|Don|Doña)\.?\s+(?=[A-ZÀ-ÖØ-Þ])/gu
// Kinship words: one scan serves both named relatives (here) and relative mentions (below).
const KIN_WORD =
  /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:(?:medio\s+|bis)?(?:abuel|herman|hij|t[ií]|prim|niet|sobrin|cuñad|suegr|espos|novi|gemel|cuidador)(?:o|a|os|as|es)|madre|padre|padres|marido|mujer|pareja|familia|acompañante)(?![A-Za-zÀ-ÖØ-öø-ɏ])/giu
const NAME_AFTER_KIN = /^\s*,?\s*\(?\s*(?=[A-ZÀ-ÖØ-Þ])/u
let kinText = ''
let kinFound: Array<[number, number]> = []

function kinWords(text: string): Array<[number, number]> {
  if (text !== kinText) {
    kinText = text
    kinFound = []
    for (const m of execAll(KIN_WORD, text)) kinFound.push([m.index, m.index + m[0].length])
  }
  return kinFound
}

/** Given names that are also common words or saints' and places' names in clinical text. */
const AMBIGUOUS = new Set(
  (
    'mar luz sol paz cruz rosa pilar angeles nieves reyes blanca clara alba aurora gloria victoria esperanza dolores ' +
    'rosario mercedes consuelo amparo soledad salud fe concepcion asuncion encarnacion inmaculada milagros remedios ' +
    'rocio trinidad jesus domingo santiago salvador leon abril julio mayo agosto iris estrella flor alma paloma ' +
    'angel cristo dios virgen san santa don dona lima valencia sierra lourdes guadalupe montserrat carmen belen ' +
    'purificacion natividad caridad gracia piedad socorro camino covadonga begona fatima loreto araceli nazaret ' +
    'elia eli mia noa ada lara gala paris africa america india china sara eva'
  ).split(' '),
)
/** A capitalised word before "de X" that makes X an eponym, not a person in the case. */
const EPONYM_BEFORE = new Set(
  (
    'enfermedad sindrome síndrome signo maniobra test prueba escala clasificacion clasificación criterios tumor quiste ' +
    'celulas células metodo método tecnica técnica formula fórmula reflejo fenomeno fenómeno ley triada tríada arteria ' +
    'nervio conducto glandula glándula membrana ligamento operacion operación procedimiento cuerpos cuerpo ' +
    'hospital calle avenida plaza paseo fundación fundacion instituto centro clínica clinica colegio virgen nuestra ' +
    'señora san santa universidad facultad puerta'
  ).split(' '),
)

const CAP_WORD_G = /(?<![A-Za-zÀ-ÖØ-öø-ɏ0-9])[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ]{2,}/gu

const givenMemo = new Map<string, boolean>()

function nameRun(toks: Tok[], i: number, maxWords = 5): [number, number, string[]] | null {
  const words: string[] = []
  let end = -1
  const first = toks[i]
  if (!first) return null
  for (let j = i; j < toks.length && words.length < maxWords; j++) {
    const t = toks[j] as Tok
    const w = t.text
    if (toks[j + 1]?.text === '/' && toks[j + 1]?.start === t.end) break
    if (isCap(w) && !/\d/.test(w) && w.length > 1) {
      words.push(w.replace(/\.$/, ''))
      end = w.endsWith('.') ? t.end - 1 : t.end
      if (w.endsWith('.') && w.length > 2) break
      continue
    }
    if (words.length > 0 && PARTICLES.has(w.toLowerCase()) && toks[j + 1] && isCap((toks[j + 1] as Tok).text))
      continue
    if (words.length > 0 && w === '-' && toks[j + 1] && isCap((toks[j + 1] as Tok).text)) continue
    break
  }
  return words.length ? [first.start, end, words] : null
}

function ignored(words: string[], skip: ReadonlySet<string>): boolean {
  return words.every((w) => skip.has(foldWord(w)))
}

export function detectNames(text: string, claims: Claims, skip: ReadonlySet<string>): void {
  const nameMsg = 'Nombre de una persona (paciente o familiar): identifica al paciente.'
  const starts: Array<[number, 'title' | 'kin', boolean]> = []
  for (const m of execAll(TITLE, text)) starts.push([m.index + m[0].length, 'title', /^D\.?\s/.test(m[0])])
  for (const [, end] of kinWords(text)) {
    const gap = text.slice(end, end + 6).match(NAME_AFTER_KIN)
    if (gap) starts.push([end + gap[0].length, 'kin', false])
  }
  for (const [from, how, bareD] of starts) {
    const toks = tokens(text, from, Math.min(text.length, from + 80))
    const run = nameRun(toks, 0)
    if (!run || ignored(run[2], skip)) continue
    // After "D." only a real given name ("D. José"), since "vitamina D. Se…" is common.
    const firstWord = foldWord(run[2][0] as string)
    if (how === 'title' && bareD && !esGivenNames.has(firstWord)) continue
    if (how === 'kin' && !esGivenNames.has(firstWord)) continue
    claims.add({
      kind: 'name',
      start: run[0],
      end: run[1],
      category: 'name',
      severity: 'block',
      message: nameMsg,
    })
  }
  // Known given names, with any surnames that follow.
  CAP_WORD_G.lastIndex = 0
  for (const m of execAll(CAP_WORD_G, text)) {
    const word = m[0]
    // Acronyms (ANA, EMA, PIO) are not names; capitals in a header are read by the header rule.
    if (word === word.toUpperCase()) continue
    let given = givenMemo.get(word)
    if (given === undefined) {
      const folded = foldWord(word)
      given = esGivenNames.has(folded) && !AMBIGUOUS.has(folded)
      if (givenMemo.size > 20_000) givenMemo.clear()
      givenMemo.set(word, given)
    }
    if (!given) continue
    const f = foldWord(word)
    if (skip.has(f)) continue
    const before = tokens(text, Math.max(0, m.index - 40), m.index)
    const prev = before[before.length - 1]
    const prev2 = before[before.length - 2]
    const toks = tokens(text, m.index, Math.min(text.length, m.index + 80))
    const t = toks[0] as Tok
    // Part of a longer capitalised name already passed ("Hospital Juan Canalejo"): skip.
    if (prev && isCap(prev.text) && !/[.,;:]$/.test(prev.text) && text.slice(prev.end, t.start) === ' ')
      continue
    if (prev && /^(de|del)$/i.test(prev.text) && prev2 && EPONYM_BEFORE.has(prev2.text.toLowerCase()))
      continue
    if (prev && /^(Dr|Dra|Dr\.|Dra\.|Prof|Prof\.)$/.test(prev.text)) continue
    if (prev?.text === '.' && prev2 && /^(Dr|Dra|Prof)$/.test(prev2.text)) continue
    const run = nameRun(toks, 0)
    if (!run) continue
    const [start, end, words] = run
    if (ignored(words, skip)) continue
    // A following surname from the gazetteer, or capitalised words, make it a full name.
    const rest = words.slice(1)
    const surnameCount = rest.filter(
      (w) => esSurnames.has(foldWord(w)) || esGivenNames.has(foldWord(w)),
    ).length
    if (rest.length > 0 && surnameCount === 0 && rest.length > 2) continue
    const sentenceStart = !prev || /[.!?:]$/.test(prev.text) || text.slice(prev.end, t.start).includes('\n')
    if (rest.length === 0 && sentenceStart) {
      // "Iria viene acompañada…": a lone given name opening a sentence needs a verb after it.
      const next = toks[1]
      if (!next || !/^[a-zß-öø-ÿ]/.test(next.text) || PARTICLES.has(next.text)) continue
    }
    claims.add({ kind: 'name', start, end, category: 'name', severity: 'block', message: nameMsg })
  }
}

const RELATIVE_EXTRA =
  /^\s+(?:menor|mayor|gemel[oa]|materno|materna|paterno|paterna|mediano|mediana|var[oó]n|sano|sana)(?![A-Za-zÀ-ÖØ-öø-ɏ])/iu
const NOT_RELATIVES = new Set([
  'mujer',
  'pareja',
  'acompañante',
  'acompanante',
  'cuidador',
  'cuidadora',
  'cuidadores',
  'gemelo',
  'gemela',
  'gemelos',
  'gemelas',
])
// "célula madre", "lengua madre", "casa madre": not people.
const NOT_A_RELATIVE_BEFORE = /(?:c[eé]lulas?|lengua|casa|tierra|madre|padre)\s+$/i

/**
 * Mentions of the patient's relatives ("su madre", "un hermano", "la familia"). A relative is
 * not an identifier by name, but what the text says about them (their age, illness, death)
 * adds to the "sum of details" the GMC warns about; MEDDOCAN marks them for the same reason.
 * Reported as `info`, so they inform without blocking.
 */
export function detectRelatives(text: string, claims: Claims): void {
  for (const [start, wordEnd] of kinWords(text)) {
    const word = text.slice(start, wordEnd)
    if (NOT_RELATIVES.has(word.toLowerCase())) continue
    const m = { index: start, 0: word + (text.slice(wordEnd, wordEnd + 20).match(RELATIVE_EXTRA)?.[0] ?? '') }
    if (NOT_A_RELATIVE_BEFORE.test(text.slice(Math.max(0, m.index - 12), m.index))) continue
    // "Madre Teresa", "Padre Damián": a title, not a relative of the patient.
    if (
      /^(?:Madre|Padre)\s+[A-ZÀ-ÖØ-Þ]/.test(
        m[0] + text.slice(m.index + m[0].length, m.index + m[0].length + 3),
      )
    ) {
      const lineStart = text.lastIndexOf('\n', m.index - 1) + 1
      if (m.index !== lineStart) continue
    }
    claims.add({
      kind: 'relative',
      start: m.index,
      end: m.index + m[0].length,
      category: 'unique',
      severity: 'info',
      message:
        'Familiar del paciente: lo que se cuenta de él (edad, enfermedad, nombre) también ayuda a identificar al paciente.',
      suggestion: '[familiar]',
    })
  }
}
