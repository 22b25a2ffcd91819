import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import type { AuditEvent } from '#src/capabilities/audit/audit.schema.ts'
import { listResourceAuditEvents } from '#src/capabilities/audit/audit.service.ts'
import { AppError } from '#src/platform/errors.ts'
import { findItem } from './content.repository.ts'
import type { ContentDeps } from './content.service.ts'
import { listRoundsWithReviewers, listUserNames, type TimelineRoundRow } from './timeline.repository.ts'
import type { Timeline, TimelineEntry } from './timeline.schema.ts'

type Party = { id: string | null; name: string }

/**
 * Who is reading, and what of the review they may know: editors everything; the author and
 * the reviewers what the review page shows them. The rules match peer review's own:
 *   - a reviewer is named to the author only once a round is decided and only if it was
 *     not anonymous; to another reviewer never (they are "Reviewer 2");
 *   - the author is hidden ("Author") from a reviewer whose round is anonymous;
 *   - a reviewer's draft saves and other reviewers' scores are the editors' business.
 */
export type TimelineViewer = {
  userId: string
  editor: boolean
  author: boolean
}

/** Summary keys that name people: dropped for everyone but editors (the actor is shown instead). */
const personKeys = ['reviewerId', 'authorId', 'userId', 'actorId', 'editorId', 'approvedBy', 'decidedBy']
/** Review events whose summary (scores, recommendation) only editors and the reviewer see. */
const privateReviewSummaries = new Set(['review.submitted', 'review.declined', 'review.saved'])

/** Shapes the item's audit events for one reader: a pure function of the events, rounds and reader. */
export function presentTimeline(
  events: readonly AuditEvent[],
  rounds: readonly TimelineRoundRow[],
  item: { authorId: string },
  viewer: TimelineViewer,
  names: ReadonlyMap<string, string>,
): TimelineEntry[] {
  const byAssignment = new Map<string, { round: TimelineRoundRow; reviewerId: string; position: number }>()
  for (const round of rounds)
    for (const a of round.assignments)
      byAssignment.set(a.assignmentId, { round, reviewerId: a.reviewerId, position: a.position })
  const myRounds = rounds.filter((r) => r.assignments.some((a) => a.reviewerId === viewer.userId))

  /** How a reviewer in a round appears to the reader. */
  const reviewer = (round: TimelineRoundRow, reviewerId: string, position: number, real: Party): Party => {
    if (viewer.editor || reviewerId === viewer.userId) return real
    if (viewer.author && round.decided && !round.anonymous) return real
    return { id: null, name: `Reviewer ${position}` }
  }
  /** The round an event belongs to and the reviewer it is about, if any. */
  const reviewerOf = (e: AuditEvent) => {
    const assignmentId = typeof e.summary.assignmentId === 'string' ? e.summary.assignmentId : null
    return assignmentId ? (byAssignment.get(assignmentId) ?? null) : null
  }
  /** Any other actor: the author is hidden from reviewers of an anonymous round; reviewers as above. */
  const person = (p: Party): Party => {
    if (viewer.editor || p.id === viewer.userId) return p
    if (p.id === item.authorId)
      return !viewer.author && myRounds.some((r) => r.anonymous) ? { id: null, name: 'Author' } : p
    for (const round of rounds) {
      const a = round.assignments.find((x) => x.reviewerId === p.id)
      if (a) return reviewer(round, a.reviewerId, a.position, p)
    }
    return p
  }

  const out: TimelineEntry[] = []
  for (const e of events) {
    const about = reviewerOf(e)
    const ownReviewEvent = about?.reviewerId === viewer.userId
    if (!viewer.editor && e.action === 'review.saved' && !ownReviewEvent) continue
    let actor: Party | null = e.actor ? { id: e.actor.id, name: e.actor.name } : null
    if (actor && about && actor.id === about.reviewerId)
      actor = reviewer(about.round, about.reviewerId, about.position, actor)
    else if (actor) actor = person(actor)

    let summary: Record<string, unknown> = { ...e.summary }
    if (!viewer.editor) {
      if (privateReviewSummaries.has(e.action) && !ownReviewEvent)
        summary = typeof summary.roundId === 'string' ? { roundId: summary.roundId } : {}
      for (const k of personKeys) delete summary[k]
    }
    if (about && e.action === 'review.assigned') {
      summary.reviewer = reviewer(about.round, about.reviewerId, about.position, {
        id: about.reviewerId,
        name: names.get(about.reviewerId) ?? '(deleted user)',
      })
    }
    out.push({ seq: e.seq, occurredAt: e.occurredAt, actor, action: e.action, summary })
  }
  return out
}

/**
 * Every audit event about the item, oldest first, as the caller may see it: its author, the
 * organisation's editors, and the reviewers assigned to it in any round.
 */
export async function getItemTimeline(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Timeline> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const item = await findItem(deps.db, itemId)
  if (!item || item.organisationId !== org.id)
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
  const userId = actor.kind === 'user' ? actor.userId : ''
  const rounds = await listRoundsWithReviewers(deps.db, item.id)
  const viewer: TimelineViewer = {
    userId,
    editor: can(actor, 'review.manage', { organisationId: org.id }),
    author: item.authorId === userId,
  }
  const reviewer = rounds.some((r) => r.assignments.some((a) => a.reviewerId === userId))
  if (!viewer.editor && !viewer.author && !reviewer)
    throw new AppError('FORBIDDEN', { message: "you may not see this item's timeline" })
  const events = await listResourceAuditEvents(deps.db, 'content_item', item.id)
  const names = await listUserNames(deps.db, [
    ...new Set(rounds.flatMap((r) => r.assignments.map((a) => a.reviewerId))),
  ])
  return { itemId: item.id, entries: presentTimeline(events, rounds, item, viewer, names) }
}
