import type { Finding, PackId, Severity } from '../api/types.ts'

/** Identifies a finding within one report (the engine never reports the same rule on the same span twice). */
export function findingKey(f: Pick<Finding, 'ruleId' | 'field' | 'start' | 'end'>): string {
  return `${f.ruleId}|${f.field}|${f.start}|${f.end}`
}

export type FindingFix =
  /** Replacement text for the finding's span ('' removes it). */
  | { kind: 'replace'; text: string }
  /** Something for the author to do, not text to paste. */
  | { kind: 'advice'; text: string }

const BRACKETED = /^\[[^[\]\n]{1,40}\]$/
const HASHTAG = /^#[\p{L}\p{M}\p{N}_]{1,100}$/u
/** Sentence punctuation, quotes and brackets: what a replacement word or phrase does not contain. */
const SENTENCE = /[.!?:;,()"“”‘’…\n[\]]/

/**
 * Whether a finding's suggestion is text to put in place of its span ("[patient]", "[date]", a
 * generic drug name, a respectful phrase, a fixed hashtag) or advice ("Add a citation marker…",
 * "Split into 3 posts…"). Replacements are bracketed placeholders, hashtags, or short phrases
 * without sentence punctuation; an empty suggestion means "remove it".
 */
export function fixFor(f: Pick<Finding, 'suggestion'>): FindingFix | null {
  const s = f.suggestion
  if (s === undefined) return null
  if (s === '') return { kind: 'replace', text: '' }
  if (BRACKETED.test(s) || HASHTAG.test(s)) return { kind: 'replace', text: s }
  const words = s.trim().split(/\s+/).length
  if (s.length <= 60 && words <= 6 && !SENTENCE.test(s) && s === s.trim()) return { kind: 'replace', text: s }
  return { kind: 'advice', text: s }
}

export const severityOrder: readonly Severity[] = ['block', 'warn', 'info']

export const severityLabels: Record<Severity, { group: string; badge: string; color: string; cue: string }> =
  {
    block: { group: 'Blocking', badge: 'Block', color: 'red', cue: 'solid underline' },
    warn: { group: 'Warnings', badge: 'Warn', color: 'yellow', cue: 'wavy underline' },
    info: { group: 'Information', badge: 'Info', color: 'blue', cue: 'dotted underline' },
  }

export const packLabels: Record<PackId, { label: string; description: string }> = {
  confidentiality: {
    label: 'Confidentiality',
    description:
      'Patient identifiers: names, dates, ages over 89, places, numbers and other HIPAA identifiers.',
  },
  evidence: {
    label: 'Evidence',
    description: 'Clinical claims without a citation, malformed or retracted references, opinion as fact.',
  },
  commercial: {
    label: 'Commercial interests',
    description: 'Brands made by companies you have declared, brand names with generics, promotion.',
  },
  professionalism: {
    label: 'Professionalism',
    description: 'Derogatory language, individual medical advice, anonymous clinicians, unlabelled opinion.',
  },
  platform: {
    label: 'Platform fit',
    description: 'Length limits per channel, hashtags, alt text and captions.',
  },
}

export function packLabel(pack: string): string {
  return pack in packLabels ? packLabels[pack as PackId].label : pack
}

/** "2 blocking, 1 warning, 0 info" */
export function countsText(counts: Record<Severity, number>): string {
  return `${counts.block} blocking, ${counts.warn} warning${counts.warn === 1 ? '' : 's'}, ${counts.info} info`
}

/** The matched text as shown in a list: one line, at most `max` characters. */
export function excerpt(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > max ? `${line.slice(0, max - 1)}…` : line
}

export const fieldLabels: Record<Finding['field'], string> = {
  title: 'Title',
  body: 'Draft',
  captions: 'Captions',
  hashtags: 'Hashtags',
  references: 'References',
  altText: 'Alt text',
  media: 'Media',
  quiz: 'Quiz',
}

/** Where in the quiz a finding is, as the author sees it: "question 2, explanation". */
export function quizPlace(location: NonNullable<Finding['quiz']>): string {
  const part =
    location.part === 'option'
      ? `option ${location.optionId ?? ''}`.trim()
      : location.part === 'prompt'
        ? 'question text'
        : location.part === 'objective'
          ? 'objective'
          : 'explanation'
  return `question ${location.question}, ${part}`
}
