import type { Executor } from '#src/platform/db/database.ts'

export type TimelineRoundRow = {
  roundId: string
  anonymous: boolean
  decided: boolean
  assignments: Array<{ assignmentId: string; reviewerId: string; position: number }>
}

/** The item's review rounds with who was assigned in each (for deciding who may be named). */
export async function listRoundsWithReviewers(db: Executor, itemId: string): Promise<TimelineRoundRow[]> {
  const rows = await db
    .selectFrom('review_round as r')
    .leftJoin('review_assignment as a', 'a.round_id', 'r.id')
    .select(['r.id', 'r.anonymous', 'r.decision', 'a.id as assignment_id', 'a.reviewer_id', 'a.position'])
    .where('r.item_id', '=', itemId)
    .orderBy('r.created_at')
    .orderBy('a.position')
    .execute()
  const rounds = new Map<string, TimelineRoundRow>()
  for (const r of rows) {
    const round = rounds.get(r.id) ?? {
      roundId: r.id,
      anonymous: Boolean(Number(r.anonymous)),
      decided: r.decision !== null,
      assignments: [],
    }
    if (r.assignment_id && r.reviewer_id && r.position !== null)
      round.assignments.push({
        assignmentId: r.assignment_id,
        reviewerId: r.reviewer_id,
        position: Number(r.position),
      })
    rounds.set(r.id, round)
  }
  return [...rounds.values()]
}

/** Display names by user id. */
export async function listUserNames(db: Executor, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db
    .selectFrom('auth_user')
    .select(['id', 'name'])
    .where('id', 'in', [...ids])
    .execute()
  return new Map(rows.map((r) => [r.id, r.name]))
}
