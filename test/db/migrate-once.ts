/**
 * Migrates a database from a process of its own and prints the migrations it applied as
 * JSON, for the concurrent-migration test in `test/db/migrate.test.ts`:
 *
 *   node test/db/migrate-once.ts <database-url> [start-at-epoch-ms]
 *
 * With a start time, it waits until then after loading, so that several processes begin
 * migrating at the same moment.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { openDatabase } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'

const [url, startAt] = process.argv.slice(2)
if (!url) {
  process.stderr.write('usage: migrate-once.ts <database-url> [start-at-epoch-ms]\n')
  process.exit(2)
}
const database = openDatabase(url)
try {
  if (startAt) await sleep(Math.max(0, Number(startAt) - Date.now()))
  const report = await migrateToLatest(database.db)
  process.stdout.write(`${JSON.stringify(report.applied)}\n`)
} catch (error) {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}${cause}\n`)
  process.exitCode = 1
} finally {
  await database.destroy()
}
