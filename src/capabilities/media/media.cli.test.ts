import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { compilePolicy } from '#src/capabilities/screening/evaluate.ts'
import { type MediaScreener, screenFiles } from '#src/capabilities/screening/screening.cli.ts'
import type { Finding } from '#src/capabilities/screening/screening.schema.ts'
import { photoWithGps } from '#test/support/media-fixtures.ts'
import { parseDicom } from './analyse/dicom.ts'
import { syntheticDicom, syntheticVideo } from './analyse/testing/synthetic.ts'
import { createNodeAnalysers } from './media.analysers.node.ts'
import type { MediaAnalysers } from './media.analysers.ts'
import { detectMediaFile, screenMediaFile } from './media.cli.ts'

const work = mkdtempSync(join(tmpdir(), 'rounds-media-cli-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const NAME_BOX = { x: 20, y: 20, width: 200, height: 40 }
const real = createNodeAnalysers()
/** The real DICOM analyser and redaction; OCR and faces stand in (their own tests run them). */
const analysers: MediaAnalysers = {
  image: async () => [
    {
      ruleId: 'confidentiality.name',
      pack: 'confidentiality',
      category: 'name',
      severity: 'block',
      field: 'body',
      start: 0,
      end: 13,
      box: NAME_BOX,
      text: 'Ellen Hartley',
      message: 'A name.',
      citation: 'HIPAA',
    },
  ],
  dicom: real.dicom,
  redact: real.redact,
  video: real.video,
  redactVideo: real.redactVideo,
  close: () => real.close(),
}
afterAll(() => real.close())

function output() {
  let text = ''
  return {
    out: {
      write: (chunk: string) => {
        text += chunk
        return true
      },
      once: () => undefined,
    },
    text: () => text,
  }
}

const screener = (policy = compilePolicy({})): MediaScreener => ({
  detect: (path) => detectMediaFile(path),
  screen: (path, detected, outDir) =>
    screenMediaFile(path, detected as { kind: 'image'; mime: string }, {
      policy,
      analysers,
      maxPixels: 10_000_000,
      outDir,
    }),
})

describe('rounds screen with media files', () => {
  it('reports findings with boxes and the metadata removed, and writes sanitised and redacted files', async () => {
    const photo = join(work, 'photo.jpg')
    const scan = join(work, 'scan.dcm')
    const notes = join(work, 'notes.md')
    writeFileSync(photo, await photoWithGps({ lines: ['Ellen Hartley'] }))
    writeFileSync(scan, await syntheticDicom())
    writeFileSync(notes, 'Mrs Ellen Hartley came in with new confusion.')
    const outDir = join(work, 'out')
    const o = output()
    const result = await screenFiles(
      [photo, scan, notes],
      {
        json: true,
        redact: true,
        redactDir: outDir,
        language: 'auto',
        policy: compilePolicy({}),
        media: screener(),
      },
      o.out,
    )
    expect(result.exitCode).toBe(1)
    const reports = JSON.parse(o.text()) as Array<{
      file: string
      report: {
        findings: Finding[]
        media?: { metadataRemoved: Array<{ description: string }>; written: string[] }
      }
    }>
    const [p, d, n] = reports
    expect(p?.report.findings).toEqual([
      expect.objectContaining({ field: 'media', box: NAME_BOX, text: 'Ellen Hartley' }),
    ])
    expect(p?.report.media?.metadataRemoved.map((m) => m.description)).toContain(
      'GPS position 51.517, -0.176 removed',
    )
    expect(d?.report.findings.map((f) => f.text)).toEqual(
      expect.arrayContaining(['DOE^JANE', 'Ellen Hartley']),
    )
    expect(n?.report.media).toBeUndefined()
    expect(readdirSync(outDir).sort()).toEqual([
      'notes.redacted.md',
      'photo.redacted.jpg',
      'photo.sanitised.jpg',
      'scan.deidentified.dcm',
      'scan.redacted.png',
      'scan.rendered.png',
    ])
    // No metadata survives in what was written; the name is painted over.
    const tags = execFileSync('exiftool', ['-j', '-G1', '-a', join(outDir, 'photo.sanitised.jpg')], {
      encoding: 'utf8',
    })
    expect(tags).not.toMatch(/GPS|Apple|SN12345/)
    const { data, info } = await sharp(join(outDir, 'photo.redacted.jpg'))
      .raw()
      .toBuffer({ resolveWithObject: true })
    expect(data[((NAME_BOX.y + 20) * info.width + NAME_BOX.x + 100) * info.channels]).toBeLessThan(20)
    const deidentified = parseDicom(readFileSync(join(outDir, 'scan.deidentified.dcm')))
    expect(JSON.stringify(deidentified.dataset)).not.toMatch(/DOE\^JANE|MRN4857773/)
    expect(readFileSync(join(outDir, 'notes.redacted.md'), 'utf8')).not.toContain('Hartley')
  })

  it('writes the redacted video, the name covered, metadata gone, checked by OCR', async () => {
    const clip = join(work, 'clip.mp4')
    await syntheticVideo(clip, [{ seconds: 2 }, { seconds: 2, lines: ['Ellen Hartley MRN 4857773456'] }], {
      width: 480,
      height: 270,
      metadata: true,
    })
    const outDir = join(work, 'video-out')
    const detected = await detectMediaFile(clip)
    expect(detected?.kind).toBe('video')
    const result = await screenMediaFile(clip, detected as { kind: 'video'; mime: string }, {
      policy: compilePolicy({}),
      analysers,
      maxPixels: 10_000_000,
      outDir,
    })
    const inFrames = result.report.findings.filter((f) => f.box && f.time !== undefined)
    expect(inFrames.map((f) => f.text).join(' ')).toMatch(/4857773456/)
    expect(result.report.findings.some((f) => f.ruleId === 'media.redaction-incomplete')).toBe(false)
    expect(readdirSync(outDir).sort()).toEqual(['clip.redacted.mp4', 'clip.sanitised.mp4'])
    const tags = execFileSync('exiftool', ['-j', '-a', '-G1', '-ee', join(outDir, 'clip.redacted.mp4')], {
      encoding: 'utf8',
    })
    expect(tags).not.toMatch(/GPS|51\.51|ward 7|Phone Camera/i)
    const frame = execFileSync(
      '/usr/bin/ffmpeg',
      [
        '-loglevel',
        'error',
        '-ss',
        '3',
        '-i',
        join(outDir, 'clip.redacted.mp4'),
        '-frames:v',
        '1',
        '-f',
        'image2pipe',
        '-c:v',
        'png',
        'pipe:1',
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    )
    const box = inFrames.find((f) => f.text.includes('4857773456'))?.box as NonNullable<Finding['box']>
    const { data, info } = await sharp(frame).greyscale().raw().toBuffer({ resolveWithObject: true })
    expect(
      data[(box.y + Math.floor(box.height / 2)) * info.width + box.x + Math.floor(box.width / 2)],
    ).toBeLessThan(30)
  })

  it('prints boxes in the human report and tells text files from media by content', async () => {
    const photo = join(work, 'looks-like-text.txt')
    writeFileSync(photo, await photoWithGps())
    expect(await detectMediaFile(photo)).toEqual({ kind: 'image', mime: 'image/jpeg' })
    expect(await detectMediaFile(join(work, 'missing.jpg'))).toBeNull()
    const o = output()
    await screenFiles(
      [photo],
      { json: false, redact: false, language: 'auto', policy: compilePolicy({}), media: screener() },
      o.out,
    )
    expect(o.text()).toMatch(/BLOCK box 20,20 200×40 {2}confidentiality\.name/)
    expect(o.text()).toMatch(/metadata: GPS position 51\.517, -0\.176 removed/)
  })
})
