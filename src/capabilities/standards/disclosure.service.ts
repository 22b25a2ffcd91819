import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import {
  findIdentity,
  findMemberRoles,
  findUserByEmail,
  findUserById,
  listMembers,
} from '#src/capabilities/accounts/accounts.repository.ts'
import {
  type AccountsDeps,
  authorize,
  resolveOrganisation,
} from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { ensureCompanyList, resolveCompany } from './companies.service.ts'
import {
  attestationStatus,
  countDroppedOut,
  type DeclaredConflictRow,
  findCurrentAttestation,
  findLatestAttestations,
  findRelationship,
  insertAttestation,
  insertDeclaredConflict,
  insertMitigation,
  insertRelationship,
  listDeclaredConflicts,
  listMitigations,
  listRelevantRelationships,
  markRelationshipRemoved,
  type RelationshipRow,
  type RelationshipValues,
  supersedeAttestations,
  updateRelationshipValues,
  withdrawDeclaredConflict,
} from './disclosure.repository.ts'
import type {
  Attestation,
  AttestationKind,
  AttestationStatus,
  DeclaredConflictCreate,
  DeclaredConflictView,
  MemberDisclosure,
  Mitigation,
  MyDisclosures,
  OrganisationAuthor,
  Relationship,
  RelationshipCreate,
  RelationshipUpdate,
} from './disclosure.schema.ts'
import { conflictCategorySchema } from './disclosure.schema.ts'
import { disclosureStatement } from './disclosure.statement.ts'
import { attestationExpiry, isoDateOf, isRelevant, relevanceWindowStart } from './disclosure.window.ts'

type UserActor = Extract<Actor, { kind: 'user' }>

/** The signed-in user acting on their own register. */
function self(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  authorize(actor, 'profile.update', { userId: actor.userId })
  return actor
}

function withMitigations(
  rows: readonly RelationshipRow[],
  mitigations: Map<string, Mitigation[]>,
): Relationship[] {
  return rows.map(({ userId: _userId, ...r }) => ({ ...r, mitigations: mitigations.get(r.id) ?? [] }))
}

function publicAttestation(a: {
  id: string
  kind: AttestationKind
  attestedAt: string
  expiresAt: string
}): Attestation {
  return { id: a.id, kind: a.kind, attestedAt: a.attestedAt, expiresAt: a.expiresAt }
}

/** The name a statement opens with: the professional display name, else the account name. */
async function statementName(db: Executor, userId: string): Promise<string> {
  const identity = await findIdentity(db, userId)
  if (identity?.displayName) return identity.displayName
  return (await findUserById(db, userId))?.name ?? ''
}

function statementFor(name: string, rows: readonly RelationshipRow[]): string {
  return disclosureStatement(
    name,
    rows.map((r) => ({
      company: r.company.name,
      nature: r.nature,
      natureDetail: r.natureDetail,
      startDate: r.startDate,
      endDate: r.endDate,
    })),
  )
}

/** Your register: relationships in the past 24 months (with any mitigations), the latest attestation and the statement. */
export async function getMyDisclosures(deps: AccountsDeps, actor: Actor): Promise<MyDisclosures> {
  const { userId } = self(actor)
  const now = deps.clock.now()
  const windowStart = relevanceWindowStart(now)
  const rows = await listRelevantRelationships(deps.db, [userId], windowStart)
  const mitigations = await listMitigations(
    deps.db,
    rows.map((r) => r.id),
  )
  const latest = (await findLatestAttestations(deps.db, [userId])).get(userId) ?? null
  return {
    status: attestationStatus(latest, now),
    attestation: latest ? publicAttestation(latest) : null,
    relationships: withMitigations(rows, mitigations),
    droppedOutCount: (await countDroppedOut(deps.db, [userId], windowStart)).get(userId) ?? 0,
    windowStart,
    statement: statementFor(await statementName(deps.db, userId), rows),
  }
}

/**
 * The statement for the user at `now` if they hold a current attestation, else null. What the
 * public author card and published items show.
 */
export async function findCurrentStatement(
  db: Executor,
  userId: string,
  now: Date,
): Promise<{ statement: string; attestation: Attestation } | null> {
  const attestation = await findCurrentAttestation(db, userId, now)
  if (!attestation) return null
  const rows = await listRelevantRelationships(db, [userId], relevanceWindowStart(now))
  return { statement: statementFor(await statementName(db, userId), rows), attestation }
}

