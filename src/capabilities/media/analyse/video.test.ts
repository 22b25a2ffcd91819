import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findingSchema } from '#src/capabilities/screening/screening.schema.ts'
import { cueSeconds, screenCaptions } from './captions.ts'
import { createOcrPool } from './ocr.ts'
import { syntheticVideo } from './testing/synthetic.ts'
import {
  analyseVideo,
  parseIso6709,
  probeVideo,
  sampleFrames,
  stripVideoMetadata,
  type VideoProgress,
  videoMetadataFindings,
} from './video.ts'

const run = promisify(execFile)

const SRT = `1
00:00:01,000 --> 00:00:03,000
This is Mrs Jane Doe, MRN 4857773456

2
00:00:04,000 --> 00:00:05,500
Note the consolidation in the right lower lobe
`

let dir: string
let clip: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rounds-video-test-'))
  clip = path.join(dir, 'clip.mp4')
  // 7 s: a title card, a frame with identifiers from 2 s to 5 s, then a dark frame.
  await syntheticVideo(
    clip,
    [
      { seconds: 2, lines: ['Grand round: pneumonia'] },
      { seconds: 3, lines: ['MRN 4857773456', 'DOB 12/03/1961'] },
      { seconds: 2, lines: [], background: '#203040' },
    ],
    { audio: true, subtitles: SRT },
  )
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('probing', () => {
  it('reads duration, streams, size and the location tag', async () => {
    const p = await probeVideo(clip)
    expect(p.duration).toBeCloseTo(7, 0)
    expect([p.width, p.height, p.rotation]).toEqual([640, 360, 0])
    expect(p.streams.map((s) => s.type).sort()).toEqual(['audio', 'subtitle', 'video'])
    expect(p.location).toEqual({ latitude: 51.5171, longitude: -0.1763 })
  })

  it('turns identifying metadata into findings, one per value, the location blocking', async () => {
    const { text, findings } = videoMetadataFindings(await probeVideo(clip))
    for (const f of findings) {
      expect(findingSchema.parse(f)).toEqual(f)
      expect(text.slice(f.start, f.end)).toBe(f.text)
    }
    const location = findings.filter((f) => f.category === 'location')
    expect(location).toHaveLength(1)
    expect(location[0]?.severity).toBe('block')
    expect(location[0]?.message).toMatch(/51\.517, -0\.176/)
    expect(findings.map((f) => f.text)).toEqual(
      expect.arrayContaining(['Filmed on ward 7', 'Rounds Test Phone Camera', '2024-03-12T09:41:00.000000Z']),
    )
  })

  it('parses ISO 6709 positions and rejects nonsense', () => {
    expect(parseIso6709('+40.7128-074.0060+010.000/')).toEqual({
      latitude: 40.7128,
      longitude: -74.006,
      altitude: 10,
    })
    expect(parseIso6709('+99.0000+200.0000/')).toBeUndefined()
    expect(parseIso6709('nowhere')).toBeUndefined()
  })

  it('gives clear errors for a file that is not a video and for audio without pictures', async () => {
    const junk = path.join(dir, 'junk.mp4')
    await writeFile(junk, 'definitely not a video')
    await expect(probeVideo(junk)).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' })
    const audio = path.join(dir, 'audio.m4a')
    await run('/usr/bin/ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-t',
      '1',
      '-i',
      'sine=frequency=440',
      '-c:a',
      'aac',
      audio,
    ])
    await expect(probeVideo(audio)).rejects.toMatchObject({ code: 'VIDEO_NO_VIDEO_STREAM' })
  })
})

