import type { Message, MessageQueue } from '@fedify/fedify'
import { Temporal } from '@js-temporal/polyfill'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualClock, randomIds } from '#src/platform/clock.ts'
import { createDbQueue } from '#src/platform/jobs/db-queue.ts'
import { createJobRegistry } from '#src/platform/jobs/queue.ts'
import { createWorker } from '#src/platform/jobs/worker.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { createKeyring, generateKey } from '#src/platform/secrets.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import { createJobMessageQueue, federationJobs } from './federation.queue.ts'

const seconds = (s: number) =>
  Temporal.Duration.from({ seconds: s }) as unknown as globalThis.Temporal.Duration

describe.each(testDialects)("Fedify's message queue over the job queue on %s", (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('job').execute()
  })

  /**
   * The adapter and a worker, with `handle` standing in for Fedify's task processing: it
   * receives each message and the adapter, as Fedify does when it re-enqueues a retry.
   */
  function harness(handle: (message: Message, mq: MessageQueue) => Promise<void>) {
    const clock = manualClock()
    const keyring = createKeyring([generateKey()])
    let mq: MessageQueue
    const registry = createJobRegistry(
      federationJobs(() => ({ keyring, run: (message) => handle(message, mq) })),
    )
    const queue = createDbQueue({ clock, ids: randomIds, registry })
    mq = createJobMessageQueue({ db: database.db, clock, queue, keyring })
    const worker = createWorker({
      db: database.db,
      dialect: database.dialect,
      clock,
      log: createSilentLogger(),
      registry,
      workerId: 'w1',
    })
    return { clock, mq, worker }
  }

  const outbox = (id: string, activity: string, attempt = 0) =>
    ({ type: 'outbox', id, activity, attempt }) as unknown as Message

  it('gives Fedify’s ordering key to the job, so a Delete waits for its Create', async () => {
    const ran: string[] = []
    const { clock, mq, worker } = harness(async (message) => {
      ran.push((message as unknown as { activity: string }).activity)
    })
    // The Create is due in a minute; the Delete at once. The Delete still goes second.
    await mq.enqueue(outbox('m1', 'Create'), { orderingKey: 'post-1\nhttps://b.example', delay: seconds(60) })
    await mq.enqueue(outbox('m2', 'Delete'), { orderingKey: 'post-1\nhttps://b.example' })
    await mq.enqueue(outbox('m3', 'Like'))
    expect(await worker.drain()).toBe(1)
    expect(ran).toEqual(['Like'])
    clock.advance(60_000)
    expect(await worker.drain()).toBe(2)
    expect(ran).toEqual(['Like', 'Create', 'Delete'])
    const keys = await database.db
      .selectFrom('job')
      .select('ordering_key')
      .where('ordering_key', 'is not', null)
      .execute()
    expect(keys.map((k) => k.ordering_key)).toEqual([
      'federation:post-1\nhttps://b.example',
      'federation:post-1\nhttps://b.example',
    ])
  })

  it('a retry Fedify enqueues for a failed delivery keeps its place before later activities', async () => {
    const ran: string[] = []
    const { clock, mq, worker } = harness(async (message, queue) => {
      const m = message as unknown as { activity: string; attempt: number; id: string }
      ran.push(`${m.activity}#${m.attempt}`)
      // The first attempt at the Create fails: Fedify re-enqueues the same message, one attempt on.
      if (m.activity === 'Create' && m.attempt === 0)
        await queue.enqueue({ ...message, attempt: 1 } as Message, {
          orderingKey: 'post-1\nhttps://b.example',
          delay: seconds(30),
        })
    })
    await mq.enqueue(outbox('m1', 'Create'), { orderingKey: 'post-1\nhttps://b.example' })
    await mq.enqueue(outbox('m2', 'Delete'), { orderingKey: 'post-1\nhttps://b.example' })
    await worker.drain()
    // The retry is not due yet, and the Delete waits behind it.
    expect(ran).toEqual(['Create#0'])
    clock.advance(30_000)
    await worker.drain()
    expect(ran).toEqual(['Create#0', 'Create#1', 'Delete#0'])
  })
})