/** Your statement as the current list gives it, and whether an attestation stands behind it. */
export async function getMyStatement(
  deps: AccountsDeps,
  actor: Actor,
): Promise<{ statement: string; status: AttestationStatus; attestation: Attestation | null }> {
  const { userId } = self(actor)
  const now = deps.clock.now()
  const rows = await listRelevantRelationships(deps.db, [userId], relevanceWindowStart(now))
  const latest = (await findLatestAttestations(deps.db, [userId])).get(userId) ?? null
  const status = attestationStatus(latest, now)
  return {
    statement: statementFor(await statementName(deps.db, userId), rows),
    status,
    attestation: latest && status === 'current' ? publicAttestation(latest) : null,
  }
}

function invalid(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', {
    message: 'the request is not valid',
    details: [{ path, message }],
  })
}

/** Dates checked against today: not starting in the future, not ended before the window. */
function checkDates(v: { startDate: string; endDate: string | null }, now: Date): void {
  if (v.startDate > isoDateOf(now)) throw invalid('startDate', 'starts in the future')
  if (v.endDate !== null && v.endDate < v.startDate) throw invalid('endDate', 'ends before it starts')
  if (!isRelevant(v.endDate, now)) {
    throw invalid('endDate', 'ended more than 24 months ago, so it is no longer relevant')
  }
}

/**
 * Records a relationship. The list an attestation covered has changed, so a current
 * attestation is superseded and the person must attest again.
 */
export async function addRelationship(
  deps: AccountsDeps,
  actor: Actor,
  input: RelationshipCreate,
): Promise<{ relationship: Relationship; attestationSuperseded: boolean }> {
  const { userId } = self(actor)
  const now = deps.clock.now()
  checkDates(input, now)
  await ensureCompanyList(deps)
  return deps.db.transaction().execute(async (tx) => {
    const at = now.toISOString()
    const { company, contributed } = await resolveCompany(tx, deps, userId, input)
    const id = deps.ids.next()
    await insertRelationship(tx, {
      id,
      userId,
      at,
      companyId: company.id,
      nature: input.nature,
      natureDetail: input.natureDetail,
      startDate: input.startDate,
      endDate: input.endDate,
      amountBand: input.amountBand ?? null,
    })
    const superseded = (await supersedeAttestations(tx, userId, at)) > 0
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'disclosure.relationship_added',
      resourceType: 'disclosure_relationship',
      resourceId: id,
      organisationId: null,
      summary: {
        companyId: company.id,
        companyContributed: contributed,
        nature: input.nature,
        attestationSuperseded: superseded,
      },
    })
    const row = (await findRelationship(tx, id)) as RelationshipRow
    return {
      relationship: withMitigations([row], new Map())[0] as Relationship,
      attestationSuperseded: superseded,
    }
  })
}

async function ownRelationship(db: Executor, userId: string, id: string): Promise<RelationshipRow> {
  const row = await findRelationship(db, id)
  // Someone else's relationship is as invisible as a missing one.
  if (!row || row.userId !== userId) {
    throw new AppError('NOT_FOUND', { message: 'no such relationship on your register' })
  }
  return row
}

