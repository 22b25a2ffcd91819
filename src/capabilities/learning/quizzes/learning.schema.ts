import { z } from 'zod'

/** Events the public page's script reports (the content was shown; the video player). */
const seconds = z.number().finite().min(0).max(86_400)
const progress = z.number().finite().min(0).max(1)
const sessionId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/)

export const learningEventSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('viewed') }),
    z.object({
      type: z.enum(['played', 'paused', 'completed']),
      mediaId: z.string().min(1).max(64),
      sessionId,
      time: seconds,
      length: seconds.optional(),
      progress: progress.optional(),
    }),
    z.object({
      type: z.literal('seeked'),
      mediaId: z.string().min(1).max(64),
      sessionId,
      timeFrom: seconds,
      timeTo: seconds,
      length: seconds.optional(),
    }),
  ])
  .meta({ id: 'LearningEvent' })
export type LearningEvent = z.infer<typeof learningEventSchema>

export const learningEventResultSchema = z
  .object({
    /** false when the learner has not consented: nothing was recorded. */
    recorded: z.boolean(),
  })
  .meta({ id: 'LearningEventResult' })

const nullableNumber = z.number().nullable()
export const itemLearningSummarySchema = z
  .object({
    hasQuiz: z.boolean(),
    questions: z.number().int(),
    gain: z.object({
      nPrePost: z.number().int(),
      meanGain: nullableNumber,
      nNormalised: z.number().int(),
      meanNormalisedGain: nullableNumber,
      nRetention: z.number().int(),
      meanRetention: nullableNumber,
      n: z.object({ pre: z.number().int(), post: z.number().int(), delayed: z.number().int() }),
    }),
    passRate: z.object({ pre: nullableNumber, post: nullableNumber, delayed: nullableNumber }),
    meanScore: z.object({ pre: nullableNumber, post: nullableNumber, delayed: nullableNumber }),
    learners: z.number().int(),
    completionRate: nullableNumber,
  })
  .meta({ id: 'ItemLearningSummary' })
export type ItemLearningSummaryBody = z.infer<typeof itemLearningSummarySchema>
