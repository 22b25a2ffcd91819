import { apiCall, apiSignUp, expect, test, uniqueEmail } from './fixtures.ts'

test('the audit log lists events newest first and loads older ones on demand', async ({
  page,
  login,
  playwright,
}) => {
  const email = uniqueEmail('auditor')
  const password = 'auditor-password-123'
  const founder = await apiSignUp(playwright, { name: 'Dr Audit Founder', email, password })
  const slug = `audit-${Date.now().toString(36)}`
  await apiCall(founder, 'POST', '/api/orgs', { slug, name: 'Audit Trail Clinic' })
  // 55 invitations: more than one page (50) of events.
  for (let i = 1; i <= 55; i++) {
    await apiCall(founder, 'POST', `/api/orgs/${slug}/invitations`, {
      email: `invitee-${i}-${slug}@e2e.example`,
      roles: ['author'],
    })
  }
  const first = await apiCall<{ events: { seq: number }[] }>(
    founder,
    'GET',
    `/api/orgs/${slug}/audit?limit=200`,
  )
  const total = first.events.length
  expect(total).toBeGreaterThan(55)
  await founder.dispose()

  await login(email, password)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible()

  const table = page.getByRole('table', { name: 'Audit events' })
  const rows = table.locator('tbody tr')
  await expect(rows).toHaveCount(50)
  await expect(rows.first()).toContainText('member.invited')
  await expect(rows.first()).toContainText('Dr Audit Founder')

  await page.getByRole('button', { name: 'Load more' }).click()
  await expect(rows).toHaveCount(total)
  await expect(page.getByRole('button', { name: 'Load more' })).toHaveCount(0)
  await expect(page.getByText(`Showing all ${total} events.`)).toBeVisible()

  // Newest first, no event shown twice.
  const seqs = (await rows.locator('td:first-child').allInnerTexts()).map(Number)
  expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
  expect(new Set(seqs).size).toBe(seqs.length)
})
