import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { defineDailyJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import type { JobDefinition } from '#src/platform/jobs/queue.ts'
import { sendApprovalExpiryWarnings, sendReviewReminders } from './notifications.service.ts'

export const NOTIFICATION_REMINDERS_JOB = 'notifications.reminders'

/**
 * Daily, 07:00 UTC (after the 02:00 approval-expiry sweep, before the working day in Europe):
 * reviews due soon or overdue, and approvals 30 days from expiry.
 */
export function notificationJobs(deps: () => AccountsDeps): JobDefinition<unknown>[] {
  return [
    defineDailyJob({
      name: NOTIFICATION_REMINDERS_JOB,
      hourUtc: 7,
      deps,
      run: async () => {
        await sendReviewReminders(deps())
        await sendApprovalExpiryWarnings(deps())
      },
    }),
  ]
}

export function scheduleNotificationReminders(deps: AccountsDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, NOTIFICATION_REMINDERS_JOB)
}
