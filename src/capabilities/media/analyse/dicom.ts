import { createRequire } from 'node:module'
import { deflateRawSync } from 'node:zlib'
import sharp from 'sharp'
import type { Finding } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { CODEC_SYNTAXES, DECODABLE_TRANSFER_SYNTAXES, decodeFrame } from './dicom-codecs.ts'
import { BASIC_PROFILE, type ProfileAction, removedByRule } from './dicom-profile.ts'

/**
 * DICOM files: the identifying attributes of the header as findings, a de-identified copy
 * under the PS3.15 Basic Application Level Confidentiality Profile, and the first frame
 * rendered to an 8-bit PNG with the file's window (or the full range) for OCR and for social
 * use. Parsing and writing use dcmjs; compressed pixel data is decoded in dicom-codecs.ts.
 */

const require = createRequire(import.meta.url)

type DicomElement = { vr: string; Value?: unknown[]; InlineBinary?: string; _rawValue?: unknown }
type DicomDataset = Record<string, DicomElement>
type DicomDictInstance = { meta: DicomDataset; dict: DicomDataset; write(options?: unknown): ArrayBuffer }
type Dcmjs = {
  data: {
    DicomMessage: { readFile(buffer: ArrayBuffer, options?: unknown): DicomDictInstance }
    DicomDict: new (meta: DicomDataset) => DicomDictInstance
    DicomMetaDictionary: {
      uid(): string
      dictionary: Record<string, { name: string; vr: string } | undefined>
    }
  }
}
const dcmjs = require('dcmjs') as Dcmjs

export type ParsedDicom = { meta: DicomDataset; dataset: DicomDataset }

const UNREADABLE = 'The file is not a readable DICOM Part 10 file (truncated, corrupt or another format).'

/** Parses a DICOM Part 10 file. Throws MEDIA_UNREADABLE for anything else. */
export function parseDicom(file: Buffer): ParsedDicom {
  if (file.length < 132 || file.toString('latin1', 128, 132) !== 'DICM')
    throw new AppError('MEDIA_UNREADABLE', { message: UNREADABLE })
  try {
    const ab = file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer
    const parsed = dcmjs.data.DicomMessage.readFile(ab)
    return { meta: parsed.meta, dataset: parsed.dict }
  } catch {
    throw new AppError('MEDIA_UNREADABLE', { message: UNREADABLE })
  }
}

function keywordOf(tag: string): string {
  const t = tag.toUpperCase()
  const entry = BASIC_PROFILE[t]
  if (entry) return entry[0]
  return dcmjs.data.DicomMetaDictionary.dictionary[`(${t.slice(0, 4)},${t.slice(4)})`]?.name ?? tag
}

/** An element's value as display text (names in their alphabetic form, values joined by \). */
export function elementText(el: DicomElement | undefined): string {
  if (!el?.Value) return ''
  return el.Value.map((v) => {
    if (v === null || v === undefined) return ''
    if (typeof v === 'object' && 'Alphabetic' in (v as object))
      return String((v as { Alphabetic?: string }).Alphabetic ?? '')
    if (typeof v === 'string' || typeof v === 'number') return String(v)
    return ''
  })
    .join('\\')
    .trim()
}

