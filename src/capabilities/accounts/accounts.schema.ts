import { z } from 'zod'

export const roles = ['admin', 'editor', 'reviewer', 'author', 'researcher'] as const
export const roleSchema = z
  .enum(roles)
  .meta({ id: 'Role', description: 'A member role within one organisation' })
export type Role = z.infer<typeof roleSchema>

export const professions = [
  'doctor',
  'nurse',
  'midwife',
  'pharmacist',
  'allied_health',
  'medical_student',
  'other',
] as const
export const professionSchema = z.enum(professions)

export const registrationBodies = ['GMC', 'NMC', 'NPI', 'GPhC', 'HCPC', 'other'] as const
export const registrationBodySchema = z.enum(registrationBodies)

/** Everything an organisation member may be allowed to do; the server computes them per role. */
export const permissions = [
  'screening.use',
  'content.create',
  'review.perform',
  'review.manage',
  'publishing.manage',
  'analytics.read',
  'analytics.manage',
  'members.read',
  'members.manage',
  'identity.verify',
  'audit.read',
  'organisation.manage',
] as const
export const permissionSchema = z.enum(permissions)
export type Permission = z.infer<typeof permissionSchema>

export const slugSchema = z
  .string()
  .trim()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'lower-case letters, digits and hyphens')

// Trimmed and lower-cased before the format check (z.email() would check first and refuse
// a pasted address with a space around it).
const emailSchema = z.string().trim().toLowerCase().check(z.email()).max(254)

export const verificationSchema = z
  .object({
    verifiedAt: z.string(),
    verifiedBy: z.object({ id: z.string(), name: z.string() }),
    organisation: z.object({ slug: z.string(), name: z.string() }),
    note: z.string(),
  })
  .meta({ id: 'IdentityVerification' })

export const identitySchema = z
  .object({
    displayName: z.string(),
    profession: professionSchema.nullable(),
    registrationBody: registrationBodySchema.nullable(),
    registrationNumber: z.string().nullable(),
    verification: verificationSchema.nullable(),
  })
  .meta({ id: 'ProfessionalIdentity' })
export type Identity = z.infer<typeof identitySchema>

/** Registration number formats per body; bodies without a known format accept 3–20 letters and digits. */
export const registrationFormats: Record<string, { pattern: RegExp; hint: string }> = {
  GMC: { pattern: /^\d{7}$/, hint: 'GMC numbers have 7 digits' },
  NMC: { pattern: /^\d{2}[A-Z]\d{4}[A-Z]$/, hint: 'NMC PINs look like 12A3456E' },
  NPI: { pattern: /^\d{10}$/, hint: 'NPI numbers have 10 digits' },
  GPhC: { pattern: /^\d{7}$/, hint: 'GPhC numbers have 7 digits' },
  HCPC: { pattern: /^[A-Z]{2}\d{5,6}$/, hint: 'HCPC numbers look like PA12345' },
}

export const identityUpdateSchema = z
  .object({
    displayName: z.string().trim().min(2, 'at least 2 characters').max(120),
    profession: professionSchema.nullable(),
    registrationBody: registrationBodySchema.nullable(),
    registrationNumber: z
      .string()
      .trim()
      .toUpperCase()
      .max(20)
      .nullable()
      .transform((v) => (v === '' ? null : v)),
  })
  .superRefine((v, ctx) => {
    if (v.registrationBody && !v.registrationNumber) {
      ctx.addIssue({
        code: 'custom',
        path: ['registrationNumber'],
        message: 'required when a registration body is given',
      })
    }
    if (v.registrationNumber && !v.registrationBody) {
      ctx.addIssue({
        code: 'custom',
        path: ['registrationBody'],
        message: 'required when a registration number is given',
      })
    }
    if (v.registrationBody && v.registrationNumber) {
      const format = registrationFormats[v.registrationBody]
      const ok = format
        ? format.pattern.test(v.registrationNumber)
        : /^[A-Z0-9-]{3,20}$/.test(v.registrationNumber)
      if (!ok)
        ctx.addIssue({
          code: 'custom',
          path: ['registrationNumber'],
          message: format?.hint ?? 'letters and digits only',
        })
      else if (v.registrationBody === 'NPI' && !isValidNpi(v.registrationNumber)) {
        ctx.addIssue({
          code: 'custom',
          path: ['registrationNumber'],
          message: 'not a valid NPI (check digit fails)',
        })
      }
    }
  })
  .meta({ id: 'IdentityUpdate' })
export type IdentityUpdate = z.infer<typeof identityUpdateSchema>

/** NPI check digit: Luhn over the number prefixed with 80840 (CMS NPI standard). */
export function isValidNpi(npi: string): boolean {
  if (!/^\d{10}$/.test(npi)) return false
  const digits = `80840${npi}`.split('').map(Number)
  let sum = 0
  for (let i = 0; i < digits.length; i++) {
    let d = digits[digits.length - 1 - i] as number
    if (i % 2 === 1) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
  }
  return sum % 10 === 0
}

export const organisationSummarySchema = z
  .object({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    roles: z.array(roleSchema),
    permissions: z.array(permissionSchema),
  })
  .meta({ id: 'OrganisationMembership' })

export const meSchema = z
  .object({
    user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
    identity: identitySchema,
    organisations: z.array(organisationSummarySchema),
  })
  .meta({ id: 'Me' })
export type Me = z.infer<typeof meSchema>

export const organisationCreateSchema = z
  .object({
    slug: slugSchema,
    name: z.string().trim().min(2).max(120),
    description: z.string().trim().max(2000).optional().default(''),
  })
  .meta({ id: 'OrganisationCreate' })

export const organisationSchema = z
  .object({ id: z.string(), slug: z.string(), name: z.string(), description: z.string() })
  .meta({ id: 'Organisation' })
export type Organisation = z.infer<typeof organisationSchema>

export const memberSchema = z
  .object({
    userId: z.string(),
    email: z.string(),
    name: z.string(),
    roles: z.array(roleSchema),
    identity: identitySchema,
  })
  .meta({ id: 'Member' })
export type Member = z.infer<typeof memberSchema>

export const rolesUpdateSchema = z
  .object({ roles: z.array(roleSchema).min(1, 'a member needs at least one role').max(4) })
  .meta({ id: 'RolesUpdate' })

export const invitationCreateSchema = z
  .object({ email: emailSchema, roles: z.array(roleSchema).min(1).max(4) })
  .meta({ id: 'InvitationCreate' })

export const invitationSchema = z
  .object({ id: z.string(), email: z.string(), roles: z.array(roleSchema), expiresAt: z.string() })
  .meta({ id: 'Invitation' })
export type Invitation = z.infer<typeof invitationSchema>

export const invitationPreviewSchema = z
  .object({
    organisation: z.object({ slug: z.string(), name: z.string() }),
    email: z.string(),
    roles: z.array(roleSchema),
    expiresAt: z.string(),
  })
  .meta({ id: 'InvitationPreview' })

export const invitationAcceptSchema = z
  .object({ token: z.string().min(20).max(200) })
  .meta({ id: 'InvitationAccept' })

export const verificationCreateSchema = z
  .object({ note: z.string().trim().min(5, 'say what evidence you saw (at least 5 characters)').max(1000) })
  .meta({ id: 'VerificationCreate' })

export const membersResponseSchema = z
  .object({ members: z.array(memberSchema), invitations: z.array(invitationSchema) })
  .meta({ id: 'MemberList' })

export const userCreateSchema = z.object({
  email: emailSchema,
  password: z.string().min(12, 'at least 12 characters').max(128),
  name: z.string().trim().min(2).max(120),
})
