import type { Executor } from '#src/platform/db/database.ts'

/**
 * One learner's pass through an item, written straight to the tables: a learning session and
 * its pre and post quiz attempts (what the research view and exports read). The learner row is
 * the caller's, since some tests share one learner across sessions.
 */
export async function insertScoredSession(
  db: Executor,
  s: {
    id: string
    organisationId: string
    itemId: string
    versionId: string
    learnerId: string
    pre: number
    post: number
    /** The quizzes' maximum score; 10 unless given. */
    max?: number
    /** The score that passes; 7 unless given. */
    passMark?: number
    /** When the session started, and each attempt was made. */
    at: string
    preAt?: string
    postAt?: string
    /** Attempt ids; `${id}-pre` and `${id}-post` unless given. */
    attemptIds?: { pre: string; post: string }
  },
): Promise<void> {
  await db
    .insertInto('learning_session')
    .values({
      id: s.id,
      organisation_id: s.organisationId,
      item_id: s.itemId,
      version_id: s.versionId,
      learner_id: s.learnerId,
      delayed_token_hash: null,
      delayed_due_at: null,
      reminded_at: null,
      created_at: s.at,
    })
    .execute()
  const passMark = s.passMark ?? 7
  for (const kind of ['pre', 'post'] as const) {
    const raw = s[kind]
    await db
      .insertInto('quiz_attempt')
      .values({
        id: s.attemptIds?.[kind] ?? `${s.id}-${kind}`,
        session_id: s.id,
        kind,
        answers: '{}',
        raw,
        max: s.max ?? 10,
        passed: raw >= passMark ? 1 : 0,
        created_at: (kind === 'pre' ? s.preAt : s.postAt) ?? s.at,
      })
      .execute()
  }
}
