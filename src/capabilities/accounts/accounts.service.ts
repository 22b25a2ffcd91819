import { createHash, randomBytes } from 'node:crypto'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import type { Queue } from '#src/platform/jobs/queue.ts'
import type { Logger } from '#src/platform/logger.ts'
import { queueMail } from '#src/platform/mail/mail.ts'
import { type Action, type Actor, can, permissionsFor } from './accounts.policy.ts'
import {
  countMembersWithRole,
  emptyIdentity,
  findIdentity,
  findInvitationByTokenHash,
  findMemberRoles,
  findOrganisationById,
  findOrganisationBySlug,
  findUserByEmail,
  findUserById,
  insertInvitation,
  insertOrganisation,
  listMembers,
  listMembershipsForUser,
  listPendingInvitations,
  markInvitationAccepted,
  type OrganisationRow,
  replaceMemberRoles,
  setIdentityVerification,
  upsertIdentity,
} from './accounts.repository.ts'
import type {
  Identity,
  IdentityUpdate,
  Invitation,
  Me,
  Member,
  Organisation,
  Role,
} from './accounts.schema.ts'

export type AccountsDeps = {
  db: Db
  clock: Clock
  ids: Ids
  queue: Queue
  log: Logger
  publicBaseUrl: string
}

const INVITATION_DAYS = 14

/** Loads what the policy needs to know about a signed-in user. */
export async function loadActor(deps: Pick<AccountsDeps, 'db'>, userId: string | null): Promise<Actor> {
  if (!userId) return { kind: 'anonymous' }
  const memberships = await listMembershipsForUser(deps.db, userId)
  return {
    kind: 'user',
    userId,
    memberships: memberships.map((m) => ({ organisationId: m.organisationId, roles: m.roles })),
  }
}

/** Throws UNAUTHENTICATED for anonymous actors and FORBIDDEN when the policy says no. */
export function authorize(
  actor: Actor,
  action: Action,
  resource: Parameters<typeof can>[2],
): asserts actor is Extract<Actor, { kind: 'user' }> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  if (!can(actor, action, resource))
    throw new AppError('FORBIDDEN', { message: `you may not ${action.replace('.', ' ')} here` })
}

/** Finds an organisation the actor belongs to and may act on; hides its existence from non-members. */
export async function resolveOrganisation(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  action: Action,
): Promise<OrganisationRow> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  const org = await findOrganisationBySlug(deps.db, slug)
  const member = org && actor.memberships.some((m) => m.organisationId === org.id)
  if (!org || !member)
    throw new AppError('ORGANISATION_NOT_FOUND', { message: `no organisation ${slug} that you belong to` })
  authorize(actor, action, { organisationId: org.id })
  return org
}

/** The signed-in user with identity, organisations, roles and what each role allows. */
export async function getMe(deps: AccountsDeps, actor: Actor): Promise<Me> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  const user = await findUserById(deps.db, actor.userId)
  if (!user) throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  const memberships = await listMembershipsForUser(deps.db, user.id)
  return {
    user,
    identity: (await findIdentity(deps.db, user.id)) ?? emptyIdentity(user.name),
    organisations: memberships.map((m) => ({
      id: m.organisationId,
      slug: m.slug,
      name: m.name,
      roles: m.roles,
      permissions: permissionsFor(m.roles),
    })),
  }
}

/** Saves the actor's professional identity; a changed registration voids any verification. */
export async function updateIdentity(
  deps: AccountsDeps,
  actor: Actor,
  input: IdentityUpdate,
): Promise<Identity> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  authorize(actor, 'profile.update', { userId: actor.userId })
  const userId = actor.userId
  return deps.db.transaction().execute(async (tx) => {
    const before = await findIdentity(tx, userId)
    const registrationChanged =
      !!before &&
      (before.registrationBody !== input.registrationBody ||
        before.registrationNumber !== input.registrationNumber ||
        before.profession !== input.profession)
    await upsertIdentity(
      tx,
      userId,
      { ...input, clearVerification: registrationChanged },
      deps.clock.now().toISOString(),
    )
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'identity.updated',
      resourceType: 'user',
      resourceId: userId,
      organisationId: null,
      summary: {
        before: before ? pickRegistration(before) : null,
        after: pickRegistration({ ...input, verification: null, displayName: input.displayName }),
        verificationCleared: registrationChanged && !!before?.verification,
      },
    })
    return (await findIdentity(tx, userId)) as Identity
  })
}

