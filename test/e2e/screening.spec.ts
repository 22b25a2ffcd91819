import type { Page } from '@playwright/test'
import { apiCall, apiSignIn, demo, demoOrganisation, expect, test } from './fixtures.ts'

const example =
  'Fascinating case on Ward 7B today — Mrs Ellen Hartley, 93, from Little Snoring, admitted 3 March with chest pain.'
const policyPath = `/api/orgs/${demoOrganisation.slug}/screening-policy`

type PolicyState = {
  version: string
  policy: {
    packs: string[]
    severityOverrides: Record<string, string>
    lexicons: {
      ignoreNames: string[]
      trustedDomains: string[]
      brands: { brand: string; company: string; generic?: string }[]
      derogatory: string[]
    }
  }
  retractedDoiCount: number
  history: { version: number; note: string }[]
}

/** Types into the draft editor the way a person does, key by key. */
async function typeDraft(page: Page, text: string) {
  const editor = page.getByRole('textbox', { name: 'Draft' })
  await editor.click()
  await page.keyboard.type(text)
  return editor
}

/** Pastes into the draft editor (one input event, as a paste is). */
async function pasteDraft(page: Page, text: string) {
  const editor = page.getByRole('textbox', { name: 'Draft' })
  await editor.click()
  await page.keyboard.insertText(text)
  return editor
}

/** The highlights of one severity in the editor, as their texts. */
function highlights(page: Page, severity: 'block' | 'warn' | 'info') {
  return page.getByTestId('draft-editor').locator(`.cm-finding-${severity}`)
}

/** The finding in the list for this rule on this matched text. */
function finding(page: Page, ruleId: string, text: string) {
  return page
    .getByRole('region', { name: 'Findings' })
    .getByRole('listitem')
    .filter({ hasText: ruleId })
    .filter({ hasText: `“${text}”` })
}

/** "5 blocking, 1 warning, 0 info" → 5 */
function blocking(counts: string): number {
  const match = counts.match(/(\d+) blocking/)
  if (!match) throw new Error(`no blocking count in "${counts}"`)
  return Number(match[1])
}

/** Saves the policy through the API as it was (the retracted DOIs, not sent, are kept). */
async function restorePolicy(admin: Awaited<ReturnType<typeof apiSignIn>>, original: PolicyState) {
  const { packs, severityOverrides, lexicons } = original.policy
  await apiCall(admin, 'PUT', policyPath, {
    policy: { packs, severityOverrides, lexicons },
    note: 'e2e: restore the policy',
  })
}

test('an author sees findings highlighted as they type, fixes one, and the server agrees', async ({
  page,
  login,
}) => {
  await login(demo.author)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Check a draft' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Check a draft' })).toBeVisible()

  const editor = await typeDraft(page, example)

  // Without pressing anything: the identifiers are highlighted in place and listed with their guidance.
  await expect(highlights(page, 'block')).toContainText(['Ellen Hartley', '93', 'Little Snoring', '3 March'])
  const name = finding(page, 'confidentiality.name', 'Ellen Hartley')
  await expect(name).toBeVisible()
  await expect(name).toContainText('HIPAA 45 CFR 164.514(b)(2)(i)(A)')
  await expect(name).toContainText('Block')
  await expect(finding(page, 'confidentiality.age', '93')).toBeVisible()
  await expect(finding(page, 'confidentiality.location', 'Little Snoring')).toBeVisible()
  await expect(finding(page, 'confidentiality.date', '3 March')).toBeVisible()
  const blockingGroup = page.getByRole('region', { name: /^Blocking \(\d+\)$/ })
  await expect(blockingGroup.getByRole('listitem').filter({ hasText: 'Ellen Hartley' })).toHaveCount(1)
  // The author's own name (Jo Patel) is never a patient's.
  await editor.press('End')
  await page.keyboard.type(' Jo Patel')
  await expect(page.getByTestId('draft-editor')).toContainText('chest pain. Jo Patel')
  await expect(highlights(page, 'block').filter({ hasText: 'Jo Patel' })).toHaveCount(0)
  await expect(finding(page, 'confidentiality.name', 'Jo Patel')).toHaveCount(0)

  // A finding's matched text takes the keyboard to its span in the draft.
  const show = finding(page, 'confidentiality.location', 'Little Snoring').getByRole('button', {
    name: 'Show “Little Snoring” in the draft',
  })
  await show.focus()
  await page.keyboard.press('Enter')
  await expect(editor).toBeFocused()
  // (runs in the page; the test's own type context has no DOM types)
  const selected = await page.evaluate(() =>
    String((globalThis as { getSelection?: () => { toString(): string } | null }).getSelection?.() ?? ''),
  )
  expect(selected).toBe('Little Snoring')

  // One-click fix: the name becomes [patient] and its finding goes.
  await name.getByRole('button', { name: 'Fix: replace “Ellen Hartley” with [patient]' }).click()
  await expect(editor).toContainText('Mrs [patient],')
  await expect(editor).not.toContainText('Ellen Hartley')
  await expect(name).toHaveCount(0)
  await expect(highlights(page, 'block').filter({ hasText: 'Ellen Hartley' })).toHaveCount(0)
  await expect(finding(page, 'confidentiality.location', 'Little Snoring')).toBeVisible()

  // The server, the gate, screens the same draft under the same policy and finds as many blockers.
  const liveCounts = (await page.getByTestId('live-counts').textContent()) ?? ''
  expect(blocking(liveCounts)).toBeGreaterThanOrEqual(3)
  await page.getByRole('button', { name: 'Check on the server' }).click()
  const server = page.getByRole('region', { name: 'Server report' })
  await expect(server.getByTestId('server-counts')).toHaveText(liveCounts)
  expect(blocking((await server.getByTestId('server-counts').textContent()) ?? '')).toBe(blocking(liveCounts))
  await expect(server).toContainText(/Engine \d+\.\d+\.\d+/)
  await expect(server).toContainText('The server found the same as the live check.')

  // Editing afterwards marks the server's report as out of date.
  await editor.press('End')
  await page.keyboard.type(' More.')
  await expect(server).toContainText('The draft has changed since this check.')
})

