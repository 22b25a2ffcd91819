import { apiCall, apiSignIn, baseUrl, demo, demoOrganisation, expect, test } from './fixtures.ts'

test('an admin sees the organisation’s fediverse handle and follows another account as the organisation', async ({
  page,
  login,
  playwright,
}) => {
  const host = new URL(baseUrl()).host
  // Another organisation on this Rounds to follow (any signed-in person may create one).
  const other = `e2e-${Date.now().toString(36)}`
  const admin = await apiSignIn(playwright, demo.admin)
  try {
    await apiCall(admin, 'POST', '/api/orgs', { slug: other, name: 'Other teaching channel' })
  } finally {
    await admin.dispose()
  }

  await login(demo.admin)
  await page.goto('/publishing')
  await page.getByRole('link', { name: 'Followers, follows and received posts' }).click()
  await expect(page.getByRole('heading', { name: 'Fediverse', level: 1 })).toBeVisible()
  await expect(page.getByText(`@${demoOrganisation.slug}@${host}`)).toBeVisible()
  await expect(page.getByText('The organisation follows no one yet.')).toBeVisible()
  await expect(page.getByText('Posts from the accounts the organisation follows appear here.')).toBeVisible()

  // A handle that names no account is refused in words.
  await page.getByLabel('Follow an account').fill(`@nobody-here@${host}`)
  await page.getByRole('button', { name: 'Follow' }).click()
  await expect(page.getByText(`no fediverse account found at @nobody-here@${host}`)).toBeVisible()

  await page.getByLabel('Follow an account').fill(`@${other}@${host}`)
  await page.getByRole('button', { name: 'Follow' }).click()
  await expect(page.getByText(`@${other}@${host}`)).toBeVisible()
  await expect(page.getByLabel('Follow an account')).toHaveValue('')
  // The other organisation is on this Rounds: its signed Accept comes back and the follow is on.
  await expect(async () => {
    await page.reload()
    await expect(page.locator('.mantine-Badge-label', { hasText: /^Following$/ })).toBeVisible({
      timeout: 2_000,
    })
  }).toPass({ timeout: 30_000 })

  // The public page links its feeds and the actor; it is served by the server, not the web app.
  const res = await page.request.get(`/orgs/${other}`, { headers: { accept: 'text/html' } })
  expect(res.status()).toBe(200)
  expect(await res.text()).toContain('type="application/rss+xml"')
})

test('an author cannot manage the fediverse account', async ({ page, login }) => {
  await login(demo.author)
  await page.goto('/publishing/fediverse')
  await expect(
    page.getByText('Editors and admins manage the organisation’s fediverse account.'),
  ).toBeVisible()
})
