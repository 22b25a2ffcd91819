import { createRequire } from 'node:module'
import sharp from 'sharp'
import { afterAll, describe, expect, it } from 'vitest'
import { findingSchema } from '#src/capabilities/screening/screening.schema.ts'
import { deidentifyDicom, dicomHeaderFindings, elementText, parseDicom, renderDicom } from './dicom.ts'
import { BASIC_PROFILE } from './dicom-profile.ts'
import { analyseDicom } from './index.ts'
import { createOcrPool } from './ocr.ts'
import { DICOM_PHI, DICOM_UIDS, syntheticDicom } from './testing/synthetic.ts'

const tagOf: Record<string, string> = Object.fromEntries(
  Object.entries(BASIC_PROFILE).map(([tag, [kw]]) => [kw, tag]),
)

describe('DICOM header findings', () => {
  it('reports each identifying attribute, pointing into the listing', async () => {
    const parsed = parseDicom(await syntheticDicom())
    const { text, findings } = dicomHeaderFindings(parsed)
    for (const f of findings) {
      expect(findingSchema.parse(f)).toEqual(f)
      expect(text.slice(f.start, f.end)).toBe(f.text)
    }
    const texts = findings.map((f) => f.text)
    for (const v of [
      DICOM_PHI.PatientName,
      DICOM_PHI.PatientID,
      DICOM_PHI.PatientBirthDate,
      DICOM_PHI.OtherPatientIDs,
      DICOM_PHI.InstitutionName,
      DICOM_PHI.ReferringPhysicianName,
      DICOM_PHI.AccessionNumber,
      DICOM_PHI.StudyDate,
      DICOM_PHI.DeviceSerialNumber,
      DICOM_UIDS.StudyInstanceUID,
    ])
      expect(texts).toContain(v)
    expect(findings.find((f) => f.text === DICOM_PHI.PatientName)).toMatchObject({
      category: 'name',
      severity: 'block',
    })
    expect(findings.find((f) => /Private attributes/.test(f.text))?.severity).toBe('warn')
  })

  it('refuses a file that is not DICOM', () => {
    expect(() => parseDicom(Buffer.from('hello'))).toThrowError(
      expect.objectContaining({ code: 'MEDIA_UNREADABLE' }),
    )
    const fake = Buffer.concat([Buffer.alloc(128), Buffer.from('DICM'), Buffer.from([0xff, 0xff, 0x01])])
    expect(() => parseDicom(fake)).toThrowError(expect.objectContaining({ code: 'MEDIA_UNREADABLE' }))
  })
})

describe('de-identification (PS3.15 Basic Application Level Confidentiality Profile)', () => {
  it('removes or empties every PHI attribute, private tags and the request sequence, and says so', async () => {
    const original = await syntheticDicom()
    const { file, actions } = deidentifyDicom(original)
    const out = parseDicom(file)
    for (const keyword of Object.keys(DICOM_PHI)) {
      const tag = tagOf[keyword] as string
      expect(tag, keyword).toBeDefined()
      expect(elementText(out.dataset[tag]), keyword).toBe('')
    }
    // Nothing of the patient is left anywhere in the bytes.
    const bytes = file.toString('latin1')
    for (const v of [
      'DOE^JANE',
      'MRN4857773',
      '19610312',
      'St Example',
      'SN-XR-0042',
      'Jane Doe ward 7',
      'RP-778',
      'XRAYROOM3',
    ])
      expect(bytes.includes(v), v).toBe(false)
    expect(Object.keys(out.dataset).some((t) => Number.parseInt(t.slice(0, 4), 16) % 2 === 1)).toBe(false)
    expect(out.dataset['00400275']).toBeUndefined()
    expect(elementText(out.dataset['00120062'])).toBe('YES')
    expect(elementText(out.dataset['00120063'])).toMatch(/Basic Application Level Confidentiality Profile/)
    // Type 2 attributes stay present but empty (Z), optional ones are gone (X).
    expect(out.dataset['00100010']).toBeDefined()
    expect(out.dataset['00101000']).toBeUndefined()
    // What is not identifying is kept: modality, manufacturer, the image.
    expect(elementText(out.dataset['00080060'])).toBe('CR')
    expect(elementText(out.dataset['00080070'])).toBe('Example Medical Systems')
    expect(actions.find((a) => a.keyword === 'PatientName')?.action).toBe('Z')
    expect(actions.find((a) => a.keyword === 'OtherPatientIDs')?.action).toBe('X')
    expect(actions.some((a) => a.action === 'X (rule)')).toBe(true)
  })

  it('replaces UIDs with new ones, the same within a run, the file meta matching the SOP instance', async () => {
    const uids = new Map<string, string>()
    const a = parseDicom(deidentifyDicom(await syntheticDicom(), uids).file)
    const b = parseDicom(deidentifyDicom(await syntheticDicom({ rows: 64, cols: 64 }), uids).file)
    const study = elementText(a.dataset['0020000D'])
    expect(study).not.toBe(DICOM_UIDS.StudyInstanceUID)
    expect(study).toMatch(/^2\.25\.\d+$/)
    expect(elementText(b.dataset['0020000D'])).toBe(study)
    expect(elementText(a.meta['00020003'])).toBe(elementText(a.dataset['00080018']))
    // SOP Class UID is not an identifier and must not change.
    expect(elementText(a.dataset['00080016'])).toBe('1.2.840.10008.5.1.4.1.1.1')
    // A fresh run maps to different UIDs.
    const c = parseDicom(deidentifyDicom(await syntheticDicom()).file)
    expect(elementText(c.dataset['0020000D'])).not.toBe(study)
  })

  it('keeps the pixel data byte for byte', async () => {
    const original = await syntheticDicom({ rows: 32, cols: 40 })
    const before = await renderDicom(original)
    const after = await renderDicom(deidentifyDicom(original).file)
    expect(after.png.equals(before.png)).toBe(true)
  })
})

