import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { findingSchema } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { boxOverlap, extendLabelledName, layoutWords, screenOcrLines, unionBox } from './image-text.ts'
import { analyseImage } from './index.ts'
import { createOcrPool, estimateSkew, passBoxToOriginal } from './ocr.ts'
import { textImage } from './testing/synthetic.ts'

const word = (text: string, x: number, y: number, w = 40, h = 12) => ({
  text,
  box: { x, y, width: w, height: h },
  confidence: 90,
  pass: 'grey' as const,
})

describe('laying out OCR words', () => {
  it('joins words with spaces and lines with newlines, keeping each word’s offsets', () => {
    const { text, placed } = layoutWords([
      { words: [word('MRN', 0, 0), word('4857773456', 50, 0)] },
      { words: [word('DOB', 0, 20)] },
    ])
    expect(text).toBe('MRN 4857773456\nDOB')
    expect(placed.map((p) => text.slice(p.start, p.end))).toEqual(['MRN', '4857773456', 'DOB'])
  })

  it('unions boxes and measures overlap', () => {
    expect(unionBox([])).toBeUndefined()
    expect(
      unionBox([
        { x: 10, y: 5, width: 10, height: 10 },
        { x: 30, y: 0, width: 5, height: 5 },
      ]),
    ).toEqual({ x: 10, y: 0, width: 25, height: 15 })
    expect(boxOverlap({ x: 0, y: 0, width: 10, height: 10 }, { x: 0, y: 0, width: 10, height: 10 })).toBe(1)
    expect(boxOverlap({ x: 0, y: 0, width: 10, height: 10 }, { x: 20, y: 0, width: 10, height: 10 })).toBe(0)
  })
})

describe('screening OCR text', () => {
  it('gives each finding the union of the boxes of the words it covers', () => {
    const lines = [
      { words: [word('Name:', 10, 10), word('John', 60, 10), word('Smith', 110, 12, 50, 14)] },
      {
        words: [
          word('NHS', 10, 40),
          word('No:', 55, 40),
          word('943', 100, 40),
          word('476', 145, 40),
          word('5919', 190, 40),
        ],
      },
    ]
    const { text, findings } = screenOcrLines(lines)
    for (const f of findings) expect(findingSchema.parse(f)).toEqual(f)
    const name = findings.find((f) => f.category === 'name')
    expect(name?.text).toBe('John Smith')
    expect(name?.box).toEqual({ x: 60, y: 10, width: 100, height: 16 })
    const nhs = findings.find((f) => f.category === 'mrn')
    expect(text.slice(nhs?.start, nhs?.end)).toBe('943 476 5919')
    expect(nhs?.box).toEqual({ x: 100, y: 40, width: 130, height: 12 })
  })

  it('merges the same identifier read by two passes into one finding', () => {
    const pass = (p: 'grey' | 'dark-text') => ({
      words: [word('MRN', 10, 10), { ...word('4857773456', 60, 10, 100), pass: p }],
    })
    const { findings } = screenOcrLines([pass('grey'), pass('dark-text')])
    expect(findings.filter((f) => f.category === 'mrn')).toHaveLength(1)
  })

  it('runs only the packs that make sense for a picture', () => {
    const { findings } = screenOcrLines([{ words: [word('Zzz', 0, 0)] }], { packs: ['evidence', 'platform'] })
    expect(findings).toEqual([])
  })

  it('grows a name finding to the whole value of a Name: field (SURNAME, Given)', () => {
    const text = 'Name: SMITH, John DOB 12/03/1961'
    const start = text.indexOf('John')
    const f = extendLabelledName(text, {
      ruleId: 'confidentiality.name',
      pack: 'confidentiality',
      category: 'name',
      severity: 'block',
      field: 'body',
      start,
      end: start + 4,
      text: 'John',
      message: '',
      citation: '',
    })
    expect(f.text).toBe('SMITH, John')
  })
})

describe('geometry of the OCR passes', () => {
  it('maps a box in a scaled, straightened rendering back to the original', () => {
    const pass = {
      scale: 2,
      rotation: 0,
      scaledSize: { width: 200, height: 100 },
      size: { width: 200, height: 100 },
    }
    expect(passBoxToOriginal({ x0: 20, y0: 10, x1: 60, y1: 30 }, pass, 100, 50)).toEqual({
      x: 10,
      y: 5,
      width: 20,
      height: 10,
    })
    // A very large photo read at reduced size: boxes grow back to the original's pixels.
    const reduced = {
      scale: 0.5,
      rotation: 0,
      scaledSize: { width: 2000, height: 1000 },
      size: { width: 2000, height: 1000 },
    }
    expect(passBoxToOriginal({ x0: 100, y0: 50, x1: 150, y1: 60 }, reduced, 4000, 2000)).toEqual({
      x: 200,
      y: 100,
      width: 100,
      height: 20,
    })
    // Straightened by 90°: a wide box in the turned rendering was a tall one in the original.
    const turned = {
      scale: 1,
      rotation: 90,
      scaledSize: { width: 200, height: 100 },
      size: { width: 100, height: 200 },
    }
    const back = passBoxToOriginal({ x0: 40, y0: 0, x1: 60, y1: 10 }, turned, 200, 100)
    expect([back.width, back.height]).toEqual([10, 20])
  })

  it('estimates the angle of tilted text lines and leaves level text alone', async () => {
    const mask = async (angle: number) => {
      const img = await textImage({
        lines: ['MRN 4857773456', 'DOB 12/03/1961', 'Name SMITH John'],
        size: 24,
        angle,
      })
      const { data, info } = await sharp(img.png)
        .greyscale()
        .threshold(128)
        .negate()
        .toColourspace('b-w')
        .raw()
        .toBuffer({ resolveWithObject: true })
      return { ink: Uint8Array.from(data, (v) => (v > 0 ? 1 : 0)), w: info.width, h: info.height }
    }
    const tilted = await mask(10)
    expect(Math.abs(estimateSkew(tilted.ink, tilted.w, tilted.h) - 10)).toBeLessThanOrEqual(1)
    const level = await mask(0)
    expect(estimateSkew(level.ink, level.w, level.h)).toBe(0)
  })
})

