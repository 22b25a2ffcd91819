import { type Token, tokenize } from '../text.ts'
import { fdaBrands, fdaCompanies } from './brands.generated.ts'
import { ambiguousBrandHeads, notBrands } from './brands-stoplist.ts'

/**
 * Drug and device brand names, matched by token lookup: a Map from a brand's first word to the
 * brands starting with it, built once at module load from the generated FDA lexicon. Organisation
 * brands (devices, non-US brands) are indexed per call; they are few.
 */

export type BrandEntry = {
  /** The brand as it is usually written, e.g. "Advair Diskus". */
  brand: string
  /** Lower-case words a mention must match, first word included. */
  words: readonly string[]
  /** Generic names, shortest first (may be empty). */
  generics: readonly string[]
  /** Company names as the source gives them (FDA abbreviations or the organisation's text). */
  companies: readonly string[]
  source: 'fda' | 'organisation'
  /** A single ordinary word: needs ®/™ or capitalisation in a sentence about medicines. */
  ambiguous: boolean
}

export type BrandMatch = { start: number; end: number; entry: BrandEntry }

export type OrganisationBrand = { brand: string; company: string; generic?: string | undefined }

type Index = Map<string, BrandEntry[]>

function addEntry(index: Index, entry: BrandEntry): void {
  const head = entry.words[0]
  if (!head) return
  const list = index.get(head) ?? []
  list.push(entry)
  index.set(head, list)
}

function isAmbiguousHead(head: string): boolean {
  return ambiguousBrandHeads.has(head) || head.replace(/[^a-z]/g, '').length <= 3
}

function displayName(words: readonly string[]): string {
  return words
    .map((w) => (w.length <= 3 && !/^[a-z]+$/.test(w) ? w.toUpperCase() : w[0]?.toUpperCase() + w.slice(1)))
    .join(' ')
}

const fdaIndex: Index = (() => {
  const index: Index = new Map()
  const byHead = new Map<string, { generics: Set<string>; companies: Set<string>; single: boolean }>()
  for (const line of fdaBrands.split('\n')) {
    const [lead = '', gens = '', cos = ''] = line.split('\t')
    if (!lead || notBrands.has(lead)) continue
    const words = lead.split(' ')
    const generics = gens ? gens.split('|') : []
    const companies = cos ? cos.split(',').map((i) => fdaCompanies[Number(i)] ?? '') : []
    const head = words[0] as string
    addEntry(index, {
      brand: displayName(words),
      words,
      generics,
      companies,
      source: 'fda',
      ambiguous: words.length === 1 && isAmbiguousHead(head),
    })
    const agg = byHead.get(head) ?? { generics: new Set(), companies: new Set(), single: false }
    for (const g of generics) agg.generics.add(g)
    for (const c of companies) agg.companies.add(c)
    if (words.length === 1) agg.single = true
    byHead.set(head, agg)
  }
  // "Advair" alone stands for "Advair Diskus" and "Advair HFA": add the first word as a brand of
  // its own when no FDA row has it alone, unless it is an ordinary word.
  for (const [head, agg] of byHead) {
    if (agg.single || isAmbiguousHead(head) || notBrands.has(head)) continue
    addEntry(index, {
      brand: displayName([head]),
      words: [head],
      generics: [...agg.generics].sort((a, b) => a.length - b.length).slice(0, 2),
      companies: [...agg.companies],
      source: 'fda',
      ambiguous: false,
    })
  }
  for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length)
  return index
})()

/** How many brand entries the FDA lexicon holds (for the README and tests). */
export const fdaBrandCount: number = [...fdaIndex.values()].reduce((n, l) => n + l.length, 0)

