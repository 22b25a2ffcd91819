import { defineRecurringJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import type { JobDefinition } from '#src/platform/jobs/queue.ts'
import { type MetricsDeps, pullDueMetrics } from './metrics.service.ts'

export const METRICS_SWEEP_JOB = 'metrics.sweep'
/** The sweep looks for due posts this often; each post's own schedule says when it is due. */
export const SWEEP_EVERY_MS = 60 * 60_000

/** The hourly metrics sweep: a recurring job that keeps one future run. */
export function metricsJobs(deps: () => MetricsDeps): JobDefinition<unknown>[] {
  return [
    defineRecurringJob({
      name: METRICS_SWEEP_JOB,
      next: (now) => new Date(now.getTime() + SWEEP_EVERY_MS),
      deps,
      run: () => pullDueMetrics(deps()),
    }),
  ]
}

/** Starts the sweep unless a run is already waiting (called at server start). */
export function scheduleMetricsSweep(deps: MetricsDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, METRICS_SWEEP_JOB)
}
