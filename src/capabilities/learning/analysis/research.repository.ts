import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import type { QuizKind } from '#src/capabilities/learning/quizzes/quiz.schema.ts'
import type { Executor } from '#src/platform/db/database.ts'

export type ResearchAttempt = { itemId: string; sessionId: string; kind: QuizKind; raw: number; max: number }

/** Every quiz attempt on the organisation's items, oldest first (a later retake replaces an earlier one). */
export async function researchAttempts(db: Executor, organisationId: string): Promise<ResearchAttempt[]> {
  const rows = await db
    .selectFrom('quiz_attempt as a')
    .innerJoin('learning_session as s', 's.id', 'a.session_id')
    .select(['s.item_id', 'a.session_id', 'a.kind', 'a.raw', 'a.max'])
    .where('s.organisation_id', '=', organisationId)
    .orderBy('a.created_at')
    .orderBy('a.id')
    .execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    sessionId: r.session_id,
    kind: r.kind as QuizKind,
    raw: Number(r.raw),
    max: Number(r.max),
  }))
}

/** The named items of the organisation with their kind and current fields. */
export async function researchItems(
  db: Executor,
  organisationId: string,
  ids: string[],
): Promise<{ id: string; kind: string; fields: Partial<ItemFields> }[]> {
  const out: { id: string; kind: string; fields: Partial<ItemFields> }[] = []
  // In chunks: PostgreSQL and SQLite both cap the number of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('content_item')
      .select(['id', 'kind', 'fields'])
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute()
    for (const r of rows)
      out.push({ id: r.id, kind: r.kind, fields: JSON.parse(r.fields) as Partial<ItemFields> })
  }
  return out.sort((a, b) => a.id.localeCompare(b.id))
}
