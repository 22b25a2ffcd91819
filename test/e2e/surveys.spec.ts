import { readFile } from 'node:fs/promises'
import {
  approvedItem,
  expect as baseExpect,
  demo,
  demoOrganisation,
  publishOnRounds,
  test,
} from './fixtures.ts'

// Delivery to the public page runs in the server's worker: be patient on a shared machine.
const expect = baseExpect.configure({ timeout: 30_000 })
test.describe.configure({ timeout: 240_000 })

/** An item written, reviewed, approved and published on Rounds' own public page, through the API. */
async function publishedItem(playwright: Parameters<typeof approvedItem>[0], title: string): Promise<string> {
  const item = await approvedItem(playwright, {
    kind: 'post',
    title,
    body: 'Many antibiotics and antifungals raise the INR on warfarin: check it within a few days of starting one.',
    channels: ['rounds'],
  })
  await publishOnRounds(playwright, item.id)
  return item.id
}

test('an editor builds a survey and attaches it to an item; an anonymous learner answers it on the public page; the editor sees the summary and downloads the CSV', async ({
  page,
  login,
  browser,
  playwright,
}) => {
  const title = `How useful was this? ${Date.now().toString(36)}`
  const itemTitle = `Warfarin and antibiotics ${Date.now().toString(36)}`
  const itemId = await publishedItem(playwright, itemTitle)
  const itemPath = `/orgs/${demoOrganisation.slug}/items/${itemId}`
  await expect
    .poll(async () => (await page.request.get(itemPath, { headers: { accept: 'text/html' } })).status(), {
      timeout: 60_000,
    })
    .toBe(200)

  // The editor builds the survey from scratch, checking the live preview as they go.
  await login(demo.editor)
  await page.goto('/')
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Surveys', exact: true })
    .click()
  await expect(page.getByRole('heading', { level: 1, name: 'Surveys' })).toBeVisible()
  await page.getByRole('link', { name: 'New survey' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'New survey' })).toBeVisible()

  await page.getByRole('textbox', { name: 'Title' }).fill(title)
  await page.getByRole('button', { name: 'Add Likert question' }).click()
  const q1 = page.getByLabel('Question 1', { exact: true })
  await q1.getByRole('textbox', { name: 'Statement' }).fill('This post was useful for my work.')
  await page.getByRole('button', { name: 'Add multiple-choice question' }).click()
  const q2 = page.getByLabel('Question 2', { exact: true })
  await q2.getByRole('textbox', { name: 'Question' }).fill('What will you do next?')
  await q2.getByRole('textbox', { name: 'Option 1' }).fill('Check INR sooner')
  await q2.getByRole('textbox', { name: 'Option 2' }).fill('Review interacting drugs')
  await q2.getByRole('checkbox', { name: 'Learners may choose several' }).check()
  await page.getByRole('button', { name: 'Add free-text question' }).click()
  await page
    .getByLabel('Question 3', { exact: true })
    .getByRole('textbox', { name: 'Question' })
    .fill('Anything else?')
  // Reorder: the free-text question goes first, then back last.
  await page.getByLabel('Question 3', { exact: true }).getByRole('button', { name: 'Move up' }).click()
  await expect(
    page.getByLabel('Question 2', { exact: true }).getByRole('textbox', { name: 'Question' }),
  ).toHaveValue('Anything else?')
  await page.getByLabel('Question 2', { exact: true }).getByRole('button', { name: 'Move down' }).click()

  const preview = page.getByLabel('Preview', { exact: true })
  await expect(preview.getByRole('heading', { name: title })).toBeVisible()
  await expect(preview.getByText('1. This post was useful for my work.')).toBeVisible()
  await expect(preview.getByText('5 — Strongly agree')).toBeVisible()
  await expect(preview.getByText('3. Anything else?')).toBeVisible()

  await page.getByRole('button', { name: 'Create survey' }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()

  // Attached to a published item, shown after the content.
  await page.getByRole('tab', { name: 'Where it is shown' }).click()
  await page.getByRole('combobox', { name: 'Item or series' }).click()
  await page.getByRole('combobox', { name: 'Item or series' }).fill('Warfarin')
  await page.getByRole('option', { name: itemTitle, exact: true }).click()
  await page.getByRole('button', { name: 'Attach survey' }).click()
  await expect(page.getByRole('row').filter({ hasText: itemTitle })).toContainText('After the content')

  // An anonymous learner (no cookies) finds it on the public item page and answers it.
  const learnerContext = await browser.newContext()
  const learner = await learnerContext.newPage()
  await learner.goto(itemPath)
  await learner.getByRole('link', { name: title }).click()
  await expect(learner.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(learner.getByText('What is recorded')).toBeVisible()
  await expect(learner.getByRole('link', { name: 'Skip the survey' })).toBeVisible()
  await learner.getByRole('radio', { name: '4 — Agree' }).check()
  await learner.getByRole('checkbox', { name: 'Check INR sooner' }).check()
  await learner.getByRole('checkbox', { name: 'Review interacting drugs' }).check()
  await learner
    .getByRole('textbox', { name: /Up to 500 characters/ })
    .fill('Saw Mrs Jane Smith on ward 4 today.')
  await learner.getByRole('checkbox', { name: 'I agree' }).check()
  await learner.getByRole('button', { name: 'Send my answers' }).click()
  await expect(learner.getByRole('heading', { level: 1, name: 'Thank you' })).toBeVisible()
  await learnerContext.close()

  // The editor sees the summary: n, the Likert distribution as bars, the screened text.
  await page.reload()
  await page.getByRole('tab', { name: 'Results' }).click()
  await expect(page.getByText('n = 1 response to version 1')).toBeVisible()
  const likert = page.getByLabel('Results for question 1', { exact: true })
  await expect(likert).toContainText('mean 4.00 · median 4.00')
  await expect(likert.locator('.recharts-bar-rectangle').first()).toBeVisible()
  const text = page.getByLabel('Results for question 3', { exact: true })
  await expect(text).toContainText('[patient]')
  await expect(text).not.toContainText('Jane Smith')

  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ])
  expect(file.suggestedFilename()).toMatch(/^survey-[0-9a-f]{8}-responses-\d{4}-\d{2}-\d{2}\.csv$/)
  const rows = (await readFile(await file.path(), 'utf8')).trim().split('\r\n')
  expect(rows[0]).toBe(
    'learner,version,attachment_id,attached_to,timing,item_id,series_id,answered_at,q1,q2,q3',
  )
  expect(rows).toHaveLength(2)
  expect(rows[1]).toMatch(/^[0-9a-f]{20},1,/)
  expect(rows[1]).toContain(',4,a;b,')
  expect(rows[1]).not.toContain('Jane Smith')
})
