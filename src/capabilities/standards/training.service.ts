import { createHash } from 'node:crypto'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import type { OrganisationRow } from '#src/capabilities/accounts/accounts.repository.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { canonicalJson, recordAudit } from '#src/capabilities/audit/audit.service.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  findCertificateByAttempt,
  findCertificateById,
  findValidCertificate,
} from './certificate.repository.ts'
import { issueCertificate, presentCertificate } from './certificate.service.ts'
import { findOrganisationSettings } from './settings.repository.ts'
import { type BuiltInContent, loadBuiltInContent, optionId } from './training.content.ts'
import { drawQuestions } from './training.draw.ts'
import {
  type AttemptRecord,
  findAttemptById,
  findLessonVersion,
  findQuestionsByVersion,
  findQuestionVersion,
  insertAttempt,
  insertLessonVersion,
  insertQuestionVersion,
  type LessonVersion,
  listBuiltInLessonHeads,
  listBuiltInQuestionHeads,
  listLessonVersions,
  listQuestionVersions,
  markAttemptSubmitted,
  type QuestionVersion,
  type VersionView,
} from './training.repository.ts'
import {
  ATTEMPT_TTL_HOURS,
  type Attempt,
  type AttemptQuestion,
  type AttemptResult,
  type AttemptState,
  type ContentStatus,
  type Lesson,
  type LessonInput,
  type LessonSummary,
  PASS_MARK_PERCENT,
  QUESTIONS_PER_ATTEMPT,
  type Question,
  type QuestionInput,
  type Submission,
  type TrainingStatus,
} from './training.schema.ts'
import { checkAnswers, scoreAnswers } from './training.score.ts'

// ---- built-in content ----

export type ContentSyncResult = { lessonVersions: number; questionVersions: number; withdrawn: number }

type Versioned = {
  status: 'draft' | 'published' | 'withdrawn'
  organisationId: string | null
  version: number
  contentHash: string
}

/**
 * Brings built-in versioned content (lessons or questions) in line with the files: a new
 * published version where a file's content changed, a withdrawn version where a file is gone.
 */
async function syncBuiltIns<F extends { id: string }, H extends F & Versioned>(
  files: readonly F[],
  heads: readonly H[],
  hash: (fields: F & Pick<Versioned, 'status'>) => string,
  insert: (v: F & Versioned) => Promise<boolean>,
): Promise<{ versions: number; withdrawn: number }> {
  const byId = new Map(heads.map((h) => [h.id, h]))
  let versions = 0
  let withdrawn = 0
  for (const f of files) {
    const fields = { ...f, status: 'published' as const }
    const head = byId.get(f.id)
    const contentHash = hash(fields)
    if (head?.contentHash === contentHash) continue
    if (await insert({ ...fields, organisationId: null, version: (head?.version ?? 0) + 1, contentHash }))
      versions++
  }
  const ids = new Set(files.map((f) => f.id))
  for (const head of byId.values()) {
    if (ids.has(head.id) || head.status === 'withdrawn') continue
    const fields = { ...head, status: 'withdrawn' as const }
    if (await insert({ ...fields, version: head.version + 1, contentHash: hash(fields) })) withdrawn++
  }
  return { versions, withdrawn }
}

/**
 * Loads the built-in lessons and questions into the database as versioned content. Safe to
 * run at every start-up and from `rounds seed`: a new version is written only when a file's
 * content changed (its hash differs from the newest stored version), and built-ins whose
 * file is gone are withdrawn. Runs in one transaction, audited when anything changed.
 */
export async function syncBuiltInTraining(
  deps: AccountsDeps,
  content: BuiltInContent = loadBuiltInContent(),
): Promise<ContentSyncResult> {
  const at = deps.clock.now().toISOString()
  return deps.db.transaction().execute(async (tx) => {
    const lessons = await syncBuiltIns(content.lessons, await listBuiltInLessonHeads(tx), lessonHash, (v) =>
      insertLessonVersion(tx, { ...v, createdAt: at, createdBy: null }),
    )
    const questions = await syncBuiltIns(
      content.questions,
      await listBuiltInQuestionHeads(tx),
      questionHash,
      (v) => insertQuestionVersion(tx, { ...v, createdAt: at, createdBy: null }),
    )
    const result: ContentSyncResult = {
      lessonVersions: lessons.versions,
      questionVersions: questions.versions,
      withdrawn: lessons.withdrawn + questions.withdrawn,
    }

    if (result.lessonVersions + result.questionVersions + result.withdrawn > 0) {
      await recordAudit(tx, deps, {
        actorId: null,
        action: 'training.content_loaded',
        resourceType: 'training_content',
        resourceId: 'built-in',
        organisationId: null,
        summary: { ...result },
      })
    }
    return result
  })
}

