import type { Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'
import type {
  AmountBand,
  Attestation,
  AttestationKind,
  AttestationStatus,
  Mitigation,
  Nature,
} from './disclosure.schema.ts'

/** A relationship as stored, with its company; mitigations are loaded separately. */
export type RelationshipRow = {
  id: string
  userId: string
  company: { id: string; name: string; parent: string }
  nature: Nature
  natureDetail: string | null
  startDate: string
  endDate: string | null
  amountBand: AmountBand | null
  createdAt: string
  updatedAt: string
}

export type AttestationRow = Attestation & { userId: string; supersededAt: string | null }

/**
 * The attestation that holds for the user at `now`: unexpired and not superseded by a later
 * change to their list. The submission gate calls this.
 */
export async function findCurrentAttestation(
  db: Executor,
  userId: string,
  now: Date,
): Promise<{ id: string; attestedAt: string; expiresAt: string; kind: 'none' | 'complete' } | null> {
  const r = await db
    .selectFrom('disclosure_attestation')
    .select(['id', 'kind', 'attested_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .orderBy('attested_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r
    ? {
        id: r.id,
        kind: r.kind as AttestationKind,
        attestedAt: toIso(r.attested_at),
        expiresAt: toIso(r.expires_at),
      }
    : null
}

/** Each user's most recent attestation, current or not. */
export async function findLatestAttestations(
  db: Executor,
  userIds: readonly string[],
): Promise<Map<string, AttestationRow>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('disclosure_attestation')
    .selectAll()
    .where('user_id', 'in', [...userIds])
    .execute()
  const latest = new Map<string, AttestationRow>()
  for (const r of rows) {
    const row: AttestationRow = {
      id: r.id,
      userId: r.user_id,
      kind: r.kind as AttestationKind,
      attestedAt: toIso(r.attested_at),
      expiresAt: toIso(r.expires_at),
      supersededAt: toIso(r.superseded_at),
    }
    const held = latest.get(r.user_id)
    // Within one instant, the attestation nothing superseded is the later one.
    const later =
      !held ||
      row.attestedAt > held.attestedAt ||
      (row.attestedAt === held.attestedAt && !row.supersededAt && !!held.supersededAt)
    if (later) latest.set(r.user_id, row)
  }
  return latest
}

/** Where an attestation leaves its holder at `now` (see `attestationStatusSchema`). */
export function attestationStatus(latest: AttestationRow | null | undefined, now: Date): AttestationStatus {
  if (!latest) return 'missing'
  if (latest.supersededAt) return 'changed'
  return latest.expiresAt > now.toISOString() ? 'current' : 'expired'
}

export async function insertAttestation(
  db: Executor,
  a: Attestation & { userId: string; relationshipCount: number },
): Promise<void> {
  await db
    .insertInto('disclosure_attestation')
    .values({
      id: a.id,
      user_id: a.userId,
      kind: a.kind,
      relationship_count: a.relationshipCount,
      attested_at: a.attestedAt,
      expires_at: a.expiresAt,
    })
    .execute()
}

/** Voids the user's current attestations (their list changed, or they attested anew); returns how many. */
export async function supersedeAttestations(db: Executor, userId: string, now: string): Promise<number> {
  const r = await db
    .updateTable('disclosure_attestation')
    .set({ superseded_at: now })
    .where('user_id', '=', userId)
    .where('superseded_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  return Number(r.numUpdatedRows)
}

function relationshipQuery(db: Executor) {
  return db
    .selectFrom('disclosure_relationship as r')
    .innerJoin('company as c', 'c.id', 'r.company_id')
    .select([
      'r.id',
      'r.user_id',
      'r.nature',
      'r.nature_detail',
      'r.start_date',
      'r.end_date',
      'r.amount_band',
      'r.created_at',
      'r.updated_at',
      'c.id as company_id',
      'c.name as company_name',
      'c.parent_name as company_parent',
    ])
    .where('r.removed_at', 'is', null)
}

type RelationshipSelect = Awaited<ReturnType<ReturnType<typeof relationshipQuery>['execute']>>[number]

function mapRelationship(r: RelationshipSelect): RelationshipRow {
  return {
    id: r.id,
    userId: r.user_id,
    company: { id: r.company_id, name: r.company_name, parent: r.company_parent },
    nature: r.nature as Nature,
    natureDetail: r.nature_detail,
    startDate: r.start_date,
    endDate: r.end_date,
    amountBand: r.amount_band as AmountBand | null,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  }
}

/**
 * The users' relationships still inside the window: ongoing, or ended on or after
 * `windowStart` (YYYY-MM-DD). Older ones drop out here, at read time, whatever is stored.
 */
export async function listRelevantRelationships(
  db: Executor,
  userIds: readonly string[],
  windowStart: string,
): Promise<RelationshipRow[]> {
  if (userIds.length === 0) return []
  const rows = await relationshipQuery(db)
    .where('r.user_id', 'in', [...userIds])
    .where((eb) => eb.or([eb('r.end_date', 'is', null), eb('r.end_date', '>=', windowStart)]))
    .orderBy('r.start_date', 'desc')
    .orderBy('r.id')
    .execute()
  return rows.map(mapRelationship)
}

/** How many of each user's relationships ended before `windowStart` (dropped out). */
export async function countDroppedOut(
  db: Executor,
  userIds: readonly string[],
  windowStart: string,
): Promise<Map<string, number>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('disclosure_relationship')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('user_id', 'in', [...userIds])
    .where('removed_at', 'is', null)
    .where('end_date', '<', windowStart)
    .groupBy('user_id')
    .execute()
  return new Map(rows.map((r) => [r.user_id, Number(r.n)]))
}

/** A relationship that has not been removed, in or out of the window. */
export async function findRelationship(db: Executor, id: string): Promise<RelationshipRow | null> {
  const r = await relationshipQuery(db).where('r.id', '=', id).executeTakeFirst()
  return r ? mapRelationship(r) : null
}

export type RelationshipValues = {
  companyId: string
  nature: Nature
  natureDetail: string | null
  startDate: string
  endDate: string | null
  amountBand: AmountBand | null
}

export async function insertRelationship(
  db: Executor,
  r: RelationshipValues & { id: string; userId: string; at: string },
): Promise<void> {
  await db
    .insertInto('disclosure_relationship')
    .values({
      id: r.id,
      user_id: r.userId,
      ...columns(r),
      created_at: r.at,
      updated_at: r.at,
    })
    .execute()
}

export async function updateRelationshipValues(
  db: Executor,
  id: string,
  r: RelationshipValues,
  at: string,
): Promise<void> {
  await db
    .updateTable('disclosure_relationship')
    .set({ ...columns(r), updated_at: at })
    .where('id', '=', id)
    .execute()
}

export async function markRelationshipRemoved(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('disclosure_relationship')
    .set({ removed_at: at, updated_at: at })
    .where('id', '=', id)
    .execute()
}

function columns(r: RelationshipValues) {
  return {
    company_id: r.companyId,
    nature: r.nature,
    nature_detail: r.natureDetail,
    start_date: r.startDate,
    end_date: r.endDate,
    amount_band: r.amountBand,
  }
}

/** Mitigations of the relationships, oldest first; only one organisation's when given. */
export async function listMitigations(
  db: Executor,
  relationshipIds: readonly string[],
  organisationId?: string,
): Promise<Map<string, Mitigation[]>> {
  if (relationshipIds.length === 0) return new Map()
  let q = db
    .selectFrom('disclosure_mitigation as m')
    .innerJoin('organisation as o', 'o.id', 'm.organisation_id')
    .leftJoin('auth_user as u', 'u.id', 'm.recorded_by')
    .select([
      'm.id',
      'm.relationship_id',
      'm.steps',
      'm.recorded_by',
      'm.created_at',
      'o.slug',
      'o.name as organisation_name',
      'u.name as recorder_name',
    ])
    .where('m.relationship_id', 'in', [...relationshipIds])
  if (organisationId) q = q.where('m.organisation_id', '=', organisationId)
  const rows = await q.orderBy('m.created_at').orderBy('m.id').execute()
  const out = new Map<string, Mitigation[]>()
  for (const r of rows) {
    const list = out.get(r.relationship_id) ?? []
    list.push({
      id: r.id,
      organisation: { slug: r.slug, name: r.organisation_name },
      steps: r.steps,
      recordedBy: r.recorded_by ? { id: r.recorded_by, name: r.recorder_name ?? '(deleted user)' } : null,
      recordedAt: toIso(r.created_at),
    })
    out.set(r.relationship_id, list)
  }
  return out
}

export async function insertMitigation(
  db: Executor,
  m: {
    id: string
    relationshipId: string
    organisationId: string
    steps: string
    recordedBy: string
    at: string
  },
): Promise<void> {
  await db
    .insertInto('disclosure_mitigation')
    .values({
      id: m.id,
      relationship_id: m.relationshipId,
      organisation_id: m.organisationId,
      steps: m.steps,
      recorded_by: m.recordedBy,
      created_at: m.at,
    })
    .execute()
}

export type DeclaredConflictRow = {
  id: string
  userId: string
  author: { id: string; name: string } | null
  company: { id: string; name: string; parent: string } | null
  category: string | null
  reason: string
  declaredAt: string
}

/** The user's declared conflicts still in force, oldest first. */
export async function listDeclaredConflicts(db: Executor, userId: string): Promise<DeclaredConflictRow[]> {
  const rows = await db
    .selectFrom('declared_conflict as d')
    .leftJoin('auth_user as a', 'a.id', 'd.author_id')
    .leftJoin('company as c', 'c.id', 'd.company_id')
    .select([
      'd.id',
      'd.user_id',
      'd.author_id',
      'd.reason',
      'd.category',
      'd.created_at',
      'a.name as author_name',
      'c.id as company_id',
      'c.name as company_name',
      'c.parent_name as company_parent',
    ])
    .where('d.user_id', '=', userId)
    .where('d.withdrawn_at', 'is', null)
    .orderBy('d.created_at')
    .orderBy('d.id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    author: r.author_id ? { id: r.author_id, name: r.author_name ?? '(deleted user)' } : null,
    company:
      r.company_id && r.company_name && r.company_parent
        ? { id: r.company_id, name: r.company_name, parent: r.company_parent }
        : null,
    category: r.category,
    reason: r.reason,
    declaredAt: toIso(r.created_at),
  }))
}

export async function insertDeclaredConflict(
  db: Executor,
  d: {
    id: string
    userId: string
    authorId: string | null
    companyId: string | null
    category: string | null
    organisationId: string | null
    reason: string
    at: string
  },
): Promise<void> {
  await db
    .insertInto('declared_conflict')
    .values({
      id: d.id,
      user_id: d.userId,
      author_id: d.authorId,
      company_id: d.companyId,
      category: d.category,
      organisation_id: d.organisationId,
      reason: d.reason,
      created_at: d.at,
    })
    .execute()
}

/** Withdraws one of the user's declared conflicts; false when there is no such conflict in force. */
export async function withdrawDeclaredConflict(
  db: Executor,
  userId: string,
  id: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('declared_conflict')
    .set({ withdrawn_at: at })
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .where('withdrawn_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}
