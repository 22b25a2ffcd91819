import { z } from 'zod'

/** Request and response shapes of the LRS administration API (web UI and CLI import these). */

export const lrsClientSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    key: z.string().meta({ description: 'The HTTP Basic user name' }),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .meta({ id: 'LrsClient' })
export type LrsClient = z.infer<typeof lrsClientSchema>

export const lrsClientCreatedSchema = z
  .object({
    client: lrsClientSchema,
    key: z.string(),
    secret: z.string().meta({ description: 'Shown once; Rounds keeps only its hash' }),
    endpoint: z.string().meta({ description: 'The xAPI endpoint (…/xapi/)' }),
  })
  .meta({ id: 'LrsClientCreated' })
export type LrsClientCreated = z.infer<typeof lrsClientCreatedSchema>

export const createLrsClientSchema = z
  .object({ name: z.string().trim().min(1).max(100) })
  .meta({ id: 'CreateLrsClient' })

export const lrsClientListSchema = z
  .object({ clients: z.array(lrsClientSchema), endpoint: z.string() })
  .meta({ id: 'LrsClientList' })

export const forwardingSchema = z
  .object({
    endpoint: z.string(),
    username: z.string(),
    version: z.enum(['1.0.3', '2.0.0']),
    updatedAt: z.string(),
    pending: z.number().int().meta({ description: 'Statements not yet accepted by the external LRS' }),
    oldestPendingAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'LrsForwarding' })
export type Forwarding = z.infer<typeof forwardingSchema>

export const forwardingResponseSchema = z
  .object({ forwarding: forwardingSchema.nullable() })
  .meta({ id: 'LrsForwardingResponse' })

export const setForwardingSchema = z
  .object({
    endpoint: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL such as https://lrs.example.org/xapi/' })
      .max(2000),
    username: z.string().min(1).max(500),
    secret: z.string().min(1).max(2000),
    version: z.enum(['1.0.3', '2.0.0']).default('1.0.3'),
  })
  .meta({ id: 'SetLrsForwarding' })
export type SetForwarding = z.infer<typeof setForwardingSchema>
