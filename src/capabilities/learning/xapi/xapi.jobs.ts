import { z } from 'zod'
import { defineDailyJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import { FORWARD_JOB, type ForwardDeps, forwardStatements } from './xapi.forward.ts'

export const FORWARD_SWEEP_JOB = 'xapi.forward-sweep'

/**
 * `xapi.forward`: sends an organisation's due outbox rows to its external LRS. A failed send
 * reschedules the job itself (the outbox keeps the rows), so the queue's own retries only
 * cover a crash of the worker mid-run. Daily at 04:00 UTC a sweep enqueues the job for every
 * organisation with waiting statements, in case a job was dead-lettered (e.g. its secret
 * could not be read until a key was restored).
 */
export function xapiJobs(deps: () => ForwardDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: FORWARD_JOB,
      schema: z.object({ organisationId: z.string().min(1) }),
      handler: async (payload) => {
        await forwardStatements(deps(), payload.organisationId)
      },
    }),
    defineDailyJob({
      name: FORWARD_SWEEP_JOB,
      hourUtc: 4,
      deps,
      run: async () => {
        const d = deps()
        const orgs = await d.db
          .selectFrom('xapi_forward_outbox')
          .select('organisation_id')
          .distinct()
          .execute()
        for (const { organisation_id } of orgs)
          await d.queue.enqueue(d.db, FORWARD_JOB, { organisationId: organisation_id })
      },
    }),
  ]
}

export function scheduleForwardSweep(deps: ForwardDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, FORWARD_SWEEP_JOB)
}
