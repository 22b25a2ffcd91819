import { z } from 'zod'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import { type MediaDeps, SCREEN_UPLOAD_ATTEMPTS, SCREEN_UPLOAD_JOB, screenUpload } from './media.service.ts'

/** Screening of an uploaded file, enqueued with the upload's completion. */
export function mediaJobs(deps: () => MediaDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: SCREEN_UPLOAD_JOB,
      schema: z.object({ uploadId: z.string().min(1) }),
      maxAttempts: SCREEN_UPLOAD_ATTEMPTS,
      handler: (payload, context) => screenUpload(deps(), payload.uploadId, context),
    }),
  ]
}
