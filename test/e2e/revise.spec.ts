import type { Locator, Page } from '@playwright/test'
import {
  apiCall,
  apiSignIn,
  apiSignUp,
  expect as baseExpect,
  demo,
  demoOrganisation,
  findMember,
  latestMailTo,
  linkIn,
  test,
  uniqueEmail,
} from './fixtures.ts'

// Four people in four browser contexts on a shared machine: give each expectation more time.
const expect = baseExpect.configure({ timeout: 30_000 })

// The whole peer-review loop, as issue 5's Tests section describes it: an author drafts a case
// post containing a patient name, sees it highlighted, fixes it, submits; the editor assigns two
// reviewers; one requests changes with a span comment; the author revises; the reviewer sees the
// diff and accepts; the editor approves; the item shows approved with its hash.

const casePost =
  'Teaching case: Mrs Ellen Hartley came in with new confusion and a respiratory rate of 24.\n' +
  'Think of sepsis first and check the lactate.'
const addition = 'A normal adult respiratory rate is 12 to 20 breaths a minute.'
const spanComment = 'Say what a normal respiratory rate is, so readers see why 24 matters.'

/** Opens the assignment for this item and version from the reviewer's list. */
async function openAssignment(page: Page, title: string, version: number) {
  await page.goto('/reviews')
  const row = page
    .getByRole('table', { name: 'Your review assignments' })
    .getByRole('row', { name: new RegExp(title) })
    .filter({ has: page.getByRole('cell', { name: `v${version}`, exact: true }) })
  await expect(row).toContainText('To do')
  await row.getByRole('link', { name: title }).click()
  await expect(page.getByRole('heading', { level: 1, name: /^Review: / })).toBeVisible()
}

/** Declares no conflict, scores the whole rubric, recommends, saves and submits. */
async function scoreAndSubmit(page: Page, recommendation: 'Accept' | 'Major revision') {
  await page.getByLabel('I have no conflict of interest with this item or its author').check()
  const rubric = page.getByRole('region', { name: 'Rubric' })
  for (const prefix of [
    '2 — Good',
    '2 — Author and relevant',
    '3 — Balanced',
    '2 — Key claims',
    '2 — Creation date',
    '3 — Everything',
    '3 — A structured',
  ]) {
    await rubric.getByRole('radio', { name: new RegExp(`^${prefix}`) }).check()
  }
  await rubric.getByRole('radio', { name: 'Accuracy 6' }).check()
  await rubric.getByRole('radio', { name: 'Utility 6' }).check()
  await rubric.getByRole('radio', { name: recommendation }).check()
  await rubric.getByRole('button', { name: 'Save review' }).click()
  await expect(rubric.getByRole('status')).toHaveText('Saved.')
  await rubric.getByRole('button', { name: 'Submit review' }).click()
  await expect(page.getByText('You submitted this review.')).toBeVisible()
}

async function decide(peer: Locator, decision: 'Accept' | 'Revise', message: string) {
  await peer.getByRole('radio', { name: decision }).check()
  await peer.getByLabel('Message to the author').fill(message)
  await peer.getByRole('button', { name: 'Record decision' }).click()
}

// Four people, a dozen pages and four full reviews.
test.describe.configure({ timeout: 480_000 })

