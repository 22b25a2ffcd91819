import { parentPort, workerData } from 'node:worker_threads'
import { openDatabase } from '#src/platform/db/database.ts'
import { analyse } from './research.analysis.ts'
import { loadResearchItems } from './research.load.ts'
import type { ViewTask } from './research.offthread.ts'

// One research view on a worker thread (research.offthread.ts): reads the organisation's items over
// a connection of its own when given the database, analyses them and posts the view back as JSON.
const task = workerData as ViewTask
let items = 'items' in task ? task.items : undefined
if (!items && 'databaseUrl' in task) {
  const database = openDatabase(task.databaseUrl)
  try {
    items = await loadResearchItems(database.db, task.organisationId, task.outcome)
  } finally {
    await database.destroy()
  }
}
parentPort?.postMessage(
  JSON.stringify({ ...analyse(items ?? [], task.outcome), computedAt: task.computedAt }),
)
