import type {
  Cue,
  FieldName,
  Finding,
  PackId,
  ParsedScreenInput,
  Policy,
  QuizLocation,
  Severity,
} from './screening.schema.ts'

/**
 * Detection (what is in the text) is kept apart from policy (what the organisation does about
 * it): a rule reports detections with its default severity; the engine applies the policy.
 */

/** One screened field: its text, and for captions the cues with their offsets into that text. */
export type ScreenField = {
  name: FieldName
  text: string
  cues?: CueSpan[]
  /** For the quiz: each prompt, option and explanation with its offsets into that text. */
  segments?: QuizSegment[]
}

export type QuizSegment = QuizLocation & { textStart: number; textEnd: number }

export type CueSpan = Cue & { textStart: number; textEnd: number }

export type ScreenContext = {
  input: ParsedScreenInput
  /** The fields that carry text, in a fixed order. */
  fields: ScreenField[]
  language: 'en' | 'es'
  /** Lexicons and lists from the policy (rules read these; they never read severities). */
  lexicons: Policy['lexicons']
  retractedDois: ReadonlySet<string>
  /** Lower-cased words of the author's display name and aliases: never a patient's name. */
  authorNames: ReadonlySet<string>
  /**
   * Work shared by several rules within one screen (tokens, brand hits, a pack's analysis
   * of a field): computed once on first use, dropped with the context when the screen ends.
   */
  memo<T>(key: string, compute: () => T): T
}

/** What a rule reports. Severity and citation default to the rule's own. */
export type Detection = {
  field: FieldName
  start: number
  end: number
  message: string
  suggestion?: string
  category?: string
  severity?: Severity
  citation?: string
}

export type Rule = {
  /** Stable id, `pack.name`, e.g. `confidentiality.phone`. Policies refer to it. */
  id: string
  pack: PackId
  category: string
  severity: Severity
  /** The guidance the rule comes from, e.g. "HIPAA 45 CFR 164.514(b)(2)(i)(D)". */
  citation: string
  /** One sentence for the policy editor. */
  description: string
  detect(ctx: ScreenContext): Detection[]
}

export type FindingWithoutCue = Omit<Finding, 'cue'>

/**
 * Where a finding about the whole item points (no alt text, no captions, anonymous author):
 * the start of the body, else the title, else the first field; an empty body when there is
 * no text at all (the engine accepts a zero-length span in an absent field).
 */
export function itemAnchor(ctx: ScreenContext): { field: FieldName; start: number; end: number } {
  const f =
    ctx.fields.find((x) => x.name === 'body') ?? ctx.fields.find((x) => x.name === 'title') ?? ctx.fields[0]
  return { field: f?.name ?? 'body', start: 0, end: 0 }
}
