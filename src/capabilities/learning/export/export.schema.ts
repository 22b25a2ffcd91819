import { z } from 'zod'

/** Anonymised research exports: request and response shapes (the web imports these). */

export const DEFAULT_K = 5
export const MAX_K = 100
/** Days a finished export's file is kept before the sweep deletes it. */
export const RETENTION_DAYS = 7

const isoDate = z.iso.date('a date as YYYY-MM-DD')

export const exportGranularitySchema = z.enum(['month', 'day']).meta({ id: 'ResearchExportGranularity' })

export const exportParamsSchema = z
  .object({
    /** Small-cell threshold: cells from fewer learners are blanked, items with fewer dropped from row tables. */
    k: z
      .number()
      .int('k must be a whole number')
      .min(1, 'k must be at least 1')
      .max(MAX_K, `k must be at most ${MAX_K}`),
    /** First day (UTC) of publication of the items included; null for no lower bound. */
    from: isoDate.nullable(),
    /** Last day (UTC) included: items published by then, and data captured by its end; null for now. */
    to: isoDate.nullable(),
    /** How dates are coarsened in the files (month unless days are asked for). */
    granularity: exportGranularitySchema,
  })
  .meta({ id: 'ResearchExportParams' })
export type ExportParams = z.infer<typeof exportParamsSchema>

export const exportRequestSchema = z
  .object({
    k: exportParamsSchema.shape.k.default(DEFAULT_K),
    from: isoDate.nullable().default(null),
    to: isoDate.nullable().default(null),
    granularity: exportGranularitySchema.default('month'),
  })
  .strict()
  .refine((p) => p.from === null || p.to === null || p.from <= p.to, {
    message: 'from must be on or before to',
    path: ['from'],
  })
  .meta({ id: 'ResearchExportRequest' })
export type ExportRequest = z.input<typeof exportRequestSchema>

export const exportStatusSchema = z
  .enum(['queued', 'running', 'ready', 'failed', 'expired'])
  .meta({ id: 'ResearchExportStatus' })
export type ExportStatus = z.infer<typeof exportStatusSchema>

export const exportTableSummarySchema = z
  .object({
    name: z.string(),
    rows: z.number().int(),
    droppedItems: z.number().int(),
    droppedRows: z.number().int(),
    suppressedCells: z.number().int(),
  })
  .meta({ id: 'ResearchExportTableSummary' })
export type ExportTableSummary = z.infer<typeof exportTableSummarySchema>

export const researchExportSchema = z
  .object({
    id: z.string(),
    status: exportStatusSchema,
    /** What the job is doing now (shown beside the progress bar). */
    stage: z.string(),
    /** 0–100. */
    progress: z.number().int(),
    params: exportParamsSchema,
    requestedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    tables: z.array(exportTableSummarySchema),
    /** Bytes of the ZIP, once ready. */
    size: z.number().int().nullable(),
    sha256: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    /** When the file is deleted (set once ready). */
    expiresAt: z.string().nullable(),
  })
  .meta({ id: 'ResearchExport' })
export type ResearchExport = z.infer<typeof researchExportSchema>

export const researchExportListSchema = z
  .object({ exports: z.array(researchExportSchema), retentionDays: z.number().int() })
  .meta({ id: 'ResearchExportList' })
export type ResearchExportList = z.infer<typeof researchExportListSchema>

export const codebookEntrySchema = z
  .object({
    table: z.string(),
    column: z.string(),
    type: z.string(),
    unit: z.string(),
    allowed: z.string(),
    description: z.string(),
    suppression: z.string(),
  })
  .meta({ id: 'ResearchCodebookEntry' })
export type CodebookEntry = z.infer<typeof codebookEntrySchema>

export const codebookSchema = z
  .object({
    tables: z.array(
      z.object({
        name: z.string(),
        file: z.string(),
        grain: z.string(),
        disclosure: z.enum(['aggregate', 'rows', 'none']),
      }),
    ),
    columns: z.array(codebookEntrySchema),
  })
  .meta({ id: 'ResearchCodebook' })
export type Codebook = z.infer<typeof codebookSchema>
