import { parentPort, workerData } from 'node:worker_threads'
import { analyse, type ItemData } from './research.analysis.ts'
import type { ResearchOutcome } from './research.schema.ts'

// Runs one research analysis on a worker thread and posts the result back (research.offthread.ts).
const { items, outcome } = workerData as { items: ItemData[]; outcome: ResearchOutcome }
parentPort?.postMessage(analyse(items, outcome))