describe('OCR on images (one shared worker)', () => {
  const ocr = createOcrPool({ size: 1 })
  afterAll(() => ocr.close())

  it('finds the identifiers on a wristband label, with boxes around them', async () => {
    const img = await textImage({
      lines: ['Name: SMITH, John', 'MRN 4857773456', 'DOB 12/03/1961'],
      size: 16,
      background: 'wristband',
    })
    const result = await analyseImage(img.png, { ocr, faces: false })
    const texts = result.findings.map((f) => f.text)
    expect(texts).toContain('SMITH, John')
    expect(texts).toContain('4857773456')
    expect(texts).toContain('12/03/1961')
    const mrn = result.findings.find((f) => f.text === '4857773456')
    // The MRN is on the second of three lines: its box is in the middle third, inside the image.
    expect(mrn?.box).toBeDefined()
    const box = mrn?.box ?? { x: 0, y: 0, width: 0, height: 0 }
    expect(box.x + box.width).toBeLessThanOrEqual(img.width)
    expect(box.y).toBeGreaterThan(img.height * 0.3)
    expect(box.y + box.height).toBeLessThan(img.height * 0.7)
    expect(box.height).toBeGreaterThan(8)
    expect(box.height).toBeLessThan(40)
  })

  it('reads white annotations burned into a dark X-ray and tilted text', async () => {
    const xray = await textImage({
      lines: ['MRN 4857773456', 'DOB 12/03/1961'],
      size: 14,
      background: 'xray',
    })
    expect((await analyseImage(xray.png, { ocr, faces: false })).findings.map((f) => f.text)).toContain(
      '4857773456',
    )
    const tilted = await textImage({
      lines: ['Tel 07700 900123', 'MRN 4857773456'],
      size: 18,
      angle: -9,
      font: 'Liberation Serif',
    })
    const found = (await analyseImage(tilted.png, { ocr, faces: false })).findings
    expect(found.map((f) => f.text)).toContain('4857773456')
  })

  it('reports nothing on a clean teaching image', async () => {
    const img = await textImage({
      lines: ['Chest X-ray, PA view', 'Right lower lobe consolidation'],
      size: 18,
      background: 'photo',
    })
    const result = await analyseImage(img.png, { ocr, faces: false })
    expect(result.text).toMatch(/consolidation/i)
    expect(result.findings.filter((f) => f.severity === 'block')).toEqual([])
  })

  it('refuses bytes that are not an image with MEDIA_UNREADABLE', async () => {
    const err = await ocr.recognise(Buffer.from('GIF89a-not-really')).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('MEDIA_UNREADABLE')
  })
})

describe('names in labelled fields', () => {
  const word = (text: string, x: number) => ({
    text,
    box: { x, y: 0, width: 30, height: 10 },
    confidence: 90,
    pass: 'grey' as const,
  })
  it('flags the whole value of a Name: field when it is name-shaped, and only then', () => {
    const read = (ws: string[]) =>
      screenOcrLines([{ words: ws.map((w, i) => word(w, i * 40)) }]).findings.filter(
        (f) => f.category === 'name',
      )
    expect(read(['Name:', 'Grace', 'Jones']).map((f) => f.text)).toEqual(['Grace Jones'])
    expect(read(['Name:', 'EVANS,', 'Mary', 'DOB']).map((f) => f.text)).toEqual(['EVANS, Mary'])
    expect(read(['Name:', 'chest', 'radiograph'])).toEqual([])
    expect(read(['Name', 'of', 'the', 'study'])).toEqual([])
    // Sparse layouts put the label on a line of its own.
    const split = screenOcrLines([
      { words: [word('Name:', 0)] },
      { words: [word('PATEL,', 0), word('Tom', 40)] },
    ])
    expect(split.findings.filter((f) => f.category === 'name').map((f) => f.text)).toEqual(['PATEL, Tom'])
  })

  it('keeps the reading tesseract was surer of when two passes disagree', () => {
    const line = (digits: string, confidence: number) => ({
      words: [word('Tel', 0), { ...word('07700', 40), confidence }, { ...word(digits, 80), confidence }],
    })
    const { findings } = screenOcrLines([line('9500484', 60), line('900484', 95)])
    expect(findings.filter((f) => f.category === 'phone').map((f) => f.text)).toEqual(['07700 900484'])
  })
})
