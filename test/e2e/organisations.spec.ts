import {
  apiCall,
  apiSignIn,
  apiSignUp,
  demo,
  demoOrganisation,
  expect,
  latestMailTo,
  linkIn,
  navLinks,
  test,
  uniqueEmail,
} from './fixtures.ts'

test('the organisation switcher changes the navigation and is remembered after a reload', async ({
  page,
  login,
  playwright,
}) => {
  // Someone who founded their own organisation (admin there) and writes for the demo one (author).
  const email = uniqueEmail('switcher')
  const password = 'switcher-password-123'
  const person = await apiSignUp(playwright, { name: 'Dr Sasha Switch', email, password })
  const slug = `sasha-${Date.now().toString(36)}`
  await apiCall(person, 'POST', '/api/orgs', { slug, name: 'Sasha Skills Lab' })
  const admin = await apiSignIn(playwright, demo.admin)
  await apiCall(admin, 'POST', `/api/orgs/${demoOrganisation.slug}/invitations`, { email, roles: ['author'] })
  await admin.dispose()
  const token = linkIn(latestMailTo(email)?.text ?? '')
    .split('/')
    .pop()
  await apiCall(person, 'POST', '/api/invitations/accept', { token })
  await person.dispose()

  await login(email, password)
  await page.goto('/')
  const switcher = page.getByRole('combobox', { name: 'Organisation' })
  const current = await switcher.inputValue()
  expect(['Sasha Skills Lab', demoOrganisation.name]).toContain(current)

  await switcher.click()
  await page.getByRole('option', { name: demoOrganisation.name }).click()
  await expect(switcher).toHaveValue(demoOrganisation.name)
  expect(await navLinks(page)).toEqual([
    'Dashboard',
    'Check a draft',
    'Profile',
    'Disclosures',
    'My content',
    'Training',
  ])
  await expect(page.getByRole('heading', { name: `Your roles in ${demoOrganisation.name}` })).toBeVisible()

  await page.reload()
  await expect(switcher).toHaveValue(demoOrganisation.name)
  expect(await navLinks(page)).toEqual([
    'Dashboard',
    'Check a draft',
    'Profile',
    'Disclosures',
    'My content',
    'Training',
  ])

  // On a page the other organisation does not allow, switching goes back to the dashboard.
  // (Training is open to every member, so the author's own "My content" is the page to try.)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My content' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'My content' })).toBeVisible()
  await switcher.click()
  await page.getByRole('option', { name: 'Sasha Skills Lab' }).click()
  await expect(page).toHaveURL(/\/$/)
  expect(await navLinks(page)).toEqual([
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
  await page.reload()
  await expect(switcher).toHaveValue('Sasha Skills Lab')
})

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 800 }, isMobile: true, hasTouch: true })

  test('the navigation opens from the menu button and closes after choosing a page', async ({
    page,
    login,
  }) => {
    await login(demo.editor)
    await page.goto('/')
    const nav = page.getByRole('navigation', { name: 'Main' })
    const members = nav.getByRole('link', { name: 'Members' })
    await expect(members).not.toBeInViewport()

    const burger = page.getByRole('button', { name: 'Open navigation' })
    await expect(burger).toHaveAttribute('aria-expanded', 'false')
    await burger.click()
    await expect(page.getByRole('button', { name: 'Close navigation' })).toHaveAttribute(
      'aria-expanded',
      'true',
    )
    await expect(members).toBeInViewport()

    await members.click()
    await expect(page.getByRole('heading', { level: 1, name: 'Members' })).toBeVisible()
    await expect(members).not.toBeInViewport()
    await expect(page.getByRole('button', { name: 'Open navigation' })).toBeVisible()
  })
})
