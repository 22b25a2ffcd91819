/**
 * Media benchmark: how well Rounds finds identifiers in pictures, scans and video, how fast,
 * and whether the published copies carry any metadata. Everything is generated here, with
 * labels: nothing is downloaded. Prints the figures and writes docs/benchmarks/media.md.
 *
 *   npm run bench:media              the full set
 *   node bench/media/run.ts --quick  fewer images and a shorter video (no report written)
 *   node bench/media/run.ts --long   a 5-minute 1080p video instead of 1 minute
 *
 * Scoring:
 * - an identifier counts as found when one text finding on the image covers all of it: the
 *   finding's text, letters and digits only, contains the identifier's (so "John" alone does
 *   not find "SMITH, John", and "485777345" does not find "4857773456");
 * - false findings: findings of any severity on images that carry no identifier;
 * - metadata: the sanitised or redacted copy re-read with exifr and with exiftool
 *   (EXIF, XMP, IPTC, GPS, maker notes, ICC description fields); DICOM PHI by re-parsing the
 *   de-identified file and by searching its bytes for each original value.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import exifr from 'exifr'
import sharp from 'sharp'
import { deidentifyDicom, elementText, parseDicom } from '../../src/capabilities/media/analyse/dicom.ts'
import { BASIC_PROFILE } from '../../src/capabilities/media/analyse/dicom-profile.ts'
import { detectFaces, loadFaceDetector } from '../../src/capabilities/media/analyse/faces.ts'
import { analyseDicom, analyseImage } from '../../src/capabilities/media/analyse/index.ts'
import { createOcrPool } from '../../src/capabilities/media/analyse/ocr.ts'
import { redactImage } from '../../src/capabilities/media/analyse/redact.ts'
import {
  type Background,
  DICOM_PHI,
  FONTS,
  type Font,
  photoWithGps,
  syntheticDicom,
  syntheticVideo,
  textImage,
} from '../../src/capabilities/media/analyse/testing/synthetic.ts'
import { analyseVideo, probeVideo, stripVideoMetadata } from '../../src/capabilities/media/analyse/video.ts'
import type { Finding } from '../../src/capabilities/screening/screening.schema.ts'

const run = promisify(execFile)
const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const quick = process.argv.includes('--quick')
const startLoad = loadavg()[0] ?? 0

// ---------- a seeded generator, so every run sees the same set ----------
let seed = 20261126
function rand(): number {
  seed = (seed * 1103515245 + 12345) % 2147483648
  return seed / 2147483648
}
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T
const digits = (n: number) => Array.from({ length: n }, () => Math.floor(rand() * 10)).join('')

function nhsNumber(): string {
  for (;;) {
    const d = Array.from({ length: 9 }, () => Math.floor(rand() * 10))
    const sum = d.reduce((s, v, i) => s + v * (10 - i), 0)
    const check = 11 - (sum % 11)
    if (check === 10) continue
    const all = [...d, check === 11 ? 0 : check].join('')
    return `${all.slice(0, 3)} ${all.slice(3, 6)} ${all.slice(6)}`
  }
}

const SURNAMES = [
  'SMITH',
  'JONES',
  'TAYLOR',
  'BROWN',
  'WILSON',
  'EVANS',
  'THOMAS',
  'ROBERTS',
  'PATEL',
  'KHAN',
  'MURPHY',
  'WALKER',
]
const GIVEN = [
  'John',
  'Mary',
  'David',
  'Sarah',
  'James',
  'Emma',
  'Peter',
  'Helen',
  'Amir',
  'Grace',
  'Tom',
  'Ruth',
]

type Identifier = { kind: 'name' | 'mrn' | 'nhs' | 'dob' | 'phone'; value: string }
type Sample = { lines: string[]; ids: Identifier[] }

function labelSample(): Sample {
  const surname = pick(SURNAMES)
  const given = pick(GIVEN)
  const name =
    rand() < 0.5 ? `${surname}, ${given}` : `${given} ${surname[0]}${surname.slice(1).toLowerCase()}`
  const mrn = digits(8)
  const nhs = nhsNumber()
  const dob = `${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}/${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}/${1930 + Math.floor(rand() * 70)}`
  const phone = `07700 900${digits(3)}`
  const all: Array<[string, Identifier]> = [
    [`Name: ${name}`, { kind: 'name', value: name }],
    [`MRN ${mrn}`, { kind: 'mrn', value: mrn }],
    [`NHS No: ${nhs}`, { kind: 'nhs', value: nhs }],
    [`DOB ${dob}`, { kind: 'dob', value: dob }],
    [`Tel ${phone}`, { kind: 'phone', value: phone }],
  ]
  // Three or four of the five, in a random order (a label rarely has all).
  const chosen = all.filter(() => rand() < 0.75).slice(0, 4)
  const use = chosen.length >= 2 ? chosen : all.slice(0, 3)
  return { lines: use.map(([l]) => l), ids: use.map(([, id]) => id) }
}

const CLEAN_LINES = [
  ['Chest X-ray, PA view', 'Right lower lobe consolidation'],
  ['Figure 2', 'ECG: ST elevation in leads II, III, aVF'],
  ['Dermoscopy', 'Atypical pigment network'],
  ['CT abdomen, portal venous phase', 'Free fluid in the pelvis'],
  ['L', 'ERECT'],
  ['Scale bar 5 mm', 'H&E stain, x40'],
  ['Learning point:', 'Always check the film is rotated'],
  ['Normal sinus rhythm', 'Rate 72 per minute'],
] as const

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')
function found(id: Identifier, findings: readonly Finding[]): boolean {
  const want = norm(id.value)
  return findings.some((f) => f.box && norm(f.text).includes(want))
}

// ---------- 1. text in images ----------
const SIZES = quick ? [10, 14, 20, 32] : [10, 12, 14, 16, 20, 28, 36, 48]
const BACKGROUNDS: Background[] = ['white', 'wristband', 'xray', 'photo']
const ANGLES = [0, 4, -7, 12]
const fonts: readonly Font[] = quick ? FONTS.slice(0, 2) : FONTS

type Row = {
  size: number
  font: Font
  background: Background
  angle: number
  kind: Identifier['kind']
  hit: boolean
}
const rows: Row[] = []
const misses: string[] = []
const ocr = createOcrPool({ size: 1 })
await loadFaceDetector()
let imageSeconds = 0
let imageCpu = 0
let images = 0
/** CPU seconds this process (and its OCR worker threads) used since `from`. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(from)
  return (u.user + u.system) / 1e6
}
let ocrOnlySeconds = 0
console.log(`images: ${SIZES.length} sizes × ${fonts.length} fonts × ${BACKGROUNDS.length} backgrounds`)
let i = 0
for (const size of SIZES)
  for (const font of fonts)
    for (const background of BACKGROUNDS) {
      // The angle cycles independently of the background (4 of each would pair them up).
      const angle = ANGLES[(i + Math.floor(i / BACKGROUNDS.length)) % ANGLES.length] as number
      i++
      const sample = labelSample()
      const img = await textImage({ lines: sample.lines, size, font, background, angle })
      const t0 = performance.now()
      const c0 = process.cpuUsage()
      const result = await analyseImage(img.png, { ocr })
      const dt = (performance.now() - t0) / 1000
      imageCpu += cpuSince(c0)
      imageSeconds += dt
      images++
      for (const id of sample.ids) {
        const hit = found(id, result.findings)
        rows.push({ size, font, background, angle, kind: id.kind, hit })
        if (!hit)
          misses.push(
            `${size}px ${font} ${background} ${angle}° ${id.kind} "${id.value}" — read: ${JSON.stringify(result.text.slice(0, 200))}`,
          )
      }
    }
{
  // OCR alone (without faces) on a subset, to show where the time goes.
  const img = await textImage({ lines: ['MRN 4857773456', 'DOB 12/03/1961'], size: 20, background: 'photo' })
  const t0 = performance.now()
  for (let k = 0; k < 5; k++) await ocr.recognise(img.png)
  ocrOnlySeconds = (performance.now() - t0) / 5000
}

// Clean images: no identifiers; any finding is a false one.
let cleanImages = 0
let cleanFalse = 0
let cleanFalseBlocking = 0
let cleanFaces = 0
const falseFindings: string[] = []
for (const lines of CLEAN_LINES)
  for (const background of BACKGROUNDS) {
    const img = await textImage({
      lines: [...lines],
      size: pick([14, 18, 24, 32]),
      font: pick(fonts),
      background,
      angle: pick([0, 0, 5]),
    })
    const result = await analyseImage(img.png, { ocr })
    cleanImages++
    const text = result.findings.filter((f) => f.category !== 'photo')
    cleanFalse += text.length
    cleanFalseBlocking += text.filter((f) => f.severity === 'block').length
    cleanFaces += result.findings.length - text.length
    for (const f of result.findings)
      falseFindings.push(`${background}: ${f.ruleId} "${f.text}" (${f.severity})`)
  }

// Faces: the face-api package's own demo photographs (the only photographs of people here).
const faceRows: Array<{ file: string; faces: number; seconds: number }> = []
{
  const { createRequire } = await import('node:module')
  const require = createRequire(import.meta.url)
  const demo = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo')
  for (let k = 1; k <= 6; k++) {
    const buf = await sharp(join(demo, `sample${k}.jpg`)).toBuffer()
    const t0 = performance.now()
    const faces = await detectFaces(buf)
    faceRows.push({ file: `sample${k}.jpg`, faces: faces.length, seconds: (performance.now() - t0) / 1000 })
  }
}

// ---------- 2. metadata ----------
const work = mkdtempSync(join(tmpdir(), 'rounds-bench-media-'))
async function exiftoolTags(file: string): Promise<string[]> {
  const { stdout } = await run('/usr/bin/exiftool', [
    '-j',
    '-a',
    '-G1',
    '-EXIF:all',
    '-XMP:all',
    '-IPTC:all',
    '-GPS:all',
    '-MakerNotes:all',
    '-ICC_Profile:ProfileDescription',
    '-ICC_Profile:ProfileCopyright',
    file,
  ])
  return Object.keys((JSON.parse(stdout) as Array<Record<string, unknown>>)[0] ?? {}).filter(
    (k) => k !== 'SourceFile',
  )
}
async function exifrTags(buf: Buffer): Promise<string[]> {
  const parsed = (await exifr.parse(buf, {
    tiff: true,
    exif: true,
    gps: true,
    xmp: true,
    iptc: true,
    icc: false,
    makerNote: true,
    interop: true,
  })) as Record<string, unknown> | undefined
  return Object.keys(parsed ?? {})
}
const metadataRows: Array<{ what: string; before: number; exifr: string[]; exiftool: string[] }> = []
{
  const photo = await photoWithGps()
  writeFileSync(join(work, 'gps.jpg'), photo)
  const before = (await exiftoolTags(join(work, 'gps.jpg'))).length
  const redacted = await redactImage(photo, { fill: [{ x: 10, y: 10, width: 40, height: 20 }] })
  writeFileSync(join(work, 'redacted.jpg'), redacted.data)
  metadataRows.push({
    what: 'Redacted JPEG (analyse/redact.ts)',
    before,
    exifr: await exifrTags(redacted.data),
    exiftool: await exiftoolTags(join(work, 'redacted.jpg')),
  })
  try {
    const mod = (await import('../../src/capabilities/media/media.image.ts')) as {
      sanitiseImage?: (b: Buffer, o: { maxPixels: number }) => Promise<{ data?: Buffer; buffer?: Buffer }>
    }
    if (mod.sanitiseImage) {
      const out = await mod.sanitiseImage(photo, { maxPixels: 100_000_000 })
      const data = (out.data ?? out.buffer) as Buffer | undefined
      if (data) {
        writeFileSync(join(work, 'sanitised.jpg'), data)
        metadataRows.push({
          what: 'Sanitised upload (media.image.ts)',
          before,
          exifr: await exifrTags(data),
          exiftool: await exiftoolTags(join(work, 'sanitised.jpg')),
        })
      }
    }
  } catch {
    // The upload pipeline's sanitiser is measured when it is present.
  }
}

// ---------- 3. DICOM ----------
const dicomPhiKeywords = Object.keys(DICOM_PHI)
const tagOf = Object.fromEntries(Object.entries(BASIC_PROFILE).map(([tag, [kw]]) => [kw, tag]))
let dicomFiles = 0
let phiChecked = 0
let phiLeft = 0
let bytesLeft = 0
const dicomLeaks: string[] = []
const dicomOcr: Array<{ size: number; ids: number; found: number }> = []
let dicomSeconds = 0
const uids = new Map<string, string>()
for (const size of [12, 14, 16, 20, 28]) {
  const mrn = digits(8)
  const dob = `0${1 + Math.floor(rand() * 9)}/0${1 + Math.floor(rand() * 9)}/19${50 + Math.floor(rand() * 40)}`
  const file = await syntheticDicom({
    rows: 384,
    cols: 512,
    burnedIn: [`MRN ${mrn}`, `DOB ${dob}`],
    textSize: size,
  })
  const t0 = performance.now()
  const analysis = await analyseDicom(file, { ocr })
  const { file: clean } = deidentifyDicom(file, uids)
  dicomSeconds += (performance.now() - t0) / 1000
  dicomFiles++
  dicomOcr.push({
    size,
    ids: 2,
    found: [mrn, dob].filter((v) => analysis.imageFindings.some((f) => norm(f.text).includes(norm(v))))
      .length,
  })
  const out = parseDicom(clean)
  const bytes = clean.toString('latin1')
  for (const kw of dicomPhiKeywords) {
    phiChecked++
    const tag = tagOf[kw] as string
    if (elementText(out.dataset[tag])) {
      phiLeft++
      dicomLeaks.push(`${kw} still has a value`)
    }
    const value = DICOM_PHI[kw as keyof typeof DICOM_PHI]
    if (bytes.includes(value)) {
      bytesLeft++
      dicomLeaks.push(`${kw} value found in the bytes`)
    }
  }
  if (Object.keys(out.dataset).some((t) => Number.parseInt(t.slice(0, 4), 16) % 2 === 1))
    dicomLeaks.push('a private attribute survived')
  if (elementText(out.dataset['00120062']) !== 'YES') dicomLeaks.push('PatientIdentityRemoved not YES')
}

// ---------- 4. video ----------
const videoSeconds = process.argv.includes('--long') ? 300 : quick ? 20 : 60
const segments: Array<{ seconds: number; lines: string[]; ids: Identifier[] }> = []
for (let t = 0; t < videoSeconds; t += 5) {
  if ((t / 5) % 2 === 0) {
    const s = labelSample()
    segments.push({ seconds: 5, lines: s.lines, ids: s.ids })
  } else segments.push({ seconds: 5, lines: [...pick(CLEAN_LINES)], ids: [] })
}
const videoFile = join(work, 'clip.mp4')
await syntheticVideo(
  videoFile,
  segments.map((s) => ({ seconds: s.seconds, lines: s.lines, size: 40 })),
  { width: 1920, height: 1080, audio: true },
)
const tv = performance.now()
const cv = process.cpuUsage()
const video = await analyseVideo(videoFile, { ocr })
const videoAnalysisSeconds = (performance.now() - tv) / 1000
// ffmpeg's decoding runs in a child process and is not in this figure.
const videoCpuSeconds = cpuSince(cv)
let videoIds = 0
let videoFound = 0
let videoTimed = 0
let start = 0
for (const s of segments) {
  for (const id of s.ids) {
    videoIds++
    const hits = video.findings.filter(
      (f) => f.box && f.time !== undefined && norm(f.text).includes(norm(id.value)),
    )
    if (hits.length) videoFound++
    if (hits.some((f) => (f.time as number) >= start - 0.05 && (f.time as number) < start + s.seconds))
      videoTimed++
  }
  start += s.seconds
}
const cleanVideo = join(work, 'clean.mp4')
await stripVideoMetadata(videoFile, cleanVideo)
const cleanProbe = await probeVideo(cleanVideo)
const { stdout: videoTagsJson } = await run('/usr/bin/exiftool', ['-j', '-a', '-G1', cleanVideo])
const videoTags = (JSON.parse(videoTagsJson) as Array<Record<string, unknown>>)[0] ?? {}
const videoLeaks = Object.entries(videoTags)
  .filter(
    ([k, v]) =>
      /GPS|Location|Comment|Encoder|Make|Model|Handler ?Description/i.test(k) &&
      !/^(VideoHandler|SoundHandler)$/.test(String(v)),
  )
  .map(([k, v]) => `${k}: ${v}`)
rmSync(work, { recursive: true, force: true })
await ocr.close()

// ---------- report ----------
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '–')
const recallBy = <K extends keyof Row>(key: K) => {
  const groups = new Map<Row[K], { n: number; hit: number }>()
  for (const r of rows) {
    const g = groups.get(r[key]) ?? { n: 0, hit: 0 }
    g.n++
    if (r.hit) g.hit++
    groups.set(r[key], g)
  }
  return [...groups.entries()]
}
const atLeast14 = rows.filter((r) => r.size >= 14)
const recall14 = atLeast14.filter((r) => r.hit).length / Math.max(1, atLeast14.length)
const lines: string[] = []
const out = (s = '') => {
  lines.push(s)
  console.log(s)
}
out('# Media screening benchmark')
out()
out(
  `Generated by \`npm run bench:media\`${quick ? ' (--quick)' : ''} on ${new Date().toISOString().slice(0, 10)}; ${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), load average ${startLoad.toFixed(1)} at the start (a shared machine: timings are noisy). Every image, scan and video is generated by the script with its labels (bench/media/run.ts); nothing is downloaded. OCR: tesseract.js 7 with the English model from @tesseract.js-data/eng, one worker; faces: @vladmandic/face-api SSD MobileNet v1 on the TensorFlow.js WebAssembly backend.`,
)
out()
out('## Identifiers in images')
out()
out(
  `${images} images (${SIZES.length} text sizes × ${fonts.length} fonts × ${BACKGROUNDS.length} backgrounds: white page, wristband label on skin, X-ray with white burned-in overlay, photograph), text turned by 0°, 4°, −7° or 12°; ${rows.length} identifiers (names as "SURNAME, Given" or "Given Surname" after "Name:", 8-digit MRNs, NHS numbers with a valid check digit, dates of birth, UK mobile numbers). An identifier is found when one finding with a box covers all of it.`,
)
out()
out(
  `**Recall at ≥ 14 px: ${(recall14 * 100).toFixed(1)}%** (target ≥ 95%) — ${atLeast14.filter((r) => r.hit).length} of ${atLeast14.length}.`,
)
out()
out('| text size (px) | identifiers | found | recall |')
out('| ---: | ---: | ---: | ---: |')
for (const [size, g] of recallBy('size').sort((a, b) => (a[0] as number) - (b[0] as number)))
  out(`| ${size} | ${g.n} | ${g.hit} | ${pct(g.hit, g.n)} |`)
out()
for (const [title, key] of [
  ['background', 'background'],
  ['font', 'font'],
  ['angle (°)', 'angle'],
  ['kind', 'kind'],
] as const) {
  out(`| ${title} | identifiers | recall (all sizes) | recall (≥ 14 px) |`)
  out('| --- | ---: | ---: | ---: |')
  for (const [k, g] of recallBy(key)) {
    const big = rows.filter((r) => r[key] === k && r.size >= 14)
    out(`| ${k} | ${g.n} | ${pct(g.hit, g.n)} | ${pct(big.filter((r) => r.hit).length, big.length)} |`)
  }
  out()
}
out(
  `**Seconds per image** (OCR with two passes + screening + face detection, images of 0.05–0.5 megapixel): ${(imageSeconds / images).toFixed(2)} s wall clock on average, ${(imageCpu / images).toFixed(2)} s of CPU; OCR alone on a 0.2-megapixel image ${ocrOnlySeconds.toFixed(2)} s wall clock. On a shared machine the wall clock includes waiting for a core; the CPU time is what the work costs.`,
)
out()
out('## False findings on clean images')
out()
out(
  `${cleanImages} images with teaching text and no identifier (captions, figure labels, markers, ECG notes) on the four backgrounds: **${(cleanFalse / cleanImages).toFixed(2)} false text findings per clean image** (${cleanFalse} in all, ${cleanFalseBlocking} blocking); ${cleanFaces} false faces.`,
)
if (falseFindings.length) {
  out()
  for (const f of falseFindings.slice(0, 15)) out(`- ${f}`)
}
out()
out('## Faces')
out()
out(
  'The photographs that ship with @vladmandic/face-api (group and portrait shots, 1920 px wide) are the only pictures of people on the machine; there is no ground truth for them, so this reports what was found and how fast.',
)
out()
out('| photo | faces found | seconds |')
out('| --- | ---: | ---: |')
for (const r of faceRows) out(`| ${r.file} | ${r.faces} | ${r.seconds.toFixed(2)} |`)
out()
out('## Metadata removed')
out()
out(
  'A JPEG carrying EXIF camera make and model, artist, copyright, software, original date, body serial number, image unique ID and a GPS position (51.517, −0.176), re-read after processing:',
)
out()
out('| copy | exiftool fields before | exifr fields after | exiftool fields after |')
out('| --- | ---: | ---: | ---: |')
for (const r of metadataRows)
  out(
    `| ${r.what} | ${r.before} | ${r.exifr.length}${r.exifr.length ? ` (${r.exifr.join(', ')})` : ''} | ${r.exiftool.length}${r.exiftool.length ? ` (${r.exiftool.join(', ')})` : ''} |`,
  )
out()
out(
  `Video (${videoSeconds} s, 1920 × 1080, H.264 + AAC, with location, creation time, comment and handler name): after stripping, ffprobe sees ${Object.keys(cleanProbe.metadata).filter((k) => !/major_brand|minor_version|compatible_brands|language|handler_name|vendor_id/.test(k)).length} identifying tags and location ${cleanProbe.location ? 'PRESENT' : 'absent'}; exiftool sees ${videoLeaks.length ? videoLeaks.join('; ') : 'no location, comment, encoder or device field'} (QuickTime dates are written as zero).`,
)
out()
out('## DICOM')
out()
out(
  `${dicomFiles} synthetic CR files (512 × 384, 16-bit) carrying ${dicomPhiKeywords.length} PHI attributes (${dicomPhiKeywords.join(', ')}), a private block, a request sequence and UIDs; de-identified under the PS3.15 Basic Application Level Confidentiality Profile and re-parsed: **${phiChecked - phiLeft} of ${phiChecked} PHI attributes removed or emptied**, ${bytesLeft} original values found anywhere in the output bytes${dicomLeaks.length ? ` (${[...new Set(dicomLeaks)].join('; ')})` : ', no private attribute left, PatientIdentityRemoved YES in every file'}.`,
)
out()
out('Burned-in annotations (white text in the pixels), read from the windowed rendering:')
out()
out('| text size (px) | identifiers | found |')
out('| ---: | ---: | ---: |')
for (const r of dicomOcr) out(`| ${r.size} | ${r.ids} | ${r.found} |`)
out()
out(
  `Seconds per DICOM file (parse, header findings, render, OCR, de-identify): ${(dicomSeconds / dicomFiles).toFixed(2)} s.`,
)
out()
out('## Video')
out()
out(
  `A ${videoSeconds} s 1920 × 1080 video of 5-second text cards (every other one with identifiers, 40 px text): ${video.framesAnalysed} frames sampled (every 2 s and at scene changes), each read by OCR and searched for faces. Identifiers found: **${videoFound} of ${videoIds}** (${videoTimed} with a time inside the card that showed them).`,
)
out()
out(
  `**${videoAnalysisSeconds.toFixed(1)} s wall clock for the ${videoSeconds} s video, ${((videoAnalysisSeconds / videoSeconds) * 60).toFixed(1)} s per video minute** (${((videoCpuSeconds / videoSeconds) * 60).toFixed(1)} CPU seconds per video minute in Rounds' process, plus ffmpeg's decoding), so a 5-minute 1080p video takes about ${(((videoAnalysisSeconds / videoSeconds) * 300) / 60).toFixed(1)} minutes on one OCR worker (frames are capped at 400 per video, so the time is bounded for any length: at most about ${(((videoAnalysisSeconds / Math.max(1, video.framesAnalysed)) * 400) / 60).toFixed(0)} minutes).`,
)
out()
if (misses.length) {
  out('## Missed identifiers (first 25)')
  out()
  for (const m of misses.slice(0, 25)) out(`- ${m.replace(/\n/g, ' / ')}`)
  out()
}
mkdirSync(join(root, 'docs/benchmarks'), { recursive: true })
if (!quick) writeFileSync(join(root, 'docs/benchmarks/media.md'), `${lines.join('\n')}\n`)
else console.log('\n(--quick: docs/benchmarks/media.md not written)')
