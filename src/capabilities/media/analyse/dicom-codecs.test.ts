import { createRequire } from 'node:module'
import { inflateRawSync } from 'node:zlib'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { deidentifyDicom, elementText, parseDicom, renderDicom } from './dicom.ts'
import { analyseDicom } from './index.ts'
import { createOcrPool } from './ocr.ts'
import {
  appendEncapsulated,
  deflatePart10,
  encodeJpeg2000,
  encodeJpegLossless,
  encodeJpegLs,
  encodeRle,
  type Raster,
} from './testing/dicom-encoders.ts'
import { syntheticDicom } from './testing/synthetic.ts'

const require = createRequire(import.meta.url)
type El = { vr: string; Value?: unknown[] }
const dcmjs = require('dcmjs') as {
  data: {
    DicomDict: new (m: Record<string, El>) => { dict: Record<string, El>; write(o?: object): ArrayBuffer }
  }
}

const el = (vr: string, ...Value: unknown[]): El => ({ vr, Value })

/**
 * A Part 10 file with the header of `native` (less its Pixel Data and with `overrides`) in the
 * given transfer syntax; `pixels` then appends the Pixel Data (or, for a native syntax, is it).
 */
function rewrap(native: Buffer, syntax: string, overrides: Record<string, El> = {}, pixels?: El): Buffer {
  const parsed = parseDicom(native)
  const ds: Record<string, El> = { ...parsed.dataset, ...overrides }
  delete ds['7FE00010']
  if (pixels) ds['7FE00010'] = pixels
  const dict = new dcmjs.data.DicomDict({ ...parsed.meta, '00020010': el('UI', syntax) })
  const sorted: Record<string, El> = {}
  for (const k of Object.keys(ds).sort()) sorted[k] = ds[k] as El
  dict.dict = sorted
  return Buffer.from(dict.write())
}

function encapsulated(
  native: Buffer,
  syntax: string,
  frames: Uint8Array[][],
  overrides: Record<string, El> = {},
  offsetTable = true,
): Buffer {
  return appendEncapsulated(rewrap(native, syntax, overrides), frames, offsetTable)
}

async function pixelsOf(png: Buffer): Promise<Buffer> {
  return sharp(png).raw().toBuffer()
}

function maxDiff(a: Buffer, b: Buffer): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)))
  return m
}

// A radiograph-like gradient with burned-in text, 16 bits allocated and 12 stored.
let native: Buffer
let grey: Raster
let nativePixels: Buffer
// The same scene in 8-bit RGB, uncompressed.
let rgbNative: Buffer
let rgb: Raster
let rgbPixels: Buffer

const RGB_HEADER = {
  '00280002': el('US', 3),
  '00280004': el('CS', 'RGB'),
  '00280006': el('US', 0),
  '00280100': el('US', 8),
  '00280101': el('US', 8),
  '00280102': el('US', 7),
}

beforeAll(async () => {
  native = await syntheticDicom({ rows: 64, cols: 80, burnedIn: ['DOE JANE', 'MRN 4857'], textSize: 12 })
  const px = new Uint16Array(parseDicom(native).dataset['7FE00010']?.Value?.[0] as ArrayBuffer)
  grey = { rows: 64, cols: 80, samples: 1, bits: 16, stored: 12, data: px }
  nativePixels = await pixelsOf((await renderDicom(native)).png)

  const data = new Uint8Array(64 * 80 * 3)
  for (let i = 0; i < px.length; i++) {
    const v = (px[i] as number) >> 4
    data[i * 3] = v
    data[i * 3 + 1] = (i % 80) * 3
    data[i * 3 + 2] = 255 - v
  }
  rgb = { rows: 64, cols: 80, samples: 3, bits: 8, stored: 8, data }
  rgbNative = rewrap(native, '1.2.840.10008.1.2.1', RGB_HEADER, el('OB', data.slice().buffer))
  rgbPixels = await pixelsOf((await renderDicom(rgbNative)).png)
})

const LOSSLESS: ReadonlyArray<[string, string, () => Promise<Uint8Array>]> = [
  ['RLE Lossless', '1.2.840.10008.1.2.5', async () => encodeRle(grey)],
  ['JPEG Lossless, selection value 1', '1.2.840.10008.1.2.4.70', async () => encodeJpegLossless(grey, 1)],
  ['JPEG Lossless, predictor 6', '1.2.840.10008.1.2.4.57', async () => encodeJpegLossless(grey, 6)],
  ['JPEG-LS Lossless', '1.2.840.10008.1.2.4.80', () => encodeJpegLs(grey)],
  ['JPEG 2000 Lossless', '1.2.840.10008.1.2.4.90', () => encodeJpeg2000(grey)],
]

