/**
 * Text helpers shared by the rules. All offsets are UTF-16 code-unit offsets, as JavaScript
 * strings index them, so findings can be highlighted in the browser without conversion.
 */

export type Span = { start: number; end: number }
export type Token = Span & { text: string }

/**
 * All matches of a global regular expression, without String.prototype.matchAll's per-call
 * clone of the expression (a measurable cost when a short post meets thirty expressions).
 * Safe because screening is synchronous: no two scans of one expression interleave.
 */
export function execAll(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = []
  re.lastIndex = 0
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    out.push(m)
    if (m[0].length === 0) re.lastIndex++
  }
  return out
}

const WORD = /[\p{L}\p{M}\p{N}][\p{L}\p{M}\p{N}'’\-.]*[\p{L}\p{M}\p{N}]|[\p{L}\p{M}\p{N}]/gu

/** Words with their offsets (letters, digits, inner apostrophes, hyphens and dots). */
export function tokenize(text: string): Token[] {
  const out: Token[] = []
  for (const m of execAll(WORD, text)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] })
  return out
}

/**
 * Sentence spans: split after . ! ? … and line breaks, not after common abbreviations,
 * initials or decimals (so "Dr. Smith", "e.g. this" and "2.5 mg" stay whole).
 */
export function sentences(text: string): Span[] {
  const spans: Span[] = []
  let start = 0
  const re = /([.!?…]+)(["'”’)\]]*)(\s+)|\n\s*\n|\n(?=\s*[-*•\d]+[.)]?\s)/g
  for (const m of execAll(re, text)) {
    const end = m.index + (m[1] ? m[1].length + (m[2]?.length ?? 0) : 0)
    if (m[1] && isAbbreviationBefore(text, m.index)) continue
    if (end > start) pushTrimmed(text, spans, start, end)
    start = m.index + m[0].length
  }
  if (start < text.length) pushTrimmed(text, spans, start, text.length)
  return spans
}

const ABBREVIATIONS = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'prof',
  'st',
  'vs',
  'etc',
  'e.g',
  'i.e',
  'no',
  'fig',
  'approx',
  'dept',
  'jr',
  'sr',
  'mg',
  'ml',
  'al',
  'ref',
  'sra',
  'sr',
  'dra',
  'pág',
  'núm',
  'aprox',
])

function isAbbreviationBefore(text: string, dotIndex: number): boolean {
  let i = dotIndex
  while (i > 0 && /[\p{L}.]/u.test(text[i - 1] as string)) i--
  const word = text.slice(i, dotIndex).toLowerCase()
  if (ABBREVIATIONS.has(word)) return true
  // A single capital letter: an initial ("J. Smith").
  return /^\p{Lu}$/u.test(text.slice(i, dotIndex))
}

function pushTrimmed(text: string, spans: Span[], start: number, end: number): void {
  while (start < end && /\s/.test(text[start] as string)) start++
  while (end > start && /\s/.test(text[end - 1] as string)) end--
  if (end > start) spans.push({ start, end })
}

/** Regex matches as spans, with an optional group to report instead of the whole match. */
export function matchSpans(text: string, re: RegExp, group = 0): Array<Span & { match: RegExpExecArray }> {
  if (!re.global) throw new Error('matchSpans needs a global regular expression')
  const out: Array<Span & { match: RegExpExecArray }> = []
  re.lastIndex = 0
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) {
      re.lastIndex++
      continue
    }
    const g = m[group]
    if (g === undefined) continue
    const start = group === 0 ? m.index : m.index + m[0].indexOf(g)
    out.push({ start, end: start + g.length, match: m })
  }
  return out
}

/** Lower-case, strip accents: for comparing words across spellings. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
}

/** Grapheme count, as Bluesky counts. */
export function graphemeLength(text: string): number {
  const seg = new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  let n = 0
  for (const _ of seg.segment(text)) n++
  return n
}
