import { randomBytes, randomUUID } from 'node:crypto'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { ensureSession, type LearnerRow } from '#src/capabilities/learning/quizzes/learning.repository.ts'
import {
  giveConsent,
  type ItemPage,
  type LearningDeps,
  publicItemPage,
} from '#src/capabilities/learning/quizzes/learning.service.ts'
import {
  anonymousLearnerActor,
  roundsAuthority,
  userLearnerActor,
} from '#src/capabilities/learning/xapi/xapi.actors.ts'
import { recordStatements } from '#src/capabilities/learning/xapi/xapi.service.ts'
import { itemTitle } from '#src/capabilities/public/public.html.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  AnswerError,
  type FormValues,
  readAnswers,
  responsesCsv,
  summariseResponses,
} from './survey.answers.ts'
import {
  type AttachmentRow,
  attachmentsForItem,
  countResponses,
  deleteAttachment,
  deleteInstrument,
  findAttachment,
  findInstrument,
  findResponse,
  findVersion,
  type InstrumentRow,
  insertAttachment,
  insertInstrument,
  insertVersion,
  itemInOrganisation,
  listAttachments,
  listInstruments,
  listResponses,
  listVersions,
  replaceVersion,
  seriesInOrganisation,
  updateInstrument,
  upsertResponse,
  type VersionRow,
} from './survey.repository.ts'
import {
  type AttachSurveyInput,
  type SurveyAttachment,
  type SurveyContentInput,
  type SurveyDetail,
  type SurveyList,
  type SurveyResults,
  type SurveyResultsQuery,
  type SurveyTiming,
  surveyContentSchema,
} from './survey.schema.ts'
import { surveyActivityId, surveyStatements } from './survey.statements.ts'
import { surveyTemplates } from './survey.templates.ts'

/**
 * Survey instruments and learners' responses on the public item pages. Editors and admins
 * build and attach surveys (analytics.manage); researchers read the results beside them
 * (analytics.read, like the other measurement pages). A version with responses never
 * changes: editing it writes the next version, and responses keep the version they answered.
 */

const PERMISSION = 'analytics.read'
const MANAGE = 'analytics.manage'

async function surveyOf(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  surveyId: string,
  permission: typeof PERMISSION | typeof MANAGE = PERMISSION,
) {
  const org = await resolveOrganisation(deps, actor, slug, permission)
  const instrument = await findInstrument(deps.db, org.id, surveyId)
  if (!instrument) throw new AppError('NOT_FOUND', { message: 'no such survey in this organisation' })
  return { org, instrument, actorId: actor.kind === 'user' ? actor.userId : null }
}

type ListedAttachment = Awaited<ReturnType<typeof listAttachments>>[number]

/**
 * The title an actor may read for an attachment's target: readers who do not review (researchers)
 * see what has gone out, not the title of a draft or of a series with nothing published yet.
 */
function titleShown(a: ListedAttachment, reveal: boolean): string {
  if (reveal || a.targetOut) return a.targetTitle
  return a.seriesId === null ? 'An item not yet published' : 'A series with nothing published yet'
}

const revealsDrafts = (actor: Actor, organisationId: string) =>
  can(actor, 'review.manage', { organisationId })

function responsesByVersion(counts: Awaited<ReturnType<typeof countResponses>>, instrumentId: string) {
  return new Map(counts.filter((c) => c.instrumentId === instrumentId).map((c) => [c.version, c.n]))
}

/** The organisation's surveys, newest change first. */
export async function listSurveys(deps: AccountsDeps, actor: Actor, slug: string): Promise<SurveyList> {
  const org = await resolveOrganisation(deps, actor, slug, PERMISSION)
  const instruments = await listInstruments(deps.db, org.id)
  const versions = await listVersions(
    deps.db,
    instruments.map((i) => i.id),
  )
  const counts = await countResponses(deps.db, org.id)
  const attachments = await listAttachments(deps.db, org.id)
  return {
    surveys: instruments.map((i) => {
      const current = versions.find((v) => v.instrumentId === i.id && v.version === i.currentVersion)
      return {
        id: i.id,
        title: current?.title ?? '',
        status: i.status,
        version: i.currentVersion,
        questions: current?.questions.length ?? 0,
        responses: counts.filter((c) => c.instrumentId === i.id).reduce((a, c) => a + c.n, 0),
        attachments: attachments.filter((a) => a.instrumentId === i.id).length,
        updatedAt: i.updatedAt,
      }
    }),
  }
}

