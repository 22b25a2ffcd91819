import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { defineDailyJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import type { JobDefinition } from '#src/platform/jobs/queue.ts'
import { expireApprovals } from './review.service.ts'

export const EXPIRE_APPROVALS_JOB = 'review.expire-approvals'

/** Daily, 02:00 UTC: approvals past their expiry send their items back to review. */
export function reviewJobs(deps: () => AccountsDeps): JobDefinition<unknown>[] {
  return [
    defineDailyJob({ name: EXPIRE_APPROVALS_JOB, hourUtc: 2, deps, run: () => expireApprovals(deps()) }),
  ]
}

export function scheduleApprovalExpiry(deps: AccountsDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, EXPIRE_APPROVALS_JOB)
}
