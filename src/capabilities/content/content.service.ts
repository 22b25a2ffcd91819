import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { findIdentity, findUserById } from '#src/capabilities/accounts/accounts.repository.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { mediaFindingsForItem, withMediaFindings } from '#src/capabilities/media/media.findings.ts'
import { endActiveApprovals } from '#src/capabilities/review/review.repository.ts'
import { openRevisionRound } from '#src/capabilities/review/review.rounds.ts'
import { screen } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, Report, ScreenInput } from '#src/capabilities/screening/screening.schema.ts'
import { currentPolicy } from '#src/capabilities/screening/screening.service.ts'
import {
  findCurrentAttestation,
  listRelevantRelationships,
} from '#src/capabilities/standards/disclosure.repository.ts'
import { relevanceWindowStart } from '#src/capabilities/standards/disclosure.window.ts'
import { assertReadyToSubmit } from '#src/capabilities/standards/gate.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { diffFields } from './content.diff.ts'
import { contentHash } from './content.hash.ts'
import {
  findItem,
  findLatestScreening,
  findLatestVersion,
  findVersion,
  type ItemRow,
  insertItem,
  insertOverride,
  insertScreening,
  insertSeries,
  insertTransition,
  insertVersion,
  listBlockedLatestScreenings,
  listItems,
  listOverrides,
  listSeries,
  listVersions,
  updateItemFields,
  updateItemState,
  type VersionRow,
} from './content.repository.ts'
import {
  type Item,
  type ItemCreate,
  type ItemFields,
  type ItemListEntry,
  type ItemState,
  type ItemUpdate,
  itemCreateSchema,
  itemFieldsSchema,
  itemUpdateSchema,
  type Override,
  type OverrideCreate,
  type ScreeningRecord,
  type Series,
  type Version,
  type VersionDiff,
} from './content.schema.ts'
import { type ItemEvent, isEditable, nextState } from './content.state.ts'

export type ContentDeps = AccountsDeps
type UserActor = Extract<Actor, { kind: 'user' }>
type Org = { id: string; slug: string }

function signedIn(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  return actor
}

function illegal(state: ItemState, event: ItemEvent): AppError {
  return new AppError('ILLEGAL_TRANSITION', {
    message: `cannot ${event.replace('_', ' ')} an item that is ${state.replace('_', ' ')}`,
    details: { state, event },
  })
}

/**
 * Loads an item the actor may act on. Outsiders never learn the organisation exists
 * (ORGANISATION_NOT_FOUND under a slug, ITEM_NOT_FOUND by bare id); members without access
 * are refused (FORBIDDEN). 'read': the item's author or an editor (reviewers of assigned
 * items come with peer review); 'author': the item's author while they may create content;
 * 'editor': review.manage in the item's organisation.
 */
async function loadItem(
  deps: ContentDeps,
  actor: Actor,
  slug: string | null,
  itemId: string,
  access: 'read' | 'author' | 'editor',
): Promise<{ user: UserActor; item: ItemRow; org: Org }> {
  const user = signedIn(actor)
  const org = slug ? await resolveOrganisation(deps, actor, slug, 'screening.use') : null
  const item = await findItem(deps.db, itemId)
  const member = item && user.memberships.some((m) => m.organisationId === item.organisationId)
  if (!item || !member || (org && org.id !== item.organisationId))
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
  const resource = { organisationId: item.organisationId }
  const isAuthor = item.authorId === user.userId
  const editor = can(user, 'review.manage', resource)
  const allowed =
    access === 'read'
      ? isAuthor || editor
      : access === 'author'
        ? isAuthor && can(user, 'content.create', resource)
        : editor
  if (!allowed) {
    const what = { read: 'read this item', author: "act on another author's item", editor: 'manage review' }
    throw new AppError('FORBIDDEN', { message: `you may not ${what[access]}` })
  }
  return { user, item, org: { id: item.organisationId, slug: item.organisationSlug } }
}

