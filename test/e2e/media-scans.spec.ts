import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Locator, Page } from '@playwright/test'
import sharp from 'sharp'
import { parseDicom } from '#src/capabilities/media/analyse/dicom.ts'
import {
  DICOM_PHI,
  FACE_PHOTO,
  faceVideo,
  syntheticDicom,
  syntheticVideo,
} from '#src/capabilities/media/analyse/testing/synthetic.ts'
import { demo, expect, test } from './fixtures.ts'

// Screening starts OCR and face detection on the first file (seconds on a busy machine).
test.setTimeout(150_000)

const work = mkdtempSync(join(tmpdir(), 'rounds-e2e-media-'))
test.afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A new draft with some body text, opened in the editor; returns the Media region. */
async function newDraft(page: Page, title: string, kind: 'Image' | 'Video') {
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My content' }).click()
  await page.getByRole('button', { name: 'New item' }).click()
  const dialog = page.getByRole('dialog', { name: 'New item' })
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByRole('radio', { name: kind }).check()
  await dialog.getByRole('button', { name: 'Create draft' }).click()
  await expect(page).toHaveURL(/\/content\/[^/]+$/)
  await page.getByRole('textbox', { name: 'Body' }).click()
  await page.keyboard.insertText('Three things to look for before you call it normal.')
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 10_000 })
  return page.getByRole('region', { name: 'Media' })
}

async function choose(page: Page, media: Locator, file: { name: string; mimeType: string; buffer: Buffer }) {
  const chooser = page.waitForEvent('filechooser')
  await media.getByRole('button', { name: 'Upload a file' }).click()
  await (await chooser).setFiles(file)
}

async function submitted(page: Page) {
  const review = page.getByRole('region', { name: 'Review' })
  await review.getByRole('button', { name: 'Submit for review' }).click()
  await expect(review.getByTestId('item-state')).toHaveText('Submitted', { timeout: 15_000 })
}

test('an author uploads a scan: the header findings, the de-identified file and the rendered PNG, then submits', async ({
  page,
  login,
}) => {
  await login(demo.author)
  const media = await newDraft(page, 'A chest film to read', 'Image')
  await choose(page, media, {
    name: 'chest.dcm',
    mimeType: 'application/dicom',
    buffer: await syntheticDicom(),
  })

  const card = media.getByTestId('upload-card')
  await expect(card.getByTestId('upload-status')).toHaveText('Screened', { timeout: 60_000 })
  const findings = card.getByTestId('media-findings')
  await expect(findings).toContainText(DICOM_PHI.PatientName)
  await expect(findings).toContainText(DICOM_PHI.PatientID)
  await expect(card.getByTestId('metadata-removed')).toContainText('DICOM PatientName')
  await expect(card.getByTestId('sanitised-image').locator('img')).toBeVisible()

  // The de-identified DICOM: none of the identifiers survive.
  const files = card.getByTestId('scan-files')
  const dcm = await page.request.get(
    (await files.getByRole('link', { name: 'De-identified DICOM' }).getAttribute('href')) as string,
  )
  expect(dcm.status()).toBe(200)
  const dataset = JSON.stringify(parseDicom(Buffer.from(await dcm.body())).dataset)
  for (const value of [DICOM_PHI.PatientName, DICOM_PHI.PatientID, DICOM_PHI.InstitutionName])
    expect(dataset).not.toContain(value)
  // The rendered PNG, without metadata.
  const png = await page.request.get(
    (await files.getByRole('link', { name: 'Rendered PNG' }).getAttribute('href')) as string,
  )
  expect(png.headers()['content-type']).toBe('image/png')
  const meta = await sharp(Buffer.from(await png.body())).metadata()
  expect([meta.format, meta.width, meta.height, meta.exif]).toEqual(['png', 320, 256, undefined])

  await card.getByLabel('Alt text').fill('A chest radiograph, PA view')
  await card.getByRole('button', { name: 'Save alt text' }).click()
  await expect(card.getByRole('button', { name: 'Save alt text' })).toBeDisabled()
  // The header findings inform: the published files carry none of it.
  await submitted(page)
})

