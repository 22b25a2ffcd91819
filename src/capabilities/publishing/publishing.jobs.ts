import { z } from 'zod'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import { REFRESH_ACCOUNT_JOB, refreshAccount } from './channels.service.ts'
import { deliverPublication, withdrawPublication } from './delivery.ts'
import type { PublishingDeps } from './publishing.deps.ts'
import { DELIVER_JOB, WITHDRAW_JOB } from './publishing.service.ts'

const publicationPayload = z.object({ publicationId: z.string().min(1) })

/**
 * Publishing's jobs. Delivery and withdrawal handle their own waiting (Retry-After, rate
 * limits, backoff) by queuing a successor for the right time, so their attempts here only
 * cover crashes. `deps` is read when a job runs (the queue is built from this registry).
 */
export function publishingJobs(deps: () => PublishingDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: DELIVER_JOB,
      schema: publicationPayload,
      maxAttempts: 10,
      handler: (p, context) => deliverPublication(deps(), p.publicationId, context.jobId),
    }),
    defineJob({
      name: WITHDRAW_JOB,
      schema: publicationPayload,
      maxAttempts: 10,
      handler: (p, context) => withdrawPublication(deps(), p.publicationId, context.jobId),
    }),
    defineJob({
      name: REFRESH_ACCOUNT_JOB,
      schema: z.object({ accountId: z.string().min(1) }),
      maxAttempts: 5,
      handler: async (p) => {
        await refreshAccount(deps(), p.accountId)
      },
    }),
  ]
}