test('a case post is screened, reviewed, revised, re-reviewed with the diff and approved with its hash', async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const first = await findMember(admin, demo.reviewer)
  const second = await findMember(admin, demo.reviewer2)
  await admin.dispose()

  // The author drafts a case post that names the patient.
  const title = `Sepsis at the front door ${Date.now().toString(36)}`
  await login(demo.author)
  await page.goto('/content')
  await page.getByRole('button', { name: 'New item' }).click()
  const dialog = page.getByRole('dialog', { name: 'New item' })
  await dialog.getByLabel('Title').fill(title)
  await dialog.getByRole('radio', { name: 'Post' }).check()
  await dialog.getByRole('button', { name: 'Create draft' }).click()
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  const itemId = new URL(page.url()).pathname.split('/').pop() ?? ''
  const body = page.getByRole('textbox', { name: 'Body' })
  await body.click()
  await page.keyboard.insertText(casePost)

  // The name is highlighted as a blocking finding before anything is saved.
  const blocks = page.getByTestId('draft-editor').locator('.cm-finding-block')
  await expect(blocks.filter({ hasText: 'Ellen Hartley' }).first()).toBeVisible()

  // The author fixes it from the findings panel, then submits.
  const findings = page.getByRole('region', { name: 'Findings' })
  const fixes = findings.getByRole('region', { name: /^Blocking/ }).getByRole('button', { name: /^Fix/ })
  await expect(fixes.first()).toBeVisible()
  for (let i = 0; i < 20 && (await fixes.count()) > 0; i++) {
    await fixes.first().click()
    await page.waitForTimeout(300)
  }
  await expect(blocks).toHaveCount(0)
  await expect(body).not.toContainText('Ellen Hartley')
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved')
  const submitCard = page.getByRole('region', { name: 'Review', exact: true })
  await submitCard.getByRole('button', { name: 'Submit for review' }).click()
  await expect(submitCard.getByTestId('item-state')).toHaveText('Submitted')

  // The editor assigns the two demo reviewers.
  const editor = await loginInNewContext(demo.editor)
  await editor.page.goto(`/content/${itemId}`)
  const peer = editor.page.getByRole('region', { name: 'Peer review' })
  const assign = peer.getByRole('region', { name: 'Assign reviewers' })
  await assign.getByRole('checkbox', { name: first.name }).check()
  await assign.getByRole('checkbox', { name: second.name }).check()
  await assign.getByRole('button', { name: 'Assign reviewers' }).click()
  await expect(peer.getByRole('table', { name: 'Reviews side by side' })).toContainText(second.name)

  // The first reviewer comments on a span and asks for changes; the second accepts.
  const r1 = await loginInNewContext(demo.reviewer)
  await openAssignment(r1.page, title, 1)
  const line = r1.page.getByTestId('draft-editor').locator('.cm-line').first()
  await expect(line).toContainText('respiratory rate of 24')
  await line.click({ clickCount: 3 })
  await r1.page.getByRole('button', { name: 'Comment on selection' }).click()
  await expect(r1.page.getByTestId('selected-quote')).toContainText('respiratory rate of 24')
  await r1.page.getByRole('textbox', { name: 'Comment', exact: true }).fill(spanComment)
  await r1.page.getByRole('button', { name: 'Add comment' }).click()
  await expect(r1.page.getByRole('region', { name: 'Your comments' })).toContainText(spanComment)
  await scoreAndSubmit(r1.page, 'Major revision')
  const r2 = await loginInNewContext(demo.reviewer2)
  await openAssignment(r2.page, title, 1)
  await scoreAndSubmit(r2.page, 'Accept')

  // The editor reads both and sends it back for changes.
  await editor.page.reload()
  await expect(peer.getByRole('region', { name: 'Reviewers’ comments' })).toContainText(spanComment)
  await decide(peer, 'Revise', 'Please add the normal range, as the first reviewer asks.')
  await expect(peer.getByTestId('decision')).toContainText('Changes requested')

  // The author sees the decision and the span comment, and revises.
  await page.reload()
  await expect(submitCard.getByTestId('item-state')).toHaveText('Changes requested')
  const authorPeer = page.getByRole('region', { name: 'Peer review' })
  await expect(authorPeer.getByTestId('decision')).toContainText('Please add the normal range')
  const comments = authorPeer.getByRole('region', { name: 'Reviewers’ comments' })
  await expect(comments).toContainText(spanComment)
  await expect(comments).toContainText('respiratory rate of 24')
  await comments.getByRole('button', { name: 'Show in the text' }).first().click()
  await page.keyboard.press('End')
  await page.keyboard.insertText(` ${addition}`)
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved')
  await submitCard.getByRole('button', { name: 'Resubmit for review' }).click()
  // Back to the same two reviewers, without waiting for the editor.
  await expect(submitCard.getByTestId('item-state')).toHaveText('In review')

  // The first reviewer opens version 2, sees their comment and the diff, and accepts.
  await openAssignment(r1.page, title, 2)
  const since = r1.page.getByRole('region', { name: /Changes since you reviewed version 1/ })
  await expect(since).toContainText(spanComment)
  const diff = since.getByTestId('version-diff')
  await expect(diff).toContainText('Version 1 → version 2')
  await expect(diff.locator('ins')).toContainText(addition)
  await expect(diff.locator('del')).toContainText('respiratory rate of 24.')
  await scoreAndSubmit(r1.page, 'Accept')
  await openAssignment(r2.page, title, 2)
  await expect(r2.page.getByTestId('version-diff').locator('ins')).toContainText(addition)
  await scoreAndSubmit(r2.page, 'Accept')

  // The editor approves version 2.
  await editor.page.reload()
  await expect(peer).toContainText('Round on version 2')
  await expect(peer.getByRole('table', { name: 'Reviews side by side' })).toContainText('Accept')
  await decide(peer, 'Accept', 'Approved: thank you both.')
  await expect(editor.page.getByTestId('approval')).toContainText('Version 2 approved')
  const hash = (await editor.page.getByTestId('approved-hash').textContent()) ?? ''
  expect(hash).toMatch(/^\S{16,}$/)

  // The author's item shows it approved, with the hash it is bound to, and the versions compare.
  await page.reload()
  await expect(submitCard.getByTestId('item-state')).toHaveText('Approved')
  await expect(page.getByTestId('approved-hash')).toHaveText(hash)
  const compare = page.getByRole('region', { name: 'Compare versions' })
  await expect(compare.getByTestId('version-diff').locator('ins')).toContainText(addition)
})

