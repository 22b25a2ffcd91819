import type { Page } from '@playwright/test'
import { apiSignIn, demo, expect, findMember, test } from './fixtures.ts'

const body = 'Reading an ECG: start with the rate, then the rhythm, then the axis.'

/** Scores every rubric item, comments on the first line of the body, recommends and submits. */
async function review(page: Page, itemId: string, title: string, comment: string) {
  // The reviewer finds the assignment in their list, due in a week, and opens it from there.
  await page.goto('/reviews')
  const row = page
    .getByRole('table', { name: 'Your review assignments' })
    .getByRole('row', { name: new RegExp(title) })
  await expect(row).toContainText('To do')
  await row.getByRole('link', { name: title }).click()
  await expect(page).toHaveURL(new RegExp(`/reviews/${itemId}$`))
  await expect(page.getByRole('heading', { level: 1, name: /^Review: / })).toBeVisible()
  const text = page.getByTestId('draft-editor').locator('.cm-line').first()
  await expect(text).toContainText('start with the rate')
  await text.click({ clickCount: 3 })
  await page.getByRole('button', { name: 'Comment on selection' }).click()
  await expect(page.getByTestId('selected-quote')).toContainText('start with the rate')
  await page.getByRole('textbox', { name: 'Comment', exact: true }).fill(comment)
  await page.getByRole('button', { name: 'Add comment' }).click()
  await expect(page.getByRole('region', { name: 'Your comments' })).toContainText(comment)

  await page.getByLabel('I have no conflict of interest with this item or its author').check()
  const rubric = page.getByRole('region', { name: 'Rubric' })
  for (const prefix of [
    '3 — Excellent',
    '3 — Author, credentials',
    '3 — Balanced',
    '3 — Claims',
    '3 — Creation and update',
    '3 — Everything',
    '3 — A structured',
  ]) {
    await rubric.getByRole('radio', { name: new RegExp(`^${prefix}`) }).check()
  }
  await rubric.getByRole('radio', { name: 'Accuracy 6' }).check()
  await rubric.getByRole('radio', { name: 'Utility 5' }).check()
  await rubric.getByRole('radio', { name: 'Accept' }).check()
  await rubric.getByRole('button', { name: 'Save review' }).click()
  await expect(rubric.getByRole('status')).toHaveText('Saved.')
  await rubric.getByRole('button', { name: 'Submit review' }).click()
  await expect(page.getByText('You submitted this review.')).toBeVisible()
}

// Four people, five pages and two full reviews: this flow needs more than the default 30 s.
test.describe.configure({ timeout: 120_000 })

test('an item goes from submission through two peer reviews to an approval bound to its hash', async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  // Four people in three browsers: the longest walk in the suite.
  test.setTimeout(240_000)
  const admin = await apiSignIn(playwright, demo.admin)
  const first = await findMember(admin, demo.reviewer)
  const second = await findMember(admin, demo.reviewer2)
  await admin.dispose()

  // The author drafts a clean post and submits it.
  const title = `ECG basics ${Date.now().toString(36)}`
  await login(demo.author)
  await page.goto('/content')
  await page.getByRole('button', { name: 'New item' }).click()
  const dialog = page.getByRole('dialog', { name: 'New item' })
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByRole('radio', { name: 'Post' }).check()
  await dialog.getByRole('button', { name: 'Create draft' }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  const itemId = new URL(page.url()).pathname.split('/').pop() ?? ''
  await page.getByRole('textbox', { name: 'Body' }).click()
  await page.keyboard.insertText(body)
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved', { timeout: 10_000 })
  const submitCard = page.getByRole('region', { name: 'Review', exact: true })
  await submitCard.getByRole('button', { name: 'Submit for review' }).click()
  await expect(submitCard.getByTestId('item-state')).toHaveText('Submitted')

  // The editor finds it in the queue and assigns both demo reviewers, neither conflicted.
  const editor = await loginInNewContext(demo.editor)
  await editor.page.goto('/review-queue')
  await editor.page
    .getByRole('table', { name: 'Waiting for assignment' })
    .getByRole('link', { name: title })
    .click()
  const assign = editor.page.getByRole('region', { name: 'Assign reviewers' })
  const excluded = assign.getByRole('list', { name: 'Excluded reviewers' })
  if (await excluded.count()) {
    await expect(excluded).not.toContainText(first.name)
    await expect(excluded).not.toContainText(second.name)
  }
  await assign.getByRole('checkbox', { name: first.name }).check()
  await assign.getByRole('checkbox', { name: second.name }).check()
  await assign.getByRole('button', { name: 'Assign reviewers' }).click()
  const peer = editor.page.getByRole('region', { name: 'Peer review' })
  await expect(peer.getByRole('table', { name: 'Reviews side by side' })).toContainText(first.name)

  // The queue shows it in review with both reviewers' status and due dates.
  await editor.page.goto('/review-queue')
  const inReview = editor.page
    .getByRole('table', { name: 'In review' })
    .getByRole('row', { name: new RegExp(title) })
  await expect(inReview).toContainText(first.name)
  await expect(inReview).toContainText(second.name)
  await expect(inReview).toContainText('Due')

  // Each reviewer scores, comments on a span and recommends accepting.
  const r1 = await loginInNewContext(demo.reviewer)
  await review(r1.page, itemId, title, 'Good order; say what a normal rate is.')
  const r2 = await loginInNewContext(demo.reviewer2)
  await review(r2.page, itemId, title, 'Clear and correct.')

  // The editor sees both reviews side by side with the means, and accepts.
  await editor.page.goto(`/content/${itemId}`)
  const table = peer.getByRole('table', { name: 'Reviews side by side' })
  await expect(table).toContainText(second.name)
  await expect(peer.getByTestId('rmetriq-mean')).toHaveText('21.0')
  await expect(peer.getByRole('region', { name: 'Reviewers’ comments' })).toContainText(
    'Good order; say what a normal rate is.',
  )
  await peer.getByRole('radio', { name: 'Accept' }).check()
  await peer.getByLabel('Message to the author').fill('Accepted: thank you.')
  await peer.getByRole('button', { name: 'Record decision' }).click()

  // Approved, with the hash it is bound to; the author sees it too.
  await expect(editor.page.getByTestId('approval')).toContainText('Approved')
  const hash = (await editor.page.getByTestId('approved-hash').textContent()) ?? ''
  expect(hash).toMatch(/^\S{16,}$/)
  await page.reload()
  await expect(submitCard.getByTestId('item-state')).toHaveText('Approved')
  await expect(page.getByTestId('approved-hash')).toHaveText(hash)
  await expect(page.getByRole('region', { name: 'Peer review' })).toContainText('Accepted: thank you.')
})
