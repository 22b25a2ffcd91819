import { z } from 'zod'
import { channelIdSchema } from '#src/capabilities/screening/screening.schema.ts'

/** Engagement metrics: request and response shapes (the web imports these). */

export const metricNames = [
  'views',
  'impressions',
  'reach',
  'likes',
  'reposts',
  'quotes',
  'replies',
  'saves',
  'watchTimeSeconds',
  'averageViewSeconds',
] as const
export const metricNameSchema = z.enum(metricNames)

export const metricSourceSchema = z.enum(['api', 'import'])
export type MetricSource = z.infer<typeof metricSourceSchema>

export const importLayoutSchema = z.enum(['youtube-studio', 'x-analytics', 'meta-business-suite', 'custom'])
export type ImportLayout = z.infer<typeof importLayoutSchema>

const header = z.string().min(1).max(200)

export const columnMappingSchema = z
  .object({
    idColumn: header.optional(),
    urlColumn: header.optional(),
    /** Header name → the metric its numbers are. */
    metrics: z.record(header, metricNameSchema),
  })
  .meta({ id: 'MetricsColumnMapping' })
export type ColumnMapping = z.infer<typeof columnMappingSchema>

export const metricsImportRequestSchema = z
  .object({
    filename: z.string().trim().min(1).max(200),
    /** The exported file's text (UTF-8). */
    csv: z.string().min(1).max(2_000_000),
    /** Needed for a layout Rounds does not recognise; overrides a recognised one. */
    mapping: columnMappingSchema.optional(),
    /** The day the export's figures are as of (defaults to today, UTC). */
    asOf: z.iso.date().optional(),
  })
  .meta({ id: 'MetricsImportRequest' })
export type MetricsImportRequest = z.infer<typeof metricsImportRequestSchema>

const metricValuesSchema = z.partialRecord(metricNameSchema, z.number()).meta({ id: 'MetricValues' })

export const importRowSchema = z
  .object({
    row: z.number().int(),
    status: z.enum(['matched', 'unmatched', 'error']),
    postId: z.string().nullable(),
    url: z.string().nullable(),
    itemId: z.string().nullable(),
    itemTitle: z.string().nullable(),
    channel: channelIdSchema.nullable(),
    metrics: metricValuesSchema,
    errors: z.array(z.string()),
  })
  .meta({ id: 'MetricsImportRow' })
export type ImportRow = z.infer<typeof importRowSchema>

export const importPreviewSchema = z
  .object({
    layout: importLayoutSchema.nullable(),
    label: z.string().nullable(),
    headers: z.array(z.string()),
    mapping: columnMappingSchema.nullable(),
    asOf: z.string(),
    rows: z.array(importRowSchema),
    counts: z.object({ matched: z.number(), unmatched: z.number(), errors: z.number() }),
    /** Set after an import: how many metric values were written (inserted or replaced). */
    valuesWritten: z.number().optional(),
    importId: z.string().optional(),
  })
  .meta({ id: 'MetricsImportPreview' })
export type ImportPreview = z.infer<typeof importPreviewSchema>

export const channelMetricsSchema = z
  .object({
    channel: channelIdSchema,
    remoteId: z.string(),
    url: z.string().nullable(),
    capturedAt: z.string().nullable(),
    metrics: metricValuesSchema,
    lastError: z.string().nullable(),
  })
  .meta({ id: 'ChannelMetrics' })

export const itemMetricsSummarySchema = z
  .object({
    itemId: z.string(),
    title: z.string(),
    posts: z.array(channelMetricsSchema),
    /** Sum over the item's posts of each metric's latest value (averages are not summed). */
    totals: metricValuesSchema,
  })
  .meta({ id: 'ItemMetricsSummary' })
export type ItemMetricsSummary = z.infer<typeof itemMetricsSummarySchema>

export const engagementOverviewSchema = z
  .object({ items: z.array(itemMetricsSummarySchema) })
  .meta({ id: 'EngagementOverview' })

export const metricPointSchema = z
  .object({
    capturedAt: z.string(),
    channel: channelIdSchema,
    remoteId: z.string(),
    metric: metricNameSchema,
    value: z.number(),
    source: metricSourceSchema,
  })
  .meta({ id: 'MetricPoint' })
export type MetricPoint = z.infer<typeof metricPointSchema>

export const itemMetricsSchema = z
  .object({ summary: itemMetricsSummarySchema, points: z.array(metricPointSchema) })
  .meta({ id: 'ItemMetrics' })
export type ItemMetrics = z.infer<typeof itemMetricsSchema>

export const refreshResultSchema = z
  .object({
    refreshed: z.number().int(),
    failed: z.array(z.object({ channel: channelIdSchema, message: z.string() })),
    waiting: z.array(z.object({ channel: channelIdSchema, until: z.string() })),
    item: itemMetricsSchema,
  })
  .meta({ id: 'MetricsRefreshResult' })
export type RefreshResult = z.infer<typeof refreshResultSchema>
export type EngagementOverview = z.infer<typeof engagementOverviewSchema>