export function listSurveyTemplates() {
  return { templates: [...surveyTemplates] }
}

async function detail(
  deps: AccountsDeps,
  actor: Actor,
  organisationId: string,
  instrument: InstrumentRow,
): Promise<SurveyDetail> {
  const versions = await listVersions(deps.db, [instrument.id])
  const current = versions.find((v) => v.version === instrument.currentVersion) as VersionRow
  const counts = responsesByVersion(await countResponses(deps.db, organisationId), instrument.id)
  const attachments = await listAttachments(deps.db, organisationId, instrument.id)
  return {
    id: instrument.id,
    status: instrument.status,
    version: instrument.currentVersion,
    title: current.title,
    introduction: current.introduction,
    questions: current.questions,
    versions: versions.map((v) => ({
      version: v.version,
      responses: counts.get(v.version) ?? 0,
      createdAt: v.createdAt,
    })),
    attachments: attachments.map((a) => toAttachment(a, revealsDrafts(actor, organisationId))),
    createdAt: instrument.createdAt,
    updatedAt: instrument.updatedAt,
  }
}

const toAttachment = (a: ListedAttachment, reveal: boolean): SurveyAttachment => ({
  id: a.id,
  itemId: a.itemId,
  seriesId: a.seriesId,
  targetTitle: titleShown(a, reveal),
  timing: a.timing,
  responses: a.responses,
  createdAt: a.createdAt,
})

export async function getSurvey(deps: AccountsDeps, actor: Actor, slug: string, surveyId: string) {
  const { org, instrument } = await surveyOf(deps, actor, slug, surveyId)
  return detail(deps, actor, org.id, instrument)
}

/** Creates a survey (version 1). */
export async function createSurvey(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  input: SurveyContentInput,
): Promise<SurveyDetail> {
  const org = await resolveOrganisation(deps, actor, slug, MANAGE)
  const content = surveyContentSchema.parse(input)
  const now = deps.clock.now().toISOString()
  const id = deps.ids.next()
  const actorId = actor.kind === 'user' ? actor.userId : null
  await deps.db.transaction().execute(async (tx) => {
    await insertInstrument(tx, {
      id,
      organisationId: org.id,
      status: 'active',
      currentVersion: 1,
      createdAt: now,
      updatedAt: now,
      createdBy: actorId,
    })
    await insertVersion(tx, { ...content, instrumentId: id, version: 1, createdAt: now, createdBy: actorId })
    await recordAudit(tx, deps, {
      actorId,
      action: 'survey.created',
      resourceType: 'survey',
      resourceId: id,
      organisationId: org.id,
      summary: { version: 1, questions: content.questions.length },
    })
  })
  return getSurvey(deps, actor, slug, id)
}

/**
 * Saves a survey's content. While nobody has answered the current version it is changed in
 * place; once it has responses, the change becomes the next version (learners are shown it
 * from then on; earlier responses keep theirs). An archived survey is not edited.
 */
export async function updateSurvey(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  surveyId: string,
  input: SurveyContentInput,
): Promise<SurveyDetail> {
  const { org, instrument, actorId } = await surveyOf(deps, actor, slug, surveyId, MANAGE)
  if (instrument.status === 'archived')
    throw new AppError('CONFLICT', {
      message: 'this survey is archived; copy it into a new survey to change it',
    })
  const content = surveyContentSchema.parse(input)
  const now = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const answered = responsesByVersion(await countResponses(tx, org.id), instrument.id).get(
      instrument.currentVersion,
    )
    const version = answered ? instrument.currentVersion + 1 : instrument.currentVersion
    if (answered)
      await insertVersion(tx, {
        ...content,
        instrumentId: instrument.id,
        version,
        createdAt: now,
        createdBy: actorId,
      })
    else await replaceVersion(tx, { ...content, instrumentId: instrument.id, version, createdAt: now })
    await updateInstrument(tx, instrument.id, { currentVersion: version, updatedAt: now })
    await recordAudit(tx, deps, {
      actorId,
      action: 'survey.updated',
      resourceType: 'survey',
      resourceId: instrument.id,
      organisationId: org.id,
      summary: { version, newVersion: Boolean(answered), questions: content.questions.length },
    })
  })
  return getSurvey(deps, actor, slug, surveyId)
}

