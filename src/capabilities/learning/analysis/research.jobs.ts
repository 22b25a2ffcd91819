import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { defineRecurringJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import type { JobDefinition } from '#src/platform/jobs/queue.ts'
import { loadKeptResearchViews, refreshStaleResearchViews } from './research.service.ts'

export const RESEARCH_SWEEP_JOB = 'research.view-sweep'
/** How often the sweep looks for organisations whose research view is behind their data. */
export const RESEARCH_SWEEP_EVERY_MS = 5 * 60_000

/**
 * Keeps research views computed ahead of requests: every five minutes, each organisation whose
 * data version has moved on since its kept view is recomputed (decision 027).
 */
export function researchJobs(deps: () => AccountsDeps): JobDefinition<unknown>[] {
  return [
    defineRecurringJob({
      name: RESEARCH_SWEEP_JOB,
      next: (now) => new Date(now.getTime() + RESEARCH_SWEEP_EVERY_MS),
      deps,
      run: () => refreshStaleResearchViews(deps()),
    }),
  ]
}

/**
 * At server start: reads the kept views into memory and starts the sweep unless a run is already
 * waiting.
 */
export async function startResearchViews(deps: AccountsDeps): Promise<boolean> {
  await loadKeptResearchViews(deps)
  return scheduleRecurringJob(deps, RESEARCH_SWEEP_JOB)
}
