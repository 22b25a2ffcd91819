import { type ChildProcess, spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { randomIds, systemClock } from '#src/platform/clock.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import { createDbQueue } from './db-queue.ts'
import { findJobById } from './job.repository.ts'
import { createJobRegistry, defineJob } from './queue.ts'
import { createWorker } from './worker.ts'

const projectRoot = resolve(import.meta.dirname, '../../..')
const LEASE_MS = 500

/** Starts test/db/hanging-worker.ts and waits until it has claimed a job and begun running it. */
async function startHangingWorker(
  url: string,
  jobName: string,
): Promise<{ child: ChildProcess; jobId: string; workerId: string }> {
  const child = spawn(process.execPath, ['test/db/hanging-worker.ts', url, String(LEASE_MS), jobName], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr += chunk
  })
  const claimed = new Promise<{ jobId: string; workerId: string }>((resolveClaim, reject) => {
    child.stdout?.on('data', (chunk) => {
      stdout += chunk
      const match = /^claimed (\S+) (\S+)$/m.exec(stdout)
      if (match?.[1] && match[2]) resolveClaim({ jobId: match[1], workerId: match[2] })
    })
    child.on('exit', (code) => reject(new Error(`hanging worker exited (${code}): ${stdout}${stderr}`)))
  })
  const timeout = sleep(15_000).then(() => {
    throw new Error(`hanging worker did not claim a job: ${stdout}${stderr}`)
  })
  return { child, ...(await Promise.race([claimed, timeout])) }
}

describe.each(testDialects)('a crashed worker on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  let child: ChildProcess | undefined
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterEach(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  afterAll(() => database.close())

  it('loses its job to another worker once its lease runs out, not before', async () => {
    const runs: { jobId: string; attempt: number; payload: unknown }[] = []
    const registry = createJobRegistry([
      defineJob({
        name: 'test.crash',
        schema: z.object({ n: z.number() }),
        async handler(payload, context) {
          runs.push({ jobId: context.jobId, attempt: context.attempt, payload })
        },
      }),
    ])
    const queue = createDbQueue({ clock: systemClock, ids: randomIds, registry })
    const jobId = await queue.enqueue(database.db, 'test.crash', { n: 42 })
    const rescuer = createWorker({
      db: database.db,
      dialect: database.dialect,
      clock: systemClock,
      log: createSilentLogger(),
      registry,
      workerId: 'rescuer',
      leaseMs: LEASE_MS,
    })

    const hanging = await startHangingWorker(database.url, 'test.crash')
    child = hanging.child
    expect(hanging.jobId).toBe(jobId)
    expect(await findJobById(database.db, jobId)).toMatchObject({
      status: 'running',
      attempts: 1,
      lockedBy: hanging.workerId,
    })

    // While the worker lives, its heartbeat keeps the lease: nobody else may take the job.
    await sleep(LEASE_MS * 2)
    expect(await rescuer.runOnce()).toBe(false)

    child.kill('SIGKILL')
    await once(child, 'exit')
    expect(child.signalCode).toBe('SIGKILL')
    // The lease was renewed less than a lease ago, so it has not run out yet.
    expect(await rescuer.runOnce()).toBe(false)
    expect(runs).toEqual([])

    const killedAt = Date.now()
    while (!(await rescuer.runOnce())) {
      if (Date.now() - killedAt > 10_000) throw new Error('the job was never taken over')
      await sleep(50)
    }
    expect(runs).toEqual([{ jobId, attempt: 2, payload: { n: 42 } }])
    expect(await findJobById(database.db, jobId)).toMatchObject({
      status: 'done',
      attempts: 2,
      lockedBy: null,
      lockedUntil: null,
    })
  })
})
