import { createRequire } from 'node:module'
import { deflateRawSync } from 'node:zlib'

/**
 * Encoders for the compressed DICOM transfer syntaxes, to build test fixtures: RLE Lossless
 * (PS3.5 Annex G) and JPEG Lossless process 14 (ITU-T T.81 H) written here from the standards,
 * JPEG-LS and JPEG 2000 through the encoders of the codec packages the product decodes with,
 * deflate through zlib. Wrapped into Part 10 files with the encapsulation written by hand, so
 * fixtures do not depend on dcmjs' own fragment writer. Nothing here is used by the product.
 */

const require = createRequire(import.meta.url)

export type Raster = {
  rows: number
  cols: number
  samples: number
  /** Bits Allocated, 8 or 16. */
  bits: number
  /** Bits Stored (the sample precision given to the encoders). */
  stored: number
  /** Pixel-interleaved samples, one array element a sample (two's complement when signed). */
  data: Uint8Array | Uint16Array
  /** Pixel Representation 1. */
  signed?: boolean
}

/**
 * Signed samples as JPEG-LS and lossless JPEG carry them: neither codes a sign, so DICOM puts
 * the Bits Stored low bits of the two's complement value in an unsigned sample.
 */
function unsignedBits(r: Raster): Raster {
  if (!r.signed) return r
  const mask = (1 << r.stored) - 1
  return { ...r, signed: false, data: r.data.map((v) => v & mask) }
}

/** PackBits, as RLE Lossless requires it: a row at a time, runs of 3 or more replicated. */
function packBits(bytes: Uint8Array, rowLength: number): number[] {
  const out: number[] = []
  for (let row = 0; row < bytes.length; row += rowLength) {
    const end = Math.min(bytes.length, row + rowLength)
    let i = row
    while (i < end) {
      let run = 1
      while (i + run < end && run < 128 && bytes[i + run] === bytes[i]) run++
      if (run >= 3) {
        out.push(257 - run, bytes[i] as number)
        i += run
        continue
      }
      let lit = 1
      while (
        i + lit < end &&
        lit < 128 &&
        !(bytes[i + lit] === bytes[i + lit + 1] && bytes[i + lit] === bytes[i + lit + 2])
      )
        lit++
      out.push(lit - 1, ...bytes.subarray(i, i + lit))
      i += lit
    }
  }
  return out
}

/** One RLE Lossless frame (PS3.5 G.2): a segment per byte plane, most significant first. */
export function encodeRle(r: Raster): Uint8Array {
  const bytesPer = r.bits / 8
  const pixels = r.rows * r.cols
  const segments: number[][] = []
  for (let s = 0; s < r.samples; s++)
    for (let b = bytesPer - 1; b >= 0; b--) {
      const plane = new Uint8Array(pixels)
      for (let i = 0; i < pixels; i++) plane[i] = ((r.data[i * r.samples + s] as number) >> (8 * b)) & 0xff
      const seg = packBits(plane, r.cols)
      if (seg.length % 2) seg.push(0x80) // segments are padded to even length with a no-op
      segments.push(seg)
    }
  const header = new DataView(new ArrayBuffer(64))
  header.setUint32(0, segments.length, true)
  let offset = 64
  segments.forEach((seg, i) => {
    header.setUint32(4 + i * 4, offset, true)
    offset += seg.length
  })
  const out = new Uint8Array(offset)
  out.set(new Uint8Array(header.buffer), 0)
  let at = 64
  for (const seg of segments) {
    out.set(seg, at)
    at += seg.length
  }
  return out
}

/**
 * A lossless JPEG (process 14, one component, Huffman) with the given predictor (selection
 * value 1 to 7). The Huffman table gives each difference category a 5-bit code.
 */
export function encodeJpegLossless(raster: Raster, predictor: number): Uint8Array {
  const r = unsignedBits(raster)
  if (r.samples !== 1) throw new Error('monochrome only')
  const p = r.stored
  const out: number[] = [0xff, 0xd8]
  const segment = (marker: number, body: number[]) =>
    out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body)
  segment(0xc3, [p, r.rows >> 8, r.rows & 0xff, r.cols >> 8, r.cols & 0xff, 1, 1, 0x11, 0])
  // 17 categories (0..16), all with 5-bit codes: BITS has 17 in position 5.
  const bits = Array.from({ length: 16 }, (_, i) => (i === 4 ? 17 : 0))
  segment(0xc4, [0x00, ...bits, ...Array.from({ length: 17 }, (_, i) => i)])
  segment(0xda, [1, 1, 0x00, predictor, 0, 0])
  let acc = 0
  let nbits = 0
  const put = (value: number, n: number) => {
    for (let i = n - 1; i >= 0; i--) {
      acc = (acc << 1) | ((value >> i) & 1)
      if (++nbits === 8) {
        out.push(acc)
        if (acc === 0xff) out.push(0)
        acc = 0
        nbits = 0
      }
    }
  }
  const at = (x: number, y: number) => r.data[y * r.cols + x] as number
  for (let y = 0; y < r.rows; y++)
    for (let x = 0; x < r.cols; x++) {
      let pred: number
      if (x === 0 && y === 0) pred = 1 << (p - 1)
      else if (y === 0) pred = at(x - 1, y)
      else if (x === 0) pred = at(x, y - 1)
      else {
        const a = at(x - 1, y)
        const b = at(x, y - 1)
        const c = at(x - 1, y - 1)
        pred = [0, a, b, c, a + b - c, a + ((b - c) >> 1), b + ((a - c) >> 1), (a + b) >> 1][
          predictor
        ] as number
      }
      // Differences are modulo 2^16 (T.81 H.1.2.1), taken into -32767..32768.
      let diff = (at(x, y) - pred) & 0xffff
      if (diff > 0x8000) diff -= 0x10000
      const ssss = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1
      put(ssss, 5)
      if (ssss > 0 && ssss < 16) put(diff > 0 ? diff : diff - 1 + (1 << ssss), ssss)
    }
  if (nbits > 0) put(0x7f, 8 - nbits) // pad with 1-bits
  out.push(0xff, 0xd9)
  return Uint8Array.from(out)
}