describe('compressed transfer syntaxes', () => {
  it.each(LOSSLESS)('renders %s (%s) exactly as the uncompressed image', async (_name, syntax, encode) => {
    const frame = await encode()
    expect(frame.length).toBeLessThan(grey.data.byteLength)
    const file = encapsulated(native, syntax, [[frame]])
    expect(elementText(parseDicom(file).meta['00020010'])).toBe(syntax)
    const rendering = await renderDicom(file)
    expect([rendering.width, rendering.height, rendering.frames]).toEqual([80, 64, 1])
    expect((await pixelsOf(rendering.png)).equals(nativePixels)).toBe(true)
  })

  it('renders signed 16-bit and 8-bit MONOCHROME1 pixels from every lossless codec as uncompressed', async () => {
    // CT-like: signed stored values, rescaled to Hounsfield-like units, a soft-tissue-like window.
    const signed: Raster = { ...grey, signed: true, data: grey.data.map((v) => (v - 2048) & 0xffff) }
    const signedHeader = {
      '00280103': el('US', 1),
      '00281050': el('DS', -1200),
      '00281051': el('DS', 2500),
      '00281052': el('DS', -1024),
      '00281053': el('DS', 1),
    }
    const eight: Raster = { ...grey, bits: 8, stored: 8, data: Uint8Array.from(grey.data, (v) => v >> 4) }
    const eightHeader = {
      '00280004': el('CS', 'MONOCHROME1'),
      '00280100': el('US', 8),
      '00280101': el('US', 8),
      '00280102': el('US', 7),
    }
    const codecs: ReadonlyArray<[string, (r: Raster) => Promise<Uint8Array>]> = [
      ['1.2.840.10008.1.2.5', async (r) => encodeRle(r)],
      ['1.2.840.10008.1.2.4.70', async (r) => encodeJpegLossless(r, 1)],
      ['1.2.840.10008.1.2.4.80', (r) => encodeJpegLs(r)],
      ['1.2.840.10008.1.2.4.90', (r) => encodeJpeg2000(r)],
    ]
    for (const [raster, header] of [
      [signed, signedHeader],
      [eight, eightHeader],
    ] as const) {
      const plain = rewrap(native, '1.2.840.10008.1.2.1', header, {
        vr: raster.bits === 8 ? 'OB' : 'OW',
        Value: [raster.data.slice().buffer],
      })
      const expected = await pixelsOf((await renderDicom(plain)).png)
      expect(Math.max(...expected) - Math.min(...expected)).toBeGreaterThan(100)
      for (const [syntax, encode] of codecs) {
        const rendering = await renderDicom(encapsulated(native, syntax, [[await encode(raster)]], header))
        expect((await pixelsOf(rendering.png)).equals(expected), `${syntax}, ${raster.bits}-bit`).toBe(true)
      }
    }
  })

  it('renders Deflated Explicit VR Little Endian exactly as the uncompressed image', async () => {
    const file = deflatePart10(
      rewrap(native, '1.2.840.10008.1.2.1.99', {}, parseDicom(native).dataset['7FE00010']),
    )
    expect(file.length).toBeLessThan(native.length)
    expect(file.includes(Buffer.from('DOE^JANE'))).toBe(false) // the dataset really is deflated
    const rendering = await renderDicom(file)
    expect((await pixelsOf(rendering.png)).equals(nativePixels)).toBe(true)
  })

  it('renders near-lossless JPEG-LS and irreversible JPEG 2000 close to the uncompressed image', async () => {
    const ls = await renderDicom(
      encapsulated(native, '1.2.840.10008.1.2.4.81', [[await encodeJpegLs(grey, 3)]]),
    )
    // NEAR 3 of 4,096 levels is under one level of the 8-bit rendering.
    expect(maxDiff(await pixelsOf(ls.png), nativePixels)).toBeLessThanOrEqual(1)
    const j2k = await renderDicom(
      encapsulated(native, '1.2.840.10008.1.2.4.91', [[await encodeJpeg2000(grey, false)]]),
    )
    const diff = maxDiff(await pixelsOf(j2k.png), nativePixels)
    expect(diff).toBeGreaterThan(0)
    expect(diff).toBeLessThanOrEqual(24)
  })

  it('renders 8-bit RGB and YBR_FULL colour from RLE, and RGB from JPEG-LS interleaved and by plane', async () => {
    const rle = await renderDicom(encapsulated(native, '1.2.840.10008.1.2.5', [[encodeRle(rgb)]], RGB_HEADER))
    expect((await pixelsOf(rle.png)).equals(rgbPixels)).toBe(true)
    const ls = await renderDicom(
      encapsulated(native, '1.2.840.10008.1.2.4.80', [[await encodeJpegLs(rgb)]], RGB_HEADER),
    )
    expect((await pixelsOf(ls.png)).equals(rgbPixels)).toBe(true)
    const planes = await renderDicom(
      encapsulated(native, '1.2.840.10008.1.2.4.80', [[await encodeJpegLs(rgb, 0, true)]], RGB_HEADER),
    )
    expect((await pixelsOf(planes.png)).equals(rgbPixels)).toBe(true)
    // YBR_FULL (PS3.3 C.7.6.3.1.2) stored as is by RLE; rendered, it is the RGB image again.
    const ybr = new Uint8Array(rgb.data.length)
    for (let i = 0; i < ybr.length; i += 3) {
      const [r, g, b] = [rgb.data[i], rgb.data[i + 1], rgb.data[i + 2]] as [number, number, number]
      const c = (v: number) => Math.max(0, Math.min(255, Math.round(v)))
      ybr[i] = c(0.299 * r + 0.587 * g + 0.114 * b)
      ybr[i + 1] = c(-0.168736 * r - 0.331264 * g + 0.5 * b + 128)
      ybr[i + 2] = c(0.5 * r - 0.418688 * g - 0.081312 * b + 128)
    }
    const rendered = await renderDicom(
      encapsulated(native, '1.2.840.10008.1.2.5', [[encodeRle({ ...rgb, data: ybr })]], {
        ...RGB_HEADER,
        '00280004': el('CS', 'YBR_FULL'),
      }),
    )
    expect(maxDiff(await pixelsOf(rendered.png), rgbPixels)).toBeLessThanOrEqual(2)
  })

  it('finds the first frame across fragments, with or without a Basic Offset Table', async () => {
    const j2k = await encodeJpeg2000(grey)
    const split = [j2k.subarray(0, 100), j2k.subarray(100, 700), j2k.subarray(700)]
    for (const offsetTable of [true, false]) {
      const one = await renderDicom(encapsulated(native, '1.2.840.10008.1.2.4.90', [split], {}, offsetTable))
      expect((await pixelsOf(one.png)).equals(nativePixels), `offset table ${offsetTable}`).toBe(true)
    }
    // Two frames, the first in three fragments, no offset table: the frames start at SOC markers.
    const second = await encodeJpeg2000({ ...grey, data: grey.data.map((v) => 4095 - v) })
    const two = await renderDicom(
      encapsulated(native, '1.2.840.10008.1.2.4.90', [split, [second]], { '00280008': el('IS', 2) }, false),
    )
    expect(two.frames).toBe(2)
    expect((await pixelsOf(two.png)).equals(nativePixels)).toBe(true)
  })

  it('answers MEDIA_UNREADABLE for corrupt or truncated compressed data', async () => {
    const outcomes: string[] = []
    for (const [name, syntax, encode] of LOSSLESS) {
      const frame = await encode()
      const truncated = frame.slice(0, Math.floor(frame.length / 3))
      const garbled = frame.slice()
      for (let i = 2; i < garbled.length; i += 5) garbled[i] = (garbled[i] as number) ^ 0xa5
      for (const [what, bad] of Object.entries({ truncated, garbled, header: frame.slice(0, 6) })) {
        const outcome = await renderDicom(encapsulated(native, syntax, [[bad]])).then(
          () => 'rendered',
          (e: { code?: string }) => e.code,
        )
        outcomes.push(`${name}, ${what}: ${outcome}`)
      }
    }
    expect(outcomes.filter((o) => !o.endsWith('MEDIA_UNREADABLE'))).toEqual([])
    // A valid frame that does not match the header's size is refused too.
    await expect(
      renderDicom(
        encapsulated(
          native,
          '1.2.840.10008.1.2.4.80',
          [[await encodeJpegLs({ ...grey, rows: 32, data: grey.data.subarray(0, 32 * 80) })]],
          {},
        ),
      ),
    ).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' })
    // A JPEG 2000 frame declaring a 60,000 × 60,000 image (the header says 80 × 64) is refused
    // before the decoder allocates for it.
    const huge = (await encodeJpeg2000(grey)).slice()
    const siz = Buffer.from(huge).indexOf(Buffer.from([0xff, 0x4f, 0xff, 0x51])) + 4
    new DataView(huge.buffer).setUint32(siz + 4, 60_000)
    new DataView(huge.buffer).setUint32(siz + 8, 60_000)
    const started = performance.now()
    const hugeFile = encapsulated(native, '1.2.840.10008.1.2.4.90', [[huge]])
    await expect(renderDicom(hugeFile)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' })
    expect(performance.now() - started).toBeLessThan(2000)
  })

  it('refuses a syntax it does not decode, naming the ones it does', async () => {
    const file = encapsulated(native, '1.2.840.10008.1.2.4.201', [[await encodeJpeg2000(grey)]])
    const error = await renderDicom(file).catch((e: unknown) => e)
    expect(error).toMatchObject({
      code: 'MEDIA_ENCODING_UNSUPPORTED',
      details: { transferSyntax: '1.2.840.10008.1.2.4.201' },
    })
    const { message, details } = error as { message: string; details: { supported: string[] } }
    expect(message).toMatch(/RLE Lossless \(1\.2\.840\.10008\.1\.2\.5\)/)
    expect(message).toMatch(/JPEG 2000/)
    expect(details.supported).toEqual(
      expect.arrayContaining(['1.2.840.10008.1.2.4.80', '1.2.840.10008.1.2.1.99']),
    )
  })
})

describe('de-identification of compressed files', () => {
  it.each(LOSSLESS)('keeps %s (%s) pixel data byte for byte', async (_name, syntax, encode) => {
    const frame = await encode()
    const { file } = deidentifyDicom(encapsulated(native, syntax, [[frame]]))
    const out = parseDicom(file)
    expect(elementText(out.meta['00020010'])).toBe(syntax)
    expect(elementText(out.dataset['00100010'])).toBe('')
    const values = out.dataset['7FE00010']?.Value as ArrayBuffer[]
    expect(values).toHaveLength(1)
    expect(
      Buffer.from(values[0] as ArrayBuffer)
        .subarray(0, frame.length)
        .equals(Buffer.from(frame)),
    ).toBe(true)
    expect((await pixelsOf((await renderDicom(file)).png)).equals(nativePixels)).toBe(true)
  })

  it('keeps a frame split into fragments without an offset table as one frame', async () => {
    const j2k = await encodeJpeg2000(grey)
    const second = await encodeJpeg2000({ ...grey, data: grey.data.map((v) => 4095 - v) })
    const split = [j2k.subarray(0, 100), j2k.subarray(100)]
    const { file } = deidentifyDicom(
      encapsulated(native, '1.2.840.10008.1.2.4.90', [split, [second]], { '00280008': el('IS', 2) }, false),
    )
    const values = parseDicom(file).dataset['7FE00010']?.Value as ArrayBuffer[]
    expect(values).toHaveLength(2)
    expect(
      Buffer.from(values[0] as ArrayBuffer)
        .subarray(0, j2k.length)
        .equals(Buffer.from(j2k)),
    ).toBe(true)
    expect(
      Buffer.from(values[1] as ArrayBuffer)
        .subarray(0, second.length)
        .equals(Buffer.from(second)),
    ).toBe(true)
    expect((await pixelsOf((await renderDicom(file)).png)).equals(nativePixels)).toBe(true)
  })

  it('writes a deflated file deflated again, without the patient', async () => {
    const original = deflatePart10(
      rewrap(native, '1.2.840.10008.1.2.1.99', {}, parseDicom(native).dataset['7FE00010']),
    )
    const { file } = deidentifyDicom(original)
    const out = parseDicom(file)
    expect(elementText(out.meta['00020010'])).toBe('1.2.840.10008.1.2.1.99')
    expect(elementText(out.dataset['00120062'])).toBe('YES')
    const dataset = inflateRawSync(file.subarray(144 + file.readUInt32LE(140)))
    expect(dataset.includes(Buffer.from('ANONYMOUS')) || dataset.includes(Buffer.from('YES'))).toBe(true)
    expect(dataset.includes(Buffer.from('MRN4857773'))).toBe(false)
    expect((await pixelsOf((await renderDicom(file)).png)).equals(nativePixels)).toBe(true)
  })
})

describe('burned-in annotations in a compressed scan', () => {
  const ocr = createOcrPool()
  afterAll(() => ocr.close())

  it('reads the identifiers drawn into JPEG 2000 pixels', async () => {
    const scan = await syntheticDicom({
      rows: 200,
      cols: 360,
      burnedIn: ['DOE, JANE', 'MRN 4857773456', 'DOB 12/03/1961'],
      textSize: 16,
    })
    const px = new Uint16Array(parseDicom(scan).dataset['7FE00010']?.Value?.[0] as ArrayBuffer)
    const frame = await encodeJpeg2000({ rows: 200, cols: 360, samples: 1, bits: 16, stored: 12, data: px })
    const result = await analyseDicom(encapsulated(scan, '1.2.840.10008.1.2.4.90', [[frame]]), { ocr })
    const texts = result.imageFindings.map((f) => f.text)
    expect(texts).toContain('4857773456')
    expect(texts).toContain('12/03/1961')
  })
})
