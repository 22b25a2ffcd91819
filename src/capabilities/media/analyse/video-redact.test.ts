import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { detectFaces } from './faces.ts'
import { createOcrPool, type OcrPool } from './ocr.ts'
import { faceVideo, syntheticVideo } from './testing/synthetic.ts'
import { probeVideo, videoMetadataFindings } from './video.ts'
import { checkVideoRedaction, frameAt, redactVideo } from './video-redact.ts'
import {
  mergeSightings,
  progressSeconds,
  type RedactionSpan,
  videoBox,
  videoRedactionArgs,
  videoRedactionFilter,
} from './video-spans.ts'

const run = promisify(execFile)
const box = (x: number, y = 10, width = 100, height = 30) => ({ x, y, width, height })

describe('time spans from sampled frames', () => {
  const cases: Array<{
    name: string
    times: number[]
    interval?: number
    duration?: number
    spans: Array<[number, number]>
  }> = [
    { name: 'one sighting is padded by the interval both ways', times: [4], spans: [[2, 6]] },
    { name: 'consecutive samples merge into one span', times: [2, 4, 6], spans: [[0, 8]] },
    { name: 'a scene-change sample between regular ones merges', times: [2, 3.1, 4], spans: [[0, 6]] },
    {
      name: 'a gap of missed samples splits the span',
      times: [2, 4, 12, 14],
      spans: [
        [0, 6],
        [10, 16],
      ],
    },
    { name: 'spans whose padding touches become one', times: [2, 6], spans: [[0, 8]] },
    { name: 'the end is clamped to the duration', times: [8, 10], duration: 10.5, spans: [[6, 10.5]] },
    { name: 'the start is clamped to zero', times: [0], spans: [[0, 2]] },
    { name: 'a shorter interval pads less', times: [5], interval: 0.5, spans: [[4.5, 5.5]] },
    {
      name: 'order of sightings does not matter',
      times: [14, 2, 12, 4],
      spans: [
        [0, 6],
        [10, 16],
      ],
    },
    { name: 'nothing seen, nothing covered', times: [], spans: [] },
  ]
  it.each(cases)('$name', ({ times, interval, duration, spans }) => {
    const merged = mergeSightings(
      times.map((time) => ({ time, box: box(10) })),
      { interval: interval ?? 2, duration: duration ?? 60 },
    )
    expect(merged.map((s) => [s.start, s.end])).toEqual(spans)
  })

  it('covers the union of the boxes seen in a span (text that moves a little)', () => {
    const merged = mergeSightings(
      [
        { time: 2, box: box(10, 10) },
        { time: 4, box: box(30, 14) },
        { time: 20, box: box(300, 200) },
      ],
      { interval: 2, duration: 30 },
    )
    expect(merged.map((s) => s.box)).toEqual([
      { x: 10, y: 10, width: 120, height: 34 },
      { x: 300, y: 200, width: 100, height: 30 },
    ])
  })
})