test('advice is not a fix, channel limits apply, and redaction replaces every blocking span', async ({
  page,
  login,
}) => {
  await login(demo.author)
  await page.goto('/check')
  // On a busy machine the first click can land before the page is ready for it: try again.
  const x = page.getByRole('checkbox', { name: 'X', exact: true })
  await expect(async () => {
    await x.check({ timeout: 2_000 })
    await expect(x).toBeChecked({ timeout: 1_000 })
  }).toPass({ timeout: 30_000 })
  const long = `${'Sepsis teaching thread. '.repeat(15)}Start antibiotics within the hour.`
  const editor = await pasteDraft(page, long)

  const length = page
    .getByRole('region', { name: 'Findings' })
    .getByRole('listitem')
    .filter({ hasText: 'platform.length' })
  await expect(length).toContainText('Suggestion: Split into 2 posts')
  await expect(length.getByRole('button', { name: /^Fix/ })).toHaveCount(0)
  await expect(highlights(page, 'warn').first()).toBeVisible()

  // Unticking the channel removes its length finding.
  await page.getByRole('checkbox', { name: 'X', exact: true }).uncheck()
  await expect(length).toHaveCount(0)

  await editor.press('ControlOrMeta+a')
  await page.keyboard.press('Delete')
  await page.keyboard.type(example)
  await expect(highlights(page, 'block')).toContainText(['Ellen Hartley', '3 March'])
  await page.getByRole('button', { name: 'Redact all blocking' }).click()
  await expect(editor).toHaveText(
    'Fascinating case on [ward] today — Mrs [patient], [age 90+], from [place], admitted [date] with chest pain.',
  )
  await expect(finding(page, 'confidentiality.name', 'Ellen Hartley')).toHaveCount(0)
  await expect(finding(page, 'confidentiality.date', '3 March')).toHaveCount(0)
})

test("an admin's names-to-ignore reach the author's live check", async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const original = await apiCall<PolicyState>(admin, 'GET', policyPath)
  expect(original.policy.lexicons.ignoreNames).not.toContain('Ellen Hartley')
  try {
    // Before: the author's check flags the name.
    const author = await loginInNewContext(demo.author)
    await author.page.goto('/check')
    await pasteDraft(author.page, example)
    await expect(finding(author.page, 'confidentiality.name', 'Ellen Hartley')).toBeVisible()

    // The admin adds the name to the names to ignore, with a note, from Settings.
    await login(demo.admin)
    await page.goto('/settings')
    await page.getByRole('link', { name: 'Edit the screening policy' }).click()
    await expect(page.getByRole('heading', { level: 1, name: 'Screening policy' })).toBeVisible()
    await page.getByRole('button', { name: /^Confidentiality \d+ rules/ }).click()
    await expect(page.getByRole('table', { name: 'Confidentiality rules' })).toContainText(
      'confidentiality.name',
    )
    const names = page.getByRole('textbox', { name: 'Names to ignore' })
    const before = await names.inputValue()
    await names.fill(before ? `${before}\nEllen Hartley` : 'Ellen Hartley')
    await page.getByRole('button', { name: 'Save policy' }).click()
    await expect(page.getByText('Say what changed and why')).toBeVisible()
    await page.getByRole('textbox', { name: 'Change note' }).fill('e2e: Ellen Hartley is a staff nurse')
    await page.getByRole('button', { name: 'Save policy' }).click()
    await expect(page.getByText(/^Screening policy saved as demo@v\d+\.$/)).toBeVisible()
    const saved = await apiCall<PolicyState>(admin, 'GET', policyPath)
    expect(saved.version).not.toBe(original.version)
    expect(saved.policy.lexicons.ignoreNames).toContain('Ellen Hartley')
    expect(saved.retractedDoiCount).toBe(original.retractedDoiCount)
    await expect(page.getByTestId('policy-version')).toHaveText(saved.version)
    await expect(page.getByRole('table', { name: 'Version history' }).getByRole('row').nth(1)).toContainText(
      'e2e: Ellen Hartley is a staff nurse',
    )

    // After: a fresh check under the new version no longer flags her; the other identifiers still are.
    await author.page.reload()
    await expect(author.page.getByRole('link', { name: saved.version })).toBeVisible()
    await pasteDraft(author.page, example)
    await expect(finding(author.page, 'confidentiality.date', '3 March')).toBeVisible()
    await expect(finding(author.page, 'confidentiality.location', 'Little Snoring')).toBeVisible()
    await expect(finding(author.page, 'confidentiality.name', 'Ellen Hartley')).toHaveCount(0)
    await expect(highlights(author.page, 'block').filter({ hasText: 'Ellen Hartley' })).toHaveCount(0)
  } finally {
    await restorePolicy(admin, original)
    const restored = await apiCall<PolicyState>(admin, 'GET', policyPath)
    expect(restored.policy.lexicons.ignoreNames).toEqual(original.policy.lexicons.ignoreNames)
    await admin.dispose()
  }
})