function sha256(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex')
}

function lessonHash(
  l: Pick<Lesson, 'topic' | 'title' | 'summary' | 'bodyMd' | 'sources' | 'position' | 'status'>,
) {
  return sha256({
    topic: l.topic,
    title: l.title,
    summary: l.summary,
    bodyMd: l.bodyMd,
    sources: l.sources,
    position: l.position,
    status: l.status,
  })
}

function questionHash(q: Pick<Question, 'topic' | 'kind' | 'prompt' | 'options' | 'sources' | 'status'>) {
  return sha256({
    topic: q.topic,
    kind: q.kind,
    prompt: q.prompt,
    options: q.options,
    sources: q.sources,
    status: q.status,
  })
}

// ---- lessons ----

/** Admins manage content and so see drafts and withdrawn lessons; everyone else sees what is live. */
function viewFor(actor: Actor, org: OrganisationRow): VersionView {
  return can(actor, 'organisation.manage', { organisationId: org.id }) ? 'manager' : 'learner'
}

function presentLessonSummary(l: LessonVersion): LessonSummary {
  return {
    id: l.id,
    version: l.version,
    builtIn: l.builtIn,
    topic: l.topic,
    title: l.title,
    summary: l.summary,
    position: l.position,
    status: l.status,
    updatedAt: l.updatedAt,
  }
}

function presentLesson(l: LessonVersion): Lesson {
  return { ...presentLessonSummary(l), bodyMd: l.bodyMd, sources: l.sources }
}

/** The lessons a member can study, in order: built-in ones and the organisation's own. */
export async function listLessons(deps: AccountsDeps, actor: Actor, slug: string): Promise<LessonSummary[]> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  return (await listLessonVersions(deps.db, org.id, viewFor(actor, org))).map(presentLessonSummary)
}

/** One lesson: the latest published version (admins: the latest version, whatever its status). */
export async function getLesson(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  lessonId: string,
): Promise<Lesson> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const l = await findLessonVersion(deps.db, org.id, lessonId, viewFor(actor, org))
  if (!l) throw new AppError('LESSON_NOT_FOUND', { message: `no lesson ${lessonId}` })
  return presentLesson(l)
}

/** Adds one of the organisation's own lessons (admins), as version 1. */
export async function createLesson(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  input: LessonInput,
): Promise<Lesson> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  return saveLessonVersion(deps, actor, org, deps.ids.next(), null, input, 'training.lesson_created')
}

/** Edits one of the organisation's own lessons: a new version; earlier versions are kept. */
export async function updateLesson(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  lessonId: string,
  input: LessonInput,
): Promise<Lesson> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const head = await ownLessonHead(deps.db, org, lessonId)
  return saveLessonVersion(deps, actor, org, lessonId, head, input, 'training.lesson_updated')
}

/** Withdraws one of the organisation's own lessons from learners (a new, withdrawn version). */
export async function withdrawLesson(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  lessonId: string,
): Promise<Lesson> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const head = await ownLessonHead(deps.db, org, lessonId)
  return saveLessonVersion(
    deps,
    actor,
    org,
    lessonId,
    head,
    { ...head, status: 'withdrawn' },
    'training.lesson_withdrawn',
  )
}

async function ownLessonHead(db: Executor, org: OrganisationRow, lessonId: string): Promise<LessonVersion> {
  const head = await findLessonVersion(db, org.id, lessonId, 'manager')
  if (!head) throw new AppError('LESSON_NOT_FOUND', { message: `no lesson ${lessonId}` })
  if (head.builtIn)
    throw new AppError('BUILT_IN_READ_ONLY', {
      message: 'built-in lessons cannot be changed; add a lesson of your own instead',
    })
  return head
}

/**
 * Stores a new version of a lesson or question written by an organisation, audited in the same
 * transaction. Saving what is already the newest version changes nothing; a concurrent save of
 * the same version number loses with CONFLICT.
 */
