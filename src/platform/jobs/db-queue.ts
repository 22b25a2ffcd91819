import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { insertJob } from './job.repository.ts'
import { DEFAULT_MAX_ATTEMPTS, type EnqueueOptions, type JobRegistry, type Queue } from './queue.ts'

/**
 * The database-backed queue: a job is a row written by the caller's transaction. Payloads
 * are validated against the job's schema at enqueue time, so a bad job fails where it is made.
 */
export function createDbQueue(deps: { clock: Clock; ids: Ids; registry: JobRegistry }): Queue {
  return {
    async enqueue(
      tx: Executor,
      name: string,
      payload: unknown,
      options: EnqueueOptions = {},
    ): Promise<string> {
      const definition = deps.registry.get(name)
      if (!definition) throw new Error(`unknown job ${name}`)
      const parsed = definition.schema.parse(payload)
      const id = deps.ids.next()
      const now = deps.clock.now()
      await insertJob(tx, {
        id,
        name,
        payload: JSON.stringify(parsed),
        maxAttempts: options.maxAttempts ?? definition.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        runAt: (options.runAt ?? now).toISOString(),
        now: now.toISOString(),
        ...(options.orderingKey !== undefined
          ? { ordering: { key: options.orderingKey, inPlaceOf: options.inPlaceOf ?? null } }
          : {}),
      })
      return id
    },
  }
}