/** Fills in what the server owns: consent record ids. */
function withIds(deps: ContentDeps, fields: ReturnType<typeof itemFieldsSchema.parse>): ItemFields {
  return { ...fields, consents: fields.consents.map((c) => ({ ...c, id: c.id ?? deps.ids.next() })) }
}

async function assertSeries(db: Executor, organisationId: string, seriesId: string | null): Promise<void> {
  if (seriesId && (await listSeries(db, organisationId, seriesId)).length === 0)
    throw new AppError('SERIES_NOT_FOUND', { message: `no series ${seriesId} in this organisation` })
}

async function present(db: Executor, item: ItemRow): Promise<Item> {
  const latest = await findLatestVersion(db, item.id)
  return {
    id: item.id,
    organisation: { id: item.organisationId, slug: item.organisationSlug },
    kind: item.kind,
    state: item.state,
    seriesId: item.seriesId,
    author: { id: item.authorId, name: item.authorName },
    fields: item.fields,
    contentHash: item.contentHash,
    latestVersion: latest ? summary(latest) : null,
    overrides: latest ? await listOverrides(db, latest.id, latest.number) : [],
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  }
}

const summary = (v: VersionRow) => ({
  number: v.number,
  contentHash: v.contentHash,
  createdAt: v.createdAt,
  createdBy: v.createdBy,
})

async function requireItem(db: Executor, id: string): Promise<ItemRow> {
  const item = await findItem(db, id)
  if (!item) throw new AppError('ITEM_NOT_FOUND', { message: `no item ${id}` })
  return item
}

/** Appends a version of the item's working copy unless the latest version already has its hash. */
async function ensureVersion(
  tx: Executor,
  deps: ContentDeps,
  item: ItemRow,
  actorId: string | null,
): Promise<VersionRow> {
  const latest = await findLatestVersion(tx, item.id)
  if (latest && latest.contentHash === item.contentHash) return latest
  const number = (latest?.number ?? 0) + 1
  const id = deps.ids.next()
  const createdAt = deps.clock.now().toISOString()
  await insertVersion(tx, {
    id,
    itemId: item.id,
    number,
    kind: item.kind,
    fields: item.fields,
    contentHash: item.contentHash,
    createdBy: actorId,
    createdAt,
  })
  await recordAudit(tx, deps, {
    actorId,
    action: 'content.version_created',
    resourceType: 'content_item',
    resourceId: item.id,
    organisationId: item.organisationId,
    summary: { version: number, contentHash: item.contentHash },
  })
  return (await findVersion(tx, item.id, number)) as VersionRow
}

async function transition(
  tx: Executor,
  deps: ContentDeps,
  item: ItemRow,
  event: ItemEvent,
  actorId: string | null,
  extra: { versionId?: string | null; version?: number | null; reason?: string } = {},
): Promise<ItemState> {
  const to = nextState(item.state, event)
  if (!to) throw illegal(item.state, event)
  const at = deps.clock.now().toISOString()
  if (!(await updateItemState(tx, item.id, item.state, to, at))) {
    const now = await requireItem(tx, item.id)
    throw illegal(now.state, event)
  }
  await insertTransition(tx, {
    id: deps.ids.next(),
    itemId: item.id,
    event,
    from: item.state,
    to,
    versionId: extra.versionId ?? null,
    reason: extra.reason ?? '',
    actorId,
    occurredAt: at,
  })
  await recordAudit(tx, deps, {
    actorId,
    action: `content.${event}`,
    resourceType: 'content_item',
    resourceId: item.id,
    organisationId: item.organisationId,
    summary: { from: item.state, to, event, version: extra.version ?? null },
  })
  // An approval binds to the content it approved: an edit or a withdrawal ends it for good.
  if (event === 'edit' || event === 'withdraw')
    for (const approvalId of await endActiveApprovals(tx, item.id, 'void', at))
      await recordAudit(tx, deps, {
        actorId,
        action: 'review.approval_voided',
        resourceType: 'content_item',
        resourceId: item.id,
        organisationId: item.organisationId,
        summary: { approvalId, event },
      })
  return to
}

