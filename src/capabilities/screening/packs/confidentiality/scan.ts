export { execAll } from '../../text.ts'

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
