import { listMembers } from '#src/capabilities/accounts/accounts.repository.ts'
import { type AuditDeps, recordAudit } from '#src/capabilities/audit/audit.service.ts'
import {
  findLatestScreening,
  findLatestVersion,
  type ItemRow,
  type VersionRow,
} from '#src/capabilities/content/content.repository.ts'
import { notifyReviewerAssigned } from '#src/capabilities/notifications/notifications.service.ts'
import { lookupBrand } from '#src/capabilities/screening/lexicons/brands.ts'
import { canonicalCompany } from '#src/capabilities/screening/lexicons/companies.ts'
import type { Report } from '#src/capabilities/screening/screening.schema.ts'
import {
  conflictReasonsFor,
  findReviewerConflicts,
  loadReviewerConflictFacts,
} from '#src/capabilities/standards/conflicts.ts'
import { findOrganisationSettings } from '#src/capabilities/standards/settings.repository.ts'
import type { Executor } from '#src/platform/db/database.ts'
import {
  findLatestRound,
  insertAssignment,
  insertRound,
  listAssignments,
  type RoundRow,
} from './review.repository.ts'
import type { Candidates } from './review.schema.ts'

/**
 * Who may review an item, and the round a resubmitted item goes back to. This module imports
 * no use-case module, so the content capability can call it inside its own transaction
 * (resubmission) without an import cycle.
 */

export const DUE_DAYS = 7
const DAY_MS = 24 * 60 * 60 * 1000

/** The default due date of an assignment made now. */
export function defaultDueAt(now: Date): string {
  return new Date(now.getTime() + DUE_DAYS * DAY_MS).toISOString()
}

/**
 * The companies a version names, from its stored screening report: each commercial finding
 * is a brand (mapped to its makers) or a company name, mapped to the parent company.
 */
export function companiesInReport(report: Report | null): string[] {
  const out = new Set<string>()
  for (const f of report?.findings ?? []) {
    if (f.pack !== 'commercial') continue
    const brand = lookupBrand(f.text)
    const names = brand ? brand.companies : [f.text]
    for (const n of names) {
      const c = canonicalCompany(n)
      if (c.key) out.add(c.name)
    }
  }
  return [...out].sort()
}

/**
 * The organisation's reviewers for the item's latest version: eligible, or excluded with
 * every reason (a declared or disclosed conflict, or already in / declined from the open
 * round). `assigned` counts the open round's active reviewers.
 */
export async function evaluateCandidates(
  db: Executor,
  now: Date,
  item: Pick<ItemRow, 'id' | 'organisationId' | 'authorId'>,
  round: RoundRow | null,
  /** The item's author sees a declared conflict only as "not available" (conflictReasonsFor). */
  viewer: { isAuthor: boolean } = { isAuthor: false },
): Promise<Candidates> {
  const version = await findLatestVersion(db, item.id)
  const screening = version ? await findLatestScreening(db, version.id) : null
  const companiesMentioned = companiesInReport(screening?.report ?? null)
  const settings = await findOrganisationSettings(db, item.organisationId)
  const open = round && !round.decision ? await listAssignments(db, round.id) : []
  const members = (await listMembers(db, item.organisationId)).filter((m) => m.roles.includes('reviewer'))
  const eligible: Candidates['eligible'] = []
  const excluded: Candidates['excluded'] = []
  for (const m of members) {
    const facts = await loadReviewerConflictFacts(db, m.id, now)
    const reasons = conflictReasonsFor(
      findReviewerConflicts({ authorId: item.authorId, companiesMentioned, reviewer: facts }),
      viewer,
    )
    const prior = open.find((a) => a.reviewerId === m.id)
    if (prior?.status === 'declined') reasons.push('the reviewer declined this round')
    else if (prior) reasons.push('the reviewer is already assigned to this round')
    const entry = { id: m.id, name: m.name, eligible: reasons.length === 0, reasons }
    ;(reasons.length === 0 ? eligible : excluded).push(entry)
  }
  return {
    reviewersRequired: settings.reviewersRequired,
    assigned: open.filter((a) => a.status !== 'declined').length,
    companiesMentioned,
    eligible,
    excluded,
  }
}

/**
 * A resubmitted item goes back to the reviewers who reviewed it last (as journals send a
 * revision to the original referees): a new round on the resubmitted version, with the same
 * anonymity, assigning each reviewer who submitted a review in the item's latest decided round
 * and is still eligible (a reviewer who has since become conflicted is left out). Runs inside
 * the resubmission's transaction, after the item moved to `submitted`.
 *
 * Returns whether the round is complete (the organisation's number of reviewers); when it is
 * not, the item waits in the editor's queue for the missing reviewers. Returns null when the
 * item has no earlier decided round (nothing to carry over).
 */
export async function openRevisionRound(
  tx: Executor,
  deps: AuditDeps & Parameters<typeof notifyReviewerAssigned>[1],
  item: Pick<ItemRow, 'id' | 'organisationId' | 'authorId' | 'authorName'>,
  version: Pick<VersionRow, 'id' | 'number' | 'fields'>,
): Promise<{ roundId: string; complete: boolean; carried: number } | null> {
  const previous = await findLatestRound(tx, item.id)
  if (!previous?.decision) return null
  const reviewed = (await listAssignments(tx, previous.id)).filter((a) => a.status === 'submitted')
  if (reviewed.length === 0) return null
  const now = deps.clock.now()
  const candidates = await evaluateCandidates(tx, now, item, null)
  const eligible = new Set(candidates.eligible.map((c) => c.id))
  const carried = reviewed.filter((a) => eligible.has(a.reviewerId)).slice(0, candidates.reviewersRequired)
  const at = now.toISOString()
  const dueAt = defaultDueAt(now)
  const roundId = deps.ids.next()
  await insertRound(tx, {
    id: roundId,
    itemId: item.id,
    versionId: version.id,
    anonymous: previous.anonymous,
    createdBy: null,
    createdAt: at,
  })
  let position = 0
  for (const a of carried) {
    position += 1
    const id = deps.ids.next()
    await insertAssignment(tx, {
      id,
      roundId,
      reviewerId: a.reviewerId,
      position,
      dueAt,
      assignedBy: null,
      assignedAt: at,
    })
    await recordAudit(tx, deps, {
      actorId: null,
      action: 'review.assigned',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: {
        roundId,
        assignmentId: id,
        reviewerId: a.reviewerId,
        version: version.number,
        dueAt,
        carriedFromRound: previous.id,
      },
    })
    await notifyReviewerAssigned(tx, deps, {
      itemId: item.id,
      organisationId: item.organisationId,
      title: version.fields.title,
      authorName: item.authorName,
      anonymous: previous.anonymous,
      revised: true,
      assignmentId: id,
      reviewerId: a.reviewerId,
      dueAt,
    })
  }
  return { roundId, complete: carried.length >= candidates.reviewersRequired, carried: carried.length }
}
