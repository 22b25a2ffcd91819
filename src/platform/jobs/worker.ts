import type { Clock } from '#src/platform/clock.ts'
import type { Db, Dialect } from '#src/platform/db/database.ts'
import type { Logger } from '#src/platform/logger.ts'
import { claimNextJob, type JobRecord, renewJobLease, settleJob } from './job.repository.ts'
import { backoffMs, type JobRegistry } from './queue.ts'

export type WorkerOptions = {
  db: Db
  dialect: Dialect
  clock: Clock
  log: Logger
  registry: JobRegistry
  workerId: string
  /** How long a claimed job is ours before another worker may take it over. */
  leaseMs?: number
  pollMs?: number
}

export type JobWorker = {
  /** Claims and runs at most one job; true if it ran one. */
  runOnce(): Promise<boolean>
  /** Runs until every due job is done; returns how many ran. */
  drain(): Promise<number>
  start(): void
  stop(): Promise<void>
}

/** Polls the job table, runs each job once at a time, retries with backoff, dead-letters. */
export function createWorker(options: WorkerOptions): JobWorker {
  const leaseMs = options.leaseMs ?? 60_000
  const pollMs = options.pollMs ?? 1_000
  const { db, clock, log, registry, workerId } = options
  let running = false
  let loop: Promise<void> | null = null
  let wake: (() => void) | null = null
  const controller = new AbortController()

  async function runOnce(): Promise<boolean> {
    const now = clock.now()
    const job = await claimNextJob(db, options.dialect, {
      workerId,
      now: now.toISOString(),
      leaseUntil: new Date(now.getTime() + leaseMs).toISOString(),
      names: [...registry.keys()],
    })
    if (!job) return false
    await execute(job)
    return true
  }

  async function execute(job: JobRecord): Promise<void> {
    const definition = registry.get(job.name)
    const at = () => clock.now().toISOString()
    if (!definition) return
    if (job.attempts > job.maxAttempts) {
      await settleJob(db, job.id, workerId, {
        status: 'dead',
        now: at(),
        lastError: 'attempts exhausted (worker lost)',
      })
      log.error({ jobId: job.id, job: job.name }, 'job dead-lettered after its worker was lost')
      return
    }
    const heartbeat = setInterval(
      () => {
        renewJobLease(db, job.id, workerId, new Date(clock.now().getTime() + leaseMs).toISOString()).catch(
          () => {},
        )
      },
      Math.max(50, Math.floor(leaseMs / 3)),
    )
    try {
      const payload = definition.schema.parse(JSON.parse(job.payload))
      await definition.handler(payload, { jobId: job.id, attempt: job.attempts, signal: controller.signal })
      await settleJob(db, job.id, workerId, { status: 'done', now: at(), lastError: null })
      log.debug({ jobId: job.id, job: job.name, attempt: job.attempts }, 'job done')
    } catch (error) {
      // Only the error's class and code are kept: messages may quote user content.
      const reason = describeError(error)
      if (job.attempts >= job.maxAttempts) {
        await settleJob(db, job.id, workerId, { status: 'dead', now: at(), lastError: reason })
        log.error({ jobId: job.id, job: job.name, attempt: job.attempts, reason }, 'job dead-lettered')
      } else {
        const runAt = new Date(clock.now().getTime() + backoffMs(job.attempts)).toISOString()
        await settleJob(db, job.id, workerId, { status: 'queued', now: at(), runAt, lastError: reason })
        log.warn({ jobId: job.id, job: job.name, attempt: job.attempts, reason }, 'job failed; will retry')
      }
    } finally {
      clearInterval(heartbeat)
    }
  }

  async function drain(): Promise<number> {
    let n = 0
    while (await runOnce()) n += 1
    return n
  }

  return {
    runOnce,
    drain,
    start() {
      if (running) return
      running = true
      loop = (async () => {
        while (running) {
          let ran = false
          try {
            ran = await runOnce()
          } catch (error) {
            log.error({ reason: describeError(error) }, 'worker could not claim a job')
          }
          if (!ran && running) {
            await new Promise<void>((resolve) => {
              const t = setTimeout(resolve, pollMs)
              wake = () => {
                clearTimeout(t)
                resolve()
              }
            })
          }
        }
      })()
    },
    async stop() {
      running = false
      controller.abort()
      wake?.()
      await loop
    },
  }
}

function describeError(error: unknown): string {
  if (error && typeof error === 'object') {
    const e = error as { name?: string; code?: unknown }
    return [e.name ?? 'Error', typeof e.code === 'string' ? e.code : ''].filter(Boolean).join(' ')
  }
  return 'Error'
}
