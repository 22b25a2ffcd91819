import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { manualClock, randomIds } from '#src/platform/clock.ts'
import { type Database, openDatabase } from '#src/platform/db/database.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import { createDbQueue } from './db-queue.ts'
import { claimNextJob, countJobsByStatus, settleJob } from './job.repository.ts'
import { createJobRegistry, defineJob, type JobDefinition } from './queue.ts'
import { createWorker } from './worker.ts'

describe.each(testDialects)('ordering keys on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('job').execute()
  })

  function harness(definitions: JobDefinition<unknown>[]) {
    const clock = manualClock()
    const registry = createJobRegistry(definitions)
    const queue = createDbQueue({ clock, ids: randomIds, registry })
    const worker = (on: Database = database, workerId = 'worker-1') =>
      createWorker({ db: on.db, dialect: on.dialect, clock, log: createSilentLogger(), registry, workerId })
    const claim = (workerId: string) =>
      claimNextJob(database.db, database.dialect, {
        workerId,
        now: clock.now().toISOString(),
        leaseUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
        names: [...registry.keys()],
      })
    const settle = (id: string, workerId: string, status: 'done' | 'queued' = 'done', runAt?: string) =>
      settleJob(database.db, id, workerId, {
        status,
        now: clock.now().toISOString(),
        ...(runAt ? { runAt } : {}),
      })
    return { clock, queue, worker, claim, settle }
  }

  const labelled = defineJob({
    name: 'test.step',
    schema: z.object({ label: z.string() }),
    async handler() {},
  })
  const labelOf = async (id: string | undefined) =>
    id
      ? JSON.parse(
          (
            await database.db
              .selectFrom('job')
              .select('payload')
              .where('id', '=', id)
              .executeTakeFirstOrThrow()
          ).payload,
        ).label
      : null

  it('holds a job while an earlier one with its key is queued or running; other keys pass', async () => {
    const { queue, claim, settle } = harness([labelled])
    await queue.enqueue(database.db, 'test.step', { label: 'create' }, { orderingKey: 'post-1' })
    await queue.enqueue(database.db, 'test.step', { label: 'delete' }, { orderingKey: 'post-1' })
    await queue.enqueue(database.db, 'test.step', { label: 'other' }, { orderingKey: 'post-2' })
    await queue.enqueue(database.db, 'test.step', { label: 'free' })

    const first = await claim('w1')
    expect(await labelOf(first?.id)).toBe('create')
    // While "create" runs, "delete" waits; the other key and the unkeyed job do not.
    const next = [await claim('w2'), await claim('w3')]
    expect((await Promise.all(next.map((j) => labelOf(j?.id)))).sort()).toEqual(['free', 'other'])
    expect(await claim('w4')).toBeNull()
    await settle(first?.id as string, 'w1')
    expect(await labelOf((await claim('w4'))?.id)).toBe('delete')
  })

  it('keeps enqueue order when the later job is due first, and while the earlier one waits to retry', async () => {
    const { clock, queue, claim, settle } = harness([labelled])
    const later = new Date(clock.now().getTime() + 10_000)
    await queue.enqueue(database.db, 'test.step', { label: 'create' }, { orderingKey: 'k', runAt: later })
    await queue.enqueue(database.db, 'test.step', { label: 'delete' }, { orderingKey: 'k' })
    // "delete" is due, "create" is not: nothing of key k runs yet.
    expect(await claim('w1')).toBeNull()
    clock.advance(10_000)
    const create = await claim('w1')
    expect(await labelOf(create?.id)).toBe('create')
    // It fails and is put back for a retry in a minute: "delete" still waits for it.
    await settle(create?.id as string, 'w1', 'queued', new Date(clock.now().getTime() + 60_000).toISOString())
    expect(await claim('w2')).toBeNull()
    clock.advance(60_000)
    const retried = await claim('w2')
    expect(await labelOf(retried?.id)).toBe('create')
    await settle(retried?.id as string, 'w2')
    expect(await labelOf((await claim('w2'))?.id)).toBe('delete')
  })

  it('a job enqueued in place of a running one goes before the jobs enqueued after it', async () => {
    const { queue, claim, settle } = harness([labelled])
    const createId = await queue.enqueue(database.db, 'test.step', { label: 'create' }, { orderingKey: 'k' })
    await queue.enqueue(database.db, 'test.step', { label: 'delete' }, { orderingKey: 'k' })
    expect((await claim('w1'))?.id).toBe(createId)
    // The running job schedules its own retry as a new job, then finishes.
    await queue.enqueue(
      database.db,
      'test.step',
      { label: 'create (retry)' },
      { orderingKey: 'k', inPlaceOf: createId },
    )
    await settle(createId, 'w1')
    const retry = await claim('w1')
    expect(await labelOf(retry?.id)).toBe('create (retry)')
    await settle(retry?.id as string, 'w1')
    expect(await labelOf((await claim('w1'))?.id)).toBe('delete')
  })

  it('two workers on separate connections run each key one at a time, in enqueue order', async () => {
    const second = openDatabase(database.url)
    try {
      const running = new Map<string, number>()
      const started: Array<{ key: string; n: number }> = []
      let overlaps = 0
      let keyedInParallel = 0
      const job = defineJob({
        name: 'test.keyed',
        schema: z.object({ key: z.string(), n: z.number() }),
        async handler({ key, n }) {
          if ((running.get(key) ?? 0) > 0) overlaps += 1
          if ([...running.values()].some((v) => v > 0)) keyedInParallel += 1
          running.set(key, (running.get(key) ?? 0) + 1)
          started.push({ key, n })
          // Hold the job (for varying times), so the other worker claims while this one runs.
          await sleep(2 + (n % 4) * 2)
          running.set(key, (running.get(key) ?? 0) - 1)
        },
      })
      const { queue, worker } = harness([job])
      const keys = ['a', 'b', 'c']
      // Each key's jobs in a row: without ordering, both workers would take the same key at once.
      for (let n = 0; n < 30; n += 1) {
        const key = keys[Math.floor(n / 10)] as string
        await queue.enqueue(database.db, 'test.keyed', { key, n }, { orderingKey: key })
      }
      const [x, y] = await Promise.all([
        worker(database, 'worker-a').drain(),
        worker(second, 'worker-b').drain(),
      ])
      expect(x + y).toBe(30)
      // Both took part, and ran different keys side by side; otherwise this proves nothing.
      expect(x).toBeGreaterThan(0)
      expect(y).toBeGreaterThan(0)
      expect(keyedInParallel).toBeGreaterThan(0)
      expect(overlaps).toBe(0)
      for (const key of keys) {
        const order = started.filter((s) => s.key === key).map((s) => s.n)
        expect(order).toEqual([...order].sort((p, q) => p - q))
        expect(order).toHaveLength(10)
      }
      expect(await countJobsByStatus(database.db)).toEqual({ done: 30 })
    } finally {
      await second.destroy()
    }
  })
})
