/**
 * Shapes of the server's JSON responses, mirroring the API contract.
 * Kept by hand for now; swap for the zod schemas' inferred types (src/**\/*.schema.ts) as they land.
 */

export const roles = ['admin', 'editor', 'reviewer', 'author'] as const
export type Role = (typeof roles)[number]

export const professions = [
  'doctor',
  'nurse',
  'midwife',
  'pharmacist',
  'allied_health',
  'medical_student',
  'other',
] as const
export type Profession = (typeof professions)[number]

export const registrationBodies = ['GMC', 'NMC', 'NPI', 'GPhC', 'HCPC', 'other'] as const
export type RegistrationBody = (typeof registrationBodies)[number]

export type Permission =
  | 'content.create'
  | 'review.perform'
  | 'review.manage'
  | 'publishing.manage'
  | 'analytics.read'
  | 'members.read'
  | 'members.manage'
  | 'identity.verify'
  | 'audit.read'
  | 'organisation.manage'

export type User = { id: string; email: string; name: string }

export type Verification = {
  verifiedAt: string
  verifiedBy: { id: string; name: string }
  organisation: { slug: string; name: string }
  note: string
}

export type Identity = {
  displayName: string
  profession: Profession | null
  registrationBody: RegistrationBody | null
  registrationNumber: string | null
  verification: Verification | null
}

export type Membership = {
  id: string
  slug: string
  name: string
  roles: Role[]
  /** Computed by the server from the roles; strings the UI does not know are ignored. */
  permissions: string[]
}

export type Me = {
  user: User
  identity: Identity
  organisations: Membership[]
}

export type IdentityInput = {
  displayName: string
  profession: Profession | null
  registrationBody: RegistrationBody | null
  registrationNumber: string | null
}

export type Member = {
  userId: string
  email: string
  name: string
  roles: Role[]
  identity: Identity
}

export type Invitation = {
  id: string
  email: string
  roles: Role[]
  expiresAt: string
}

export type MembersResponse = { members: Member[]; invitations: Invitation[] }

export type PublicInvitation = {
  organisation: { slug: string; name: string }
  email: string
  roles: Role[]
  expiresAt: string
}

export type AuditEvent = {
  seq: number
  occurredAt: string
  actor: { id: string; name: string } | null
  action: string
  resourceType: string
  resourceId: string
  summary: Record<string, unknown>
}

export type FieldError = { path: string; message: string }
