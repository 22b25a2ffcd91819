import { surveyResponsesForExport } from '#src/capabilities/learning/surveys/survey.repository.ts'
import { listLearnersBySession } from './export.repository.ts'
import { dropSmallItems } from './export.suppression.ts'
import type { ExportColumn, ExportRow, ExportTable } from './export.tables.ts'

/** survey_responses.csv: learners' answers to the organisation's survey instruments. */

const col = (
  name: string,
  type: ExportColumn['type'],
  description: string,
  o: { unit?: string; allowed?: string; suppression?: string } = {},
): ExportColumn => ({
  name,
  type,
  unit: o.unit ?? '',
  allowed: o.allowed ?? '',
  description,
  suppression: o.suppression ?? 'none',
})

const DAY = 86_400_000

/**
 * What a research file may carry of an answer. Likert points and chosen option ids are kept;
 * what the learner wrote themselves (a free-text answer, the words after "Other") is not: it is
 * only marked as answered, because free text can name people whatever the screening caught.
 * The "Other" choice is always the last one offered, so it closes the joined list.
 */
export function exportableValue(kind: string, value: string | number | null): string | number | null {
  if (value === null || value === '') return null
  if (kind === 'text') return null
  if (kind === 'choice' && typeof value === 'string')
    return value.replace(/(^|;)Other(: [\s\S]*)?$/, '$1other')
  return value
}

export const surveyResponsesTable: ExportTable = {
  name: 'survey_responses',
  grain:
    'One row per learner × survey attachment × question: the answer to the version of the instrument the learner saw. Attachments (an instrument on an item or a series) with fewer than k learners are left out.',
  disclosure: 'rows',
  columns: [
    col(
      'learner',
      'string',
      'Pseudonymous learner id, the same pseudonym as in quiz_results.csv of this export (HMAC-SHA-256 under a key made for this export and never stored).',
      { allowed: '16 hex characters' },
    ),
    col('instrument_id', 'string', 'The survey instrument.', { allowed: 'UUID' }),
    col(
      'instrument_version',
      'integer',
      'The version of the instrument answered (a version is fixed once anyone has answered it).',
      { allowed: '≥ 1' },
    ),
    col('item_id', 'string', 'The item the survey was attached to; empty when it was attached to a series.', {
      allowed: 'UUID or empty',
    }),
    col(
      'series_id',
      'string',
      'The series the survey was attached to; empty when it was attached to an item.',
      {
        allowed: 'UUID or empty',
      },
    ),
    col('question_id', 'string', "The question's id within the instrument (stable across versions).", {}),
    col('question_kind', 'string', 'The kind of question.', { allowed: 'likert | choice | text' }),
    col(
      'value',
      'string',
      "likert: the point chosen (1 = the first anchor); choice: the chosen option ids joined with ';', with 'other' for the Other option (the learner's own words are not exported); text: always empty (see answered).",
      { allowed: "integer, option ids separated by ';', or empty" },
    ),
    col('answered', 'boolean', 'The learner answered this question (for free text: wrote something).', {
      allowed: 'true | false',
    }),
    col('answered_on', 'period', 'When the response was last saved, coarsened to the export granularity.', {
      allowed: 'YYYY-MM (or YYYY-MM-DD when the export was made by day), UTC',
    }),
  ],
  async rows(ctx) {
    const inScope = new Set((await ctx.items()).map((i) => i.id))
    const learners = await ctx.memo('learners-by-session', () =>
      listLearnersBySession(ctx.db, ctx.organisationId),
    )
    const from = ctx.params.from ? Date.parse(`${ctx.params.from}T00:00:00Z`) : Number.NEGATIVE_INFINITY
    const until = ctx.until.getTime()
    const rows: (ExportRow & { _group: string })[] = []
    for (const r of await surveyResponsesForExport(ctx.db, ctx.organisationId)) {
      const at = Date.parse(r.answeredAt)
      if (at < from || at > until) continue
      // An item-attached survey belongs to the export when its item does.
      if (r.itemId !== null && !inScope.has(r.itemId)) continue
      const learnerId = learners.get(r.sessionId)
      if (!learnerId) continue
      const value = exportableValue(r.questionKind, r.value)
      rows.push({
        _group: `${r.instrumentId}\u0000${r.itemId ?? ''}\u0000${r.seriesId ?? ''}`,
        learner: ctx.pseudonym(learnerId),
        instrument_id: r.instrumentId,
        instrument_version: r.instrumentVersion,
        item_id: r.itemId,
        series_id: r.seriesId,
        question_id: r.questionId,
        question_kind: r.questionKind,
        value,
        answered: r.value !== null && r.value !== '',
        answered_on: ctx.period(new Date(Math.floor(at / DAY) * DAY)),
      })
    }
    const kept = dropSmallItems(
      rows,
      (r) => r._group,
      (r) => String(r.learner),
      ctx.params.k,
    )
    kept.rows.sort(
      (a, b) =>
        a._group.localeCompare(b._group) ||
        String(a.learner).localeCompare(String(b.learner)) ||
        String(a.question_id).localeCompare(String(b.question_id)),
    )
    return {
      rows: kept.rows.map(({ _group, ...row }) => row),
      droppedItems: kept.droppedItems,
      droppedRows: kept.droppedRows,
    }
  },
}