test('an author uploads a video with burned-in text: findings in time on the frame strip, redacted in the background', async ({
  page,
  login,
}) => {
  await login(demo.author)
  const media = await newDraft(page, 'Grand round: pneumonia', 'Video')
  const clip = join(work, 'clip.mp4')
  await syntheticVideo(
    clip,
    [
      { seconds: 2, lines: ['Grand round'] },
      { seconds: 2, lines: ['MRN 4857773456'] },
    ],
    {
      width: 480,
      height: 270,
      audio: true,
    },
  )
  await choose(page, media, { name: 'clip.mp4', mimeType: 'video/mp4', buffer: readFileSync(clip) })

  const card = media.getByTestId('upload-card')
  await expect(card.getByTestId('upload-status')).toHaveText('Screened', { timeout: 60_000 })
  const findings = card.getByTestId('media-findings')
  await expect(findings).toContainText('4857773456')
  await expect(findings.getByRole('button', { name: /at 2\.0 s/ })).toBeVisible()
  const strip = card.getByTestId('frame-strip')
  await expect(strip).toContainText('2.0 s')
  expect(await strip.getByTestId('finding-box').count()).toBeGreaterThan(0)

  // Choose the number (chosen by default) and redact: progress, then both videos side by side.
  await expect(card.getByRole('checkbox', { name: /Redact .*4857773456.* at 2\.0 s/ })).toBeChecked()
  await card.getByRole('button', { name: 'Redact the chosen regions' }).click()
  await expect(card.getByTestId('redaction-progress')).toBeVisible()
  await expect(card.getByTestId('redacted-video')).toBeVisible({ timeout: 60_000 })
  await expect(card.getByTestId('sanitised-video')).toBeVisible()
  await expect(card.getByTestId('redaction-check')).toContainText('found none of the text')
  // Seen at 2 s: covered from one sampling interval before to the end of the clip.
  await expect(findings).toContainText(/redacted 0\.0–4\.\d s/)

  // A finding's time moves the players there.
  await findings.getByRole('button', { name: /at 2\.0 s/ }).click()
  await expect
    .poll(() =>
      card
        .getByTestId('redacted-video')
        .evaluate((v) => (v as unknown as { currentTime: number }).currentTime),
    )
    .toBeCloseTo(2, 0)

  // The redacted copy: the number is covered at 3 s.
  const src = await card.getByTestId('redacted-video').getAttribute('src')
  const served = await page.request.get(src as string)
  expect(served.headers()['content-type']).toBe('video/mp4')
  const out = join(work, 'redacted.mp4')
  writeFileSync(out, Buffer.from(await served.body()))
  const frame = execFileSync('/usr/bin/ffmpeg', [
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
  ])
  const upload = await (await page.request.get((src as string).replace(/\/files\/.*$/, ''))).json()
  const box = upload.findings.find((f: { text: string }) => f.text.includes('4857773456')).box
  const { data, info } = await sharp(frame).greyscale().raw().toBuffer({ resolveWithObject: true })
  const centre = (box.y + Math.floor(box.height / 2)) * info.width + box.x + Math.floor(box.width / 2)
  expect(data[centre]).toBeLessThan(30)
})

test('a face blocks submission until the author records the patient’s consent to the file', async ({
  page,
  login,
}) => {
  await login(demo.author)
  const media = await newDraft(page, 'Recognising a facial palsy', 'Image')
  const photo = await sharp(FACE_PHOTO).resize({ width: 640 }).jpeg().toBuffer()
  await choose(page, media, { name: 'clinic.jpg', mimeType: 'image/jpeg', buffer: photo })

  const card = media.getByTestId('upload-card')
  await expect(card.getByTestId('upload-status')).toHaveText('Screened', { timeout: 60_000 })
  await expect(card.getByTestId('media-findings')).toContainText('Face')
  await card.getByLabel('Alt text').fill('A face at rest, showing the left side drooping')
  await card.getByRole('button', { name: 'Save alt text' }).click()
  await expect(card.getByRole('button', { name: 'Save alt text' })).toBeDisabled()

  const review = page.getByRole('region', { name: 'Review' })
  await review.getByRole('button', { name: 'Submit for review' }).click()
  await expect(review.getByRole('alert')).toContainText(/face/i)

  await card.getByLabel('Consent given by').fill('The patient, in clinic')
  await card.getByLabel('Scope').fill('Use of this image in teaching posts')
  await card.getByRole('button', { name: 'Record consent' }).click()
  await expect(card.getByTestId('media-findings')).toContainText('consent on record')
  await submitted(page)
})

