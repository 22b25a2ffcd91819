import { copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, extname, join } from 'node:path'
import { type CompiledPolicy, ENGINE_VERSION } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, Report } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { unionBox } from './analyse/image-text.ts'
import { mergeSightings } from './analyse/video-spans.ts'
import type { MediaAnalysers, RedactRegion, VideoResult } from './media.analysers.ts'
import { sanitiseImage } from './media.image.ts'
import type { MediaKind, RedactionSpan, RemovedMetadata } from './media.schema.ts'
import { sniffBytes } from './media.sniff.ts'

/**
 * `rounds screen` for image, DICOM and video files: the same pipeline as uploads (metadata
 * removed, text and faces found, scans de-identified and rendered, video stripped and
 * sampled), run locally on the file. Findings carry `box` (pixels of the original) and, for
 * video, `time`. With an output folder, the sanitised and redacted derivatives are written
 * (for a video, the redacted MP4 too, checked by OCR; text still readable in it is reported).
 */

export type MediaScreenResult = {
  report: Report
  media: {
    kind: MediaKind
    mime: string
    width: number | null
    height: number | null
    duration: number | null
    metadataRemoved: RemovedMetadata[]
    /** Files written to the output folder. */
    written: string[]
  }
}

const KIND: Record<string, MediaKind> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/avif': 'image',
  'application/dicom': 'dicom',
  'video/mp4': 'video',
  'video/x-m4v': 'video',
  'video/quicktime': 'video',
  'video/webm': 'video',
  'video/x-matroska': 'video',
}

/** The media kind of a file from its first bytes, or null for text (Markdown, captions, JSON). */
export async function detectMediaFile(path: string): Promise<{ kind: MediaKind; mime: string } | null> {
  if (path === '-') return null
  let head: Buffer
  try {
    const handle = await open(path, 'r')
    try {
      const buf = Buffer.alloc(4100)
      const { bytesRead } = await handle.read(buf, 0, buf.length, 0)
      head = buf.subarray(0, bytesRead)
    } finally {
      await handle.close()
    }
  } catch {
    return null
  }
  const found = await sniffBytes(head)
  if (found?.mime === 'image/heic')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message: `${path} is a HEIC photo, which cannot be processed here; export it as JPEG`,
    })
  const kind = found ? KIND[found.mime] : undefined
  return kind && found ? { kind, mime: found.mime } : null
}

function reportOf(findings: Finding[], policy: CompiledPolicy): Report {
  const counts = { block: 0, warn: 0, info: 0 }
  for (const f of findings) counts[f.severity]++
  return {
    engineVersion: ENGINE_VERSION,
    policyVersion: policy.policy.version,
    language: 'en',
    findings,
    counts,
  }
}

/** Findings in the file's terms: field `media`, the index as the span. */
const place = (findings: Finding[]) =>
  findings.map((f, i) => ({ ...f, field: 'media' as const, start: i, end: i + 1 }))

function regionsOf(findings: Finding[]): RedactRegion[] {
  return findings
    .filter((f) => f.box && f.severity !== 'info')
    .map((f) => ({
      box: f.box as NonNullable<Finding['box']>,
      mode: f.category === 'photo' ? 'blur' : 'fill',
    }))
}

function sightingsOf(result: VideoResult, findings: Finding[], i: number) {
  const f = findings[i]
  return result.sightings[i] ?? (f?.box ? [{ time: f.time ?? 0, box: f.box }] : [])
}

/** What a video's redaction covers: every finding with a region that is not merely informative. */
function videoSpans(findings: Finding[], result: VideoResult): RedactionSpan[] {
  const spans: RedactionSpan[] = []
  findings.forEach((f, i) => {
    if (!f.box || f.severity === 'info') return
    for (const span of mergeSightings(sightingsOf(result, findings, i), {
      interval: result.interval,
      duration: result.duration,
    }))
      spans.push({ finding: i, mode: f.category === 'photo' ? 'blur' : 'fill', ...span })
  })
  return spans
}

const EXT: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }

