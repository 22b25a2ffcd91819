import exifr from 'exifr'
import { photoWithGps } from '../support/media-fixtures.ts'
import { demo, expect, test } from './fixtures.ts'

// OCR and face detection start on the first upload (a few seconds on a busy machine).
test.setTimeout(150_000)

test('an author uploads a phone photo: its GPS position is removed, the burned-in name found, redacted, and the item submitted', async ({
  page,
  login,
}) => {
  await login(demo.author)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My content' }).click()
  await page.getByRole('button', { name: 'New item' }).click()
  const dialog = page.getByRole('dialog', { name: 'New item' })
  await dialog.getByLabel('Title').fill('Reading a wrist film')
  await dialog.getByRole('radio', { name: 'Image' }).check()
  await dialog.getByRole('button', { name: 'Create draft' }).click()
  await expect(page).toHaveURL(/\/content\/[^/]+$/)
  const editor = page.getByRole('textbox', { name: 'Body' })
  await editor.click()
  await page.keyboard.insertText('Look at the scaphoid first: tenderness in the snuffbox needs a film.')
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 10_000 })

  // A photo of a label with a patient's name, taken on a phone that recorded where.
  const photo = await photoWithGps({
    lines: ['Patient: Ellen Hartley', 'Ward 7'],
    width: 900,
    height: 300,
    fontSize: 40,
  })
  const media = page.getByRole('region', { name: 'Media' })
  const chooser = page.waitForEvent('filechooser')
  await media.getByRole('button', { name: 'Upload a file' }).click()
  await (await chooser).setFiles({ name: 'IMG_2041.jpg', mimeType: 'image/jpeg', buffer: photo })

  const card = media.getByTestId('upload-card')
  await expect(card.getByTestId('upload-status')).toHaveText('Screened', { timeout: 120_000 })
  await expect(card.getByTestId('metadata-removed')).toContainText('GPS position 51.517, -0.176 removed')
  await expect(card.getByTestId('metadata-removed')).toContainText('Camera serial number (SN12345) removed')
  await expect(card.getByTestId('media-findings')).toContainText('Ellen Hartley')
  const sanitised = card.getByTestId('sanitised-image')
  await expect(sanitised.locator('img')).toBeVisible()
  expect(await sanitised.getByTestId('finding-box').count()).toBeGreaterThan(0)

  // What the server serves has no metadata at all.
  const src = await sanitised.locator('img').getAttribute('src')
  const served = await page.request.get(src as string)
  expect(served.status()).toBe(200)
  const bytes = Buffer.from(await served.body())
  expect(await exifr.gps(bytes)).toBeUndefined()
  expect(await exifr.parse(bytes, { xmp: true, iptc: true })).toBeUndefined()

  // Submission is refused while the name is in the picture.
  const review = page.getByRole('region', { name: 'Review' })
  await review.getByRole('button', { name: 'Submit for review' }).click()
  await expect(review.getByRole('alert')).toContainText('Ellen Hartley')

  // One click: the flagged text is filled in a new copy, shown beside the original.
  await card.getByRole('button', { name: 'Redact flagged regions' }).click()
  await expect(card.getByTestId('redacted-image').locator('img')).toBeVisible()
  await expect(card.getByTestId('media-findings')).toContainText('redacted')

  await card.getByLabel('Alt text').fill('A wrist radiograph label, blacked out')
  await card.getByRole('button', { name: 'Save alt text' }).click()
  await expect(card.getByRole('button', { name: 'Save alt text' })).toBeDisabled()

  await review.getByRole('button', { name: 'Submit for review' }).click()
  await expect(review.getByTestId('item-state')).toHaveText('Submitted', { timeout: 15_000 })
})
