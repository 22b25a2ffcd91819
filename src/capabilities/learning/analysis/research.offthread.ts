import { Worker } from 'node:worker_threads'
import type { analyse, ItemData } from './research.analysis.ts'
import type { ResearchOutcome } from './research.schema.ts'

type Analysed = ReturnType<typeof analyse>

/**
 * Runs the research analysis (seconds of CPU over thousands of items: the bootstrap and the
 * models) on a worker thread, so the server keeps answering other requests meanwhile. The items
 * are loaded on the main thread (the database connection lives there) and copied over.
 */
export function analyseOffThread(items: ItemData[], outcome: ResearchOutcome): Promise<Analysed> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./research.worker.ts', import.meta.url), {
      workerData: { items, outcome },
    })
    let done = false
    worker.once('message', (result: Analysed) => {
      done = true
      resolve(result)
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
