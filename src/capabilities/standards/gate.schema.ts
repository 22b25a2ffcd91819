import { z } from 'zod'

export const readinessGapSchema = z
  .object({
    code: z.enum(['TRAINING_REQUIRED', 'DISPLAY_NAME_REQUIRED', 'DISCLOSURE_REQUIRED']),
    message: z.string(),
    /** Where in the web UI the author can put it right. */
    link: z.string(),
  })
  .meta({ id: 'ReadinessGap' })
export type ReadinessGap = z.infer<typeof readinessGapSchema>

export const readinessSchema = z
  .object({
    ready: z.boolean(),
    missing: z.array(readinessGapSchema),
    certificate: z.object({ id: z.string(), issuedAt: z.string(), expiresAt: z.string() }).nullable(),
    attestation: z
      .object({ kind: z.enum(['none', 'complete']), attestedAt: z.string(), expiresAt: z.string() })
      .nullable(),
  })
  .meta({ id: 'SubmissionReadiness' })
export type Readiness = z.infer<typeof readinessSchema>