describe('the ffmpeg filter graph', () => {
  const size = { width: 640, height: 360 }
  const span = (over: Partial<RedactionSpan>): RedactionSpan => ({
    finding: 0,
    mode: 'fill',
    start: 1,
    end: 5,
    box: box(31, 41, 101, 21),
    ...over,
  })
  const cases: Array<{ name: string; spans: RedactionSpan[]; graph: string | null }> = [
    {
      name: 'text: a filled box, padded and on even pixels, while the span lasts',
      spans: [span({})],
      graph:
        "[0:v]drawbox=x=26:y=36:w=110:h=30:color=black:t=fill:enable='between(t,1,5)'[r1];[r1]format=yuv420p[v]",
    },
    {
      name: 'two spans chain one after the other',
      spans: [span({}), span({ finding: 1, start: 8, end: 10.5, box: box(400, 300) })],
      graph:
        "[0:v]drawbox=x=26:y=36:w=110:h=30:color=black:t=fill:enable='between(t,1,5)'[r1];" +
        "[r1]drawbox=x=396:y=296:w=108:h=38:color=black:t=fill:enable='between(t,8,10.5)'[r2];[r2]format=yuv420p[v]",
    },
    {
      name: 'a face: cropped, shrunk by area averaging, enlarged as a mosaic, overlaid',
      spans: [span({ mode: 'blur', box: box(100, 60, 120, 120) })],
      graph:
        '[0:v]split[r2][r3];[r3]crop=168:168:76:36,scale=5:5:flags=area,scale=168:168:flags=neighbor[r4];' +
        "[r2][r4]overlay=76:36:enable='between(t,1,5)'[r1];[r1]format=yuv420p[v]",
    },
    {
      name: 'a box at the edge is clipped to the picture',
      spans: [span({ box: box(600, 340, 100, 40) })],
      graph:
        "[0:v]drawbox=x=596:y=336:w=44:h=24:color=black:t=fill:enable='between(t,1,5)'[r1];[r1]format=yuv420p[v]",
    },
    { name: 'a box outside the picture is left out', spans: [span({ box: box(700, 400) })], graph: null },
    { name: 'no spans, no graph', spans: [], graph: null },
  ]
  it.each(cases)('$name', ({ spans, graph }) => {
    expect(videoRedactionFilter(spans, size)).toBe(graph)
  })

  it('aligns boxes to even pixels inside odd-sized pictures', () => {
    expect(videoBox(box(0, 0, 5, 5), 0, 7, 7)).toEqual({ x: 0, y: 0, width: 6, height: 6 })
    expect(videoBox(box(5, 5, 10, 10), 0, 7, 7)).toEqual({ x: 4, y: 4, width: 2, height: 2 })
    expect(videoBox(box(6, 6, 1, 1), 0, 7, 7)).toBeNull()
  })

  it('writes MP4 without metadata, copying AAC audio and re-encoding other audio', () => {
    const aac = videoRedactionArgs('in', 'out', 'G', { streams: [{ index: 1, type: 'audio', codec: 'aac' }] })
    expect(aac.join(' ')).toContain('-map [v] -map 0:a:0 -c:a copy')
    expect(aac.join(' ')).toContain('-map_metadata -1')
    expect(aac.join(' ')).toContain('-map_chapters -1')
    expect(aac.slice(-3)).toEqual(['-f', 'mp4', 'out'])
    const opus = videoRedactionArgs('in', 'out', 'G', {
      streams: [{ index: 1, type: 'audio', codec: 'opus' }],
    })
    expect(opus.join(' ')).toContain('-map 0:a:0 -c:a aac')
    const silent = videoRedactionArgs('in', 'out', 'G', {
      streams: [{ index: 0, type: 'video', codec: 'h264' }],
    })
    expect(silent).not.toContain('0:a:0')
  })

  it('reads the seconds written from ffmpeg -progress output', () => {
    expect(progressSeconds('frame=10\nout_time_us=1500000\nout_time_ms=1500000\nprogress=continue\n')).toBe(
      1.5,
    )
    expect(progressSeconds('frame=0\nout_time_us=N/A\n')).toBeNull()
  })
})

