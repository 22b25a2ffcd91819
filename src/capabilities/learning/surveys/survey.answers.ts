import { createHmac } from 'node:crypto'
import { screen } from '#src/capabilities/screening/evaluate.ts'
import { redact } from '#src/capabilities/screening/redact.ts'
import {
  MAX_OTHER_TEXT,
  type QuestionSummary,
  type SurveyAnswer,
  type SurveyAnswers,
  type SurveyQuestion,
} from './survey.schema.ts'

/**
 * Pure parts of surveys: reading a learner's form into answers (free text screened), the
 * per-question summary, and the CSV export. No I/O.
 */

export const OTHER_OPTION = '__other'

/** A field's values as the form sent them (one for a radio, several for checkboxes). */
export type FormValues = Record<string, string[]>

export class AnswerError extends Error {
  override name = 'AnswerError'
}

/**
 * Free text as stored: the confidentiality pack's blocking spans (names, dates, record
 * numbers, places of care) replaced by their suggestion, e.g. "[patient]".
 */
export function screenFreeText(text: string): string {
  if (!text) return text
  const report = screen({ body: text }, { packs: ['confidentiality'] })
  return redact(text, report.findings, 'body')
}

/**
 * The answers in a learner's form for these questions. Unanswered questions are left out
 * (every question may be skipped). Throws AnswerError for a value the form could not have
 * sent (an unknown option, a point off the scale, text over the limit).
 */
export function readAnswers(questions: readonly SurveyQuestion[], form: FormValues): SurveyAnswers {
  const out: SurveyAnswers = {}
  for (const q of questions) {
    const values = (form[q.id] ?? []).map((v) => v.trim()).filter((v) => v !== '')
    if (q.kind === 'likert') {
      if (!values.length) continue
      const n = Number(values[0])
      if (values.length > 1 || !Number.isInteger(n) || n < 1 || n > q.points)
        throw new AnswerError(`choose one point from 1 to ${q.points} for “${q.stem}”`)
      out[q.id] = { kind: 'likert', value: n }
    } else if (q.kind === 'choice') {
      const ids = new Set(q.options.map((o) => o.id))
      const chosen = [...new Set(values)]
      for (const v of chosen)
        if (!ids.has(v) && !(q.allowOther && v === OTHER_OPTION))
          throw new AnswerError(`there is no such option for “${q.stem}”`)
      if (!q.multiple && chosen.length > 1) throw new AnswerError(`choose one option for “${q.stem}”`)
      const otherRaw = (form[`${q.id}.other`] ?? [])[0]?.trim() ?? ''
      if (otherRaw.length > MAX_OTHER_TEXT)
        throw new AnswerError(`“Other” is at most ${MAX_OTHER_TEXT} characters`)
      const other =
        q.allowOther && chosen.includes(OTHER_OPTION) && otherRaw ? screenFreeText(otherRaw) : null
      const picked = chosen.filter((v) => v !== OTHER_OPTION)
      if (!picked.length && !(q.allowOther && chosen.includes(OTHER_OPTION))) continue
      out[q.id] = {
        kind: 'choice',
        chosen: chosen.includes(OTHER_OPTION) ? [...picked, OTHER_OPTION] : picked,
        other,
      }
    } else {
      const text = values[0] ?? ''
      if (!text) continue
      if (values.length > 1 || text.length > q.maxLength)
        throw new AnswerError(`the answer to “${q.stem}” is at most ${q.maxLength} characters`)
      out[q.id] = { kind: 'text', text: screenFreeText(text) }
    }
  }
  return out
}

/** An answer as one export value: Likert as its number, choices joined with ";", text as is. */
export function answerValue(
  q: SurveyQuestion | undefined,
  a: SurveyAnswer | undefined,
): string | number | null {
  if (!a) return null
  if (a.kind === 'likert') return a.value
  if (a.kind === 'text') return a.text
  // Option ids are stable across wording changes; the question is kept for the signature.
  void q
  return a.chosen.map((id) => (id === OTHER_OPTION ? `Other${a.other ? `: ${a.other}` : ''}` : id)).join(';')
}

export function median(xs: readonly number[]): number | null {
  if (!xs.length) return null
  const s = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}