async function saveVersion<
  F extends { status: ContentStatus; topic: string },
  V extends { contentHash: string; version: number },
  Out,
>(
  deps: AccountsDeps,
  actor: Actor,
  org: OrganisationRow,
  id: string,
  head: V | null,
  fields: F,
  action: string,
  kind: {
    noun: 'lesson' | 'question'
    hash: (fields: F) => string
    insert: (
      tx: Executor,
      row: F & {
        id: string
        version: number
        organisationId: string
        contentHash: string
        createdAt: string
        createdBy: string | null
      },
    ) => Promise<boolean>
    find: (tx: Executor) => Promise<V | null>
    present: (version: V) => Out
    summary: (fields: F) => Record<string, unknown>
  },
): Promise<Out> {
  const hash = kind.hash(fields)
  if (head && head.contentHash === hash) return kind.present(head)
  const actorId = actor.kind === 'user' ? actor.userId : null
  return deps.db.transaction().execute(async (tx) => {
    const version = (head?.version ?? 0) + 1
    const inserted = await kind.insert(tx, {
      ...fields,
      id,
      version,
      organisationId: org.id,
      contentHash: hash,
      createdAt: deps.clock.now().toISOString(),
      createdBy: actorId,
    })
    if (!inserted)
      throw new AppError('CONFLICT', { message: `the ${kind.noun} was changed at the same time; try again` })
    await recordAudit(tx, deps, {
      actorId,
      action,
      resourceType: `training_${kind.noun}`,
      resourceId: id,
      organisationId: org.id,
      summary: { version, status: fields.status, ...kind.summary(fields) },
    })
    const saved = await kind.find(tx)
    if (!saved) throw new AppError('INTERNAL', { message: `the ${kind.noun} was not stored` })
    return kind.present(saved)
  })
}

function saveLessonVersion(
  deps: AccountsDeps,
  actor: Actor,
  org: OrganisationRow,
  lessonId: string,
  head: LessonVersion | null,
  input: Omit<LessonInput, 'status'> & { status: ContentStatus },
  action: string,
): Promise<Lesson> {
  const fields = {
    topic: input.topic,
    title: input.title,
    summary: input.summary,
    bodyMd: input.bodyMd,
    sources: input.sources,
    position: input.position,
    status: input.status,
  }
  return saveVersion(deps, actor, org, lessonId, head, fields, action, {
    noun: 'lesson',
    hash: lessonHash,
    insert: insertLessonVersion,
    find: (tx) => findLessonVersion(tx, org.id, lessonId, 'manager'),
    present: presentLesson,
    summary: (f) => ({ topic: f.topic }),
  })
}

// ---- question bank ----

function presentQuestion(q: QuestionVersion): Question {
  return {
    id: q.id,
    version: q.version,
    builtIn: q.builtIn,
    topic: q.topic,
    kind: q.kind,
    prompt: q.prompt,
    options: q.options,
    sources: q.sources,
    status: q.status,
    updatedAt: q.updatedAt,
  }
}

/** The whole bank with answers and feedback (admins): built-in questions and the organisation's own. */
export async function listQuestionBank(deps: AccountsDeps, actor: Actor, slug: string): Promise<Question[]> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  return (await listQuestionVersions(deps.db, org.id, 'manager')).map(presentQuestion)
}

export async function createQuestion(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  input: QuestionInput,
): Promise<Question> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  return saveQuestionVersion(
    deps,
    actor,
    org,
    deps.ids.next(),
    null,
    questionFields(input),
    'training.question_created',
  )
}

export async function updateQuestion(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  questionId: string,
  input: QuestionInput,
): Promise<Question> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const head = await ownQuestionHead(deps.db, org, questionId)
  return saveQuestionVersion(
    deps,
    actor,
    org,
    questionId,
    head,
    questionFields(input),
    'training.question_updated',
  )
}

export async function withdrawQuestion(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  questionId: string,
): Promise<Question> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const head = await ownQuestionHead(deps.db, org, questionId)
  return saveQuestionVersion(
    deps,
    actor,
    org,
    questionId,
    head,
    { ...head, status: 'withdrawn' },
    'training.question_withdrawn',
  )
}

/** Option ids are letters by position; an edit that reorders options reletters them. */
function questionFields(input: QuestionInput) {
  return {
    topic: input.topic,
    kind: input.kind,
    prompt: input.prompt,
    options: input.options.map((o, i) => ({
      id: optionId(i),
      text: o.text,
      correct: o.correct,
      feedback: o.feedback,
      citation: o.citation,
    })),
    sources: input.sources,
    status: input.status as ContentStatus,
  }
}

