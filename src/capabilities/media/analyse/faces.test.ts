import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import sharp from 'sharp'
import { describe, expect, it } from 'vitest'
import { findingSchema } from '#src/capabilities/screening/screening.schema.ts'
import type { AppError } from '#src/platform/errors.ts'
import { detectFaces, faceFinding } from './faces.ts'
import { redactImage } from './redact.ts'
import { textImage } from './testing/synthetic.ts'

// Faces cannot be drawn convincingly in code; the face-api package ships photographs for its
// own demo, which serve as the fixture (read from node_modules, nothing downloaded).
const require = createRequire(import.meta.url)
const samplePhoto = path.join(
  path.dirname(require.resolve('@vladmandic/face-api/package.json')),
  'demo',
  'sample1.jpg',
)

describe('face detection', () => {
  it('finds the faces in a photograph, with boxes inside the image', async () => {
    const photo = await sharp(await readFile(samplePhoto))
      .resize({ width: 960 })
      .jpeg()
      .toBuffer()
    const { width = 0, height = 0 } = await sharp(photo).metadata()
    const faces = await detectFaces(photo)
    expect(faces.length).toBeGreaterThanOrEqual(1)
    for (const f of faces) {
      expect(f.score).toBeGreaterThanOrEqual(0.5)
      expect(f.box.width).toBeGreaterThan(20)
      expect(f.box.x + f.box.width).toBeLessThanOrEqual(width)
      expect(f.box.y + f.box.height).toBeLessThanOrEqual(height)
    }
  })

  it('reports boxes in the orientation people see (EXIF orientation applied)', async () => {
    const upright = await sharp(await readFile(samplePhoto))
      .resize({ width: 960 })
      .jpeg()
      .toBuffer()
    // The same picture stored turned on its side, with EXIF saying "rotate 90° to view".
    const stored = await sharp(upright).rotate(-90).withMetadata({ orientation: 6 }).jpeg().toBuffer()
    const a = await detectFaces(upright)
    const b = await detectFaces(stored)
    expect(b.length).toBe(a.length)
    const first = a[0]?.box
    expect(b.some((f) => first && Math.abs(f.box.x - first.x) < 15 && Math.abs(f.box.y - first.y) < 15)).toBe(
      true,
    )
  })

  it.each(['sample1.jpg', 'sample3.jpg', 'sample5.jpg'])(
    'a redacted photo (%s) has no face left where faces were covered',
    async (name) => {
      const photo = await sharp(await readFile(path.join(path.dirname(samplePhoto), name)))
        .resize({ width: 960 })
        .jpeg()
        .toBuffer()
      const faces = await detectFaces(photo)
      expect(faces.length).toBeGreaterThanOrEqual(1)
      const redacted = await redactImage(photo, { blur: faces.map((f) => f.box) })
      const overlaps = (a: (typeof faces)[number]['box'], b: (typeof faces)[number]['box']) =>
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
      const left = (await detectFaces(redacted.data)).filter((f) => faces.some((g) => overlaps(f.box, g.box)))
      expect(left).toEqual([])
    },
    90_000,
  )

  it('finds no face in a label or a plain picture', async () => {
    const label = await textImage({ lines: ['MRN 4857773456'], size: 24 })
    expect(await detectFaces(label.png)).toEqual([])
  })

  it('makes a blocking photo finding that fits the Finding shape', () => {
    const f = faceFinding({ box: { x: 1, y: 2, width: 30, height: 40 }, score: 0.93 }, { time: 4 })
    expect(findingSchema.parse(f)).toEqual(f)
    expect(f).toMatchObject({
      category: 'photo',
      severity: 'block',
      time: 4,
      box: { x: 1, y: 2, width: 30, height: 40 },
    })
  })

  it('refuses a corrupt file with MEDIA_UNREADABLE', async () => {
    const jpeg = await sharp(await readFile(samplePhoto))
      .jpeg()
      .toBuffer()
    const err = await detectFaces(jpeg.subarray(0, 400)).catch((e: unknown) => e)
    expect((err as AppError).code).toBe('MEDIA_UNREADABLE')
  })
})