test('an author uploads captions: each cue screened with its time, the name fixed in the captions, then submits', async ({
  page,
  login,
}) => {
  await login(demo.author)
  const media = await newDraft(page, 'A rhythm strip in four steps', 'Video')
  const srt = [
    '1',
    '00:00:01,000 --> 00:00:03,500',
    'Today we read a rhythm strip together.',
    '',
    '2',
    '00:00:04,000 --> 00:00:07,000',
    'This strip came from Mrs Ellen Hartley this morning.',
    '',
  ].join('\n')
  await choose(page, media, { name: 'strip.srt', mimeType: 'application/x-subrip', buffer: Buffer.from(srt) })

  const card = media.getByTestId('upload-card')
  await expect(card.getByTestId('upload-status')).toHaveText('Screened', { timeout: 60_000 })
  await expect(card).toContainText('The captions were added to the item')
  const captions = page.getByRole('textbox', { name: 'Captions' })
  await expect(captions).toHaveValue(/Mrs Ellen Hartley/)

  // The name is found in the second cue, with its time, and fixed there with one click.
  const findings = page.getByRole('region', { name: 'Findings' })
  const blocking = findings.getByRole('region', { name: /^Blocking/ })
  await expect(blocking).toContainText('in captions · cue 2 at 00:00:04.000')
  const fix = blocking.getByRole('button', { name: /^Fix: replace “.*Hartley.*” with .+ in the captions$/ })
  await fix.first().click()
  await expect(captions).not.toHaveValue(/Hartley/)
  await expect(captions).toHaveValue(/00:00:04,000 --> 00:00:07,000\nThis strip came from .+ this morning\./)
  await expect(blocking).toHaveCount(0)

  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved')
  await submitted(page)
})

test('a face in a video is found with its time, blurred in the background and checked, then the item submits', async ({
  page,
  login,
}) => {
  await login(demo.author)
  const media = await newDraft(page, 'Bell’s palsy at the bedside', 'Video')
  // Four seconds of a face.
  const clip = join(work, 'face.mp4')
  await faceVideo(clip, 4)
  await choose(page, media, { name: 'bedside.mp4', mimeType: 'video/mp4', buffer: readFileSync(clip) })

  const card = media.getByTestId('upload-card')
  await expect(card.getByTestId('upload-status')).toHaveText('Screened', { timeout: 90_000 })
  const findings = card.getByTestId('media-findings')
  await expect(findings).toContainText('Face')
  await expect(findings.getByRole('button', { name: /at 0\.0 s/ }).first()).toBeVisible()

  // Without consent the face blocks submission.
  const review = page.getByRole('region', { name: 'Review' })
  await review.getByRole('button', { name: 'Submit for review' }).click()
  await expect(review.getByRole('alert')).toContainText(/face/i)

  // Blur it: progress, then the redacted copy, read again by the face detector.
  await expect(card.getByRole('checkbox', { name: /face/i }).first()).toBeChecked()
  await card.getByRole('button', { name: 'Redact the chosen regions' }).click()
  await expect(card.getByTestId('redacted-video')).toBeVisible({ timeout: 120_000 })
  await expect(card.getByTestId('redaction-check')).toContainText('no face was detected')
  // A video needs its captions before it goes to review.
  await page
    .getByRole('textbox', { name: 'Captions' })
    .fill('WEBVTT\n\n00:00.000 --> 00:04.000\nThe left side of the face does not move.\n')
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 10_000 })
  await submitted(page)
})