describe('rendering', () => {
  async function grey(png: Buffer, x: number, y: number): Promise<number> {
    const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true })
    return data[y * info.width + x] as number
  }

  it('applies the window and inverts MONOCHROME1', async () => {
    const m2 = await renderDicom(await syntheticDicom({ rows: 64, cols: 80 }))
    expect([m2.width, m2.height, m2.frames]).toEqual([80, 64, 1])
    const centre = await grey(m2.png, 40, 32)
    const corner = await grey(m2.png, 0, 0)
    expect(centre).toBeGreaterThan(corner)
    const m1 = await renderDicom(await syntheticDicom({ rows: 64, cols: 80, photometric: 'MONOCHROME1' }))
    // MONOCHROME1 stores inverted values; rendered, it looks the same as MONOCHROME2.
    expect(Math.abs((await grey(m1.png, 40, 32)) - centre)).toBeLessThanOrEqual(1)
    // A narrow window around the edge values saturates the bright centre to white.
    const windowed = await renderDicom(
      await syntheticDicom({ rows: 64, cols: 80, window: { centre: 400, width: 200 } }),
    )
    expect(await grey(windowed.png, 40, 32)).toBe(255)
    // The window applies to rescaled values: intercept -2350 brings the centre (about 2,700
    // stored) into the window, so it renders mid-grey instead of white.
    const rescaled = await renderDicom(
      await syntheticDicom({
        rows: 64,
        cols: 80,
        window: { centre: 400, width: 200 },
        rescale: { slope: 1, intercept: -2350 },
      }),
    )
    const mid = await grey(rescaled.png, 40, 32)
    expect(mid).toBeGreaterThan(20)
    expect(mid).toBeLessThan(235)
  })

  it('decodes baseline JPEG pixel data (transfer syntax 1.2.840.10008.1.2.4.50)', async () => {
    const require = createRequire(import.meta.url)
    const dcmjs = require('dcmjs') as {
      data: { DicomDict: new (m: object) => { dict: object; write(o?: object): ArrayBuffer } }
    }
    const jpeg = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#c0c0c0' } })
      .greyscale()
      .jpeg()
      .toBuffer()
    const el = (vr: string, ...Value: unknown[]) => ({ vr, Value })
    const dict = new dcmjs.data.DicomDict({
      '00020001': el('OB', new Uint8Array([0, 1]).buffer),
      '00020002': el('UI', '1.2.840.10008.5.1.4.1.1.7'),
      '00020003': el('UI', '1.2.3.4.5'),
      '00020010': el('UI', '1.2.840.10008.1.2.4.50'),
      '00020012': el('UI', '1.2.3.4'),
    })
    dict.dict = {
      '00080016': el('UI', '1.2.840.10008.5.1.4.1.1.7'),
      '00080018': el('UI', '1.2.3.4.5'),
      '00280002': el('US', 1),
      '00280004': el('CS', 'MONOCHROME2'),
      '00280010': el('US', 30),
      '00280011': el('US', 40),
      '00280100': el('US', 8),
      '00280101': el('US', 8),
      '00280102': el('US', 7),
      '00280103': el('US', 0),
      '7FE00010': el('OB', jpeg.buffer.slice(jpeg.byteOffset, jpeg.byteOffset + jpeg.length)),
    }
    const rendering = await renderDicom(Buffer.from(dict.write({ fragmentMultiframe: false })))
    expect([rendering.width, rendering.height]).toEqual([40, 30])
    expect(Math.abs((await grey(rendering.png, 20, 15)) - 0xc0)).toBeLessThan(4)
  })

  it('gives clear errors for no pixel data and for compressed pixels it cannot decode', async () => {
    await expect(renderDicom(await syntheticDicom({ withPixels: false }))).rejects.toMatchObject({
      code: 'DICOM_NO_PIXEL_DATA',
    })
    // High-Throughput JPEG 2000 is not decoded.
    await expect(
      renderDicom(await syntheticDicom({ rows: 16, cols: 16, transferSyntax: '1.2.840.10008.1.2.4.201' })),
    ).rejects.toMatchObject({ code: 'MEDIA_ENCODING_UNSUPPORTED' })
    // JPEG 2000 is, but these pixels are not a JPEG 2000 codestream.
    await expect(
      renderDicom(await syntheticDicom({ rows: 16, cols: 16, transferSyntax: '1.2.840.10008.1.2.4.90' })),
    ).rejects.toMatchObject({ code: 'MEDIA_UNREADABLE' })
  })
})

describe('burned-in annotations (OCR of the rendering)', () => {
  const ocr = createOcrPool()
  afterAll(() => ocr.close())

  it('reads the identifiers drawn into the pixels', async () => {
    const file = await syntheticDicom({
      rows: 200,
      cols: 360,
      burnedIn: ['DOE, JANE', 'MRN 4857773456', 'DOB 12/03/1961'],
      textSize: 16,
    })
    const result = await analyseDicom(file, { ocr })
    expect(result.headerFindings.length).toBeGreaterThan(5)
    const texts = result.imageFindings.map((f) => f.text)
    expect(texts).toContain('4857773456')
    expect(texts).toContain('12/03/1961')
    for (const f of result.imageFindings) expect(f.box).toBeDefined()
  })
})
