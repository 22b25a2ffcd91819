import { createRequire } from 'node:module'
import sharp, { type Sharp } from 'sharp'
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js'
import type { MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'

/**
 * Optical character recognition with tesseract.js. The English model comes from the
 * @tesseract.js-data/eng package and the worker script and WebAssembly core from
 * tesseract.js / tesseract.js-core in node_modules: nothing is fetched at run time
 * (tesseract.js's default language path is a CDN, so `langPath` is always set here).
 */

const require = createRequire(import.meta.url)
const engData = require('@tesseract.js-data/eng') as { langPath: string; gzip: boolean }

/** The most pixels an image may have before OCR refuses it (a decompression bomb guard). */
export const MAX_OCR_INPUT_PIXELS = 100_000_000

/** One word read from an image, its box in pixels of the (orientation-corrected) original. */
export type OcrWord = { text: string; box: MediaBox; confidence: number; pass: OcrPassName }
export type OcrLine = { words: OcrWord[] }
export type OcrPassName = 'grey' | 'bright-text' | 'dark-text'
export type OcrResult = {
  /** Each pass's lines, in reading order; words joined by spaces, lines by newlines. */
  lines: OcrLine[]
  width: number
  height: number
}

/**
 * One rendering handed to tesseract, and how to map a box in it back to the original:
 * undo the rotation that straightened the text (about the rendering's centre), then the scale.
 */
type PreparedPass = {
  name: OcrPassName
  png: Buffer
  scale: number
  /** Degrees the scaled image was turned (clockwise) before OCR; 0 when not deskewed. */
  rotation: number
  /** Size of the scaled image before rotation and of the rendering after it. */
  scaledSize: { width: number; height: number }
  size: { width: number; height: number }
}

/**
 * A small pool of tesseract workers (each one is a WebAssembly instance with the model
 * loaded, about 1.5 s to start and ~40 MB). Jobs wait for a free worker; workers start
 * lazily and stay until `close()`.
 */
export type OcrPool = {
  /** Reads the words of one raster image (PNG, JPEG, WebP, TIFF …). */
  recognise(image: Buffer, options?: OcrOptions): Promise<OcrResult>
  close(): Promise<void>
}

export type OcrOptions = {
  /** Drop words tesseract is less sure of than this (0–100). */
  minConfidence?: number
  /**
   * The largest upscaling allowed (default 2). Video frames use 1: at 720p and above their
   * captions and labels are large, and upscaling a 1080p frame costs more than it finds.
   */
  maxScale?: number
}

export function createOcrPool(options: { size?: number } = {}): OcrPool {
  const size = Math.max(1, options.size ?? 1)
  const idle: Worker[] = []
  const starting: Array<Promise<Worker>> = []
  let total = 0
  const waiters: Array<(w: Worker) => void> = []
  let closed = false

  async function startWorker(): Promise<Worker> {
    const worker = await createWorker('eng', OEM.LSTM_ONLY, {
      langPath: engData.langPath,
      gzip: engData.gzip,
      // The model is read from node_modules each start; no cache files in the working directory.
      cacheMethod: 'none',
    })
    await worker.setParameters({
      // Sparse text finds labels scattered over a photo or a scan, not only paragraphs.
      tessedit_pageseg_mode: PSM.SPARSE_TEXT,
      preserve_interword_spaces: '0',
      // Rendered frames and PNGs often carry no resolution; without one tesseract guesses and logs.
      user_defined_dpi: '300',
    })
    return worker
  }

  async function acquire(): Promise<Worker> {
    if (closed) throw new Error('OCR pool is closed')
    const w = idle.pop()
    if (w) return w
    if (total < size) {
      total++
      const p = startWorker()
      starting.push(p)
      try {
        return await p
      } catch (error) {
        total--
        throw error
      } finally {
        starting.splice(starting.indexOf(p), 1)
      }
    }
    return new Promise((resolve) => waiters.push(resolve))
  }

  function release(w: Worker): void {
    const next = waiters.shift()
    if (next) next(w)
    else idle.push(w)
  }

  return {
    async recognise(image, opts = {}) {
      const minConfidence = opts.minConfidence ?? 45
      const prepared = await prepareForOcr(image, opts.maxScale)
      const lines: OcrLine[] = []
      const worker = await acquire()
      try {
        for (const pass of prepared.passes) {
          const result = await worker.recognize(pass.png, {}, { blocks: true, text: false })
          for (const block of result.data.blocks ?? []) {
            for (const para of block.paragraphs) {
              for (const line of para.lines) {
                const words: OcrWord[] = []
                for (const w of line.words) {
                  const text = w.text.trim()
                  if (!text || w.confidence < minConfidence) continue
                  words.push({
                    text,
                    confidence: Math.round(w.confidence),
                    pass: pass.name,
                    box: passBoxToOriginal(w.bbox, pass, prepared.width, prepared.height),
                  })
                }
                if (words.length) lines.push({ words })
              }
            }
          }
        }
      } finally {
        release(worker)
      }
      return { lines, width: prepared.width, height: prepared.height }
    },
    async close() {
      closed = true
      const all = [...idle, ...(await Promise.all(starting))]
      idle.length = 0
      await Promise.all(all.map((w) => w.terminate()))
    },
  }
}

/** Maps a box found in a pass back to pixels of the original (the bounding box of its corners). */
export function passBoxToOriginal(
  b: { x0: number; y0: number; x1: number; y1: number },
  pass: Pick<PreparedPass, 'scale' | 'rotation' | 'scaledSize' | 'size'>,
  width: number,
  height: number,
): MediaBox {
  const rad = (-pass.rotation * Math.PI) / 180
  const cos = Math.cos(rad)
  const sin = Math.sin(rad)
  let x0 = Number.POSITIVE_INFINITY
  let y0 = Number.POSITIVE_INFINITY
  let x1 = Number.NEGATIVE_INFINITY
  let y1 = Number.NEGATIVE_INFINITY
  for (const [px, py] of [
    [b.x0, b.y0],
    [b.x1, b.y0],
    [b.x0, b.y1],
    [b.x1, b.y1],
  ] as const) {
    const dx = px - pass.size.width / 2
    const dy = py - pass.size.height / 2
    const sx = (dx * cos - dy * sin + pass.scaledSize.width / 2) / pass.scale
    const sy = (dx * sin + dy * cos + pass.scaledSize.height / 2) / pass.scale
    x0 = Math.min(x0, sx)
    y0 = Math.min(y0, sy)
    x1 = Math.max(x1, sx)
    y1 = Math.max(y1, sy)
  }
  // The epsilon keeps floating-point noise from the rotation from adding a pixel.
  const x = Math.max(0, Math.floor(x0 + 1e-6))
  const y = Math.max(0, Math.floor(y0 + 1e-6))
  const xe = Math.min(width, Math.ceil(x1 - 1e-6))
  const ye = Math.min(height, Math.ceil(y1 - 1e-6))
  return { x, y, width: Math.max(0, xe - x), height: Math.max(0, ye - y) }
}

/**
 * Estimates how far text is turned from horizontal, in degrees (clockwise positive), and how
 * tall its lines are, from an ink mask: the angle whose row projection of the ink is most
 * peaked (text lines make sharp peaks only when they are level; ±25° in 1° steps, then ±1° in
 * 0.25° steps), and the median height of the peaks at that angle.
 */
export function estimateLayout(
  ink: Uint8Array,
  width: number,
  height: number,
): { skew: number; lineHeight: number | undefined } {
  const xs: number[] = []
  const ys: number[] = []
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 400_000)))
  for (let y = 0; y < height; y += step)
    for (let x = 0; x < width; x += step)
      if (ink[y * width + x]) {
        xs.push(x - width / 2)
        ys.push(y - height / 2)
      }
  if (xs.length < 50) return { skew: 0, lineHeight: undefined }
  const bins = new Float64Array(Math.ceil(Math.hypot(width, height) / step) + 4)
  const off = bins.length / 2
  const project = (deg: number) => {
    const r = (deg * Math.PI) / 180
    const c = Math.cos(r)
    const sn = Math.sin(r)
    bins.fill(0)
    for (let i = 0; i < xs.length; i++) {
      const yy = Math.floor((-(xs[i] as number) * sn + (ys[i] as number) * c) / step + off)
      bins[yy] = (bins[yy] as number) + 1
    }
  }
  const score = (deg: number) => {
    project(deg)
    let sum = 0
    for (let i = 0; i < bins.length; i++) sum += (bins[i] as number) * (bins[i] as number)
    return sum
  }
  let best = 0
  let bestScore = score(0)
  const level = bestScore
  for (let d = -25; d <= 25; d++) {
    if (d === 0) continue
    const sc = score(d)
    if (sc > bestScore) {
      best = d
      bestScore = sc
    }
  }
  for (let d = best - 1; d <= best + 1; d += 0.25) {
    const sc = score(d)
    if (sc > bestScore) {
      best = d
      bestScore = sc
    }
  }
  // Only straighten when the gain is clear: photos and scans without text lines have none.
  const skew = Math.abs(best) >= 1.5 && bestScore > level * 1.15 ? best : 0
  project(skew)
  let max = 0
  for (let i = 0; i < bins.length; i++) max = Math.max(max, bins[i] as number)
  const runs: number[] = []
  let run = 0
  for (let i = 0; i <= bins.length; i++) {
    if (i < bins.length && (bins[i] as number) >= max * 0.15) run++
    else {
      if (run * step >= 4) runs.push(run * step)
      run = 0
    }
  }
  runs.sort((a, b) => a - b)
  return { skew, lineHeight: runs.length ? runs[Math.floor(runs.length / 2)] : undefined }
}

