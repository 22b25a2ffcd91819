/**
 * A Rounds worker process for the publishing crash test (`test/publishing/crash.test.ts`):
 * the real composition root and job registry, with a short lease so a killed worker's jobs are
 * taken over quickly. Configured from the environment like `rounds worker`.
 *
 *   node test/publishing/delivery-worker.ts <lease-ms>
 */
import { openRounds } from '#src/entry/context.ts'
import { loadConfig } from '#src/platform/config.ts'
import { createSilentLogger } from '#src/platform/logger.ts'

const leaseMs = Number(process.argv[2] ?? 1000)
const rounds = openRounds(loadConfig(), { log: createSilentLogger() })
rounds.createWorker({ leaseMs, pollMs: 50 }).start()
process.stdout.write('worker started\n')
// Keep running until killed.
setInterval(() => {}, 60_000)
