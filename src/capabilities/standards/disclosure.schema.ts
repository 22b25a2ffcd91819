import { z } from 'zod'

/**
 * The disclosure register (ACCME Standards for Integrity and Independence, Standard 3):
 * financial relationships with ineligible companies in the past 24 months, and an attestation
 * that the list is complete (or that there are none), renewed every 12 months.
 */

export const natures = [
  'salary',
  'consulting',
  'speaker',
  'advisory_board',
  'research_grant',
  'ownership',
  'royalties',
  'other',
] as const
export const natureSchema = z
  .enum(natures)
  .meta({ id: 'RelationshipNature', description: 'What the relationship is (ownership includes stock)' })
export type Nature = z.infer<typeof natureSchema>

/** Total value received in the 24 months, in the currency it was paid in. Never audited, never public. */
export const amountBands = ['under_1000', '1000_to_9999', '10000_to_49999', '50000_or_more'] as const
export const amountBandSchema = z.enum(amountBands).meta({ id: 'AmountBand' })
export type AmountBand = z.infer<typeof amountBandSchema>

export const attestationKinds = ['none', 'complete'] as const
export const attestationKindSchema = z.enum(attestationKinds).meta({
  id: 'AttestationKind',
  description: '"none": no relevant financial relationships; "complete": my list is complete',
})
export type AttestationKind = z.infer<typeof attestationKindSchema>

/** How long relationships stay relevant, and how long an attestation lasts. */
export const RELEVANCE_MONTHS = 24
export const ATTESTATION_MONTHS = 12

const isoDate = z.iso.date('a date as YYYY-MM-DD')
const companyIdSchema = z.string().min(1).max(80)
const companyNameSchema = z.string().trim().min(2, 'at least 2 characters').max(120)

export const companyRefSchema = z.object({
  companyId: companyIdSchema.optional().meta({ description: 'A company from the shared list' }),
  companyName: companyNameSchema
    .optional()
    .meta({ description: 'Or a company typed in (added to the list; matched by normalised name)' }),
})

function requireOneCompany(
  v: { companyId?: string | undefined; companyName?: string | undefined },
  ctx: z.RefinementCtx,
) {
  if (!v.companyId === !v.companyName) {
    ctx.addIssue({
      code: 'custom',
      path: ['companyId'],
      message: 'give either companyId (from the list) or companyName (typed), not both',
    })
  }
}

const relationshipFields = {
  nature: natureSchema,
  natureDetail: z
    .string()
    .trim()
    .max(200)
    .nullable()
    .optional()
    .transform((v) => (v ? v : null))
    .meta({ description: 'What the relationship is, in a few words; required when nature is "other"' }),
  startDate: isoDate,
  endDate: isoDate.nullable().meta({ description: 'null while the relationship is ongoing' }),
  amountBand: amountBandSchema.nullable().optional().default(null),
}

export const relationshipCreateSchema = companyRefSchema
  .extend(relationshipFields)
  .superRefine((v, ctx) => {
    requireOneCompany(v, ctx)
    if (v.nature === 'other' && !v.natureDetail) {
      ctx.addIssue({ code: 'custom', path: ['natureDetail'], message: 'say what the relationship is' })
    }
    if (v.endDate && v.endDate < v.startDate) {
      ctx.addIssue({ code: 'custom', path: ['endDate'], message: 'ends before it starts' })
    }
  })
  .meta({ id: 'RelationshipCreate' })
export type RelationshipCreate = z.infer<typeof relationshipCreateSchema>

export const relationshipUpdateSchema = companyRefSchema
  .extend({
    nature: relationshipFields.nature.optional(),
    natureDetail: z.string().trim().max(200).nullable().optional(),
    startDate: isoDate.optional(),
    endDate: isoDate.nullable().optional(),
    amountBand: amountBandSchema.nullable().optional(),
  })
  .superRefine((v, ctx) => {
    if (v.companyId && v.companyName) requireOneCompany(v, ctx)
    if (Object.values(v).every((x) => x === undefined)) {
      ctx.addIssue({ code: 'custom', path: [], message: 'nothing to change' })
    }
  })
  .meta({ id: 'RelationshipUpdate' })
export type RelationshipUpdate = z.infer<typeof relationshipUpdateSchema>

export const companySummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    parent: z.string().meta({ description: 'The corporate parent the screening engine compares by' }),
  })
  .meta({ id: 'CompanySummary' })

export const mitigationSchema = z
  .object({
    id: z.string(),
    organisation: z.object({ slug: z.string(), name: z.string() }),
    steps: z.string(),
    recordedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    recordedAt: z.string(),
  })
  .meta({ id: 'Mitigation' })
export type Mitigation = z.infer<typeof mitigationSchema>