/** Changes a relationship (company, nature, dates, band); supersedes a current attestation. */
export async function updateRelationship(
  deps: AccountsDeps,
  actor: Actor,
  id: string,
  patch: RelationshipUpdate,
): Promise<{ relationship: Relationship; attestationSuperseded: boolean }> {
  const { userId } = self(actor)
  const now = deps.clock.now()
  if (patch.companyId || patch.companyName) await ensureCompanyList(deps)
  return deps.db.transaction().execute(async (tx) => {
    const at = now.toISOString()
    const before = await ownRelationship(tx, userId, id)
    const company =
      patch.companyId || patch.companyName ? await resolveCompany(tx, deps, userId, patch) : null
    const after: RelationshipValues = {
      companyId: company?.company.id ?? before.company.id,
      nature: patch.nature ?? before.nature,
      natureDetail: patch.natureDetail === undefined ? before.natureDetail : patch.natureDetail || null,
      startDate: patch.startDate ?? before.startDate,
      endDate: patch.endDate === undefined ? before.endDate : patch.endDate,
      amountBand: patch.amountBand === undefined ? before.amountBand : patch.amountBand,
    }
    if (after.nature === 'other' && !after.natureDetail)
      throw invalid('natureDetail', 'say what the relationship is')
    checkDates(after, now)
    const beforeValues: RelationshipValues = {
      companyId: before.company.id,
      nature: before.nature,
      natureDetail: before.natureDetail,
      startDate: before.startDate,
      endDate: before.endDate,
      amountBand: before.amountBand,
    }
    const changed = (Object.keys(after) as Array<keyof RelationshipValues>).filter(
      (k) => after[k] !== beforeValues[k],
    )
    let superseded = false
    if (changed.length > 0) {
      await updateRelationshipValues(tx, id, after, at)
      superseded = (await supersedeAttestations(tx, userId, at)) > 0
      await recordAudit(tx, deps, {
        actorId: userId,
        action: 'disclosure.relationship_changed',
        resourceType: 'disclosure_relationship',
        resourceId: id,
        organisationId: null,
        // Field names, ids and natures only: never amounts or the person's own words.
        summary: {
          changed,
          before: { companyId: beforeValues.companyId, nature: beforeValues.nature },
          after: { companyId: after.companyId, nature: after.nature },
          attestationSuperseded: superseded,
        },
      })
    }
    const row = (await findRelationship(tx, id)) as RelationshipRow
    const mitigations = await listMitigations(tx, [id])
    return {
      relationship: withMitigations([row], mitigations)[0] as Relationship,
      attestationSuperseded: superseded,
    }
  })
}

/** Removes a relationship from the register (kept for the record); supersedes a current attestation. */
export async function removeRelationship(deps: AccountsDeps, actor: Actor, id: string): Promise<void> {
  const { userId } = self(actor)
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const before = await ownRelationship(tx, userId, id)
    await markRelationshipRemoved(tx, id, at)
    const superseded = (await supersedeAttestations(tx, userId, at)) > 0
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'disclosure.relationship_removed',
      resourceType: 'disclosure_relationship',
      resourceId: id,
      organisationId: null,
      summary: { companyId: before.company.id, nature: before.nature, attestationSuperseded: superseded },
    })
  })
}

/**
 * Attests "none" (no relevant relationships) or "complete" (the list as it stands is
 * complete), for 12 months. Each kind must match the list: "none" with relationships listed,
 * or "complete" with none, is refused.
 */
export async function attest(deps: AccountsDeps, actor: Actor, kind: AttestationKind): Promise<Attestation> {
  const { userId } = self(actor)
  return attestFor(deps, userId, userId, kind)
}

async function attestFor(
  deps: AccountsDeps,
  userId: string,
  actorId: string | null,
  kind: AttestationKind,
): Promise<Attestation> {
  const now = deps.clock.now()
  const at = now.toISOString()
  return deps.db.transaction().execute(async (tx) => {
    const rows = await listRelevantRelationships(tx, [userId], relevanceWindowStart(now))
    if (kind === 'none' && rows.length > 0) {
      throw new AppError('CONFLICT', {
        message: `your register lists ${rows.length} relationship${rows.length === 1 ? '' : 's'} in the past 24 months: attest that the list is complete, or remove them`,
      })
    }
    if (kind === 'complete' && rows.length === 0) {
      throw new AppError('CONFLICT', {
        message: 'your register lists no relationships: attest that you have none',
      })
    }
    await supersedeAttestations(tx, userId, at)
    const attestation: Attestation = {
      id: deps.ids.next(),
      kind,
      attestedAt: at,
      expiresAt: attestationExpiry(now).toISOString(),
    }
    await insertAttestation(tx, { ...attestation, userId, relationshipCount: rows.length })
    await recordAudit(tx, deps, {
      actorId,
      action: 'disclosure.attested',
      resourceType: 'disclosure_attestation',
      resourceId: attestation.id,
      organisationId: null,
      summary: {
        userId,
        kind,
        relationships: rows.map((r) => ({ id: r.id, nature: r.nature })),
        expiresAt: attestation.expiresAt,
        ...(actorId === null ? { via: 'operator' } : {}),
      },
    })
    return attestation
  })
}

