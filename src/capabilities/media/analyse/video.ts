import { execFile } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { CompiledPolicy } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, MediaBox, PolicyInput } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { screenCaptions } from './captions.ts'
import { detectFaces, faceFinding } from './faces.ts'
import { boxOverlap, screenOcrLines } from './image-text.ts'
import type { OcrPool } from './ocr.ts'

/**
 * Video: ffprobe for what the file is and what it says about itself, ffmpeg to sample frames
 * (every 2 s and at scene changes) and to write a copy without metadata. Both are the
 * operating system's binaries (Debian's ffmpeg), run with argument arrays, never a shell.
 */

const run = promisify(execFile)
/** Debian's ffmpeg package; the npm ffmpeg builds are years old and not fed untrusted files. */
const FFPROBE = '/usr/bin/ffprobe'
const FFMPEG = '/usr/bin/ffmpeg'

export type VideoStream = {
  index: number
  type: string
  codec: string
  width?: number
  height?: number
  language?: string
}
export type GeoPosition = { latitude: number; longitude: number; altitude?: number }
export type VideoProbe = {
  format: string
  duration: number
  width: number
  height: number
  /** Degrees clockwise the player turns the picture (0, 90, 180, 270). */
  rotation: number
  streams: VideoStream[]
  /** Container and stream tags, as `scope:key` → value (e.g. `format:location`). */
  metadata: Record<string, string>
  location?: GeoPosition
}

/** Parses an ISO 6709 position such as "+51.5170-000.1760+012.000/". */
export function parseIso6709(value: string): GeoPosition | undefined {
  const m = /^([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)([+-]\d+(?:\.\d+)?)?/.exec(value.trim())
  if (!m) return undefined
  const latitude = Number.parseFloat(m[1] as string)
  const longitude = Number.parseFloat(m[2] as string)
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined
  return { latitude, longitude, ...(m[3] ? { altitude: Number.parseFloat(m[3]) } : {}) }
}

type ProbeJson = {
  format?: { format_name?: string; duration?: string; tags?: Record<string, string> }
  streams?: Array<{
    index: number
    codec_type?: string
    codec_name?: string
    width?: number
    height?: number
    duration?: string
    tags?: Record<string, string>
    side_data_list?: Array<{ side_data_type?: string; rotation?: number }>
  }>
}

/** Probes a video file. MEDIA_UNREADABLE when ffprobe cannot read it, VIDEO_NO_VIDEO_STREAM without pictures. */
export async function probeVideo(file: string): Promise<VideoProbe> {
  let json: ProbeJson
  try {
    const { stdout } = await run(
      FFPROBE,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '--', file],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    )
    json = JSON.parse(stdout) as ProbeJson
  } catch {
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The video could not be read: the file is truncated, corrupt or not a video.',
    })
  }
  const streams = (json.streams ?? []).map((s) => ({
    index: s.index,
    type: s.codec_type ?? 'unknown',
    codec: s.codec_name ?? 'unknown',
    ...(s.width ? { width: s.width } : {}),
    ...(s.height ? { height: s.height } : {}),
    ...(s.tags?.language ? { language: s.tags.language } : {}),
  }))
  // Cover art in MP4/MOV is a "video" stream with one frame; it does not count as a picture.
  const video = (json.streams ?? []).find(
    (s) => s.codec_type === 'video' && !['mjpeg', 'png', 'bmp'].includes(s.codec_name ?? ''),
  )
  if (!video)
    throw new AppError('VIDEO_NO_VIDEO_STREAM', {
      message: 'The file has no video stream (it may be audio only). Upload it as audio, or add the video.',
    })
  const metadata: Record<string, string> = {}
  for (const [k, v] of Object.entries(json.format?.tags ?? {})) metadata[`format:${k}`] = v
  for (const s of json.streams ?? [])
    for (const [k, v] of Object.entries(s.tags ?? {})) metadata[`stream${s.index}:${k}`] = v
  const rotateTag = Number.parseFloat(video.tags?.rotate ?? '')
  const matrix = video.side_data_list?.find((d) => d.side_data_type === 'Display Matrix')?.rotation
  // ffprobe's display-matrix rotation is counter-clockwise; the old `rotate` tag is clockwise.
  const rotation = (((Number.isFinite(rotateTag) ? rotateTag : -(matrix ?? 0)) % 360) + 360) % 360
  const duration = Number.parseFloat(json.format?.duration ?? video.duration ?? '0') || 0
  const locationTag = Object.entries(metadata).find(([k]) =>
    /(^|:)(location|location-\w+|com\.apple\.quicktime\.location\.iso6709)$/i.test(k),
  )
  const location = locationTag ? parseIso6709(locationTag[1]) : undefined
  const swap = rotation === 90 || rotation === 270
  return {
    format: json.format?.format_name ?? 'unknown',
    duration,
    width: (swap ? video.height : video.width) ?? 0,
    height: (swap ? video.width : video.height) ?? 0,
    rotation,
    streams,
    metadata,
    ...(location ? { location } : {}),
  }
}

