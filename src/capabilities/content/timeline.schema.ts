import { z } from 'zod'

/** Someone on the timeline; `id` is null when the reader may not know who (anonymous review). */
export const timelinePartySchema = z
  .object({ id: z.string().nullable(), name: z.string() })
  .meta({ id: 'TimelineParty' })

/** One audit event about the item, as the reader may see it. */
export const timelineEntrySchema = z
  .object({
    seq: z.number().int(),
    occurredAt: z.string(),
    /** null for Rounds itself (e.g. an approval expiring). */
    actor: timelinePartySchema.nullable(),
    /** The audit action, e.g. content.submit, review.assigned, review.decided. */
    action: z.string(),
    /** Ids and codes only, never user-written text; reviewers appear as `reviewer`. */
    summary: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'TimelineEntry' })
export type TimelineEntry = z.infer<typeof timelineEntrySchema>

export const timelineSchema = z
  .object({ itemId: z.string(), entries: z.array(timelineEntrySchema) })
  .meta({ id: 'ItemTimeline' })
export type Timeline = z.infer<typeof timelineSchema>
