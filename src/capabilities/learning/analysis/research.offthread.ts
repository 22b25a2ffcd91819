import { Worker } from 'node:worker_threads'
import type { ItemData } from './research.analysis.ts'
import type { ResearchOutcome } from './research.schema.ts'

/**
 * What a worker computes: one organisation's view for one outcome, stamped `computedAt`, from the
 * database (read over the worker's own connection) or from items the caller already loaded.
 */
export type ViewTask = { organisationId: string; outcome: ResearchOutcome; computedAt: string } & (
  | { databaseUrl: string }
  | { items: ItemData[] }
)

/**
 * Computes a research view on a worker thread and resolves with its JSON. The reading (seconds of
 * SQL over a large organisation; SQLite's driver blocks the thread it runs on) and the analysis
 * (the bootstrap and the models) happen there, so the server keeps answering meanwhile.
 */
export function computeViewJson(task: ViewTask): Promise<string> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./research.worker.ts', import.meta.url), { workerData: task })
    let done = false
    worker.once('message', (json: string) => {
      done = true
      resolve(json)
    })
    worker.once('error', (error) => {
      done = true
      reject(error)
    })
    worker.once('exit', (code) => {
      if (!done) reject(new Error(`the research analysis stopped before it finished (exit code ${code})`))
    })
  })
}