/** Tags that say where, when, with what or by whom a video was made. */
const IDENTIFYING_TAG =
  /(location|gps|iso6709|creation_time|date|make|model|serial|author|artist|copyright|comment|description|title|encoder|software|handler_name|com\.apple|com\.android)/i

const METADATA_CITATION =
  'GMC, Making and using visual and audio recordings of patients (2013); HIPAA 45 CFR 164.514(b)(2)(i)(B) and (C)'

/**
 * The video's identifying metadata as findings pointing into a listing of the tags
 * (field `body`). The location blocks; the rest warns. All of it is gone from the copy
 * `stripVideoMetadata` writes.
 */
export function videoMetadataFindings(probe: VideoProbe): { text: string; findings: Finding[] } {
  let text = ''
  const findings: Finding[] = []
  const seen = new Set<string>()
  for (const [key, value] of Object.entries(probe.metadata)) {
    if (!IDENTIFYING_TAG.test(key) || !value.trim()) continue
    // Generic muxer and handler names say nothing about anyone.
    if (
      /handler_name|vendor_id/i.test(key) &&
      /^(Core Media.*|\w*Handler|ISO Media.*|(\[0\]){4})$/i.test(value)
    )
      continue
    // ffmpeg's own name ("Lavf61.7.100"; "Lavc libx264" when writing bit-exact output).
    if (/encoder/i.test(key) && /^Lav[fc](\d|\s\w+$)/.test(value)) continue
    // The same value in the container and in each stream is one finding.
    const name = key.split(':').pop() ?? key
    const same = `${/location|gps|iso6709/i.test(key) ? 'location' : name}|${value}`
    if (seen.has(same)) continue
    seen.add(same)
    const isLocation = /location|gps|iso6709/i.test(key)
    const label = `${key}: `
    if (text) text += '\n'
    const start = text.length + label.length
    text += label + value
    const pos = isLocation ? parseIso6709(value) : undefined
    findings.push({
      ruleId: 'confidentiality.media-metadata',
      pack: 'confidentiality',
      category: isLocation
        ? 'location'
        : /date|time/i.test(key)
          ? 'date'
          : /make|model|serial/i.test(key)
            ? 'device'
            : 'metadata',
      severity: isLocation ? 'block' : 'warn',
      field: 'body',
      start,
      end: start + value.length,
      text: value,
      message: pos
        ? `GPS position ${pos.latitude.toFixed(3)}, ${pos.longitude.toFixed(3)} in the video's metadata: it can show where the patient was filmed.`
        : `Metadata "${name}" in the video file.`,
      citation: METADATA_CITATION,
      suggestion: 'Rounds removes it from the copy it publishes.',
    })
  }
  return { text, findings }
}

/**
 * Writes a copy of the video with all container, stream and chapter metadata removed
 * (location, creation time, device, encoder), streams copied without re-encoding. The
 * display rotation is side data of the stream and survives, so the picture stays upright.
 */
