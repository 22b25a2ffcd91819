import { z } from 'zod'

/** Which regulators' guidance an organisation follows: UK (GMC, NMC), US (AMA, FSMB, HIPAA, ACCME) or both. */
export const guidanceSchema = z.enum(['uk', 'us', 'both'])

export const organisationSettingsSchema = z
  .object({
    guidance: guidanceSchema,
    trainingValidityMonths: z.number().int().min(1).max(60),
    reviewersRequired: z.number().int().min(1).max(5),
    approvalExpiryMonths: z.number().int().min(1).max(60),
  })
  .meta({ id: 'OrganisationSettings' })
export type OrganisationSettings = z.infer<typeof organisationSettingsSchema>

export const defaultOrganisationSettings: OrganisationSettings = {
  guidance: 'both',
  trainingValidityMonths: 12,
  reviewersRequired: 2,
  approvalExpiryMonths: 24,
}

export const organisationSettingsUpdateSchema = organisationSettingsSchema
  .partial()
  .meta({ id: 'OrganisationSettingsUpdate' })