/** The attributes reported as findings, with what they are. */
const IDENTIFYING: ReadonlyArray<{ tag: string; category: string; what: string }> = [
  { tag: '00100010', category: 'name', what: 'Patient name' },
  { tag: '00101001', category: 'name', what: 'Other patient names' },
  { tag: '00101005', category: 'name', what: 'Patient birth name' },
  { tag: '00101060', category: 'name', what: 'Patient’s mother’s birth name' },
  { tag: '00100020', category: 'mrn', what: 'Patient ID' },
  { tag: '00101000', category: 'mrn', what: 'Other patient IDs' },
  { tag: '00101090', category: 'mrn', what: 'Medical record locator' },
  { tag: '00080050', category: 'mrn', what: 'Accession number' },
  { tag: '00380010', category: 'mrn', what: 'Admission ID' },
  { tag: '00200010', category: 'mrn', what: 'Study ID' },
  { tag: '00100030', category: 'date', what: 'Patient birth date' },
  { tag: '00101010', category: 'age', what: 'Patient age' },
  { tag: '00101040', category: 'location', what: 'Patient address' },
  { tag: '00102154', category: 'phone', what: 'Patient telephone numbers' },
  { tag: '00080080', category: 'location', what: 'Institution name' },
  { tag: '00080081', category: 'location', what: 'Institution address' },
  { tag: '00081040', category: 'location', what: 'Institutional department' },
  { tag: '00080090', category: 'name', what: 'Referring physician' },
  { tag: '00081050', category: 'name', what: 'Performing physician' },
  { tag: '00081060', category: 'name', what: 'Reading physician' },
  { tag: '00081070', category: 'name', what: 'Operator' },
  { tag: '00081048', category: 'name', what: 'Physician of record' },
  { tag: '00321032', category: 'name', what: 'Requesting physician' },
  { tag: '00080020', category: 'date', what: 'Study date' },
  { tag: '00080021', category: 'date', what: 'Series date' },
  { tag: '00080022', category: 'date', what: 'Acquisition date' },
  { tag: '00080023', category: 'date', what: 'Content date' },
  { tag: '0008002A', category: 'date', what: 'Acquisition date and time' },
  { tag: '00080030', category: 'date', what: 'Study time' },
  { tag: '00181000', category: 'device', what: 'Device serial number' },
  { tag: '00181002', category: 'device', what: 'Device UID' },
  { tag: '00081010', category: 'device', what: 'Station name' },
  { tag: '0020000D', category: 'uid', what: 'Study instance UID' },
  { tag: '0020000E', category: 'uid', what: 'Series instance UID' },
  { tag: '00080018', category: 'uid', what: 'SOP instance UID' },
  { tag: '00200052', category: 'uid', what: 'Frame of reference UID' },
  { tag: '00104000', category: 'unique', what: 'Patient comments' },
  { tag: '00204000', category: 'unique', what: 'Image comments' },
  { tag: '00081030', category: 'unique', what: 'Study description' },
]

const HEADER_CITATION =
  'DICOM PS3.15 Annex E, Basic Application Level Confidentiality Profile; HIPAA 45 CFR 164.514(b)(2)'

/**
 * The identifying attributes present in the header. Findings point into `text`, a listing of
 * those attributes one per line ("PatientName (0010,0010): DOE^JOHN"), field `body`.
 */
export function dicomHeaderFindings(parsed: ParsedDicom): { text: string; findings: Finding[] } {
  let text = ''
  const findings: Finding[] = []
  const privateCount = Object.keys(parsed.dataset).filter(
    (t) => removedByRule(t) && Number.parseInt(t.slice(0, 4), 16) % 2 === 1,
  ).length
  for (const { tag, category, what } of IDENTIFYING) {
    const value = elementText(parsed.dataset[tag])
    if (!value) continue
    const label = `${keywordOf(tag)} (${tag.slice(0, 4)},${tag.slice(4)}): `
    if (text) text += '\n'
    const start = text.length + label.length
    text += label + value
    findings.push({
      ruleId: 'confidentiality.dicom-header',
      pack: 'confidentiality',
      category,
      severity: category === 'uid' ? 'warn' : 'block',
      field: 'body',
      start,
      end: start + value.length,
      text: value,
      message: `${what} in the DICOM header (${keywordOf(tag)}).`,
      citation: HEADER_CITATION,
      suggestion:
        'Publish the de-identified file or the rendered image: Rounds removes or replaces this attribute.',
    })
  }
  if (privateCount > 0) {
    const line = `Private attributes: ${privateCount}`
    if (text) text += '\n'
    const start = text.length
    text += line
    findings.push({
      ruleId: 'confidentiality.dicom-header',
      pack: 'confidentiality',
      category: 'unique',
      severity: 'warn',
      field: 'body',
      start,
      end: start + line.length,
      text: line,
      message: `${privateCount} private (manufacturer) attribute${privateCount === 1 ? '' : 's'} in the header, which can hold names and identifiers.`,
      citation: HEADER_CITATION,
      suggestion: 'The de-identified file removes private attributes.',
    })
  }
  return { text, findings }
}

