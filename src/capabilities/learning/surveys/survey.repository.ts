import { sql } from 'kysely'
import type { Executor } from '#src/platform/db/database.ts'
import { answerValue } from './survey.answers.ts'
import type {
  SurveyAnswers,
  SurveyContent,
  SurveyQuestion,
  SurveyQuestionKind,
  SurveyTiming,
} from './survey.schema.ts'

export type InstrumentRow = {
  id: string
  organisationId: string
  status: 'active' | 'archived'
  currentVersion: number
  createdAt: string
  updatedAt: string
}
export type VersionRow = SurveyContent & { instrumentId: string; version: number; createdAt: string }
export type AttachmentRow = {
  id: string
  organisationId: string
  instrumentId: string
  itemId: string | null
  seriesId: string | null
  timing: SurveyTiming
  createdAt: string
}
export type ResponseRow = {
  id: string
  attachmentId: string
  instrumentId: string
  instrumentVersion: number
  itemId: string
  sessionId: string
  learnerId: string
  answers: SurveyAnswers
  createdAt: string
  updatedAt: string
}

const iso = (v: Date | string): string => (v instanceof Date ? v.toISOString() : new Date(v).toISOString())
const parse = <T>(v: string): T => JSON.parse(v) as T

function toInstrument(r: {
  id: string
  organisation_id: string
  status: string
  current_version: number
  created_at: Date | string
  updated_at: Date | string
}): InstrumentRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    status: r.status === 'archived' ? 'archived' : 'active',
    currentVersion: Number(r.current_version),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  }
}

function toVersion(r: {
  instrument_id: string
  version: number
  title: string
  introduction: string
  questions: string
  created_at: Date | string
}): VersionRow {
  return {
    instrumentId: r.instrument_id,
    version: Number(r.version),
    title: r.title,
    introduction: r.introduction,
    questions: parse<SurveyQuestion[]>(r.questions),
    createdAt: iso(r.created_at),
  }
}

function toAttachment(r: {
  id: string
  organisation_id: string
  instrument_id: string
  item_id: string | null
  series_id: string | null
  timing: string
  created_at: Date | string
}): AttachmentRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    instrumentId: r.instrument_id,
    itemId: r.item_id,
    seriesId: r.series_id,
    timing: r.timing as SurveyTiming,
    createdAt: iso(r.created_at),
  }
}

export async function insertInstrument(
  db: Executor,
  row: InstrumentRow & { createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('survey_instrument')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      status: row.status,
      current_version: row.currentVersion,
      created_by: row.createdBy,
      created_at: row.createdAt,
      updated_at: row.updatedAt,
    })
    .execute()
}

export async function findInstrument(
  db: Executor,
  organisationId: string,
  id: string,
): Promise<InstrumentRow | null> {
  const r = await db
    .selectFrom('survey_instrument')
    .select(['id', 'organisation_id', 'status', 'current_version', 'created_at', 'updated_at'])
    .where('id', '=', id)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  return r ? toInstrument(r) : null
}

