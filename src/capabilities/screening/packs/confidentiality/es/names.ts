import { esGivenNames } from '../../../lexicons/es-given-names.ts'
import { esSurnames } from '../../../lexicons/es-surnames.ts'

import { type Claims, foldWord, isCap, PARTICLES, type Tok, tokens } from './common.ts'

/**
 * Names of patients and relatives in Spanish prose: after a courtesy title ("Sra. López"),
 * after a kinship word ("su madre Teresa Rodríguez"), or a known given name, alone or with
 * surnames ("Paula", "Ana Jesús Vidal Sotillo"). Not clinicians after "Dr./Dra." (colleagues
 * are not patients), not eponyms ("enfermedad de Crohn", "signo de Murphy"), not the author.
 */

const TITLE = /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:Sr|Sra|Srta|Dña|D|Don|Doña)\.?\s+(?=[A-ZÀ-ÖØ-Þ])/gu
const KIN =
  /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:madre|padre|hermano|hermana|hijo|hija|esposa|esposo|marido|mujer|pareja|novia|novio|abuela|abuelo|t[ií]a|t[ií]o|prima|primo|nieta|nieto|sobrina|sobrino|cuñada|cuñado|suegra|suegro|padres|hijos|hermanos|hermanas|hijas|gemelo|gemela|acompañante|cuidadora|cuidador)\s*,?\s*\(?\s*(?=[A-ZÀ-ÖØ-Þ])/giu

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
  for (const re of [TITLE, KIN]) {
    re.lastIndex = 0
    for (const m of text.matchAll(re)) {
      const from = m.index + m[0].length
      const toks = tokens(text, from, Math.min(text.length, from + 80))
      const run = nameRun(toks, 0)
      if (!run || ignored(run[2], skip)) continue
      // After "D." only a real given name ("D. José"), since "vitamina D. Se…" is common.
      const firstWord = foldWord(run[2][0] as string)
      if (re === TITLE && /^D\.?\s/.test(m[0]) && !esGivenNames.has(firstWord)) continue
      if (re === KIN && !esGivenNames.has(firstWord)) continue
      claims.add({
        kind: 'name',
        start: run[0],
        end: run[1],
        category: 'name',
        severity: 'block',
        message: nameMsg,
      })
    }
  }
  // Known given names, with any surnames that follow.
  CAP_WORD_G.lastIndex = 0
  for (const m of text.matchAll(CAP_WORD_G)) {
    const word = m[0]
    // Acronyms (ANA, EMA, PIO) are not names; capitals in a header are read by the header rule.
    if (word === word.toUpperCase()) continue
    const f = foldWord(word)
    if (!esGivenNames.has(f) || AMBIGUOUS.has(f) || skip.has(f)) continue
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
