import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import exifr from 'exifr'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Item } from '#src/capabilities/content/content.schema.ts'
import { screenCaptions } from '#src/capabilities/media/analyse/captions.ts'
import { parseDicom } from '#src/capabilities/media/analyse/dicom.ts'
import { redactImage } from '#src/capabilities/media/analyse/redact.ts'
import { syntheticDicom, syntheticVideo } from '#src/capabilities/media/analyse/testing/synthetic.ts'
import { stripVideoMetadata } from '#src/capabilities/media/analyse/video.ts'
import { createNodeAnalysers } from '#src/capabilities/media/media.analysers.node.ts'
import type { MediaAnalysers } from '#src/capabilities/media/media.analysers.ts'
import { setUploadStatus } from '#src/capabilities/media/media.repository.ts'
import { CHUNK_CONTENT_TYPE, type Upload } from '#src/capabilities/media/media.schema.ts'
import { expireAbandonedUploads, readPublishedMedia } from '#src/capabilities/media/media.service.ts'
import type { Finding } from '#src/capabilities/screening/screening.schema.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { startS3 } from '#test/fakes/s3.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import {
  FIXTURE_GPS,
  photoWithGps,
  pngAnnouncing,
  pngWithText,
  truncatedJpeg,
} from '#test/support/media-fixtures.ts'
import { approvedItem } from '#test/support/review-flow.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  type SignedInUser,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

