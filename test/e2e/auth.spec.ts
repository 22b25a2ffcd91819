import { apiSignUp, demo, demoPassword, expect, latestMailTo, linkIn, test, uniqueEmail } from './fixtures.ts'

const password = 'correct-horse-battery-staple'

test('a wrong password shows an error in an alert and keeps the person signed out', async ({ page }) => {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(demo.admin)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('not-the-right-password')
  await page.getByRole('button', { name: 'Sign in' }).click()

  const alert = page.getByRole('alert')
  await expect(alert).toContainText('Incorrect email or password')
  await expect(page).toHaveURL(/\/sign-in$/)
  await expect(page.getByRole('textbox', { name: 'Password', exact: true })).toHaveValue('')
  expect((await page.request.get('/api/me')).status()).toBe(401)
})

test('empty fields are flagged before anything is sent', async ({ page }) => {
  let sent = false
  await page.route('**/api/auth/sign-in/email', (route) => {
    sent = true
    return route.continue()
  })
  await page.goto('/sign-in')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByLabel('Email')).toHaveAttribute('aria-invalid', 'true')
  await expect(page.getByText('Enter your email address')).toBeVisible()
  await expect(page.getByText('Enter your password')).toBeVisible()
  await expect(page.getByLabel('Email')).toBeFocused()
  expect(sent).toBe(false)
})

test('a rate-limited sign-in says to wait', async ({ page }) => {
  await page.route('**/api/auth/sign-in/email', (route) =>
    route.fulfill({
      status: 429,
      contentType: 'application/json',
      body: JSON.stringify({
        error: { code: 'RATE_LIMITED', message: 'too many attempts; wait a minute and try again' },
      }),
    }),
  )
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(demo.admin)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(demoPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert')).toContainText('Too many sign-in attempts')
  await expect(page.getByRole('alert')).not.toContainText('Incorrect email or password')
})

test('signing in through the form opens the dashboard, and signing out ends the session', async ({
  page,
}) => {
  await page.goto('/sign-in')
  await page.getByLabel('Email').fill(demo.admin)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(demoPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Dr' })).toBeVisible()

  await page.getByRole('button', { name: /^Account menu for / }).click()
  await page.getByRole('menuitem', { name: 'Sign out' }).click()
  await expect(page).toHaveURL(/\/sign-in\?signedOut=1$/)
  await expect(page.getByText('You have signed out.')).toBeVisible()

  await page.goto('/')
  await expect(page).toHaveURL(/\/sign-in$/)
  expect((await page.request.get('/api/me')).status()).toBe(401)
})

test('a new user signs up, lands on creating an organisation, and becomes its admin', async ({ page }) => {
  const email = uniqueEmail('signup')
  const suffix = Date.now().toString(36)
  await page.goto('/sign-in')
  await page.getByRole('link', { name: 'Create an account' }).click()
  await expect(page).toHaveURL(/\/sign-up$/)

  await page.getByLabel('Full name').fill('Dr Ada Newcomer')
  await page.getByLabel('Email').fill(email)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('too-short')
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByText('Use at least 12 characters')).toBeVisible()

  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()

  await expect(page).toHaveURL(/\/organisations\/new$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Create an organisation' })).toBeVisible()
  await expect(page.getByText('You are not a member of any organisation yet.')).toBeVisible()
  // Without an organisation only the personal pages are offered.
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link')).toHaveText(['Dashboard', 'Profile', 'Disclosures'])

  await page.getByLabel('Organisation name').fill(`Ward ${suffix} Teaching`)
  await expect(page.getByLabel('URL name')).toHaveValue(`ward-${suffix}-teaching`)
  await page.getByRole('button', { name: 'Create organisation' }).click()

  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Welcome, Dr' })).toBeVisible()
  await expect(page.getByRole('combobox', { name: 'Organisation' })).toHaveValue(`Ward ${suffix} Teaching`)
  await expect(nav.getByRole('link')).toHaveText([
    'Dashboard',
    'Check a draft',
    'Profile',
    'Disclosures',
    'Analytics',
    'Engagement',
    'Surveys',
    'Members',
    'Audit log',
    'Settings',
  ])
})

test('signing up with an address that has an account says so', async ({ page }) => {
  await page.goto('/sign-up')
  await page.getByLabel('Full name').fill('Someone Else')
  await page.getByLabel('Email').fill(demo.author)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(password)
  await page.getByRole('button', { name: 'Create account' }).click()
  await expect(page.getByRole('alert')).toBeVisible()
  await expect(page).toHaveURL(/\/sign-up$/)
})

test('a forgotten password is reset through the emailed link', async ({ page, playwright }) => {
  const email = uniqueEmail('reset')
  const request = await apiSignUp(playwright, { name: 'Reset Tester', email, password })
  await request.dispose()

  await page.goto('/sign-in')
  await page.getByRole('link', { name: 'Forgot password?' }).click()
  // The sign-in page has an Email field too: fill the reset form's, once it is there.
  await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible()
  await page.getByRole('form', { name: 'Reset password' }).getByLabel('Email').fill(email)
  await page.getByRole('button', { name: 'Send reset link' }).click()
  await expect(page.getByText(`If there is a Rounds account for ${email}`)).toBeVisible()

  await expect.poll(() => latestMailTo(email)?.subject ?? null).toContain('Reset')
  const mail = latestMailTo(email)
  await page.goto(linkIn(mail?.text ?? ''))
  await expect(page).toHaveURL(/\/reset-password\?token=/)

  const newPassword = 'a-brand-new-password-42'
  await page.getByRole('textbox', { name: 'New password', exact: true }).fill(newPassword)
  await page.getByLabel('Confirm new password').fill('something-else-entirely')
  await page.getByRole('button', { name: 'Change password' }).click()
  await expect(page.getByText('The passwords do not match')).toBeVisible()
  await page.getByLabel('Confirm new password').fill(newPassword)
  await page.getByRole('button', { name: 'Change password' }).click()

  await expect(page).toHaveURL(/\/sign-in\?reset=1$/)
  await expect(page.getByText('Your password has been changed.')).toBeVisible()
  await page.getByLabel('Email').fill(email)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(newPassword)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/organisations\/new$/)
})

test('a reset link without a token explains what to do', async ({ page }) => {
  await page.goto('/reset-password')
  await expect(page.getByRole('alert')).toContainText('link is missing, has expired or has already been used')
  await expect(page.getByRole('link', { name: 'Send a new link' })).toBeVisible()
})