function pickRegistration(i: Identity) {
  return {
    profession: i.profession,
    registrationBody: i.registrationBody,
    registrationNumber: i.registrationNumber,
  }
}

/** Creates an organisation; its creator becomes its first admin. */
export async function createOrganisation(
  deps: AccountsDeps,
  actor: Actor,
  input: { slug: string; name: string; description: string },
): Promise<Organisation> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  authorize(actor, 'organisation.create', { kind: 'platform' })
  const userId = actor.userId
  return deps.db.transaction().execute(async (tx) => {
    if (await findOrganisationBySlug(tx, input.slug)) {
      throw new AppError('ORGANISATION_SLUG_TAKEN', {
        message: `the address ${input.slug} is taken`,
        details: [{ path: 'slug', message: 'already taken' }],
      })
    }
    const org = { id: deps.ids.next(), slug: input.slug, name: input.name, description: input.description }
    const now = deps.clock.now().toISOString()
    await insertOrganisation(tx, { ...org, createdAt: now })
    await replaceMemberRoles(tx, org.id, userId, ['admin'], now)
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'organisation.created',
      resourceType: 'organisation',
      resourceId: org.id,
      organisationId: org.id,
      summary: { slug: org.slug },
    })
    return org
  })
}

/** Members with roles and identity, and invitations still open. */
export async function listOrganisationMembers(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
): Promise<{ members: Member[]; invitations: Invitation[] }> {
  const org = await resolveOrganisation(deps, actor, slug, 'members.read')
  const members = await listMembers(deps.db, org.id)
  const invitations = await listPendingInvitations(deps.db, org.id, deps.clock.now().toISOString())
  return {
    members: members.map((m) => ({
      userId: m.id,
      email: m.email,
      name: m.name,
      roles: m.roles,
      identity: m.identity,
    })),
    invitations: invitations.map(({ id, email, roles, expiresAt }) => ({ id, email, roles, expiresAt })),
  }
}

/** Replaces a member's roles. An organisation always keeps at least one admin. */
export async function updateMemberRoles(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  userId: string,
  roles: Role[],
): Promise<Member> {
  const org = await resolveOrganisation(deps, actor, slug, 'members.manage')
  const actorId = (actor as Extract<Actor, { kind: 'user' }>).userId
  // A role is one row per member: a repeated role in the request must not insert twice.
  const after = [...new Set(roles)].sort()
  return deps.db.transaction().execute(async (tx) => {
    const before = await findMemberRoles(tx, org.id, userId)
    if (before.length === 0)
      throw new AppError('MEMBER_NOT_FOUND', { message: 'no such member in this organisation' })
    await assertAdminRemains(tx, org.id, before, after)
    await replaceMemberRoles(tx, org.id, userId, after, deps.clock.now().toISOString())
    await recordAudit(tx, deps, {
      actorId,
      action: 'member.roles_changed',
      resourceType: 'user',
      resourceId: userId,
      organisationId: org.id,
      summary: { before, after },
    })
    const member = (await listMembers(tx, org.id)).find((m) => m.id === userId)
    if (!member) throw new AppError('MEMBER_NOT_FOUND')
    return {
      userId: member.id,
      email: member.email,
      name: member.name,
      roles: member.roles,
      identity: member.identity,
    }
  })
}

/** Removes a member from the organisation (not from Rounds). */
export async function removeMember(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  userId: string,
): Promise<void> {
  const org = await resolveOrganisation(deps, actor, slug, 'members.manage')
  const actorId = (actor as Extract<Actor, { kind: 'user' }>).userId
  await deps.db.transaction().execute(async (tx) => {
    const before = await findMemberRoles(tx, org.id, userId)
    if (before.length === 0)
      throw new AppError('MEMBER_NOT_FOUND', { message: 'no such member in this organisation' })
    await assertAdminRemains(tx, org.id, before, [])
    await replaceMemberRoles(tx, org.id, userId, [], deps.clock.now().toISOString())
    await recordAudit(tx, deps, {
      actorId,
      action: 'member.removed',
      resourceType: 'user',
      resourceId: userId,
      organisationId: org.id,
      summary: { before },
    })
  })
}

