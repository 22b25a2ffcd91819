import {
  checkReference,
  findMalformedIds,
  findReferenceIds,
  type ParsedReference,
  urlHost,
} from '../../references.ts'
import type { Detection, Rule, ScreenContext, ScreenField } from '../../rule.ts'
import { execAll, type Span, sentences } from '../../text.ts'
import {
  definedMarkers,
  findAuthorYear,
  findMarkers,
  type Marker,
  referencesSectionStart,
} from './citations.ts'
import { type ClaimKind, claimKindLabels, claimPatterns, opinionAsFact, opinionLabel } from './claims.ts'

export { parseRetractionCsv } from '../../references.ts'

/**
 * Evidence: clinical claims need references; references must be well formed and not retracted;
 * opinion must not be presented as fact.
 */

const HONESTY =
  "GMC Good medical practice (2024) para 'honest and trustworthy'; AMA Code of Medical Ethics Op. 2.3.2"
const RETRACTION =
  "ICMJE Recommendations, 'Scientific Misconduct, Expressions of Concern, and Retraction'; COPE Retraction guidelines (2019)"
const REFERENCES = "ICMJE Recommendations, 'References'"

/** Fields where claims are looked for. Hashtags and references are not prose. */
const PROSE_FIELDS = new Set(['title', 'body', 'captions', 'altText', 'quiz'])
/** A marker this close after a sentence ("… mortality. [1]") still cites it. */
const TRAILING_MARKER_WINDOW = 15

type FieldAnalysis = {
  field: ScreenField
  sentences: Span[]
  /** Citation spans: markers, author-year citations, identifiers. */
  citations: Array<{ start: number; end: number }>
  markers: Marker[]
  ids: ParsedReference[]
  /** Claims and opinions are not looked for from here on (a "References" section). */
  proseEnd: number
}

function analyse(ctx: ScreenContext, field: ScreenField): FieldAnalysis {
  return ctx.memo(`evidence.analysis:${field.name}`, () => analyseField(field))
}

function analyseField(field: ScreenField): FieldAnalysis {
  const text = field.text
  const markers = findMarkers(text)
  const ids = findReferenceIds(text)
  const section = referencesSectionStart(text)
  const analysis: FieldAnalysis = {
    field,
    sentences: sentences(text),
    markers,
    ids,
    citations: [...markers, ...findAuthorYear(text), ...ids].sort((a, b) => a.start - b.start),
    proseEnd: section >= 0 ? section : text.length,
  }
  return analysis
}

function proseFields(ctx: ScreenContext): ScreenField[] {
  return ctx.fields.filter((f) => PROSE_FIELDS.has(f.name))
}

/** Index of the sentence containing an offset (binary search), or -1. */
function sentenceAt(spans: readonly Span[], offset: number): number {
  let lo = 0
  let hi = spans.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = spans[mid] as Span
    if (offset < s.start) hi = mid - 1
    else if (offset >= s.end) lo = mid + 1
    else return mid
  }
  return -1
}

function hasCitation(a: FieldAnalysis, s: Span): boolean {
  const to = Math.min(a.field.text.length, s.end + TRAILING_MARKER_WINDOW)
  // Citations are sorted by start and do not overlap: skip to the first that ends after the sentence starts.
  let lo = 0
  let hi = a.citations.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((a.citations[mid] as Span).end <= s.start) lo = mid + 1
    else hi = mid
  }
  for (let i = lo; i < a.citations.length; i++) {
    const c = a.citations[i] as Span
    if (c.start >= to) break
    if (c.start < s.end || /^[\s.,;:)]*$/.test(a.field.text.slice(s.end, c.start))) return true
  }
  return false
}

type Claim = { sentence: Span; kind: ClaimKind; trigger: string }

