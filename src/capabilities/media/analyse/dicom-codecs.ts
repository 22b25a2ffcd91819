import { createRequire } from 'node:module'
import { AppError } from '#src/platform/errors.ts'

/**
 * Decoders for the compressed (encapsulated) DICOM transfer syntaxes other than baseline JPEG:
 * RLE Lossless (PS3.5 Annex G, implemented here), JPEG Lossless process 14
 * (jpeg-lossless-decoder-js), JPEG-LS (CharLS through @cornerstonejs/codec-charls) and JPEG 2000
 * (OpenJPEG through @cornerstonejs/codec-openjpeg). The WebAssembly of the two codecs is read
 * from node_modules when first needed; nothing is fetched at run time.
 *
 * Every decoder returns the frame as a native pixel buffer: little-endian, pixel-interleaved
 * (planar configuration 0), Bits Allocated as in the header, so that the renderer treats it
 * exactly as uncompressed Pixel Data.
 */

const require = createRequire(import.meta.url)

/** Transfer syntaxes whose pixel data Rounds decodes, by UID, with their names. */
export const DECODABLE_TRANSFER_SYNTAXES: Readonly<Record<string, string>> = {
  '1.2.840.10008.1.2': 'Implicit VR Little Endian',
  '1.2.840.10008.1.2.1': 'Explicit VR Little Endian',
  '1.2.840.10008.1.2.2': 'Explicit VR Big Endian',
  '1.2.840.10008.1.2.1.99': 'Deflated Explicit VR Little Endian',
  '1.2.840.10008.1.2.4.50': 'JPEG Baseline (Process 1)',
  '1.2.840.10008.1.2.4.57': 'JPEG Lossless (Process 14)',
  '1.2.840.10008.1.2.4.70': 'JPEG Lossless (Process 14, Selection Value 1)',
  '1.2.840.10008.1.2.4.80': 'JPEG-LS Lossless',
  '1.2.840.10008.1.2.4.81': 'JPEG-LS Near-Lossless',
  '1.2.840.10008.1.2.4.90': 'JPEG 2000 (Lossless Only)',
  '1.2.840.10008.1.2.4.91': 'JPEG 2000',
  '1.2.840.10008.1.2.5': 'RLE Lossless',
}

/** Encapsulated syntaxes decoded by this module (baseline JPEG goes through sharp). */
export const CODEC_SYNTAXES: ReadonlySet<string> = new Set([
  '1.2.840.10008.1.2.4.57',
  '1.2.840.10008.1.2.4.70',
  '1.2.840.10008.1.2.4.80',
  '1.2.840.10008.1.2.4.81',
  '1.2.840.10008.1.2.4.90',
  '1.2.840.10008.1.2.4.91',
  '1.2.840.10008.1.2.5',
])

/** What the header says a frame holds. */
export type FrameLayout = {
  rows: number
  cols: number
  samples: number
  /** Bits Allocated: 8 or 16. */
  bits: number
}

function unreadable(what: string): AppError {
  return new AppError('MEDIA_UNREADABLE', {
    message: `The DICOM file’s ${what} image could not be decoded (the compressed data is truncated or corrupt, or does not match the header).`,
  })
}

/**
 * Decodes one compressed frame of the given transfer syntax to native pixel bytes (see the
 * module comment). Corrupt or truncated data, or a frame whose size does not match the
 * header, throws MEDIA_UNREADABLE.
 */
export async function decodeFrame(
  syntax: string,
  frame: Uint8Array,
  layout: FrameLayout,
): Promise<Uint8Array> {
  const expected = layout.rows * layout.cols * layout.samples * (layout.bits / 8)
  let out: Uint8Array
  let what: string
  switch (syntax) {
    case '1.2.840.10008.1.2.5':
      what = 'RLE'
      out = decodeRle(frame, layout)
      break
    case '1.2.840.10008.1.2.4.57':
    case '1.2.840.10008.1.2.4.70':
      what = 'JPEG Lossless'
      checkDeclaredSize(jpegFrameSize(frame), layout, what)
      out = decodeJpegLossless(frame, layout)
      break
    case '1.2.840.10008.1.2.4.80':
    case '1.2.840.10008.1.2.4.81':
      what = 'JPEG-LS'
      checkDeclaredSize(jpegFrameSize(frame), layout, what)
      out = await decodeJpegLs(frame, layout)
      break
    case '1.2.840.10008.1.2.4.90':
    case '1.2.840.10008.1.2.4.91':
      what = 'JPEG 2000'
      checkDeclaredSize(j2kFrameSize(frame), layout, what)
      out = await decodeJpeg2000(frame, layout)
      break
    default:
      throw new AppError('MEDIA_ENCODING_UNSUPPORTED', {
        message: `No decoder for transfer syntax ${syntax}.`,
      })
  }
  if (out.length < expected) throw unreadable(what)
  return out.length === expected ? out : out.subarray(0, expected)
}

