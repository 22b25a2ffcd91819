import exifr from 'exifr'
import sharp, { type Metadata } from 'sharp'
import { AppError } from '#src/platform/errors.ts'
import type { RemovedMetadata } from './media.schema.ts'

/**
 * Image sanitisation: every derivative is decoded and re-encoded by sharp (libvips) with no
 * metadata at all (no EXIF, GPS, XMP, IPTC, ICC, maker notes or comments), after applying
 * the EXIF orientation so what people see does not change. What the original carried is read
 * with exifr first, so the author is told what was removed.
 */

/** The default pixel limit (MEDIA_MAX_PIXELS) where no configuration is read (`rounds screen`). */
export const DEFAULT_MAX_PIXELS = 100_000_000

/** The longest side any image may have (JPEG's own limit is 65,535). */
export const MAX_IMAGE_SIDE = 30_000

export type SanitisedImage = {
  data: Buffer
  mime: 'image/jpeg' | 'image/png' | 'image/webp'
  width: number
  height: number
  removed: RemovedMetadata[]
}

const fmt = (n: number, d = 3) => Number(n.toFixed(d)).toString()

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString().slice(0, 19).replace('T', ' ')
  if (typeof value === 'string') return value.trim().slice(0, 80)
  if (typeof value === 'number') return String(value)
  return ''
}

type Segments = Record<string, Record<string, unknown> | undefined>

/**
 * Lists the identifying metadata in an image: GPS position, camera make/model and serial
 * numbers, dates, people's names, XMP, IPTC, ICC profile, maker notes, comments.
 */
export async function readImageMetadata(input: Buffer): Promise<RemovedMetadata[]> {
  let segments: Segments | undefined
  try {
    segments = (await exifr.parse(input, {
      tiff: true,
      ifd0: true,
      exif: true,
      gps: true,
      interop: false,
      ifd1: false,
      xmp: true,
      iptc: true,
      icc: true,
      jfif: false,
      ihdr: false,
      makerNote: true,
      userComment: true,
      mergeOutput: false,
      translateValues: false,
      reviveValues: true,
    } as never)) as Segments | undefined
  } catch {
    // Metadata that cannot be parsed is still dropped by re-encoding; say so generically.
    return [{ group: 'other', description: 'Unreadable metadata block removed' }]
  }
  if (!segments) return []
  const out: RemovedMetadata[] = []
  const ifd0 = segments.ifd0 ?? {}
  const exif = segments.exif ?? {}
  const gps = segments.gps ?? {}
  const lat = gps.latitude
  const lon = gps.longitude
  if (typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon))
    out.push({ group: 'gps', description: `GPS position ${fmt(lat)}, ${fmt(lon)} removed` })
  else if (Object.keys(gps).length > 0) out.push({ group: 'gps', description: 'GPS data removed' })
  if (typeof gps.GPSAltitude === 'number')
    out.push({ group: 'gps', description: `GPS altitude ${fmt(gps.GPSAltitude, 1)} m removed` })
  const camera = [ifd0.Make, ifd0.Model].map(show).filter(Boolean).join(' ')
  if (camera) out.push({ group: 'camera', description: `Camera make and model (${camera}) removed` })
  if (show(ifd0.Software))
    out.push({ group: 'camera', description: `Software (${show(ifd0.Software)}) removed` })
  for (const [tag, label] of [
    ['BodySerialNumber', 'Camera serial number'],
    ['SerialNumber', 'Camera serial number'],
    ['LensSerialNumber', 'Lens serial number'],
    ['InternalSerialNumber', 'Camera serial number'],
    ['ImageUniqueID', 'Unique image ID'],
  ] as const) {
    const v = exif[tag] ?? ifd0[tag]
    if (v !== undefined && show(v))
      out.push({ group: 'camera', description: `${label} (${show(v)}) removed` })
  }
  if (show(exif.LensModel))
    out.push({ group: 'camera', description: `Lens model (${show(exif.LensModel)}) removed` })
  for (const [tag, label] of [
    ['DateTimeOriginal', 'Date taken'],
    ['CreateDate', 'Date digitised'],
    ['DateTime', 'Date modified'],
  ] as const) {
    const v = exif[tag] ?? ifd0[tag]
    if (v !== undefined && show(v)) out.push({ group: 'dates', description: `${label} (${show(v)}) removed` })
  }
  for (const [tag, label] of [
    ['Artist', 'Author name'],
    ['Copyright', 'Copyright notice'],
    ['CameraOwnerName', 'Camera owner name'],
    ['OwnerName', 'Camera owner name'],
  ] as const) {
    const v = exif[tag] ?? ifd0[tag]
    if (v !== undefined && show(v))
      out.push({ group: 'people', description: `${label} (${show(v)}) removed` })
  }
  if (
    ifd0.ImageDescription !== undefined ||
    ifd0.XPComment !== undefined ||
    segments.userComment !== undefined
  )
    out.push({ group: 'comments', description: 'Image description and comments removed' })
  if (segments.makerNote !== undefined || exif.MakerNote !== undefined)
    out.push({
      group: 'maker-notes',
      description: 'Maker notes (manufacturer data, may hold serial numbers) removed',
    })
  const xmp = segments.xmp
  if (xmp && Object.keys(xmp).length > 0)
    out.push({ group: 'xmp', description: `XMP metadata removed (${Object.keys(xmp).length} properties)` })
  const iptc = segments.iptc
  if (iptc && Object.keys(iptc).length > 0) {
    const names = Object.keys(iptc).slice(0, 6).join(', ')
    out.push({
      group: 'iptc',
      description: `IPTC fields removed (${names}${Object.keys(iptc).length > 6 ? ', …' : ''})`,
    })
  }
  if (segments.icc && Object.keys(segments.icc).length > 0)
    out.push({ group: 'icc', description: 'ICC colour profile removed (converted to sRGB)' })
  const known = out.length
  const rest = Object.keys(exif).length + Object.keys(ifd0).length
  if (known === 0 && rest > 0) out.push({ group: 'other', description: `EXIF data removed (${rest} tags)` })
  return out
}

