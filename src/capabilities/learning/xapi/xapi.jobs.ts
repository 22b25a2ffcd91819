import { z } from 'zod'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import { FORWARD_JOB, type ForwardDeps, forwardStatements } from './xapi.forward.ts'

/**
 * `xapi.forward`: sends an organisation's due outbox rows to its external LRS. A failed send
 * reschedules the job itself (the outbox keeps the rows), so the queue's own retries only
 * cover a crash of the worker mid-run.
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
  ]
}
