import { z } from 'zod'

/** A correction notice as anyone may see it: it is published with the item. */
export const correctionSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    /** The version the notice corrects (the published one when it was posted). */
    version: z.number().int(),
    contentHash: z.string(),
    notice: z.string(),
    postedAt: z.string(),
  })
  .meta({ id: 'Correction' })
export type Correction = z.infer<typeof correctionSchema>

export const correctionCreateSchema = z
  .object({
    notice: z
      .string()
      .trim()
      .min(10, 'say what was wrong and what is right (at least 10 characters)')
      .max(2000, 'keep the notice under 2,000 characters'),
  })
  .meta({ id: 'CorrectionCreate' })
export type CorrectionCreate = z.infer<typeof correctionCreateSchema>

export const correctionListSchema = z
  .object({ corrections: z.array(correctionSchema) })
  .meta({ id: 'CorrectionList' })
