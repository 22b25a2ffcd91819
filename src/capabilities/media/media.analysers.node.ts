import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import type { OcrPool } from './analyse/ocr.ts'
import type { MediaAnalysers } from './media.analysers.ts'
import type { RemovedMetadata } from './media.schema.ts'

const ACTION_WORDS: Record<string, string> = {
  X: 'removed',
  'X (rule)': 'removed',
  Z: 'emptied',
  D: 'replaced with a dummy value',
  U: 'replaced with a new UID',
}

// The analysers load tesseract.js, TensorFlow.js and dcmjs: imported on first use, so a
// process that never screens a file (a CLI command, a worker with no media jobs) does not pay.
const load = {
  dicom: () => import('./analyse/dicom.ts'),
  faces: () => import('./analyse/faces.ts'),
  imageText: () => import('./analyse/image-text.ts'),
  ocr: () => import('./analyse/ocr.ts'),
  redact: () => import('./analyse/redact.ts'),
  video: () => import('./analyse/video.ts'),
  videoRedact: () => import('./analyse/video-redact.ts'),
}

/**
 * The analysers of src/capabilities/media/analyse wired to the pipeline's port: OCR (a
 * tesseract.js pool started on first use), faces, redaction, DICOM and video.
 */
export function createNodeAnalysers(options: { ocrWorkers?: number } = {}): MediaAnalysers {
  let pool: Promise<OcrPool> | null = null
  const ocr = () => {
    pool ??= load.ocr().then((m) => m.createOcrPool({ size: options.ocrWorkers ?? 1 }))
    return pool
  }
  const analysers: MediaAnalysers = {
    async image(image, ctx) {
      await ctx.progress(0, 'reading text')
      const { screenOcrLines } = await load.imageText()
      const { detectFaces, faceFinding } = await load.faces()
      const read = await (await ocr()).recognise(image)
      const text = screenOcrLines(read.lines, ctx.policy).findings
      await ctx.progress(0.6, 'looking for faces')
      const faces = (await detectFaces(image)).map((f) => faceFinding(f))
      await ctx.progress(1)
      return [...text, ...faces]
    },
    async dicom(path, ctx) {
      const { deidentifyDicom, dicomHeaderFindings, parseDicom, renderDicom } = await load.dicom()
      const parsed = parseDicom(await readFile(path))
      const header = dicomHeaderFindings(parsed)
      await ctx.progress(0.3, 'de-identifying')
      const deidentified = deidentifyDicom(parsed)
      const removed: RemovedMetadata[] = deidentified.actions.map((a) => ({
        group: 'other',
        description:
          a.keyword && a.keyword !== a.tag
            ? `DICOM ${a.keyword} ${ACTION_WORDS[a.action] ?? 'removed'}`
            : `DICOM private attribute (${a.tag.slice(-8, -4)},${a.tag.slice(-4)}) ${ACTION_WORDS[a.action] ?? 'removed'}`,
      }))
      await ctx.progress(0.6, 'rendering the image')
      const rendering = await renderDicom(parsed)
      await ctx.progress(1)
      return {
        findings: header.findings,
        removed,
        deidentified: deidentified.file,
        rendering: { png: rendering.png, width: rendering.width, height: rendering.height },
      }
    },
    async video(path, ctx) {
      const { analyseVideo, stripVideoMetadata } = await load.video()
      const stages: Record<string, [number, number]> = {
        probe: [0, 0.05],
        frames: [0.05, 0.35],
        analyse: [0.35, 0.9],
        captions: [0.9, 0.95],
        done: [1, 1],
      }
      const labels = {
        probe: 'probing the video',
        frames: 'sampling frames',
        analyse: 'reading text and looking for faces in frames',
        captions: 'checking captions',
        done: 'finishing',
      }
      const result = await analyseVideo(
        path,
        { ocr: await ocr(), policy: ctx.policy },
        {
          onProgress: (p) => {
            const [a, b] = stages[p.stage] ?? [0, 1]
            ctx.progress(a + (b - a) * (p.total ? p.done / p.total : 1), labels[p.stage]).catch(() => {})
          },
        },
      )
      const ext = /webm/.test(result.probe.format)
        ? 'webm'
        : /mov|mp4|m4a|3gp/.test(result.probe.format)
          ? 'mp4'
          : 'mkv'
      const sanitisedPath = join(ctx.workDir, `sanitised.${ext}`)
      await stripVideoMetadata(path, sanitisedPath)
      const technical = /major_brand|minor_version|compatible_brands|handler_name|vendor_id|:language$/
      const removed: RemovedMetadata[] = Object.keys(result.probe.metadata)
        .filter((key) => !technical.test(key))
        .map(
          (key): RemovedMetadata => ({
            group: /location|gps|iso6709/i.test(key) ? 'gps' : 'container',
            description:
              /location|gps|iso6709/i.test(key) && result.probe.location
                ? `GPS position ${result.probe.location.latitude.toFixed(3)}, ${result.probe.location.longitude.toFixed(3)} removed`
                : `Video metadata "${key}" removed`,
          }),
        )
        .filter((m, i, all) => all.findIndex((o) => o.description === m.description) === i)
      return {
        findings: result.findings,
        removed,
        sanitisedPath,
        mime: ext === 'webm' ? 'video/webm' : ext === 'mp4' ? 'video/mp4' : 'video/x-matroska',
        duration: result.probe.duration,
        width: result.probe.width,
        height: result.probe.height,
        frames: await stripFrames(path, result.findings, result.probe.duration),
        interval: result.interval,
        sightings: result.sightings,
      }
    },
    async redactVideo(input, output, request, ctx) {
      const { checkVideoRedaction, redactVideo } = await load.videoRedact()
      let last = -1
      await redactVideo(input, output, request.spans, {
        signal: ctx.signal,
        onProgress: (fraction) => {
          const pct = Math.floor(fraction * 100)
          if (pct === last) return
          last = pct
          ctx.progress(fraction * 0.8, `writing the redacted copy · ${pct}% of the video`).catch(() => {})
        },
      })
      await ctx.progress(0.8, 'checking the redacted copy with OCR')
      const { check, probe } = await checkVideoRedaction(
        output,
        request.spans,
        request.targets,
        // Faces are looked for only when a face was chosen (loading the detector costs seconds).
        request.targets.some((t) => t.face)
          ? { ocr: await ocr(), faces: (await load.faces()).detectFaces }
          : { ocr: await ocr() },
        {
          signal: ctx.signal,
          onProgress: (fraction) => {
            ctx.progress(0.8 + fraction * 0.2, 'checking the redacted copy with OCR').catch(() => {})
          },
        },
      )
      await ctx.progress(1)
      return { check, width: probe.width, height: probe.height, duration: probe.duration }
    },
    async redact(image, regions) {
      const { redactImage } = await load.redact()
      const out = await redactImage(image, {
        fill: regions.filter((r) => r.mode === 'fill').map((r) => r.box),
        blur: regions.filter((r) => r.mode === 'blur').map((r) => r.box),
      })
      return out.data
    },
    async close() {
      const p = pool
      pool = null
      await (await p)?.close()
    },
  }
  return analysers
}