/** Archives a survey: learners no longer see it; its responses stay and can be exported. */
export async function archiveSurvey(deps: AccountsDeps, actor: Actor, slug: string, surveyId: string) {
  const { org, instrument, actorId } = await surveyOf(deps, actor, slug, surveyId, MANAGE)
  if (instrument.status !== 'archived')
    await deps.db.transaction().execute(async (tx) => {
      await updateInstrument(tx, instrument.id, {
        status: 'archived',
        updatedAt: deps.clock.now().toISOString(),
      })
      await recordAudit(tx, deps, {
        actorId,
        action: 'survey.archived',
        resourceType: 'survey',
        resourceId: instrument.id,
        organisationId: org.id,
        summary: {},
      })
    })
  return getSurvey(deps, actor, slug, surveyId)
}

/** Deletes a survey nobody has answered; one with responses is archived instead (CONFLICT). */
export async function deleteSurvey(deps: AccountsDeps, actor: Actor, slug: string, surveyId: string) {
  const { org, instrument, actorId } = await surveyOf(deps, actor, slug, surveyId, MANAGE)
  await deps.db.transaction().execute(async (tx) => {
    const counts = responsesByVersion(await countResponses(tx, org.id), instrument.id)
    if ([...counts.values()].some((n) => n > 0))
      throw new AppError('CONFLICT', {
        message: 'this survey has responses: archive it instead of deleting it',
      })
    await deleteInstrument(tx, instrument.id)
    await recordAudit(tx, deps, {
      actorId,
      action: 'survey.deleted',
      resourceType: 'survey',
      resourceId: instrument.id,
      organisationId: org.id,
      summary: {},
    })
  })
}

/** Shows a survey with an item or with every item of a series, at one moment. */
export async function attachSurvey(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  surveyId: string,
  input: AttachSurveyInput,
): Promise<SurveyAttachment> {
  const { org, instrument, actorId } = await surveyOf(deps, actor, slug, surveyId, MANAGE)
  if (instrument.status === 'archived')
    throw new AppError('CONFLICT', { message: 'an archived survey cannot be attached' })
  if (input.itemId && !(await itemInOrganisation(deps.db, org.id, input.itemId)))
    throw new AppError('ITEM_NOT_FOUND', { message: 'no such item in this organisation' })
  if (input.seriesId && !(await seriesInOrganisation(deps.db, org.id, input.seriesId)))
    throw new AppError('SERIES_NOT_FOUND', { message: 'no such series in this organisation' })
  const existing = await listAttachments(deps.db, org.id, instrument.id)
  if (
    existing.some(
      (a) =>
        a.timing === input.timing &&
        a.itemId === (input.itemId ?? null) &&
        a.seriesId === (input.seriesId ?? null),
    )
  )
    throw new AppError('CONFLICT', { message: 'the survey is already attached there at that moment' })
  const id = deps.ids.next()
  await deps.db.transaction().execute(async (tx) => {
    await insertAttachment(tx, {
      id,
      organisationId: org.id,
      instrumentId: instrument.id,
      itemId: input.itemId ?? null,
      seriesId: input.seriesId ?? null,
      timing: input.timing,
      createdAt: deps.clock.now().toISOString(),
      createdBy: actorId,
    })
    await recordAudit(tx, deps, {
      actorId,
      action: 'survey.attached',
      resourceType: 'survey',
      resourceId: instrument.id,
      organisationId: org.id,
      summary: {
        attachmentId: id,
        itemId: input.itemId ?? null,
        seriesId: input.seriesId ?? null,
        timing: input.timing,
      },
    })
  })
  const created = (await listAttachments(deps.db, org.id, instrument.id)).find((a) => a.id === id)
  return toAttachment(created as NonNullable<typeof created>, revealsDrafts(actor, org.id))
}

/** Stops showing a survey there. An attachment with responses stays (archive the survey instead). */
export async function detachSurvey(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  surveyId: string,
  attachmentId: string,
): Promise<void> {
  const { org, instrument, actorId } = await surveyOf(deps, actor, slug, surveyId, MANAGE)
  const attachment = (await listAttachments(deps.db, org.id, instrument.id)).find(
    (a) => a.id === attachmentId,
  )
  if (!attachment) throw new AppError('NOT_FOUND', { message: 'no such attachment of this survey' })
  if (attachment.responses > 0)
    throw new AppError('CONFLICT', {
      message: 'learners have answered the survey there: archive the survey to stop showing it',
    })
  await deps.db.transaction().execute(async (tx) => {
    await deleteAttachment(tx, attachmentId)
    await recordAudit(tx, deps, {
      actorId,
      action: 'survey.detached',
      resourceType: 'survey',
      resourceId: instrument.id,
      organisationId: org.id,
      summary: { attachmentId },
    })
  })
}