test('an editor overrides a blocking finding with a reason reviewers see; a reviewer declines and the editor replaces them from the queue', async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  // A third reviewer joins through an invitation, so there is someone to replace a decline with.
  const admin = await apiSignIn(playwright, demo.admin)
  const thirdEmail = uniqueEmail('third-reviewer')
  const thirdPassword = 'third-reviewer-password'
  await apiCall(admin, 'POST', `/api/orgs/${demoOrganisation.slug}/invitations`, {
    email: thirdEmail,
    roles: ['reviewer'],
  })
  const token = linkIn(latestMailTo(thirdEmail)?.text ?? '')
    .split('/')
    .pop()
  const joining = await apiSignUp(playwright, {
    name: 'Dr Tess Third',
    email: thirdEmail,
    password: thirdPassword,
  })
  await apiCall(joining, 'POST', '/api/invitations/accept', { token })
  await joining.dispose()
  const first = await findMember(admin, demo.reviewer)
  const second = await findMember(admin, demo.reviewer2)
  await admin.dispose()

  // The author's case names the patient, who has consented; screening refuses it.
  const title = `Consented case ${Date.now().toString(36)}`
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
  await page.keyboard.insertText('Mrs Ellen Hartley asked us to share her story of sepsis caught early.')
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved')
  const submitCard = page.getByRole('region', { name: 'Review', exact: true })
  await submitCard.getByRole('button', { name: 'Submit for review' }).click()
  await expect(submitCard.getByRole('alert')).toContainText('screening found blocking problems')

  // The editor finds it stopped at screening and overrides each finding with a reason.
  const reason = 'Written consent on file from the patient, form 2026-031, scope: teaching posts.'
  const editor = await loginInNewContext(demo.editor)
  await editor.page.goto('/review-queue')
  await editor.page
    .getByRole('table', { name: 'Stopped at screening' })
    .getByRole('link', { name: title })
    .click()
  const panel = editor.page.getByTestId('override-panel')
  const overrides = panel.getByRole('button', { name: /^Override “/ })
  await expect(overrides.first()).toBeVisible()
  for (let i = 0; i < 10 && (await overrides.count()) > 0; i++) {
    const before = await overrides.count()
    await overrides.first().click()
    await panel.getByLabel('Reason for the override').fill(reason)
    await panel.getByRole('button', { name: 'Override finding' }).click()
    // Wait for this override to land before counting again: the form closes once the findings
    // are read again, and the panel goes when the last one does. While the form is open its own
    // finding's button is hidden, so the count alone would pass too early.
    await expect(panel.getByLabel('Reason for the override')).toHaveCount(0)
    await expect(overrides).toHaveCount(before - 1)
  }
  await expect(panel).toHaveCount(0)
  await expect(editor.page.getByRole('region', { name: 'History' })).toContainText(reason)

  // The author submits the same version again; it goes through.
  await page.reload()
  await submitCard.getByRole('button', { name: 'Submit for review' }).click()
  await expect(submitCard.getByTestId('item-state')).toHaveText('Submitted')

  // The editor assigns the two demo reviewers; the first sees the override and its reason, and declines.
  await editor.page.reload()
  const assign = editor.page.getByRole('region', { name: 'Assign reviewers' })
  await assign.getByRole('checkbox', { name: first.name }).check()
  await assign.getByRole('checkbox', { name: second.name }).check()
  await assign.getByRole('button', { name: 'Assign reviewers' }).click()
  await expect(editor.page.getByRole('table', { name: 'Reviews side by side' })).toContainText(first.name)
  const r1 = await loginInNewContext(demo.reviewer)
  await openAssignment(r1.page, title, 1)
  await expect(r1.page.getByTestId('overrides')).toContainText(reason)
  await r1.page.getByRole('button', { name: 'Decline', exact: true }).click()
  await r1.page.getByLabel('Reason for declining').fill('I treated this patient.')
  await r1.page.getByRole('button', { name: 'Decline review' }).click()
  await expect(r1.page).toHaveURL(/\/reviews$/)
  await expect(
    r1.page
      .getByRole('table', { name: 'Your review assignments' })
      .getByRole('row', { name: new RegExp(title) }),
  ).toContainText('Declined')

  // The queue shows the decline and offers the eligible reviewers, the excluded with reasons.
  await editor.page.goto('/review-queue')
  const row = editor.page
    .getByRole('table', { name: 'In review' })
    .getByRole('row', { name: new RegExp(title) })
  await expect(row).toContainText('I treated this patient.')
  await row.getByRole('button', { name: `Replace a reviewer of ${title}` }).click()
  const modal = editor.page.getByRole('dialog', { name: `Replace a reviewer: ${title}` })
  const excluded = modal.getByRole('list', { name: 'Excluded reviewers' })
  await expect(excluded).toContainText(`${first.name} — the reviewer declined this round`)
  await expect(excluded).toContainText(`${second.name} — the reviewer is already assigned to this round`)
  await modal.getByRole('checkbox', { name: 'Dr Tess Third' }).check()
  await modal.getByRole('button', { name: 'Assign replacement' }).click()
  await expect(modal).toHaveCount(0)
  await expect(row).toContainText('Dr Tess Third: assigned')
  await expect(row.getByRole('button', { name: /^Replace a reviewer/ })).toHaveCount(0)

  // The replacement finds the request in their list.
  const third = await loginInNewContext(thirdEmail, thirdPassword)
  await openAssignment(third.page, title, 1)
  await expect(third.page.getByTestId('overrides')).toContainText(reason)
  expect(itemId).not.toBe('')
})
