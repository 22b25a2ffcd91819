/**
 * A worker process that claims one job and never finishes it, for the crash test in
 * `src/platform/jobs/worker-crash.test.ts`. Run from the project root with Node's type stripping:
 *
 *   node test/db/hanging-worker.ts <database-url> <lease-ms> <job-name>
 *
 * It prints `claimed <job-id> <worker-id>` once the handler has started, then waits to be
 * killed. Its lease is kept alive by the worker's heartbeat for as long as it lives.
 */
import { z } from 'zod'
import { systemClock } from '#src/platform/clock.ts'
import { openDatabase } from '#src/platform/db/database.ts'
import { createJobRegistry, defineJob } from '#src/platform/jobs/queue.ts'
import { createWorker } from '#src/platform/jobs/worker.ts'
import { createSilentLogger } from '#src/platform/logger.ts'

const [url, leaseMs, jobName] = process.argv.slice(2)
if (!url || !leaseMs || !jobName) {
  process.stderr.write('usage: hanging-worker.ts <database-url> <lease-ms> <job-name>\n')
  process.exit(2)
}

const workerId = `hanging-worker:${process.pid}`
const database = openDatabase(url)
const registry = createJobRegistry([
  defineJob({
    name: jobName,
    schema: z.object({ n: z.number() }),
    handler: (_payload, context) => {
      process.stdout.write(`claimed ${context.jobId} ${workerId}\n`)
      return new Promise<void>(() => {})
    },
  }),
])
const worker = createWorker({
  db: database.db,
  dialect: database.dialect,
  clock: systemClock,
  log: createSilentLogger(),
  registry,
  workerId,
  leaseMs: Number(leaseMs),
})

// Keep the process alive on its own account, so only SIGKILL ends it.
setInterval(() => {}, 60_000)
const ran = await worker.runOnce()
if (!ran) {
  process.stdout.write('no job\n')
  process.exit(3)
}
