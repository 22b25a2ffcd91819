import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { diffFields } from '#src/capabilities/content/content.diff.ts'
import {
  findItem,
  findLatestVersion,
  findVersion,
  type ItemRow,
  listOverrides,
} from '#src/capabilities/content/content.repository.ts'
import type { ItemState, VersionDiff } from '#src/capabilities/content/content.schema.ts'
import { applyItemTransition, type ContentDeps } from '#src/capabilities/content/content.service.ts'
import {
  notifyReviewDecided,
  notifyReviewerAssigned,
} from '#src/capabilities/notifications/notifications.service.ts'
import { addMonthsClamped } from '#src/capabilities/standards/certificate.dates.ts'
import { findOrganisationSettings } from '#src/capabilities/standards/settings.repository.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  type ApprovalRow,
  type AssignmentRow,
  decideRound,
  endActiveApprovals,
  findLatestRound,
  insertApproval,
  insertAssignment,
  insertRound,
  listApprovals,
  listAssignments,
  listAssignmentsForReviewer,
  listDueApprovals,
  listRounds,
  type RoundRow,
  updateOpenAssignment,
} from './review.repository.ts'
import { defaultDueAt, evaluateCandidates } from './review.rounds.ts'
import {
  type Aggregate,
  type Approval,
  type AssignRequest,
  type Candidates,
  type Decision,
  type Party,
  type Recommendation,
  type Review,
  type ReviewDraft,
  type ReviewVersion,
  RMETRIQ_MAX,
  type Round,
  recommendationSchema,
  rmetriqItems,
  type StoredScores,
} from './review.schema.ts'

export { companiesInReport } from './review.rounds.ts'

export type ReviewDeps = ContentDeps
type UserActor = Extract<Actor, { kind: 'user' }>

/**
 * Who is looking: the editor sees everyone; in an anonymous round the author and the
 * reviewers see each other only as labels ("Author", "Reviewer 2").
 */
type Viewer = { user: UserActor; editor: boolean; author: boolean; assignment: AssignmentRow | null }

type Loaded = { user: UserActor; item: ItemRow; editor: boolean; author: boolean }

/**
 * Loads the item for a peer-review use-case. Outsiders get ORGANISATION_NOT_FOUND; an item
 * elsewhere, ITEM_NOT_FOUND. Any approval past its expiry is expired first, so every answer
 * reflects the item's current state.
 */
async function loadItem(deps: ReviewDeps, actor: Actor, slug: string, itemId: string): Promise<Loaded> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const user = actor as UserActor
  const found = await findItem(deps.db, itemId)
  if (!found || found.organisationId !== org.id)
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
  const item = (await expireItemIfDue(deps, found)) ? ((await findItem(deps.db, itemId)) as ItemRow) : found
  return {
    user,
    item,
    editor: can(user, 'review.manage', { organisationId: org.id }),
    author: item.authorId === user.userId,
  }
}

function forbid(what: string): AppError {
  return new AppError('FORBIDDEN', { message: `you may not ${what}` })
}

function requireEditor(l: Loaded): void {
  if (!l.editor) throw forbid('manage the review of this item')
}

async function requireRound(db: Executor, itemId: string): Promise<RoundRow> {
  const round = await findLatestRound(db, itemId)
  if (!round) throw new AppError('REVIEW_NOT_FOUND', { message: 'this item has not been put to review' })
  return round
}

const isActive = (a: AssignmentRow) => a.status !== 'declined'

// ── presenting ───────────────────────────────────────────────────────────────────────────

function reviewerParty(a: AssignmentRow, round: RoundRow, viewer: Viewer): Party {
  const own = viewer.assignment?.id === a.id
  if (round.anonymous && !viewer.editor && !own) return { id: null, name: `Reviewer ${a.position}` }
  return { id: a.reviewerId, name: a.reviewerName }
}

function authorParty(item: ItemRow, round: RoundRow | null, viewer: Viewer): Party {
  if (round?.anonymous && !viewer.editor && !viewer.author) return { id: null, name: 'Author' }
  return { id: item.authorId, name: item.authorName }
}

function rmetriqTotal(s: StoredScores): number | null {
  const values = rmetriqItems.map((i) => s.rmetriq[i.key])
  return values.every((v) => v !== undefined) ? values.reduce<number>((n, v) => n + (v ?? 0), 0) : null
}