export async function listInstruments(db: Executor, organisationId: string): Promise<InstrumentRow[]> {
  const rows = await db
    .selectFrom('survey_instrument')
    .select(['id', 'organisation_id', 'status', 'current_version', 'created_at', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .orderBy('updated_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map(toInstrument)
}

export async function updateInstrument(
  db: Executor,
  id: string,
  set: { status?: 'active' | 'archived'; currentVersion?: number; updatedAt: string },
): Promise<void> {
  await db
    .updateTable('survey_instrument')
    .set({
      ...(set.status ? { status: set.status } : {}),
      ...(set.currentVersion !== undefined ? { current_version: set.currentVersion } : {}),
      updated_at: set.updatedAt,
    })
    .where('id', '=', id)
    .execute()
}

export async function deleteInstrument(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('survey_attachment').where('instrument_id', '=', id).execute()
  await db.deleteFrom('survey_version').where('instrument_id', '=', id).execute()
  await db.deleteFrom('survey_instrument').where('id', '=', id).execute()
}

export async function insertVersion(
  db: Executor,
  row: VersionRow & { createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('survey_version')
    .values({
      instrument_id: row.instrumentId,
      version: row.version,
      title: row.title,
      introduction: row.introduction,
      questions: JSON.stringify(row.questions),
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

/** Rewrites a version that nobody has answered yet. */
export async function replaceVersion(db: Executor, row: VersionRow): Promise<void> {
  await db
    .updateTable('survey_version')
    .set({ title: row.title, introduction: row.introduction, questions: JSON.stringify(row.questions) })
    .where('instrument_id', '=', row.instrumentId)
    .where('version', '=', row.version)
    .execute()
}

export async function findVersion(
  db: Executor,
  instrumentId: string,
  version: number,
): Promise<VersionRow | null> {
  const r = await db
    .selectFrom('survey_version')
    .select(['instrument_id', 'version', 'title', 'introduction', 'questions', 'created_at'])
    .where('instrument_id', '=', instrumentId)
    .where('version', '=', version)
    .executeTakeFirst()
  return r ? toVersion(r) : null
}

export async function listVersions(db: Executor, instrumentIds: readonly string[]): Promise<VersionRow[]> {
  if (!instrumentIds.length) return []
  const rows = await db
    .selectFrom('survey_version')
    .select(['instrument_id', 'version', 'title', 'introduction', 'questions', 'created_at'])
    .where('instrument_id', 'in', [...instrumentIds])
    .orderBy('instrument_id')
    .orderBy('version')
    .execute()
  return rows.map(toVersion)
}

/** Responses per instrument and version. */
export async function countResponses(
  db: Executor,
  organisationId: string,
): Promise<Array<{ instrumentId: string; version: number; n: number }>> {
  const rows = await db
    .selectFrom('survey_response')
    .select(['instrument_id', 'instrument_version', sql<number>`count(*)`.as('n')])
    .where('organisation_id', '=', organisationId)
    .groupBy(['instrument_id', 'instrument_version'])
    .execute()
  return rows.map((r) => ({
    instrumentId: r.instrument_id,
    version: Number(r.instrument_version),
    n: Number(r.n),
  }))
}

export async function insertAttachment(
  db: Executor,
  row: AttachmentRow & { createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('survey_attachment')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      instrument_id: row.instrumentId,
      item_id: row.itemId,
      series_id: row.seriesId,
      timing: row.timing,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

export async function deleteAttachment(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('survey_attachment').where('id', '=', id).execute()
}

const attachmentColumns = [
  'survey_attachment.id',
  'survey_attachment.organisation_id',
  'survey_attachment.instrument_id',
  'survey_attachment.item_id',
  'survey_attachment.series_id',
  'survey_attachment.timing',
  'survey_attachment.created_at',
] as const

export async function listAttachments(
  db: Executor,
  organisationId: string,
  instrumentId?: string,
): Promise<Array<AttachmentRow & { targetTitle: string; targetOut: boolean; responses: number }>> {
  let q = db
    .selectFrom('survey_attachment')
    .leftJoin('content_item', 'content_item.id', 'survey_attachment.item_id')
    .leftJoin('content_series', 'content_series.id', 'survey_attachment.series_id')
    .select([
      ...attachmentColumns,
      'content_item.fields as item_fields',
      'content_series.title as series_title',
      (eb) =>
        eb
          .selectFrom('survey_response')
          .select(sql<number>`count(*)`.as('n'))
          .whereRef('survey_response.attachment_id', '=', 'survey_attachment.id')
          .as('responses'),
      // Whether the target has gone out: the item, or any item of the series, was published.
      (eb) =>
        eb
          .exists(
            eb
              .selectFrom('content_transition as ct')
              .select('ct.id')
              .where('ct.to_state', '=', 'published')
              .where((w) =>
                w.or([
                  w('ct.item_id', '=', w.ref('survey_attachment.item_id')),
                  w(
                    'ct.item_id',
                    'in',
                    w
                      .selectFrom('content_item as si')
                      .select('si.id')
                      .whereRef('si.series_id', '=', 'survey_attachment.series_id'),
                  ),
                ]),
              ),
          )
          .as('target_out'),
    ])
    .where('survey_attachment.organisation_id', '=', organisationId)
  if (instrumentId) q = q.where('survey_attachment.instrument_id', '=', instrumentId)
  const rows = await q.orderBy('survey_attachment.created_at').orderBy('survey_attachment.id').execute()
  return rows.map((r) => ({
    ...toAttachment(r),
    targetTitle:
      r.series_title ?? (r.item_fields ? (parse<{ title?: string }>(r.item_fields).title ?? '') : ''),
    targetOut: Number(r.target_out) === 1,
    responses: Number(r.responses ?? 0),
  }))
}

export async function findAttachment(db: Executor, id: string): Promise<AttachmentRow | null> {
  const r = await db
    .selectFrom('survey_attachment')
    .select(attachmentColumns)
    .where('id', '=', id)
    .executeTakeFirst()
  return r ? toAttachment(r) : null
}

/** Attachments shown on an item's pages: to the item itself or to its series, instrument active. */
export async function attachmentsForItem(
  db: Executor,
  itemId: string,
  seriesId: string | null,
): Promise<AttachmentRow[]> {
  const rows = await db
    .selectFrom('survey_attachment')
    .innerJoin('survey_instrument', 'survey_instrument.id', 'survey_attachment.instrument_id')
    .select(attachmentColumns)
    .where('survey_instrument.status', '=', 'active')
    .where((eb) =>
      seriesId
        ? eb.or([
            eb('survey_attachment.item_id', '=', itemId),
            eb('survey_attachment.series_id', '=', seriesId),
          ])
        : eb('survey_attachment.item_id', '=', itemId),
    )
    .orderBy('survey_attachment.created_at')
    .orderBy('survey_attachment.id')
    .execute()
  return rows.map(toAttachment)
}

export async function findResponse(db: Executor, attachmentId: string, learnerId: string) {
  const r = await db
    .selectFrom('survey_response')
    .select(['id', 'created_at'])
    .where('attachment_id', '=', attachmentId)
    .where('learner_id', '=', learnerId)
    .executeTakeFirst()
  return r ? { id: r.id, createdAt: iso(r.created_at) } : null
}

/** Stores a learner's response; a second one to the same attachment replaces the first. */
export async function upsertResponse(
  db: Executor,
  row: ResponseRow & { organisationId: string },
): Promise<void> {
  await db
    .insertInto('survey_response')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      attachment_id: row.attachmentId,
      instrument_id: row.instrumentId,
      instrument_version: row.instrumentVersion,
      item_id: row.itemId,
      session_id: row.sessionId,
      learner_id: row.learnerId,
      answers: JSON.stringify(row.answers),
      created_at: row.createdAt,
      updated_at: row.updatedAt,
    })
    .onConflict((oc) =>
      oc.columns(['attachment_id', 'learner_id']).doUpdateSet({
        instrument_version: row.instrumentVersion,
        item_id: row.itemId,
        session_id: row.sessionId,
        answers: JSON.stringify(row.answers),
        updated_at: row.updatedAt,
      }),
    )
    .execute()
}

export async function listResponses(
  db: Executor,
  organisationId: string,
  instrumentId: string,
): Promise<
  Array<ResponseRow & { attachedItemId: string | null; seriesId: string | null; timing: SurveyTiming }>
> {
  const rows = await db
    .selectFrom('survey_response')
    .innerJoin('survey_attachment', 'survey_attachment.id', 'survey_response.attachment_id')
    .select([
      'survey_response.id',
      'survey_response.attachment_id',
      'survey_response.instrument_id',
      'survey_response.instrument_version',
      'survey_response.item_id',
      'survey_response.session_id',
      'survey_response.learner_id',
      'survey_response.answers',
      'survey_response.created_at',
      'survey_response.updated_at',
      'survey_attachment.series_id',
      'survey_attachment.item_id as attached_item_id',
      'survey_attachment.timing',
    ])
    .where('survey_response.organisation_id', '=', organisationId)
    .where('survey_response.instrument_id', '=', instrumentId)
    .orderBy('survey_response.updated_at')
    .orderBy('survey_response.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    attachmentId: r.attachment_id,
    instrumentId: r.instrument_id,
    instrumentVersion: Number(r.instrument_version),
    itemId: r.item_id,
    sessionId: r.session_id,
    learnerId: r.learner_id,
    answers: parse<SurveyAnswers>(r.answers),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
    attachedItemId: r.attached_item_id,
    seriesId: r.series_id,
    timing: r.timing as SurveyTiming,
  }))
}

export type SurveyExportRow = {
  instrumentId: string
  instrumentVersion: number
  itemId: string | null
  seriesId: string | null
  sessionId: string
  questionId: string
  questionKind: SurveyQuestionKind
  value: string | number | null
  answeredAt: string
}

/**
 * Every answer to every survey of the organisation, one row per response and question of the
 * version answered (an unanswered question's value is null), for the research export to join
 * with learning sessions. `itemId` / `seriesId` name what the instrument was attached to.
 * Learner ids are not returned: `sessionId` is the learning session, as for quiz attempts.
 */
export async function surveyResponsesForExport(
  db: Executor,
  organisationId: string,
): Promise<SurveyExportRow[]> {
  const instruments = await listInstruments(db, organisationId)
  const versions = new Map(
    (
      await listVersions(
        db,
        instruments.map((i) => i.id),
      )
    ).map((v) => [`${v.instrumentId}:${v.version}`, v]),
  )
  const out: SurveyExportRow[] = []
  for (const instrument of instruments)
    for (const r of await listResponses(db, organisationId, instrument.id)) {
      const v = versions.get(`${r.instrumentId}:${r.instrumentVersion}`)
      for (const q of v?.questions ?? [])
        out.push({
          instrumentId: r.instrumentId,
          instrumentVersion: r.instrumentVersion,
          itemId: r.attachedItemId,
          seriesId: r.seriesId,
          sessionId: r.sessionId,
          questionId: q.id,
          questionKind: q.kind,
          value: answerValue(q, r.answers[q.id]),
          answeredAt: r.updatedAt,
        })
    }
  return out
}

export async function itemInOrganisation(
  db: Executor,
  organisationId: string,
  itemId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('content_item')
    .select('id')
    .where('id', '=', itemId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  return Boolean(r)
}

export async function seriesInOrganisation(
  db: Executor,
  organisationId: string,
  seriesId: string,
): Promise<boolean> {
  const r = await db
    .selectFrom('content_series')
    .select('id')
    .where('id', '=', seriesId)
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  return Boolean(r)
}
