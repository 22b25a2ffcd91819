import { z } from 'zod'

/** One entry of the audit trail as the API shows it. Summaries never hold patient text. */
export const auditEventSchema = z
  .object({
    seq: z.number().int(),
    occurredAt: z.string(),
    actor: z.object({ id: z.string(), name: z.string() }).nullable(),
    action: z.string(),
    resourceType: z.string(),
    resourceId: z.string(),
    summary: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'AuditEvent' })

export type AuditEvent = z.infer<typeof auditEventSchema>

export const auditListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
})

export const auditListResponseSchema = z
  .object({ events: z.array(auditEventSchema) })
  .meta({ id: 'AuditEventList' })

/** What a caller records: who did what to which resource, with a before/after summary of ids and codes. */
export type AuditEntry = {
  actorId: string | null
  action: string
  resourceType: string
  resourceId: string
  organisationId: string | null
  summary: Record<string, unknown>
}

export type AuditVerification =
  | { ok: true; checked: number }
  | { ok: false; checked: number; brokenAt: number; reason: string }
