import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { defineDailyJob, nextDailyRun, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import type { JobDefinition } from '#src/platform/jobs/queue.ts'
import { sendCertificateReminders } from './certificate.service.ts'
import { syncBuiltInTraining } from './training.service.ts'

export const CERTIFICATE_REMINDERS_JOB = 'standards.certificate-reminders'

/** The daily run happens at this hour (UTC). */
const RUN_HOUR_UTC = 6

/** The next run after `now`: tomorrow at RUN_HOUR_UTC (or today, if that is still ahead). */
export function nextReminderRun(now: Date): Date {
  return nextDailyRun(now, RUN_HOUR_UTC)
}

/**
 * The training jobs. `standards.certificate-reminders` mails holders whose certificate
 * expires within 30 days (once per certificate), daily.
 */
export function trainingJobs(deps: () => AccountsDeps): JobDefinition<unknown>[] {
  return [
    defineDailyJob({
      name: CERTIFICATE_REMINDERS_JOB,
      hourUtc: RUN_HOUR_UTC,
      deps,
      run: () => sendCertificateReminders(deps()),
    }),
  ]
}

/** Queues a reminder run now unless one is already waiting or running. */
export function scheduleCertificateReminders(deps: AccountsDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, CERTIFICATE_REMINDERS_JOB)
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
