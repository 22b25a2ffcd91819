import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startS3 } from '#test/fakes/s3.ts'
import { createMediaStorage, type MediaStorage } from './storage.ts'

const limits = {
  maxBytes: { image: 1, video: 1, dicom: 1, captions: 1 },
  maxPixels: 1,
  chunkBytes: 65_536,
}

type Setup = { storage: MediaStorage; close(): Promise<void> }

const setups: Array<[string, () => Promise<Setup>]> = [
  [
    'local disk',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rounds-media-'))
      return {
        storage: createMediaStorage({ storage: { kind: 'local', dir }, ...limits }),
        close: async () => rmSync(dir, { recursive: true, force: true }),
      }
    },
  ],
  [
    'S3-compatible (s3rver)',
    async () => {
      const s3 = await startS3(['media', 'quarantine'])
      const storage = createMediaStorage({
        storage: {
          kind: 's3',
          endpoint: s3.endpoint,
          region: 'us-east-1',
          bucket: 'media',
          quarantineBucket: 'quarantine',
          accessKeyId: s3.accessKeyId,
          secretAccessKey: s3.secretAccessKey,
        },
        ...limits,
      })
      return { storage, close: s3.close }
    },
  ],
]

describe.each(setups)('media storage on %s', (_name, setup) => {
  let s: Setup
  const work = mkdtempSync(join(tmpdir(), 'rounds-media-work-'))
  beforeAll(async () => {
    s = await setup()
  })
  afterAll(async () => {
    await s.close()
    rmSync(work, { recursive: true, force: true })
  })

  it('keeps quarantine and derivatives apart', async () => {
    await s.storage.quarantine.put('u1/original', Buffer.from('secret original'))
    expect(await s.storage.derivatives.get('u1/original')).toBeNull()
    expect((await s.storage.quarantine.get('u1/original'))?.toString()).toBe('secret original')
  })

  it('streams files in and out, lists and deletes by prefix', async () => {
    const src = join(work, 'big.bin')
    const bytes = Buffer.alloc(3 * 1024 * 1024 + 17, 7)
    writeFileSync(src, bytes)
    await s.storage.quarantine.putFile('u2/parts/000000000000', src)
    await s.storage.quarantine.put('u2/parts/000003145745', Buffer.from('tail'))
    expect(await s.storage.quarantine.list('u2/parts/')).toEqual([
      'u2/parts/000000000000',
      'u2/parts/000003145745',
    ])
    const out = join(work, 'out.bin')
    expect(await s.storage.quarantine.getToFile('u2/parts/000000000000', out)).toBe(true)
    expect(readFileSync(out).equals(bytes)).toBe(true)
    expect(await s.storage.quarantine.getToFile('u2/missing', join(work, 'x'))).toBe(false)
    await s.storage.quarantine.deletePrefix('u2/')
    expect(await s.storage.quarantine.list('u2/')).toEqual([])
    expect(await s.storage.quarantine.get('u2/parts/000000000000')).toBeNull()
    await s.storage.quarantine.delete('u2/never-there')
  })

  it('opens objects as streams, whole or a byte range', async () => {
    await s.storage.derivatives.put('u3/sanitised', Buffer.from('0123456789'))
    const whole = await s.storage.derivatives.open('u3/sanitised')
    expect(whole?.size).toBe(10)
    expect(whole?.range).toBeNull()
    expect(await new Response(whole?.body).text()).toBe('0123456789')
    const part = await s.storage.derivatives.open('u3/sanitised', { start: 2, end: 5 })
    expect(part).toMatchObject({ size: 10, range: { start: 2, end: 5 } })
    expect(await new Response(part?.body).text()).toBe('2345')
    const rest = await s.storage.derivatives.open('u3/sanitised', { start: 7, end: Number.MAX_SAFE_INTEGER })
    expect(rest).toMatchObject({ size: 10, range: { start: 7, end: 9 } })
    expect(await new Response(rest?.body).text()).toBe('789')
    // Past the end: nothing to read, and the size to say so (the route answers 416).
    const past = await s.storage.derivatives.open('u3/sanitised', { start: 15, end: Number.MAX_SAFE_INTEGER })
    expect(past?.size).toBe(10)
    expect(past?.range?.start).toBe(15)
    expect(await new Response(past?.body).text()).toBe('')
    expect(await s.storage.derivatives.open('u3/none')).toBeNull()
  })

  it('refuses keys that could escape the store', async () => {
    await expect(s.storage.derivatives.put('../etc/passwd', Buffer.from('x'))).rejects.toThrow(
      /invalid storage key/,
    )
    await expect(s.storage.derivatives.get('/abs')).rejects.toThrow(/invalid storage key/)
  })
})
