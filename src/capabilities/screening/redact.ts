import type { Finding } from './screening.schema.ts'

/**
 * Replaces every blocking span of one field with its suggestion (or "[redacted]"), leaving
 * every other character exactly as it was. Overlapping spans are merged first; the merged
 * span takes the suggestion of its first finding.
 */
export function redact(text: string, findings: readonly Finding[], field: Finding['field'] = 'body'): string {
  const spans = findings
    .filter((f) => f.severity === 'block' && f.field === field && f.end > f.start && f.end <= text.length)
    .map((f) => ({ start: f.start, end: f.end, replacement: f.suggestion ?? '[redacted]' }))
    .sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: typeof spans = []
  for (const s of spans) {
    const last = merged[merged.length - 1]
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end)
    else merged.push({ ...s })
  }
  let out = ''
  let at = 0
  for (const s of merged) {
    out += text.slice(at, s.start) + s.replacement
    at = s.end
  }
  return out + text.slice(at)
}