function presentReview(a: AssignmentRow, round: RoundRow, viewer: Viewer): Review {
  return {
    assignmentId: a.id,
    reviewer: reviewerParty(a, round, viewer),
    status: a.status,
    dueAt: a.dueAt,
    assignedAt: a.assignedAt,
    declineReason: viewer.editor || viewer.assignment?.id === a.id ? a.declineReason : null,
    noConflict: a.noConflict,
    rmetriq: a.scores.rmetriq,
    rmetriqTotal: rmetriqTotal(a.scores),
    accuracy: a.scores.accuracy ?? null,
    utility: a.scores.utility ?? null,
    comments: a.comments,
    recommendation: a.recommendation,
    submittedAt: a.submittedAt,
  }
}

const mean = (xs: number[]) =>
  xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100 : null

/** Aggregated scores over the submitted reviews. */
export function aggregateReviews(reviews: readonly Review[]): Aggregate {
  const done = reviews.filter((r) => r.status === 'submitted')
  const recommendations = Object.fromEntries(recommendationSchema.options.map((o) => [o, 0])) as Record<
    Recommendation,
    number
  >
  for (const r of done) if (r.recommendation) recommendations[r.recommendation] += 1
  const nums = (pick: (r: Review) => number | null) => done.map(pick).filter((v): v is number => v !== null)
  return {
    submitted: done.length,
    rmetriqMean: mean(nums((r) => r.rmetriqTotal)),
    rmetriqMax: RMETRIQ_MAX,
    accuracyMean: mean(nums((r) => r.accuracy)),
    utilityMean: mean(nums((r) => r.utility)),
    recommendations,
  }
}

async function presentRound(
  deps: ReviewDeps,
  item: ItemRow,
  round: RoundRow,
  viewer: Viewer,
): Promise<Round> {
  const assignments = await listAssignments(deps.db, round.id)
  const settings = await findOrganisationSettings(deps.db, item.organisationId)
  // Editors see every review; a reviewer only their own; the author the submitted reviews
  // once the round is decided.
  const visible = viewer.editor
    ? assignments
    : viewer.assignment
      ? assignments.filter((a) => a.id === viewer.assignment?.id)
      : round.decision
        ? assignments.filter((a) => a.status === 'submitted')
        : []
  const reviews = visible.map((a) => presentReview(a, round, viewer))
  return {
    id: round.id,
    itemId: item.id,
    version: round.versionNumber,
    contentHash: round.contentHash,
    anonymous: round.anonymous,
    author: authorParty(item, round, viewer),
    reviewersRequired: settings.reviewersRequired,
    reviews,
    aggregate: viewer.editor || (viewer.author && round.decision) ? aggregateReviews(reviews) : null,
    decision: round.decision,
    decisionMessage: viewer.editor || viewer.author ? round.decisionMessage : null,
    decidedAt: round.decidedAt,
    createdAt: round.createdAt,
  }
}

function presentApproval(a: ApprovalRow): Approval {
  return {
    id: a.id,
    version: a.versionNumber,
    contentHash: a.contentHash,
    approvedBy: a.approvedBy,
    approvedAt: a.approvedAt,
    expiresAt: a.expiresAt,
    status: a.status,
    endedAt: a.endedAt,
  }
}

// ── candidates and assignment ────────────────────────────────────────────────────────────