/** The first claim in each sentence of a field, before any "References" section. */
function findClaims(a: FieldAnalysis): Claim[] {
  const text = a.field.text
  const bySentence = new Map<number, { kind: ClaimKind; at: number; trigger: string }>()
  for (const [kind, pattern] of claimPatterns) {
    pattern.lastIndex = 0
    for (const m of execAll(pattern, text)) {
      if (m.index >= a.proseEnd) break
      const i = sentenceAt(a.sentences, m.index)
      if (i < 0) continue
      const prev = bySentence.get(i)
      if (!prev || m.index < prev.at) bySentence.set(i, { kind, at: m.index, trigger: m[0] })
    }
  }
  return [...bySentence.entries()]
    .sort((x, y) => x[0] - y[0])
    .map(([i, c]) => ({ sentence: a.sentences[i] as Span, kind: c.kind, trigger: c.trigger.trim() }))
}

/** References entered with the post, with their offsets in the joined references field. */
function referenceEntries(ctx: ScreenContext): Array<{ value: string; offset: number }> {
  let offset = 0
  return ctx.input.references.map((r) => {
    const entry = { value: r.value, offset }
    offset += r.value.length + 1
    return entry
  })
}

export const claimWithoutReference: Rule = {
  id: 'evidence.claim-without-reference',
  pack: 'evidence',
  category: 'unsupported-claim',
  severity: 'warn',
  citation: HONESTY,
  description:
    'A sentence makes a clinical claim (effect, risk, dosing, statistics, "studies show", "first-line") with no citation near it.',
  detect(ctx) {
    const out: Detection[] = []
    const fields = proseFields(ctx)
    const analysed = fields.map((f) => analyse(ctx, f))
    const anyMarker = analysed.some((a) => a.markers.length > 0)
    const anyCitation = analysed.some((a) => a.citations.length > 0) || ctx.input.references.length > 0
    for (const a of analysed) {
      // A short social post with its sources attached and no markers at all cites them as a whole.
      const wholePostCited = ctx.input.references.length > 0 && !anyMarker && a.proseEnd <= 600
      for (const claim of findClaims(a)) {
        if (hasCitation(a, claim.sentence)) continue
        if (wholePostCited) continue
        // A title sums up the post: it is supported when the post cites its sources.
        if (a.field.name === 'title' && anyCitation) continue
        out.push({
          field: a.field.name,
          start: claim.sentence.start,
          end: claim.sentence.end,
          category: claim.kind,
          message: `This sentence makes ${claimKindLabels[claim.kind]} ("${claim.trigger}") without a reference.`,
          suggestion:
            'Add a citation marker such as [1] and list the source (DOI or PMID) in the references.',
        })
      }
    }
    return out
  },
}

export const referenceMalformed: Rule = {
  id: 'evidence.reference-malformed',
  pack: 'evidence',
  category: 'malformed-reference',
  severity: 'warn',
  citation: REFERENCES,
  description:
    'A reference is not a valid DOI (10.NNNN/…), PMID (1–8 digits), PMCID (PMC…) or web address, or has none.',
  detect(ctx) {
    const out: Detection[] = []
    for (const { value, offset } of referenceEntries(ctx)) {
      for (const p of checkReference(value).problems) {
        out.push({
          field: 'references',
          start: offset + p.start,
          end: offset + p.end,
          message: p.message,
          ...(p.suggestion ? { suggestion: p.suggestion } : {}),
        })
      }
    }
    for (const f of proseFields(ctx)) {
      const a = analyse(ctx, f)
      for (const p of findMalformedIds(f.text, a.ids, { prose: true })) {
        out.push({ field: f.name, start: p.start, end: p.end, message: p.message })
      }
    }
    return out
  },
}

export const referenceRetracted: Rule = {
  id: 'evidence.reference-retracted',
  pack: 'evidence',
  category: 'retracted-reference',
  severity: 'block',
  citation: RETRACTION,
  description: "A cited DOI is on the organisation's list of retracted papers.",
  detect(ctx) {
    if (ctx.retractedDois.size === 0) return []
    const out: Detection[] = []
    const report = (field: ScreenField['name'], id: ParsedReference, offset: number) => {
      if (id.kind !== 'doi' || !ctx.retractedDois.has(id.id)) return
      out.push({
        field,
        start: offset + id.start,
        end: offset + id.end,
        message: `The paper ${id.id} has been retracted. Do not cite it as evidence: remove it or replace it with current evidence (cite the retraction notice if you are discussing the retraction).`,
        // Redaction pastes this over the span: the one-click fix removes the identifier.
        suggestion: '',
      })
    }
    for (const { value, offset } of referenceEntries(ctx)) {
      for (const id of findReferenceIds(value)) report('references', id, offset)
    }
    for (const f of proseFields(ctx)) for (const id of analyse(ctx, f).ids) report(f.name, id, 0)
    return out
  },
}

