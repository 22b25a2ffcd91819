import { serve } from '@hono/node-server'
import { seedDemo } from '#src/capabilities/accounts/operator.service.ts'
import { startResearchViews } from '#src/capabilities/learning/analysis/research.jobs.ts'
import { scheduleExportSweep } from '#src/capabilities/learning/export/export.jobs.ts'
import { scheduleMetricsSweep } from '#src/capabilities/learning/metrics/metrics.jobs.ts'
import { scheduleDelayedQuizReminders } from '#src/capabilities/learning/quizzes/learning.jobs.ts'
import { scheduleForwardSweep } from '#src/capabilities/learning/xapi/xapi.jobs.ts'
import { scheduleUploadExpiry } from '#src/capabilities/media/media.jobs.ts'
import { scheduleNotificationReminders } from '#src/capabilities/notifications/notifications.jobs.ts'
import { scheduleApprovalExpiry } from '#src/capabilities/review/review.jobs.ts'
import { startTraining } from '#src/capabilities/standards/training.jobs.ts'
import type { Config } from '#src/platform/config.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import type { Logger } from '#src/platform/logger.ts'
import { openRounds } from './context.ts'
import { buildHttpApp } from './http.ts'

export type RunningServer = { url: string; close(): Promise<void> }

/**
 * Starts Rounds: migrates, seeds the demo organisation on an empty development database,
 * serves HTTP, and runs jobs in-process unless a separate worker is configured.
 */
export async function startServer(config: Config, log: Logger): Promise<RunningServer> {
  const rounds = openRounds(config, { log })
  const migrated = await migrateToLatest(rounds.database.db)
  if (migrated.applied.length > 0) log.info({ applied: migrated.applied }, 'database migrated')
  const training = await startTraining(rounds.accounts)
  log.info({ training }, 'training content loaded')
  await scheduleApprovalExpiry(rounds.accounts)
  await scheduleNotificationReminders(rounds.accounts)
  await scheduleUploadExpiry(rounds.media)
  await scheduleForwardSweep(rounds.learning)
  await scheduleDelayedQuizReminders({ ...rounds.accounts, ...rounds.learning })
  await scheduleMetricsSweep(rounds.publishing)
  await scheduleExportSweep({ ...rounds.accounts, storage: rounds.media.storage.derivatives })
  await startResearchViews(rounds.accounts)

  if (config.env !== 'production' && config.demoSeed === 'auto') {
    const empty = !(await rounds.database.db.selectFrom('auth_user').select('id').limit(1).executeTakeFirst())
    if (empty) {
      const seeded = await seedDemo(rounds.operator, {
        env: config.env,
        explicit: false,
        password: config.demoPassword,
      })
      printDemoAccounts(seeded.created, seeded.password)
    }
  }

  const worker = config.workerMode === 'in-process' ? rounds.createWorker() : null
  worker?.start()

  const app = buildHttpApp(rounds)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s))
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port
  const url = `http://localhost:${port}`
  log.info({ url, database: rounds.database.dialect, worker: config.workerMode }, 'Rounds is running')
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await worker?.stop()
      await rounds.close()
    },
  }
}

function printDemoAccounts(emails: string[], password: string): void {
  if (emails.length === 0) return
  const lines = [
    '',
    'Demo organisation "demo" created. Sign in with any of these (development only):',
    ...emails.map((e) => `  ${e}`),
    `  password: ${password}`,
    '',
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}
