import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'

/**
 * Labelled synthetic media for the tests and the benchmark: text rendered with the fonts the
 * operating system has (through sharp's SVG renderer), DICOM files written with dcmjs, and
 * short videos encoded with ffmpeg. Nothing here is used by the product.
 */

const run = promisify(execFile)
const require = createRequire(import.meta.url)

export const FONTS = [
  'DejaVu Sans',
  'Liberation Serif',
  'DejaVu Sans Mono',
  'Liberation Sans Narrow',
] as const
export type Font = (typeof FONTS)[number]
export type Background = 'white' | 'wristband' | 'xray' | 'photo'

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export type TextImageOptions = {
  lines: readonly string[]
  size: number
  font?: Font
  background?: Background
  /** Rotation of the text block in degrees. */
  angle?: number
  bold?: boolean
}

/**
 * Renders lines of text on a background. `xray` is a dark noisy radiograph-like field with
 * white overlay text (as burned-in annotations are), `wristband` a pale coloured band on a
 * skin-tone background, `photo` a gradient with blotches.
 */
export async function textImage(
  o: TextImageOptions,
): Promise<{ png: Buffer; width: number; height: number }> {
  const font = o.font ?? 'DejaVu Sans'
  const bg = o.background ?? 'white'
  const lineHeight = Math.round(o.size * 1.5)
  const longest = Math.max(...o.lines.map((l) => l.length))
  const textWidth = Math.ceil(longest * o.size * 0.68)
  const textHeight = lineHeight * o.lines.length
  const margin = Math.max(24, Math.round(o.size * 1.5))
  const angle = o.angle ?? 0
  const rad = (Math.abs(angle) * Math.PI) / 180
  const width = Math.ceil(textWidth * Math.cos(rad) + textHeight * Math.sin(rad)) + margin * 2
  const height = Math.ceil(textWidth * Math.sin(rad) + textHeight * Math.cos(rad)) + margin * 2
  const cx = width / 2
  const cy = height / 2
  const ink = bg === 'xray' ? '#f4f4f4' : bg === 'wristband' ? '#1a1a40' : '#111111'
  let backdrop = ''
  if (bg === 'white') backdrop = `<rect width="100%" height="100%" fill="#ffffff"/>`
  if (bg === 'photo')
    backdrop = `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#d9e4ec"/><stop offset="1" stop-color="#b9c9a8"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="${width * 0.8}" cy="${height * 0.2}" r="${height * 0.3}" fill="#c8b89a" opacity="0.6"/>`
  if (bg === 'wristband')
    backdrop = `<rect width="100%" height="100%" fill="#c89676"/><rect x="${margin / 3}" y="${cy - textHeight / 2 - margin / 1.5}" width="${width - (margin * 2) / 3}" height="${textHeight + margin * 1.33}" rx="${margin / 2}" fill="#e8f0ff" transform="rotate(${angle} ${cx} ${cy})"/>`
  if (bg === 'xray')
    backdrop = `<defs><radialGradient id="r" cx="0.5" cy="0.55" r="0.6"><stop offset="0" stop-color="#8a8a8a"/><stop offset="0.6" stop-color="#3a3a3a"/><stop offset="1" stop-color="#070707"/></radialGradient><filter id="n"><feTurbulence type="fractalNoise" baseFrequency="0.9" numOctaves="2" seed="3"/><feColorMatrix type="saturate" values="0"/><feComponentTransfer><feFuncA type="table" tableValues="0 0.25"/></feComponentTransfer></filter></defs><rect width="100%" height="100%" fill="url(#r)"/><ellipse cx="${cx * 0.7}" cy="${cy}" rx="${width * 0.16}" ry="${height * 0.38}" fill="#b0b0b0" opacity="0.35"/><ellipse cx="${cx * 1.3}" cy="${cy}" rx="${width * 0.16}" ry="${height * 0.38}" fill="#b0b0b0" opacity="0.35"/><rect width="100%" height="100%" filter="url(#n)"/>`
  const x0 = cx - textWidth / 2
  const y0 = cy - textHeight / 2
  const texts = o.lines
    .map(
      (l, i) =>
        `<text x="${x0}" y="${y0 + lineHeight * i + o.size * 1.1}" font-family="${font}" font-size="${o.size}" ${o.bold ? 'font-weight="bold"' : ''} fill="${ink}">${esc(l)}</text>`,
    )
    .join('')
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${backdrop}<g transform="rotate(${angle} ${cx} ${cy})">${texts}</g></svg>`
  const png = await sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).png().toBuffer()
  return { png, width, height }
}

/** A JPEG with EXIF camera, date, GPS, XMP and IPTC-like fields set (through sharp's withExif). */
export async function photoWithGps(lat = 51.5171, lon = -0.1763): Promise<Buffer> {
  const dms = (v: number) => {
    const a = Math.abs(v)
    const d = Math.floor(a)
    const m = Math.floor((a - d) * 60)
    const s = Math.round(((a - d) * 60 - m) * 60 * 100)
    return `${d}/1 ${m}/1 ${s}/100`
  }
  return sharp({ create: { width: 320, height: 240, channels: 3, background: '#8899aa' } })
    .jpeg()
    .withExif({
      IFD0: {
        Make: 'Rounds Test Camera',
        Model: 'RT-1',
        Software: 'Rounds synthetic',
        Artist: 'Dr Example',
        Copyright: 'Example Hospital',
      },
      IFD2: {
        DateTimeOriginal: '2024:03:12 09:41:00',
        BodySerialNumber: 'SN-00042',
        ImageUniqueID: 'abc123',
      },
      IFD3: {
        GPSLatitudeRef: lat >= 0 ? 'N' : 'S',
        GPSLatitude: dms(lat),
        GPSLongitudeRef: lon >= 0 ? 'E' : 'W',
        GPSLongitude: dms(lon),
      },
    })
    .toBuffer()
}

type DicomElement = { vr: string; Value?: unknown[] }
type Dcmjs = {
  data: {
    DicomDict: new (
      meta: Record<string, DicomElement>,
    ) => { dict: Record<string, DicomElement>; write(): ArrayBuffer }
  }
}

export const DICOM_PHI = {
  PatientName: 'DOE^JANE',
  PatientID: 'MRN4857773',
  PatientBirthDate: '19610312',
  OtherPatientIDs: 'NHS9434765919',
  InstitutionName: 'St Example Hospital',
  InstitutionAddress: '1 Example Road, London',
  ReferringPhysicianName: 'WHO^DOCTOR',
  AccessionNumber: 'ACC20240312',
  StudyDate: '20240312',
  SeriesDate: '20240312',
  AcquisitionDate: '20240312',
  ContentDate: '20240312',
  StudyTime: '094100',
  DeviceSerialNumber: 'SN-XR-0042',
  StationName: 'XRAY-ROOM-3',
  OperatorsName: 'RADIOGRAPHER^ANNE',
  PatientAddress: '22 Acacia Avenue',
  PatientTelephoneNumbers: '020 7946 0000',
  StudyDescription: 'Chest PA for Jane Doe',
} as const

export type SyntheticDicomOptions = {
  rows?: number
  cols?: number
  /** Lines drawn into the pixels in white, as burned-in annotations are. */
  burnedIn?: readonly string[]
  textSize?: number
  photometric?: 'MONOCHROME1' | 'MONOCHROME2'
  withPixels?: boolean
  transferSyntax?: string
  privateTag?: boolean
  window?: { centre: number; width: number }
  rescale?: { slope: number; intercept: number }
}

/** Tag of a keyword in DICOM_PHI etc. (only the ones used here). */
const TAGS: Record<string, [string, string]> = {
  PatientName: ['00100010', 'PN'],
  PatientID: ['00100020', 'LO'],
  PatientBirthDate: ['00100030', 'DA'],
  OtherPatientIDs: ['00101000', 'LO'],
  InstitutionName: ['00080080', 'LO'],
  InstitutionAddress: ['00080081', 'ST'],
  ReferringPhysicianName: ['00080090', 'PN'],
  AccessionNumber: ['00080050', 'SH'],
  StudyDate: ['00080020', 'DA'],
  SeriesDate: ['00080021', 'DA'],
  AcquisitionDate: ['00080022', 'DA'],
  ContentDate: ['00080023', 'DA'],
  StudyTime: ['00080030', 'TM'],
  DeviceSerialNumber: ['00181000', 'LO'],
  StationName: ['00081010', 'SH'],
  OperatorsName: ['00081070', 'PN'],
  PatientAddress: ['00101040', 'LO'],
  PatientTelephoneNumbers: ['00102154', 'SH'],
  StudyDescription: ['00081030', 'LO'],
}

export const DICOM_UIDS = {
  StudyInstanceUID: '1.2.826.0.1.3680043.8.498.1001',
  SeriesInstanceUID: '1.2.826.0.1.3680043.8.498.1002',
  SOPInstanceUID: '1.2.826.0.1.3680043.8.498.1003',
  FrameOfReferenceUID: '1.2.826.0.1.3680043.8.498.1004',
}

/**
 * A Computed Radiography DICOM file (16-bit, 12 stored) with the PHI of DICOM_PHI, a private
 * attribute, a request sequence and optionally burned-in annotation text.
 */
export async function syntheticDicom(o: SyntheticDicomOptions = {}): Promise<Buffer> {
  const dcmjs = require('dcmjs') as Dcmjs
  const rows = o.rows ?? 256
  const cols = o.cols ?? 320
  const el = (vr: string, ...v: unknown[]): DicomElement => ({ vr, Value: v })
  const ds: Record<string, DicomElement> = {
    '00080016': el('UI', '1.2.840.10008.5.1.4.1.1.1'),
    '00080018': el('UI', DICOM_UIDS.SOPInstanceUID),
    '00080060': el('CS', 'CR'),
    '00080070': el('LO', 'Example Medical Systems'),
    '0020000D': el('UI', DICOM_UIDS.StudyInstanceUID),
    '0020000E': el('UI', DICOM_UIDS.SeriesInstanceUID),
    '00200052': el('UI', DICOM_UIDS.FrameOfReferenceUID),
    '00200013': el('IS', 1),
    '00400275': {
      vr: 'SQ',
      Value: [{ '00401001': el('SH', 'RP-778'), '0020000D': el('UI', DICOM_UIDS.StudyInstanceUID) }],
    },
  }
  for (const [k, v] of Object.entries(DICOM_PHI)) {
    const [tag, vr] = TAGS[k] as [string, string]
    ds[tag] = vr === 'PN' ? el('PN', { Alphabetic: v }) : el(vr, v)
  }
  if (o.privateTag !== false) {
    ds['00090010'] = el('LO', 'EXAMPLE PRIVATE')
    ds['00091001'] = el('LO', 'Jane Doe ward 7')
  }
  if (o.withPixels !== false) {
    const photometric = o.photometric ?? 'MONOCHROME2'
    // A radiograph-like field: dark edges, brighter centre, two "lungs".
    const px = new Uint16Array(rows * cols)
    for (let y = 0; y < rows; y++)
      for (let x = 0; x < cols; x++) {
        const dx = (x - cols / 2) / (cols / 2)
        const dy = (y - rows / 2) / (rows / 2)
        const r = Math.sqrt(dx * dx + dy * dy)
        let v = Math.max(0, 1 - r) * 2400 + 300
        if (Math.abs(Math.abs(dx) - 0.35) < 0.18 && Math.abs(dy) < 0.6) v -= 500
        v += ((x * 7 + y * 13) % 17) * 6
        px[y * cols + x] = Math.max(0, Math.min(4095, Math.round(v)))
      }
    if (o.burnedIn?.length) {
      const size = o.textSize ?? 16
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${cols}" height="${rows}"><rect width="100%" height="100%" fill="#000"/>${o.burnedIn
        .map(
          (l, i) =>
            `<text x="8" y="${8 + size * 1.4 * (i + 1)}" font-family="DejaVu Sans" font-size="${size}" fill="#fff">${esc(l)}</text>`,
        )
        .join('')}</svg>`
      const mask = await sharp(Buffer.from(svg)).greyscale().raw().toBuffer()
      for (let i = 0; i < px.length; i++) {
        const a = (mask[i] as number) / 255
        if (a > 0) px[i] = Math.round((px[i] as number) * (1 - a) + 4095 * a)
      }
    }
    if (photometric === 'MONOCHROME1') for (let i = 0; i < px.length; i++) px[i] = 4095 - (px[i] as number)
    Object.assign(ds, {
      '00280002': el('US', 1),
      '00280004': el('CS', photometric),
      '00280010': el('US', rows),
      '00280011': el('US', cols),
      '00280100': el('US', 16),
      '00280101': el('US', 12),
      '00280102': el('US', 11),
      '00280103': el('US', 0),
      ...(o.window ? { '00281050': el('DS', o.window.centre), '00281051': el('DS', o.window.width) } : {}),
      ...(o.rescale
        ? { '00281052': el('DS', o.rescale.intercept), '00281053': el('DS', o.rescale.slope) }
        : {}),
      '7FE00010': { vr: 'OW', Value: [px.buffer] },
    })
  }
  const meta: Record<string, DicomElement> = {
    '00020001': { vr: 'OB', Value: [new Uint8Array([0, 1]).buffer] },
    '00020002': el('UI', '1.2.840.10008.5.1.4.1.1.1'),
    '00020003': el('UI', DICOM_UIDS.SOPInstanceUID),
    '00020010': el('UI', o.transferSyntax ?? '1.2.840.10008.1.2.1'),
    '00020012': el('UI', '1.2.826.0.1.3680043.8.498.1'),
    '00020016': el('AE', 'XRAYROOM3'),
  }
  const dict = new dcmjs.data.DicomDict(meta)
  const sorted: Record<string, DicomElement> = {}
  for (const k of Object.keys(ds).sort()) sorted[k] = ds[k] as DicomElement
  dict.dict = sorted
  return Buffer.from(dict.write())
}

