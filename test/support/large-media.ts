import { createHash, randomBytes } from 'node:crypto'
import { createWriteStream } from 'node:fs'
import { rm } from 'node:fs/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import type { BlobStore } from '#src/capabilities/media/storage.ts'
import type { OutgoingMedia } from '#src/capabilities/publishing/connector.ts'

/**
 * Sending large media without holding it: a store that records how it is read, the stored
 * file as delivery hands it to a connector, and the process's memory while it is sent.
 * Shared by the connectors' large-media test and bench/publishing/large-media.ts.
 */
export const MIB = 1024 * 1024

/**
 * Stores `size` random bytes under `key` (random, so a chunk sent twice, out of order or short
 * changes the hash), written through a temporary file in pieces; their SHA-256 (hex).
 */
export async function storeRandomFile(store: BlobStore, key: string, size: number, scratch: string) {
  const hash = createHash('sha256')
  const out = createWriteStream(scratch)
  for (let written = 0; written < size; written += MIB) {
    const piece = randomBytes(Math.min(MIB, size - written))
    hash.update(piece)
    if (!out.write(piece)) await new Promise((r) => out.once('drain', r))
  }
  await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())))
  await store.putFile(key, scratch)
  await rm(scratch)
  return hash.digest('hex')
}

/** How a store was read: whole-file gets, whole opens, and the length of each ranged open. */
export type Reads = { get: number; whole: number; ranges: number[] }

/** The store, recording how it is read. */
export function watched(store: BlobStore): { store: BlobStore; reads: Reads } {
  const reads: Reads = { get: 0, whole: 0, ranges: [] }
  return {
    reads,
    store: {
      ...store,
      get: async (key) => {
        reads.get++
        return await store.get(key)
      },
      open: async (key, range) => {
        if (range) reads.ranges.push(range.end - range.start + 1)
        else reads.whole++
        return await store.open(key, range)
      },
    },
  }
}

/** The published file as delivery hands it to a connector (src/entry/context.ts does the same through the media capability). */
export async function videoFrom(store: BlobStore, key: string): Promise<OutgoingMedia> {
  const head = await store.open(key, { start: 0, end: 0 })
  if (!head) throw new Error('no video stored')
  await head.body.cancel()
  return {
    kind: 'video',
    mimeType: 'video/mp4',
    body: {
      size: head.size,
      open: async (range) => {
        const file = await store.open(key, range)
        if (!file) throw new Error('the video is gone')
        return file.body
      },
    },
  }
}

const gc = (() => {
  setFlagsFromString('--expose-gc')
  return runInNewContext('gc') as () => void
})()

/** Peak growth in MiB: of live memory (heap and buffers, collected before each look) and of RSS. */
export type Growth = { liveMiB: number; rssMiB: number }

/**
 * Runs `fn`, looking at the process's memory every 50 ms. Garbage is collected
 * before each look, so the live figure is what is held, not what awaits collection (V8 lets
 * up to about 64 MB of dead buffers pile up before it collects them).
 */
export async function measured<T>(fn: () => Promise<T>): Promise<{ result: T; growth: Growth }> {
  // Buffers freed just before are released in the background: settle first, so the
  // baseline does not count them.
  for (let i = 0; i < 3; i++) {
    gc()
    await new Promise((r) => setTimeout(r, 50))
  }
  const base = process.memoryUsage()
  const peak = { live: 0, rss: 0 }
  const sample = () => {
    gc()
    const m = process.memoryUsage()
    peak.live = Math.max(peak.live, m.heapUsed + m.external - base.heapUsed - base.external)
    peak.rss = Math.max(peak.rss, m.rss - base.rss)
  }
  const timer = setInterval(sample, 50)
  try {
    const result = await fn()
    sample()
    return { result, growth: { liveMiB: peak.live / MIB, rssMiB: peak.rss / MIB } }
  } finally {
    clearInterval(timer)
  }
}
