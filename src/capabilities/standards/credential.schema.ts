import { z } from 'zod'
import { certificateVerificationSchema } from './training.schema.ts'

export const credentialVerifyRequestSchema = z
  .object({
    credential: z
      .string()
      .trim()
      .min(1, 'paste the credential (the text of the .jwt file)')
      .max(20_000, 'a Rounds credential is much shorter than this'),
  })
  .meta({ id: 'CredentialVerifyRequest' })

export const credentialVerificationSchema = z
  .object({
    /** True only when the signature is valid and the certificate is valid now. */
    verified: z.boolean(),
    signature: z.enum(['valid', 'malformed', 'unknown-key', 'bad-signature', 'inconsistent']),
    issuer: z.object({ slug: z.string(), name: z.string() }).nullable(),
    certificate: certificateVerificationSchema.nullable(),
    /** Each reason it is not verified, in words. */
    problems: z.array(z.string()),
  })
  .meta({ id: 'CredentialVerification' })
export type CredentialVerification = z.infer<typeof credentialVerificationSchema>

export const jwksSchema = z
  .object({ keys: z.array(z.looseObject({ kty: z.string(), kid: z.string().optional() })) })
  .meta({ id: 'JsonWebKeySet' })

export const issuerProfileSchema = z
  .looseObject({
    '@context': z.array(z.string()),
    id: z.string(),
    type: z.array(z.string()),
    name: z.string(),
    url: z.string(),
    jwks_uri: z.string(),
  })
  .meta({ id: 'OpenBadgeIssuerProfile' })

export const achievementSchema = z
  .looseObject({
    id: z.string(),
    type: z.array(z.string()),
    name: z.string(),
    description: z.string(),
    criteria: z.object({ narrative: z.string() }),
  })
  .meta({ id: 'OpenBadgeAchievement' })