/**
 * Per question of one version (the current one by default): n, counts, Likert mean and median,
 * over the responses through every attachment or, given `attachment`, through that one alone
 * (NOT_FOUND unless it is an attachment of this survey). Lists the attachments with their
 * responses to the version, so results can be compared item by item.
 */
export async function surveyResults(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  surveyId: string,
  query: SurveyResultsQuery = {},
): Promise<SurveyResults> {
  const { org, instrument } = await surveyOf(deps, actor, slug, surveyId)
  const v = query.version ?? instrument.currentVersion
  const content = await findVersion(deps.db, instrument.id, v)
  if (!content) throw new AppError('VERSION_NOT_FOUND', { message: `this survey has no version ${v}` })
  const attachments = await listAttachments(deps.db, org.id, instrument.id)
  if (query.attachment !== undefined && !attachments.some((a) => a.id === query.attachment))
    throw new AppError('NOT_FOUND', { message: 'no such attachment of this survey' })
  const ofVersion = (await listResponses(deps.db, org.id, instrument.id)).filter(
    (r) => r.instrumentVersion === v,
  )
  const through = new Map<string, number>()
  for (const r of ofVersion) through.set(r.attachmentId, (through.get(r.attachmentId) ?? 0) + 1)
  const responses =
    query.attachment === undefined ? ofVersion : ofVersion.filter((r) => r.attachmentId === query.attachment)
  const versions = (await listVersions(deps.db, [instrument.id])).map((x) => x.version)
  return {
    surveyId: instrument.id,
    version: v,
    title: content.title,
    attachment: query.attachment ?? null,
    n: responses.length,
    versions,
    attachments: attachments.map((a) => ({
      id: a.id,
      itemId: a.itemId,
      seriesId: a.seriesId,
      targetTitle: titleShown(a, revealsDrafts(actor, org.id)),
      timing: a.timing,
      active: instrument.status === 'active',
      responses: through.get(a.id) ?? 0,
    })),
    questions: summariseResponses(content.questions, responses),
  }
}

/**
 * The responses as CSV, learner ids pseudonymised under a key made for this export alone and
 * then forgotten, so two exports cannot be joined on the learner.
 */
export async function exportSurveyResponses(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  surveyId: string,
): Promise<{ filename: string; csv: string; rows: number }> {
  const { org, instrument, actorId } = await surveyOf(deps, actor, slug, surveyId)
  const versions = await listVersions(deps.db, [instrument.id])
  const responses = await listResponses(deps.db, org.id, instrument.id)
  const csv = responsesCsv(
    versions,
    responses.map((r) => ({
      learnerId: r.learnerId,
      version: r.instrumentVersion,
      attachmentId: r.attachmentId,
      attachedTo: r.seriesId === null ? 'item' : 'series',
      timing: r.timing,
      itemId: r.itemId,
      seriesId: r.seriesId,
      answeredAt: r.updatedAt,
      answers: r.answers,
    })),
    randomBytes(32),
  )
  await deps.db.transaction().execute((tx) =>
    recordAudit(tx, deps, {
      actorId,
      action: 'survey.exported',
      resourceType: 'survey',
      resourceId: instrument.id,
      organisationId: org.id,
      summary: { rows: responses.length },
    }),
  )
  const day = deps.clock.now().toISOString().slice(0, 10)
  return { filename: `survey-${instrument.id.slice(0, 8)}-responses-${day}.csv`, csv, rows: responses.length }
}

// ——— The learner's side ———

export type SurveyPage = ItemPage & {
  attachment: AttachmentRow
  survey: VersionRow
}

/** The surveys shown on a published item's pages at one moment (active instruments only). */
export async function surveysShownWith(
  deps: Pick<LearningDeps, 'db'>,
  page: Pick<ItemPage, 'organisation' | 'item' | 'path'>,
  timing: SurveyTiming,
): Promise<Array<{ attachmentId: string; title: string; href: string }>> {
  const attachments = (await attachmentsForItem(deps.db, page.item.id, page.item.series?.id ?? null)).filter(
    (a) => a.timing === timing && a.organisationId === page.organisation.id,
  )
  const out: Array<{ attachmentId: string; title: string; href: string }> = []
  for (const a of attachments) {
    const instrument = await findInstrument(deps.db, page.organisation.id, a.instrumentId)
    const v = instrument ? await findVersion(deps.db, instrument.id, instrument.currentVersion) : null
    if (v) out.push({ attachmentId: a.id, title: v.title, href: `${page.path}/surveys/${a.id}` })
  }
  return out
}

