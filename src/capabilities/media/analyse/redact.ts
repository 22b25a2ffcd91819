import sharp, { type OutputInfo, type OverlayOptions } from 'sharp'
import type { MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'

/**
 * Redacted derivatives of an image: filled boxes over flagged text, blurred faces. The output
 * is re-encoded from decoded pixels, so it carries no EXIF, XMP, IPTC, ICC-embedded comments,
 * GPS or maker notes (sharp writes none unless asked); EXIF orientation is applied to the
 * pixels first, so the boxes (which are in displayed orientation) land where they were found.
 */

export type RedactionRequest = {
  /** Regions painted over with a solid fill (text findings). */
  fill?: readonly MediaBox[]
  /** Regions blurred beyond recognition (faces). */
  blur?: readonly MediaBox[]
  /** Fill colour, CSS hex. Black by default. */
  colour?: string
  format?: 'png' | 'jpeg' | 'webp'
}

/** Pixels added around each box so antialiased edges of letters do not survive. */
const PAD = 3

function clampBox(b: MediaBox, width: number, height: number, pad: number): MediaBox | undefined {
  const x = Math.max(0, Math.floor(b.x - pad))
  const y = Math.max(0, Math.floor(b.y - pad))
  const x1 = Math.min(width, Math.ceil(b.x + b.width + pad))
  const y1 = Math.min(height, Math.ceil(b.y + b.height + pad))
  if (x1 <= x || y1 <= y) return undefined
  return { x, y, width: x1 - x, height: y1 - y }
}

/** Produces the redacted derivative. Boxes outside the image are clipped; empty ones ignored. */
export async function redactImage(
  image: Buffer,
  request: RedactionRequest,
): Promise<{ data: Buffer; format: 'png' | 'jpeg' | 'webp'; width: number; height: number }> {
  let base: { data: Buffer; info: OutputInfo }
  let inputFormat: string | undefined
  try {
    inputFormat = (await sharp(image, { limitInputPixels: 100_000_000 }).metadata()).format
    base = await sharp(image, { limitInputPixels: 100_000_000, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true })
  } catch {
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The image could not be decoded: the file is truncated, corrupt or not an image.',
    })
  }
  const { width, height, channels } = base.info
  const raw = { raw: { width, height, channels } }
  const layers: OverlayOptions[] = []
  for (const b of request.blur ?? []) {
    const box = clampBox(b, width, height, Math.round(Math.max(b.width, b.height) * 0.1))
    if (!box) continue
    // A blur wide enough that no feature survives, then pixelation on top of it: a light
    // Gaussian blur on a face can be partly reversed, a coarse mosaic of a blur cannot.
    const sigma = Math.max(8, Math.round(Math.max(box.width, box.height) / 6))
    const region = await sharp(base.data, raw)
      .extract({ left: box.x, top: box.y, width: box.width, height: box.height })
      .blur(sigma)
      .raw()
      .toBuffer()
    const cells = Math.max(1, Math.round(Math.max(box.width, box.height) / 12))
    const mosaic = await sharp(region, { raw: { width: box.width, height: box.height, channels } })
      .resize(Math.max(1, Math.round(box.width / cells)), Math.max(1, Math.round(box.height / cells)), {
        kernel: 'cubic',
      })
      .resize(box.width, box.height, { kernel: 'nearest' })
      .raw()
      .toBuffer()
    layers.push({
      input: mosaic,
      raw: { width: box.width, height: box.height, channels },
      left: box.x,
      top: box.y,
    })
  }
  const colour = request.colour ?? '#000000'
  for (const b of request.fill ?? []) {
    const box = clampBox(b, width, height, PAD)
    if (!box) continue
    layers.push({
      input: { create: { width: box.width, height: box.height, channels: 4, background: colour } },
      left: box.x,
      top: box.y,
    })
  }
  const format = request.format ?? (inputFormat === 'jpeg' ? 'jpeg' : inputFormat === 'webp' ? 'webp' : 'png')
  let out = sharp(base.data, raw).composite(layers)
  if (format !== 'png') out = out.flatten({ background: '#ffffff' })
  const encoded =
    format === 'jpeg' ? out.jpeg({ quality: 90 }) : format === 'webp' ? out.webp({ quality: 90 }) : out.png()
  const data = await encoded.toBuffer()
  return { data, format, width, height }
}