type Size = { width: number; height: number }

// The size a codestream declares is checked before decoding, so a frame claiming a huge image
// is refused without the decoder allocating for it.
function checkDeclaredSize(size: Size | null, layout: FrameLayout, what: string): void {
  if (!size || size.width !== layout.cols || size.height !== layout.rows) throw unreadable(what)
}

/** Width and height from the SOF segment of a JPEG-family stream (SOFn, or SOF55 for JPEG-LS). */
function jpegFrameSize(b: Uint8Array): Size | null {
  if (b[0] !== 0xff || b[1] !== 0xd8) return null
  let i = 2
  while (i + 9 <= b.length) {
    if (b[i] !== 0xff) return null
    const marker = b[i + 1] as number
    if (marker === 0xff) {
      i++ // fill byte
      continue
    }
    const isSof =
      (marker >= 0xc0 && marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(marker)) || marker === 0xf7
    if (isSof)
      return {
        height: ((b[i + 5] as number) << 8) | (b[i + 6] as number),
        width: ((b[i + 7] as number) << 8) | (b[i + 8] as number),
      }
    i += 2 + (((b[i + 2] as number) << 8) | (b[i + 3] as number))
  }
  return null
}

/** Width and height from the SIZ segment of a JPEG 2000 codestream, bare or in a JP2 file. */
function j2kFrameSize(b: Uint8Array): Size | null {
  let at = -1
  for (let i = 0; i + 1 < b.length && i < 4096; i++)
    if (b[i] === 0xff && b[i + 1] === 0x4f && b[i + 2] === 0xff && b[i + 3] === 0x51) {
      at = i + 4
      break
    }
  if (at < 0 || at + 22 > b.length) return null
  const v = new DataView(b.buffer, b.byteOffset + at)
  // Lsiz, Rsiz, then Xsiz, Ysiz, XOsiz, YOsiz (ISO/IEC 15444-1 A.5.1).
  return { width: v.getUint32(4) - v.getUint32(12), height: v.getUint32(8) - v.getUint32(16) }
}

// RLE Lossless, PS3.5 Annex G: a 64-byte header of 16 little-endian uint32 (segment count,
// then up to 15 segment offsets), then one PackBits segment per byte plane: for each sample,
// its most significant byte first.
function decodeRle(frame: Uint8Array, layout: FrameLayout): Uint8Array {
  const bytesPerSample = layout.bits / 8
  const pixels = layout.rows * layout.cols
  const segments = layout.samples * bytesPerSample
  if (frame.length < 64) throw unreadable('RLE')
  const header = new DataView(frame.buffer, frame.byteOffset, 64)
  const count = header.getUint32(0, true)
  if (count !== segments) throw unreadable('RLE')
  const out = new Uint8Array(pixels * segments)
  for (let s = 0; s < segments; s++) {
    const start = header.getUint32(4 + s * 4, true)
    const end = s + 1 < segments ? header.getUint32(8 + s * 4, true) : frame.length
    if (start < 64 || end < start || end > frame.length) throw unreadable('RLE')
    const sample = Math.floor(s / bytesPerSample)
    // Segment order is most significant byte first; the output is little-endian.
    const byteInSample = bytesPerSample - 1 - (s % bytesPerSample)
    const stride = segments
    const base = sample * bytesPerSample + byteInSample
    let i = start
    let n = 0
    while (n < pixels && i < end) {
      const h = frame[i++] as number
      if (h < 128) {
        const run = h + 1
        if (i + run > end || n + run > pixels) throw unreadable('RLE')
        for (let k = 0; k < run; k++) out[base + (n + k) * stride] = frame[i + k] as number
        i += run
        n += run
      } else if (h > 128) {
        const run = 257 - h
        if (i >= end || n + run > pixels) throw unreadable('RLE')
        const v = frame[i++] as number
        for (let k = 0; k < run; k++) out[base + (n + k) * stride] = v
        n += run
      }
      // 128 is a no-op (PS3.5 G.3.1).
    }
    if (n < pixels) throw unreadable('RLE')
  }
  return out
}

