import type { Executor } from '#src/platform/db/database.ts'
import type { QuizAnswers, QuizKind } from './quiz.schema.ts'

export type LearnerRow = { id: string; userId: string | null; consentVersion: string; consentedAt: string }
export type SessionRow = {
  id: string
  organisationId: string
  itemId: string
  versionId: string
  learnerId: string
  delayedTokenHash: string | null
  delayedDueAt: string | null
  createdAt: string
}
export type AttemptRow = {
  id: string
  sessionId: string
  kind: QuizKind
  answers: QuizAnswers
  raw: number
  max: number
  passed: boolean
  createdAt: string
}

const iso = (v: Date | string | null): string | null =>
  v === null ? null : v instanceof Date ? v.toISOString() : new Date(v).toISOString()

export async function findLearner(db: Executor, id: string): Promise<LearnerRow | null> {
  const r = await db.selectFrom('learner').selectAll().where('id', '=', id).executeTakeFirst()
  return r
    ? {
        id: r.id,
        userId: r.user_id,
        consentVersion: r.consent_version,
        consentedAt: iso(r.consented_at) as string,
      }
    : null
}

export async function insertLearner(db: Executor, row: LearnerRow): Promise<void> {
  await db
    .insertInto('learner')
    .values({
      id: row.id,
      user_id: row.userId,
      consent_version: row.consentVersion,
      consented_at: row.consentedAt,
    })
    .execute()
}

export async function setLearnerUser(db: Executor, id: string, userId: string): Promise<void> {
  await db.updateTable('learner').set({ user_id: userId }).where('id', '=', id).execute()
}

function toSession(r: {
  id: string
  organisation_id: string
  item_id: string
  version_id: string
  learner_id: string
  delayed_token_hash: string | null
  delayed_due_at: Date | string | null
  created_at: Date | string
}): SessionRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    itemId: r.item_id,
    versionId: r.version_id,
    learnerId: r.learner_id,
    delayedTokenHash: r.delayed_token_hash,
    delayedDueAt: iso(r.delayed_due_at),
    createdAt: iso(r.created_at) as string,
  }
}

export async function findSession(
  db: Executor,
  itemId: string,
  learnerId: string,
): Promise<SessionRow | null> {
  const r = await db
    .selectFrom('learning_session')
    .select([
      'id',
      'organisation_id',
      'item_id',
      'version_id',
      'learner_id',
      'delayed_token_hash',
      'delayed_due_at',
      'created_at',
    ])
    .where('item_id', '=', itemId)
    .where('learner_id', '=', learnerId)
    .executeTakeFirst()
  return r ? toSession(r) : null
}

export async function findSessionByToken(db: Executor, tokenHash: string): Promise<SessionRow | null> {
  const r = await db
    .selectFrom('learning_session')
    .select([
      'id',
      'organisation_id',
      'item_id',
      'version_id',
      'learner_id',
      'delayed_token_hash',
      'delayed_due_at',
      'created_at',
    ])
    .where('delayed_token_hash', '=', tokenHash)
    .executeTakeFirst()
  return r ? toSession(r) : null
}

/** Inserts the session unless the learner has one for the item already; returns the one stored. */
export async function ensureSession(db: Executor, row: SessionRow): Promise<SessionRow> {
  await db
    .insertInto('learning_session')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      item_id: row.itemId,
      version_id: row.versionId,
      learner_id: row.learnerId,
      delayed_token_hash: null,
      delayed_due_at: null,
      reminded_at: null,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.columns(['item_id', 'learner_id']).doNothing())
    .execute()
  return (await findSession(db, row.itemId, row.learnerId)) as SessionRow
}

export async function setDelayed(
  db: Executor,
  sessionId: string,
  tokenHash: string,
  dueAt: string,
): Promise<void> {
  await db
    .updateTable('learning_session')
    .set({ delayed_token_hash: tokenHash, delayed_due_at: dueAt })
    .where('id', '=', sessionId)
    .execute()
}

export async function listAttempts(db: Executor, sessionId: string): Promise<AttemptRow[]> {
  const rows = await db
    .selectFrom('quiz_attempt')
    .selectAll()
    .where('session_id', '=', sessionId)
    .orderBy('created_at')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    sessionId: r.session_id,
    kind: r.kind as QuizKind,
    answers: JSON.parse(r.answers) as QuizAnswers,
    raw: r.raw,
    max: r.max,
    passed: Number(r.passed) === 1,
    createdAt: iso(r.created_at) as string,
  }))
}

/** Inserts the attempt; false when the session has one of this kind already. */
export async function insertAttempt(db: Executor, row: AttemptRow): Promise<boolean> {
  const result = await db
    .insertInto('quiz_attempt')
    .values({
      id: row.id,
      session_id: row.sessionId,
      kind: row.kind,
      answers: JSON.stringify(row.answers),
      raw: row.raw,
      max: row.max,
      passed: row.passed ? 1 : 0,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.columns(['session_id', 'kind']).doNothing())
    .executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0
}

/** Sessions of signed-in learners whose delayed quiz is open, not taken and not yet reminded. */
export async function dueReminders(db: Executor, now: string, limit = 500) {
  return db
    .selectFrom('learning_session as s')
    .innerJoin('learner as l', 'l.id', 's.learner_id')
    .innerJoin('organisation as o', 'o.id', 's.organisation_id')
    .select(['s.id', 's.item_id', 's.organisation_id', 'l.user_id', 'o.slug'])
    .where('s.delayed_due_at', '<=', now)
    .where('s.reminded_at', 'is', null)
    .where('l.user_id', 'is not', null)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('quiz_attempt as a')
            .select('a.id')
            .whereRef('a.session_id', '=', 's.id')
            .where('a.kind', '=', 'delayed'),
        ),
      ),
    )
    .limit(limit)
    .execute()
}

export async function markReminded(db: Executor, sessionId: string, at: string): Promise<void> {
  await db.updateTable('learning_session').set({ reminded_at: at }).where('id', '=', sessionId).execute()
}

/** Every attempt at an item's quiz, for the gain summary. */
export async function itemAttempts(db: Executor, itemId: string) {
  return db
    .selectFrom('quiz_attempt as a')
    .innerJoin('learning_session as s', 's.id', 'a.session_id')
    .select(['s.id as session_id', 's.version_id', 'a.kind', 'a.raw', 'a.max', 'a.passed'])
    .where('s.item_id', '=', itemId)
    .execute()
}

/** How many learning sessions (learners who opened the item's learning page) an item has. */
export async function countItemSessions(db: Executor, itemId: string): Promise<number> {
  const r = await db
    .selectFrom('learning_session')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('item_id', '=', itemId)
    .executeTakeFirst()
  return Number(r?.n ?? 0)
}

/** A signed-in user's learner with a session on the item (another device's cookie), if any. */
export async function findLearnerForUser(
  db: Executor,
  userId: string,
  itemId: string,
): Promise<LearnerRow | null> {
  const r = await db
    .selectFrom('learner as l')
    .innerJoin('learning_session as s', 's.learner_id', 'l.id')
    .select('l.id')
    .where('l.user_id', '=', userId)
    .where('s.item_id', '=', itemId)
    .orderBy('s.created_at', 'desc')
    .executeTakeFirst()
  return r ? findLearner(db, r.id) : null
}
