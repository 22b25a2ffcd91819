import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { dirname, join, relative, resolve, sep } from 'node:path'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { MediaConfig } from '#src/platform/config.ts'
import { assertKey } from './storage.key.ts'
import { createS3Store } from './storage.s3.ts'

/**
 * Where media bytes live. Two stores, never mixed: `quarantine` holds what users sent
 * (chunks and originals) until screening has finished with it and is never served; `derivatives`
 * holds only what Rounds produced from it (re-encoded without metadata, redacted, de-identified).
 * Keys are Rounds' own (`{uploadId}/{name}`), never a user's file name.
 */
export type BlobStore = {
  put(key: string, body: Uint8Array): Promise<void>
  /** Streams a local file into the store (originals can be gigabytes). */
  putFile(key: string, path: string): Promise<void>
  /** The object's bytes, or null when there is none. */
  get(key: string): Promise<Buffer | null>
  /**
   * A stream of the object (or of bytes `range.start`–`range.end`, inclusive) and its total
   * size, or null when there is none. For serving large files without holding them in memory.
   */
  open(key: string, range?: ByteRange): Promise<OpenedBlob | null>
  /** Streams the object to a local file; false when there is none. */
  getToFile(key: string, path: string): Promise<boolean>
  delete(key: string): Promise<void>
  /** Deletes every object whose key starts with `prefix` (an upload's folder). */
  deletePrefix(prefix: string): Promise<void>
  /** Keys under `prefix`, sorted. */
  list(prefix: string): Promise<string[]>
}

export type MediaStorage = { quarantine: BlobStore; derivatives: BlobStore }

export type ByteRange = { start: number; end: number }
export type OpenedBlob = { body: ReadableStream<Uint8Array>; size: number; range: ByteRange | null }

/** Builds the stores the configuration names. */
export function createMediaStorage(config: MediaConfig): MediaStorage {
  const s = config.storage
  if (s.kind === 'local')
    return {
      quarantine: createLocalStore(join(s.dir, 'quarantine')),
      derivatives: createLocalStore(join(s.dir, 'derivatives')),
    }
  const client = {
    endpoint: s.endpoint,
    region: s.region,
    accessKeyId: s.accessKeyId,
    secretAccessKey: s.secretAccessKey,
  }
  return {
    quarantine: createS3Store({ ...client, bucket: s.quarantineBucket, prefix: 'quarantine/' }),
    derivatives: createS3Store({ ...client, bucket: s.bucket, prefix: 'derivatives/' }),
  }
}

/**
 * A folder on the local disk. Writes go to a temporary name first and are renamed into
 * place, so a reader never sees half an object.
 */
export function createLocalStore(root: string): BlobStore {
  const base = resolve(root)
  const pathOf = (key: string) => {
    const p = resolve(base, assertKey(key))
    if (!p.startsWith(base + sep)) throw new Error('storage key escapes the store')
    return p
  }
  const tmpOf = (p: string) => `${p}.${process.pid}.${Math.random().toString(36).slice(2)}.part`
  const missing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT'
  return {
    async put(key, body) {
      const p = pathOf(key)
      await mkdir(dirname(p), { recursive: true })
      const tmp = tmpOf(p)
      await writeFile(tmp, body, { mode: 0o600 })
      await rename(tmp, p)
    },
    async putFile(key, path) {
      const p = pathOf(key)
      await mkdir(dirname(p), { recursive: true })
      const tmp = tmpOf(p)
      await pipeline(createReadStream(path), createWriteStream(tmp, { mode: 0o600 }))
      await rename(tmp, p)
    },
    async get(key) {
      try {
        return await readFile(pathOf(key))
      } catch (e) {
        if (missing(e)) return null
        throw e
      }
    },
    async open(key, range) {
      let size: number
      try {
        size = (await stat(pathOf(key))).size
      } catch (e) {
        if (missing(e)) return null
        throw e
      }
      const r = range ? { start: range.start, end: Math.min(range.end, size - 1) } : null
      // A range that starts past the end has nothing to read (the caller answers 416).
      if (r && r.start > r.end) return { body: new Blob([]).stream(), size, range: r }
      const stream = createReadStream(pathOf(key), r ? { start: r.start, end: r.end } : {})
      return { body: Readable.toWeb(stream) as unknown as ReadableStream<Uint8Array>, size, range: r }
    },
    async getToFile(key, path) {
      try {
        await stat(pathOf(key))
      } catch (e) {
        if (missing(e)) return false
        throw e
      }
      await pipeline(createReadStream(pathOf(key)), createWriteStream(path, { mode: 0o600 }))
      return true
    },
    async delete(key) {
      await rm(pathOf(key), { force: true })
    },
    async deletePrefix(prefix) {
      const clean = prefix.replace(/\/$/, '')
      await rm(pathOf(clean), { recursive: true, force: true })
    },
    async list(prefix) {
      const dir = pathOf(prefix.replace(/\/$/, ''))
      try {
        const entries = await readdir(dir, { recursive: true, withFileTypes: true })
        return entries
          .filter((e) => e.isFile() && !e.name.endsWith('.part'))
          .map((e) => relative(base, join(e.parentPath, e.name)).split(sep).join('/'))
          .sort()
      } catch (e) {
        if (missing(e)) return []
        throw e
      }
    },
  }
}

/** A Node stream over bytes, for stores that take streams. */
export function streamOf(bytes: Uint8Array): Readable {
  return Readable.from([bytes])
}