/**
 * Operator use (demo data, CLI): gives the person at `email` a current attestation of `kind`
 * unless they already hold one. Absent users are skipped (returns null), so seeding tolerates
 * any set of demo accounts, as are registers the kind would contradict.
 */
export async function attestAsOperator(
  deps: AccountsDeps,
  input: { email: string; kind: AttestationKind },
): Promise<Attestation | null> {
  const user = await findUserByEmail(deps.db, input.email)
  if (!user) return null
  const current = await findCurrentAttestation(deps.db, user.id, deps.clock.now())
  if (current) return publicAttestation(current)
  // A register that contradicts the kind (relationships listed, "none" asked) is left alone:
  // seeding must not fail a start-up over a person's real data.
  const listed = await listRelevantRelationships(deps.db, [user.id], relevanceWindowStart(deps.clock.now()))
  if ((input.kind === 'none') !== (listed.length === 0)) return null
  return attestFor(deps, user.id, null, input.kind)
}

/**
 * The organisation's members and where each stands: attestation status and expiry, relevant
 * relationships (amount bands included) with this organisation's mitigations.
 */
export async function listMemberDisclosures(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
): Promise<{ windowStart: string; members: MemberDisclosure[] }> {
  const org = await resolveOrganisation(deps, actor, slug, 'members.read')
  const now = deps.clock.now()
  const windowStart = relevanceWindowStart(now)
  const members = await listMembers(deps.db, org.id)
  const ids = members.map((m) => m.id)
  const rows = await listRelevantRelationships(deps.db, ids, windowStart)
  const mitigations = await listMitigations(
    deps.db,
    rows.map((r) => r.id),
    org.id,
  )
  const latest = await findLatestAttestations(deps.db, ids)
  const dropped = await countDroppedOut(deps.db, ids, windowStart)
  return {
    windowStart,
    members: members.map((m) => {
      const a = latest.get(m.id) ?? null
      return {
        userId: m.id,
        name: m.identity.displayName || m.name,
        status: attestationStatus(a, now),
        attestation: a ? publicAttestation(a) : null,
        relationships: withMitigations(
          rows.filter((r) => r.userId === m.id),
          mitigations,
        ),
        droppedOutCount: dropped.get(m.id) ?? 0,
      }
    }),
  }
}

/**
 * An editor records the steps taken to mitigate a member's relevant relationship (e.g. an
 * extra independent review). Audited with ids and the nature, not the steps' wording. Nobody
 * records mitigation of their own relationships.
 */
export async function recordMitigation(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  memberId: string,
  relationshipId: string,
  steps: string,
): Promise<Mitigation> {
  const org = await resolveOrganisation(deps, actor, slug, 'review.manage')
  const actorId = (actor as UserActor).userId
  if (actorId === memberId) {
    throw new AppError('FORBIDDEN', {
      message: 'another editor must record mitigation of your own relationships',
    })
  }
  const now = deps.clock.now()
  return deps.db.transaction().execute(async (tx) => {
    if ((await findMemberRoles(tx, org.id, memberId)).length === 0) {
      throw new AppError('MEMBER_NOT_FOUND', { message: 'no such member in this organisation' })
    }
    const rel = await findRelationship(tx, relationshipId)
    if (!rel || rel.userId !== memberId || !isRelevant(rel.endDate, now)) {
      throw new AppError('NOT_FOUND', { message: "no such relevant relationship on the member's register" })
    }
    const id = deps.ids.next()
    await insertMitigation(tx, {
      id,
      relationshipId,
      organisationId: org.id,
      steps,
      recordedBy: actorId,
      at: now.toISOString(),
    })
    await recordAudit(tx, deps, {
      actorId,
      action: 'disclosure.mitigation_recorded',
      resourceType: 'disclosure_relationship',
      resourceId: relationshipId,
      organisationId: org.id,
      summary: { mitigationId: id, memberId, companyId: rel.company.id, nature: rel.nature },
    })
    const recorded = (await listMitigations(tx, [relationshipId], org.id)).get(relationshipId) ?? []
    return recorded.find((m) => m.id === id) as Mitigation
  })
}

