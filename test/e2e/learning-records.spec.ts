import { randomUUID } from 'node:crypto'
import { baseUrl, demo, expect, test } from './fixtures.ts'

test('an admin creates LRS credentials that work at /xapi/, sees the secret once, and revokes them', async ({
  page,
  login,
}) => {
  await login(demo.admin)
  await page.goto('/settings')
  await page.getByRole('link', { name: 'Manage learning records' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Learning records' })).toBeVisible()

  const name = `Moodle ${Date.now().toString(36)}`
  await page.getByLabel('New client').fill(name)
  await page.getByRole('button', { name: 'Create credentials' }).click()
  const shown = page.getByRole('status').filter({ hasText: `Credentials for ${name}` })
  await expect(shown).toBeVisible()
  const codes = await shown.locator('code').allTextContents()
  const [key, secret] = codes as [string, string]
  expect(key).toMatch(/^rlrs_/)

  // The credentials work against the LRS.
  const auth = `Basic ${Buffer.from(`${key}:${secret}`).toString('base64')}`
  const headers = {
    authorization: auth,
    'x-experience-api-version': '1.0.3',
    'content-type': 'application/json',
  }
  const id = randomUUID()
  const post = await fetch(`${baseUrl()}/xapi/statements`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      id,
      actor: { mbox: 'mailto:learner@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
      object: { id: 'https://example.org/items/1' },
    }),
  })
  expect(post.status).toBe(200)

  await page.getByRole('button', { name: 'I have copied it' }).click()
  await expect(page.getByText(secret)).toHaveCount(0)
  const row = page.getByRole('table', { name: 'LRS clients' }).getByRole('row').filter({ hasText: name })
  await expect(row).toContainText(key)
  page.once('dialog', (d) => void d.accept())
  await row.getByRole('button', { name: 'Revoke' }).click()
  await expect(row).toContainText('Revoked')
  const after = await fetch(`${baseUrl()}/xapi/statements?statementId=${id}`, { headers })
  expect(after.status).toBe(401)
})
