import { z } from 'zod'
import { defineDailyJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import {
  type ExportDeps,
  RESEARCH_EXPORT_JOB,
  runResearchExport,
  sweepExpiredExports,
} from './export.service.ts'

export const EXPORT_SWEEP_JOB = 'research.export-sweep'

/**
 * `research.export` builds one export (queued with its record); `research.export-sweep`, daily
 * at 03:00 UTC, deletes the files of exports past their retention period.
 */
export function exportJobs(deps: () => ExportDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: RESEARCH_EXPORT_JOB,
      schema: z.object({ exportId: z.string().min(1) }),
      maxAttempts: 2,
      handler: (payload) => runResearchExport(deps(), payload.exportId),
    }),
    defineDailyJob({
      name: EXPORT_SWEEP_JOB,
      hourUtc: 3,
      deps,
      run: () => sweepExpiredExports(deps()),
    }),
  ]
}

export function scheduleExportSweep(deps: ExportDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, EXPORT_SWEEP_JOB)
}
