import { cueAt, parseCaptions } from './captions.ts'
import { detectLanguage } from './language.ts'
import { rules as allRules } from './packs/index.ts'
import type { QuizSegment, Rule, ScreenContext, ScreenField } from './rule.ts'
import {
  type FieldName,
  type Finding,
  fieldNames,
  type ParsedScreenInput,
  type Policy,
  type PolicyInput,
  policySchema,
  type Report,
  type ScreenInput,
  type Severity,
  screenInputSchema,
} from './screening.schema.ts'
import { fold } from './text.ts'

/** Bumped whenever a rule's behaviour changes; stored with every report. */
export const ENGINE_VERSION = '0.2.0'

const severityRank: Record<Severity, number> = { block: 0, warn: 1, info: 2 }
const fieldRank = Object.fromEntries(fieldNames.map((f, i) => [f, i])) as Record<FieldName, number>

/**
 * Screens one input under a policy. Pure and deterministic: the same input, policy and
 * engine version always give the same report, in the browser and on the server.
 */
export function screen(
  input: ScreenInput,
  policyInput: PolicyInput | CompiledPolicy = {},
  rules: readonly Rule[] = allRules,
): Report {
  const parsed = screenInputSchema.parse(input)
  const compiled = isCompiled(policyInput) ? policyInput : compilePolicy(policyInput)
  const policy = compiled.policy
  const ctx = buildContext(parsed, compiled)
  const findings: Finding[] = []
  const seen = new Set<string>()
  const fieldsByName = new Map(ctx.fields.map((f) => [f.name, f]))
  for (const rule of rules) {
    if (!policy.packs.includes(rule.pack)) continue
    const override = policy.severityOverrides[rule.id]
    if (override === 'off') continue
    for (const d of rule.detect(ctx)) {
      // A whole-item finding (no alt text, no captions) may point at an empty or absent field.
      const field =
        fieldsByName.get(d.field) ?? (d.start === 0 && d.end === 0 ? { name: d.field, text: '' } : undefined)
      if (!field || d.start < 0 || d.end > field.text.length || d.end < d.start) continue
      const key = `${rule.id}|${d.field}|${d.start}|${d.end}`
      if (seen.has(key)) continue
      seen.add(key)
      const cue = 'cues' in field ? cueAt(field.cues, d.start) : undefined
      const segment = 'segments' in field ? segmentAt(field.segments, d.start) : undefined
      findings.push({
        ruleId: rule.id,
        pack: rule.pack,
        category: d.category ?? rule.category,
        severity: override ?? d.severity ?? rule.severity,
        field: d.field,
        start: d.start,
        end: d.end,
        ...(cue ? { cue: { index: cue.index, start: cue.start, end: cue.end } } : {}),
        ...(segment
          ? {
              quiz: {
                question: segment.question,
                questionId: segment.questionId,
                part: segment.part,
                ...(segment.optionId !== undefined ? { optionId: segment.optionId } : {}),
              },
            }
          : {}),
        text: field.text.slice(d.start, d.end),
        message: d.message,
        citation: d.citation ?? rule.citation,
        ...(d.suggestion !== undefined ? { suggestion: d.suggestion } : {}),
      })
    }
  }
  findings.sort(
    (a, b) =>
      fieldRank[a.field] - fieldRank[b.field] ||
      a.start - b.start ||
      a.end - b.end ||
      severityRank[a.severity] - severityRank[b.severity] ||
      (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0),
  )
  const counts = { block: 0, warn: 0, info: 0 }
  for (const f of findings) counts[f.severity]++
  return {
    engineVersion: ENGINE_VERSION,
    policyVersion: policy.version,
    language: ctx.language,
    findings,
    counts,
  }
}

const COMPILED = Symbol('compiled screening policy')

/** A policy parsed once, with its lookup sets built: reuse it across many screens. */
export type CompiledPolicy = { readonly [COMPILED]: true; policy: Policy; retractedDois: ReadonlySet<string> }

/** Parses and prepares a policy. Throws a ZodError on a malformed policy. */
export function compilePolicy(input: PolicyInput | Policy = {}): CompiledPolicy {
  const policy = policySchema.parse(input)
  return Object.freeze({
    [COMPILED]: true as const,
    policy,
    retractedDois: new Set(policy.retractedDois.map((d) => d.trim().toLowerCase())),
  })
}

function isCompiled(p: PolicyInput | CompiledPolicy): p is CompiledPolicy {
  return (p as CompiledPolicy)[COMPILED] === true
}

/** Prepares the fields and lexicons every rule reads. */
export function buildContext(input: ParsedScreenInput, compiled: CompiledPolicy): ScreenContext {
  const { policy } = compiled
  const fields: ScreenField[] = []
  if (input.title) fields.push({ name: 'title', text: input.title })
  if (input.body) fields.push({ name: 'body', text: input.body })
  if (input.captions)
    fields.push({ name: 'captions', text: input.captions, cues: parseCaptions(input.captions).cues })
  if (input.hashtags.length) {
    fields.push({
      name: 'hashtags',
      text: input.hashtags.map((h) => (h.startsWith('#') ? h : `#${h}`)).join(' '),
    })
  }
  if (input.references.length)
    fields.push({ name: 'references', text: input.references.map((r) => r.value).join('\n') })
  const alt = input.media.map((m) => m.altText ?? '').filter(Boolean)
  if (alt.length) fields.push({ name: 'altText', text: alt.join('\n') })
  const quiz = composeQuiz(input.quiz)
  if (quiz.text) fields.push({ name: 'quiz', text: quiz.text, segments: quiz.segments })
  const language =
    input.language === 'auto' ? detectLanguage(fields.map((f) => f.text).join('\n')) : input.language
  const authorNames = new Set<string>()
  for (const n of [input.author.displayName, ...input.author.aliases]) {
    for (const w of fold(n).split(/[^\p{L}\p{N}_]+/u)) if (w.length > 1) authorNames.add(w)
  }
  const memos = new Map<string, unknown>()
  return {
    memo<T>(key: string, compute: () => T): T {
      if (memos.has(key)) return memos.get(key) as T
      const value = compute()
      memos.set(key, value)
      return value
    },
    input,
    fields,
    language,
    lexicons: policy.lexicons,
    retractedDois: compiled.retractedDois,
    authorNames,
  }
}

/**
 * The quiz as one text: each prompt, option, explanation and objective in order, separated by blank
 * lines so no sentence or name runs from one part into the next. The segments map offsets
 * back to the question and part an author edits.
 */
export function composeQuiz(questions: ParsedScreenInput['quiz']): { text: string; segments: QuizSegment[] } {
  const segments: QuizSegment[] = []
  let text = ''
  const add = (part: string, location: Omit<QuizSegment, 'textStart' | 'textEnd'>) => {
    if (part.trim() === '') return
    if (text) text += '\n\n'
    segments.push({ ...location, textStart: text.length, textEnd: text.length + part.length })
    text += part
  }
  questions.forEach((q, i) => {
    const at = { question: i + 1, questionId: q.id }
    add(q.prompt, { ...at, part: 'prompt' })
    for (const o of q.options) add(o.text, { ...at, part: 'option', optionId: o.id })
    add(q.explanation, { ...at, part: 'explanation' })
    add(q.objective, { ...at, part: 'objective' })
  })
  return { text, segments }
}

/** The quiz part holding an offset (the one before it when the offset falls in a separator). */
function segmentAt(segments: readonly QuizSegment[] | undefined, offset: number): QuizSegment | undefined {
  let found: QuizSegment | undefined
  for (const s of segments ?? []) {
    if (s.textStart > offset) break
    found = s
  }
  return found
}