async function ownQuestionHead(
  db: Executor,
  org: OrganisationRow,
  questionId: string,
): Promise<QuestionVersion> {
  const head = await findQuestionVersion(db, org.id, questionId, 'manager')
  if (!head) throw new AppError('QUESTION_NOT_FOUND', { message: `no question ${questionId}` })
  if (head.builtIn)
    throw new AppError('BUILT_IN_READ_ONLY', {
      message: 'built-in questions cannot be changed; add a question of your own instead',
    })
  return head
}

function saveQuestionVersion(
  deps: AccountsDeps,
  actor: Actor,
  org: OrganisationRow,
  questionId: string,
  head: QuestionVersion | null,
  fields: Pick<Question, 'topic' | 'kind' | 'prompt' | 'options' | 'sources' | 'status'>,
  action: string,
): Promise<Question> {
  const f = {
    topic: fields.topic,
    kind: fields.kind,
    prompt: fields.prompt,
    options: fields.options,
    sources: fields.sources,
    status: fields.status,
  }
  return saveVersion(deps, actor, org, questionId, head, f, action, {
    noun: 'question',
    hash: questionHash,
    insert: insertQuestionVersion,
    find: (tx) => findQuestionVersion(tx, org.id, questionId, 'manager'),
    present: presentQuestion,
    summary: (x) => ({ topic: x.topic, kind: x.kind }),
  })
}

// ---- attempts ----

/** A question as the learner sees it before submitting: no answers, no feedback. */
function presentAttemptQuestion(q: Question): AttemptQuestion {
  return {
    id: q.id,
    topic: q.topic,
    kind: q.kind,
    prompt: q.prompt,
    options: q.options.map((o) => ({ id: o.id, text: o.text })),
  }
}

/**
 * Starts an attempt: draws QUESTIONS_PER_ATTEMPT live questions covering every topic, keeps
 * the draw (question ids and versions) on the server, and returns the questions without
 * their answers. The attempt can be submitted once, within ATTEMPT_TTL_HOURS.
 */
export async function startAttempt(deps: AccountsDeps, actor: Actor, slug: string): Promise<Attempt> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  const pool = await listQuestionVersions(deps.db, org.id, 'learner')
  if (pool.length === 0)
    throw new AppError('QUESTION_BANK_EMPTY', { message: 'there are no questions to draw from yet' })
  const seed = deps.ids.next()
  const drawn = drawQuestions(pool, seed, QUESTIONS_PER_ATTEMPT)
  const now = deps.clock.now()
  const record: AttemptRecord = {
    id: deps.ids.next(),
    userId: actor.userId,
    organisationId: org.id,
    seed,
    draw: drawn.map((q) => ({ id: q.id, version: q.version })),
    status: 'draft',
    startedAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ATTEMPT_TTL_HOURS * 3_600_000).toISOString(),
    submittedAt: null,
    answers: null,
    score: null,
    total: drawn.length,
    passed: false,
  }
  await deps.db.transaction().execute(async (tx) => {
    await insertAttempt(tx, record)
    await recordAudit(tx, deps, {
      actorId: actor.userId,
      action: 'training.attempt_started',
      resourceType: 'training_attempt',
      resourceId: record.id,
      organisationId: org.id,
      summary: { questions: record.total },
    })
  })
  return presentAttempt(record, org, drawn, now)
}

function presentAttempt(a: AttemptRecord, org: OrganisationRow, questions: Question[], now: Date): Attempt {
  return {
    id: a.id,
    organisation: { slug: org.slug, name: org.name },
    status:
      a.status === 'draft' ? (now.getTime() >= Date.parse(a.expiresAt) ? 'expired' : 'draft') : 'submitted',
    startedAt: a.startedAt,
    expiresAt: a.expiresAt,
    passMarkPercent: PASS_MARK_PERCENT,
    questions: questions.map(presentAttemptQuestion),
  }
}

