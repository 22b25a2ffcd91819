import { z } from 'zod'
import { defineDailyJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import {
  EXPIRE_UPLOADS_JOB,
  expireAbandonedUploads,
  type MediaDeps,
  REDACT_VIDEO_ATTEMPTS,
  REDACT_VIDEO_JOB,
  redactVideoUpload,
  SCREEN_UPLOAD_ATTEMPTS,
  SCREEN_UPLOAD_JOB,
  screenUpload,
} from './media.service.ts'

/**
 * Screening of an uploaded file, enqueued with the upload's completion; the redaction of a
 * video, enqueued when its author asks for it; and daily at 03:00
 * UTC, the chunks of abandoned uploads deleted.
 */
export function mediaJobs(deps: () => MediaDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: SCREEN_UPLOAD_JOB,
      schema: z.object({ uploadId: z.string().min(1) }),
      maxAttempts: SCREEN_UPLOAD_ATTEMPTS,
      handler: (payload, context) => screenUpload(deps(), payload.uploadId, context),
    }),
    defineJob({
      name: REDACT_VIDEO_JOB,
      schema: z.object({ uploadId: z.string().min(1) }),
      maxAttempts: REDACT_VIDEO_ATTEMPTS,
      handler: (payload, context) => redactVideoUpload(deps(), payload.uploadId, context),
    }),
    defineDailyJob({ name: EXPIRE_UPLOADS_JOB, hourUtc: 3, deps, run: () => expireAbandonedUploads(deps()) }),
  ]
}

export function scheduleUploadExpiry(deps: MediaDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, EXPIRE_UPLOADS_JOB)
}
