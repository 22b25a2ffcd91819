import type { ReferenceInput } from '../../screening.schema.ts'
import { execAll } from '../../text.ts'

/**
 * Citation markers in running text: numeric ("[1]", "[1, 3-5]", "[^2]", Markdown footnotes) and
 * author-year ("(Smith 2020)", "(Smith et al., 2020; Jones 2019)"), and the markers a post
 * defines: its references' markers (or their positions, "1" for the first), numbered lines
 * under a "References" heading and Markdown footnote definitions ("[^1]: …").
 */

export type Marker = { start: number; end: number; keys: string[] }

const NUMERIC = /\[\^?\s*(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\s*\](?!\s*\()(?!:)/g
const FOOTNOTE = /\[\^([\p{L}\p{N}_-]{1,20})\](?!:)/gu
const AUTHOR_YEAR =
  /\((?:see\s+|e\.g\.,?\s+|cf\.\s+)?\p{Lu}[\p{L}'’-]+(?:\s+(?:et al\.?|and|&|y|e)\s*(?:\p{Lu}[\p{L}'’-]+)?)?,?\s+(?:19|20)\d{2}[a-z]?(?:[;,][^)]{0,120})?\)/gu
const FOOTNOTE_DEFINITION = /^[ \t]*\[\^([\p{L}\p{N}_-]{1,20})\]:/gmu
const REFERENCES_HEADING =
  /^[ \t]*(?:#{1,6}[ \t]*)?(?:\*\*)?(?:references?|sources?|bibliography|further reading|referencias|bibliografía|fuentes)(?:\*\*)?:?[ \t]*$/gimu
const NUMBERED_LINE = /^[ \t]*(?:\[(\d{1,3})\]|(\d{1,3})[.)])[ \t]+\S/gm

function expand(list: string): string[] {
  const keys: string[] = []
  for (const part of list.split(',')) {
    const [a, b] = part.split(/[-–]/).map((x) => Number(x.trim()))
    if (a === undefined || Number.isNaN(a)) continue
    if (b === undefined || Number.isNaN(b) || b < a || b - a > 50) keys.push(String(a))
    else for (let i = a; i <= b; i++) keys.push(String(i))
  }
  return keys
}

/** Numeric and footnote markers, in order; each with the reference keys it points at. */
export function findMarkers(text: string): Marker[] {
  const out: Marker[] = []
  for (const m of execAll(NUMERIC, text))
    out.push({ start: m.index, end: m.index + m[0].length, keys: expand(m[1] as string) })
  for (const m of execAll(FOOTNOTE, text)) {
    if (out.some((o) => o.start === m.index)) continue
    out.push({ start: m.index, end: m.index + m[0].length, keys: [m[1] as string] })
  }
  return out.sort((a, b) => a.start - b.start)
}

/** Author-year citations: "(Smith 2020)", "(Smith et al., 2020; Jones 2019)". */
export function findAuthorYear(text: string): Array<{ start: number; end: number }> {
  return [...execAll(AUTHOR_YEAR, text)].map((m) => ({ start: m.index, end: m.index + m[0].length }))
}

/** Where a "References" section starts in a text, or -1. Claims are not looked for after it. */
export function referencesSectionStart(text: string): number {
  REFERENCES_HEADING.lastIndex = 0
  const m = REFERENCES_HEADING.exec(text)
  return m ? m.index : -1
}

/** The marker keys a post defines: its references and any list or footnotes in the text. */
export function definedMarkers(references: readonly ReferenceInput[], texts: readonly string[]): Set<string> {
  const keys = new Set<string>()
  references.forEach((r, i) => {
    keys.add(r.marker ? r.marker.replace(/^\[?\^?|\]$/g, '').trim() : String(i + 1))
  })
  for (const text of texts) {
    for (const m of execAll(FOOTNOTE_DEFINITION, text)) keys.add(m[1] as string)
    const section = referencesSectionStart(text)
    if (section >= 0) {
      const rest = text.slice(section)
      for (const m of execAll(NUMBERED_LINE, rest)) keys.add(String(Number(m[1] ?? m[2])))
    }
  }
  return keys
}