export function mean(xs: readonly number[]): number | null {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null
}

/** Per question: n, counts per option or point, Likert mean and median, the latest texts. */
export function summariseResponses(
  questions: readonly SurveyQuestion[],
  responses: ReadonlyArray<{ answers: SurveyAnswers }>,
): QuestionSummary[] {
  return questions.map((q) => {
    const answers = responses.map((r) => r.answers[q.id]).filter((a): a is SurveyAnswer => a?.kind === q.kind)
    const base = { questionId: q.id, kind: q.kind, stem: q.stem, n: answers.length }
    if (q.kind === 'likert') {
      const values = answers.map((a) => (a.kind === 'likert' ? a.value : 0)).filter((v) => v >= 1)
      const counts = q.anchors.map((label, i) => ({
        id: String(i + 1),
        label,
        n: values.filter((v) => v === i + 1).length,
      }))
      return { ...base, counts, mean: mean(values), median: median(values), texts: [] }
    }
    if (q.kind === 'choice') {
      const chosen = answers.flatMap((a) => (a.kind === 'choice' ? a.chosen : []))
      const counts = q.options.map((o) => ({
        id: o.id,
        label: o.text,
        n: chosen.filter((c) => c === o.id).length,
      }))
      if (q.allowOther)
        counts.push({ id: OTHER_OPTION, label: 'Other', n: chosen.filter((c) => c === OTHER_OPTION).length })
      const others = answers.flatMap((a) => (a.kind === 'choice' && a.other ? [a.other] : []))
      return { ...base, counts, mean: null, median: null, texts: others.slice(-20) }
    }
    const texts = answers.flatMap((a) => (a.kind === 'text' ? [a.text] : []))
    return { ...base, counts: [], mean: null, median: null, texts: texts.slice(-20) }
  })
}

/** A learner id as it appears in one export: HMAC-SHA-256 under that export's own key. */
export function pseudonym(key: Buffer, learnerId: string): string {
  return createHmac('sha256', key).update(learnerId).digest('hex').slice(0, 20)
}

function csvCell(v: string | number | null): string {
  if (v === null) return ''
  if (typeof v === 'number') return String(v)
  // A spreadsheet would run a cell that starts like a formula; a leading apostrophe stops it.
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) || safe !== safe.trim() ? `"${safe.replaceAll('"', '""')}"` : safe
}

export type ExportResponse = {
  learnerId: string
  version: number
  /** The attachment answered through, what it is attached to, and at which moment. */
  attachmentId: string
  attachedTo: 'item' | 'series'
  timing: string
  /** The item answered on (for a series attachment, one item of the series). */
  itemId: string
  seriesId: string | null
  answeredAt: string
  answers: SurveyAnswers
}

/**
 * The responses as CSV: one row per response, one column per question (every question of
 * every version, the current version's first), learner ids pseudonymised under `key`.
 */
export function responsesCsv(
  versions: ReadonlyArray<{ version: number; questions: readonly SurveyQuestion[] }>,
  responses: readonly ExportResponse[],
  key: Buffer,
): string {
  const columns: SurveyQuestion[] = []
  const seen = new Set<string>()
  for (const v of [...versions].sort((a, b) => b.version - a.version))
    for (const q of v.questions)
      if (!seen.has(q.id)) {
        seen.add(q.id)
        columns.push(q)
      }
  const byVersion = new Map(versions.map((v) => [v.version, new Map(v.questions.map((q) => [q.id, q]))]))
  const header = [
    'learner',
    'version',
    'attachment_id',
    'attached_to',
    'timing',
    'item_id',
    'series_id',
    'answered_at',
    ...columns.map((q) => q.id),
  ]
  const rows = responses.map((r) => {
    const qs = byVersion.get(r.version)
    return [
      pseudonym(key, r.learnerId),
      r.version,
      r.attachmentId,
      r.attachedTo,
      r.timing,
      r.itemId,
      r.seriesId,
      r.answeredAt,
      ...columns.map((c) => answerValue(qs?.get(c.id), r.answers[c.id])),
    ]
      .map(csvCell)
      .join(',')
  })
  return `${[header.map(csvCell).join(','), ...rows].join('\r\n')}\r\n`
}