/** Keeps the old → new UID mapping for one de-identification run (several files of a study). */
export type UidMap = Map<string, string>

export type DeidentifyResult = {
  file: Buffer
  /** Attributes acted on, by keyword and action (for the report). */
  actions: Array<{ tag: string; keyword: string; action: ProfileAction | 'X (rule)' }>
}

function dummyFor(vr: string): unknown[] {
  switch (vr) {
    case 'DA':
      return ['19000101']
    case 'TM':
      return ['000000']
    case 'DT':
      return ['19000101000000']
    case 'PN':
      return [{ Alphabetic: 'ANONYMOUS' }]
    case 'IS':
    case 'DS':
    case 'US':
    case 'SS':
    case 'UL':
    case 'SL':
    case 'FL':
    case 'FD':
      return [0]
    default:
      return ['ANONYMISED']
  }
}

function newUid(uids: UidMap, old: string): string {
  let u = uids.get(old)
  if (!u) {
    u = dcmjs.data.DicomMetaDictionary.uid()
    uids.set(old, u)
  }
  return u
}

function cleanDataset(
  ds: DicomDataset,
  uids: UidMap,
  actions: DeidentifyResult['actions'],
  path = '',
): DicomDataset {
  const out: DicomDataset = {}
  for (const [rawTag, el] of Object.entries(ds)) {
    const tag = rawTag.toUpperCase()
    const entry = BASIC_PROFILE[tag]
    if (!entry && removedByRule(tag)) {
      actions.push({ tag: path + tag, keyword: keywordOf(tag), action: 'X (rule)' })
      continue
    }
    const action: ProfileAction = entry ? entry[1] : 'K'
    if (entry) actions.push({ tag: path + tag, keyword: entry[0], action })
    switch (action) {
      case 'X':
        break
      case 'Z':
        out[rawTag] = { vr: el.vr, Value: [] }
        break
      case 'D':
        out[rawTag] = { vr: el.vr, Value: dummyFor(el.vr) }
        break
      case 'U':
        out[rawTag] = {
          vr: el.vr,
          Value: (el.Value ?? []).map((v) => (typeof v === 'string' && v ? newUid(uids, v) : v)),
        }
        break
      default:
        if (el.vr === 'SQ' && Array.isArray(el.Value)) {
          out[rawTag] = {
            vr: 'SQ',
            Value: el.Value.map((item) =>
              cleanDataset(item as DicomDataset, uids, actions, `${path}${tag}/`),
            ),
          }
        } else out[rawTag] = el
    }
  }
  return out
}

/**
 * De-identifies a DICOM file under the Basic Application Level Confidentiality Profile:
 * every attribute in Table E.1-1 removed, emptied, replaced with a dummy or (UIDs) remapped;
 * private attributes, curves and overlays removed; PatientIdentityRemoved YES and the method
 * recorded. Pass the same `uids` map for the files of one study so references still match.
 */
