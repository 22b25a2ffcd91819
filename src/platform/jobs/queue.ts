import type { z } from 'zod'
import type { Executor } from '#src/platform/db/database.ts'

/**
 * A job: a name, the schema of its payload, and a handler. Handlers must be idempotent:
 * a job whose worker crashed mid-run is run again once its lease expires.
 */
export type JobDefinition<P = unknown> = {
  name: string
  schema: z.ZodType<P>
  handler: (payload: P, context: JobContext) => Promise<void>
  /** Attempts before the job is dead-lettered. */
  maxAttempts?: number
}

export type JobContext = { jobId: string; attempt: number; signal: AbortSignal }

export type EnqueueOptions = {
  runAt?: Date
  maxAttempts?: number
  /**
   * Jobs with the same ordering key run one at a time, in the order they were enqueued: a job
   * waits while an earlier one with its key is queued (even for a later run_at, or a retry)
   * or running. Jobs without a key, or with other keys, are not held up.
   */
  orderingKey?: string
  /**
   * With an ordering key: the new job takes this job's place in line rather than the end of
   * it. For a job that schedules its own retry as a new job, so the retry still runs before
   * the jobs enqueued after the original.
   */
  inPlaceOf?: string
}

/**
 * The one queue interface. `enqueue` takes the transaction that writes the data the job is
 * about, so a job exists if and only if that data committed.
 */
export type Queue = {
  enqueue(tx: Executor, name: string, payload: unknown, options?: EnqueueOptions): Promise<string>
}

export const DEFAULT_MAX_ATTEMPTS = 5

/** Exponential backoff with a ceiling: 2 s, 4 s, 8 s … up to 10 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, attempt - 1), 600_000)
}

export type JobRegistry = Map<string, JobDefinition<unknown>>

/** Declares a job; the handler receives the payload as its schema parsed it. */
export function defineJob<P>(definition: JobDefinition<P>): JobDefinition<unknown> {
  return definition as JobDefinition<unknown>
}

export function createJobRegistry(definitions: JobDefinition<unknown>[]): JobRegistry {
  const registry: JobRegistry = new Map()
  for (const d of definitions) {
    if (registry.has(d.name)) throw new Error(`job ${d.name} is defined twice`)
    registry.set(d.name, d)
  }
  return registry
}