describe('redacting a video', () => {
  let dir: string
  let clip: string
  let ocr: OcrPool
  // The name is on screen from 2 s to 4 s (sampled at 2 s), a title before and after, all at
  // x 30, baseline 60, 28 px (syntheticVideo).
  const NAME = { x: 24, y: 30, width: 280, height: 42 }
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'rounds-video-redact-'))
    clip = path.join(dir, 'clip.mp4')
    await syntheticVideo(
      clip,
      [
        { seconds: 2, lines: ['Grand round'] },
        { seconds: 2, lines: ['Ellen Hartley'] },
        { seconds: 2, lines: ['Grand round'] },
      ],
      { audio: true, metadata: true, width: 480, height: 270 },
    )
    ocr = createOcrPool()
  })
  afterAll(async () => {
    await ocr?.close()
    await rm(dir, { recursive: true, force: true })
  })

  const spansFor = (b: typeof NAME): RedactionSpan[] =>
    mergeSightings([{ time: 2, box: b }], { interval: 2, duration: 6 }).map((s) => ({
      ...s,
      finding: 0,
      mode: 'fill' as const,
    }))
  const target = [{ finding: 0, text: 'Ellen Hartley', times: [2], box: NAME }]

  it('covers the name while it is on screen, keeps the audio, drops all metadata, reports progress; OCR no longer reads it', async () => {
    // The name is readable in the original (the check would see it).
    const before = await ocr.recognise((await frameAt(clip, 3)) as Buffer)
    expect(before.lines.map((l) => l.words.map((w) => w.text).join(' ')).join(' ')).toMatch(/Hartley/)
    const out = path.join(dir, 'redacted.mp4')
    const progress: number[] = []
    await redactVideo(clip, out, spansFor(NAME), { onProgress: (f) => progress.push(f) })
    expect(progress.at(-1)).toBe(1)
    expect(progress.every((p, i) => i === 0 || p >= (progress[i - 1] as number))).toBe(true)
    const probe = await probeVideo(out)
    expect(probe.streams.map((s) => s.type).sort()).toEqual(['audio', 'video'])
    expect(probe.duration).toBeCloseTo(6, 0)
    expect(probe.location).toBeUndefined()
    expect(videoMetadataFindings(probe).findings).toEqual([])
    const { stdout } = await run('/usr/bin/exiftool', ['-j', '-a', '-G1', '-ee', out])
    expect(stdout).not.toMatch(/GPS|51\.51|ward 7|Phone Camera/i)
    // The region is black at 3 s (and, padded by the sampling interval, from 0 s to 4 s); the
    // title card after the span is untouched.
    const region = await sharp((await frameAt(out, 3)) as Buffer)
      .extract({ left: NAME.x + 10, top: NAME.y + 8, width: 100, height: 20 })
      .greyscale()
      .png()
      .toBuffer()
    const raw = await sharp(region).stats()
    expect(raw.channels[0]?.max).toBeLessThan(40)
    const title = await ocr.recognise((await frameAt(out, 5)) as Buffer)
    expect(title.lines.map((l) => l.words.map((w) => w.text).join(' ')).join(' ')).toMatch(/Grand/)
    const { check } = await checkVideoRedaction(out, spansFor(NAME), target, { ocr })
    expect(check.framesRead).toBeGreaterThanOrEqual(2)
    expect(check.stillReadable).toEqual([])
  })

  it('reports text still readable when the box missed it', async () => {
    const out = path.join(dir, 'missed.mp4')
    const wrong = { x: 300, y: 200, width: 100, height: 40 }
    await redactVideo(clip, out, spansFor(wrong))
    const { check } = await checkVideoRedaction(out, spansFor(wrong), target, { ocr })
    expect(check.stillReadable).toEqual([{ finding: 0, text: 'Ellen Hartley', time: 2 }])
  })

  it('reports a surname left readable beside a covered first name', async () => {
    const out = path.join(dir, 'half.mp4')
    const half = { ...NAME, width: 70 }
    await redactVideo(clip, out, spansFor(half))
    const { check } = await checkVideoRedaction(out, spansFor(half), target, { ocr })
    expect(check.stillReadable).toEqual([{ finding: 0, text: 'Ellen Hartley', time: 2 }])
  })

  it('refuses regions outside the picture and stops when cancelled, leaving no partial file', async () => {
    const out = path.join(dir, 'none.mp4')
    await expect(
      redactVideo(clip, out, spansFor({ x: 900, y: 900, width: 10, height: 10 })),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' })
    const controller = new AbortController()
    controller.abort(new Error('cancelled'))
    await expect(redactVideo(clip, out, spansFor(NAME), { signal: controller.signal })).rejects.toThrow(
      /cancel/,
    )
    await expect(probeVideo(out)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' })
  })

  it('blurs a face so the detector no longer finds it, and reports one it missed', async () => {
    const faceClip = path.join(dir, 'face.mp4')
    await faceVideo(faceClip, 2)
    const found = await detectFaces((await frameAt(faceClip, 1)) as Buffer)
    expect(found.length).toBeGreaterThanOrEqual(1)
    const face = found[0] as (typeof found)[number]
    const spans = (box: typeof face.box): RedactionSpan[] => [
      { finding: 0, mode: 'blur', start: 0, end: 2, box },
    ]
    const target = [{ finding: 0, text: '', times: [1], box: face.box, face: true }]
    const out = path.join(dir, 'face-blurred.mp4')
    await redactVideo(faceClip, out, spans(face.box))
    const blurred = await checkVideoRedaction(out, spans(face.box), target, { ocr, faces: detectFaces })
    expect(blurred.check.stillReadable).toEqual([])
    const wrong = path.join(dir, 'face-missed.mp4')
    const elsewhere = { x: 0, y: 0, width: 40, height: 40 }
    await redactVideo(faceClip, wrong, spans(elsewhere))
    const missed = await checkVideoRedaction(wrong, spans(elsewhere), target, { ocr, faces: detectFaces })
    expect(missed.check.stillReadable).toEqual([{ finding: 0, text: '', time: 1 }])
  })
})
