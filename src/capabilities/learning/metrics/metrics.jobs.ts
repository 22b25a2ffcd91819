import { z } from 'zod'
import { listPendingJobs } from '#src/platform/jobs/job.repository.ts'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import { type MetricsDeps, pullDueMetrics } from './metrics.service.ts'

export const METRICS_SWEEP_JOB = 'metrics.sweep'
/** The sweep looks for due posts this often; each post's own schedule says when it is due. */
export const SWEEP_EVERY_MS = 60 * 60_000

/**
 * The hourly metrics sweep. Like the daily jobs, it queues its successor before its work,
 * so a failing run never ends the schedule, and keeps only one future run.
 */
export function metricsJobs(deps: () => MetricsDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: METRICS_SWEEP_JOB,
      schema: z.object({}),
      maxAttempts: 3,
      async handler(_payload, context) {
        const d = deps()
        await d.db.transaction().execute(async (tx) => {
          const others = (await listPendingJobs(tx, METRICS_SWEEP_JOB)).filter((j) => j.id !== context.jobId)
          if (others.some((j) => j.status === 'queued' || j.id < context.jobId)) return
          await d.queue.enqueue(
            tx,
            METRICS_SWEEP_JOB,
            {},
            { runAt: new Date(d.clock.now().getTime() + SWEEP_EVERY_MS) },
          )
        })
        await pullDueMetrics(d)
      },
    }),
  ]
}

/** Starts the sweep unless a run is already waiting (called at server start). */
export async function scheduleMetricsSweep(deps: MetricsDeps): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    if ((await listPendingJobs(tx, METRICS_SWEEP_JOB)).length > 0) return false
    await deps.queue.enqueue(tx, METRICS_SWEEP_JOB, {})
    return true
  })
}