export async function stripVideoMetadata(input: string, output: string): Promise<void> {
  const args = [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-y',
    '-i',
    input,
    '-map',
    '0:v',
    '-map',
    '0:a?',
    '-map',
    '0:s?',
    '-c',
    'copy',
    '-map_metadata',
    '-1',
    '-map_metadata:s:v',
    '-1',
    '-map_metadata:s:a',
    '-1',
    '-map_metadata:s:s',
    '-1',
    '-map_chapters',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    ...(/\.(mp4|mov|m4v)$/i.test(output) ? ['-movflags', '+faststart'] : []),
    output,
  ]
  try {
    await run(FFMPEG, args, { timeout: 30 * 60_000, maxBuffer: 4 * 1024 * 1024 })
  } catch {
    await rm(output, { force: true })
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'The video could not be rewritten without its metadata.',
    })
  }
}

export type SampledFrame = { time: number; image: Buffer }

/** At most this many frames are read from one video (one every 2 s of a 13-minute video). */
export const MAX_SAMPLED_FRAMES = 400

export type SampleOptions = {
  interval?: number
  sceneThreshold?: number
  maxFrames?: number
  signal?: AbortSignal
}

/**
 * Writes the sampled frames into `dir` as high-quality JPEGs (PNG frames of a long 1080p
 * video would fill gigabytes): the first frame, then one whenever `interval` seconds have
 * passed since the last sample, and any frame whose scene-change score exceeds
 * `sceneThreshold`. Frames are upright (ffmpeg applies the rotation). Returns each frame's
 * file and presentation time in seconds, in order.
 */