function organisationIndex(brands: readonly OrganisationBrand[]): Index {
  const index: Index = new Map()
  for (const b of brands) {
    const words = tokenize(b.brand).map((t) => t.text.toLowerCase())
    if (!words.length) continue
    addEntry(index, {
      brand: b.brand,
      words,
      generics: b.generic ? [b.generic.toLowerCase()] : [],
      companies: [b.company],
      source: 'organisation',
      ambiguous: false,
    })
  }
  for (const list of index.values()) list.sort((a, b) => b.words.length - a.words.length)
  return index
}

const DRUG_CONTEXT =
  /\b(?:\d+(?:\.\d+)?\s?(?:mg|mcg|µg|g|ml|mL|units?|iu|IU)\b|tablets?|pills?|capsules?|doses?|dosing|prescrib\w*|prescriptions?|drugs?|medications?|medicines?|meds|injections?|inhalers?|patch(?:es)?|cream|brand|generic|therapy|treated with|started (?:on|her|him)|taking|fármaco|medicamento|comprimidos?|dosis|receta)\b/i

function lowerKey(token: string): string {
  const t = token.toLowerCase()
  return t.endsWith("'s") || t.endsWith('’s') ? t.slice(0, -2) : t
}

function sentenceAround(text: string, start: number, end: number): { from: number; to: number } {
  let from = start
  while (from > 0 && !/[.!?\n]/.test(text[from - 1] as string)) from--
  let to = end
  while (to < text.length && !/[.!?\n]/.test(text[to] as string)) to++
  return { from, to }
}

function ambiguousMentionOk(text: string, token: Token): boolean {
  const after = text.slice(token.end, token.end + 2)
  if (/^\s?[®™]/.test(after)) return true
  const first = token.text[0] as string
  if (first === first.toLowerCase()) return false
  // Sentence-initial capitals say nothing about brands.
  let i = token.start - 1
  while (i >= 0 && /[\s"'“‘(]/.test(text[i] as string)) i--
  if (i < 0 || /[.!?\n:]/.test(text[i] as string)) return false
  const s = sentenceAround(text, token.start, token.end)
  return DRUG_CONTEXT.test(text.slice(s.from, s.to))
}

/**
 * Brand mentions in a text, longest brand first at each position, left to right without
 * overlaps. `tokens` may be passed when the caller has already tokenised the text.
 */
export function findBrands(
  text: string,
  organisationBrands: readonly OrganisationBrand[] = [],
  tokens: readonly Token[] = tokenize(text),
): BrandMatch[] {
  const indexes = organisationBrands.length ? [organisationIndex(organisationBrands), fdaIndex] : [fdaIndex]
  const out: BrandMatch[] = []
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as Token
    const raw = token.text.toLowerCase()
    const key = raw.endsWith("'s") || raw.endsWith('’s') ? raw.slice(0, -2) : raw
    let matched: BrandMatch | undefined
    let length = 0
    for (const index of indexes) {
      const candidates = index.get(raw) ?? (key !== raw ? index.get(key) : undefined)
      if (!candidates) continue
      for (const entry of candidates) {
        const n = entry.words.length
        if (n <= length || i + n > tokens.length) continue
        let ok = true
        for (let k = 1; k < n && ok; k++) {
          const t = (tokens[i + k] as Token).text
          ok = t.toLowerCase() === entry.words[k] || lowerKey(t) === entry.words[k]
        }
        if (!ok) continue
        if (entry.ambiguous && !ambiguousMentionOk(text, token)) continue
        const last = tokens[i + n - 1] as Token
        const end = n === 1 ? token.start + (entry.words[0] as string).length : last.end
        matched = { start: token.start, end, entry }
        length = n
        break
      }
    }
    if (matched) {
      out.push(matched)
      i += length - 1
    }
  }
  return out
}

/** Looks a brand up by name (any case), e.g. to show what a policy's brand list resolves to. */
export function lookupBrand(name: string): BrandEntry | undefined {
  const words = tokenize(name).map((t) => t.text.toLowerCase())
  return fdaIndex
    .get(words[0] ?? '')
    ?.find((e) => e.words.length === words.length && e.words.every((w, i) => w === words[i]))
}
