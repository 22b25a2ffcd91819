import { readFileSync } from 'node:fs'
import { demo, expect, test } from './fixtures.ts'

const fixture = (name: string) =>
  readFileSync(new URL(`../../src/capabilities/learning/metrics/fixtures/${name}`, import.meta.url))

test('an editor previews analytics exports: a recognised layout with row errors, and an unknown one mapped by hand', async ({
  page,
  login,
}) => {
  await login(demo.editor)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engagement' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Engagement' })).toBeVisible()
  await expect(page.getByRole('heading', { name: 'Published items' })).toBeVisible()

  const file = page.locator('input[type="file"]')
  await file.setInputFiles({
    name: 'Table data.csv',
    mimeType: 'text/csv',
    buffer: fixture('youtube-studio.csv'),
  })
  await expect(page.getByText('YouTube Studio', { exact: true })).toBeVisible()
  await expect(page.getByText('1 with errors')).toBeVisible()
  const preview = page.getByRole('table', { name: 'Import preview' })
  await expect(preview.getByRole('row').filter({ hasText: 'Bad1Row9xYz' })).toContainText(
    'Row 6 "Views" is not a number ("lots")',
  )
  await expect(page.getByRole('button', { name: /Import 0 matched rows/ })).toBeDisabled()

  await file.setInputFiles({ name: 'export.csv', mimeType: 'text/csv', buffer: fixture('custom-layout.csv') })
  await expect(page.getByText('Rounds does not recognise this file’s columns')).toBeVisible()
  await page.getByRole('combobox', { name: 'Post link column' }).click()
  await page.getByRole('option', { name: 'Link', exact: true }).click()
  await page.getByRole('combobox', { name: 'Plays' }).click()
  await page.getByRole('option', { name: 'Views', exact: true }).click()
  await page.getByRole('button', { name: 'Preview with these columns' }).click()
  await expect(page.getByText('Custom columns', { exact: true })).toBeVisible()
  await expect(
    page.getByRole('table', { name: 'Import preview' }).getByRole('row').filter({ hasText: '/@rounds/999' }),
  ).toContainText('not matched')
})