/**
 * Applies a workflow event to an item inside the caller's transaction, with its timeline
 * entry and audit record (peer review's assignment, decision and expiry go through here).
 * Refuses with ILLEGAL_TRANSITION when the event is not legal in the item's state.
 */
export async function applyItemTransition(
  tx: Executor,
  deps: ContentDeps,
  itemId: string,
  event: ItemEvent,
  actorId: string | null,
  extra: { versionId?: string | null; version?: number | null; reason?: string } = {},
): Promise<ItemState> {
  return transition(tx, deps, await requireItem(tx, itemId), event, actorId, extra)
}

// ── series ───────────────────────────────────────────────────────────────────────────────

/** Series in the organisation (any member). */
export async function listSeriesFor(deps: ContentDeps, actor: Actor, slug: string): Promise<Series[]> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  return listSeries(deps.db, org.id)
}

/** Creates a series (authors and editors). */
export async function createSeries(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  input: { title: string; description: string },
): Promise<Series> {
  const user = signedIn(actor)
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const resource = { organisationId: org.id }
  if (!can(user, 'content.create', resource) && !can(user, 'review.manage', resource))
    throw new AppError('FORBIDDEN', { message: 'you may not create a series here' })
  const id = deps.ids.next()
  await deps.db.transaction().execute(async (tx) => {
    await insertSeries(tx, {
      id,
      organisationId: org.id,
      title: input.title,
      description: input.description,
      createdBy: user.userId,
      createdAt: deps.clock.now().toISOString(),
    })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'content.series_created',
      resourceType: 'content_series',
      resourceId: id,
      organisationId: org.id,
      summary: {},
    })
  })
  return (await listSeries(deps.db, org.id, id))[0] as Series
}

// ── items ────────────────────────────────────────────────────────────────────────────────

/** Creates a draft owned by the actor (content.create). */
export async function createItem(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  input: ItemCreate,
): Promise<Item> {
  const org = await resolveOrganisation(deps, actor, slug, 'content.create')
  const user = signedIn(actor)
  const parsed = itemCreateSchema.parse(input)
  const { kind, seriesId, ...rest } = parsed
  await assertSeries(deps.db, org.id, seriesId)
  const fields = withIds(deps, rest)
  const id = deps.ids.next()
  const hash = contentHash(kind, fields)
  await deps.db.transaction().execute(async (tx) => {
    await insertItem(tx, {
      id,
      organisationId: org.id,
      authorId: user.userId,
      seriesId,
      kind,
      state: 'draft',
      fields,
      contentHash: hash,
      createdAt: deps.clock.now().toISOString(),
    })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'content.created',
      resourceType: 'content_item',
      resourceId: id,
      organisationId: org.id,
      summary: { kind, state: 'draft', contentHash: hash },
    })
  })
  return present(deps.db, await requireItem(deps.db, id))
}

/** Items the actor may read: every item for editors, their own for everyone else. */
export async function listItemsFor(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  filter: { state?: ItemState } = {},
): Promise<ItemListEntry[]> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const user = signedIn(actor)
  const all = can(user, 'review.manage', { organisationId: org.id })
  const rows = await listItems(deps.db, org.id, { ...filter, ...(all ? {} : { authorId: user.userId }) })
  const blocking = await blockedCounts(
    deps.db,
    rows.filter((r) => r.state === 'draft' || r.state === 'changes_requested').map((r) => r.id),
  )
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    state: r.state,
    seriesId: r.seriesId,
    author: { id: r.authorId, name: r.authorName },
    title: r.fields.title,
    blocking: blocking.get(r.id) ?? 0,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }))
}

