import { apiCall, apiSignIn, apiSignUp, expect, latestMailTo, linkIn, test, uniqueEmail } from './fixtures.ts'

const password = 'profile-tester-password'

test('the professional identity form saves, and shows the saved values after a reload', async ({
  page,
  login,
  playwright,
}) => {
  const email = uniqueEmail('profile')
  await (await apiSignUp(playwright, { name: 'Jamie Tester', email, password })).dispose()
  await login(email, password)
  await page.goto('/profile')

  const form = page.getByRole('form', { name: 'Professional identity' })
  await expect(form.getByLabel('Display name')).toHaveValue('Jamie Tester')
  await expect(page.getByRole('region', { name: 'Verification' })).toContainText('Not verified')

  await form.getByLabel('Display name').fill('Dr Jamie Tester')
  await form.getByRole('combobox', { name: 'Profession' }).click()
  await page.getByRole('option', { name: 'Doctor' }).click()
  await form.getByRole('combobox', { name: 'Registration body' }).click()
  await page.getByRole('option', { name: /^GMC/ }).click()

  // A number in the wrong format is refused by the server, and the reason shows at the field.
  const number = form.getByRole('textbox', { name: 'Registration number' })
  await number.fill('123')
  await form.getByRole('button', { name: 'Save profile' }).click()
  await expect(number).toHaveAttribute('aria-invalid', 'true')
  await expect(form.getByText('GMC numbers have 7 digits')).toBeVisible()
  await expect(form.getByRole('alert')).toContainText('Please correct the highlighted fields.')

  await number.fill('7000001')
  await form.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByText('Your professional identity has been saved.')).toBeVisible()

  await page.reload()
  await expect(form.getByLabel('Display name')).toHaveValue('Dr Jamie Tester')
  await expect(form.getByRole('combobox', { name: 'Profession' })).toHaveValue('Doctor')
  await expect(form.getByRole('combobox', { name: 'Registration body' })).toHaveValue(/^GMC/)
  await expect(number).toHaveValue('7000001')
  await expect(page.getByRole('button', { name: /^Account menu for Dr Jamie Tester$/ })).toBeVisible()

  const session = await apiSignIn(playwright, email, password)
  const me = await apiCall<{ identity: Record<string, unknown> }>(session, 'GET', '/api/me')
  expect(me.identity).toMatchObject({
    displayName: 'Dr Jamie Tester',
    profession: 'doctor',
    registrationBody: 'GMC',
    registrationNumber: '7000001',
    verification: null,
  })
  await session.dispose()
})

test('changing a verified registration warns, and the verification is cleared', async ({
  page,
  login,
  playwright,
}) => {
  // An admin of a fresh organisation invites and verifies a pharmacist.
  const admin = await apiSignUp(playwright, { name: 'Dr Ada Admin', email: uniqueEmail('admin'), password })
  const slug = `val-${Date.now().toString(36)}`
  await apiCall(admin, 'POST', '/api/orgs', { slug, name: 'Val Teaching' })
  const email = uniqueEmail('verified')
  await apiCall(admin, 'POST', `/api/orgs/${slug}/invitations`, { email, roles: ['author'] })
  const token =
    linkIn(latestMailTo(email)?.text ?? '')
      .split('/')
      .pop() ?? ''

  const val = await apiSignUp(playwright, { name: 'Val Verified', email, password })
  await apiCall(val, 'POST', '/api/invitations/accept', { token })
  await apiCall(val, 'PUT', '/api/me/identity', {
    displayName: 'Val Verified',
    profession: 'pharmacist',
    registrationBody: 'GPhC',
    registrationNumber: '2012345',
  })
  const { user } = await apiCall<{ user: { id: string } }>(val, 'GET', '/api/me')
  await apiCall(admin, 'POST', `/api/orgs/${slug}/members/${user.id}/identity/verification`, {
    note: 'Checked the GPhC register',
  })
  await Promise.all([admin.dispose(), val.dispose()])

  await login(email, password)
  await page.goto('/profile')
  const verification = page.getByRole('region', { name: 'Verification' })
  await expect(verification).toContainText('Verified by Val Teaching on')
  await expect(verification).toContainText('Evidence: Checked the GPhC register')

  const warning = page.getByText('Changing your registration removes your verification.')
  const number = page.getByRole('textbox', { name: 'Registration number' })
  await expect(warning).toHaveCount(0)
  await number.fill('2054321')
  await expect(warning).toBeVisible()
  await page.getByRole('button', { name: 'Save profile' }).click()
  await expect(page.getByText('Your professional identity has been saved.')).toBeVisible()
  await expect(verification).toContainText('Not verified')
  await page.reload()
  await expect(verification).toContainText('Not verified')
  await expect(number).toHaveValue('2054321')
})