export const relationshipSchema = z
  .object({
    id: z.string(),
    company: companySummarySchema,
    nature: natureSchema,
    natureDetail: z.string().nullable(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    amountBand: amountBandSchema.nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    mitigations: z.array(mitigationSchema),
  })
  .meta({ id: 'Relationship' })
export type Relationship = z.infer<typeof relationshipSchema>

export const attestationSchema = z
  .object({
    id: z.string(),
    kind: attestationKindSchema,
    attestedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'Attestation' })
export type Attestation = z.infer<typeof attestationSchema>

/**
 * Where a person stands: `current` (attested, unexpired, list unchanged since), `expired`,
 * `changed` (the list changed after attesting), or `missing` (never attested).
 */
export const attestationStatusSchema = z
  .enum(['current', 'expired', 'changed', 'missing'])
  .meta({ id: 'AttestationStatus' })
export type AttestationStatus = z.infer<typeof attestationStatusSchema>

export const myDisclosuresSchema = z
  .object({
    status: attestationStatusSchema,
    attestation: attestationSchema.nullable().meta({ description: 'The latest attestation, current or not' }),
    relationships: z.array(relationshipSchema).meta({ description: 'Relationships in the past 24 months' }),
    droppedOutCount: z
      .number()
      .int()
      .meta({ description: 'Relationships that ended more than 24 months ago (no longer relevant)' }),
    windowStart: z.string().meta({ description: 'Relationships ending before this date have dropped out' }),
    statement: z.string().meta({ description: 'The plain-language statement the current list gives' }),
  })
  .meta({ id: 'MyDisclosures' })
export type MyDisclosures = z.infer<typeof myDisclosuresSchema>

export const relationshipChangeSchema = z
  .object({
    relationship: relationshipSchema,
    attestationSuperseded: z
      .boolean()
      .meta({ description: 'True when this change voided a current attestation: attest again' }),
  })
  .meta({ id: 'RelationshipChange' })

export const attestationCreateSchema = z
  .object({ kind: attestationKindSchema })
  .meta({ id: 'AttestationCreate' })

export const statementSchema = z
  .object({
    statement: z.string(),
    status: attestationStatusSchema,
    attestation: attestationSchema.nullable(),
  })
  .meta({ id: 'DisclosureStatement' })

export const memberDisclosureSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    status: attestationStatusSchema,
    attestation: attestationSchema.nullable(),
    relationships: z.array(relationshipSchema),
    droppedOutCount: z.number().int(),
  })
  .meta({ id: 'MemberDisclosure' })
export type MemberDisclosure = z.infer<typeof memberDisclosureSchema>

export const memberDisclosuresSchema = z
  .object({ windowStart: z.string(), members: z.array(memberDisclosureSchema) })
  .meta({ id: 'MemberDisclosureList' })

export const mitigationCreateSchema = z
  .object({
    steps: z
      .string()
      .trim()
      .min(10, 'describe the steps (at least 10 characters)')
      .max(2000)
      .meta({ example: 'Extra independent review by a reviewer without ties to Novo Nordisk' }),
  })
  .meta({ id: 'MitigationCreate' })

/** Why a reviewer should not review an author's work. */
export const conflictCategories = [
  'personal_relationship',
  'supervisor_trainee',
  'financial',
  'other',
] as const
export const conflictCategorySchema = z.enum(conflictCategories).meta({ id: 'ConflictCategory' })
export type ConflictCategory = z.infer<typeof conflictCategorySchema>

export const conflictCategoryLabels: Record<ConflictCategory, string> = {
  personal_relationship: 'personal relationship',
  supervisor_trainee: 'supervisor or trainee',
  financial: 'financial',
  other: 'other',
}

export const declaredConflictSchema = z
  .object({
    id: z.string(),
    author: z.object({ id: z.string(), name: z.string() }).nullable(),
    company: companySummarySchema.nullable(),
    /** Null for conflicts declared before categories existed, and for company-only conflicts. */
    category: conflictCategorySchema.nullable(),
    /** The declarer's own words (may be empty when the category says enough). */
    reason: z.string(),
    declaredAt: z.string(),
  })
  .meta({ id: 'DeclaredConflict' })
export type DeclaredConflictView = z.infer<typeof declaredConflictSchema>

export const declaredConflictCreateSchema = z
  .object({
    authorId: z.string().min(1).max(64).optional(),
    /** The organisation whose author list the author was chosen from (required with authorId). */
    organisation: z.string().min(1).max(64).optional(),
    companyId: companyIdSchema.optional(),
    companyName: companyNameSchema.optional(),
    category: conflictCategorySchema.optional(),
    reason: z.string().trim().max(500).optional(),
  })
  .superRefine((v, ctx) => {
    if (v.companyId && v.companyName) requireOneCompany(v, ctx)
    if (!v.authorId && !v.companyId && !v.companyName) {
      ctx.addIssue({ code: 'custom', path: ['authorId'], message: 'name an author, a company, or both' })
    }
    if (v.authorId && !v.category) {
      ctx.addIssue({ code: 'custom', path: ['category'], message: 'say what kind of conflict it is' })
    }
    if (v.authorId && !v.organisation) {
      ctx.addIssue({ code: 'custom', path: ['organisation'], message: 'name the organisation of the author' })
    }
    // A category says enough for a conflict with an author, except "other"; anything else needs words.
    const needsWords = !v.category || v.category === 'other'
    if (needsWords && (v.reason ?? '').length < 5) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'say why (at least 5 characters)' })
    }
  })
  .meta({ id: 'DeclaredConflictCreate' })
export type DeclaredConflictCreate = z.infer<typeof declaredConflictCreateSchema>

/** A member who writes for the organisation, as any member may see them (no contact details). */
export const organisationAuthorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    profession: z.string().nullable(),
  })
  .meta({ id: 'OrganisationAuthor' })
export type OrganisationAuthor = z.infer<typeof organisationAuthorSchema>
