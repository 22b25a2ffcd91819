import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import exifr from 'exifr'
import { afterAll, describe, expect, it } from 'vitest'
import {
  FIXTURE_GPS,
  photoWithGps,
  pngAnnouncing,
  pngWithText,
  truncatedJpeg,
} from '#test/support/media-fixtures.ts'
import { readImageMetadata, sanitiseImage } from './media.image.ts'
import { checkHead } from './media.sniff.ts'

const work = mkdtempSync(join(tmpdir(), 'rounds-media-image-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Every tag exiftool sees, minus the file-system and format ones every file has. */
function exiftoolTags(data: Buffer): string[] {
  const path = join(work, `${Math.random().toString(36).slice(2)}.img`)
  writeFileSync(path, data)
  const out = JSON.parse(execFileSync('exiftool', ['-j', '-a', '-G1', path], { encoding: 'utf8' }))[0]
  return Object.keys(out).filter(
    (k) => k !== 'SourceFile' && !/^(ExifTool|System|File|PNG[-\w]*|JFIF|RIFF|Composite):/.test(k),
  )
}

describe('image sanitisation', () => {
  it('lists what a phone photo carries: GPS position, camera, serial, dates, people', async () => {
    const removed = await readImageMetadata(await photoWithGps())
    const text = removed.map((r) => r.description)
    expect(text).toContain(`GPS position ${FIXTURE_GPS.latitude}, ${FIXTURE_GPS.longitude} removed`)
    expect(text).toContain('Camera make and model (Apple iPhone 12) removed')
    expect(text).toContain('Camera serial number (SN12345) removed')
    expect(text).toContain('Date taken (2026-01-02 03:04:05) removed')
    expect(text).toContain('Author name (A Photographer) removed')
    expect(text).toContain('Image description and comments removed')
  })

  it('re-encodes with no metadata left, checked with exifr and exiftool', async () => {
    const original = await photoWithGps({ lines: ['Ward 7'] })
    expect(exiftoolTags(original).length).toBeGreaterThan(5)
    const out = await sanitiseImage(original, { maxPixels: 10_000_000 })
    expect(out.mime).toBe('image/jpeg')
    expect([out.width, out.height]).toEqual([640, 360])
    expect(out.removed.some((r) => r.group === 'gps')).toBe(true)
    expect(await exifr.parse(out.data, { xmp: true, iptc: true, icc: true })).toBeUndefined()
    expect(await exifr.gps(out.data)).toBeUndefined()
    expect(exiftoolTags(out.data)).toEqual([])
  })

  it('keeps PNG as PNG, with nothing to report on a clean file', async () => {
    const png = await pngWithText(['hello'])
    const out = await sanitiseImage(png, { maxPixels: 10_000_000 })
    expect(out.mime).toBe('image/png')
    expect(out.removed).toEqual([])
    expect(exiftoolTags(out.data)).toEqual([])
  })

  it('refuses truncated files, decompression bombs and absurd dimensions with a clear error', async () => {
    await expect(sanitiseImage(await truncatedJpeg(), { maxPixels: 10_000_000 })).rejects.toMatchObject({
      code: 'MEDIA_UNREADABLE',
      message: expect.stringMatching(/truncated or corrupt/),
    })
    await expect(
      sanitiseImage(await pngAnnouncing(20_000, 20_000), { maxPixels: 100_000_000 }),
    ).rejects.toMatchObject({
      code: 'MEDIA_UNREADABLE',
      message: expect.stringMatching(/400,000,000 pixels; the limit is 100,000,000/),
    })
    await expect(
      sanitiseImage(await pngAnnouncing(1_000_000, 1), { maxPixels: 100_000_000 }),
    ).rejects.toMatchObject({
      code: 'MEDIA_UNREADABLE',
      message: expect.stringMatching(/sides are limited/),
    })
  })
})

describe('type by content', () => {
  it('tells types by their bytes and refuses mismatched names and kinds', async () => {
    const jpeg = await photoWithGps()
    await expect(checkHead(jpeg, 'photo.JPG', 'image')).resolves.toEqual({
      kind: 'image',
      mime: 'image/jpeg',
    })
    await expect(checkHead(jpeg, 'photo', 'image')).resolves.toEqual({ kind: 'image', mime: 'image/jpeg' })
    await expect(checkHead(jpeg, 'photo.png', 'image')).rejects.toMatchObject({ code: 'MEDIA_TYPE_MISMATCH' })
    await expect(checkHead(jpeg, 'clip.mp4', 'video')).rejects.toMatchObject({ code: 'MEDIA_TYPE_MISMATCH' })
    await expect(checkHead(jpeg, 'photo.jpg', 'video')).rejects.toMatchObject({
      code: 'MEDIA_TYPE_MISMATCH',
      message: expect.stringMatching(/sent as video/),
    })
    const dicom = Buffer.alloc(200)
    dicom.write('DICM', 128, 'latin1')
    await expect(checkHead(dicom, 'scan.dcm', 'dicom')).resolves.toEqual({
      kind: 'dicom',
      mime: 'application/dicom',
    })
    await expect(
      checkHead(Buffer.from('WEBVTT\n\n00:00.000 --> 00:01.000\nhi\n'), 'c.vtt', 'captions'),
    ).resolves.toEqual({
      kind: 'captions',
      mime: 'text/vtt',
    })
    await expect(
      checkHead(Buffer.from('1\n00:00:01,000 --> 00:00:02,000\nhello\n'), 'c.srt', 'captions'),
    ).resolves.toEqual({ kind: 'captions', mime: 'application/x-subrip' })
    await expect(checkHead(Buffer.from('just some text'), 'notes.txt', 'captions')).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    })
    await expect(checkHead(Buffer.from('%PDF-1.7\n'), 'x.pdf', 'image')).rejects.toMatchObject({
      code: 'UNSUPPORTED_MEDIA_TYPE',
    })
  })
})