export function deidentifyDicom(file: Buffer | ParsedDicom, uids: UidMap = new Map()): DeidentifyResult {
  const parsed = Buffer.isBuffer(file) ? parseDicom(file) : file
  const actions: DeidentifyResult['actions'] = []
  const dataset = cleanDataset(parsed.dataset, uids, actions)
  dataset['00120062'] = { vr: 'CS', Value: ['YES'] }
  dataset['00120063'] = {
    vr: 'LO',
    Value: ['DICOM PS3.15 E.1 Basic Application Level Confidentiality Profile (Rounds)'],
  }
  dataset['00120064'] = {
    vr: 'SQ',
    Value: [
      {
        '00080100': { vr: 'SH', Value: ['113100'] },
        '00080102': { vr: 'SH', Value: ['DCM'] },
        '00080104': { vr: 'LO', Value: ['Basic Application Confidentiality Profile'] },
      },
    ],
  }
  const meta: DicomDataset = {}
  for (const [tag, el] of Object.entries(parsed.meta)) {
    const t = tag.toUpperCase()
    if (t === '00020016') continue
    meta[tag] =
      t === '00020003'
        ? { vr: el.vr, Value: [elementText(dataset['00080018']) || newUid(uids, elementText(el))] }
        : el
  }
  const syntax = elementText(parsed.meta['00020010'])
  const pixel = dataset['7FE00010']
  if (isEncapsulated(syntax) && pixel?.Value?.length) {
    // dcmjs reads fragments without a Basic Offset Table as one value each; written back, each
    // value would become a frame. One value per frame, each written as one fragment, keeps the
    // compressed bytes and the frame count as they were (RLE requires one fragment a frame).
    const frames = splitFrames(pixel.Value, Math.max(1, num(dataset, '00280008') ?? 1))
    if (frames) dataset['7FE00010'] = { vr: pixel.vr, Value: frames.map(arrayBufferOf) }
  }
  // Sorted tags: dcmjs writes elements in the order of the object's keys.
  const sorted: DicomDataset = {}
  for (const k of Object.keys(dataset).sort()) sorted[k] = dataset[k] as DicomElement
  try {
    const dict = new dcmjs.data.DicomDict(meta)
    dict.dict = sorted
    const written = Buffer.from(dict.write({ fragmentMultiframe: false }))
    return { file: syntax === DEFLATED ? deflateDataset(written) : written, actions }
  } catch {
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The DICOM file could not be rewritten (an attribute has an invalid value).',
    })
  }
}

const DEFLATED = '1.2.840.10008.1.2.1.99'
/** Pixel data stored as is; dcmjs inflates a deflated dataset when it reads it. */
const NATIVE_SYNTAXES = new Set(['1.2.840.10008.1.2', '1.2.840.10008.1.2.1', '1.2.840.10008.1.2.2', DEFLATED])
/** Encapsulated syntaxes whose frames are plain JPEG files that sharp (libjpeg) decodes. */
const JPEG_SYNTAXES = new Set(['1.2.840.10008.1.2.4.50'])

function isEncapsulated(syntax: string): boolean {
  return !NATIVE_SYNTAXES.has(syntax)
}

function arrayBufferOf(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer
}

/**
 * dcmjs writes the dataset of a deflated file uncompressed (it only inflates on reading):
 * deflate everything after the file meta information (PS3.5 A.5), which stays plain.
 */
function deflateDataset(file: Buffer): Buffer {
  // 128-byte preamble, "DICM", then (0002,0000) UL: tag 4, VR 2, length 2, value 4.
  const dataStart = 144 + file.readUInt32LE(140)
  return Buffer.concat([file.subarray(0, dataStart), deflateRawSync(file.subarray(dataStart))])
}

/** The first bytes of a compressed frame: a JPEG-family SOI, a JPEG 2000 codestream or JP2. */
function startsFrame(b: Uint8Array): boolean {
  if (b[0] !== 0xff) return b.length >= 8 && b[3] === 0x0c && b[4] === 0x6a && b[5] === 0x50
  return b[1] === 0xd8 || b[1] === 0x4f
}

/**
 * The frames of encapsulated Pixel Data as dcmjs read it (one value per frame when the file has
 * a Basic Offset Table, one per fragment when not). Null when the fragments cannot be matched
 * to the Number of Frames.
 */
function splitFrames(values: unknown[], frames: number): Uint8Array[] | null {
  const parts = values.map((v) => new Uint8Array(v as ArrayBuffer))
  if (parts.length === frames) return parts
  if (frames === 1) return [Buffer.concat(parts)]
  const out: Uint8Array[][] = []
  for (const p of parts) {
    if (out.length === 0 || startsFrame(p)) out.push([p])
    else out[out.length - 1]?.push(p)
  }
  return out.length === frames
    ? out.map((f) => (f.length === 1 ? (f[0] as Uint8Array) : Buffer.concat(f)))
    : null
}

const SUPPORTED_LIST = Object.entries(DECODABLE_TRANSFER_SYNTAXES)
  .map(([uid, name]) => `${name} (${uid})`)
  .join(', ')

