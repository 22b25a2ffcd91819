/**
 * Shapes of the server's JSON. Where the server publishes a zod schema (src/**\/*.schema.ts) the
 * type is inferred from it (type-only imports: nothing from src is bundled), so the type check
 * fails when the contract changes. The constant lists below mirror the schemas' enums for the UI.
 */
import type {
  Identity as SchemaIdentity,
  Invitation as SchemaInvitation,
  Me as SchemaMe,
  Member as SchemaMember,
  Permission as SchemaPermission,
  Role as SchemaRole,
} from '../../../src/capabilities/accounts/accounts.schema.ts'
import type { AuditEvent as SchemaAuditEvent } from '../../../src/capabilities/audit/audit.schema.ts'
import type {
  ChannelId as SchemaChannelId,
  Finding as SchemaFinding,
  PackId as SchemaPackId,
  Policy as SchemaPolicy,
  Report as SchemaReport,
  ScreenInput as SchemaScreenInput,
  Severity as SchemaSeverity,
} from '../../../src/capabilities/screening/screening.schema.ts'

export const roles = ['admin', 'editor', 'reviewer', 'author'] as const satisfies readonly SchemaRole[]
export type Role = SchemaRole

export const professions = [
  'doctor',
  'nurse',
  'midwife',
  'pharmacist',
  'allied_health',
  'medical_student',
  'other',
] as const satisfies readonly NonNullable<SchemaIdentity['profession']>[]
export type Profession = (typeof professions)[number]

export const registrationBodies = [
  'GMC',
  'NMC',
  'NPI',
  'GPhC',
  'HCPC',
  'other',
] as const satisfies readonly NonNullable<SchemaIdentity['registrationBody']>[]
export type RegistrationBody = (typeof registrationBodies)[number]

export type Permission = SchemaPermission

export type Me = SchemaMe
export type User = Me['user']
export type Identity = SchemaIdentity
export type Verification = NonNullable<Identity['verification']>
export type Membership = Me['organisations'][number]

export type IdentityInput = {
  displayName: string
  profession: Profession | null
  registrationBody: RegistrationBody | null
  registrationNumber: string | null
}

export type Member = SchemaMember
export type Invitation = SchemaInvitation
export type MembersResponse = { members: Member[]; invitations: Invitation[] }

export type PublicInvitation = {
  organisation: { slug: string; name: string }
  email: string
  roles: Role[]
  expiresAt: string
}

export type AuditEvent = SchemaAuditEvent

export type FieldError = { path: string; message: string }

// ---- screening ----

export const severities = ['block', 'warn', 'info'] as const satisfies readonly SchemaSeverity[]
export type Severity = SchemaSeverity

export const packIds = [
  'confidentiality',
  'evidence',
  'commercial',
  'professionalism',
  'platform',
] as const satisfies readonly SchemaPackId[]
export type PackId = SchemaPackId

export const channelIds = [
  'x',
  'bluesky',
  'mastodon',
  'threads',
  'instagram',
  'facebook',
  'youtube',
  'linkedin',
  'tiktok',
  'rounds',
] as const satisfies readonly SchemaChannelId[]
export type ChannelId = SchemaChannelId

export type ScreenInput = SchemaScreenInput
export type Finding = SchemaFinding
export type ScreeningReport = SchemaReport
export type ScreeningPolicy = SchemaPolicy
/** What an admin sends: the policy without its version (the server assigns it). */
export type ScreeningPolicyInput = Partial<Omit<ScreeningPolicy, 'version'>>

export type ScreeningPolicyVersion = {
  version: number
  note: string
  createdBy: { id: string; name: string } | null
  createdAt: string
}

/** GET /api/orgs/{slug}/screening-policy. The retracted DOIs are counted, not listed. */
export type ScreeningPolicyState = {
  version: string
  policy: Omit<ScreeningPolicy, 'retractedDois'>
  retractedDoiCount: number
  history: ScreeningPolicyVersion[]
}

export type ScreeningRule = {
  id: string
  pack: string
  category: string
  severity: Severity
  citation: string
  description: string
}

export type ScreeningRules = { engineVersion: string; rules: ScreeningRule[] }

/** Fails to compile when the schema gains a value that a list above lacks. */
type Covers<List extends readonly string[], All extends string> = [All] extends [List[number]] ? true : false
export const listsCoverSchema: [
  Covers<typeof roles, SchemaRole>,
  Covers<typeof professions, NonNullable<SchemaIdentity['profession']>>,
  Covers<typeof registrationBodies, NonNullable<SchemaIdentity['registrationBody']>>,
  Covers<typeof severities, SchemaSeverity>,
  Covers<typeof packIds, SchemaPackId>,
  Covers<typeof channelIds, SchemaChannelId>,
] = [true, true, true, true, true, true]