/** Screens one media file; writes derivatives into `outDir` when given. */
export async function screenMediaFile(
  path: string,
  detected: { kind: MediaKind; mime: string },
  options: {
    policy: CompiledPolicy
    analysers: MediaAnalysers
    maxPixels: number
    outDir?: string | undefined
  },
): Promise<MediaScreenResult> {
  const { policy, analysers } = options
  const ctx = { policy, signal: new AbortController().signal, progress: async () => {} }
  const stem = basename(path, extname(path))
  const written: string[] = []
  const out = async (name: string, data: Buffer) => {
    if (!options.outDir) return
    await mkdir(options.outDir, { recursive: true })
    const file = join(options.outDir, `${stem}.${name}`)
    await writeFile(file, data)
    written.push(file)
  }
  const redactTo = async (image: Buffer, mime: string, findings: Finding[]) => {
    const regions = regionsOf(findings)
    if (options.outDir && regions.length > 0)
      await out(`redacted.${EXT[mime] ?? 'png'}`, await analysers.redact(image, regions))
  }
  if (detected.kind === 'image') {
    const clean = await sanitiseImage(await readFile(path), { maxPixels: options.maxPixels })
    const findings = place(await analysers.image(clean.data, ctx))
    await out(`sanitised.${EXT[clean.mime] ?? 'png'}`, clean.data)
    await redactTo(clean.data, clean.mime, findings)
    return {
      report: reportOf(findings, policy),
      media: {
        kind: 'image',
        mime: detected.mime,
        width: clean.width,
        height: clean.height,
        duration: null,
        metadataRemoved: clean.removed,
        written,
      },
    }
  }
  const work = await mkdtemp(join(tmpdir(), 'rounds-screen-'))
  try {
    if (detected.kind === 'dicom') {
      if (!analysers.dicom)
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'scans cannot be screened here' })
      const result = await analysers.dicom(path, { ...ctx, workDir: work })
      let findings = result.findings
      await out('deidentified.dcm', result.deidentified)
      if (result.rendering) {
        findings = [...findings, ...(await analysers.image(result.rendering.png, ctx))]
        await out('rendered.png', result.rendering.png)
      }
      const placed = place(findings)
      if (result.rendering) await redactTo(result.rendering.png, 'image/png', placed)
      return {
        report: reportOf(placed, policy),
        media: {
          kind: 'dicom',
          mime: detected.mime,
          width: result.rendering?.width ?? null,
          height: result.rendering?.height ?? null,
          duration: null,
          metadataRemoved: result.removed,
          written,
        },
      }
    }
    if (!analysers.video)
      throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'videos cannot be screened here' })
    const result = await analysers.video(path, { ...ctx, workDir: work })
    const findings = place(result.findings)
    if (options.outDir) {
      await mkdir(options.outDir, { recursive: true })
      const file = join(options.outDir, `${stem}.sanitised${extname(result.sanitisedPath)}`)
      await copyFile(result.sanitisedPath, file)
      written.push(file)
      const spans = videoSpans(findings, result)
      if (analysers.redactVideo && spans.length > 0) {
        const redacted = join(options.outDir, `${stem}.redacted.mp4`)
        const chosen = [...new Set(spans.map((s) => s.finding))]
        const { check } = await analysers.redactVideo(
          result.sanitisedPath,
          redacted,
          {
            spans,
            targets: chosen
              .filter((i) => findings[i]?.category === 'photo' || findings[i]?.text)
              .map((i) => {
                const seen = sightingsOf(result, findings, i)
                const face = findings[i]?.category === 'photo'
                return {
                  finding: i,
                  ...(face ? { face: true } : {}),
                  text: face ? '' : (findings[i]?.text ?? ''),
                  times: seen.map((x) => x.time),
                  box: unionBox([
                    ...(findings[i]?.box ? [findings[i]?.box as NonNullable<Finding['box']>] : []),
                    ...seen.map((x) => x.box),
                  ]) as NonNullable<Finding['box']>,
                }
              }),
          },
          ctx,
        )
        written.push(redacted)
        for (const still of check.stillReadable)
          findings.push({
            ruleId: 'media.redaction-incomplete',
            pack: 'confidentiality',
            category: 'media',
            severity: 'warn',
            field: 'media',
            start: findings.length,
            end: findings.length + 1,
            time: still.time,
            text: still.text,
            message: still.text
              ? `OCR still reads "${still.text}" at ${still.time.toFixed(1)} s in the redacted copy.`
              : `A face is still detected at ${still.time.toFixed(1)} s in the redacted copy.`,
            citation: 'Rounds media screening',
            suggestion: 'Check the redacted video and cover the text by other means.',
          })
      }
    }
    return {
      report: reportOf(findings, policy),
      media: {
        kind: 'video',
        mime: detected.mime,
        width: result.width,
        height: result.height,
        duration: result.duration,
        metadataRemoved: result.removed,
        written,
      },
    }
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}