export const markerWithoutReference: Rule = {
  id: 'evidence.marker-without-reference',
  pack: 'evidence',
  category: 'dangling-citation',
  severity: 'warn',
  citation: REFERENCES,
  description: 'A citation marker such as [3] points at no reference.',
  detect(ctx) {
    const fields = proseFields(ctx)
    const defined = definedMarkers(
      ctx.input.references,
      fields.map((f) => f.text),
    )
    const out: Detection[] = []
    for (const f of fields) {
      const a = analyse(ctx, f)
      for (const m of a.markers) {
        if (m.start >= a.proseEnd) break
        const missing = m.keys.filter((k) => !defined.has(k))
        if (!missing.length) continue
        out.push({
          field: f.name,
          start: m.start,
          end: m.end,
          message: `Citation ${missing.map((k) => `[${k}]`).join(', ')} points at no reference.`,
          suggestion: 'Add the missing reference, or correct the marker.',
        })
      }
    }
    return out
  },
}

export const referenceUntrusted: Rule = {
  id: 'evidence.reference-untrusted',
  pack: 'evidence',
  category: 'untrusted-source',
  severity: 'info',
  citation: REFERENCES,
  description:
    "A web reference is not on the organisation's list of trusted domains (only when the organisation keeps one; DOIs and PubMed ids always count).",
  detect(ctx) {
    const trusted = ctx.lexicons.trustedDomains.map((d) =>
      d
        .toLowerCase()
        .replace(/^www\./, '')
        .replace(/^\*\./, ''),
    )
    if (!trusted.length) return []
    const out: Detection[] = []
    for (const { value, offset } of referenceEntries(ctx)) {
      const ref = checkReference(value).reference
      if (ref?.kind !== 'url') continue
      const host = urlHost(ref.href)
      if (host === 'doi.org' || trusted.some((d) => host === d || host.endsWith(`.${d}`))) continue
      out.push({
        field: 'references',
        start: offset + ref.start,
        end: offset + ref.end,
        message: `${host} is not one of your organisation's trusted sources.`,
        suggestion: 'Cite the primary source (DOI or PubMed id) or a trusted guideline.',
      })
    }
    return out
  },
}

export const opinionAsFactRule: Rule = {
  id: 'evidence.opinion-as-fact',
  pack: 'evidence',
  category: 'opinion-as-fact',
  severity: 'warn',
  citation: HONESTY,
  description: 'In professional voice, a sweeping verdict ("X is useless", "never use Y") is stated as fact.',
  detect(ctx) {
    if (ctx.input.voice !== 'professional') return []
    const out: Detection[] = []
    for (const f of proseFields(ctx)) {
      const a = analyse(ctx, f)
      opinionAsFact.lastIndex = 0
      const seen = new Set<number>()
      for (const m of f.text.matchAll(opinionAsFact)) {
        if (m.index >= a.proseEnd) break
        const i = sentenceAt(a.sentences, m.index)
        if (i < 0 || seen.has(i)) continue
        seen.add(i)
        const s = a.sentences[i] as Span
        const sentence = f.text.slice(s.start, s.end)
        opinionLabel.lastIndex = 0
        if (opinionLabel.test(sentence) || hasCitation(a, s)) continue
        out.push({
          field: f.name,
          start: m.index,
          end: m.index + m[0].length,
          message: `"${m[0]}" states an opinion as if it were established fact.`,
          suggestion:
            'Give the evidence (with a reference), or say that this is your view ("In my view, …").',
        })
      }
    }
    return out
  },
}

/** The evidence pack, in the order the engine runs it. */
export const rules: readonly Rule[] = [
  claimWithoutReference,
  referenceMalformed,
  referenceRetracted,
  markerWithoutReference,
  referenceUntrusted,
  opinionAsFactRule,
]
