import type { CueSpan } from './rule.ts'
import { execAll } from './text.ts'

/**
 * Reads captions or a transcript. For SRT and VTT, each cue's text keeps its offsets in the
 * original string, so a finding's span points into what the author uploaded and also knows
 * its cue timing. Plain text has no cues.
 */
export function parseCaptions(raw: string): { format: 'srt' | 'vtt' | 'plain'; cues: CueSpan[] } {
  const format = /^\uFEFF?WEBVTT/.test(raw)
    ? 'vtt'
    : /(^|\n)\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{3}\s*-->/.test(raw)
      ? 'srt'
      : 'plain'
  if (format === 'plain') return { format, cues: [] }
  const cues: CueSpan[] = []
  const timing =
    /^[ \t]*((?:\d{1,2}:)?\d{2}:\d{2}[,.]\d{3})[ \t]*-->[ \t]*((?:\d{1,2}:)?\d{2}:\d{2}[,.]\d{3})[^\n]*$/gm
  const matches = [...execAll(timing, raw)]
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i] as RegExpMatchArray & { index: number }
    const lineEnd = m.index + m[0].length
    const textStart = raw[lineEnd] === '\r' ? lineEnd + 2 : lineEnd + 1
    // The cue's text runs to the first blank line.
    const blank = /\r?\n[ \t]*\r?\n/g
    blank.lastIndex = textStart
    const b = blank.exec(raw)
    const next = matches[i + 1]?.index ?? raw.length
    let textEnd = b && b.index < next ? b.index : Math.min(next, raw.length)
    while (textEnd > textStart && /\s/.test(raw[textEnd - 1] as string)) textEnd--
    if (textStart > raw.length) continue
    cues.push({
      index: cues.length + 1,
      start: normaliseTime(m[1] as string),
      end: normaliseTime(m[2] as string),
      textStart: Math.min(textStart, raw.length),
      textEnd: Math.max(Math.min(textStart, raw.length), textEnd),
    })
  }
  return { format, cues }
}

function normaliseTime(t: string): string {
  const [hms = '', ms = '000'] = t.replace(',', '.').split('.')
  const parts = hms.split(':')
  while (parts.length < 3) parts.unshift('00')
  return `${parts.map((p) => p.padStart(2, '0')).join(':')}.${ms.padEnd(3, '0')}`
}

/** The cue containing an offset, if any. */
export function cueAt(cues: readonly CueSpan[] | undefined, offset: number): CueSpan | undefined {
  if (!cues) return undefined
  let lo = 0
  let hi = cues.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const c = cues[mid] as CueSpan
    if (offset < c.textStart) hi = mid - 1
    else if (offset >= c.textEnd) lo = mid + 1
    else return c
  }
  return undefined
}