function declaredView(d: DeclaredConflictRow): DeclaredConflictView {
  return {
    id: d.id,
    author: d.author,
    company: d.company,
    category: conflictCategorySchema.safeParse(d.category).data ?? null,
    reason: d.reason,
    declaredAt: d.declaredAt,
  }
}

/**
 * The organisation's authors, for any member to pick from when declaring a conflict: names and
 * profession only (no email, no registration), alphabetical. Not the caller themselves.
 */
export async function listOrganisationAuthors(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
): Promise<OrganisationAuthor[]> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const me = actor.kind === 'user' ? actor.userId : null
  return (await listMembers(deps.db, org.id))
    .filter((m) => m.roles.includes('author') && m.id !== me)
    .map((m) => ({
      id: m.id,
      name: m.identity.displayName?.trim() || m.name,
      profession: m.identity.profession,
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

/** Conflicts you have declared (as a reviewer) and not withdrawn. */
export async function listMyDeclaredConflicts(
  deps: AccountsDeps,
  actor: Actor,
): Promise<DeclaredConflictView[]> {
  const { userId } = self(actor)
  return (await listDeclaredConflicts(deps.db, userId)).map(declaredView)
}

/** Declares a conflict with an author, a company or both; the review workflow excludes you from their items. */
export async function declareConflict(
  deps: AccountsDeps,
  actor: Actor,
  input: DeclaredConflictCreate,
): Promise<DeclaredConflictView> {
  const { userId } = self(actor)
  const hasCompany = !!(input.companyId || input.companyName)
  // An author is chosen from an organisation both belong to; no one else can be named.
  const org =
    input.authorId && input.organisation
      ? await resolveOrganisation(deps, actor, input.organisation, 'screening.use')
      : null
  if (input.authorId === userId) throw invalid('authorId', 'you cannot declare a conflict with yourself')
  if (hasCompany) await ensureCompanyList(deps)
  return deps.db.transaction().execute(async (tx) => {
    if (input.authorId && org && !(await findMemberRoles(tx, org.id, input.authorId)).includes('author')) {
      throw invalid('authorId', `no author with this id in ${org.name}`)
    }
    // Operators and tests may name an author without an organisation (the API cannot).
    if (input.authorId && !org && !(await findUserById(tx, input.authorId))) {
      throw invalid('authorId', 'no such person')
    }
    const company = hasCompany ? await resolveCompany(tx, deps, userId, input) : null
    const existing = await listDeclaredConflicts(tx, userId)
    if (
      input.authorId &&
      existing.some(
        (d) => d.author?.id === input.authorId && (d.company?.id ?? null) === (company?.company.id ?? null),
      )
    ) {
      throw new AppError('CONFLICT', {
        message: 'you have already declared this conflict; withdraw it first to change it',
      })
    }
    const id = deps.ids.next()
    await insertDeclaredConflict(tx, {
      id,
      userId,
      authorId: input.authorId ?? null,
      companyId: company?.company.id ?? null,
      category: input.category ?? null,
      organisationId: org?.id ?? null,
      reason: input.reason ?? '',
      at: deps.clock.now().toISOString(),
    })
    // The audit trail keeps who and what kind, never the declarer's words. It is not filed under
    // the organisation: its admins read that trail, and the author may be one of them.
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'conflict.declared',
      resourceType: 'declared_conflict',
      resourceId: id,
      organisationId: null,
      summary: {
        authorId: input.authorId ?? null,
        companyId: company?.company.id ?? null,
        category: input.category ?? null,
      },
    })
    return declaredView(
      (await listDeclaredConflicts(tx, userId)).find((d) => d.id === id) as DeclaredConflictRow,
    )
  })
}

/** Withdraws one of your declared conflicts. */
export async function withdrawConflict(deps: AccountsDeps, actor: Actor, id: string): Promise<void> {
  const { userId } = self(actor)
  await deps.db.transaction().execute(async (tx) => {
    if (!(await withdrawDeclaredConflict(tx, userId, id, deps.clock.now().toISOString()))) {
      throw new AppError('NOT_FOUND', { message: 'no such declared conflict of yours' })
    }
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'conflict.withdrawn',
      resourceType: 'declared_conflict',
      resourceId: id,
      organisationId: null,
      summary: {},
    })
  })
}