type LosslessDecoder = {
  decode(buffer: ArrayBuffer, offset: number, length: number, numBytes: number): ArrayBufferView
  frame: { dimX: number; dimY: number; numComp: number }
  stream: { index: number; buffer: Uint8Array } | null
  yLoc: number
  yDim: number
}
type LosslessModule = { Decoder: new () => LosslessDecoder }

function decodeJpegLossless(frame: Uint8Array, layout: FrameLayout): Uint8Array {
  const { Decoder } = require('jpeg-lossless-decoder-js') as LosslessModule
  const decoder = new Decoder()
  let decoded: ArrayBufferView
  try {
    // A copy: the decoder reads from offset 0 of the buffer it is given.
    const copy = frame.slice().buffer
    decoded = decoder.decode(copy, 0, copy.byteLength, layout.bits / 8)
  } catch {
    throw unreadable('JPEG Lossless')
  }
  const f = decoder.frame
  if (f.dimX !== layout.cols || f.dimY !== layout.rows || f.numComp !== layout.samples)
    throw unreadable('JPEG Lossless')
  // The decoder reads past the end of truncated data as zeros without complaint: a complete
  // frame leaves it on the last row with its reads inside the data.
  const stream = decoder.stream
  if (!stream || stream.index > stream.buffer.length || decoder.yLoc < decoder.yDim)
    throw unreadable('JPEG Lossless')
  return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.byteLength)
}

type FrameInfo = { width: number; height: number; bitsPerSample: number; componentCount: number }
type WasmDecoder = {
  getEncodedBuffer(length: number): Uint8Array
  getDecodedBuffer(): Uint8Array
  decode(): void
  getFrameInfo(): FrameInfo
  delete(): void
}
type CharlsModule = { JpegLSDecoder: new () => WasmDecoder & { getInterleaveMode(): number } }
type OpenJpegModule = { J2KDecoder: new () => WasmDecoder }
type Factory<T> = (options?: { print?: (s: string) => void; printErr?: (s: string) => void }) => Promise<T>

// Loaded once, on first use. The codecs print their diagnostics; failures are detected from
// the results, so the prints are dropped. Emscripten builds the module on the object it is
// given, so each codec gets its own.
const quiet = () => ({ print: () => {}, printErr: () => {} })
let charls: Promise<CharlsModule> | undefined
let openjpeg: Promise<OpenJpegModule> | undefined

function runDecoder(decoder: WasmDecoder, frame: Uint8Array, layout: FrameLayout, what: string) {
  try {
    decoder.getEncodedBuffer(frame.length).set(frame)
    decoder.decode()
    const info = decoder.getFrameInfo()
    if (info.width !== layout.cols || info.height !== layout.rows || info.componentCount !== layout.samples)
      throw unreadable(what)
    if ((info.bitsPerSample > 8 ? 16 : 8) !== layout.bits) throw unreadable(what)
    // A copy out of the WebAssembly memory, which the decoder frees on delete().
    return decoder.getDecodedBuffer().slice()
  } catch (e) {
    throw e instanceof AppError ? e : unreadable(what)
  }
}

async function decodeJpegLs(frame: Uint8Array, layout: FrameLayout): Promise<Uint8Array> {
  charls ??= (require('@cornerstonejs/codec-charls/wasmjs') as Factory<CharlsModule>)(quiet())
  const codec = await charls
  const decoder = new codec.JpegLSDecoder()
  try {
    const out = runDecoder(decoder, frame, layout, 'JPEG-LS')
    // Interleave mode 0 (none) gives the colour planes one after the other.
    return layout.samples > 1 && decoder.getInterleaveMode() === 0 ? interleave(out, layout) : out
  } finally {
    decoder.delete()
  }
}

async function decodeJpeg2000(frame: Uint8Array, layout: FrameLayout): Promise<Uint8Array> {
  openjpeg ??= (require('@cornerstonejs/codec-openjpeg/wasmjs') as Factory<OpenJpegModule>)(quiet())
  const codec = await openjpeg
  const decoder = new codec.J2KDecoder()
  try {
    return runDecoder(decoder, frame, layout, 'JPEG 2000')
  } finally {
    decoder.delete()
  }
}

/** Planar (RRR…GGG…BBB…) to pixel-interleaved (RGBRGB…). */
function interleave(planar: Uint8Array, layout: FrameLayout): Uint8Array {
  const bytes = layout.bits / 8
  const plane = layout.rows * layout.cols
  const out = new Uint8Array(planar.length)
  for (let c = 0; c < layout.samples; c++)
    for (let i = 0; i < plane; i++)
      for (let b = 0; b < bytes; b++)
        out[(i * layout.samples + c) * bytes + b] = planar[(c * plane + i) * bytes + b] as number
  return out
}