async function assertAdminRemains(
  tx: Parameters<typeof countMembersWithRole>[0],
  orgId: string,
  before: Role[],
  after: Role[],
) {
  if (
    before.includes('admin') &&
    !after.includes('admin') &&
    (await countMembersWithRole(tx, orgId, 'admin')) <= 1
  ) {
    throw new AppError('LAST_ADMIN', {
      message: 'an organisation needs at least one admin; make someone else admin first',
    })
  }
}

/** Invites a person by email with the given roles; the link is valid for 14 days. */
export async function inviteMember(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  input: { email: string; roles: Role[] },
): Promise<Invitation> {
  const org = await resolveOrganisation(deps, actor, slug, 'members.manage')
  const actorId = (actor as Extract<Actor, { kind: 'user' }>).userId
  const token = randomBytes(24).toString('base64url')
  const now = deps.clock.now()
  const invitation = {
    id: deps.ids.next(),
    email: input.email,
    roles: [...new Set(input.roles)],
    expiresAt: new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString(),
  }
  await deps.db.transaction().execute(async (tx) => {
    await insertInvitation(tx, {
      ...invitation,
      organisationId: org.id,
      tokenHash: hashToken(token),
      invitedBy: actorId,
      createdAt: now.toISOString(),
    })
    const inviter = await findUserById(tx, actorId)
    await queueMail(tx, deps, {
      to: input.email,
      subject: `You are invited to ${org.name} on Rounds`,
      text: `${inviter?.name ?? 'An admin'} invited you to join ${org.name} on Rounds as ${invitation.roles.join(', ')}.\n\nAccept within ${INVITATION_DAYS} days:\n${deps.publicBaseUrl}/invite/${token}\n`,
    })
    await recordAudit(tx, deps, {
      actorId,
      action: 'member.invited',
      resourceType: 'invitation',
      resourceId: invitation.id,
      organisationId: org.id,
      summary: { roles: invitation.roles },
    })
  })
  return invitation
}

/** What an invitation offers, for the accept page. Anyone holding the token may look. */
export async function previewInvitation(deps: AccountsDeps, token: string) {
  const inv = await openInvitation(deps, token)
  const org = await findOrganisationById(deps.db, inv.organisationId)
  if (!org) throw new AppError('INVITATION_NOT_FOUND')
  return {
    organisation: { slug: org.slug, name: org.name },
    email: inv.email,
    roles: inv.roles,
    expiresAt: inv.expiresAt,
  }
}

/** Joins the signed-in user to the inviting organisation with the invited roles (added to any held). */
export async function acceptInvitation(deps: AccountsDeps, actor: Actor, token: string) {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  authorize(actor, 'invitation.accept', { kind: 'platform' })
  const userId = actor.userId
  const inv = await openInvitation(deps, token)
  // An invitation is for the person it was sent to: a forwarded link must not grant roles.
  const user = await findUserById(deps.db, userId)
  if (!user || user.email.toLowerCase() !== inv.email.toLowerCase()) {
    throw new AppError('INVITATION_EMAIL_MISMATCH', {
      message: `this invitation was sent to ${inv.email}; sign in with that address to accept it`,
    })
  }
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now().toISOString()
    if (!(await markInvitationAccepted(tx, inv.id, userId, now))) {
      throw new AppError('INVITATION_NOT_FOUND', { message: 'this invitation has already been used' })
    }
    const held = await findMemberRoles(tx, inv.organisationId, userId)
    const roles = [...new Set([...held, ...inv.roles])]
    await replaceMemberRoles(tx, inv.organisationId, userId, roles, now)
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'member.joined',
      resourceType: 'user',
      resourceId: userId,
      organisationId: inv.organisationId,
      summary: { invitationId: inv.id, before: held, after: roles },
    })
    const org = (await findOrganisationById(tx, inv.organisationId)) as OrganisationRow
    return {
      organisation: { slug: org.slug, name: org.name },
      roles: await findMemberRoles(tx, org.id, userId),
    }
  })
}

