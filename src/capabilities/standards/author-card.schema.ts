import { z } from 'zod'
import {
  professionSchema,
  registrationBodySchema,
  slugSchema,
} from '#src/capabilities/accounts/accounts.schema.ts'
import { attestationKindSchema } from './disclosure.schema.ts'

export const authorCardQuerySchema = z.object({
  org: slugSchema.meta({ description: 'The organisation the author publishes with' }),
})

export const authorCardSchema = z
  .object({
    userId: z.string(),
    name: z.string(),
    profession: professionSchema.nullable(),
    professionLabel: z.string().nullable().meta({ example: 'Doctor' }),
    registration: z
      .object({
        body: registrationBodySchema,
        number: z.string(),
        label: z.string().meta({ example: 'GMC 7654321' }),
      })
      .nullable(),
    verification: z
      .object({
        organisation: z.string().meta({ example: 'Demo Teaching Channel' }),
        verifiedAt: z.string(),
        label: z.string().meta({ example: 'verified by Demo Teaching Channel' }),
      })
      .nullable()
      .meta({ description: 'Who checked the registration against the public register, and when' }),
    disclosure: z
      .object({
        statement: z.string(),
        kind: attestationKindSchema,
        attestedAt: z.string(),
        expiresAt: z.string(),
      })
      .nullable()
      .meta({
        description: 'The current disclosure statement; null while the author has no current attestation',
      }),
    line: z
      .string()
      .meta({ example: 'Dr Priya Shah, Doctor, GMC 7654321 — verified by Demo Teaching Channel' }),
  })
  .meta({ id: 'AuthorCard' })
export type AuthorCard = z.infer<typeof authorCardSchema>
