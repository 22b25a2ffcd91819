import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { manualClock, randomIds } from '#src/platform/clock.ts'
import { type Database, openDatabase } from '#src/platform/db/database.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import { createDbQueue } from './db-queue.ts'
import { claimNextJob, countJobsByStatus, findJobById, settleJob } from './job.repository.ts'
import { backoffMs, createJobRegistry, defineJob, type JobDefinition } from './queue.ts'
import { createWorker } from './worker.ts'

type Run = { jobId: string; attempt: number; payload: unknown }

describe.each(testDialects)('jobs on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('job').execute()
  })

  /** A queue and workers over one registry, on a clock the test moves. */
  function harness(definitions: JobDefinition<unknown>[]) {
    const clock = manualClock()
    const registry = createJobRegistry(definitions)
    const queue = createDbQueue({ clock, ids: randomIds, registry })
    const worker = (on: Database = database, workerId = 'worker-1') =>
      createWorker({ db: on.db, dialect: on.dialect, clock, log: createSilentLogger(), registry, workerId })
    return { clock, queue, worker }
  }

  /** A job that records each run. */
  function recordingJob(
    name: string,
    runs: Run[],
    options: { fail?: () => Error; maxAttempts?: number } = {},
  ) {
    return defineJob({
      name,
      schema: z.object({ n: z.number().int(), label: z.string().default('none') }),
      ...(options.maxAttempts ? { maxAttempts: options.maxAttempts } : {}),
      async handler(payload, context) {
        runs.push({ jobId: context.jobId, attempt: context.attempt, payload })
        if (options.fail) throw options.fail()
      },
    })
  }

  it('never creates or runs a job whose transaction rolled back', async () => {
    const runs: Run[] = []
    const { queue, worker } = harness([recordingJob('test.echo', runs)])

    const attempt = database.db.transaction().execute(async (tx) => {
      await queue.enqueue(tx, 'test.echo', { n: 1 })
      // The job is visible inside its own transaction…
      expect(await tx.selectFrom('job').select('id').execute()).toHaveLength(1)
      throw new Error('the change failed')
    })
    await expect(attempt).rejects.toThrow('the change failed')

    // …and gone with it.
    expect(await countJobsByStatus(database.db)).toEqual({})
    expect(await worker().drain()).toBe(0)
    expect(runs).toEqual([])
  })

  it('runs a committed job exactly once, with the payload as its schema parsed it', async () => {
    const runs: Run[] = []
    const { queue, worker } = harness([recordingJob('test.echo', runs)])

    const jobId = await database.db.transaction().execute((tx) => queue.enqueue(tx, 'test.echo', { n: 7 }))
    const w = worker()
    expect(await w.drain()).toBe(1)
    expect(await w.drain()).toBe(0)
    expect(await worker(database, 'worker-2').drain()).toBe(0)

    expect(runs).toEqual([{ jobId, attempt: 1, payload: { n: 7, label: 'none' } }])
    const job = await findJobById(database.db, jobId)
    expect(job).toMatchObject({
      status: 'done',
      attempts: 1,
      lockedBy: null,
      lockedUntil: null,
      lastError: null,
    })
  })

  it('does not run a job before its runAt', async () => {
    const runs: Run[] = []
    const { clock, queue, worker } = harness([recordingJob('test.echo', runs)])
    await queue.enqueue(
      database.db,
      'test.echo',
      { n: 1 },
      { runAt: new Date(clock.now().getTime() + 60_000) },
    )

    expect(await worker().runOnce()).toBe(false)
    clock.advance(59_999)
    expect(await worker().runOnce()).toBe(false)
    clock.advance(1)
    expect(await worker().runOnce()).toBe(true)
    expect(runs).toHaveLength(1)
  })

  it('runs due jobs oldest first', async () => {
    const runs: Run[] = []
    const { clock, queue, worker } = harness([recordingJob('test.echo', runs)])
    const at = (ms: number) => ({ runAt: new Date(clock.now().getTime() - ms) })
    await queue.enqueue(database.db, 'test.echo', { n: 2 }, at(2_000))
    await queue.enqueue(database.db, 'test.echo', { n: 3 }, at(1_000))
    await queue.enqueue(database.db, 'test.echo', { n: 1 }, at(3_000))

    await worker().drain()
    expect(runs.map((r) => (r.payload as { n: number }).n)).toEqual([1, 2, 3])
  })

  it('retries a failing job after backoffMs, then dead-letters it after maxAttempts', async () => {
    const runs: Run[] = []
    class DeliveryError extends Error {
      override name = 'DeliveryError'
      code = 'E_REFUSED'
    }
    const { clock, queue, worker } = harness([
      recordingJob('test.flaky', runs, {
        maxAttempts: 3,
        fail: () => new DeliveryError('refused for patient Jane Doe'),
      }),
    ])
    const jobId = await queue.enqueue(database.db, 'test.flaky', { n: 1 })
    const w = worker()

    // Attempts 1 and 2 fail and are put back with a growing delay.
    for (const attempt of [1, 2]) {
      const failedAt = clock.now().getTime()
      expect(await w.runOnce()).toBe(true)
      const job = await findJobById(database.db, jobId)
      expect(job).toMatchObject({ status: 'queued', attempts: attempt, lockedBy: null })
      expect(job?.runAt).toBe(new Date(failedAt + backoffMs(attempt)).toISOString())
      // Only the error's class and code are stored: the message may quote user content.
      expect(job?.lastError).toBe('DeliveryError E_REFUSED')

      clock.advance(backoffMs(attempt) - 1)
      expect(await w.runOnce()).toBe(false)
      clock.advance(1)
    }

    // Attempt 3 is the last.
    expect(await w.runOnce()).toBe(true)
    expect(await findJobById(database.db, jobId)).toMatchObject({
      status: 'dead',
      attempts: 3,
      lockedBy: null,
      lastError: 'DeliveryError E_REFUSED',
    })
    clock.advance(24 * 60 * 60 * 1000)
    expect(await w.drain()).toBe(0)
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3])
  })

  it('takes maxAttempts from enqueue options over the job definition', async () => {
    const runs: Run[] = []
    const { queue, worker } = harness([
      recordingJob('test.flaky', runs, { maxAttempts: 5, fail: () => new Error('no') }),
    ])
    const jobId = await queue.enqueue(database.db, 'test.flaky', { n: 1 }, { maxAttempts: 1 })
    expect(await worker().runOnce()).toBe(true)
    expect(await findJobById(database.db, jobId)).toMatchObject({
      status: 'dead',
      attempts: 1,
      maxAttempts: 1,
    })
  })

  it.each([
    { name: 'test.echo', payload: { n: 'one' }, error: /expected number/ },
    { name: 'test.echo', payload: { n: 1.5 }, error: /expected int/ },
    { name: 'test.echo', payload: undefined, error: /expected object/ },
    { name: 'test.unknown', payload: { n: 1 }, error: 'unknown job test.unknown' },
  ])('refuses to enqueue $name with $payload', async ({ name, payload, error }) => {
    const { queue } = harness([recordingJob('test.echo', [])])
    await expect(queue.enqueue(database.db, name, payload)).rejects.toThrow(error)
    expect(await countJobsByStatus(database.db)).toEqual({})
  })

  it('never gives one job to two workers on separate connections', async () => {
    const second = openDatabase(database.url)
    try {
      const ran = new Map<string, string[]>()
      const job = defineJob({
        name: 'test.count',
        schema: z.object({ n: z.number() }),
        async handler(_payload, context) {
          ran.set(context.jobId, [...(ran.get(context.jobId) ?? []), `attempt ${context.attempt}`])
          // Yield, so the other worker claims while this one still holds its job.
          await sleep(1)
        },
      })
      const { queue, worker } = harness([job])
      const ids: string[] = []
      for (let n = 0; n < 50; n += 1) ids.push(await queue.enqueue(database.db, 'test.count', { n }))

      const [a, b] = await Promise.all([
        worker(database, 'worker-a').drain(),
        worker(second, 'worker-b').drain(),
      ])

      expect(a + b).toBe(50)
      // Both really took part; otherwise this test would prove nothing.
      expect(a).toBeGreaterThan(0)
      expect(b).toBeGreaterThan(0)
      expect([...ran.keys()].sort()).toEqual([...ids].sort())
      expect([...ran.values()].filter((attempts) => attempts.length !== 1)).toEqual([])
      expect(await countJobsByStatus(database.db)).toEqual({ done: 50 })
    } finally {
      await second.destroy()
    }
  })

  it('takes over a job whose worker stopped renewing its lease, and only then', async () => {
    const runs: Run[] = []
    const { clock, queue, worker } = harness([recordingJob('test.echo', runs)])
    const jobId = await queue.enqueue(database.db, 'test.echo', { n: 1 })
    // A worker that claims the job and then is never heard from again: simulated by
    // claiming through the repository, exactly as runOnce does, without running it.
    const claimed = await claimNextJob(database.db, database.dialect, {
      workerId: 'lost-worker',
      now: clock.now().toISOString(),
      leaseUntil: new Date(clock.now().getTime() + 60_000).toISOString(),
      names: ['test.echo'],
    })
    expect(claimed).toMatchObject({ id: jobId, status: 'running', lockedBy: 'lost-worker', attempts: 1 })

    const rescuer = worker(database, 'worker-2')
    clock.advance(60_000)
    expect(await rescuer.runOnce()).toBe(false)
    clock.advance(1)
    expect(await rescuer.runOnce()).toBe(true)
    expect(runs).toEqual([{ jobId, attempt: 2, payload: { n: 1, label: 'none' } }])
    expect(await findJobById(database.db, jobId)).toMatchObject({ status: 'done', lockedBy: null })
  })

  it('dead-letters a job whose workers keep dying once attempts run out', async () => {
    const runs: Run[] = []
    const { clock, queue, worker } = harness([recordingJob('test.echo', runs)])
    const jobId = await queue.enqueue(database.db, 'test.echo', { n: 1 }, { maxAttempts: 2 })
    for (const lost of ['lost-1', 'lost-2']) {
      const claimed = await claimNextJob(database.db, database.dialect, {
        workerId: lost,
        now: clock.now().toISOString(),
        leaseUntil: new Date(clock.now().getTime() + 1_000).toISOString(),
        names: ['test.echo'],
      })
      expect(claimed?.id).toBe(jobId)
      clock.advance(1_001)
    }
    expect(await worker().runOnce()).toBe(true)
    expect(runs).toEqual([])
    expect(await findJobById(database.db, jobId)).toMatchObject({
      status: 'dead',
      lastError: 'attempts exhausted (worker lost)',
    })
  })

  it('lets a stale worker settle nothing once another has taken its job over', async () => {
    const { clock, queue } = harness([recordingJob('test.echo', [])])
    const jobId = await queue.enqueue(database.db, 'test.echo', { n: 1 })
    const claim = (workerId: string) =>
      claimNextJob(database.db, database.dialect, {
        workerId,
        now: clock.now().toISOString(),
        leaseUntil: new Date(clock.now().getTime() + 1_000).toISOString(),
        names: ['test.echo'],
      })
    expect((await claim('slow'))?.id).toBe(jobId)
    clock.advance(1_001)
    expect((await claim('fast'))?.id).toBe(jobId)

    const now = clock.now().toISOString()
    expect(await settleJob(database.db, jobId, 'slow', { status: 'done', now })).toBe(false)
    expect(await findJobById(database.db, jobId)).toMatchObject({ status: 'running', lockedBy: 'fast' })
    expect(await settleJob(database.db, jobId, 'fast', { status: 'done', now })).toBe(true)
    expect(await findJobById(database.db, jobId)).toMatchObject({ status: 'done', lockedBy: null })
  })

  it('claims only jobs it knows', async () => {
    const runs: Run[] = []
    const other = harness([recordingJob('test.other', [])])
    await other.queue.enqueue(database.db, 'test.other', { n: 1 })
    const { worker } = harness([recordingJob('test.echo', runs)])
    expect(await worker().drain()).toBe(0)
    expect(await countJobsByStatus(database.db)).toEqual({ queued: 1 })
  })
})