type WasmEncoder = {
  getDecodedBuffer(info: object): Uint8Array
  encode(): void
  getEncodedBuffer(): Uint8Array
  delete(): void
}
type Charls = {
  JpegLSEncoder: new () => WasmEncoder & {
    setNearLossless(n: number): void
    setInterleaveMode(m: number): void
  }
}
type OpenJpeg = {
  J2KEncoder: new () => WasmEncoder & {
    setDecompositions(n: number): void
    setQuality(lossless: boolean, step: number): void
    setCompressionRatio(layer: number, ratio: number): void
  }
}
let charls: Promise<Charls> | undefined
let openjpeg: Promise<OpenJpeg> | undefined
const quiet = () => ({ print: () => {}, printErr: () => {} })

function sampleBytes(r: Raster): Uint8Array {
  return new Uint8Array(r.data.buffer, r.data.byteOffset, r.data.byteLength)
}

/**
 * A JPEG-LS frame through CharLS; `near` 0 is lossless. Colour is sample-interleaved (CharLS
 * interleave mode 2) unless `planes` asks for one scan per component (mode 0).
 */
export async function encodeJpegLs(raster: Raster, near = 0, planes = false): Promise<Uint8Array> {
  const r = unsignedBits(raster)
  charls ??= (require('@cornerstonejs/codec-charls/wasmjs') as (o: object) => Promise<Charls>)(quiet())
  const codec = await charls
  const enc = new codec.JpegLSEncoder()
  let data = r.data
  if (planes && r.samples > 1) {
    const plane = r.rows * r.cols
    data = r.data.map((_, i) => r.data[(i % plane) * r.samples + Math.floor(i / plane)] as number)
  }
  try {
    enc
      .getDecodedBuffer({
        width: r.cols,
        height: r.rows,
        bitsPerSample: r.stored,
        componentCount: r.samples,
        isSigned: false,
      })
      .set(sampleBytes({ ...r, data }))
    enc.setNearLossless(near)
    if (r.samples > 1) enc.setInterleaveMode(planes ? 0 : 2)
    enc.encode()
    return enc.getEncodedBuffer().slice()
  } finally {
    enc.delete()
  }
}

/** A JPEG 2000 codestream through OpenJPEG: reversible (lossless) or irreversible. */
export async function encodeJpeg2000(r: Raster, lossless = true): Promise<Uint8Array> {
  openjpeg ??= (require('@cornerstonejs/codec-openjpeg/wasmjs') as (o: object) => Promise<OpenJpeg>)(quiet())
  const codec = await openjpeg
  const enc = new codec.J2KEncoder()
  try {
    enc
      .getDecodedBuffer({
        width: r.cols,
        height: r.rows,
        bitsPerSample: r.stored,
        componentCount: r.samples,
        isSigned: r.signed ?? false,
        isUsingColorTransform: false,
      })
      .set(sampleBytes(r))
    enc.setDecompositions(3)
    if (!lossless) {
      enc.setQuality(false, 0.001)
      enc.setCompressionRatio(0, 8)
    }
    enc.encode()
    return enc.getEncodedBuffer().slice()
  } finally {
    enc.delete()
  }
}

function u32(n: number): number[] {
  return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff]
}

/**
 * Appends encapsulated Pixel Data (PS3.5 A.4) to a Part 10 file whose last element precedes
 * (7FE0,0010): a Basic Offset Table (empty unless `offsetTable`), each fragment as an item
 * (padded to even length), then the sequence delimiter.
 */
export function appendEncapsulated(
  file: Uint8Array,
  frames: ReadonlyArray<ReadonlyArray<Uint8Array>>,
  offsetTable = true,
): Buffer {
  const items: number[] = []
  const offsets: number[] = []
  for (const fragments of frames) {
    offsets.push(items.length)
    for (const f of fragments) {
      const padded = f.length % 2 ? [...f, 0] : [...f]
      items.push(0xfe, 0xff, 0x00, 0xe0, ...u32(padded.length), ...padded)
    }
  }
  const bot = offsetTable ? offsets.flatMap(u32) : []
  const element = [
    0xe0,
    0x7f,
    0x10,
    0x00,
    0x4f,
    0x42, // OB
    0,
    0,
    0xff,
    0xff,
    0xff,
    0xff,
    0xfe,
    0xff,
    0x00,
    0xe0,
    ...u32(bot.length),
    ...bot,
    ...items,
    0xfe,
    0xff,
    0xdd,
    0xe0,
    0,
    0,
    0,
    0,
  ]
  return Buffer.concat([file, Uint8Array.from(element)])
}

/** Deflates the dataset of a Part 10 file (everything after the file meta information). */
export function deflatePart10(file: Buffer): Buffer {
  const dataStart = 144 + file.readUInt32LE(140)
  return Buffer.concat([file.subarray(0, dataStart), deflateRawSync(file.subarray(dataStart))])
}
