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

/**
 * Per-field memo for the shared passes (tokens, shapes, dates, phrases, names). Kept on the
 * field object itself, under a private symbol, rather than in a WeakMap: the field dies with its
 * screen() call, and so does everything hung on it, in the young generation. A WeakMap's values
 * survive minor collections until a full one, which promoted every token of every post and made
 * minor pauses of 10-30 ms.
 */
const MEMO = Symbol('confidentiality memo')
type Memo = Record<string, unknown>

export function memo<T>(field: object, key: string, compute: () => T): T {
  const holder = field as { [MEMO]?: Memo }
  let m = holder[MEMO]
  if (!m) {
    // A symbol key: invisible to JSON.stringify, Object.keys and for..in.
    m = {}
    holder[MEMO] = m
  }
  if (key in m) return m[key] as T
  const v = compute()
  m[key] = v
  return v
}

/**
 * Which characters of a text are already claimed, for "does this match overlap an earlier
 * one?" in time proportional to the match, not to the number of earlier matches (a text made
 * of thousands of IP-like "1.1.1.1" would otherwise be quadratic).
 */
export class SpanMask {
  private spans: number[] = []
  private used: Uint8Array | undefined
  private readonly length: number
  constructor(length: number) {
    this.length = length
  }
  overlaps(start: number, end: number): boolean {
    if (this.used) {
      for (let i = start; i < end; i++) if (this.used[i]) return true
      return false
    }
    // Few spans (the usual case): a list, without allocating a mask the size of the text.
    const s = this.spans
    for (let i = 0; i < s.length; i += 2)
      if (start < (s[i + 1] as number) && end > (s[i] as number)) return true
    return false
  }
  add(start: number, end: number): void {
    if (!this.used && this.spans.length < 64) {
      this.spans.push(start, end)
      return
    }
    if (!this.used) {
      this.used = new Uint8Array(this.length + 1)
      for (let i = 0; i < this.spans.length; i += 2) this.used.fill(1, this.spans[i], this.spans[i + 1])
    }
    this.used.fill(1, start, end)
  }
}
