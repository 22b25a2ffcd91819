import { z } from 'zod'

/** Learning and reach aggregated over the items of a series or of a channel (the web imports these). */

const nullableNumber = z.number().nullable()
const steps = z.object({ pre: nullableNumber, post: nullableNumber, delayed: nullableNumber })

export const groupLearningSchema = z.object({
  /** Learners who opened one of the group's items (one per learner and item). */
  learners: z.number().int(),
  n: z.object({ pre: z.number().int(), post: z.number().int(), delayed: z.number().int() }),
  /** Mean score (0–1) at each step over every learner of the group's items who took it. */
  meanScore: steps,
  nPrePost: z.number().int(),
  meanGain: nullableNumber,
  nNormalised: z.number().int(),
  meanNormalisedGain: nullableNumber,
  nRetention: z.number().int(),
  meanRetention: nullableNumber,
  /** Share of learners who took the post quiz; null when nobody opened an item. */
  completionRate: nullableNumber,
})

export const reachWeekSchema = z.object({
  /** The end of the week (YYYY-MM-DD): figures are the latest known on that day, summed over posts. */
  week: z.string(),
  views: z.number(),
  likes: z.number(),
  reposts: z.number(),
  replies: z.number(),
})

export const analyticsGroupSchema = z.object({
  /** The series id, 'none' for items in no series, or the channel id. */
  key: z.string(),
  label: z.string(),
  items: z.number().int(),
  posts: z.number().int(),
  learning: groupLearningSchema,
  /** Latest figures summed over the group's posts. */
  totals: reachWeekSchema.omit({ week: true }),
  /** Weekly totals, oldest first (at most 26 weeks). */
  reach: z.array(reachWeekSchema),
})

export const analyticsGroupsSchema = z
  .object({
    by: z.enum(['series', 'channel']),
    groups: z.array(analyticsGroupSchema),
  })
  .meta({ id: 'AnalyticsGroups' })
export type AnalyticsGroups = z.infer<typeof analyticsGroupsSchema>
export type AnalyticsGroup = z.infer<typeof analyticsGroupSchema>
export type ReachWeek = z.infer<typeof reachWeekSchema>
