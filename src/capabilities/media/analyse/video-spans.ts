import type { MediaBox } from '#src/capabilities/screening/screening.schema.ts'
import { unionBox } from './image-text.ts'
import type { VideoProbe } from './video.ts'

/**
 * The pure half of video redaction: which time spans to cover (from the sampled frames a
 * region was seen in), the ffmpeg filter graph and arguments that cover them, and ffmpeg's
 * progress output. No process is started here (video-redact.ts runs ffmpeg).
 */

/** One sampled frame in which a finding's region was seen. */
export type Sighting = { time: number; box: MediaBox }

/** A stretch of time over which one region is covered. */
export type RedactionSpan = {
  /** The finding (its index in the upload's findings) the span covers. */
  finding: number
  mode: 'fill' | 'blur'
  start: number
  end: number
  /** In pixels of the picture as displayed (upright), like the findings' boxes. */
  box: MediaBox
}

/**
 * Turns the sampled frames a region was seen in into time spans: sightings no more than one
 * and a half sampling intervals apart belong to the same span (the frames between them were
 * sampled, or would have been); each span is widened by the interval on both sides, because
 * the region may have appeared just after the sample before and stayed until just before the
 * sample after; the box is the union of the boxes seen in it. Clamped to [0, duration].
 */
export function mergeSightings(
  sightings: readonly Sighting[],
  options: { interval: number; duration: number },
): Array<{ start: number; end: number; box: MediaBox }> {
  const { interval, duration } = options
  const sorted = [...sightings].filter((s) => Number.isFinite(s.time)).sort((a, b) => a.time - b.time)
  const groups: Sighting[][] = []
  for (const s of sorted) {
    const last = groups.at(-1)
    const previous = last?.at(-1)
    if (last && previous && s.time - previous.time <= interval * 1.5 + 1e-6) last.push(s)
    else groups.push([s])
  }
  const spans = groups.map((g) => ({
    start: round3(Math.max(0, (g[0] as Sighting).time - interval)),
    end: round3(
      Math.min(duration > 0 ? duration : Number.POSITIVE_INFINITY, (g.at(-1) as Sighting).time + interval),
    ),
    box: union(g.map((s) => s.box)),
  }))
  // Padding can make neighbouring spans touch: one span then.
  const out: typeof spans = []
  for (const span of spans) {
    const last = out.at(-1)
    if (last && span.start <= last.end) {
      last.end = Math.max(last.end, span.end)
      last.box = union([last.box, span.box])
    } else out.push({ ...span })
  }
  return out
}

const round3 = (n: number) => Math.round(n * 1000) / 1000

const union = (boxes: readonly MediaBox[]): MediaBox => unionBox(boxes) ?? { x: 0, y: 0, width: 0, height: 0 }

/**
 * A box padded (so antialiased letter edges and the edges of a face do not survive), aligned
 * to even pixels (4:2:0 chroma is stored per 2 × 2 block) and clipped to the picture. Null
 * when nothing of it is inside.
 */
export function videoBox(box: MediaBox, pad: number, width: number, height: number): MediaBox | null {
  const x0 = Math.max(0, Math.floor((box.x - pad) / 2) * 2)
  const y0 = Math.max(0, Math.floor((box.y - pad) / 2) * 2)
  const x1 = Math.min(width - (width % 2), Math.ceil((box.x + box.width + pad) / 2) * 2)
  const y1 = Math.min(height - (height % 2), Math.ceil((box.y + box.height + pad) / 2) * 2)
  if (x1 - x0 < 2 || y1 - y0 < 2) return null
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/** Pixels added around a text box (as for images). */
const TEXT_PAD = 4

const enable = (s: { start: number; end: number }) => `enable='between(t,${s.start},${s.end})'`

/**
 * The ffmpeg filter graph for `-filter_complex`: input `[0:v]`, output `[v]`. Text spans are
 * `drawbox` fills; face spans (padded by a fifth of their size, for the outline of the head)
 * crop the region, shrink it to about 5 × 5 blocks by area averaging (a blur) and enlarge it
 * with nearest-neighbour (a mosaic no deblurring recovers), then overlay it while the span
 * lasts. Returns null when no span touches the picture.
 */
export function videoRedactionFilter(
  spans: readonly RedactionSpan[],
  size: { width: number; height: number },
): string | null {
  const steps: string[] = []
  let label = '0:v'
  let n = 0
  const next = () => `r${++n}`
  for (const span of spans) {
    const pad = span.mode === 'blur' ? Math.round(Math.max(span.box.width, span.box.height) * 0.2) : TEXT_PAD
    const b = videoBox(span.box, pad, size.width, size.height)
    if (!b) continue
    const out = next()
    if (span.mode === 'fill') {
      steps.push(
        `[${label}]drawbox=x=${b.x}:y=${b.y}:w=${b.width}:h=${b.height}:color=black:t=fill:${enable(span)}[${out}]`,
      )
    } else {
      // About five blocks across: a finer mosaic of a small face is still found by a detector
      // (the check after redaction showed it), and still recognisable to people who know them.
      const cells = Math.max(1, Math.round(Math.max(b.width, b.height) / 5))
      const w = Math.max(1, Math.round(b.width / cells))
      const h = Math.max(1, Math.round(b.height / cells))
      const [keep, cut, mosaic] = [next(), next(), next()]
      steps.push(
        `[${label}]split[${keep}][${cut}]`,
        `[${cut}]crop=${b.width}:${b.height}:${b.x}:${b.y},scale=${w}:${h}:flags=area,scale=${b.width}:${b.height}:flags=neighbor[${mosaic}]`,
        `[${keep}][${mosaic}]overlay=${b.x}:${b.y}:${enable(span)}[${out}]`,
      )
    }
    label = out
  }
  if (steps.length === 0) return null
  steps.push(`[${label}]format=yuv420p[v]`)
  return steps.join(';')
}

/** Audio codecs an MP4 carries that every browser plays: copied as they are. */
const MP4_AUDIO = new Set(['aac', 'mp3'])

/** The ffmpeg arguments that write the redacted copy (MP4, H.264, no metadata, audio kept). */
export function videoRedactionArgs(
  input: string,
  output: string,
  filter: string,
  probe: Pick<VideoProbe, 'streams'>,
): string[] {
  const audio = probe.streams.find((s) => s.type === 'audio')
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    '-nostats',
    '-progress',
    'pipe:1',
    '-y',
    '-i',
    input,
    '-filter_complex',
    filter,
    '-map',
    '[v]',
    ...(audio
      ? [
          '-map',
          '0:a:0',
          ...(MP4_AUDIO.has(audio.codec) ? ['-c:a', 'copy'] : ['-c:a', 'aac', '-b:a', '160k']),
        ]
      : []),
    '-sn',
    '-dn',
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '20',
    '-map_metadata',
    '-1',
    '-map_metadata:s:v',
    '-1',
    '-map_metadata:s:a',
    '-1',
    '-map_chapters',
    '-1',
    '-fflags',
    '+bitexact',
    '-flags:v',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-movflags',
    '+faststart',
    '-f',
    'mp4',
    output,
  ]
}

/** Reads ffmpeg's `-progress` key=value stream: the seconds written so far, or null. */
export function progressSeconds(block: string): number | null {
  let seconds: number | null = null
  for (const line of block.split('\n')) {
    const m = /^out_time_(us|ms)=(\d+)/.exec(line.trim())
    // ffmpeg's out_time_ms is in microseconds too (a long-standing misnomer).
    if (m) seconds = Number(m[2]) / 1_000_000
  }
  return seconds
}
