import { demo, demoOrganisation, expect, navLinks, test } from './fixtures.ts'

const allAreas = [
  'Dashboard',
  'Check a draft',
  'Profile',
  'Disclosures',
  'My content',
  'Training',
  'Reviews',
  'Review queue',
  'Publishing',
  'Analytics',
  'Engagement',
  'Surveys',
  'Members',
  'Audit log',
  'Settings',
]

const cases = [
  {
    who: 'admin',
    email: demo.admin,
    role: 'Admin',
    links: [
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
    ],
  },
  {
    who: 'editor',
    email: demo.editor,
    role: 'Editor',
    links: [
      'Dashboard',
      'Check a draft',
      'Profile',
      'Disclosures',
      'Review queue',
      'Publishing',
      'Analytics',
      'Engagement',
      'Surveys',
      'Members',
    ],
  },
  {
    who: 'reviewer',
    email: demo.reviewer,
    role: 'Reviewer',
    links: ['Dashboard', 'Check a draft', 'Profile', 'Disclosures', 'Reviews'],
  },
  {
    who: 'reviewer2',
    email: demo.reviewer2,
    role: 'Reviewer',
    links: ['Dashboard', 'Check a draft', 'Profile', 'Disclosures', 'Reviews'],
  },
  {
    who: 'author',
    email: demo.author,
    role: 'Author',
    links: ['Dashboard', 'Check a draft', 'Profile', 'Disclosures', 'My content', 'Training'],
  },
  {
    who: 'researcher',
    email: demo.researcher,
    role: 'Researcher',
    links: ['Dashboard', 'Profile', 'Disclosures', 'Analytics', 'Engagement', 'Surveys'],
  },
] as const

for (const { who, email, role, links } of cases) {
  test(`${who} sees exactly the navigation the ${role.toLowerCase()} role allows`, async ({
    page,
    login,
  }) => {
    await login(email)
    await page.goto('/')

    await expect(page.getByRole('heading', { level: 1, name: /^Welcome, / })).toBeVisible()
    await expect(page.getByRole('heading', { name: `Your roles in ${demoOrganisation.name}` })).toBeVisible()
    await expect(page.getByRole('combobox', { name: 'Organisation' })).toHaveValue(demoOrganisation.name)

    expect(await navLinks(page)).toEqual(links)
    const nav = page.getByRole('navigation', { name: 'Main' })
    for (const area of allAreas) {
      const link = nav.getByRole('link', { name: area, exact: true })
      if ((links as readonly string[]).includes(area)) await expect(link).toBeVisible()
      else await expect(link).toHaveCount(0)
    }
  })
}

test('each navigation link opens its page', async ({ page, login }) => {
  // Seven pages, each loaded lazily with its data: on a busy machine that takes more than a minute.
  test.slow()
  await login(demo.editor)
  await page.goto('/')
  const nav = page.getByRole('navigation', { name: 'Main' })
  for (const [link, heading] of [
    ['Review queue', 'Review queue'],
    ['Publishing', 'Channels'],
    ['Analytics', 'Research'],
    ['Engagement', 'Engagement'],
    ['Surveys', 'Surveys'],
    ['Members', 'Members'],
    ['Profile', 'Profile'],
  ] as const) {
    await nav.getByRole('link', { name: link, exact: true }).click()
    await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible()
    await expect(nav.getByRole('link', { name: link, exact: true })).toHaveAttribute('aria-current', 'page')
  }
})

test('a page the role does not allow is refused even by its address', async ({ page, login }) => {
  await login(demo.author)
  await page.goto('/members')
  await expect(page.getByRole('heading', { level: 1, name: 'Not available' })).toBeVisible()
  await expect(page.getByRole('table', { name: 'Members' })).toHaveCount(0)
  await page.goto('/audit')
  await expect(page.getByRole('heading', { level: 1, name: 'Not available' })).toBeVisible()
})

test('signed-out visitors are sent to sign in, and back afterwards', async ({ page }) => {
  await page.goto('/profile')
  await expect(page).toHaveURL(/\/sign-in\?redirect=%2Fprofile$/)
  await page.getByLabel('Email').fill(demo.reviewer)
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill('rounds-demo-password')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page).toHaveURL(/\/profile$/)
  await expect(page.getByRole('heading', { level: 1, name: 'Profile' })).toBeVisible()
})