/** Unresolved blocking findings on each item's latest version, for items screening stopped. */
async function blockedCounts(db: Executor, itemIds: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>()
  for (const [itemId, s] of await listBlockedLatestScreenings(db, itemIds)) {
    const n = unresolvedFindings(s.report, await listOverrides(db, s.versionId, s.versionNumber)).length
    if (n > 0) counts.set(itemId, n)
  }
  return counts
}

/** One item with its state, working copy, latest version and that version's overrides. */
export async function getItem(
  deps: ContentDeps,
  actor: Actor,
  slug: string | null,
  itemId: string,
): Promise<Item> {
  const { item } = await loadItem(deps, actor, slug, itemId, 'read')
  return present(deps.db, item)
}

/** The CLI operator's view (`rounds item show` without --as): whoever can read the database. */
export async function getItemAsOperator(deps: ContentDeps, itemId: string): Promise<Item> {
  return present(deps.db, await requireItem(deps.db, itemId))
}

/**
 * Saves the author's changes. A draft's working copy is simply updated; once the item has
 * been through submission, each save that changes the content also appends an immutable
 * version. Editing an approved or scheduled item voids the approval (→ changes_requested).
 */
export async function updateItem(
  deps: ContentDeps,
  actor: Actor,
  slug: string | null,
  itemId: string,
  patch: ItemUpdate,
): Promise<Item> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'author')
  if (!isEditable(item.state)) throw illegal(item.state, 'edit')
  const parsed = itemUpdateSchema.parse(patch)
  const { seriesId: nextSeries, ...changes } = parsed
  const seriesId = nextSeries === undefined ? item.seriesId : nextSeries
  await assertSeries(deps.db, item.organisationId, seriesId)
  const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined))
  const fields = withIds(deps, itemFieldsSchema.parse({ ...item.fields, ...defined }))
  const hash = contentHash(item.kind, fields)
  await deps.db.transaction().execute(async (tx) => {
    const fresh = await requireItem(tx, item.id)
    if (fresh.state !== item.state) throw illegal(fresh.state, 'edit')
    await updateItemFields(tx, item.id, {
      fields,
      contentHash: hash,
      seriesId,
      updatedAt: deps.clock.now().toISOString(),
    })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'content.updated',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: {
        state: item.state,
        before: item.contentHash,
        after: hash,
        fields: Object.keys(defined).sort(),
      },
    })
    if (item.state === 'draft' || hash === item.contentHash) return
    const saved = { ...fresh, fields, contentHash: hash }
    const version = await ensureVersion(tx, deps, saved, user.userId)
    if (item.state !== 'changes_requested')
      await transition(tx, deps, saved, 'edit', user.userId, {
        versionId: version.id,
        version: version.number,
      })
  })
  return present(deps.db, await requireItem(deps.db, item.id))
}

// ── versions ─────────────────────────────────────────────────────────────────────────────

export async function listItemVersions(deps: ContentDeps, actor: Actor, slug: string, itemId: string) {
  const { item } = await loadItem(deps, actor, slug, itemId, 'read')
  return (await listVersions(deps.db, item.id)).map(summary)
}

async function screeningRecord(db: Executor, version: VersionRow, overrides: Override[]) {
  const s = await findLatestScreening(db, version.id)
  return s
    ? { screenedAt: s.screenedAt, report: s.report, unresolved: unresolvedFindings(s.report, overrides) }
    : null
}

/** One version with its newest screening report and the editors' overrides on it. */
export async function getItemVersion(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  number: number,
): Promise<Version> {
  const { item } = await loadItem(deps, actor, slug, itemId, 'read')
  const v = await findVersion(deps.db, item.id, number)
  if (!v) throw new AppError('VERSION_NOT_FOUND', { message: `item ${itemId} has no version ${number}` })
  const overrides = await listOverrides(deps.db, v.id, v.number)
  return {
    ...summary(v),
    kind: v.kind,
    fields: v.fields,
    screening: await screeningRecord(deps.db, v, overrides),
    overrides,
  }
}