/** A published item's survey, by attachment; NOT_FOUND unless shown with this item and active. */
export async function surveyPage(
  deps: LearningDeps,
  slug: string,
  itemId: string,
  attachmentId: string,
): Promise<SurveyPage> {
  const page = await publicItemPage(deps, slug, itemId)
  const attachment = await findAttachment(deps.db, attachmentId)
  const shown =
    attachment &&
    attachment.organisationId === page.organisation.id &&
    (attachment.itemId === page.item.id ||
      (attachment.seriesId !== null && attachment.seriesId === page.item.series?.id))
  const instrument = shown
    ? await findInstrument(deps.db, page.organisation.id, attachment.instrumentId)
    : null
  if (!attachment || !instrument || instrument.status !== 'active')
    throw new AppError('NOT_FOUND', { message: 'there is no such survey on this item' })
  const survey = await findVersion(deps.db, instrument.id, instrument.currentVersion)
  if (!survey) throw new AppError('NOT_FOUND', { message: 'there is no such survey on this item' })
  return { ...page, attachment, survey }
}

export async function hasResponded(deps: LearningDeps, p: SurveyPage, learner: LearnerRow | null) {
  return learner ? Boolean(await findResponse(deps.db, p.attachment.id, learner.id)) : false
}

/**
 * Records a learner's response: free text screened (blocking spans replaced), one response per
 * learner and attachment (a resubmission replaces it), xAPI statements through the LRS. A
 * learner without a cookie must consent in the same form; then a pseudonymous learner is made.
 * Answers are never logged.
 */
export async function submitSurvey(
  deps: LearningDeps,
  p: SurveyPage,
  existing: LearnerRow | null,
  input: { consent: boolean; userId: string | null; form: FormValues },
): Promise<{ learner: LearnerRow; replaced: boolean; answered: number }> {
  if (!existing && !input.consent)
    throw new AppError('VALIDATION_FAILED', {
      message: 'tick “I agree” to send your answers, or skip the survey',
    })
  let answers: ReturnType<typeof readAnswers>
  try {
    answers = readAnswers(p.survey.questions, input.form)
  } catch (error) {
    if (error instanceof AnswerError) throw new AppError('VALIDATION_FAILED', { message: error.message })
    throw error
  }
  const learner = await giveConsent(deps, existing, input.userId)
  const now = deps.clock.now().toISOString()
  const session = await ensureSession(deps.db, {
    id: randomUUID(),
    organisationId: p.organisation.id,
    itemId: p.item.id,
    versionId: p.item.version.id,
    learnerId: learner.id,
    delayedTokenHash: null,
    delayedDueAt: null,
    createdAt: now,
  })
  const before = await findResponse(deps.db, p.attachment.id, learner.id)
  const base = deps.publicBaseUrl.replace(/\/+$/, '')
  const statements = surveyStatements(
    {
      actor: learner.userId
        ? userLearnerActor(deps.publicBaseUrl, learner.userId)
        : anonymousLearnerActor(deps.publicBaseUrl, learner.id),
      itemUrl: p.itemUrl,
      itemTitle: itemTitle(p.item),
      registration: session.id,
      timestamp: now,
      surveyUrl: surveyActivityId(p.itemUrl, p.attachment.id),
      surveyTitle: p.survey.title,
      version: p.survey.version,
      extensionBase: `${base}/xapi/extensions`,
    },
    p.survey.questions,
    answers,
  )
  await recordStatements(deps, {
    organisationId: p.organisation.id,
    statements,
    authority: roundsAuthority(deps.publicBaseUrl),
    version: '1.0.3',
  })
  await upsertResponse(deps.db, {
    id: before?.id ?? randomUUID(),
    organisationId: p.organisation.id,
    attachmentId: p.attachment.id,
    instrumentId: p.attachment.instrumentId,
    instrumentVersion: p.survey.version,
    itemId: p.item.id,
    sessionId: session.id,
    learnerId: learner.id,
    answers,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
  })
  return { learner, replaced: Boolean(before), answered: Object.keys(answers).length }
}