/** The caller's own attempt in the organisation; anyone else's is "not found". */
async function ownAttempt(deps: AccountsDeps, actor: Actor, org: OrganisationRow, attemptId: string) {
  const a = await findAttemptById(deps.db, attemptId)
  if (
    !a ||
    actor.kind !== 'user' ||
    a.userId !== actor.userId ||
    a.organisationId !== org.id ||
    a.status === 'seeded'
  )
    throw new AppError('ATTEMPT_NOT_FOUND', { message: `no attempt ${attemptId} of yours` })
  return a
}

/** An attempt as its owner sees it: questions without answers until submitted, then the result. */
export async function getAttempt(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  attemptId: string,
): Promise<AttemptState> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const a = await ownAttempt(deps, actor, org, attemptId)
  const questions = await findQuestionsByVersion(deps.db, a.draw)
  const attempt = presentAttempt(a, org, questions, deps.clock.now())
  if (a.status !== 'submitted' || !a.submittedAt) return { ...attempt, result: null }
  const scored = scoreAnswers(questions, a.answers ?? [])
  const certificate = await findCertificateByAttempt(deps.db, a.id)
  return {
    ...attempt,
    result: {
      attemptId: a.id,
      submittedAt: a.submittedAt,
      ...scored,
      passMarkPercent: PASS_MARK_PERCENT,
      certificate: certificate ? presentCertificate(deps, certificate) : null,
    },
  }
}

/**
 * Scores an attempt once: refused if it was already submitted or has expired, or if the
 * answers name questions or options outside the draw. Passing issues a certificate in the
 * same transaction. Returns the score and, for every question, the right answers and the
 * feedback on each option.
 */
export async function submitAttempt(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  attemptId: string,
  submission: Submission,
): Promise<AttemptResult> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const a = await ownAttempt(deps, actor, org, attemptId)
  if (a.status !== 'draft')
    throw new AppError('ATTEMPT_ALREADY_SUBMITTED', { message: 'this attempt has already been submitted' })
  const now = deps.clock.now()
  if (now.getTime() >= Date.parse(a.expiresAt))
    throw new AppError('ATTEMPT_EXPIRED', {
      message: `attempts must be submitted within ${ATTEMPT_TTL_HOURS} hours; start a new one`,
    })
  const questions = await findQuestionsByVersion(deps.db, a.draw)
  const problems = checkAnswers(questions, submission.answers)
  if (problems.length > 0)
    throw new AppError('VALIDATION_FAILED', {
      message: 'the answers do not fit this attempt',
      details: problems,
    })
  const scored = scoreAnswers(questions, submission.answers)
  const userId = a.userId
  return deps.db.transaction().execute(async (tx) => {
    const submitted = await markAttemptSubmitted(tx, a.id, {
      submittedAt: now.toISOString(),
      answers: submission.answers,
      score: scored.score,
      passed: scored.passed,
    })
    if (!submitted)
      throw new AppError('ATTEMPT_ALREADY_SUBMITTED', { message: 'this attempt has already been submitted' })
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'training.attempt_submitted',
      resourceType: 'training_attempt',
      resourceId: a.id,
      organisationId: org.id,
      summary: { score: scored.score, total: scored.total, passed: scored.passed },
    })
    const certificate = scored.passed
      ? await issueCertificate(tx, deps, {
          userId,
          organisationId: org.id,
          attemptId: a.id,
          issuedAt: now,
          actorId: userId,
        })
      : null
    return {
      attemptId: a.id,
      submittedAt: now.toISOString(),
      ...scored,
      passMarkPercent: PASS_MARK_PERCENT,
      certificate: certificate ? presentCertificate(deps, certificate) : null,
    }
  })
}

/** Where the caller stands: their valid certificate (if any) and the rules of the assessment. */
export async function getTrainingStatus(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
): Promise<TrainingStatus> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  const [valid, settings, lessons, questions] = await Promise.all([
    findValidCertificate(deps.db, actor.userId, org.id, deps.clock.now()),
    findOrganisationSettings(deps.db, org.id),
    listLessonVersions(deps.db, org.id, 'learner'),
    listQuestionVersions(deps.db, org.id, 'learner'),
  ])
  const certificate = valid ? await findCertificateById(deps.db, valid.id) : null
  return {
    certificate: certificate ? presentCertificate(deps, certificate) : null,
    validityMonths: settings.trainingValidityMonths,
    passMarkPercent: PASS_MARK_PERCENT,
    questionsPerAttempt: QUESTIONS_PER_ATTEMPT,
    lessons: lessons.length,
    questionsInBank: questions.length,
  }
}