describe('the published copy', () => {
  it('has every metadata tag removed (ffprobe and exiftool) and keeps the streams', async () => {
    const out = path.join(dir, 'clean.mp4')
    await stripVideoMetadata(clip, out)
    const p = await probeVideo(out)
    expect(p.location).toBeUndefined()
    expect(videoMetadataFindings(p).findings).toEqual([])
    expect(p.streams.map((s) => s.type).sort()).toEqual(['audio', 'subtitle', 'video'])
    expect(p.duration).toBeCloseTo(7, 0)
    const { stdout } = await run('/usr/bin/exiftool', ['-j', '-a', '-G1', out])
    const tags = (JSON.parse(stdout) as Array<Record<string, unknown>>)[0] ?? {}
    const leaked = Object.entries(tags).filter(
      ([k, v]) =>
        /GPS|Location|Comment|Encoder|Make|Model/i.test(k) || /ward 7|Phone Camera|51\.51/.test(String(v)),
    )
    expect(leaked).toEqual([])
    for (const [k, v] of Object.entries(tags))
      if (/QuickTime:(Create|Modify)Date/.test(k)) expect(v).toBe('0000:00:00 00:00:00')
  })

  it('keeps a rotated phone video upright', async () => {
    const rotated = path.join(dir, 'rotated.mp4')
    await run('/usr/bin/ffmpeg', [
      '-hide_banner',
      '-loglevel',
      'error',
      '-y',
      '-i',
      clip,
      '-map',
      '0:v',
      '-c',
      'copy',
      '-metadata:s:v:0',
      'rotate=90',
      rotated,
    ])
    const p = await probeVideo(rotated)
    expect(p.rotation % 180).toBe(90)
    expect([p.width, p.height]).toEqual([360, 640])
    const out = path.join(dir, 'rotated-clean.mp4')
    await stripVideoMetadata(rotated, out)
    expect((await probeVideo(out)).rotation).toBe(p.rotation)
  })
})

describe('frames and captions', () => {
  it('samples every 2 s and at scene changes, with times', async () => {
    const frames = await sampleFrames(clip)
    const times = frames.map((f) => f.time)
    expect(times[0]).toBe(0)
    expect(times).toContain(2)
    expect(times).toContain(4)
    // The cut to the dark frame at 5 s is a scene change between the 2-second samples.
    expect(times.some((t) => t >= 4.9 && t <= 5.1)).toBe(true)
    expect(frames.every((f) => f.image[0] === 0xff && f.image[1] === 0xd8)).toBe(true)
  })

  it('screens captions cue by cue with their times, and flags a video without captions', () => {
    const { findings } = screenCaptions(SRT)
    const mrn = findings.find((f) => f.text === '4857773456')
    expect(mrn?.cue?.start).toBe('00:00:01.000')
    expect(mrn?.time).toBe(1)
    expect(cueSeconds('01:02:03.250')).toBe(3723.25)
    expect(screenCaptions('').findings.map((f) => f.ruleId)).toEqual(['platform.captions'])
    expect(screenCaptions(undefined, { packs: ['confidentiality'] }).findings).toEqual([])
  })

  it('stops when the job is cancelled, leaving no frames behind', async () => {
    const controller = new AbortController()
    controller.abort()
    const unused = {
      recognise: () => Promise.reject(new Error('no frame should be read')),
      close: () => Promise.resolve(),
    }
    const frameDirs = async () =>
      (await readdir(tmpdir())).filter((d) => d.startsWith('rounds-frames-')).length
    const before = await frameDirs()
    await expect(
      analyseVideo(clip, { ocr: unused, faces: false }, { signal: controller.signal }),
    ).rejects.toThrow(/abort/i)
    expect(await frameDirs()).toBe(before)
  })

  it('analyses a whole video: metadata, frame text with time and box, embedded captions, progress', async () => {
    const ocr = createOcrPool()
    const progress: VideoProgress[] = []
    try {
      const result = await analyseVideo(clip, { ocr, faces: false }, { onProgress: (p) => progress.push(p) })
      expect(result.captions).toBe('embedded')
      expect(result.framesAnalysed).toBeGreaterThanOrEqual(4)
      const frameMrn = result.findings.filter((f) => f.text === '4857773456' && f.box)
      // Seen at 2 s and again at 4 s: reported once, at the first time.
      expect(frameMrn).toHaveLength(1)
      expect(frameMrn[0]?.time).toBe(2)
      // Every frame it was seen in is kept, for redaction to cover.
      const index = result.findings.indexOf(frameMrn[0] as (typeof result.findings)[number])
      expect(result.interval).toBe(2)
      expect(result.sightings[index]?.map((x) => x.time)).toEqual([2, 4])
      expect(result.sightings[index]?.every((x) => x.box.width > 0)).toBe(true)
      const captionMrn = result.findings.find((f) => f.text === '4857773456' && f.cue)
      expect(captionMrn?.time).toBe(1)
      expect(result.findings.some((f) => f.category === 'location')).toBe(true)
      expect(result.findings.some((f) => f.ruleId === 'platform.captions')).toBe(false)
      expect(progress[0]?.stage).toBe('probe')
      expect(progress.at(-1)?.stage).toBe('done')
      const analysed = progress.filter((p) => p.stage === 'analyse')
      expect(analysed.at(-1)).toMatchObject({ done: result.framesAnalysed, total: result.framesAnalysed })
    } finally {
      await ocr.close()
    }
  })
})
