import { defineDailyJob, scheduleRecurringJob } from '#src/platform/jobs/daily.ts'
import type { JobDefinition } from '#src/platform/jobs/queue.ts'
import { type LearningDeps, sendDelayedQuizReminders } from './learning.service.ts'

export const DELAYED_QUIZ_REMINDER_JOB = 'learning.delayed-quiz-reminders'

/**
 * `learning.delayed-quiz-reminders`: daily at 09:00 UTC, tells each signed-in learner whose
 * delayed quiz has opened (once per learner and item).
 */
export function learningJobs(deps: () => LearningDeps): JobDefinition<unknown>[] {
  return [
    defineDailyJob({
      name: DELAYED_QUIZ_REMINDER_JOB,
      hourUtc: 9,
      deps,
      run: () => sendDelayedQuizReminders(deps()),
    }),
  ]
}

export function scheduleDelayedQuizReminders(deps: LearningDeps): Promise<boolean> {
  return scheduleRecurringJob(deps, DELAYED_QUIZ_REMINDER_JOB)
}