const run = promisify(execFile)

/** How many frames the reviewers' strip shows at most. */
const STRIP_FRAMES = 12

/**
 * Frames for the reviewers' strip: the moments findings point at (first appearance), then
 * evenly spaced moments to fill the strip. JPEG, at most 640 px wide, from the original
 * (its metadata never reaches a frame: frames are decoded pixels).
 */
async function stripFrames(
  path: string,
  findings: ReadonlyArray<{ time?: number | undefined }>,
  duration: number,
): Promise<Array<{ time: number; jpeg: Buffer; width: number; height: number }>> {
  const times = [...new Set(findings.map((f) => f.time).filter((t): t is number => t !== undefined))]
  for (let i = 0; times.length < STRIP_FRAMES && i < STRIP_FRAMES; i++) {
    const t = Math.round(((duration * (i + 0.5)) / STRIP_FRAMES) * 10) / 10
    if (!times.some((x) => Math.abs(x - t) < 1)) times.push(t)
  }
  const out: Array<{ time: number; jpeg: Buffer; width: number; height: number }> = []
  for (const time of times.sort((a, b) => a - b).slice(0, STRIP_FRAMES * 2)) {
    try {
      const { stdout } = await run(
        '/usr/bin/ffmpeg',
        [
          '-hide_banner',
          '-nostdin',
          '-loglevel',
          'error',
          '-ss',
          String(time),
          '-i',
          path,
          '-frames:v',
          '1',
          '-f',
          'image2pipe',
          '-c:v',
          'png',
          'pipe:1',
        ],
        { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 60_000 },
      )
      if (stdout.length === 0) continue
      const { data, info } = await sharp(stdout)
        .resize({ width: 640, withoutEnlargement: true })
        .jpeg({ quality: 80 })
        .toBuffer({ resolveWithObject: true })
      out.push({ time, jpeg: data, width: info.width, height: info.height })
    } catch {
      // A frame that cannot be read is left out of the strip; screening already read the video.
    }
  }
  return out
}
