import { execFile, spawn } from 'node:child_process'
import { rm } from 'node:fs/promises'
import { promisify } from 'node:util'
import type { MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { boxOverlap, unionBox } from './image-text.ts'
import type { OcrPool } from './ocr.ts'
import { probeVideo, type VideoProbe } from './video.ts'
import {
  progressSeconds,
  type RedactionSpan,
  videoRedactionArgs,
  videoRedactionFilter,
} from './video-spans.ts'

export { mergeSightings, type RedactionSpan, type Sighting, videoRedactionFilter } from './video-spans.ts'

/**
 * Redacted copies of a video: for each chosen finding, a filled box (text) or a coarse mosaic
 * (faces) over its region for as long as it was seen, written by Debian's ffmpeg (argument
 * arrays, never a shell) with every metadata tag removed and the audio kept; then the copy is
 * sampled again where it was redacted and read by OCR, to show the text is gone.
 */

const run = promisify(execFile)
const FFMPEG = '/usr/bin/ffmpeg'

/**
 * Writes the redacted copy of `input` to `output`, reporting the fraction done (0–1) as
 * ffmpeg writes. The job is stopped, and the partial file deleted, when `signal` aborts.
 */
export async function redactVideo(
  input: string,
  output: string,
  spans: readonly RedactionSpan[],
  options: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {},
): Promise<{ probe: VideoProbe }> {
  options.signal?.throwIfAborted()
  const probe = await probeVideo(input)
  const filter = videoRedactionFilter(spans, probe)
  if (!filter)
    throw new AppError('VALIDATION_FAILED', { message: 'no chosen region lies inside the picture' })
  const args = videoRedactionArgs(input, output, filter, probe)
  const report = options.onProgress ?? (() => {})
  await new Promise<void>((resolve, reject) => {
    const child = spawn(FFMPEG, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    let pending = ''
    const onAbort = () => child.kill('SIGKILL')
    options.signal?.addEventListener('abort', onAbort, { once: true })
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (chunk: string) => {
      pending += chunk
      const end = pending.lastIndexOf('progress=')
      if (end < 0) return
      const seconds = progressSeconds(pending.slice(0, end))
      pending = pending.slice(end)
      if (seconds !== null && probe.duration > 0) report(Math.min(1, seconds / probe.duration))
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (chunk: string) => {
      if (stderr.length < 8000) stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort)
      if (code === 0) resolve()
      else reject(new Error(`ffmpeg exited with ${code}: ${stderr.slice(0, 500)}`))
    })
  }).catch(async (e) => {
    await rm(output, { force: true })
    if (options.signal?.aborted) throw options.signal.reason ?? e
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The redacted copy of the video could not be written.',
    })
  })
  report(1)
  return { probe }
}

/** One frame of a video at `time` seconds, as PNG (null past the end). */
export async function frameAt(input: string, time: number): Promise<Buffer | null> {
  try {
    const { stdout } = await run(
      FFMPEG,
      [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        '-ss',
        String(time),
        '-i',
        input,
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
    return stdout.length > 0 ? stdout : null
  } catch {
    return null
  }
}

/**
 * A finding to look for in the redacted copy: where and when it was seen. Text is looked for
 * with OCR; a face (`face: true`, text empty) with the face detector, when one is given.
 */
export type VideoRedactionTarget = {
  finding: number
  text: string
  times: readonly number[]
  box: MediaBox
  face?: boolean
}

/** What the check of a redacted copy found: text still read where it should be covered. */
export type RedactionCheck = {
  framesRead: number
  stillReadable: Array<{ finding: number; text: string; time: number }>
}

const union = (boxes: readonly MediaBox[]): MediaBox => unionBox(boxes) ?? { x: 0, y: 0, width: 0, height: 0 }
const round3 = (n: number) => Math.round(n * 1000) / 1000

const normalise = (s: string) => s.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '')

/**
 * Reads the redacted copy again where it was redacted: at each time the text was seen, and
 * in the middle and at both ends of every span (at most `maxFrames` frames). A finding is
 * still readable when OCR reads its text, or any word of it of four or more characters (a
 * surname beside a covered first name), ignoring case, spaces and punctuation, on a line that
 * overlaps where it was seen. With a face detector, a face is still recognisable when one
 * is detected where it was seen (overlap above 0.3) in a frame where it was seen or in the
 * middle of its span.
 */
export async function checkVideoRedaction(
  output: string,
  spans: readonly RedactionSpan[],
  targets: ReadonlyArray<VideoRedactionTarget>,
  deps: { ocr: OcrPool; faces?: (image: Buffer) => Promise<Array<{ box: MediaBox }>> },
  options: { maxFrames?: number; signal?: AbortSignal; onProgress?: (fraction: number) => void } = {},
): Promise<{ check: RedactionCheck; probe: VideoProbe }> {
  // Re-probed: a copy ffprobe cannot read, or one without pictures, fails here.
  const probe = await probeVideo(output)
  const textSpans = spans.filter((s) => s.mode === 'fill')
  const times = new Set<number>()
  for (const t of targets) for (const time of t.times) times.add(round3(time))
  for (const s of textSpans) {
    // The middle and both ends (just inside) of each span, where the padding meets the picture.
    times.add(round3((s.start + s.end) / 2))
    times.add(round3(Math.min(s.end, s.start + 0.1)))
    times.add(round3(Math.max(s.start, s.end - 0.1)))
  }
  if (deps.faces) for (const s of spans) if (s.mode === 'blur') times.add(round3((s.start + s.end) / 2))
  const wanted = [...times]
    .filter((t) => t < probe.duration)
    .sort((a, b) => a - b)
    .slice(0, options.maxFrames ?? 40)
  // As screening reads the frames: large frames are not upscaled.
  const ocrOptions = probe.width * probe.height >= 1280 * 720 ? { maxScale: 1 } : {}
  const still = new Map<number, { finding: number; text: string; time: number }>()
  let framesRead = 0
  for (const time of wanted) {
    options.signal?.throwIfAborted()
    const png = await frameAt(output, time)
    if (!png) continue
    const ocr = await deps.ocr.recognise(png, ocrOptions)
    const faceTargets = deps.faces ? targets.filter((t) => t.face && !still.has(t.finding)) : []
    const faces = faceTargets.length && deps.faces ? await deps.faces(png) : []
    framesRead++
    options.onProgress?.(framesRead / wanted.length)
    for (const t of faceTargets)
      if (faces.some((f) => boxOverlap(t.box, f.box) > 0.3))
        still.set(t.finding, { finding: t.finding, text: '', time })
    for (const t of targets) {
      if (t.face || still.has(t.finding)) continue
      const pieces = [
        ...new Set([
          normalise(t.text),
          ...t.text
            .split(/\s+/)
            .map(normalise)
            .filter((w) => w.length >= 4),
        ]),
      ].filter(Boolean)
      if (pieces.length === 0) continue
      for (const line of ocr.lines) {
        const text = normalise(line.words.map((w) => w.text).join(''))
        if (!pieces.some((piece) => text.includes(piece))) continue
        if (boxOverlap(t.box, union(line.words.map((w) => w.box))) > 0) {
          still.set(t.finding, { finding: t.finding, text: t.text, time })
          break
        }
      }
    }
  }
  return {
    check: { framesRead, stillReadable: [...still.values()].sort((a, b) => a.finding - b.finding) },
    probe,
  }
}
