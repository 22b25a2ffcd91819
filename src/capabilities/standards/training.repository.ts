import type { Selectable } from 'kysely'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type { TrainingLessonTable, TrainingQuestionTable } from '#src/platform/db/schema.ts'
import type {
  ContentStatus,
  Lesson,
  Option,
  Question,
  QuestionKind,
  Source,
  TrainingTopic,
} from './training.schema.ts'

/** A lesson version as stored, with the organisation that owns it (null: built in). */
export type LessonVersion = Lesson & { organisationId: string | null; contentHash: string }
export type QuestionVersion = Question & { organisationId: string | null; contentHash: string }

/**
 * Which version of each lesson or question a reader sees. Learners: the newest version that
 * is not a draft, if it is published (a newer withdrawal hides the lesson; a newer draft
 * leaves the published version in place). Managers: simply the newest version.
 */
export type VersionView = 'learner' | 'manager'

function pickVersions<T extends { id: string; version: number; status: ContentStatus }>(
  rows: T[],
  view: VersionView,
): T[] {
  const byId = new Map<string, T[]>()
  for (const r of rows) byId.set(r.id, [...(byId.get(r.id) ?? []), r])
  const out: T[] = []
  for (const versions of byId.values()) {
    versions.sort((a, b) => b.version - a.version)
    if (view === 'manager') {
      if (versions[0]) out.push(versions[0])
      continue
    }
    const live = versions.find((v) => v.status !== 'draft')
    if (live?.status === 'published') out.push(live)
  }
  return out
}

// ---- lessons ----

/** Every lesson an organisation's members can see (built-in and its own), one version each. */
export async function listLessonVersions(
  db: Executor,
  organisationId: string,
  view: VersionView,
): Promise<LessonVersion[]> {
  const rows = await db
    .selectFrom('training_lesson')
    .selectAll()
    .where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', organisationId)]))
    .execute()
  return pickVersions(rows.map(mapLesson), view).sort(
    (a, b) => a.position - b.position || a.title.localeCompare(b.title),
  )
}

/** One lesson as the view sees it, if the organisation can see it at all. */
export async function findLessonVersion(
  db: Executor,
  organisationId: string,
  lessonId: string,
  view: VersionView,
): Promise<LessonVersion | null> {
  const rows = await db
    .selectFrom('training_lesson')
    .selectAll()
    .where('id', '=', lessonId)
    .where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', organisationId)]))
    .execute()
  return pickVersions(rows.map(mapLesson), view)[0] ?? null
}

/** The newest version of every built-in lesson (for the loader). */
export async function listBuiltInLessonHeads(db: Executor): Promise<LessonVersion[]> {
  const rows = await db
    .selectFrom('training_lesson')
    .selectAll()
    .where('organisation_id', 'is', null)
    .execute()
  return pickVersions(rows.map(mapLesson), 'manager')
}

export async function insertLessonVersion(
  db: Executor,
  v: Omit<LessonVersion, 'builtIn' | 'updatedAt'> & { createdAt: string; createdBy: string | null },
): Promise<boolean> {
  const r = await db
    .insertInto('training_lesson')
    .values({
      id: v.id,
      version: v.version,
      organisation_id: v.organisationId,
      topic: v.topic,
      title: v.title,
      summary: v.summary,
      body_md: v.bodyMd,
      sources: JSON.stringify(v.sources),
      position: v.position,
      status: v.status,
      content_hash: v.contentHash,
      created_at: v.createdAt,
      created_by: v.createdBy,
    })
    // Two processes loading the same built-in content at once: the first one wins.
    .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
}

function mapLesson(r: Selectable<TrainingLessonTable>): LessonVersion {
  return {
    id: r.id,
    version: Number(r.version),
    organisationId: r.organisation_id,
    builtIn: r.organisation_id === null,
    topic: r.topic as TrainingTopic,
    title: r.title,
    summary: r.summary,
    bodyMd: r.body_md,
    sources: JSON.parse(r.sources) as Source[],
    position: Number(r.position),
    status: r.status,
    contentHash: r.content_hash,
    updatedAt: toIso(r.created_at),
  }
}

// ---- questions ----