function unreadable(message: string, cause?: unknown): AppError {
  return new AppError('MEDIA_UNREADABLE', { message, cause })
}

/**
 * Checks an image's header before anything decodes it: dimensions present, sides within
 * MAX_IMAGE_SIDE, pixel count within `maxPixels` (a decompression bomb announces its size).
 */
export async function checkImageHeader(
  input: Buffer | string,
  maxPixels: number,
): Promise<{ width: number; height: number }> {
  let meta: Metadata
  try {
    meta = await sharp(input, { limitInputPixels: false }).metadata()
  } catch (e) {
    throw unreadable('the image could not be read: it is corrupt or not an image', e)
  }
  const { width, height } = meta
  if (!width || !height) throw unreadable('the image has no dimensions: it is corrupt')
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE)
    throw unreadable(`the image is ${width} × ${height} pixels; sides are limited to ${MAX_IMAGE_SIDE}`)
  if (width * height > maxPixels)
    throw unreadable(
      `the image has ${(width * height).toLocaleString('en')} pixels; the limit is ${maxPixels.toLocaleString('en')}`,
    )
  return { width, height }
}

/**
 * Decodes the whole image (truncated or corrupt data is an error, not grey pixels), applies
 * its orientation, and re-encodes it in the same family with no metadata: JPEG stays JPEG,
 * PNG stays PNG, WebP stays WebP; AVIF becomes JPEG.
 */
export async function sanitiseImage(input: Buffer, options: { maxPixels: number }): Promise<SanitisedImage> {
  await checkImageHeader(input, options.maxPixels)
  const removed = await readImageMetadata(input)
  let format: string | undefined
  try {
    format = (await sharp(input).metadata()).format
    const pipeline = sharp(input, {
      limitInputPixels: options.maxPixels,
      failOn: 'truncated',
      animated: false,
    })
      .rotate()
      .toColourspace('srgb')
    const encoded =
      format === 'png'
        ? pipeline.png({ compressionLevel: 9 })
        : format === 'webp'
          ? pipeline.webp({ quality: 90 })
          : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: 90, mozjpeg: true })
    const { data, info } = await encoded.toBuffer({ resolveWithObject: true })
    const mime = format === 'png' ? 'image/png' : format === 'webp' ? 'image/webp' : 'image/jpeg'
    return { data, mime, width: info.width, height: info.height, removed }
  } catch (e) {
    if (e instanceof AppError) throw e
    const text = e instanceof Error ? e.message : ''
    if (/pixel limit/i.test(text))
      throw unreadable(
        `the image has more pixels than the limit of ${options.maxPixels.toLocaleString('en')}`,
        e,
      )
    throw unreadable(
      'the image is truncated or corrupt and cannot be decoded; export it again and re-upload',
      e,
    )
  }
}