async function openInvitation(deps: AccountsDeps, token: string) {
  const inv = await findInvitationByTokenHash(deps.db, hashToken(token))
  if (!inv || inv.acceptedAt)
    throw new AppError('INVITATION_NOT_FOUND', { message: 'this invitation does not exist or was used' })
  if (inv.expiresAt <= deps.clock.now().toISOString()) {
    throw new AppError('INVITATION_EXPIRED', { message: 'this invitation has expired; ask for a new one' })
  }
  return inv
}

/** An admin records that they checked a member's registration, with the evidence seen. */
export async function verifyIdentity(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  userId: string,
  note: string,
): Promise<Identity> {
  const org = await resolveOrganisation(deps, actor, slug, 'identity.verify')
  const actorId = (actor as Extract<Actor, { kind: 'user' }>).userId
  // Verification is a second person's check: nobody vouches for themselves.
  if (actorId === userId) {
    throw new AppError('SELF_VERIFICATION', { message: 'another admin must verify your registration' })
  }
  return deps.db.transaction().execute(async (tx) => {
    if ((await findMemberRoles(tx, org.id, userId)).length === 0) throw new AppError('MEMBER_NOT_FOUND')
    const identity = await findIdentity(tx, userId)
    if (!identity?.registrationBody || !identity.registrationNumber) {
      throw new AppError('CONFLICT', {
        message: 'the member has not given a registration body and number to verify',
      })
    }
    const existing = identity.verification
    if (existing && existing.organisation.slug !== org.slug) {
      throw new AppError('VERIFIED_ELSEWHERE', {
        message: `already verified by ${existing.organisation.name}; only they can change that verification`,
      })
    }
    await setIdentityVerification(tx, userId, {
      verifiedAt: deps.clock.now().toISOString(),
      verifiedBy: actorId,
      organisationId: org.id,
      note,
    })
    await recordAudit(tx, deps, {
      actorId,
      action: 'identity.verified',
      resourceType: 'user',
      resourceId: userId,
      organisationId: org.id,
      summary: {
        registrationBody: identity.registrationBody,
        registrationNumber: identity.registrationNumber,
      },
    })
    return (await findIdentity(tx, userId)) as Identity
  })
}

/** Withdraws a verification (e.g. registration lapsed). */
export async function unverifyIdentity(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  userId: string,
): Promise<Identity> {
  const org = await resolveOrganisation(deps, actor, slug, 'identity.verify')
  const actorId = (actor as Extract<Actor, { kind: 'user' }>).userId
  return deps.db.transaction().execute(async (tx) => {
    if ((await findMemberRoles(tx, org.id, userId)).length === 0) throw new AppError('MEMBER_NOT_FOUND')
    const user = await findUserById(tx, userId)
    const identity = (await findIdentity(tx, userId)) ?? emptyIdentity(user?.name ?? '')
    if (identity.verification && identity.verification.organisation.slug !== org.slug) {
      throw new AppError('VERIFIED_ELSEWHERE', {
        message: `verified by ${identity.verification.organisation.name}; only they can withdraw it`,
      })
    }
    await setIdentityVerification(tx, userId, null)
    await recordAudit(tx, deps, {
      actorId,
      action: 'identity.unverified',
      resourceType: 'user',
      resourceId: userId,
      organisationId: org.id,
      summary: { wasVerified: !!identity.verification },
    })
    return (await findIdentity(tx, userId)) ?? identity
  })
}

/** Resolves an organisation by slug for callers that already passed the policy (CLI, seeding). */
export async function requireOrganisation(
  deps: Pick<AccountsDeps, 'db'>,
  slug: string,
): Promise<OrganisationRow> {
  const org = await findOrganisationBySlug(deps.db, slug)
  if (!org) throw new AppError('ORGANISATION_NOT_FOUND', { message: `no organisation ${slug}` })
  return org
}

export { findUserByEmail }

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}
