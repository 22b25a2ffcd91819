import type { Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'
import type { Identity, Invitation, Role } from './accounts.schema.ts'

export type UserRow = { id: string; email: string; name: string }
export type OrganisationRow = { id: string; slug: string; name: string; description: string }

export async function findUserById(db: Executor, id: string): Promise<UserRow | null> {
  return (
    (await db
      .selectFrom('auth_user')
      .select(['id', 'email', 'name'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  )
}

export async function findUserByEmail(db: Executor, email: string): Promise<UserRow | null> {
  return (
    (await db
      .selectFrom('auth_user')
      .select(['id', 'email', 'name'])
      .where('email', '=', email.toLowerCase())
      .executeTakeFirst()) ?? null
  )
}

export async function findOrganisationBySlug(db: Executor, slug: string): Promise<OrganisationRow | null> {
  return (
    (await db
      .selectFrom('organisation')
      .select(['id', 'slug', 'name', 'description'])
      .where('slug', '=', slug)
      .executeTakeFirst()) ?? null
  )
}

export async function findOrganisationById(db: Executor, id: string): Promise<OrganisationRow | null> {
  return (
    (await db
      .selectFrom('organisation')
      .select(['id', 'slug', 'name', 'description'])
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  )
}

export async function insertOrganisation(
  db: Executor,
  org: OrganisationRow & { createdAt: string },
): Promise<void> {
  await db
    .insertInto('organisation')
    .values({
      id: org.id,
      slug: org.slug,
      name: org.name,
      description: org.description,
      created_at: org.createdAt,
    })
    .execute()
}

export type MembershipRow = { organisationId: string; slug: string; name: string; roles: Role[] }

export async function listMembershipsForUser(db: Executor, userId: string): Promise<MembershipRow[]> {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('organisation', 'organisation.id', 'membership.organisation_id')
    .select(['organisation.id', 'organisation.slug', 'organisation.name', 'membership.role'])
    .where('membership.user_id', '=', userId)
    .orderBy('organisation.name')
    .execute()
  const byOrg = new Map<string, MembershipRow>()
  for (const r of rows) {
    const m = byOrg.get(r.id) ?? { organisationId: r.id, slug: r.slug, name: r.name, roles: [] }
    m.roles.push(r.role as Role)
    byOrg.set(r.id, m)
  }
  return [...byOrg.values()].map((m) => ({ ...m, roles: sortRoles(m.roles) }))
}

export async function findMemberRoles(db: Executor, organisationId: string, userId: string): Promise<Role[]> {
  const rows = await db
    .selectFrom('membership')
    .select('role')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .execute()
  return sortRoles(rows.map((r) => r.role as Role))
}

/** Replaces a member's roles (adds the member if new). */
export async function replaceMemberRoles(
  db: Executor,
  organisationId: string,
  userId: string,
  roles: readonly Role[],
  now: string,
): Promise<void> {
  await db
    .deleteFrom('membership')
    .where('organisation_id', '=', organisationId)
    .where('user_id', '=', userId)
    .execute()
  if (roles.length === 0) return
  await db
    .insertInto('membership')
    .values(
      roles.map((role) => ({ organisation_id: organisationId, user_id: userId, role, created_at: now })),
    )
    .execute()
}

export async function countMembersWithRole(
  db: Executor,
  organisationId: string,
  role: Role,
): Promise<number> {
  const r = await db
    .selectFrom('membership')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('role', '=', role)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export type MemberRow = UserRow & { roles: Role[]; identity: Identity }

export async function listMembers(db: Executor, organisationId: string): Promise<MemberRow[]> {
  const rows = await db
    .selectFrom('membership')
    .innerJoin('auth_user', 'auth_user.id', 'membership.user_id')
    .select(['auth_user.id', 'auth_user.email', 'auth_user.name', 'membership.role'])
    .where('membership.organisation_id', '=', organisationId)
    .orderBy('auth_user.name')
    .execute()
  const byUser = new Map<string, UserRow & { roles: Role[] }>()
  for (const r of rows) {
    const m = byUser.get(r.id) ?? { id: r.id, email: r.email, name: r.name, roles: [] }
    m.roles.push(r.role as Role)
    byUser.set(r.id, m)
  }
  const identities = await findIdentities(db, [...byUser.keys()])
  return [...byUser.values()].map((m) => ({
    ...m,
    roles: sortRoles(m.roles),
    identity: identities.get(m.id) ?? emptyIdentity(m.name),
  }))
}

export function emptyIdentity(name: string): Identity {
  return {
    displayName: name,
    profession: null,
    registrationBody: null,
    registrationNumber: null,
    verification: null,
  }
}

export async function findIdentity(db: Executor, userId: string): Promise<Identity | null> {
  return (await findIdentities(db, [userId])).get(userId) ?? null
}

async function findIdentities(db: Executor, userIds: string[]): Promise<Map<string, Identity>> {
  if (userIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('professional_identity as pi')
    .leftJoin('auth_user as verifier', 'verifier.id', 'pi.verified_by')
    .leftJoin('organisation as org', 'org.id', 'pi.verified_organisation_id')
    .selectAll('pi')
    .select(['verifier.name as verifier_name', 'org.slug as org_slug', 'org.name as org_name'])
    .where('pi.user_id', 'in', userIds)
    .execute()
  return new Map(
    rows.map((r) => [
      r.user_id,
      {
        displayName: r.display_name,
        profession: r.profession as Identity['profession'],
        registrationBody: r.registration_body as Identity['registrationBody'],
        registrationNumber: r.registration_number,
        verification:
          r.verified_at && r.verified_by && r.org_slug
            ? {
                verifiedAt: toIso(r.verified_at),
                verifiedBy: { id: r.verified_by, name: r.verifier_name ?? '(deleted user)' },
                organisation: { slug: r.org_slug, name: r.org_name ?? '' },
                note: r.verification_note ?? '',
              }
            : null,
      },
    ]),
  )
}

export async function upsertIdentity(
  db: Executor,
  userId: string,
  v: {
    displayName: string
    profession: string | null
    registrationBody: string | null
    registrationNumber: string | null
    clearVerification: boolean
  },
  now: string,
): Promise<void> {
  const base = {
    display_name: v.displayName,
    profession: v.profession,
    registration_body: v.registrationBody,
    registration_number: v.registrationNumber,
    updated_at: now,
  }
  const clear = v.clearVerification
    ? { verified_at: null, verified_by: null, verified_organisation_id: null, verification_note: null }
    : {}
  await db
    .insertInto('professional_identity')
    .values({ user_id: userId, ...base })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ ...base, ...clear }))
    .execute()
}

export async function setIdentityVerification(
  db: Executor,
  userId: string,
  v: { verifiedAt: string; verifiedBy: string; organisationId: string; note: string } | null,
): Promise<void> {
  await db
    .updateTable('professional_identity')
    .set(
      v
        ? {
            verified_at: v.verifiedAt,
            verified_by: v.verifiedBy,
            verified_organisation_id: v.organisationId,
            verification_note: v.note,
          }
        : { verified_at: null, verified_by: null, verified_organisation_id: null, verification_note: null },
    )
    .where('user_id', '=', userId)
    .execute()
}

export type InvitationRow = Invitation & {
  organisationId: string
  invitedBy: string
  acceptedAt: string | null
}

export async function insertInvitation(
  db: Executor,
  inv: {
    id: string
    organisationId: string
    email: string
    roles: Role[]
    tokenHash: string
    invitedBy: string
    createdAt: string
    expiresAt: string
  },
): Promise<void> {
  await db
    .insertInto('invitation')
    .values({
      id: inv.id,
      organisation_id: inv.organisationId,
      email: inv.email,
      roles: JSON.stringify(inv.roles),
      token_hash: inv.tokenHash,
      invited_by: inv.invitedBy,
      created_at: inv.createdAt,
      expires_at: inv.expiresAt,
    })
    .execute()
}

export async function findInvitationByTokenHash(
  db: Executor,
  tokenHash: string,
): Promise<InvitationRow | null> {
  const r = await db
    .selectFrom('invitation')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .executeTakeFirst()
  return r ? mapInvitation(r) : null
}

export async function listPendingInvitations(
  db: Executor,
  organisationId: string,
  now: string,
): Promise<InvitationRow[]> {
  const rows = await db
    .selectFrom('invitation')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('accepted_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .execute()
  return rows.map(mapInvitation)
}

export async function markInvitationAccepted(
  db: Executor,
  id: string,
  userId: string,
  now: string,
): Promise<boolean> {
  const r = await db
    .updateTable('invitation')
    .set({ accepted_at: now, accepted_by: userId })
    .where('id', '=', id)
    .where('accepted_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

function mapInvitation(r: {
  id: string
  organisation_id: string
  email: string
  roles: string
  invited_by: string
  expires_at: Date | string
  accepted_at: Date | string | null
}): InvitationRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    email: r.email,
    roles: JSON.parse(r.roles) as Role[],
    invitedBy: r.invited_by,
    expiresAt: toIso(r.expires_at),
    acceptedAt: toIso(r.accepted_at),
  }
}

const roleOrder: Record<Role, number> = { admin: 0, editor: 1, reviewer: 2, author: 3, researcher: 4 }
function sortRoles(roles: Role[]): Role[] {
  return [...new Set(roles)].sort((a, b) => roleOrder[a] - roleOrder[b])
}
