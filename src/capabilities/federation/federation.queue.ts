import { AsyncLocalStorage } from 'node:async_hooks'
import type {
  Message,
  MessageQueue,
  MessageQueueEnqueueOptions,
  MessageQueueListenOptions,
} from '@fedify/fedify'
import { z } from 'zod'
import type { Clock } from '#src/platform/clock.ts'
import type { Db } from '#src/platform/db/database.ts'
import { defineJob, type JobDefinition, type Queue } from '#src/platform/jobs/queue.ts'
import { decryptJson, encryptJson, type Keyring } from '#src/platform/secrets.ts'

export const FEDERATION_TASK_JOB = 'federation.task'
const SEAL_CONTEXT = 'job:federation.task'

/** The task this process is running: Fedify enqueues a delivery's retry from inside it. */
const runningTask = new AsyncLocalStorage<{ jobId: string; messageId: string | null }>()
const messageIdOf = (message: unknown): string | null =>
  message && typeof message === 'object' && typeof (message as { id?: unknown }).id === 'string'
    ? (message as { id: string }).id
    : null

/**
 * Fedify's message queue over Rounds' job queue: each fan-out, outgoing delivery and
 * incoming activity is a `federation.task` job row, so deliveries survive a restart and run
 * in whichever process runs jobs (the server, or `rounds worker`). Fedify's messages carry
 * the signing key of the sending actor, so the payload is sealed with the secrets key ring;
 * no private key sits in the job table in clear.
 *
 * Fedify retries failed deliveries itself (nativeRetrial false): it re-enqueues with its
 * backoff, which becomes a job with a later run_at. Fedify's ordering keys (one per object and
 * receiving server, so a Delete never overtakes its Create) become the job's ordering key: a
 * key's jobs run one at a time in enqueue order. A retry Fedify enqueues while running a task
 * (the same message, one attempt on) takes that task's place in line, so it still goes before
 * the activities enqueued after the original.
 */
export function createJobMessageQueue(deps: {
  db: Db
  clock: Clock
  queue: Queue
  keyring: Keyring
}): MessageQueue {
  const enqueueOne = async (message: unknown, options?: MessageQueueEnqueueOptions) => {
    const delayMs = options?.delay ? Math.max(0, options.delay.total({ unit: 'millisecond' })) : 0
    const running = runningTask.getStore()
    const retryOfRunning =
      running !== undefined && running.messageId !== null && running.messageId === messageIdOf(message)
    await deps.queue.enqueue(
      deps.db,
      FEDERATION_TASK_JOB,
      { sealed: encryptJson(deps.keyring, message, SEAL_CONTEXT) },
      {
        ...(delayMs > 0 ? { runAt: new Date(deps.clock.now().getTime() + delayMs) } : {}),
        ...(options?.orderingKey
          ? {
              orderingKey: `federation:${options.orderingKey}`,
              ...(retryOfRunning ? { inPlaceOf: running.jobId } : {}),
            }
          : {}),
      },
    )
  }
  return {
    nativeRetrial: false,
    enqueue: enqueueOne,
    async enqueueMany(messages, options) {
      for (const m of messages) await enqueueOne(m, options)
    },
    // Tasks are run by the job worker (federationJobs), never by a listener of Fedify's own.
    listen(_handler, options?: MessageQueueListenOptions) {
      return new Promise<void>((resolve) => {
        if (!options?.signal) return
        if (options.signal.aborted) resolve()
        else options.signal.addEventListener('abort', () => resolve(), { once: true })
      })
    },
  }
}

/** The job that runs one Fedify task; `run` is `federation.processQueuedTask` bound to its context data. */
export function federationJobs(
  get: () => { keyring: Keyring; run(message: Message): Promise<void> },
): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: FEDERATION_TASK_JOB,
      schema: z.object({ sealed: z.string().min(1) }),
      // Fedify retries deliveries with its own backoff; a failure here is a bug or a lost
      // key, worth a few attempts and then the dead-letter list.
      maxAttempts: 3,
      handler: async ({ sealed }, context) => {
        const { keyring, run } = get()
        const message = decryptJson<Message>(keyring, sealed, SEAL_CONTEXT)
        await runningTask.run({ jobId: context.jobId, messageId: messageIdOf(message) }, () => run(message))
      },
    }),
  ]
}
