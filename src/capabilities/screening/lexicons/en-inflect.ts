/**
 * English inflection stripping, shared by the lexicon generator and the rules: the
 * common-word list stores base forms only, and a word counts as common when it or one of
 * the bases these suffix rules give is listed. Keeping one function for both sides keeps the
 * generated list and the lookup in step (the generator drops only words this finds again).
 */
export function inflectionBases(word: string): string[] {
  const w = word
  const n = w.length
  const out: string[] = []
  if (n < 4) return out
  if (w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`)
  if (w.endsWith('ied')) out.push(`${w.slice(0, -3)}y`)
  if (w.endsWith('es')) out.push(w.slice(0, -2))
  if (w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1))
  if (w.endsWith('ed')) {
    out.push(w.slice(0, -2), w.slice(0, -1))
    if (n > 5 && w[n - 3] === w[n - 4]) out.push(w.slice(0, -3))
  }
  if (w.endsWith('ing') && n > 5) {
    out.push(w.slice(0, -3), `${w.slice(0, -3)}e`)
    if (w[n - 4] === w[n - 5]) out.push(w.slice(0, -4))
  }
  if (w.endsWith('ly') && n > 5) out.push(w.slice(0, -2))
  if (w.endsWith('ily') && n > 5) out.push(`${w.slice(0, -3)}y`)
  if (w.endsWith('er') && n > 4) out.push(w.slice(0, -2), w.slice(0, -1))
  if (w.endsWith('est') && n > 5) out.push(w.slice(0, -3), w.slice(0, -2))
  if (w.endsWith('ness') && n > 6) out.push(w.slice(0, -4))
  return out
}