test('a reviewer can read the screening policy but not change it', async ({ page, login }) => {
  await login(demo.reviewer)
  await page.goto('/check')
  await page.getByRole('region', { name: 'Findings' }).getByRole('link').click()
  await expect(page).toHaveURL(/\/settings\/screening$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Screening policy' })).toBeVisible()
  await expect(page.getByText('Only admins can change the screening policy.')).toBeVisible()
  await page.getByRole('button', { name: /^Confidentiality \d+ rules/ }).click()
  await expect(page.getByRole('table', { name: 'Confidentiality rules' })).toContainText(
    'confidentiality.name',
  )
  await expect(page.getByRole('combobox', { name: 'Severity for confidentiality.name' })).toBeDisabled()
  await expect(page.getByRole('textbox', { name: 'Names to ignore' })).not.toBeEditable()
  await expect(page.getByRole('checkbox', { name: 'Confidentiality' })).toBeDisabled()
  await expect(page.getByRole('button', { name: 'Save policy' })).toHaveCount(0)
  await expect(page.getByLabel('Import a retraction list (CSV)')).toHaveCount(0)
  await expect(page.getByRole('region', { name: 'Version history' })).toBeVisible()
  // The organisation's settings are readable by every member, changeable only by admins.
  await page.goto('/settings')
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await expect(page.getByText('Only admins can change the policy.')).toBeVisible()
  await expect(page.getByRole('button', { name: 'Save policy' })).toHaveCount(0)
  await expect(page.getByRole('link', { name: 'Manage training' })).toHaveCount(0)
})

test('an admin imports a retraction list and the server blocks a retracted reference', async ({
  page,
  login,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const original = await apiCall<PolicyState>(admin, 'GET', policyPath)
  const csv = [
    'Record ID,Title,OriginalPaperDOI,RetractionDOI',
    '1,"A retracted trial, with a comma",10.9999/e2e.retracted.1,10.9999/e2e.notice.1',
    '2,Another,10.9999/E2E.Retracted.2,10.9999/e2e.notice.2',
  ].join('\n')
  try {
    await login(demo.admin)
    await page.goto('/settings/screening')
    await page.getByLabel('Import a retraction list (CSV)').setInputFiles({
      name: 'retractions.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(csv),
    })
    await expect(page.getByText('Read 2 DOIs from retractions.csv.')).toBeVisible()
    await page.getByRole('textbox', { name: 'Change note' }).fill('e2e: retraction list')
    await page.getByRole('button', { name: 'Save policy' }).click()
    await expect(page.getByTestId('retracted-count')).toHaveText('The policy lists 2 retracted DOIs.')

    // The server applies it; the browser preview does not have the list and says so.
    await page.goto('/check')
    await pasteDraft(page, 'Statins halve mortality [1].')
    await page.getByRole('textbox', { name: 'References' }).fill('doi:10.9999/e2e.retracted.1')
    await expect(page.getByText(/checked against 2 retracted papers on the server only/)).toBeVisible()
    await page.getByRole('button', { name: 'Check on the server' }).click()
    const server = page.getByRole('region', { name: 'Server report' })
    await expect(server).toContainText('evidence.reference-retracted')
  } finally {
    // Restoring the lists does not restore the DOIs (they are kept unless replaced): empty them too.
    const { packs, severityOverrides, lexicons } = original.policy
    if (original.retractedDoiCount === 0) {
      await apiCall(admin, 'PUT', policyPath, {
        policy: { packs, severityOverrides, lexicons, retractedDois: [] },
        note: 'e2e: restore the policy',
      })
    } else {
      await restorePolicy(admin, original)
    }
    await admin.dispose()
  }
})