/** A photograph of a face: faces cannot be drawn in code, and face-api ships photographs for its demo. */
export const FACE_PHOTO = path.join(
  path.dirname(require.resolve('@vladmandic/face-api/package.json')),
  'demo',
  'sample1.jpg',
)

/** Encodes an H.264 MP4 of `seconds` of the face photograph, 480×320 at 10 frames a second. */
export async function faceVideo(out: string, seconds: number): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rounds-synth-face-'))
  try {
    const still = path.join(dir, 'face.png')
    await writeFile(
      still,
      await sharp(FACE_PHOTO).resize({ width: 480, height: 320, fit: 'cover' }).png().toBuffer(),
    )
    await run('/usr/bin/ffmpeg', [
      '-hide_banner',
      '-nostdin',
      '-loglevel',
      'error',
      '-y',
      '-loop',
      '1',
      '-framerate',
      '10',
      '-t',
      String(seconds),
      '-i',
      still,
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-pix_fmt',
      'yuv420p',
      out,
    ])
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

export type VideoSegment = { seconds: number; lines?: readonly string[]; size?: number; background?: string }

/**
 * Encodes an H.264 MP4 from still segments (each a frame of text on a plain background), with
 * location, creation-time and device metadata in the container when `metadata` is true.
 */
export async function syntheticVideo(
  out: string,
  segments: readonly VideoSegment[],
  options: { width?: number; height?: number; metadata?: boolean; audio?: boolean; subtitles?: string } = {},
): Promise<void> {
  const width = options.width ?? 640
  const height = options.height ?? 360
  const dir = await mkdtemp(path.join(tmpdir(), 'rounds-synth-video-'))
  try {
    const inputs: string[] = []
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i] as VideoSegment
      const size = s.size ?? 28
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="${s.background ?? '#f0f0f0'}"/>${(
        s.lines ?? []
      )
        .map(
          (l, j) =>
            `<text x="30" y="${60 + j * size * 1.6}" font-family="DejaVu Sans" font-size="${size}" fill="#111">${esc(l)}</text>`,
        )
        .join('')}</svg>`
      const file = path.join(dir, `s${i}.png`)
      await writeFile(file, await sharp(Buffer.from(svg)).png().toBuffer())
      inputs.push('-loop', '1', '-framerate', '25', '-t', String(s.seconds), '-i', file)
    }
    const concat = `${segments.map((_, i) => `[${i}:v]`).join('')}concat=n=${segments.length}:v=1:a=0,format=yuv420p[v]`
    const total = segments.reduce((n, s) => n + s.seconds, 0)
    const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-y', ...inputs]
    if (options.audio)
      args.push('-f', 'lavfi', '-t', String(total), '-i', 'sine=frequency=440:sample_rate=22050')
    if (options.subtitles) {
      const srt = path.join(dir, 'captions.srt')
      await writeFile(srt, options.subtitles)
      args.push('-i', srt)
    }
    args.push('-filter_complex', concat, '-map', '[v]')
    const audioIndex = segments.length
    if (options.audio) args.push('-map', `${audioIndex}:a`, '-c:a', 'aac')
    if (options.subtitles)
      args.push('-map', `${segments.length + (options.audio ? 1 : 0)}:s`, '-c:s', 'mov_text')
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-r', '25')
    if (options.metadata !== false)
      args.push(
        '-metadata',
        'location=+51.5171-000.1763/',
        '-metadata',
        'creation_time=2024-03-12T09:41:00Z',
        '-metadata',
        'comment=Filmed on ward 7',
        '-metadata:s:v:0',
        'handler_name=Rounds Test Phone Camera',
      )
    args.push(out)
    // Encoding is quick for short clips; a 5-minute 1080p clip on a busy machine takes minutes.
    await run('/usr/bin/ffmpeg', args, { timeout: Math.max(120_000, total * 4_000) })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