/** The angle of the text lines in an ink mask (see estimateLayout). */
export function estimateSkew(ink: Uint8Array, width: number, height: number): number {
  return estimateLayout(ink, width, height).skew
}

/** Pixels much brighter (dark images) or darker (light images) than their neighbourhood. */
async function inkMask(
  grey: Buffer,
  width: number,
  height: number,
  dark: boolean,
  sigma: number,
): Promise<{ ink: Uint8Array; png: Buffer }> {
  const local = await sharp(grey, { raw: { width, height, channels: 1 } })
    .blur(sigma)
    .toColourspace('b-w')
    .raw()
    .toBuffer()
  const ink = new Uint8Array(grey.length)
  const png = Buffer.alloc(grey.length, 255)
  for (let i = 0; i < grey.length; i++) {
    const d = dark ? (grey[i] as number) - (local[i] as number) : (local[i] as number) - (grey[i] as number)
    if (d > 28) {
      ink[i] = 1
      png[i] = 0
    }
  }
  return { ink, png }
}

/**
 * Turns an image into the renderings tesseract reads best:
 * - greyscale, scaled so text lines are about 40 px tall (10–14 px text upscaled up to 2×,
 *   large text left alone), the line height measured from the image itself;
 * - a `grey` pass: contrast stretched, inverted when the image is mostly dark (tesseract
 *   expects dark text on a light page);
 * - an ink pass: pixels much brighter (dark images: X-ray overlays) or much darker (light
 *   images: labels, wristbands) than their neighbourhood, as black on white. This local
 *   (top-hat) threshold keeps thin antialiased strokes that a global threshold loses on
 *   textured backgrounds such as bone and soft tissue;
 * - both turned level when the text is at an angle (see estimateSkew).
 */
