import type { Config } from '#src/platform/config.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import type { Logger } from '#src/platform/logger.ts'
import { openRounds } from './context.ts'

/** Runs jobs in a process of its own (WORKER_MODE=separate on the server). */
export async function startWorker(config: Config, log: Logger): Promise<{ close(): Promise<void> }> {
  const rounds = openRounds(config, { log })
  await migrateToLatest(rounds.database.db)
  const worker = rounds.createWorker()
  worker.start()
  log.info({ database: rounds.database.dialect }, 'Rounds worker is running')
  return {
    async close() {
      await worker.stop()
      await rounds.close()
    },
  }
}
