import sharp from 'sharp'

/**
 * Media test fixtures, generated in code (nothing downloaded): photos with GPS EXIF, images
 * with text burned in, truncated files, headers that announce absurd dimensions.
 */

/** The GPS position written into fixture photos (Paddington, London). */
export const FIXTURE_GPS = { latitude: 51.517, longitude: -0.176 }

const exif = {
  IFD0: { Make: 'Apple', Model: 'iPhone 12', Software: 'Camera 1.0', Artist: 'A Photographer' },
  IFD2: { BodySerialNumber: 'SN12345', DateTimeOriginal: '2026:01:02 03:04:05', UserComment: 'bay 4' },
  IFD3: {
    GPSLatitudeRef: 'N',
    GPSLatitude: '51/1 31/1 120/100',
    GPSLongitudeRef: 'W',
    GPSLongitude: '0/1 10/1 336/10',
  },
}

function escapeXml(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;')
}

/** An SVG with lines of dark text on a light background (rendered by sharp's librsvg). */
function textSvg(lines: string[], width: number, height: number, fontSize: number): Buffer {
  const rows = lines
    .map(
      (l, i) =>
        `<text x="24" y="${40 + i * fontSize * 1.6}" font-family="DejaVu Sans, Liberation Sans, sans-serif" font-size="${fontSize}" fill="#111">${escapeXml(l)}</text>`,
    )
    .join('')
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#f4f1ea"/>${rows}</svg>`,
  )
}

/** A JPEG photo with camera EXIF and a GPS position, and optionally text burned in. */
export async function photoWithGps(
  options: { lines?: string[]; width?: number; height?: number; fontSize?: number } = {},
): Promise<Buffer> {
  const width = options.width ?? 640
  const height = options.height ?? 360
  const base = options.lines?.length
    ? sharp(textSvg(options.lines, width, height, options.fontSize ?? 32))
    : sharp({ create: { width, height, channels: 3, background: '#8899aa' } })
  return base.jpeg({ quality: 92 }).withExif(exif).toBuffer()
}

/** A PNG with text burned in and no metadata. */
export async function pngWithText(lines: string[], width = 640, height = 240): Promise<Buffer> {
  return sharp(textSvg(lines, width, height, 32))
    .png()
    .toBuffer()
}

/** A valid JPEG cut short: its header reads fine, its pixels do not. */
export async function truncatedJpeg(): Promise<Buffer> {
  const full = await sharp({ create: { width: 800, height: 600, channels: 3, background: '#336699' } })
    .jpeg()
    .toBuffer()
  return full.subarray(0, Math.floor(full.length / 2))
}

/**
 * A PNG whose header announces `width` × `height` pixels (a decompression bomb's signature):
 * a real 1 × 1 PNG with its IHDR dimensions rewritten and the CRC fixed up.
 */
export async function pngAnnouncing(width: number, height: number): Promise<Buffer> {
  const png = Buffer.from(
    await sharp({ create: { width: 1, height: 1, channels: 3, background: '#000' } })
      .png()
      .toBuffer(),
  )
  png.writeUInt32BE(width, 16)
  png.writeUInt32BE(height, 20)
  png.writeUInt32BE(crc32(png.subarray(12, 29)), 29)
  return png
}

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff
  for (const b of bytes) {
    c ^= b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1
  }
  return (c ^ 0xffffffff) >>> 0
}