export async function extractFrames(
  input: string,
  dir: string,
  options: SampleOptions = {},
): Promise<Array<{ time: number; file: string }>> {
  const interval = options.interval ?? 2
  const scene = options.sceneThreshold ?? 0.3
  const max = options.maxFrames ?? MAX_SAMPLED_FRAMES
  const select = `select='isnan(prev_selected_t)+gte(t-prev_selected_t\\,${interval})+gt(scene\\,${scene})',showinfo`
  let stderr: string
  try {
    const result = await run(
      FFMPEG,
      [
        '-hide_banner',
        '-nostdin',
        '-nostats',
        '-i',
        input,
        '-an',
        '-sn',
        '-dn',
        '-vf',
        select,
        '-vsync',
        'vfr',
        '-frames:v',
        String(max),
        '-q:v',
        '2',
        path.join(dir, 'f-%05d.jpg'),
      ],
      {
        timeout: 60 * 60_000,
        maxBuffer: 64 * 1024 * 1024,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    )
    stderr = result.stderr
  } catch (error) {
    if (options.signal?.aborted) throw error
    throw new AppError('MEDIA_UNREADABLE', {
      message: 'Frames could not be read from the video (the stream is corrupt).',
    })
  }
  const times = [...stderr.matchAll(/Parsed_showinfo[^\n]*?\bn:\s*(\d+)[^\n]*?pts_time:\s*([\d.]+)/g)].map(
    (m) => Number.parseFloat(m[2] as string),
  )
  const files = (await readdir(dir)).filter((f) => /^f-\d+\.jpg$/.test(f)).sort()
  return files.map((f, i) => ({
    time: Math.round((times[i] ?? i * interval) * 1000) / 1000,
    file: path.join(dir, f),
  }))
}

/** Samples frames into memory (for short clips; analyseVideo reads them one at a time). */
export async function sampleFrames(input: string, options: SampleOptions = {}): Promise<SampledFrame[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'rounds-frames-'))
  try {
    const frames: SampledFrame[] = []
    for (const f of await extractFrames(input, dir, options))
      frames.push({ time: f.time, image: await readFile(f.file) })
    return frames
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

/** Extracts the first embedded subtitle stream as SRT text, if the video has one. */
export async function extractEmbeddedCaptions(input: string, probe: VideoProbe): Promise<string | undefined> {
  if (!probe.streams.some((s) => s.type === 'subtitle')) return undefined
  try {
    const { stdout } = await run(
      FFMPEG,
      ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', input, '-map', '0:s:0', '-f', 'srt', 'pipe:1'],
      { timeout: 120_000, maxBuffer: 32 * 1024 * 1024 },
    )
    return stdout.trim() ? stdout : undefined
  } catch {
    return undefined
  }
}

export type VideoProgress = {
  stage: 'probe' | 'frames' | 'analyse' | 'captions' | 'done'
  done: number
  total: number
}

export type VideoAnalysis = {
  probe: VideoProbe
  /** Seconds between regular samples. */
  interval: number
  /**
   * For each text or face finding in frames (by its index in `findings`): every sampled frame
   * the same region was seen in, first appearance included (what video redaction covers).
   */
  sightings: Record<number, Array<{ time: number; box: MediaBox }>>
  /** The listing the metadata findings point into. */
  metadataText: string
  framesAnalysed: number
  findings: Finding[]
  captions: 'uploaded' | 'embedded' | 'none'
}

/**
 * Everything Rounds checks in a video: metadata, text and faces in sampled frames (each
 * finding with its `time` and `box`), captions cue by cue (or the accessibility finding when
 * there are none). Repeats of the same text or face in later frames are reported once, at
 * the first time they appear; every frame they were seen in is kept in `sightings`.
 */
export async function analyseVideo(
  input: string,
  deps: { ocr: OcrPool; faces?: boolean; policy?: PolicyInput | CompiledPolicy },
  options: {
    captions?: string
    onProgress?: (p: VideoProgress) => void
    interval?: number
    maxFrames?: number
    /** Stops the work between frames (and ffmpeg) when aborted. */
    signal?: AbortSignal
  } = {},
): Promise<VideoAnalysis> {
  const report = options.onProgress ?? (() => {})
  report({ stage: 'probe', done: 0, total: 1 })
  const probe = await probeVideo(input)
  report({ stage: 'probe', done: 1, total: 1 })
  const meta = videoMetadataFindings(probe)
  const signal = options.signal
  const dir = await mkdtemp(path.join(tmpdir(), 'rounds-frames-'))
  const visual: Finding[] = []
  const seen: Array<Array<{ time: number; box: MediaBox }>> = []
  const interval = options.interval ?? 2
  let framesAnalysed = 0
  try {
    report({ stage: 'frames', done: 0, total: 1 })
    const frames = await extractFrames(input, dir, {
      ...(options.interval ? { interval: options.interval } : {}),
      ...(options.maxFrames ? { maxFrames: options.maxFrames } : {}),
      ...(signal ? { signal } : {}),
    })
    report({ stage: 'frames', done: 1, total: 1 })
    const ocrOptions = probe.width * probe.height >= 1280 * 720 ? { maxScale: 1 } : {}
    for (const frame of frames) {
      signal?.throwIfAborted()
      const image = await readFile(frame.file)
      const ocr = await deps.ocr.recognise(image, ocrOptions)
      const text = screenOcrLines(ocr.lines, deps.policy ?? {}, { time: frame.time })
      const faces =
        deps.faces === false
          ? []
          : (await detectFaces(image)).map((f) => faceFinding(f, { time: frame.time }))
      for (const f of [...text.findings, ...faces]) {
        const repeat = visual.findIndex(
          (v) =>
            v.ruleId === f.ruleId &&
            v.text.toLowerCase() === f.text.toLowerCase() &&
            v.box &&
            f.box &&
            boxOverlap(v.box, f.box) > 0.5,
        )
        if (repeat < 0) {
          visual.push(f)
          seen.push(f.box ? [{ time: frame.time, box: f.box }] : [])
        } else if (f.box) seen[repeat]?.push({ time: frame.time, box: f.box })
      }
      await rm(frame.file, { force: true })
      framesAnalysed++
      report({ stage: 'analyse', done: framesAnalysed, total: frames.length })
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  const findings: Finding[] = [...meta.findings]
  const sightings: VideoAnalysis['sightings'] = {}
  for (const [i, list] of seen.entries()) if (list.length) sightings[findings.length + i] = list
  findings.push(...visual)
  report({ stage: 'captions', done: 0, total: 1 })
  const embedded = options.captions ? undefined : await extractEmbeddedCaptions(input, probe)
  const captionText = options.captions ?? embedded
  findings.push(...screenCaptions(captionText, deps.policy ?? {}).findings)
  report({ stage: 'captions', done: 1, total: 1 })
  report({ stage: 'done', done: 1, total: 1 })
  return {
    probe,
    interval,
    sightings,
    metadataText: meta.text,
    framesAnalysed,
    findings,
    captions: options.captions ? 'uploaded' : embedded ? 'embedded' : 'none',
  }
}