export async function prepareForOcr(
  image: Buffer,
  maxScale = 2,
): Promise<{
  width: number
  height: number
  skew: number
  lineHeight: number | undefined
  passes: PreparedPass[]
}> {
  try {
    // rotate() applies EXIF orientation, so boxes are in the image as people see it.
    const grey = await sharp(image, { limitInputPixels: MAX_OCR_INPUT_PIXELS, failOn: 'error' })
      .rotate()
      .flatten({ background: '#ffffff' })
      .greyscale()
      .raw()
      .toBuffer({ resolveWithObject: true })
    const width = grey.info.width
    const height = grey.info.height
    const longSide = Math.max(width, height)
    let sum = 0
    for (let i = 0; i < grey.data.length; i++) sum += grey.data[i] as number
    const dark = sum / Math.max(1, grey.data.length) < 110
    // First look at the image as it is: the angle of the text and the height of its lines.
    const first = await inkMask(grey.data, width, height, dark, 10)
    const { skew, lineHeight } = estimateLayout(first.ink, width, height)
    // Scale so lines are about 40 px tall (the model reads 20–60 px text best): small text is
    // upscaled up to `maxScale`, large text left alone. Very large photographs are read at
    // 4,000 px on the long side; OCR time grows with pixels.
    const scale =
      longSide > 4000
        ? 4000 / longSide
        : lineHeight
          ? Math.max(1, Math.min(maxScale, 40 / lineHeight))
          : Math.max(1, Math.min(maxScale, longSide <= 1600 ? 2 : longSide <= 2400 ? 1.5 : 1))
    const sw = Math.round(width * scale)
    const sh = Math.round(height * scale)
    const up =
      scale === 1
        ? grey.data
        : await sharp(grey.data, { raw: { width, height, channels: 1 } })
            .resize(sw, sh, { kernel: 'lanczos3' })
            .toColourspace('b-w')
            .raw()
            .toBuffer()
    const raw = { raw: { width: sw, height: sh, channels: 1 as const } }
    // The neighbourhood that counts as "background" grows with the text, so thick strokes of
    // large letters are not hollowed out.
    const sigma = Math.max(6, Math.round(lineHeight ? lineHeight * scale * 0.6 : 12 * scale))
    const inkPng = scale === 1 && sigma === 10 ? first.png : (await inkMask(up, sw, sh, dark, sigma)).png
    const finish = async (s: Sharp, name: OcrPassName): Promise<PreparedPass> => {
      const turned = skew ? s.rotate(-skew, { background: '#ffffff' }) : s
      const out = await turned.png().toBuffer({ resolveWithObject: true })
      return {
        name,
        png: out.data,
        scale,
        rotation: -skew,
        scaledSize: { width: sw, height: sh },
        size: { width: out.info.width, height: out.info.height },
      }
    }
    let greyPass = sharp(up, raw).normalise()
    if (dark) greyPass = greyPass.negate()
    // A rotated raw pipeline needs its own decode: materialise the grey pass first.
    const greyPng = await greyPass.png().toBuffer()
    const passes = [
      await finish(sharp(greyPng), 'grey'),
      await finish(sharp(inkPng, raw), dark ? 'bright-text' : 'dark-text'),
    ]
    return { width, height, skew, lineHeight, passes }
  } catch (error) {
    if (error instanceof AppError) throw error
    const message = error instanceof Error ? error.message : ''
    if (/pixel limit/i.test(message))
      throw new AppError('MEDIA_UNREADABLE', {
        message: `The image has more than ${MAX_OCR_INPUT_PIXELS.toLocaleString('en')} pixels.`,
      })
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The image could not be decoded: the file is truncated, corrupt or not an image.',
    })
  }
}
