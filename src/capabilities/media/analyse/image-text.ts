import { type CompiledPolicy, compilePolicy, screen } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, MediaBox, PackId, PolicyInput } from '#src/capabilities/screening/screening.schema.ts'
import type { OcrLine, OcrWord } from './ocr.ts'

/**
 * Screening of the text read from an image. The OCR lines become one text (words joined by
 * spaces, lines by newlines) that the screening engine reads like a post body; each
 * finding's offsets are mapped back to the words they cover, and the finding's `box` is the
 * union of those words' boxes. Findings from the different OCR passes over the same region
 * are merged.
 */

/** Packs that make sense for text inside a picture (not evidence or channel lengths). */
export const IMAGE_TEXT_PACKS: readonly PackId[] = ['confidentiality', 'professionalism', 'commercial']

export type ScreenedText = {
  /** The text the findings' offsets point into (field `body`). */
  text: string
  findings: Finding[]
}

type Placed = { word: OcrWord; start: number; end: number }

/** Builds the OCR text and the offset of every word in it. */
export function layoutWords(lines: readonly OcrLine[]): { text: string; placed: Placed[] } {
  let text = ''
  const placed: Placed[] = []
  lines.forEach((line, li) => {
    if (li > 0) text += '\n'
    line.words.forEach((word, wi) => {
      if (wi > 0) text += ' '
      placed.push({ word, start: text.length, end: text.length + word.text.length })
      text += word.text
    })
  })
  return { text, placed }
}

/** The smallest box containing all the given boxes. */
export function unionBox(boxes: readonly MediaBox[]): MediaBox | undefined {
  if (!boxes.length) return undefined
  let x0 = Number.POSITIVE_INFINITY
  let y0 = Number.POSITIVE_INFINITY
  let x1 = 0
  let y1 = 0
  for (const b of boxes) {
    x0 = Math.min(x0, b.x)
    y0 = Math.min(y0, b.y)
    x1 = Math.max(x1, b.x + b.width)
    y1 = Math.max(y1, b.y + b.height)
  }
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** How much of the smaller box lies inside the other (1 when one contains the other). */
export function boxContainment(a: MediaBox, b: MediaBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  const smaller = Math.min(a.width * a.height, b.width * b.height)
  return smaller > 0 ? (ix * iy) / smaller : 0
}

/** Intersection over union of two boxes (0 when they do not touch). */
export function boxOverlap(a: MediaBox, b: MediaBox): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x))
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y))
  const inter = ix * iy
  const union = a.width * a.height + b.width * b.height - inter
  return union > 0 ? inter / union : 0
}

const compiledForImages = new WeakMap<object, { compiled: CompiledPolicy; packs: PackId[] }>()

/**
 * The organisation's policy narrowed to IMAGE_TEXT_PACKS, compiled once per policy object
 * (a video calls this for every frame; compiling a policy with a long retraction list is not free).
 */
export function imageTextPolicy(policy: PolicyInput | CompiledPolicy): {
  compiled: CompiledPolicy
  packs: PackId[]
} {
  const cached = compiledForImages.get(policy)
  if (cached) return cached
  const base =
    'policy' in policy && typeof policy.policy === 'object' ? policy.policy : (policy as PolicyInput)
  const packs = (base.packs ?? IMAGE_TEXT_PACKS).filter((p) => IMAGE_TEXT_PACKS.includes(p))
  const result = { compiled: compilePolicy({ ...base, packs }), packs }
  compiledForImages.set(policy, result)
  return result
}

/**
 * Runs the screening engine over OCR lines and places each finding on the image.
 * `policy` is the organisation's; only the packs in IMAGE_TEXT_PACKS (and in the policy) run.
 */
export function screenOcrLines(
  lines: readonly OcrLine[],
  policy: PolicyInput | CompiledPolicy = {},
  extra: { time?: number } = {},
): ScreenedText {
  const { text, placed } = layoutWords(lines)
  if (!text.trim()) return { text, findings: [] }
  const { compiled, packs } = imageTextPolicy(policy)
  const report = screen({ body: text, language: 'auto' }, compiled)
  const out: Finding[] = []
  const confidence = new WeakMap<Finding, number>()
  const engineFindings = packs.includes('confidentiality')
    ? [...report.findings, ...labelledNames(text, report.findings)]
    : report.findings
  for (const found of engineFindings) {
    if (found.field !== 'body') continue
    const f = found.ruleId === 'confidentiality.name' ? extendLabelledName(text, found) : found
    const covered = placed.filter((p) => p.start < Math.max(f.end, f.start + 1) && p.end > f.start)
    const box = unionBox(covered.map((p) => p.word.box))
    if (!box) continue
    const finding: Finding = { ...f, box, ...(extra.time !== undefined ? { time: extra.time } : {}) }
    confidence.set(finding, covered.reduce((n, p) => n + p.word.confidence, 0) / covered.length)
    const twin = out.find(
      (o) =>
        o.ruleId === finding.ruleId &&
        o.box &&
        (boxOverlap(o.box, box) > 0.3 || boxContainment(o.box, box) > 0.8),
    )
    if (twin) {
      // The same identifier read by two passes: keep the more severe; then the one covering
      // more (a whole name over one of its words); then the reading tesseract was surer of
      // ("07700 900484" over "07700 9500484").
      const rank = { block: 0, warn: 1, info: 2 }
      const a = finding.text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
      const b = twin.text.toLowerCase().replace(/[^\p{L}\p{N}]/gu, '')
      const longer = finding.text.length - twin.text.length
      const sameRank = rank[finding.severity] === rank[twin.severity]
      const better =
        rank[finding.severity] < rank[twin.severity] ||
        (sameRank &&
          (a !== b && a.includes(b)
            ? true
            : a !== b && b.includes(a)
              ? false
              : Math.abs(longer) > 2
                ? longer > 0
                : (confidence.get(finding) ?? 0) > (confidence.get(twin) ?? 0)))
      if (!better) continue
      // The winner replaces every reading it overlaps (a whole name replaces each of its words).
      for (let k = out.length - 1; k >= 0; k--) {
        const o = out[k] as Finding
        if (
          o.ruleId === finding.ruleId &&
          o.box &&
          (boxOverlap(o.box, box) > 0.3 || boxContainment(o.box, box) > 0.8)
        )
          out.splice(k, 1)
      }
    }
    out.push(finding)
  }
  // A note (info) about words a blocking finding already covers adds nothing to the picture.
  const blocking = out.filter((f) => f.severity === 'block' && f.box)
  const kept = out.filter(
    (f) =>
      f.severity !== 'info' ||
      !f.box ||
      !blocking.some((b) => b.box && boxContainment(b.box, f.box as MediaBox) > 0.8),
  )
  return { text, findings: kept }
}