/** Reviewers of the organisation for the item: the eligible, and the excluded with every reason (editors). */
export async function listReviewerCandidates(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Candidates> {
  const l = await loadItem(deps, actor, slug, itemId)
  requireEditor(l)
  return evaluateCandidates(deps.db, deps.clock.now(), l.item, await findLatestRound(deps.db, l.item.id), {
    isAuthor: l.author,
  })
}

/**
 * Assigns reviewers (editors). On a submitted item this opens a round on the latest version
 * and moves the item to in_review; on an item in review it adds reviewers to the open round
 * (after a decline) or opens a new round (after an expired approval). The assigned reviewers
 * must bring the round's active reviewers to exactly the organisation's `reviewersRequired`,
 * and each must hold the reviewer role and have no conflict.
 */
export async function assignReviewers(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  input: AssignRequest,
): Promise<Round> {
  const l = await loadItem(deps, actor, slug, itemId)
  requireEditor(l)
  const { item, user } = l
  const existing = await findLatestRound(deps.db, item.id)
  const reuse = existing && !existing.decision ? existing : null
  const reviewable: ItemState[] = ['submitted', 'in_review', 'expired']
  if (!reviewable.includes(item.state) || (item.state === 'in_review' && !reuse && !existing))
    throw new AppError('ILLEGAL_TRANSITION', {
      message: `cannot assign reviewers to an item that is ${item.state.replace('_', ' ')}`,
      details: { state: item.state, event: 'start_review' },
    })
  const unique = [...new Set(input.reviewerIds)]
  if (unique.length !== input.reviewerIds.length)
    throw new AppError('REVIEWER_NOT_ELIGIBLE', { message: 'a reviewer is named twice' })
  const candidates = await evaluateCandidates(deps.db, deps.clock.now(), item, reuse, { isAuthor: l.author })
  for (const id of unique) {
    const c = [...candidates.eligible, ...candidates.excluded].find((x) => x.id === id)
    if (!c)
      throw new AppError('REVIEWER_NOT_ELIGIBLE', {
        message: `user ${id} does not hold the reviewer role in this organisation`,
        details: { reviewerId: id },
      })
    if (!c.eligible)
      throw new AppError('REVIEWER_CONFLICTED', {
        message: `${c.name} may not review this item: ${c.reasons.join('; ')}`,
        details: { reviewerId: id, reasons: c.reasons },
      })
  }
  const current = reuse ? (await listAssignments(deps.db, reuse.id)).filter(isActive).length : 0
  if (current + unique.length !== candidates.reviewersRequired)
    throw new AppError('REVIEWER_COUNT', {
      message: `this organisation requires ${candidates.reviewersRequired} reviewers; ${current} assigned and ${unique.length} named`,
      details: { required: candidates.reviewersRequired, assigned: current, named: unique.length },
    })
  const now = deps.clock.now()
  const at = now.toISOString()
  const dueAt = input.dueAt ? new Date(input.dueAt).toISOString() : defaultDueAt(now)
  await deps.db.transaction().execute(async (tx) => {
    const version = await findLatestVersion(tx, item.id)
    if (!version) throw new AppError('VERSION_NOT_FOUND', { message: `item ${itemId} has no version` })
    let roundId = reuse?.id
    let position = reuse ? (await listAssignments(tx, reuse.id)).length : 0
    if (!roundId) {
      roundId = deps.ids.next()
      await insertRound(tx, {
        id: roundId,
        itemId: item.id,
        versionId: version.id,
        anonymous: input.anonymous ?? false,
        createdBy: user.userId,
        createdAt: at,
      })
    }
    for (const reviewerId of unique) {
      position += 1
      const id = deps.ids.next()
      await insertAssignment(tx, {
        id,
        roundId,
        reviewerId,
        position,
        dueAt,
        assignedBy: user.userId,
        assignedAt: at,
      })
      await recordAudit(tx, deps, {
        actorId: user.userId,
        action: 'review.assigned',
        resourceType: 'content_item',
        resourceId: item.id,
        organisationId: item.organisationId,
        summary: { roundId, assignmentId: id, reviewerId, version: version.number, dueAt },
      })
      await notifyReviewerAssigned(tx, deps, {
        itemId: item.id,
        organisationId: item.organisationId,
        title: version.fields.title,
        authorName: item.authorName,
        anonymous: reuse ? reuse.anonymous : (input.anonymous ?? false),
        assignmentId: id,
        reviewerId,
        dueAt,
      })
    }
    if (item.state !== 'in_review')
      await applyItemTransition(tx, deps, item.id, 'start_review', user.userId, {
        versionId: version.id,
        version: version.number,
      })
  })
  const round = await requireRound(deps.db, item.id)
  return presentRound(deps, await findItem(deps.db, item.id).then((i) => i as ItemRow), round, {
    user,
    editor: true,
    author: false,
    assignment: null,
  })
}

// ── reading ──────────────────────────────────────────────────────────────────────────────

async function viewerOf(deps: ReviewDeps, l: Loaded, round: RoundRow): Promise<Viewer> {
  const mine = (await listAssignments(deps.db, round.id)).find((a) => a.reviewerId === l.user.userId) ?? null
  return { user: l.user, editor: l.editor, author: l.author, assignment: mine }
}

/**
 * The item's current review round as the caller may see it: editors everything, side by
 * side with the aggregated scores; an assigned reviewer their own review; the author the
 * decision, its message and (once decided) the reviews. Anonymous rounds label the author
 * and the reviewers for each other.
 */
export async function getReviewRound(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Round> {
  const l = await loadItem(deps, actor, slug, itemId)
  const round = await requireRound(deps.db, l.item.id)
  const viewer = await viewerOf(deps, l, round)
  if (!viewer.editor && !viewer.author && !viewer.assignment) throw forbid('see the review of this item')
  return presentRound(deps, l.item, round, viewer)
}

async function ownAssignment(deps: ReviewDeps, l: Loaded, round: RoundRow, assignmentId: string) {
  const a = (await listAssignments(deps.db, round.id)).find((x) => x.id === assignmentId)
  if (!a)
    throw new AppError('ASSIGNMENT_NOT_FOUND', { message: `no assignment ${assignmentId} in this review` })
  if (a.reviewerId !== l.user.userId) throw forbid("act on another reviewer's assignment")
  return a
}

/**
 * The reviewer's own submitted review in the item's newest earlier round on another version:
 * what they asked for last time, and the version they read (the diff starts there).
 */
async function previousReviewBy(
  db: Executor,
  itemId: string,
  current: RoundRow,
  reviewerId: string,
): Promise<ReviewVersion['previous']> {
  for (const round of await listRounds(db, itemId)) {
    if (round.id === current.id || round.versionNumber === current.versionNumber) continue
    const mine = (await listAssignments(db, round.id)).find(
      (a) => a.reviewerId === reviewerId && a.status === 'submitted',
    )
    if (mine)
      return {
        version: round.versionNumber,
        contentHash: round.contentHash,
        decision: round.decision,
        recommendation: mine.recommendation,
        comments: mine.comments,
      }
  }
  return null
}

/**
 * The version under review, for its assigned reviewers, with the overrides on it (and their
 * reasons) and, after a resubmission, the reviewer's own review of the earlier version.
 */
export async function getReviewVersion(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<ReviewVersion> {
  const l = await loadItem(deps, actor, slug, itemId)
  const round = await requireRound(deps.db, l.item.id)
  const viewer = await viewerOf(deps, l, round)
  const assignment = viewer.assignment && isActive(viewer.assignment) ? viewer.assignment : null
  if (!assignment) throw forbid('read this item: you are not one of its reviewers')
  const version = await findVersion(deps.db, l.item.id, round.versionNumber)
  if (!version) throw new AppError('VERSION_NOT_FOUND', { message: `no version ${round.versionNumber}` })
  const overrides = await listOverrides(deps.db, version.id, version.number)
  return {
    itemId: l.item.id,
    version: version.number,
    contentHash: version.contentHash,
    kind: version.kind,
    anonymous: round.anonymous,
    author: authorParty(l.item, round, viewer),
    fields: version.fields,
    overrides: overrides.map((o) => ({
      ruleId: o.ruleId,
      field: o.field,
      start: o.start,
      end: o.end,
      text: o.text,
      reason: o.reason,
    })),
    assignment: presentReview(assignment, round, viewer),
    previous: await previousReviewBy(deps.db, l.item.id, round, l.user.userId),
  }
}

/**
 * What changed between an earlier version and the version under review, for the round's
 * reviewers (from a version they were assigned to review) and editors (from any version).
 * In an anonymous round the versions' authors are left out for reviewers.
 */
export async function getReviewDiff(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  from: number,
): Promise<VersionDiff> {
  const l = await loadItem(deps, actor, slug, itemId)
  const round = await requireRound(deps.db, l.item.id)
  const viewer = await viewerOf(deps, l, round)
  const active = viewer.assignment && isActive(viewer.assignment)
  if (!viewer.editor && !active) throw forbid('read this item: you are not one of its reviewers')
  if (!viewer.editor) {
    const seen = new Set<number>()
    for (const r of await listRounds(deps.db, l.item.id))
      if ((await listAssignments(deps.db, r.id)).some((a) => a.reviewerId === l.user.userId))
        seen.add(r.versionNumber)
    if (!seen.has(from)) throw forbid(`compare with version ${from}: you were not asked to review it`)
  }
  const [a, b] = await Promise.all([
    findVersion(deps.db, l.item.id, from),
    findVersion(deps.db, l.item.id, round.versionNumber),
  ])
  if (!a || !b) throw new AppError('VERSION_NOT_FOUND', { message: `item ${itemId} has no version ${from}` })
  const hide = round.anonymous && !viewer.editor
  const summary = (v: typeof a) => ({
    number: v.number,
    contentHash: v.contentHash,
    createdAt: v.createdAt,
    createdBy: hide ? null : v.createdBy,
  })
  return {
    from: summary(a),
    to: summary(b),
    ...diffFields({ kind: a.kind, ...a.fields }, { kind: b.kind, ...b.fields }),
  }
}

// ── the reviewer's work ──────────────────────────────────────────────────────────────────

function closed(a: AssignmentRow, round: RoundRow): AppError | null {
  if (round.decision)
    return new AppError('REVIEW_CLOSED', { message: 'the editor has already decided this round' })
  if (a.status === 'submitted')
    return new AppError('REVIEW_CLOSED', { message: 'your review is already submitted' })
  if (a.status === 'declined') return new AppError('REVIEW_CLOSED', { message: 'you declined this review' })
  return null
}

async function loadOwn(deps: ReviewDeps, actor: Actor, slug: string, itemId: string, assignmentId: string) {
  const l = await loadItem(deps, actor, slug, itemId)
  const round = await requireRound(deps.db, l.item.id)
  const a = await ownAssignment(deps, l, round, assignmentId)
  const refusal = closed(a, round)
  if (refusal) throw refusal
  return { l, round, a }
}

async function afterUpdate(
  deps: ReviewDeps,
  l: Loaded,
  round: RoundRow,
  assignmentId: string,
): Promise<Review> {
  const a = (await listAssignments(deps.db, round.id)).find((x) => x.id === assignmentId) as AssignmentRow
  return presentReview(a, round, { user: l.user, editor: l.editor, author: l.author, assignment: a })
}

/** Saves the reviewer's work so far (editable until submitted). */
export async function saveReview(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  assignmentId: string,
  draft: ReviewDraft,
): Promise<Review> {
  const { l, round, a } = await loadOwn(deps, actor, slug, itemId, assignmentId)
  const scores: StoredScores = {
    rmetriq: { ...a.scores.rmetriq, ...draft.rmetriq },
    ...((draft.accuracy ?? a.scores.accuracy) ? { accuracy: draft.accuracy ?? a.scores.accuracy } : {}),
    ...((draft.utility ?? a.scores.utility) ? { utility: draft.utility ?? a.scores.utility } : {}),
  }
  await deps.db.transaction().execute(async (tx) => {
    const ok = await updateOpenAssignment(tx, a.id, {
      ...(draft.noConflict !== undefined ? { noConflict: draft.noConflict } : {}),
      scores,
      ...(draft.comments ? { comments: draft.comments } : {}),
      ...(draft.recommendation ? { recommendation: draft.recommendation } : {}),
      updatedAt: deps.clock.now().toISOString(),
    })
    if (!ok) throw new AppError('REVIEW_CLOSED', { message: 'this review can no longer be changed' })
    await recordAudit(tx, deps, {
      actorId: l.user.userId,
      action: 'review.saved',
      resourceType: 'content_item',
      resourceId: l.item.id,
      organisationId: l.item.organisationId,
      summary: { roundId: round.id, assignmentId: a.id },
    })
  })
  return afterUpdate(deps, l, round, a.id)
}

/** What a review still lacks before it can be submitted. */
export function missingFromReview(
  a: Pick<AssignmentRow, 'noConflict' | 'scores' | 'recommendation'>,
): string[] {
  const missing: string[] = []
  if (!a.noConflict) missing.push('noConflict')
  for (const i of rmetriqItems) if (a.scores.rmetriq[i.key] === undefined) missing.push(`rmetriq.${i.key}`)
  if (a.scores.accuracy === undefined) missing.push('accuracy')
  if (a.scores.utility === undefined) missing.push('utility')
  if (!a.recommendation) missing.push('recommendation')
  return missing
}

/** Submits the review, once: it needs the no-conflict declaration, every score and a recommendation. */
export async function submitReview(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  assignmentId: string,
): Promise<Review> {
  const { l, round, a } = await loadOwn(deps, actor, slug, itemId, assignmentId)
  const missing = missingFromReview(a)
  if (missing.length > 0)
    throw new AppError('REVIEW_INCOMPLETE', {
      message: `the review is missing: ${missing.join(', ')}`,
      details: missing.map((path) => ({ path, message: 'required before submission' })),
    })
  await deps.db.transaction().execute(async (tx) => {
    const at = deps.clock.now().toISOString()
    if (!(await updateOpenAssignment(tx, a.id, { status: 'submitted', submittedAt: at, updatedAt: at })))
      throw new AppError('REVIEW_CLOSED', { message: 'your review is already submitted' })
    await recordAudit(tx, deps, {
      actorId: l.user.userId,
      action: 'review.submitted',
      resourceType: 'content_item',
      resourceId: l.item.id,
      organisationId: l.item.organisationId,
      summary: {
        roundId: round.id,
        assignmentId: a.id,
        rmetriqTotal: rmetriqTotal(a.scores),
        accuracy: a.scores.accuracy ?? null,
        utility: a.scores.utility ?? null,
        recommendation: a.recommendation,
      },
    })
  })
  return afterUpdate(deps, l, round, a.id)
}

/** The reviewer declines (with a reason the editor sees); the editor then assigns someone else. */
export async function declineAssignment(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  assignmentId: string,
  reason: string,
): Promise<Review> {
  const { l, round, a } = await loadOwn(deps, actor, slug, itemId, assignmentId)
  await deps.db.transaction().execute(async (tx) => {
    const at = deps.clock.now().toISOString()
    if (!(await updateOpenAssignment(tx, a.id, { status: 'declined', declineReason: reason, updatedAt: at })))
      throw new AppError('REVIEW_CLOSED', { message: 'this review can no longer be declined' })
    await recordAudit(tx, deps, {
      actorId: l.user.userId,
      action: 'review.declined',
      resourceType: 'content_item',
      resourceId: l.item.id,
      organisationId: l.item.organisationId,
      summary: { roundId: round.id, assignmentId: a.id },
    })
  })
  return afterUpdate(deps, l, round, a.id)
}

// ── decision and approval ────────────────────────────────────────────────────────────────

const decisionEvent = { accept: 'approve', revise: 'request_changes', reject: 'reject' } as const

/**
 * The editor's decision on the open round, with a message to the author: accept approves the
 * reviewed version (an approval bound to its content hash, expiring after the organisation's
 * `approvalExpiryMonths`); revise asks for changes; reject ends the item. Every active
 * reviewer must have submitted, and at least `reviewersRequired` reviews must be in.
 */
export async function decideReview(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  input: { decision: Decision; message: string },
): Promise<Round> {
  const l = await loadItem(deps, actor, slug, itemId)
  requireEditor(l)
  const { item, user } = l
  const round = await requireRound(deps.db, item.id)
  if (round.decision) throw new AppError('REVIEW_CLOSED', { message: 'this round is already decided' })
  const active = (await listAssignments(deps.db, round.id)).filter(isActive)
  const submitted = active.filter((a) => a.status === 'submitted').length
  const settings = await findOrganisationSettings(deps.db, item.organisationId)
  if (submitted < active.length || submitted < settings.reviewersRequired)
    throw new AppError('REVIEWS_PENDING', {
      message: `${submitted} of ${Math.max(active.length, settings.reviewersRequired)} reviews are in`,
      details: { submitted, required: settings.reviewersRequired, active: active.length },
    })
  const now = deps.clock.now()
  const at = now.toISOString()
  await deps.db.transaction().execute(async (tx) => {
    if (!(await decideRound(tx, round.id, { ...input, decidedBy: user.userId, decidedAt: at })))
      throw new AppError('REVIEW_CLOSED', { message: 'this round is already decided' })
    await applyItemTransition(tx, deps, item.id, decisionEvent[input.decision], user.userId, {
      versionId: round.versionId,
      version: round.versionNumber,
    })
    let approvalId: string | null = null
    if (input.decision === 'accept') {
      approvalId = deps.ids.next()
      await insertApproval(tx, {
        id: approvalId,
        itemId: item.id,
        versionId: round.versionId,
        roundId: round.id,
        contentHash: round.contentHash,
        approvedBy: user.userId,
        approvedAt: at,
        expiresAt: addMonthsClamped(now, settings.approvalExpiryMonths).toISOString(),
      })
    }
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'review.decided',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: {
        roundId: round.id,
        decision: input.decision,
        version: round.versionNumber,
        contentHash: round.contentHash,
        approvalId,
      },
    })
    await notifyReviewDecided(tx, deps, {
      itemId: item.id,
      organisationId: item.organisationId,
      authorId: item.authorId,
      title: item.fields.title,
      roundId: round.id,
      decision: input.decision,
      message: input.message,
      editorId: user.userId,
    })
  })
  return presentRound(
    deps,
    (await findItem(deps.db, item.id)) as ItemRow,
    await requireRound(deps.db, item.id),
    {
      user,
      editor: true,
      author: false,
      assignment: null,
    },
  )
}

/** The item's approvals, newest first: who approved which content hash, when, and whether it still holds (author, editors). */
export async function listItemApprovals(
  deps: ReviewDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Approval[]> {
  const l = await loadItem(deps, actor, slug, itemId)
  if (!l.editor && !l.author) throw forbid("see this item's approvals")
  return (await listApprovals(deps.db, l.item.id)).map(presentApproval)
}

const stillApproved: ItemState[] = ['approved', 'scheduled', 'published', 'corrected']

/**
 * Expires the item's approval if its period has passed, and puts the item back to review
 * (expire, then start_review). Returns whether anything changed.
 */
async function expireItemIfDue(
  deps: ReviewDeps,
  item: Pick<ItemRow, 'id' | 'organisationId'>,
): Promise<boolean> {
  const at = deps.clock.now().toISOString()
  if ((await listDueApprovals(deps.db, at, item.id)).length === 0) return false
  return deps.db.transaction().execute(async (tx) => {
    const due = await listDueApprovals(tx, at, item.id)
    if (due.length === 0) return false
    await endActiveApprovals(tx, item.id, 'expired', at)
    for (const a of due)
      await recordAudit(tx, deps, {
        actorId: null,
        action: 'review.approval_expired',
        resourceType: 'content_item',
        resourceId: item.id,
        organisationId: item.organisationId,
        summary: { approvalId: a.id, contentHash: a.contentHash, expiresAt: a.expiresAt },
      })
    const fresh = await findItem(tx, item.id)
    if (fresh && stillApproved.includes(fresh.state)) {
      await applyItemTransition(tx, deps, item.id, 'expire', null, { reason: 'approval expired' })
      await applyItemTransition(tx, deps, item.id, 'start_review', null, { reason: 'approval expired' })
    }
    return true
  })
}

/** Expires every approval past its period (the sweep a scheduled job runs). Returns how many items changed. */
export async function expireApprovals(deps: ReviewDeps): Promise<number> {
  const due = await listDueApprovals(deps.db, deps.clock.now().toISOString())
  let n = 0
  const seen = new Set<string>()
  for (const a of due) {
    if (seen.has(a.itemId)) continue
    seen.add(a.itemId)
    const item = await findItem(deps.db, a.itemId)
    if (item && (await expireItemIfDue(deps, item))) n += 1
  }
  return n
}

/** The signed-in reviewer's assignments in an organisation, open ones first. */
export async function listMyAssignments(deps: ReviewDeps, actor: Actor, slug: string) {
  const org = await resolveOrganisation(deps, actor, slug, 'review.perform')
  const reviewerId = actor.kind === 'user' ? actor.userId : ''
  const now = deps.clock.now().toISOString()
  const rows = await listAssignmentsForReviewer(deps.db, reviewerId, org.id)
  return {
    assignments: rows.map((a) => ({ ...a, overdue: a.status === 'assigned' && !a.decided && a.dueAt < now })),
  }
}
