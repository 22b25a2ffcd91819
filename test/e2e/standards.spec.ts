import { readFile } from 'node:fs/promises'
import type { Download, Page } from '@playwright/test'
import {
  apiCall,
  apiSignIn,
  baseUrl,
  correctAnswers,
  demo,
  demoOrganisation,
  expect,
  findMember,
  test,
} from './fixtures.ts'

const slug = demoOrganisation.slug

/** YYYY-MM-DD, `months` months before today (UTC). */
function monthsAgo(months: number): string {
  const date = new Date()
  date.setUTCDate(1)
  date.setUTCMonth(date.getUTCMonth() - months)
  return date.toISOString().slice(0, 10)
}

async function downloaded(page: Page, click: () => Promise<void>): Promise<Buffer> {
  const downloading = page.waitForEvent('download')
  await click()
  const download: Download = await downloading
  const path = await download.path()
  return readFile(path)
}

/** The id of the attempt the page shows, from its address. */
function attemptIdOf(page: Page): string {
  const match = new URL(page.url()).pathname.match(/^\/training\/attempts\/([^/]+)$/)
  if (!match?.[1]) throw new Error(`not on an attempt: ${page.url()}`)
  return decodeURIComponent(match[1])
}

/** The questions of the assessment form, each with its id. */
async function questionsOnPage(page: Page) {
  const form = page.getByRole('form', { name: 'Assessment' })
  const cards = form.locator('[data-question-id]')
  await expect(cards).toHaveCount(12)
  const ids = await cards.evaluateAll((elements) =>
    elements.map((el) => el.getAttribute('data-question-id') ?? ''),
  )
  return { form, cards, ids }
}

