import { z } from 'zod'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { defineJob, type JobDefinition } from '#src/platform/jobs/queue.ts'
import { sendCertificateReminders } from './certificate.service.ts'
import { listPendingJobIds } from './training.repository.ts'
import { syncBuiltInTraining } from './training.service.ts'

export const CERTIFICATE_REMINDERS_JOB = 'standards.certificate-reminders'

/** The daily run happens at this hour (UTC). */
const RUN_HOUR_UTC = 6

/** The next run after `now`: tomorrow at RUN_HOUR_UTC (or today, if that is still ahead). */
export function nextReminderRun(now: Date): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), RUN_HOUR_UTC))
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1)
  return next
}

/**
 * The training jobs. `deps` is read when a job runs (the queue the jobs need is built after
 * the registry that holds them).
 *
 * `standards.certificate-reminders` mails holders whose certificate expires within 30 days
 * (once per certificate), and queues its own next run for the following day. Only one
 * future run is kept: if another run is already queued, or another is running with a
 * smaller job id, this one queues no successor, so duplicate schedules die out.
 */
export function trainingJobs(deps: () => AccountsDeps): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: CERTIFICATE_REMINDERS_JOB,
      schema: z.object({}),
      maxAttempts: 3,
      async handler(_payload, context) {
        const d = deps()
        // The successor first, so a failing sweep (retried, perhaps dead-lettered) never
        // ends the daily schedule.
        await d.db.transaction().execute(async (tx) => {
          const others = (await listPendingJobIds(tx, CERTIFICATE_REMINDERS_JOB)).filter(
            (j) => j.id !== context.jobId,
          )
          if (others.some((j) => j.status === 'queued' || j.id < context.jobId)) return
          await d.queue.enqueue(tx, CERTIFICATE_REMINDERS_JOB, {}, { runAt: nextReminderRun(d.clock.now()) })
        })
        await sendCertificateReminders(d)
      },
    }),
  ]
}

/** Queues a reminder run now unless one is already waiting or running. */
export async function scheduleCertificateReminders(deps: AccountsDeps): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    if ((await listPendingJobIds(tx, CERTIFICATE_REMINDERS_JOB)).length > 0) return false
    await deps.queue.enqueue(tx, CERTIFICATE_REMINDERS_JOB, {})
    return true
  })
}

/**
 * What every process that serves or seeds Rounds does at start-up: load the built-in
 * lessons and questions (new versions only where files changed) and make sure the daily
 * reminder run is scheduled.
 */
export async function startTraining(deps: AccountsDeps) {
  const content = await syncBuiltInTraining(deps)
  const scheduled = await scheduleCertificateReminders(deps)
  return { ...content, remindersScheduled: scheduled }
}