const work = mkdtempSync(join(tmpdir(), 'rounds-media-routes-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** The blocking findings a refusal names that are in uploaded files. */
const mediaDetails = (e: { error: { details?: unknown } }) =>
  (e.error.details as Finding[]).filter((d) => d.field === 'media')

/** What the stand-in analyser "sees" in every image: a name on a label and a face. */
const NAME_BOX = { x: 20, y: 12, width: 220, height: 40 }
const FACE_BOX = { x: 400, y: 100, width: 120, height: 140 }
/** Where syntheticVideo writes a line of text (x 30, baseline 60, 28 px), with a margin. */
const VIDEO_NAME_BOX = { x: 24, y: 30, width: 280, height: 42 }
const seen: Finding[] = [
  {
    ruleId: 'confidentiality.name',
    pack: 'confidentiality',
    category: 'name',
    severity: 'block',
    field: 'body',
    start: 0,
    end: 12,
    box: NAME_BOX,
    text: 'Ellen Hartley',
    message: 'A name that may be the patient’s.',
    citation: 'HIPAA 45 CFR 164.514(b)(2)(i)(A)',
  },
  {
    ruleId: 'confidentiality.photo',
    pack: 'confidentiality',
    category: 'photo',
    severity: 'block',
    field: 'body',
    start: 0,
    end: 0,
    box: FACE_BOX,
    text: '',
    message: 'A face is visible.',
    citation: 'HIPAA 45 CFR 164.514(b)(2)(i)(Q)',
  },
]

/**
 * OCR and face models are exercised in the analysers' own tests; here the pipeline is. DICOM
 * parsing, de-identification and rendering are the real ones (plain JavaScript, fast).
 */
const node = createNodeAnalysers()
afterAll(() => node.close())
const analysers: MediaAnalysers = {
  dicom: node.dicom,
  // The real thing: ffmpeg writes the redacted copy, OCR reads it again.
  redactVideo: node.redactVideo,
  // The real metadata stripping and captions check (none in these files); the frame reading
  // stands in (the name seen at 2 s and 3 s, one frame kept).
  video: async (path, ctx) => {
    const sanitisedPath = join(ctx.workDir, 'sanitised.mp4')
    await stripVideoMetadata(path, sanitisedPath)
    const frame = await sharp({ create: { width: 320, height: 180, channels: 3, background: '#444' } })
      .jpeg()
      .toBuffer()
    return {
      findings: [
        { ...(seen[0] as Finding), box: VIDEO_NAME_BOX, time: 2 },
        ...screenCaptions(undefined).findings,
      ],
      removed: [{ group: 'gps', description: 'GPS position 51.517, -0.176 removed' }],
      sanitisedPath,
      mime: 'video/mp4',
      duration: 4,
      width: 640,
      height: 360,
      frames: [{ time: 2, jpeg: frame, width: 320, height: 180 }],
      interval: 2,
      sightings: {
        0: [
          { time: 2, box: VIDEO_NAME_BOX },
          { time: 3, box: { ...VIDEO_NAME_BOX, x: 26 } },
        ],
      },
    }
  },
  image: async (_image, ctx) => {
    await ctx.progress(0.5, 'reading text')
    return seen
  },
  redact: async (image, regions) =>
    (
      await redactImage(image, {
        fill: regions.filter((r) => r.mode === 'fill').map((r) => r.box),
        blur: regions.filter((r) => r.mode === 'blur').map((r) => r.box),
      })
    ).data,
  close: async () => {},
}

describe.each(testDialects)('media uploads on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, {
      env: { MEDIA_CHUNK_BYTES: '65536' },
      mediaAnalysers: analysers,
    })
    w = await createOrgWithRoles(rounds, { name: 'Media Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  })
  afterAll(() => rounds?.close())

  const items = () => `/api/orgs/${w.org.slug}/items`
  const newItem = async () =>
    expectJson<Item>(
      await call(rounds, 'POST', items(), {
        cookie: w.author.cookie,
        body: {
          kind: 'image',
          title: 'Reading a chest film',
          body: 'Look at the costophrenic angles first.',
        },
      }),
      201,
    )
  const uploads = (itemId: string) => `${items()}/${itemId}/uploads`
  const open = (as: SignedInUser | null, itemId: string, body: unknown) =>
    call(rounds, 'POST', uploads(itemId), { ...(as ? { cookie: as.cookie } : {}), body })
  const chunk = (as: SignedInUser, itemId: string, uploadId: string, offset: number, bytes: Uint8Array) =>
    rounds.app.request(`${uploads(itemId)}/${uploadId}`, {
      method: 'PATCH',
      headers: {
        origin: TEST_BASE_URL,
        cookie: as.cookie,
        'content-type': CHUNK_CONTENT_TYPE,
        'upload-offset': String(offset),
      },
      body: bytes,
    })
  /** Opens an upload and sends the file in pieces of `piece` bytes; returns the last response. */
  const upload = async (itemId: string, filename: string, kind: string, bytes: Buffer, piece = 10_000) => {
    const created = await expectJson<Upload>(
      await open(w.author, itemId, { filename, size: bytes.length, kind }),
      201,
    )
    let res: Response | null = null
    for (let offset = 0; offset < bytes.length; offset += piece) {
      res = await chunk(w.author, itemId, created.id, offset, bytes.subarray(offset, offset + piece))
      if (offset + piece < bytes.length) await expectJson(res, 200)
    }
    return { id: created.id, res: res as Response }
  }
  const quarantined = (uploadId: string) => {
    try {
      return readdirSync(
        `${rounds.config.media.storage.kind === 'local' ? rounds.config.media.storage.dir : ''}/quarantine/${uploadId}`,
        { recursive: true },
      )
    } catch {
      return []
    }
  }
  const submit = (itemId: string) =>
    call(rounds, 'POST', `${items()}/${itemId}/submit`, { cookie: w.author.cookie })

  it('POST /uploads: 401 signed out, 403 for others, 404 for outsiders, 400 bad input, 413 over the limit', async () => {
    const item = await newItem()
    const good = { filename: 'photo.jpg', size: 1000, kind: 'image' }
    await expectError(await open(null, item.id, good), 401, 'UNAUTHENTICATED')
    await expectError(await open(w.editor, item.id, good), 403, 'FORBIDDEN')
    await expectError(await open(w.reviewer, item.id, good), 403, 'FORBIDDEN')
    await expectError(await open(w.outsider, item.id, good), 404, 'ORGANISATION_NOT_FOUND')
    await expectError(
      await call(rounds, 'POST', `${items()}/nope/uploads`, { cookie: w.author.cookie, body: good }),
      404,
      'ITEM_NOT_FOUND',
    )
    await expectValidationError(await open(w.author, item.id, { filename: '', size: -1, kind: 'pdf' }), [
      'filename',
      'size',
      'kind',
    ])
    const big = await expectError(
      await open(w.author, item.id, { ...good, size: 50 * 1024 * 1024 + 1 }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    expect(big.error.message).toMatch(/image files are limited to 50 MB/)
  })

  it('takes a photo in chunks, resumes from the server offset, strips its metadata and reports what it found', async () => {
    const item = await newItem()
    const photo = await photoWithGps({ lines: ['Ellen Hartley', 'Bay 4'] })
    const created = await expectJson<Upload>(
      await open(w.author, item.id, { filename: 'IMG_0001.JPG', size: photo.length, kind: 'image' }),
      201,
    )
    expect(created).toMatchObject({ status: 'receiving', received: 0, chunkBytes: 65536 })
    await expectJson(await chunk(w.author, item.id, created.id, 0, photo.subarray(0, 5000)), 200)
    // A client that lost its place is told where the server is.
    const wrong = await expectError(
      await chunk(w.author, item.id, created.id, 0, photo.subarray(0, 5000)),
      409,
      'UPLOAD_OFFSET_MISMATCH',
    )
    expect(wrong.error.details).toEqual({ received: 5000 })
    await expectError(
      await chunk(w.editor, item.id, created.id, 5000, photo.subarray(5000)),
      403,
      'FORBIDDEN',
    )
    const state = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${created.id}`, { cookie: w.author.cookie }),
      200,
    )
    const done = await expectJson<Upload>(
      await chunk(w.author, item.id, created.id, state.received, photo.subarray(state.received)),
      200,
    )
    expect(done).toMatchObject({ status: 'quarantined', received: photo.length, mime: 'image/jpeg' })
    // The file took a slot on the item.
    const withSlot = await expectJson<Item>(
      await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(withSlot.fields.media).toEqual([{ id: created.id, kind: 'image' }])
    // Nothing is served before screening, and the original never is.
    await expectError(
      await call(rounds, 'GET', `${uploads(item.id)}/${created.id}/files/sanitised`, {
        cookie: w.author.cookie,
      }),
      404,
      'NOT_FOUND',
    )
    await expectValidationError(
      await call(rounds, 'GET', `${uploads(item.id)}/${created.id}/files/original`, {
        cookie: w.author.cookie,
      }),
      ['name'],
    )

    await rounds.createWorker().drain()
    const ready = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${created.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(ready).toMatchObject({ status: 'ready', progress: 100, width: 640, height: 360, consented: false })
    expect(ready.metadataRemoved.map((m) => m.description)).toContain(
      `GPS position ${FIXTURE_GPS.latitude}, ${FIXTURE_GPS.longitude} removed`,
    )
    expect(ready.findings).toEqual([
      expect.objectContaining({
        category: 'name',
        field: 'media',
        start: 0,
        end: 1,
        uploadId: created.id,
        box: NAME_BOX,
      }),
      expect.objectContaining({
        category: 'photo',
        field: 'media',
        start: 1,
        end: 2,
        uploadId: created.id,
        box: FACE_BOX,
      }),
    ])
    expect(quarantined(created.id)).toEqual([])
    const file = await call(rounds, 'GET', `${uploads(item.id)}/${created.id}/files/sanitised`, {
      cookie: w.editor.cookie,
    })
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/jpeg')
    const bytes = Buffer.from(await file.arrayBuffer())
    expect(await exifr.parse(bytes, { xmp: true, iptc: true })).toBeUndefined()
    // A reviewer not assigned to the item does not see its media.
    await expectError(
      await call(rounds, 'GET', uploads(item.id), { cookie: w.reviewer.cookie }),
      403,
      'FORBIDDEN',
    )
    const listed = await expectJson<{ uploads: Upload[] }>(
      await call(rounds, 'GET', uploads(item.id), { cookie: w.editor.cookie }),
      200,
    )
    expect(listed.uploads.map((u) => u.id)).toEqual([created.id])
  })

  it('blocks submission on media findings; consent covers the face, redaction covers the text', async () => {
    const item = await newItem()
    const { id, res } = await upload(
      item.id,
      'Ellen_Hartley_ward.jpg',
      'image',
      await photoWithGps({ lines: ['Ellen Hartley'] }),
    )
    await expectJson(res, 200)
    // Still being screened: it cannot be submitted unseen.
    const pending = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect(mediaDetails(pending)).toEqual([
      expect.objectContaining({ ruleId: 'media.not-screened', field: 'media' }),
    ])
    await rounds.createWorker().drain()

    const blocked = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect(
      mediaDetails(blocked)
        .map((d) => d.category)
        .sort(),
    ).toEqual(['name', 'photo'])
    // The name in the file name is reported, as a warning: it is never published.
    const screened = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(screened.findings.filter((f) => f.message.startsWith('In the file name'))).toEqual([
      expect.objectContaining({ severity: 'warn', text: 'Ellen Hartley', field: 'media' }),
    ])

    // The patient consented to the photograph: the face no longer blocks.
    await expectJson(
      await call(rounds, 'PATCH', `${items()}/${item.id}`, {
        cookie: w.author.cookie,
        body: {
          consents: [{ consentedBy: 'the patient', scope: 'teaching posts', date: '2026-11-01', fileId: id }],
          media: [{ id, kind: 'image', altText: 'A chest film with the label blacked out' }],
        },
      }),
      200,
    )
    const stillText = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect((stillText.error.details as unknown as Finding[]).map((d) => d.category)).toEqual(['name'])

    // Redaction: the name is filled in black in a new derivative, which then covers it.
    await expectError(
      await call(rounds, 'POST', `${uploads(item.id)}/${id}/redact`, {
        cookie: w.author.cookie,
        body: { findings: [7] },
      }),
      404,
      'FINDING_NOT_FOUND',
    )
    const redacted = await expectJson<Upload>(
      await call(rounds, 'POST', `${uploads(item.id)}/${id}/redact`, {
        cookie: w.author.cookie,
        body: { findings: [0] },
      }),
      200,
    )
    expect(redacted.derivatives.find((d) => d.name === 'redacted')).toMatchObject({
      covers: [0],
      mime: 'image/jpeg',
    })
    const img = await call(rounds, 'GET', `${uploads(item.id)}/${id}/files/redacted`, {
      cookie: w.author.cookie,
    })
    const { data, info } = await sharp(Buffer.from(await img.arrayBuffer()))
      .raw()
      .toBuffer({ resolveWithObject: true })
    const at = (x: number, y: number) => data[(y * info.width + x) * info.channels] as number
    expect(at(NAME_BOX.x + 100, NAME_BOX.y + 20)).toBeLessThan(20)
    const submitted = await expectJson<{ screening: { report: { findings: Finding[] } } }>(
      await submit(item.id),
      200,
    )
    expect(
      submitted.screening.report.findings.filter((f) => f.field === 'media').map((f) => f.severity),
    ).toEqual(['info', 'info', 'warn'])
  })

  it('refuses bad files with a clear error and keeps none of their bytes', async () => {
    const item = await newItem()
    // A PNG named .jpg.
    const png = await pngWithText(['hello'])
    const mismatch = await upload(item.id, 'photo.jpg', 'image', png)
    const m = await expectError(mismatch.res, 415, 'MEDIA_TYPE_MISMATCH')
    expect(m.error.message).toMatch(/named \.jpg but its content is image\/png/)
    expect(quarantined(mismatch.id)).toEqual([])
    // A decompression bomb announces its size in the header.
    const bomb = await upload(item.id, 'bomb.png', 'image', await pngAnnouncing(20_000, 20_000))
    const b = await expectError(bomb.res, 422, 'MEDIA_UNREADABLE')
    expect(b.error.message).toMatch(/400,000,000 pixels/)
    // Not an accepted type at all.
    const pdf = await upload(item.id, 'notes.pdf', 'image', Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'))
    await expectError(pdf.res, 415, 'UNSUPPORTED_MEDIA_TYPE')
    // A refused upload takes no more bytes.
    await expectError(await chunk(w.author, item.id, pdf.id, 0, Buffer.from('x')), 409, 'UPLOAD_CLOSED')
    // A truncated photo passes the header check and fails when decoded, in screening.
    const cut = await upload(item.id, 'cut.jpg', 'image', await truncatedJpeg())
    await expectJson(cut.res, 200)
    await rounds.createWorker().drain()
    const refused = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${cut.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(refused).toMatchObject({
      status: 'rejected',
      error: { code: 'MEDIA_UNREADABLE' },
      derivatives: [],
    })
    expect(refused.error?.message).toMatch(/truncated or corrupt/)
    expect(quarantined(cut.id)).toEqual([])
    const blocked = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect(mediaDetails(blocked)).toEqual([expect.objectContaining({ ruleId: 'media.rejected' })])
    // Removing it frees the item.
    const del = await call(rounds, 'DELETE', `${uploads(item.id)}/${cut.id}`, { cookie: w.author.cookie })
    expect(del.status).toBe(204)
    const after = await expectJson<Item>(
      await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(after.fields.media).toEqual([])
  })

  it('de-identifies and renders a scan; its header findings inform but do not block', async () => {
    const item = await newItem()
    const { id, res } = await upload(item.id, 'wrist.dcm', 'dicom', await syntheticDicom(), 40_000)
    expect(await expectJson<Upload>(res, 200)).toMatchObject({
      status: 'quarantined',
      mime: 'application/dicom',
    })
    await rounds.createWorker().drain()
    const ready = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(ready.status).toBe('ready')
    expect(ready.derivatives.map((d) => [d.name, d.mime]).sort()).toEqual([
      ['deidentified', 'application/dicom'],
      ['sanitised', 'image/png'],
    ])
    expect(ready.findings.map((f) => f.text)).toEqual(expect.arrayContaining(['DOE^JANE', 'Ellen Hartley']))
    expect(ready.metadataRemoved.map((m) => m.description)).toEqual(
      expect.arrayContaining(['DICOM PatientName emptied', 'DICOM private attribute (0009,1001) removed']),
    )
    const file = await call(rounds, 'GET', `${uploads(item.id)}/${id}/files/deidentified`, {
      cookie: w.author.cookie,
    })
    const parsed = parseDicom(Buffer.from(await file.arrayBuffer()))
    expect(JSON.stringify(parsed.dataset)).not.toMatch(/DOE\^JANE|MRN4857773/)
    // What blocks is what the rendering shows (the stand-in reads a name and a face), not the header.
    const blocked = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect(
      mediaDetails(blocked)
        .map((d) => d.category)
        .sort(),
    ).toEqual(['name', 'photo'])
  })

  it('refuses a scan without pixel data, keeping none of it', async () => {
    const item = await newItem()
    const { id, res } = await upload(
      item.id,
      'report.dcm',
      'dicom',
      await syntheticDicom({ withPixels: false }),
      40_000,
    )
    await expectJson(res, 200)
    await rounds.createWorker().drain()
    const refused = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(refused).toMatchObject({
      status: 'rejected',
      error: { code: 'DICOM_NO_PIXEL_DATA' },
      derivatives: [],
    })
    expect(quarantined(id)).toEqual([])
  })

  it('deletes the chunks of an upload abandoned for a day', async () => {
    const item = await newItem()
    const photo = await photoWithGps()
    const created = await expectJson<Upload>(
      await open(w.author, item.id, { filename: 'half.jpg', size: photo.length, kind: 'image' }),
      201,
    )
    await expectJson(await chunk(w.author, item.id, created.id, 0, photo.subarray(0, 1000)), 200)
    expect(quarantined(created.id).length).toBeGreaterThan(0)
    expect(await expireAbandonedUploads(rounds.media)).toBe(0)
    await rounds.database.db
      .updateTable('media_upload')
      .set({ updated_at: new Date(Date.now() - 25 * 60 * 60 * 1000).toISOString() })
      .where('id', '=', created.id)
      .execute()
    expect(await expireAbandonedUploads(rounds.media)).toBe(1)
    expect(quarantined(created.id)).toEqual([])
    const after = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${created.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(after).toMatchObject({ status: 'rejected', error: { code: 'UPLOAD_CLOSED' } })
  })

  it('a video without captions is reported once, and the item’s captions settle it', async () => {
    const item = await newItem()
    const mp4 = join(work, 'quiet.mp4')
    await syntheticVideo(mp4, [{ seconds: 2 }])
    const { id, res } = await upload(item.id, 'quiet.mp4', 'video', readFileSync(mp4), 60_000)
    await expectJson(res, 200)
    await rounds.createWorker().drain()
    const screened = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(screened.findings.map((f) => f.ruleId)).toEqual(['confidentiality.name', 'platform.captions'])
    const alt = { media: [{ id, kind: 'video', altText: 'A ward round, nobody in view' }] }
    await expectJson(
      await call(rounds, 'PATCH', `${items()}/${item.id}`, { cookie: w.author.cookie, body: alt }),
      200,
    )
    // The item's own report says it once (not again for the file).
    const blocked = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    const details = blocked.error.details as unknown as Finding[]
    expect(details.filter((d) => d.ruleId === 'platform.captions')).toEqual([
      expect.objectContaining({ field: 'body', category: 'captions' }),
    ])
    expect(mediaDetails(blocked).map((d) => d.ruleId)).toEqual(['confidentiality.name'])
    // Captions on the item (typed, or from an uploaded SRT/VTT file): the file's finding only informs.
    await expectJson(
      await call(rounds, 'PATCH', `${items()}/${item.id}`, {
        cookie: w.author.cookie,
        body: { captions: 'WEBVTT\n\n00:00.000 --> 00:02.000\nA quiet ward at night.\n' },
      }),
      200,
    )
    // Only the name in the frames still blocks; the file's "no captions" is information.
    const named = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect((named.error.details as unknown as Finding[]).map((d) => d.ruleId)).toEqual([
      'confidentiality.name',
    ])
  })

  it('strips a video’s metadata, keeps frames for reviewers and places findings in time', async () => {
    const item = await newItem()
    const mp4 = join(work, 'clip.mp4')
    await syntheticVideo(mp4, [{ seconds: 2 }, { seconds: 2, lines: ['Ellen Hartley'] }], { metadata: true })
    const { id, res } = await upload(item.id, 'clip.mp4', 'video', readFileSync(mp4), 60_000)
    expect(await expectJson<Upload>(res, 200)).toMatchObject({ status: 'quarantined', mime: 'video/mp4' })
    const slot = await expectJson<Item>(
      await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(slot.fields.media).toEqual([{ id, kind: 'video' }])
    await rounds.createWorker().drain()
    const ready = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(ready).toMatchObject({ status: 'ready', duration: 4, frames: [{ index: 0, time: 2 }] })
    expect(ready.findings[0]).toMatchObject({ time: 2, box: VIDEO_NAME_BOX, field: 'media' })
    const video = await call(rounds, 'GET', `${uploads(item.id)}/${id}/files/sanitised`, {
      cookie: w.editor.cookie,
    })
    expect(video.headers.get('content-type')).toBe('video/mp4')
    const out = join(work, 'served.mp4')
    writeFileSync(out, Buffer.from(await video.arrayBuffer()))
    const tags = execFileSync('exiftool', ['-j', '-a', '-G1', '-ee', out], { encoding: 'utf8' })
    expect(tags).not.toMatch(/GPS|51\.51|Ward 7|Rounds Test Phone/i)
    // Players seek with byte ranges.
    const part = await call(rounds, 'GET', `${uploads(item.id)}/${id}/files/sanitised`, {
      cookie: w.editor.cookie,
      headers: { range: 'bytes=10-109' },
    })
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe(`bytes 10-109/${readFileSync(out).length}`)
    expect(Buffer.from(await part.arrayBuffer()).equals(readFileSync(out).subarray(10, 110))).toBe(true)
    const frame = await call(rounds, 'GET', `${uploads(item.id)}/${id}/frames/0`, { cookie: w.editor.cookie })
    expect(frame.headers.get('content-type')).toBe('image/jpeg')
    await expectError(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}/frames/9`, { cookie: w.editor.cookie }),
      404,
      'NOT_FOUND',
    )
  })

  it('redacts a video in the background: the name covered while on screen, progress, checked by OCR, published', async () => {
    const item = await newItem()
    const mp4 = join(work, 'to-redact.mp4')
    await syntheticVideo(mp4, [{ seconds: 2 }, { seconds: 2, lines: ['Ellen Hartley'] }], {
      metadata: true,
      audio: true,
    })
    const { id, res } = await upload(item.id, 'to-redact.mp4', 'video', readFileSync(mp4), 60_000)
    await expectJson(res, 200)
    await rounds.createWorker().drain()
    const redact = (as: SignedInUser, body: unknown) =>
      call(rounds, 'POST', `${uploads(item.id)}/${id}/redact`, { cookie: as.cookie, body })
    await expectError(await redact(w.editor, {}), 403, 'FORBIDDEN')
    await expectError(await redact(w.author, { findings: [5] }), 404, 'FINDING_NOT_FOUND')
    const queued = await expectJson<Upload>(await redact(w.author, { findings: [0] }), 200)
    // Seen at 2 s and 3 s: one span, padded by the 2 s sampling interval, clamped to the end.
    expect(queued.redaction).toMatchObject({
      status: 'queued',
      progress: 0,
      findings: [0],
      spans: [{ finding: 0, mode: 'fill', start: 0, end: 4, box: { ...VIDEO_NAME_BOX, width: 282 } }],
    })
    expect(queued.derivatives.some((d) => d.name === 'redacted')).toBe(false)
    await expectError(await redact(w.author, {}), 409, 'CONFLICT')
    const blocked = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect(mediaDetails(blocked).map((d) => d.category)).toContain('name')

    await rounds.createWorker().drain()
    const done = await expectJson<Upload>(
      await call(rounds, 'GET', `${uploads(item.id)}/${id}`, { cookie: w.editor.cookie }),
      200,
    )
    expect(done.redaction).toMatchObject({ status: 'done', progress: 100, error: null })
    expect(done.redaction?.check?.framesRead).toBeGreaterThanOrEqual(2)
    expect(done.redaction?.check?.stillReadable).toEqual([])
    expect(done.derivatives.find((d) => d.name === 'redacted')).toMatchObject({
      mime: 'video/mp4',
      width: 640,
      height: 360,
      covers: [0],
    })

    // The served copy: the region black at 3 s, the audio kept, no metadata.
    const served = await call(rounds, 'GET', `${uploads(item.id)}/${id}/files/redacted`, {
      cookie: w.author.cookie,
    })
    expect(served.headers.get('content-type')).toBe('video/mp4')
    const out = join(work, 'redacted-served.mp4')
    writeFileSync(out, Buffer.from(await served.arrayBuffer()))
    const frame = execFileSync(
      '/usr/bin/ffmpeg',
      [
        '-loglevel',
        'error',
        '-ss',
        '3',
        '-i',
        out,
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
    const { data, info } = await sharp(frame).greyscale().raw().toBuffer({ resolveWithObject: true })
    const at = (x: number, y: number) => data[y * info.width + x] as number
    expect(at(VIDEO_NAME_BOX.x + 100, VIDEO_NAME_BOX.y + 20)).toBeLessThan(30)
    expect(at(500, 300)).toBeGreaterThan(200)
    const streams = execFileSync(
      '/usr/bin/ffprobe',
      ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', out],
      {
        encoding: 'utf8',
      },
    )
    expect(streams.trim().split('\n').sort()).toEqual(['audio', 'video'])
    const tags = execFileSync('exiftool', ['-j', '-a', '-G1', '-ee', out], { encoding: 'utf8' })
    expect(tags).not.toMatch(/GPS|51\.51|Ward 7|Rounds Test Phone/i)

    // What is published is the redacted copy, and the name no longer blocks.
    const published = await readPublishedMedia(rounds.media, item.id, id)
    expect(published?.mime).toBe('video/mp4')
    expect(published?.data.equals(readFileSync(out))).toBe(true)
    const submitted = await submit(item.id)
    if (submitted.status !== 200)
      expect(mediaDetails(await expectError(submitted, 422, 'SCREENING_BLOCKED'))).toEqual([])
  })

  it('a video redaction that leaves text readable says so and does not cover it; a failed one says why', async () => {
    const item = await newItem()
    const mp4 = join(work, 'missed.mp4')
    await syntheticVideo(mp4, [{ seconds: 2 }, { seconds: 2, lines: ['Ellen Hartley'] }], { metadata: false })
    const created = await expectJson<Upload>(
      await open(w.author, item.id, { filename: 'missed.mp4', size: 10, kind: 'video' }),
      201,
    )
    // As screening leaves it, except that the sightings place the name somewhere else (the
    // cover misses it).
    await rounds.media.storage.derivatives.putFile(`${created.id}/sanitised`, mp4)
    const ready = (sightings: Record<number, Array<{ time: number; box: typeof NAME_BOX }>>) =>
      setUploadStatus(rounds.database.db, created.id, {
        status: 'ready',
        stage: 'screened',
        progress: 100,
        at: new Date().toISOString(),
        duration: 4,
        width: 640,
        height: 360,
        findings: [
          {
            ...(seen[0] as Finding),
            box: VIDEO_NAME_BOX,
            time: 2,
            field: 'media',
            start: 0,
            end: 1,
            uploadId: created.id,
          },
        ],
        derivatives: {
          derivatives: [
            { name: 'sanitised', mime: 'video/mp4', size: readFileSync(mp4).length, width: 640, height: 360 },
          ],
          frames: [],
          interval: 2,
          sightings,
        },
      })
    await ready({ 0: [{ time: 2, box: { x: 400, y: 280, width: 100, height: 40 } }] })
    await expectJson(
      await call(rounds, 'PATCH', `${items()}/${item.id}`, {
        cookie: w.author.cookie,
        body: { media: [{ id: created.id, kind: 'video' }] },
      }),
      200,
    )
    const redact = () =>
      call(rounds, 'POST', `${uploads(item.id)}/${created.id}/redact`, { cookie: w.author.cookie, body: {} })
    await expectJson(await redact(), 200)
    await rounds.createWorker().drain()
    const get = async () =>
      expectJson<Upload>(
        await call(rounds, 'GET', `${uploads(item.id)}/${created.id}`, { cookie: w.author.cookie }),
        200,
      )
    const missed = await get()
    expect(missed.redaction).toMatchObject({
      status: 'done',
      check: { stillReadable: [{ finding: 0, text: 'Ellen Hartley' }] },
    })
    expect(missed.derivatives.find((d) => d.name === 'redacted')?.covers).toEqual([])
    const blocked = await expectError(await submit(item.id), 422, 'SCREENING_BLOCKED')
    expect(mediaDetails(blocked).map((d) => d.text)).toContain('Ellen Hartley')

    // The sanitised file is gone: the job fails with the reason, and can be asked again.
    await rounds.media.storage.derivatives.delete(`${created.id}/sanitised`)
    await expectJson(await redact(), 200)
    await rounds.createWorker().drain()
    expect((await get()).redaction).toMatchObject({
      status: 'failed',
      error: { code: 'NOT_FOUND' },
    })
    await expectJson(await redact(), 200)
  })

  it('redacting the file of an approved item voids the approval, like any edit', async () => {
    const reviewer2 = await createTestMember(rounds, w.org.id, ['reviewer'])
    const { itemId } = await approvedItem(rounds, {
      org: w.org,
      author: w.author,
      editor: w.editor,
      reviewers: [w.reviewer, reviewer2],
    })
    const created = await expectJson<Upload>(
      await open(w.author, itemId, { filename: 'late.png', size: 10, kind: 'image' }),
      201,
    )
    // As screening leaves it (written directly: the point here is the approval).
    const png = await sharp({ create: { width: 300, height: 120, channels: 3, background: '#eee' } })
      .png()
      .toBuffer()
    await rounds.media.storage.derivatives.put(`${created.id}/sanitised`, png)
    await setUploadStatus(rounds.database.db, created.id, {
      status: 'ready',
      stage: 'screened',
      progress: 100,
      at: new Date().toISOString(),
      findings: [{ ...(seen[0] as Finding), field: 'media', start: 0, end: 1, uploadId: created.id }],
      derivatives: {
        derivatives: [{ name: 'sanitised', mime: 'image/png', size: png.length, width: 300, height: 120 }],
        frames: [],
      },
    })
    expect(
      (
        await expectJson<Item>(
          await call(rounds, 'GET', `${items()}/${itemId}`, { cookie: w.author.cookie }),
          200,
        )
      ).state,
    ).toBe('approved')
    await expectJson(
      await call(rounds, 'POST', `${uploads(itemId)}/${created.id}/redact`, {
        cookie: w.author.cookie,
        body: {},
      }),
      200,
    )
    const after = await expectJson<Item>(
      await call(rounds, 'GET', `${items()}/${itemId}`, { cookie: w.author.cookie }),
      200,
    )
    expect(after.state).toBe('changes_requested')
  })

  it('captions files become the item’s captions', async () => {
    const item = await newItem()
    const vtt = Buffer.from('WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nFirst, check the airway.\n')
    const { res } = await upload(item.id, 'talk.vtt', 'captions', vtt)
    expect(await expectJson<Upload>(res, 200)).toMatchObject({ status: 'ready', mime: 'text/vtt' })
    const after = await expectJson<Item>(
      await call(rounds, 'GET', `${items()}/${item.id}`, { cookie: w.author.cookie }),
      200,
    )
    expect(after.fields.captions).toBe(vtt.toString())
  })
})

describe('media uploads on S3-compatible storage (s3rver)', () => {
  let rounds: TestRounds
  let w: World
  let s3: Awaited<ReturnType<typeof startS3>>
  beforeAll(async () => {
    s3 = await startS3(['rounds-media', 'rounds-quarantine'])
    rounds = await createTestRounds('sqlite', {
      env: {
        MEDIA_STORAGE: 's3',
        MEDIA_S3_ENDPOINT: s3.endpoint,
        MEDIA_S3_BUCKET: 'rounds-media',
        MEDIA_S3_QUARANTINE_BUCKET: 'rounds-quarantine',
        MEDIA_S3_ACCESS_KEY_ID: s3.accessKeyId,
        MEDIA_S3_SECRET_ACCESS_KEY: s3.secretAccessKey,
        MEDIA_CHUNK_BYTES: '65536',
      },
      mediaAnalysers: analysers,
    })
    w = await createOrgWithRoles(rounds)
  })
  afterAll(async () => {
    await rounds?.close()
    await s3?.close()
  })

  it('receives chunks into the quarantine bucket and serves only the derivative from the media bucket', async () => {
    const item = await expectJson<Item>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/items`, {
        cookie: w.author.cookie,
        body: { kind: 'image', title: 'On S3' },
      }),
      201,
    )
    const base = `/api/orgs/${w.org.slug}/items/${item.id}/uploads`
    const photo = await photoWithGps({ lines: ['Ellen Hartley'] })
    const created = await expectJson<Upload>(
      await call(rounds, 'POST', base, {
        cookie: w.author.cookie,
        body: { filename: 'ward.jpg', size: photo.length, kind: 'image' },
      }),
      201,
    )
    for (let offset = 0; offset < photo.length; offset += 3_000) {
      const res = await rounds.app.request(`${base}/${created.id}`, {
        method: 'PATCH',
        headers: {
          origin: TEST_BASE_URL,
          cookie: w.author.cookie,
          'content-type': CHUNK_CONTENT_TYPE,
          'upload-offset': String(offset),
        },
        body: photo.subarray(offset, offset + 3_000),
      })
      await expectJson(res, 200)
    }
    expect((await rounds.media.storage.quarantine.list(`${created.id}/`)).length).toBeGreaterThan(1)
    await rounds.createWorker().drain()
    expect(await rounds.media.storage.quarantine.list(`${created.id}/`)).toEqual([])
    expect(await rounds.media.storage.derivatives.list(`${created.id}/`)).toEqual([`${created.id}/sanitised`])
    const file = await call(rounds, 'GET', `${base}/${created.id}/files/sanitised`, {
      cookie: w.author.cookie,
    })
    expect(file.status).toBe(200)
    const bytes = Buffer.from(await file.arrayBuffer())
    expect(await exifr.gps(bytes)).toBeUndefined()
  })
})