test('a new author is gated, fails the assessment once, passes, discloses, and becomes ready', async ({
  page,
  login,
  browser,
}) => {
  test.setTimeout(120_000)
  await login(demo.newAuthor)

  // The dashboard says what is missing before they can submit, with a link to put each right.
  await page.goto('/')
  const banner = page.getByTestId('readiness-banner')
  await expect(banner).toContainText("You can't submit for review yet")
  await expect(banner).toContainText('a valid training certificate')
  await expect(banner).toContainText('a current disclosure attestation')
  const checklist = page.getByRole('list', { name: 'Before you post' })
  await expect(checklist.getByRole('listitem').filter({ hasText: 'Pass the training' })).toContainText(
    '(to do)',
  )
  await expect(
    checklist.getByRole('listitem').filter({ hasText: 'Declare your financial relationships' }),
  ).toContainText('(to do)')
  await expect(checklist.getByRole('link', { name: 'Record your disclosures' })).toHaveAttribute(
    'href',
    '/disclosures',
  )
  await expect(page.getByText('Not ready to submit')).toBeVisible()

  // Training: the banner is there too; a lesson renders its Markdown and lists its sources.
  await checklist.getByRole('link', { name: 'Go to training' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Training' })).toBeVisible()
  await expect(page.getByTestId('readiness-banner')).toBeVisible()
  await expect(page.getByText('0 of 5 lessons read')).toBeVisible()
  await page.getByRole('link', { name: /^1\. Confidentiality/ }).click()
  await expect(
    page.getByRole('heading', { level: 1, name: 'Confidentiality, identifiers and consent' }),
  ).toBeVisible()
  await expect(page.getByRole('heading', { level: 2, name: 'Why this matters' })).toBeVisible()
  const sources = page.getByRole('region', { name: 'Sources' })
  await expect(sources.getByRole('link').first()).toHaveAttribute('href', /^https:\/\//)
  await page.getByRole('link', { name: '← All lessons' }).click()
  await expect(page.getByText('1 of 5 lessons read')).toBeVisible()

  // First attempt: the first option everywhere is (by design of the bank) mostly wrong.
  await page.getByRole('button', { name: 'Take the assessment' }).click()
  await expect(page).toHaveURL(/\/training\/attempts\//)
  await expect(page.getByRole('heading', { level: 1, name: 'Assessment' })).toBeVisible()
  let { form, cards } = await questionsOnPage(page)
  // Submitting with questions unanswered is refused in the page.
  await form.getByRole('button', { name: 'Submit answers' }).click()
  await expect(form.getByText('Answer every question before you submit: 12 of 12')).toBeVisible()
  for (let i = 0; i < 12; i++) {
    const card = cards.nth(i)
    const group = card.getByRole('radiogroup').or(card.getByRole('group'))
    await expect(group).toHaveAccessibleName(`Question ${i + 1} of 12`)
    await group.locator('input').first().check()
  }
  await form.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Your result' })).toBeVisible()
  await expect(page.getByText('Not passed this time')).toBeVisible()
  const score = ((await page.getByTestId('assessment-score').textContent()) ?? '').match(/\((\d+)%\)/)
  expect(Number(score?.[1])).toBeLessThan(80)
  const feedback = page.getByTestId('question-feedback')
  await expect(feedback).toHaveCount(12)
  await expect(feedback.first()).toContainText('Your answer')
  await expect(feedback.first()).toContainText('Source:')
  await expect(page.getByRole('button', { name: 'Download the PDF' })).toHaveCount(0)

  // Second attempt, answered correctly (the right answers come from the test database).
  await page.getByRole('button', { name: 'Try again' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Assessment' })).toBeVisible()
  ;({ form, cards } = await questionsOnPage(page))
  const answers = correctAnswers(attemptIdOf(page))
  const ids = await cards.evaluateAll((elements) =>
    elements.map((el) => el.getAttribute('data-question-id') ?? ''),
  )
  for (const [i, id] of ids.entries()) {
    for (const optionId of answers.get(id) ?? []) {
      await cards.nth(i).locator(`input[value="${optionId}"]`).check()
    }
  }
  await form.getByRole('button', { name: 'Submit answers' }).click()
  await expect(page.getByText('You passed')).toBeVisible()
  await expect(page.getByTestId('assessment-score')).toContainText('You scored 12 out of 12 (100%)')

  // The certificate, its expiry, and its documents.
  const certificate = page.getByRole('region', { name: 'Your certificate' })
  await expect(certificate.getByTestId('certificate-dates')).toContainText('Valid until')
  await expect(certificate).toContainText('(12 months)')
  const pdf = await downloaded(page, () =>
    certificate.getByRole('link', { name: 'Download the PDF' }).click(),
  )
  expect(pdf.subarray(0, 4).toString('latin1')).toBe('%PDF')
  const badge = await downloaded(page, () =>
    certificate.getByRole('link', { name: 'Download the Open Badges credential' }).click(),
  )
  // A VC-JWT signed by the organisation: the payload is the OpenBadgeCredential.
  const jwt = badge.toString('utf8').trim()
  const credential = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
    type: string[]
  }
  expect(credential.type).toContain('OpenBadgeCredential')
  // Anyone can check it: the signature, then the certificate's standing.
  const checker = await page.context().newPage()
  await checker.goto('/credentials/verify')
  await checker.getByRole('textbox', { name: 'Credential' }).fill(jwt)
  await checker.getByRole('button', { name: 'Check' }).click()
  const result = checker.getByRole('status', { name: 'Result' })
  await expect(result.getByText('Verified', { exact: true })).toBeVisible()
  await expect(result.getByText('Signature valid', { exact: true })).toBeVisible()
  await expect(result).toContainText('Alex Morgan')
  await checker.getByRole('textbox', { name: 'Credential' }).fill(`${jwt.slice(0, -4)}AAAA`)
  await checker.getByRole('button', { name: 'Check' }).click()
  await expect(result.getByText('Not verified', { exact: true })).toBeVisible()
  await expect(result.getByText('Signature does not match', { exact: true })).toBeVisible()
  await checker.close()
  await expect(certificate.getByRole('link', { name: 'Open the printable page' })).toHaveAttribute(
    'href',
    /\/certificates\/[^/]+\/html$/,
  )
  const verification = certificate.getByRole('textbox', { name: 'Public verification link' })
  // The link is the readable page; it reads the JSON answer, which machines can fetch directly.
  const link = await verification.inputValue()
  expect(link).toMatch(/\/certificates\/[^/]+$/)
  expect(link).not.toContain('/api/')
  const check = await page.request.get(link.replace('/certificates/', '/api/certificates/'))
  expect(await check.json()).toMatchObject({ status: 'valid', holderName: 'Alex Morgan' })
  const verify = await page.context().newPage()
  await verify.goto(link)
  await expect(verify.getByText('Valid', { exact: true })).toBeVisible()
  await expect(verify.getByText(/Alex Morgan completed/)).toBeVisible()
  await verify.close()

  // The dashboard now has the training done and the disclosure still to do.
  await page.goto('/')
  await expect(checklist.getByRole('listitem').filter({ hasText: 'Pass the training' })).toContainText(
    '(done)',
  )
  await expect(page.getByTestId('readiness-banner')).not.toContainText('training certificate')

  // Disclosures: speaker fees from a company picked from the list.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Disclosures' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Disclosures' })).toBeVisible()
  await expect(page.getByTestId('attestation-status')).toContainText('You have not attested yet')
  await expect(page.getByText('Your register is empty: no relationships recorded')).toBeVisible()
  await page.getByRole('button', { name: 'Add a relationship' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add a relationship' })
  await dialog.getByRole('combobox', { name: 'Company' }).fill('Pfiz')
  await page.getByRole('option', { name: 'Pfizer', exact: true }).click()
  await expect(dialog.getByRole('combobox', { name: 'Company' })).toHaveValue('Pfizer')
  await dialog.getByRole('combobox', { name: 'Nature of the relationship' }).click()
  await page.getByRole('option', { name: 'Speaker fees' }).click()
  const start = monthsAgo(10)
  const end = monthsAgo(2)
  await dialog.getByLabel('Start date').fill(start)
  // An end before the start is caught at the field.
  await dialog.getByLabel('End date').fill(monthsAgo(11))
  await dialog.getByRole('button', { name: 'Add relationship' }).click()
  await expect(dialog.getByText('The end date is before the start date')).toBeVisible()
  await dialog.getByLabel('End date').fill(end)
  await dialog.getByRole('button', { name: 'Add relationship' }).click()
  await expect(dialog).toBeHidden()
  const register = page.getByRole('table', { name: 'Financial relationships' })
  await expect(register.getByRole('row').filter({ hasText: 'Pfizer' })).toContainText('Speaker fees')

  const years =
    start.slice(0, 4) === end.slice(0, 4) ? start.slice(0, 4) : `${start.slice(0, 4)}–${end.slice(0, 4)}`
  const statement = `Alex Morgan has received speaker fees from Pfizer (${years}).`
  await expect(page.getByTestId('disclosure-statement')).toHaveText(statement)

  await page.getByRole('button', { name: 'My list is complete' }).click()
  await expect(page.getByTestId('attestation-status')).toContainText('that your list is complete')
  await expect(page.getByRole('region', { name: 'Attestation' })).toContainText('Current')

  // The author card on the profile, and the public card anyone can open, carry the statement.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Profile' }).click()
  const appear = page.getByRole('region', { name: 'How you appear' })
  await expect(appear.getByTestId('author-card-statement')).toHaveText(statement)
  const href = await appear.getByRole('link', { name: 'Open your public author card' }).getAttribute('href')
  expect(href).toMatch(/^\/authors\/[^/?]+\?org=demo$/)
  const visitor = await browser.newContext({ baseURL: baseUrl() })
  try {
    const publicPage = await visitor.newPage()
    await publicPage.goto(href ?? '')
    await expect(publicPage.getByRole('heading', { level: 1, name: 'Alex Morgan' })).toBeVisible()
    await expect(publicPage.getByText('Medical student')).toBeVisible()
    await expect(publicPage.getByTestId('author-card-statement')).toHaveText(statement)
  } finally {
    await visitor.close()
  }

  // Ready: no banner, and the checklist says so.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' }).click()
  await expect(page.getByText('Ready to submit', { exact: true })).toBeVisible()
  await expect(page.getByText('You can submit content for review')).toBeVisible()
  await expect(page.getByTestId('readiness-banner')).toHaveCount(0)
  for (const item of [
    'Pass the training',
    'Give the name you publish under',
    'Declare your financial relationships',
  ]) {
    await expect(checklist.getByRole('listitem').filter({ hasText: item })).toContainText('(done)')
  }
})

test('the demo author is ready: certificate on the training page, "none" attested', async ({
  page,
  login,
}) => {
  await login(demo.author)
  await page.goto('/')
  await expect(page.getByText('Ready to submit', { exact: true })).toBeVisible()
  await expect(page.getByTestId('readiness-banner')).toHaveCount(0)

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Training' }).click()
  await expect(page.getByRole('region', { name: 'Your certificate' })).toContainText('Valid until')
  const mine = page.getByRole('table', { name: 'My certificates' })
  await expect(mine.getByRole('row').filter({ hasText: demoOrganisation.name })).toContainText('Valid')

  await page.goto('/disclosures')
  await expect(page.getByRole('region', { name: 'Attestation' })).toContainText('Current')
  await expect(page.getByTestId('attestation-status')).toContainText('no relevant financial relationships')
  await expect(page.getByTestId('disclosure-statement')).toContainText(
    'has no relevant financial relationships with ineligible companies.',
  )
  await expect(page.getByTestId('dropped-out')).toContainText('drop out of the register automatically')
})

test('an admin changes the reviewers required and it persists; a reviewer reads the policy only', async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const settingsPath = `/api/orgs/${slug}/settings`
  const before = await apiCall<{ reviewersRequired: number }>(admin, 'GET', settingsPath)
  const next = before.reviewersRequired === 3 ? 4 : 3
  try {
    await login(demo.admin)
    await page.goto('/settings')
    const policy = page.getByRole('form', { name: 'Organisation policy' })
    const reviewers = policy.getByRole('textbox', { name: 'Reviewers required' })
    await expect(reviewers).toHaveValue(String(before.reviewersRequired))
    await expect(policy.getByRole('radio', { name: 'Both UK and US' })).toBeChecked()
    // A missing number is caught at the field (out-of-range numbers are clamped as you leave it).
    await reviewers.fill('')
    await policy.getByRole('button', { name: 'Save policy' }).click()
    await expect(policy.getByText('Enter a number of reviewers from 1 to 5')).toBeVisible()
    await reviewers.fill(String(next))
    await policy.getByRole('button', { name: 'Save policy' }).click()
    await expect(page.getByText('The organisation policy has been saved.')).toBeVisible()
    await page.reload()
    await expect(reviewers).toHaveValue(String(next))
    expect((await apiCall<{ reviewersRequired: number }>(admin, 'GET', settingsPath)).reviewersRequired).toBe(
      next,
    )

    const reviewer = await loginInNewContext(demo.reviewer)
    await reviewer.page.goto('/settings')
    await expect(reviewer.page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
    const table = reviewer.page.getByRole('table', { name: 'Organisation policy' })
    await expect(table.getByRole('row', { name: /Reviewers required/ })).toContainText(String(next))
    await expect(reviewer.page.getByText('Only admins can change the policy.')).toBeVisible()
    await expect(reviewer.page.getByRole('button', { name: 'Save policy' })).toHaveCount(0)
    await expect(reviewer.page.getByRole('textbox', { name: 'Reviewers required' })).toHaveCount(0)
    await expect(reviewer.page.getByRole('link', { name: 'View the screening policy' })).toBeVisible()
  } finally {
    await apiCall(admin, 'PATCH', settingsPath, { reviewersRequired: before.reviewersRequired })
    await admin.dispose()
  }
})

test('an admin adds a lesson of their own, learners read it, and the admin withdraws it', async ({
  page,
  login,
  loginInNewContext,
}) => {
  const title = `Our ward's photo policy ${Date.now().toString(36)}`
  await login(demo.admin)
  await page.goto('/settings')
  await page.getByRole('link', { name: 'Manage training' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Training content' })).toBeVisible()
  const lessons = page.getByRole('table', { name: 'Lessons' })
  // Built-in lessons are read-only.
  const builtIn = lessons.getByRole('row').filter({ hasText: 'Confidentiality, identifiers and consent' })
  await expect(builtIn).toContainText('Built in')
  await expect(builtIn.getByRole('button', { name: /^Edit/ })).toHaveCount(0)

  await page.getByRole('button', { name: 'Add a lesson' }).click()
  const dialog = page.getByRole('dialog', { name: 'Add a lesson' })
  await dialog.getByRole('textbox', { name: 'Title' }).fill(title)
  await dialog
    .getByRole('textbox', { name: 'Summary' })
    .fill('When you may photograph a patient on our ward.')
  await dialog
    .getByRole('textbox', { name: 'Lesson (Markdown)' })
    .fill(
      '## Photographs\n\nUse **trust devices** only. <script>alert(1)</script>\n\n- Ask first\n- Record consent',
    )
  await dialog.getByRole('button', { name: 'Add a source' }).click()
  await dialog
    .getByRole('textbox', { name: 'Source 1 title' })
    .fill('Making and using visual and audio recordings of patients')
  await dialog.getByRole('textbox', { name: 'Publisher' }).fill('General Medical Council')
  await dialog.getByRole('textbox', { name: 'Web address' }).fill('https://www.gmc-uk.org/')
  await dialog.getByRole('button', { name: 'Save lesson' }).click()
  await expect(dialog).toBeHidden()
  const row = lessons.getByRole('row').filter({ hasText: title })
  await expect(row).toContainText('Your organisation')
  await expect(row).toContainText('Published')

  // An author sees and reads it; the Markdown is rendered, the script is not.
  const author = await loginInNewContext(demo.author)
  await author.page.goto('/training')
  await author.page.getByRole('link', { name: new RegExp(title) }).click()
  await expect(author.page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(author.page.getByRole('heading', { level: 2, name: 'Photographs' })).toBeVisible()
  await expect(author.page.locator('article strong')).toHaveText('trust devices')
  await expect(author.page.locator('article script')).toHaveCount(0)
  await expect(author.page.getByRole('region', { name: 'Sources' }).getByRole('link')).toHaveAttribute(
    'href',
    'https://www.gmc-uk.org/',
  )

  // Withdrawn, it leaves the learners' list.
  await row.getByRole('button', { name: `Withdraw ${title}` }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Withdraw' }).click()
  await expect(row).toContainText('Withdrawn')
  await author.page.goto('/training')
  await expect(author.page.getByRole('link', { name: /^1\. / })).toBeVisible()
  await expect(author.page.getByRole('link', { name: new RegExp(title) })).toHaveCount(0)

  // The organisation's certificates include the demo author's.
  await page.getByRole('tab', { name: 'Certificates' }).click()
  await expect(
    page.getByRole('table', { name: 'Certificates' }).getByRole('row').filter({ hasText: 'Jo Patel' }),
  ).toContainText('Valid')
})

test('an editor records mitigation for a member’s relationship', async ({ page, login, playwright }) => {
  // The second reviewer records a relationship (removed again at the end: sign-ups are rate
  // limited, so a demo member with no other disclosure checks is used rather than a new account).
  const admin = await apiSignIn(playwright, demo.admin)
  const sam = await findMember(admin, demo.reviewer2)
  await admin.dispose()
  const member = await apiSignIn(playwright, demo.reviewer2)
  const { relationship } = await apiCall<{ relationship: { id: string } }>(
    member,
    'POST',
    '/api/me/disclosures/relationships',
    { companyName: 'Novo Nordisk', nature: 'advisory_board', startDate: monthsAgo(6), endDate: null },
  )
  try {
    await login(demo.editor)
    await page.goto('/members')
    await page.getByRole('main').getByRole('link', { name: 'Disclosures', exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Organisation disclosures' })).toBeVisible()
    const row = page.getByTestId(`disclosure-${sam.userId}`)
    await expect(row).toContainText('Not attested')
    await expect(row).toContainText('Novo Nordisk')
    await expect(row).toContainText('Advisory board')
    await expect(row).toContainText('ongoing')
    await row.getByRole('button', { name: `Record mitigation for ${sam.name}: Novo Nordisk` }).click()
    const dialog = page.getByRole('dialog', { name: 'Record mitigation' })
    await dialog.getByRole('textbox', { name: 'Mitigation steps' }).fill('short')
    await dialog.getByRole('button', { name: 'Record mitigation' }).click()
    await expect(dialog.getByText('Describe the steps (at least 10 characters)')).toBeVisible()
    const steps = 'Extra independent review by a reviewer without ties to Novo Nordisk'
    await dialog.getByRole('textbox', { name: 'Mitigation steps' }).fill(steps)
    await dialog.getByRole('button', { name: 'Record mitigation' }).click()
    await expect(dialog).toBeHidden()
    await expect(row).toContainText(steps)
    await page.getByText('With relationships', { exact: true }).click()
    await expect(page.getByRole('radio', { name: 'With relationships' })).toBeChecked()
    await expect(row).toBeVisible()
    await expect(page.getByRole('table', { name: 'Member disclosures' })).not.toContainText('Jo Patel')

    // The member sees the mitigation on their own register.
    await login(demo.reviewer2)
    await page.goto('/disclosures')
    const register = page.getByRole('table', { name: 'Financial relationships' })
    await expect(register.getByRole('row').filter({ hasText: 'Novo Nordisk' })).toContainText(steps)

    // A reviewer has no organisation view.
    await page.goto('/disclosures/organisation')
    await expect(page.getByRole('heading', { level: 1, name: 'Not available' })).toBeVisible()
  } finally {
    await apiCall(member, 'DELETE', `/api/me/disclosures/relationships/${relationship.id}`)
    await member.dispose()
  }
})

test('an admin revokes a certificate; its public page and the holder see it revoked', async ({
  page,
  login,
  loginInNewContext,
}) => {
  // Alex Morgan (the new author) passed the assessment earlier in this file.
  await login(demo.admin)
  await page.goto('/settings/training')
  await page.getByRole('tab', { name: 'Certificates' }).click()
  const row = page
    .getByRole('table', { name: 'Certificates' })
    .getByRole('row')
    .filter({ hasText: 'Alex Morgan' })
  await expect(row).toContainText('Valid')
  await row.getByRole('button', { name: 'Revoke' }).click()
  const dialog = page.getByRole('dialog', { name: 'Revoke the certificate' })
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('no')
  await dialog.getByRole('button', { name: 'Revoke' }).click()
  await expect(dialog.getByText('Say why (at least 5 characters)')).toBeVisible()
  await dialog.getByRole('textbox', { name: 'Reason' }).fill('Issued in error: the assessment was shared')
  await dialog.getByRole('button', { name: 'Revoke' }).click()
  await expect(page.getByText('Alex Morgan’s certificate was revoked.')).toBeVisible()
  await expect(row).toContainText('Revoked')
  await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0)

  // The holder no longer holds a valid certificate; their list shows it revoked, and its public page says why.
  const holder = await loginInNewContext(demo.newAuthor)
  await holder.page.goto('/training')
  await expect(holder.page.getByRole('region', { name: 'Your certificate' })).toHaveCount(0)
  const mine = holder.page.getByRole('table', { name: 'My certificates' }).getByRole('row').nth(1)
  await expect(mine).toContainText('Revoked')
  await mine.getByRole('link', { name: 'Public page' }).click()
  await expect(holder.page.getByText('Revoked', { exact: true }).first()).toBeVisible()
  await expect(holder.page.getByRole('alert')).toContainText('Issued in error: the assessment was shared')
  await holder.context.close()
})
