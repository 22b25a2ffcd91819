import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import exifr from 'exifr'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { redactImage } from './redact.ts'
import { photoWithGps } from './testing/synthetic.ts'

const run = promisify(execFile)

async function pixel(png: Buffer, x: number, y: number): Promise<number[]> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true })
  const i = (y * info.width + x) * info.channels
  return [...data.subarray(i, i + 3)]
}

describe('redaction', () => {
  it('fills text boxes and leaves the rest of the picture as it was', async () => {
    const img = await sharp({ create: { width: 200, height: 100, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer()
    const out = await redactImage(img, { fill: [{ x: 20, y: 20, width: 50, height: 20 }] })
    expect(out.format).toBe('png')
    expect(await pixel(out.data, 40, 30)).toEqual([0, 0, 0])
    // The fill is padded a little so antialiased letter edges do not survive.
    expect(await pixel(out.data, 18, 18)).toEqual([0, 0, 0])
    expect(await pixel(out.data, 150, 80)).toEqual([255, 255, 255])
  })

  it('blurs a face region until its detail is gone', async () => {
    // A checkerboard stands in for facial detail: blurred, its contrast collapses.
    const size = 120
    const raw = Buffer.alloc(size * size * 3)
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++)
        raw.fill(((x >> 3) + (y >> 3)) % 2 ? 255 : 0, (y * size + x) * 3, (y * size + x) * 3 + 3)
    const img = await sharp(raw, { raw: { width: size, height: size, channels: 3 } })
      .png()
      .toBuffer()
    const out = await redactImage(img, { blur: [{ x: 30, y: 30, width: 60, height: 60 }] })
    const { data } = await sharp(out.data)
      .extract({ left: 45, top: 45, width: 30, height: 30 })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true })
    const values = [...data]
    expect(Math.max(...values) - Math.min(...values)).toBeLessThan(60)
    // Outside the face the checkerboard is untouched.
    expect(await pixel(out.data, 2, 2)).toEqual([0, 0, 0])
  })

  it('clips boxes at the edge and ignores empty ones', async () => {
    const img = await sharp({ create: { width: 50, height: 50, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer()
    const out = await redactImage(img, {
      fill: [
        { x: 40, y: 40, width: 100, height: 100 },
        { x: 500, y: 500, width: 5, height: 5 },
      ],
    })
    expect(await pixel(out.data, 49, 49)).toEqual([0, 0, 0])
    expect(out.width).toBe(50)
  })

  it('writes no metadata: EXIF, GPS, camera, serials are gone (exifr and exiftool)', async () => {
    const photo = await photoWithGps()
    expect((await exifr.gps(photo))?.latitude).toBeCloseTo(51.517, 2)
    const out = await redactImage(photo, { fill: [{ x: 10, y: 10, width: 20, height: 20 }] })
    expect(out.format).toBe('jpeg')
    expect(await exifr.parse(out.data, true)).toBeUndefined()
    const dir = await mkdtemp(path.join(tmpdir(), 'rounds-redact-'))
    try {
      const file = path.join(dir, 'out.jpg')
      await writeFile(file, out.data)
      const { stdout } = await run('/usr/bin/exiftool', [
        '-j',
        '-a',
        '-G1',
        '-EXIF:all',
        '-XMP:all',
        '-IPTC:all',
        '-GPS:all',
        '-MakerNotes:all',
        file,
      ])
      const tags = Object.keys((JSON.parse(stdout) as Array<Record<string, unknown>>)[0] ?? {}).filter(
        (k) => k !== 'SourceFile',
      )
      expect(tags).toEqual([])
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('refuses a corrupt image with MEDIA_UNREADABLE', async () => {
    await expect(redactImage(Buffer.from('not an image'), {})).rejects.toMatchObject({
      code: 'MEDIA_UNREADABLE',
    })
  })
})