function num(ds: DicomDataset, tag: string): number | undefined {
  const v = ds[tag]?.Value?.[0]
  const n = typeof v === 'number' ? v : typeof v === 'string' ? Number.parseFloat(v) : Number.NaN
  return Number.isFinite(n) ? n : undefined
}

/** The pixels and how to show them. */
export type DicomRendering = { png: Buffer; width: number; height: number; frames: number }

/**
 * Renders the first frame to an 8-bit PNG: Modality LUT (RescaleSlope/Intercept), then the
 * VOI window (WindowCenter/Width, the first pair when there are several; the frame's range
 * when absent), then MONOCHROME1 inverted so bone is white as in MONOCHROME2. RGB is copied,
 * YBR_FULL converted to RGB. Native, deflated and the compressed transfer syntaxes of
 * DECODABLE_TRANSFER_SYNTAXES are rendered; any other gives MEDIA_ENCODING_UNSUPPORTED,
 * compressed data that does not decode MEDIA_UNREADABLE, a file without Pixel Data
 * DICOM_NO_PIXEL_DATA.
 */
export async function renderDicom(file: Buffer | ParsedDicom): Promise<DicomRendering> {
  const { meta, dataset: ds } = Buffer.isBuffer(file) ? parseDicom(file) : file
  const pixel = ds['7FE00010']
  const frames = Math.max(1, num(ds, '00280008') ?? 1)
  if (!pixel?.Value?.length)
    throw new AppError('DICOM_NO_PIXEL_DATA', {
      message: 'The DICOM file has no image (no Pixel Data): it may be a report or a structured document.',
    })
  const syntax = elementText(meta['00020010'])
  const rows = num(ds, '00280010') ?? 0
  const cols = num(ds, '00280011') ?? 0
  if (rows <= 0 || cols <= 0 || rows * cols > 100_000_000)
    throw new AppError('MEDIA_UNREADABLE', {
      message: `The DICOM image has impossible dimensions (${cols} × ${rows}).`,
    })
  if (!(syntax in DECODABLE_TRANSFER_SYNTAXES))
    throw new AppError('MEDIA_ENCODING_UNSUPPORTED', {
      message: `The DICOM image is compressed with a transfer syntax Rounds cannot decode (${syntax || 'unknown'}). Rounds decodes: ${SUPPORTED_LIST}. Export it in one of these, for example uncompressed (Explicit VR Little Endian).`,
      details: { transferSyntax: syntax, supported: Object.keys(DECODABLE_TRANSFER_SYNTAXES) },
    })
  const first = isEncapsulated(syntax) ? splitFrames(pixel.Value, frames)?.[0] : undefined
  if (isEncapsulated(syntax) && !first?.length)
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The DICOM file’s compressed Pixel Data has no frame Rounds can find.',
    })
  if (JPEG_SYNTAXES.has(syntax)) {
    try {
      const png = await sharp(first as Uint8Array)
        .png()
        .toBuffer({ resolveWithObject: true })
      return { png: png.data, width: png.info.width, height: png.info.height, frames }
    } catch {
      throw new AppError('MEDIA_UNREADABLE', { message: 'The DICOM file’s JPEG image could not be decoded.' })
    }
  }
  const bits = num(ds, '00280100') ?? 16
  const stored = num(ds, '00280101') ?? bits
  const signed = (num(ds, '00280103') ?? 0) === 1
  const samples = num(ds, '00280002') ?? 1
  const photometric = elementText(ds['00280004']) || 'MONOCHROME2'
  if (![8, 16].includes(bits))
    throw new AppError('MEDIA_UNREADABLE', {
      message: `The DICOM Pixel Data uses an unusual bit depth (${bits} bits allocated).`,
    })
  let bytes: Uint8Array
  let planar = num(ds, '00280006') ?? 0
  if (CODEC_SYNTAXES.has(syntax)) {
    // Decoded frames are pixel-interleaved little-endian whatever the header says.
    bytes = await decodeFrame(syntax, first as Uint8Array, { rows, cols, samples, bits })
    planar = 0
  } else {
    bytes = Buffer.concat(pixel.Value.map((v) => new Uint8Array(v as ArrayBuffer)))
  }
  const count = rows * cols * samples
  const needed = (count * bits) / 8
  if (bytes.length < needed)
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The DICOM Pixel Data is shorter than its rows, columns and bit depth say.',
    })

  if (samples === 3) {
    // JPEG 2000's colour transforms (YBR_RCT, YBR_ICT) are undone by the decoder.
    const ybr = photometric === 'YBR_FULL'
    if (
      bits !== 8 ||
      !(photometric === 'RGB' || ybr || photometric === 'YBR_RCT' || photometric === 'YBR_ICT')
    )
      throw new AppError('MEDIA_ENCODING_UNSUPPORTED', {
        message: `The DICOM colour image uses ${photometric} at ${bits} bits; Rounds renders 8-bit RGB and YBR_FULL.`,
      })
    const rgb = Buffer.alloc(rows * cols * 3)
    const plane = rows * cols
    for (let i = 0; i < plane; i++)
      for (let c = 0; c < 3; c++)
        rgb[i * 3 + c] = planar === 1 ? (bytes[c * plane + i] as number) : (bytes[i * 3 + c] as number)
    if (ybr) ybrFullToRgb(rgb)
    const png = await sharp(rgb, { raw: { width: cols, height: rows, channels: 3 } })
      .png()
      .toBuffer()
    return { png, width: cols, height: rows, frames }
  }
  if (!photometric.startsWith('MONOCHROME'))
    throw new AppError('MEDIA_ENCODING_UNSUPPORTED', {
      message: `The DICOM image uses ${photometric}; Rounds renders MONOCHROME1, MONOCHROME2 and RGB.`,
    })

  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const littleEndian = syntax !== '1.2.840.10008.1.2.2'
  const slope = num(ds, '00281053') ?? 1
  const intercept = num(ds, '00281052') ?? 0
  const mask = stored >= 32 ? 0xffffffff : (1 << stored) - 1
  const values = new Float64Array(rows * cols)
  let min = Number.POSITIVE_INFINITY
  let max = Number.NEGATIVE_INFINITY
  for (let i = 0; i < values.length; i++) {
    let raw = bits === 8 ? (bytes[i] as number) : view.getUint16(i * 2, littleEndian)
    raw &= mask
    if (signed && raw & (1 << (stored - 1))) raw -= 1 << stored
    const v = raw * slope + intercept
    values[i] = v
    if (v < min) min = v
    if (v > max) max = v
  }
  const centre = num(ds, '00281050')
  const width = num(ds, '00281051')
  const out = Buffer.alloc(rows * cols)
  const invert = photometric === 'MONOCHROME1'
  if (centre !== undefined && width !== undefined && width >= 1) {
    // PS3.3 C.11.2.1.2.1, the linear VOI LUT function.
    const lo = centre - 0.5 - (width - 1) / 2
    const hi = centre - 0.5 + (width - 1) / 2
    for (let i = 0; i < values.length; i++) {
      const x = values[i] as number
      const y = x <= lo ? 0 : x > hi ? 255 : ((x - (centre - 0.5)) / (width - 1) + 0.5) * 255
      out[i] = invert ? 255 - Math.round(y) : Math.round(y)
    }
  } else {
    const range = max - min || 1
    for (let i = 0; i < values.length; i++) {
      const y = Math.round((((values[i] as number) - min) / range) * 255)
      out[i] = invert ? 255 - y : y
    }
  }
  const png = await sharp(out, { raw: { width: cols, height: rows, channels: 1 } })
    .png()
    .toBuffer()
  return { png, width: cols, height: rows, frames }
}

/** YBR_FULL to RGB in place, PS3.3 C.7.6.3.1.2 (the JPEG File Interchange Format equations). */
function ybrFullToRgb(px: Buffer): void {
  const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v))
  for (let i = 0; i < px.length; i += 3) {
    const y = px[i] as number
    const cb = (px[i + 1] as number) - 128
    const cr = (px[i + 2] as number) - 128
    px[i] = clamp(y + 1.402 * cr)
    px[i + 1] = clamp(y - 0.344136 * cb - 0.714136 * cr)
    px[i + 2] = clamp(y + 1.772 * cb)
  }
}