/** What changed from one version to another (for reviewers). */
export async function diffItemVersions(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  from: number,
  to: number,
): Promise<VersionDiff> {
  const { item } = await loadItem(deps, actor, slug, itemId, 'read')
  const [a, b] = await Promise.all([findVersion(deps.db, item.id, from), findVersion(deps.db, item.id, to)])
  if (!a || !b)
    throw new AppError('VERSION_NOT_FOUND', { message: `item ${itemId} has no version ${a ? to : from}` })
  const d = diffFields({ kind: a.kind, ...a.fields }, { kind: b.kind, ...b.fields })
  return { from: summary(a), to: summary(b), ...d }
}

// ── the gate ─────────────────────────────────────────────────────────────────────────────

/** Whether an override names this finding (rule, field, span and text on the same version). */
const overrides_ = (o: Override, f: Finding) =>
  o.ruleId === f.ruleId && o.field === f.field && o.start === f.start && o.end === f.end && o.text === f.text

/** Blocking findings that no override on the version resolves. */
export function unresolvedFindings(report: Report, overrides: readonly Override[]): Finding[] {
  return report.findings.filter((f) => f.severity === 'block' && !overrides.some((o) => overrides_(o, f)))
}

type AuthorContext = {
  displayName: string
  profession: string | null
  disclosures: Array<{ company: string; nature?: string }>
  attested: boolean
}

async function authorContext(db: Executor, userId: string, now: Date): Promise<AuthorContext> {
  const [identity, user, relationships, attestation] = await Promise.all([
    findIdentity(db, userId),
    findUserById(db, userId),
    listRelevantRelationships(db, [userId], relevanceWindowStart(now)),
    findCurrentAttestation(db, userId, now),
  ])
  const disclosures: AuthorContext['disclosures'] = []
  for (const r of relationships) {
    disclosures.push({ company: r.company.name, nature: r.nature })
    if (r.company.parent && r.company.parent !== r.company.name)
      disclosures.push({ company: r.company.parent, nature: r.nature })
  }
  return {
    displayName: (identity?.displayName ?? user?.name ?? '').trim(),
    profession: identity?.profession ?? null,
    disclosures,
    attested: attestation !== null,
  }
}

/**
 * The screening input for an item. A thread's parts follow the body, separated by blank
 * lines, so finding offsets in `body` point into that composed text. The disclosure statement
 * is attached to every published item automatically from the author's register, so it counts
 * as shown whenever the author holds a current attestation (which the gate requires).
 */
export function toScreenInput(kind: string, fields: ItemFields, author: AuthorContext): ScreenInput {
  return {
    title: fields.title,
    body: [fields.body, ...fields.parts].filter((t) => t.trim() !== '').join('\n\n'),
    captions: fields.captions,
    hashtags: fields.hashtags,
    references: fields.references.map((r) => ({
      marker: r.marker,
      value: r.value,
      ...(r.title ? { title: r.title } : {}),
    })),
    voice: fields.voice,
    author: { displayName: author.displayName, profession: author.profession, aliases: [] },
    disclosures: author.disclosures,
    disclosureShown: author.attested,
    channels: fields.channels,
    media: fields.media.map((m) => ({
      kind: m.kind,
      ...(m.altText !== undefined ? { altText: m.altText } : {}),
      ...(m.kind === 'video' || kind === 'video' ? { hasCaptions: fields.captions.trim() !== '' } : {}),
    })),
    language: 'auto',
    // The quiz is published on the item's public page, so its text is screened like the body.
    quiz: quizScreenInput(fields.quiz),
  }
}

