import { z } from 'zod'
import type { Clock } from '#src/platform/clock.ts'
import type { Db } from '#src/platform/db/database.ts'
import { listPendingJobs } from './job.repository.ts'
import { defineJob, type JobDefinition, type Queue } from './queue.ts'

export type DailyDeps = { db: Db; queue: Queue; clock: Clock }

/** The next run after `now` at `hourUtc` o'clock UTC: today if that is still ahead, else tomorrow. */
export function nextDailyRun(now: Date, hourUtc: number): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), hourUtc))
  if (next.getTime() <= now.getTime()) next.setUTCDate(next.getUTCDate() + 1)
  return next
}

/**
 * A job that runs again and again by queueing its own successor at `next(now)`. The successor is
 * queued before the work, so a failing run (retried, perhaps dead-lettered) never ends the
 * schedule; only one future run is kept, so duplicate schedules die out. `deps` is read when the
 * job runs (the queue is built from the registry holding the job).
 */
export function defineRecurringJob(options: {
  name: string
  next: (now: Date) => Date
  deps: () => DailyDeps
  run: () => Promise<unknown>
}): JobDefinition<unknown> {
  return defineJob({
    name: options.name,
    schema: z.object({}),
    maxAttempts: 3,
    async handler(_payload, context) {
      const d = options.deps()
      await d.db.transaction().execute(async (tx) => {
        const others = (await listPendingJobs(tx, options.name)).filter((j) => j.id !== context.jobId)
        if (others.some((j) => j.status === 'queued' || j.id < context.jobId)) return
        await d.queue.enqueue(tx, options.name, {}, { runAt: options.next(d.clock.now()) })
      })
      await options.run()
    },
  })
}

/** A recurring job that runs once a day at a fixed hour (UTC). */
export function defineDailyJob(options: {
  name: string
  hourUtc: number
  deps: () => DailyDeps
  run: () => Promise<unknown>
}): JobDefinition<unknown> {
  const { hourUtc, ...rest } = options
  return defineRecurringJob({ ...rest, next: (now) => nextDailyRun(now, hourUtc) })
}

/** Queues a run of a recurring job now unless one is already waiting or running; true if it queued one. */
export async function scheduleRecurringJob(deps: DailyDeps, name: string): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    if ((await listPendingJobs(tx, name)).length > 0) return false
    await deps.queue.enqueue(tx, name, {})
    return true
  })
}
