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
import type { AuthorCard as SchemaAuthorCard } from '../../../src/capabilities/standards/author-card.schema.ts'
import type { Company as SchemaCompany } from '../../../src/capabilities/standards/companies.schema.ts'
import type { CredentialVerification as SchemaCredentialVerification } from '../../../src/capabilities/standards/credential.schema.ts'
import type {
  AmountBand as SchemaAmountBand,
  Attestation as SchemaAttestation,
  AttestationKind as SchemaAttestationKind,
  AttestationStatus as SchemaAttestationStatus,
  ConflictCategory as SchemaConflictCategory,
  DeclaredConflictView as SchemaDeclaredConflict,
  MemberDisclosure as SchemaMemberDisclosure,
  Mitigation as SchemaMitigation,
  MyDisclosures as SchemaMyDisclosures,
  Nature as SchemaNature,
  OrganisationAuthor as SchemaOrganisationAuthor,
  Relationship as SchemaRelationship,
} from '../../../src/capabilities/standards/disclosure.schema.ts'
import type { Readiness as SchemaReadiness } from '../../../src/capabilities/standards/gate.schema.ts'
import type { OrganisationSettings as SchemaOrganisationSettings } from '../../../src/capabilities/standards/settings.schema.ts'
import type {
  Attempt as SchemaAttempt,
  AttemptResult as SchemaAttemptResult,
  AttemptState as SchemaAttemptState,
  Certificate as SchemaCertificate,
  CertificateVerification as SchemaCertificateVerification,
  Lesson as SchemaLesson,
  LessonSummary as SchemaLessonSummary,
  OrganisationCertificate as SchemaOrganisationCertificate,
  Question as SchemaQuestion,
  QuestionFeedback as SchemaQuestionFeedback,
  QuestionKind as SchemaQuestionKind,
  Source as SchemaSource,
  TrainingStatus as SchemaTrainingStatus,
  TrainingTopic as SchemaTrainingTopic,
} from '../../../src/capabilities/standards/training.schema.ts'

export const roles = [
  'admin',
  'editor',
  'reviewer',
  'author',
  'researcher',
] as const satisfies readonly SchemaRole[]
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
  'fediverse',
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

// ---- professional standards: training ----

export const trainingTopics = [
  'confidentiality',
  'professionalism',
  'voice',
  'commercial',
  'evidence',
  'local',
] as const satisfies readonly SchemaTrainingTopic[]
export type TrainingTopic = SchemaTrainingTopic

export const questionKinds = ['single', 'multiple'] as const satisfies readonly SchemaQuestionKind[]
export type QuestionKind = SchemaQuestionKind

export type TrainingSource = SchemaSource
export type LessonSummary = SchemaLessonSummary
export type Lesson = SchemaLesson
export type Question = SchemaQuestion
export type Attempt = SchemaAttempt
export type AttemptState = SchemaAttemptState
export type AttemptResult = SchemaAttemptResult
export type QuestionFeedback = SchemaQuestionFeedback
export type Certificate = SchemaCertificate
export type CertificateVerification = SchemaCertificateVerification
export type CredentialVerification = SchemaCredentialVerification
export type CertificateStatus = SchemaCertificateVerification['status']
export type OrganisationCertificate = SchemaOrganisationCertificate
export type TrainingStatus = SchemaTrainingStatus

/** What an admin sends for a lesson of the organisation's own (every save is a new version). */
export type LessonInput = {
  topic: TrainingTopic
  title: string
  summary: string
  bodyMd: string
  sources: TrainingSource[]
  position: number
  status: 'draft' | 'published'
}

/** What an admin sends for a question of the organisation's own. */
export type QuestionInput = {
  topic: TrainingTopic
  kind: QuestionKind
  prompt: string
  options: { text: string; correct: boolean; feedback: string; citation: string }[]
  sources: TrainingSource[]
  status: 'draft' | 'published'
}

export type Answer = { questionId: string; optionIds: string[] }

// ---- professional standards: disclosures ----

export const natures = [
  'salary',
  'consulting',
  'speaker',
  'advisory_board',
  'research_grant',
  'ownership',
  'royalties',
  'other',
] as const satisfies readonly SchemaNature[]
export type Nature = SchemaNature

export const amountBands = [
  'under_1000',
  '1000_to_9999',
  '10000_to_49999',
  '50000_or_more',
] as const satisfies readonly SchemaAmountBand[]
export type AmountBand = SchemaAmountBand

export type AttestationKind = SchemaAttestationKind
export type AttestationStatus = SchemaAttestationStatus
export type Attestation = SchemaAttestation
export type Relationship = SchemaRelationship
export type Mitigation = SchemaMitigation
export type MyDisclosures = SchemaMyDisclosures
export type MemberDisclosure = SchemaMemberDisclosure
export type MemberDisclosureList = { windowStart: string; members: MemberDisclosure[] }
export type DeclaredConflict = SchemaDeclaredConflict
export type Company = SchemaCompany

/** A company either from the shared list (by id) or typed in (by name). */
export type CompanyRef = { companyId: string } | { companyName: string }

export type RelationshipInput = CompanyRef & {
  nature: Nature
  natureDetail: string | null
  startDate: string
  endDate: string | null
  amountBand: AmountBand | null
}

export type RelationshipChange = { relationship: Relationship; attestationSuperseded: boolean }

export type DeclaredConflictInput = {
  authorId?: string
  organisation?: string
  companyId?: string
  companyName?: string
  category?: ConflictCategory
  reason?: string
}

export const conflictCategories = [
  'personal_relationship',
  'supervisor_trainee',
  'financial',
  'other',
] as const satisfies readonly SchemaConflictCategory[]
export type ConflictCategory = SchemaConflictCategory
export type OrganisationAuthor = SchemaOrganisationAuthor

// ---- professional standards: the gate, the author card, settings ----

export type Readiness = SchemaReadiness
export type ReadinessGap = Readiness['missing'][number]
export type AuthorCard = SchemaAuthorCard

export const guidanceOptions = [
  'uk',
  'us',
  'both',
] as const satisfies readonly SchemaOrganisationSettings['guidance'][]
export type OrganisationSettings = SchemaOrganisationSettings

/** Fails to compile when the schema gains a value that a list above lacks. */
type Covers<List extends readonly string[], All extends string> = [All] extends [List[number]] ? true : false
export const listsCoverSchema: [
  Covers<typeof roles, SchemaRole>,
  Covers<typeof professions, NonNullable<SchemaIdentity['profession']>>,
  Covers<typeof registrationBodies, NonNullable<SchemaIdentity['registrationBody']>>,
  Covers<typeof severities, SchemaSeverity>,
  Covers<typeof packIds, SchemaPackId>,
  Covers<typeof channelIds, SchemaChannelId>,
  Covers<typeof trainingTopics, SchemaTrainingTopic>,
  Covers<typeof questionKinds, SchemaQuestionKind>,
  Covers<typeof natures, SchemaNature>,
  Covers<typeof amountBands, SchemaAmountBand>,
  Covers<typeof guidanceOptions, SchemaOrganisationSettings['guidance']>,
] = [true, true, true, true, true, true, true, true, true, true, true]