/** The published text of an item's quiz, as the screening engine reads it. */
export function quizScreenInput(quiz: ItemFields['quiz'] | undefined): NonNullable<ScreenInput['quiz']> {
  return (quiz?.questions ?? []).map((q) => ({
    id: q.id,
    prompt: q.prompt,
    options: q.options.map((o) => ({ id: o.id, text: o.text })),
    explanation: q.explanation,
    objective: q.objective,
  }))
}

function blockedError(unresolved: Finding[], version: number): AppError {
  const names = unresolved.map((f) => `"${f.text}" (${f.ruleId})`).join(', ')
  return new AppError('SCREENING_BLOCKED', {
    message: `screening of version ${version} found ${unresolved.length} blocking finding(s): ${names}. Fix them, or ask an editor to override one with a reason.`,
    details: unresolved.map((f) => ({
      ruleId: f.ruleId,
      category: f.category,
      field: f.field,
      start: f.start,
      end: f.end,
      text: f.text,
      message: f.message,
      ...(f.suggestion !== undefined ? { suggestion: f.suggestion } : {}),
      ...(f.quiz !== undefined ? { quiz: f.quiz } : {}),
    })),
  })
}

/**
 * Submits the item for review: only its author; first the professional-standards gate,
 * then the exact version is screened under the organisation's policy and the report stored
 * with it. Unresolved blocking findings refuse with SCREENING_BLOCKED (the version and its
 * report are kept; the item stays as it was). A resubmission after changes were requested
 * opens a new round with the previous round's reviewers (see openRevisionRound) and, when
 * they are all still eligible, puts the item straight back in review.
 */
export async function submitItem(
  deps: ContentDeps,
  actor: Actor,
  slug: string | null,
  itemId: string,
): Promise<{ item: Item; screening: ScreeningRecord }> {
  const { user, item, org } = await loadItem(deps, actor, slug, itemId, 'author')
  const event: ItemEvent = item.state === 'changes_requested' ? 'resubmit' : 'submit'
  if (!nextState(item.state, event)) throw illegal(item.state, event)
  const now = deps.clock.now()
  await assertReadyToSubmit(deps.db, user.userId, org, now)
  const [policy, author] = await Promise.all([
    currentPolicy(deps, org),
    authorContext(deps.db, user.userId, now),
  ])
  const outcome = await deps.db.transaction().execute(async (tx) => {
    const fresh = await requireItem(tx, item.id)
    if (fresh.state !== item.state) throw illegal(fresh.state, event)
    const version = await ensureVersion(tx, deps, fresh, user.userId)
    // Text findings, then what screening found in the item's uploaded files (media.findings.ts).
    const report = withMediaFindings(
      screen(toScreenInput(fresh.kind, version.fields, author), policy),
      await mediaFindingsForItem(tx, fresh.id, version.fields),
    )
    const overrides = await listOverrides(tx, version.id, version.number)
    const unresolved = unresolvedFindings(report, overrides)
    const screenedAt = now.toISOString()
    await insertScreening(tx, {
      id: deps.ids.next(),
      versionId: version.id,
      report,
      blocking: unresolved.length,
      screenedBy: user.userId,
      screenedAt,
    })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'content.screened',
      resourceType: 'content_item',
      resourceId: fresh.id,
      organisationId: fresh.organisationId,
      summary: {
        version: version.number,
        engineVersion: report.engineVersion,
        policyVersion: report.policyVersion,
        counts: report.counts,
        overridden: report.counts.block - unresolved.length,
        unresolved: unresolved.length,
      },
    })
    const record: ScreeningRecord = { screenedAt, report, unresolved }
    if (unresolved.length > 0) return { blocked: true as const, version, record }
    const at = { versionId: version.id, version: version.number }
    const state = await transition(tx, deps, fresh, event, user.userId, at)
    // A resubmission goes back to the reviewers of the last round; once they are all there
    // the item is in review again without waiting for an editor.
    if (event === 'resubmit') {
      const round = await openRevisionRound(tx, deps, fresh, version)
      if (round?.complete)
        await transition(tx, deps, { ...fresh, state }, 'start_review', null, {
          ...at,
          reason: 'resubmitted: back to the same reviewers',
        })
    }
    return { blocked: false as const, version, record }
  })
  if (outcome.blocked) throw blockedError(outcome.record.unresolved, outcome.version.number)
  return { item: await present(deps.db, await requireItem(deps.db, item.id)), screening: outcome.record }
}

