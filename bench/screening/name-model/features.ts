import type { Analysis, Tok } from '../../../src/capabilities/screening/packs/confidentiality/analysis.ts'

/**
 * An experiment, not part of the engine: features for a logistic-regression second opinion on
 * the weakest name candidates of the confidentiality pack in English text (a capitalised word
 * no dictionary knows, a lower-case word that is also a name). The candidate's shape, capitals
 * and gazetteer flags, its words, the words before and after it, and the case of the whole text.
 * train.ts fits it on the WNUT-17 training split and measures it on the held-out dev split; the
 * result (docs/benchmarks/screening-notes.md) is why the engine does not use it.
 */

/** The rule reasons the model may overrule (entities.ts words them). */
export const RESCORED_REASONS: ReadonlySet<string> = new Set([
  'a capitalised word no dictionary knows: perhaps a name',
  'perhaps a name, written in lower case',
  'perhaps a name',
])

export type NameCandidate = { start: number; end: number; reason: string }

function shape(t: Tok): string {
  if (t.isNum) return 'd'
  if (t.allCaps) return 'X'
  if (t.cap) return t.codeLike ? 'Xc' : 'Xx'
  return t.codeLike ? 'xc' : 'x'
}

function capBucket(r: number): string {
  return r < 0.04 ? '0' : r < 0.15 ? '1' : r < 0.35 ? '2' : '3'
}

function gapKind(gap: string): string {
  const g = gap.trim()
  if (!g) return '_'
  if (g.length > 2) return g.slice(-2)
  return g
}

/** The features of one candidate: short strings, looked up in the weight table. */
export function nameFeatures(a: Analysis, c: NameCandidate): string[] {
  const toks = a.toks
  let i = 0
  while (i < toks.length && (toks[i] as Tok).end <= c.start) i++
  let j = i
  while (j < toks.length && (toks[j] as Tok).start < c.end) j++
  const span = toks.slice(i, j)
  const first = span[0]
  const out = ['bias', `r:${c.reason}`, `n:${Math.min(span.length, 3)}`, `cap:${capBucket(a.capRatio)}`]
  if (!first) return out
  const shapes = span.map(shape).join(' ')
  out.push(`sh:${shapes}`, `r:${c.reason}|sh:${shapes}`)
  if (first.sentStart) out.push('sent-start', `sent-start|sh:${shapes}`)
  if (i === 0) out.push('text-start')
  for (const t of span) {
    out.push(`w:${t.f}`)
    if (t.given) out.push('given')
    if (t.surname) out.push('surname')
    if (t.common) out.push('common')
    if (t.possessive) out.push('possessive')
    out.push(`suf:${t.f.slice(-3)}`)
    out.push(`len:${Math.min(t.f.length, 10)}`)
  }
  out.push(`gap-before:${gapKind(first.gap)}`)
  const prev = toks[i - 1]
  const prev2 = toks[i - 2]
  const next = toks[j]
  out.push(`p1:${prev ? prev.f : '<s>'}`, `p2:${prev2 ? prev2.f : '<s>'}`, `n1:${next ? next.f : '</s>'}`)
  if (prev) out.push(`p1-shape:${shape(prev)}`)
  if (next) out.push(`n1-shape:${shape(next)}`, `gap-after:${gapKind(next.gap)}`)
  return out
}
