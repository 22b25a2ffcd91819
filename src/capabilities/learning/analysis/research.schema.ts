import { z } from 'zod'
import { metricNameSchema } from '#src/capabilities/learning/metrics/metrics.schema.ts'

/** Research view: how engagement relates to learning across an organisation's items. */

export const researchOutcomeSchema = z
  .enum(['meanGain', 'meanNormalisedGain'])
  .meta({ id: 'ResearchOutcome' })
export type ResearchOutcome = z.infer<typeof researchOutcomeSchema>

export const researchQuerySchema = z.object({
  /** Which learning measure the metrics are set against (default: mean post − pre). */
  outcome: researchOutcomeSchema.default('meanGain'),
})

const estimateSchema = z
  .object({
    r: z.number(),
    /** 95% percentile bootstrap interval; null when too few resamples had any variation. */
    low: z.number().nullable(),
    high: z.number().nullable(),
  })
  .meta({ id: 'ResearchEstimate' })

export const researchCorrelationSchema = z
  .object({
    metric: metricNameSchema,
    /** Items with both the metric and a learning gain. */
    n: z.number().int(),
    /** Null under 3 pairs or when either side does not vary. */
    pearson: estimateSchema.nullable(),
    spearman: estimateSchema.nullable(),
    caption: z.string(),
  })
  .meta({ id: 'ResearchCorrelation' })

export const researchPointSchema = z
  .object({ itemId: z.string(), x: z.number(), y: z.number() })
  .meta({ id: 'ResearchPoint' })

export const researchScatterSchema = z
  .object({
    metric: metricNameSchema,
    points: z.array(researchPointSchema),
    /** Least-squares line y = intercept + slope·x; null under 3 points or with no spread in x. */
    fit: z.object({ intercept: z.number(), slope: z.number() }).nullable(),
  })
  .meta({ id: 'ResearchScatter' })

export const researchCoefficientSchema = z
  .object({
    name: z.string(),
    label: z.string(),
    estimate: z.number(),
    standardError: z.number(),
    /** 95% interval from the t distribution. */
    low: z.number(),
    high: z.number(),
  })
  .meta({ id: 'ResearchCoefficient' })

export const researchModelSchema = z
  .object({
    outcome: z.string(),
    outcomeLabel: z.string(),
    n: z.number().int(),
    /** Null when the model could not be fitted (too few items). */
    fit: z
      .object({
        df: z.number().int(),
        rSquared: z.number(),
        coefficients: z.array(researchCoefficientSchema),
        /** Features left out: constant across the items, a combination of others, or no room left. */
        dropped: z.array(z.string()),
      })
      .nullable(),
    caption: z.string(),
  })
  .meta({ id: 'ResearchModel' })

export const researchViewSchema = z
  .object({
    outcome: researchOutcomeSchema,
    /**
     * When these figures were computed. They are recomputed in the background when the
     * organisation's quiz attempts, snapshots, items or presenters change, and after ten minutes.
     */
    computedAt: z.string().meta({ example: '2026-11-27T10:00:00.000Z' }),
    /**
     * True when newer data exists than these figures include and a recomputation is running; ask
     * again shortly for the new figures.
     */
    refreshing: z.boolean(),
    /** Items with any learning gain or engagement figure. */
    items: z.number().int(),
    itemsWithGain: z.number().int(),
    /** Bootstrap resamples per interval and the seed, so a reader can reproduce them. */
    bootstrap: z.object({ resamples: z.number().int(), seed: z.number().int() }),
    caption: z.string(),
    correlations: z.array(researchCorrelationSchema),
    scatter: z.array(researchScatterSchema),
    /** Each item's title, by id (the scatter points name items by id). */
    titles: z.record(z.string(), z.string()),
    models: z.array(researchModelSchema),
  })
  .meta({ id: 'ResearchView' })
export type ResearchView = z.infer<typeof researchViewSchema>
export type ResearchCorrelation = z.infer<typeof researchCorrelationSchema>
export type ResearchModel = z.infer<typeof researchModelSchema>