/**
 * An editor's written decision that one blocking finding on one version does not block it
 * (e.g. "consent on file"). Audited with the finding's rule and span, never its text or the
 * reason (they may name the patient); shown with the item and the version.
 */
export async function overrideFinding(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  number: number,
  input: OverrideCreate,
): Promise<Override> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'editor')
  const version = await findVersion(deps.db, item.id, number)
  if (!version)
    throw new AppError('VERSION_NOT_FOUND', { message: `item ${itemId} has no version ${number}` })
  const screening = await findLatestScreening(deps.db, version.id)
  const finding = screening?.report.findings.find(
    (f) =>
      f.severity === 'block' &&
      f.ruleId === input.ruleId &&
      f.field === input.field &&
      f.start === input.start &&
      f.end === input.end &&
      f.text === input.text,
  )
  if (!finding)
    throw new AppError('FINDING_NOT_FOUND', {
      message: `version ${number} has no blocking ${input.ruleId} finding at ${input.field} ${input.start}–${input.end} with that text`,
    })
  const id = deps.ids.next()
  await deps.db.transaction().execute(async (tx) => {
    const existing = await listOverrides(tx, version.id, version.number)
    if (existing.some((o) => overrides_(o, finding)))
      throw new AppError('CONFLICT', { message: 'that finding is already overridden on this version' })
    await insertOverride(tx, {
      id,
      versionId: version.id,
      ruleId: input.ruleId,
      field: input.field,
      start: input.start,
      end: input.end,
      text: input.text,
      reason: input.reason,
      createdBy: user.userId,
      createdAt: deps.clock.now().toISOString(),
    })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'content.finding_overridden',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: {
        version: number,
        ruleId: input.ruleId,
        field: input.field,
        start: input.start,
        end: input.end,
      },
    })
  })
  const all = await listOverrides(deps.db, version.id, version.number)
  return all.find((o) => o.id === id) as Override
}

/**
 * Withdraws an item: its author while it is not yet approved, or an editor in any state
 * that allows it. The reason is kept on the item's timeline (not in the audit summary).
 */
export async function withdrawItem(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  reason: string,
): Promise<Item> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'read')
  const resource = { organisationId: item.organisationId }
  const early: ItemState[] = ['draft', 'submitted', 'in_review', 'changes_requested']
  const allowed =
    can(user, 'review.manage', resource) ||
    (item.authorId === user.userId && can(user, 'content.create', resource) && early.includes(item.state))
  if (!allowed) throw new AppError('FORBIDDEN', { message: 'you may not withdraw this item' })
  if (!nextState(item.state, 'withdraw')) throw illegal(item.state, 'withdraw')
  // Posts already on channels must come down with the item: publishing's withdrawal does both.
  const live = await deps.db
    .selectFrom('publication')
    .select('id')
    .where('item_id', '=', item.id)
    .where('status', 'not in', ['cancelled', 'withdrawn'])
    .executeTakeFirst()
  if (live)
    throw new AppError('CONFLICT', {
      message:
        'This item is scheduled or published on channels: withdraw it everywhere from its Publishing panel (POST …/publishing/withdraw), which also removes the posts.',
    })
  await deps.db.transaction().execute(async (tx) => {
    const latest = await findLatestVersion(tx, item.id)
    await transition(tx, deps, item, 'withdraw', user.userId, {
      versionId: latest?.id ?? null,
      version: latest?.number ?? null,
      reason,
    })
  })
  return present(deps.db, await requireItem(deps.db, item.id))
}
