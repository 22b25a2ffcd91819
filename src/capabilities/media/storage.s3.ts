import { createReadStream, createWriteStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { AwsClient } from 'aws4fetch'
import { assertKey } from './storage.key.ts'
import type { BlobStore } from './storage.ts'

export type S3StoreOptions = {
  endpoint: string
  region: string
  bucket: string
  /** Prepended to every key, e.g. `quarantine/`. */
  prefix: string
  accessKeyId: string
  secretAccessKey: string
}

/**
 * An S3-compatible bucket (AWS S3, MinIO, Ceph, R2 …) through signed fetch requests
 * (aws4fetch: SigV4 and nothing else). Path-style addressing, so it works with any
 * endpoint. Bodies are sent unsigned-payload and streamed; objects are written whole.
 */
export function createS3Store(options: S3StoreOptions): BlobStore {
  const client = new AwsClient({
    accessKeyId: options.accessKeyId,
    secretAccessKey: options.secretAccessKey,
    service: 's3',
    region: options.region,
  })
  const bucketUrl = `${options.endpoint}/${encodeURIComponent(options.bucket)}`
  const urlOf = (key: string) =>
    `${bucketUrl}/${`${options.prefix}${assertKey(key)}`.split('/').map(encodeURIComponent).join('/')}`
  const fail = async (what: string, res: Response): Promise<never> => {
    const text = await res.text().catch(() => '')
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? ''
    throw new Error(`S3 ${what} failed: ${res.status} ${code}`.trim())
  }
  const list = async (prefix: string): Promise<string[]> => {
    const keys: string[] = []
    let token: string | undefined
    do {
      const q = new URLSearchParams({ 'list-type': '2', prefix: `${options.prefix}${prefix}` })
      if (token) q.set('continuation-token', token)
      const res = await client.fetch(`${bucketUrl}?${q}`)
      if (!res.ok) await fail('list', res)
      const xml = await res.text()
      for (const m of xml.matchAll(/<Key>([^<]+)<\/Key>/g))
        keys.push(unescapeXml(m[1] as string).slice(options.prefix.length))
      token = /<IsTruncated>true<\/IsTruncated>/.test(xml)
        ? unescapeXml(/<NextContinuationToken>([^<]+)<\/NextContinuationToken>/.exec(xml)?.[1] ?? '')
        : undefined
    } while (token)
    return keys.sort()
  }
  const del = async (key: string) => {
    const res = await client.fetch(urlOf(key), { method: 'DELETE' })
    if (!res.ok && res.status !== 404) await fail('delete', res)
  }
  return {
    async put(key, body) {
      const res = await client.fetch(urlOf(key), { method: 'PUT', body })
      if (!res.ok) await fail('put', res)
    },
    async putFile(key, path) {
      const { size } = await stat(path)
      const body = Readable.toWeb(createReadStream(path)) as unknown as ReadableStream
      const res = await client.fetch(urlOf(key), {
        method: 'PUT',
        body,
        headers: { 'content-length': String(size) },
        duplex: 'half',
      } as RequestInit)
      if (!res.ok) await fail('put', res)
    },
    async get(key) {
      const res = await client.fetch(urlOf(key))
      if (res.status === 404) return null
      if (!res.ok) await fail('get', res)
      return Buffer.from(await res.arrayBuffer())
    },
    async open(key, range) {
      const res = await client.fetch(
        urlOf(key),
        range ? { headers: { range: `bytes=${range.start}-${range.end}` } } : {},
      )
      if (res.status === 404) {
        await res.body?.cancel()
        return null
      }
      if (res.status === 416 && range) {
        // The range starts past the end: nothing to read. The size comes as `bytes */N` where
        // the server sends it, otherwise from a HEAD request.
        await res.body?.cancel()
        let size = Number(/\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1] ?? Number.NaN)
        if (!Number.isFinite(size)) {
          const head = await client.fetch(urlOf(key), { method: 'HEAD' })
          if (head.status === 404) return null
          if (!head.ok) await fail('head', head)
          size = Number(head.headers.get('content-length') ?? 0)
        }
        return { body: new Blob([]).stream(), size, range: { start: range.start, end: size - 1 } }
      }
      if (!res.ok || !res.body) await fail('get', res)
      const total = /\/(\d+)$/.exec(res.headers.get('content-range') ?? '')?.[1]
      const size = Number(total ?? res.headers.get('content-length') ?? 0)
      const partial =
        res.status === 206 && range ? { start: range.start, end: Math.min(range.end, size - 1) } : null
      return { body: res.body as ReadableStream<Uint8Array>, size, range: partial }
    },
    async getToFile(key, path) {
      const res = await client.fetch(urlOf(key))
      if (res.status === 404) {
        await res.body?.cancel()
        return false
      }
      if (!res.ok || !res.body) await fail('get', res)
      await pipeline(
        Readable.fromWeb(res.body as WebReadableStream),
        createWriteStream(path, { mode: 0o600 }),
      )
      return true
    },
    delete: del,
    async deletePrefix(prefix) {
      for (const key of await list(prefix)) await del(key)
    },
    list,
  }
}

function unescapeXml(s: string): string {
  return s
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&')
}