/** "Name:", "Patient:", "Pt name" at the start of a line: a form field whose value is a name. */
const NAME_LABEL = /^\s*(?:patient(?:'s)?\s+name|patient|pt\.?\s*name|pt|name|nombre|paciente)\s*[:;.]\s*/i
/** Another label on the same line ends the name ("Name: SMITH, John  DOB: …"). */
const NEXT_LABEL =
  /\s+(?:dob|d\.o\.b|born|mrn|nhs|hosp|hospital|id|ward|age|sex|gender|dr|consultant|fecha|nhc)\b/i

/**
 * Labels and wristbands print names in forms the prose rules only half catch ("SMITH, John":
 * the engine flags "John"). When a name finding sits in the value of a "Name:" field, the
 * finding grows to the whole value, so its box covers the surname too.
 */
export function extendLabelledName(text: string, f: Finding): Finding {
  const lineStart = text.lastIndexOf('\n', f.start - 1) + 1
  const nl = text.indexOf('\n', f.start)
  const lineEnd = nl === -1 ? text.length : nl
  const line = text.slice(lineStart, lineEnd)
  const label = NAME_LABEL.exec(line)
  if (!label) return f
  const valueStart = lineStart + label[0].length
  if (f.start < valueStart) return f
  const rest = text.slice(valueStart, lineEnd)
  const stop = NEXT_LABEL.exec(rest)
  let valueEnd = valueStart + (stop ? stop.index : rest.length)
  while (valueEnd > valueStart && /[\s,;.]/.test(text[valueEnd - 1] as string)) valueEnd--
  if (f.end > valueEnd) return f
  return { ...f, start: valueStart, end: valueEnd, text: text.slice(valueStart, valueEnd) }
}

const NAME_CITATION = 'HIPAA Privacy Rule, 45 CFR 164.514(b)(2)(i)(A): names'

/**
 * A "Name:" field on a label whose value looks like a person's name ("Grace Jones",
 * "EVANS, Mary") is a name even when the prose rules pass it over (a common first name, a
 * capitalised surname). Only whole field values of two to four name-shaped words count.
 */
export function labelledNames(text: string, existing: readonly Finding[]): Finding[] {
  const out: Finding[] = []
  let lineStart = 0
  const all = text.split('\n')
  for (let li = 0; li < all.length; li++) {
    const line = all[li] as string
    let label = NAME_LABEL.exec(line)
    let valueLine = line
    let valueLineStart = lineStart
    // Sparse layouts split "Name:" from its value: a label alone on its line labels the next.
    if (label && label[0].length === line.length && li + 1 < all.length) {
      valueLine = all[li + 1] as string
      valueLineStart = lineStart + line.length + 1
      label = /^/.exec(valueLine)
    }
    if (label) {
      const rest = valueLine.slice(label[0].length)
      const stop = NEXT_LABEL.exec(rest)
      let value = stop ? rest.slice(0, stop.index) : rest
      value = value.replace(/[\s,;.]+$/, '')
      const words = value.split(/[\s,]+/).filter(Boolean)
      const nameShaped =
        words.length >= 2 && words.length <= 4 && words.every((w) => /^\p{Lu}[\p{L}'’-]*\.?$/u.test(w))
      const start = valueLineStart + label[0].length
      const end = start + value.length
      const covered = existing.some(
        (f) => f.field === 'body' && f.category === 'name' && f.start <= start && f.end >= end,
      )
      if (nameShaped && !covered)
        out.push({
          ruleId: 'confidentiality.name',
          pack: 'confidentiality',
          category: 'name',
          severity: 'block',
          field: 'body',
          start,
          end,
          text: value,
          message: 'A name in a "Name" field of a label, wristband or form in the image.',
          citation: NAME_CITATION,
          suggestion: 'Crop or cover the label',
        })
    }
    lineStart += line.length + 1
  }
  return out
}
