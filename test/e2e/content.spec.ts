import type { Page } from '@playwright/test'
import { demo, expect, test } from './fixtures.ts'

// Runs before standards.spec.ts (files run in alphabetical order), which gives newauthor a certificate.

const casePost =
  'Fascinating case on Ward 7B today — Mrs Ellen Hartley, 93, from Little Snoring, admitted with chest pain.'

/** Creates an item from "My content" and lands in its editor. */
async function newItem(page: Page, title: string) {
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My content' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'My content' })).toBeVisible()
  await page.getByRole('button', { name: 'New item' }).click()
  const dialog = page.getByRole('dialog', { name: 'New item' })
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByRole('radio', { name: 'Post' }).check()
  await dialog.getByRole('button', { name: 'Create draft' }).click()
  await expect(page).toHaveURL(/\/content\/[^/]+$/)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
}

async function writeBody(page: Page, text: string) {
  const editor = page.getByRole('textbox', { name: 'Body' })
  await editor.click()
  await page.keyboard.insertText(text)
}

function reviewCard(page: Page) {
  return page.getByRole('region', { name: 'Review' })
}

test('an author without training is refused at submission with the reason shown', async ({ page, login }) => {
  await login(demo.newAuthor)
  await newItem(page, 'Reading an ECG in five steps')
  await writeBody(page, 'Start with the rate, then the rhythm, then the axis.')
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 10_000 })

  await reviewCard(page).getByRole('button', { name: 'Submit for review' }).click()
  const refusal = reviewCard(page).getByRole('alert')
  await expect(refusal).toContainText('you are not ready to submit yet')
  await expect(refusal).toContainText(/training/i)
  await expect(reviewCard(page).getByTestId('item-state')).toHaveText('Draft')

  await refusal.getByRole('link', { name: 'Go to training' }).click()
  await expect(page).toHaveURL(/\/training/)
  await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible()
})

test('an author sees patient identifiers highlighted, is refused, fixes them and submits', async ({
  page,
  login,
}) => {
  // Fixing each finding waits for the live screening to catch up; slow on a busy machine.
  test.slow()
  await login(demo.author)
  await newItem(page, 'Chest pain in the very old')
  await writeBody(page, casePost)

  // Highlighted live, before anything is saved or submitted.
  const blocks = page.getByTestId('draft-editor').locator('.cm-finding-block')
  await expect(blocks.filter({ hasText: 'Ellen Hartley' }).first()).toBeVisible()
  await expect(blocks.filter({ hasText: 'Little Snoring' }).first()).toBeVisible()

  // The server refuses it, naming the identifiers; the item stays a draft.
  await reviewCard(page).getByRole('button', { name: 'Submit for review' }).click()
  const refusal = reviewCard(page).getByRole('alert')
  await expect(refusal).toContainText('screening found blocking problems')
  const blocking = refusal.getByRole('list', { name: 'Blocking findings' })
  await expect(blocking).toContainText('Ellen Hartley')
  await expect(blocking).toContainText('Little Snoring')
  await expect(reviewCard(page).getByTestId('item-state')).toHaveText('Draft')

  // Fix every blocking finding from the findings panel.
  const findings = page.getByRole('region', { name: 'Findings' })
  const fixes = findings.getByRole('region', { name: /^Blocking/ }).getByRole('button', { name: /^Fix/ })
  await expect(fixes.first()).toBeVisible()
  for (let i = 0; i < 20 && (await fixes.count()) > 0; i++) {
    await fixes.first().click()
    await page.waitForTimeout(300)
  }
  await expect(blocks).toHaveCount(0)
  await expect(page.getByRole('textbox', { name: 'Body' })).not.toContainText('Ellen Hartley')

  await page.getByRole('button', { name: 'Save' }).click()
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved')

  await reviewCard(page).getByRole('button', { name: 'Submit for review' }).click()
  await expect(reviewCard(page).getByTestId('item-state')).toHaveText('Submitted')
  await expect(reviewCard(page).getByRole('status')).toContainText('Submitted for review')
  await expect(page.getByRole('list', { name: 'Versions' })).toContainText('Version 1')

  // It is listed in My content with its state.
  await page.getByRole('link', { name: 'Back to my content' }).click()
  await expect(
    page.getByRole('table', { name: 'My items' }).getByRole('row', { name: /Chest pain in the very old/ }),
  ).toContainText('Submitted')
})