/** Every question in an organisation's bank (built-in and its own), one version each. */
export async function listQuestionVersions(
  db: Executor,
  organisationId: string,
  view: VersionView,
): Promise<QuestionVersion[]> {
  const rows = await db
    .selectFrom('training_question')
    .selectAll()
    .where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', organisationId)]))
    .execute()
  return pickVersions(rows.map(mapQuestion), view).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

export async function findQuestionVersion(
  db: Executor,
  organisationId: string,
  questionId: string,
  view: VersionView,
): Promise<QuestionVersion | null> {
  const rows = await db
    .selectFrom('training_question')
    .selectAll()
    .where('id', '=', questionId)
    .where((eb) => eb.or([eb('organisation_id', 'is', null), eb('organisation_id', '=', organisationId)]))
    .execute()
  return pickVersions(rows.map(mapQuestion), view)[0] ?? null
}

/** Exact versions, in the order asked for: the questions an attempt drew. */
export async function findQuestionsByVersion(
  db: Executor,
  keys: ReadonlyArray<{ id: string; version: number }>,
): Promise<QuestionVersion[]> {
  if (keys.length === 0) return []
  const rows = await db
    .selectFrom('training_question')
    .selectAll()
    .where(
      'id',
      'in',
      keys.map((k) => k.id),
    )
    .execute()
  const byKey = new Map(rows.map((r) => [`${r.id}@${r.version}`, mapQuestion(r)]))
  return keys.map((k) => {
    const q = byKey.get(`${k.id}@${k.version}`)
    if (!q) throw new Error(`question ${k.id} version ${k.version} is missing`)
    return q
  })
}

export async function listBuiltInQuestionHeads(db: Executor): Promise<QuestionVersion[]> {
  const rows = await db
    .selectFrom('training_question')
    .selectAll()
    .where('organisation_id', 'is', null)
    .execute()
  return pickVersions(rows.map(mapQuestion), 'manager')
}

export async function insertQuestionVersion(
  db: Executor,
  v: Omit<QuestionVersion, 'builtIn' | 'updatedAt'> & { createdAt: string; createdBy: string | null },
): Promise<boolean> {
  const r = await db
    .insertInto('training_question')
    .values({
      id: v.id,
      version: v.version,
      organisation_id: v.organisationId,
      topic: v.topic,
      kind: v.kind,
      prompt: v.prompt,
      options: JSON.stringify(v.options),
      sources: JSON.stringify(v.sources),
      status: v.status,
      content_hash: v.contentHash,
      created_at: v.createdAt,
      created_by: v.createdBy,
    })
    .onConflict((oc) => oc.columns(['id', 'version']).doNothing())
    .executeTakeFirst()
  return Number(r.numInsertedOrUpdatedRows ?? 0) === 1
}

function mapQuestion(r: Selectable<TrainingQuestionTable>): QuestionVersion {
  return {
    id: r.id,
    version: Number(r.version),
    organisationId: r.organisation_id,
    builtIn: r.organisation_id === null,
    topic: r.topic as TrainingTopic,
    kind: r.kind as QuestionKind,
    prompt: r.prompt,
    options: JSON.parse(r.options) as Option[],
    sources: JSON.parse(r.sources) as Source[],
    status: r.status,
    contentHash: r.content_hash,
    updatedAt: toIso(r.created_at),
  }
}

// ---- attempts ----

export type DrawnQuestion = { id: string; version: number }

export type AttemptRecord = {
  id: string
  userId: string
  organisationId: string
  seed: string
  draw: DrawnQuestion[]
  status: 'draft' | 'submitted' | 'seeded'
  startedAt: string
  expiresAt: string
  submittedAt: string | null
  answers: Array<{ questionId: string; optionIds: string[] }> | null
  score: number | null
  total: number
  passed: boolean
}

export async function insertAttempt(db: Executor, a: AttemptRecord): Promise<void> {
  await db
    .insertInto('training_attempt')
    .values({
      id: a.id,
      user_id: a.userId,
      organisation_id: a.organisationId,
      seed: a.seed,
      draw: JSON.stringify(a.draw),
      status: a.status,
      started_at: a.startedAt,
      expires_at: a.expiresAt,
      submitted_at: a.submittedAt,
      answers: a.answers ? JSON.stringify(a.answers) : null,
      score: a.score,
      total: a.total,
      passed: a.passed ? 1 : 0,
    })
    .execute()
}

export async function findAttemptById(db: Executor, id: string): Promise<AttemptRecord | null> {
  const r = await db.selectFrom('training_attempt').selectAll().where('id', '=', id).executeTakeFirst()
  if (!r) return null
  return {
    id: r.id,
    userId: r.user_id,
    organisationId: r.organisation_id,
    seed: r.seed,
    draw: JSON.parse(r.draw) as DrawnQuestion[],
    status: r.status,
    startedAt: toIso(r.started_at),
    expiresAt: toIso(r.expires_at),
    submittedAt: toIso(r.submitted_at),
    answers: r.answers ? (JSON.parse(r.answers) as AttemptRecord['answers']) : null,
    score: r.score === null ? null : Number(r.score),
    total: Number(r.total),
    passed: Boolean(r.passed),
  }
}

/**
 * Records the submission, only if the attempt is still a draft. False means another
 * request submitted it first: an attempt is submitted exactly once.
 */
export async function markAttemptSubmitted(
  db: Executor,
  id: string,
  result: {
    submittedAt: string
    answers: Array<{ questionId: string; optionIds: string[] }>
    score: number
    passed: boolean
  },
): Promise<boolean> {
  const r = await db
    .updateTable('training_attempt')
    .set({
      status: 'submitted',
      submitted_at: result.submittedAt,
      answers: JSON.stringify(result.answers),
      score: result.score,
      passed: result.passed ? 1 : 0,
    })
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}
