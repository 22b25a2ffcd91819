import {
  apiCall,
  apiSignIn,
  apiSignUp,
  demo,
  demoOrganisation,
  expect,
  findMember,
  latestMailTo,
  linkIn,
  navLinks,
  test,
  uniqueEmail,
} from './fixtures.ts'

const membersPath = `/api/orgs/${demoOrganisation.slug}/members`

test("an admin gives a reviewer the editor role and the reviewer's navigation changes", async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const sam = await findMember(admin, demo.reviewer2)
  expect(sam.roles).toEqual(['reviewer'])

  try {
    // Sam, the second reviewer, has only the reviewer's areas.
    const reviewer = await loginInNewContext(demo.reviewer2)
    await reviewer.page.goto('/')
    expect(await navLinks(reviewer.page)).toEqual([
      'Dashboard',
      'Check a draft',
      'Profile',
      'Disclosures',
      'Reviews',
    ])

    // The admin adds the editor role on the members page.
    await login(demo.admin)
    await page.goto('/members')
    const row = page.getByRole('row').filter({ hasText: demo.reviewer2 })
    const save = row.getByRole('button', { name: `Save roles for ${sam.name}` })
    await expect(save).toBeDisabled()
    await row.getByRole('combobox', { name: `Roles for ${sam.name}` }).click()
    await page.getByRole('option', { name: 'Editor' }).click()
    await page.keyboard.press('Escape')
    await expect(save).toBeEnabled()
    await save.click()
    await expect(page.getByText(`${sam.name} is now Editor, Reviewer.`)).toBeVisible()
    await expect(save).toBeDisabled()

    // The server has it, and Sam sees the editor's areas after a reload.
    expect((await findMember(admin, demo.reviewer2)).roles.sort()).toEqual(['editor', 'reviewer'])
    await reviewer.page.reload()
    expect(await navLinks(reviewer.page)).toEqual([
      'Dashboard',
      'Check a draft',
      'Profile',
      'Disclosures',
      'Reviews',
      'Review queue',
      'Publishing',
      'Analytics',
      'Engagement',
      'Surveys',
      'Members',
    ])
  } finally {
    await apiCall(admin, 'PUT', `${membersPath}/${sam.userId}/roles`, { roles: ['reviewer'] })
    await admin.dispose()
  }
})

test('the last admin cannot remove their own admin role', async ({ page, login, playwright }) => {
  const email = uniqueEmail('solo-admin')
  const password = 'solo-admin-password-1'
  const founder = await apiSignUp(playwright, { name: 'Dr Solo Founder', email, password })
  const slug = `solo-${Date.now().toString(36)}`
  await apiCall(founder, 'POST', '/api/orgs', { slug, name: 'Solo Clinic' })
  await founder.dispose()

  await login(email, password)
  await page.goto('/members')
  await expect(page.getByRole('combobox', { name: 'Organisation' })).toHaveValue('Solo Clinic')
  const row = page.getByRole('row').filter({ hasText: email })
  await row.getByRole('combobox', { name: 'Roles for Dr Solo Founder' }).click()
  await page.getByRole('option', { name: 'Editor' }).click()
  await page.getByRole('option', { name: 'Admin' }).click()
  await page.keyboard.press('Escape')
  await row.getByRole('button', { name: 'Save roles for Dr Solo Founder' }).click()

  await expect(page.getByText('An organisation must keep at least one admin.')).toBeVisible()
  await page.reload()
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Members' }),
  ).toBeVisible()
  await expect(page.getByRole('row').filter({ hasText: email })).toContainText('Admin')
})

test("an admin verifies a member's registration with evidence, and can withdraw it", async ({
  page,
  login,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const sam = await findMember(admin, demo.reviewer2)
  try {
    await login(demo.admin)
    await page.goto('/members')
    const row = page.getByRole('row').filter({ hasText: demo.reviewer2 })
    await expect(row).toContainText('Not verified')
    await expect(row).toContainText('NMC 12A3456E')

    await row.getByRole('button', { name: `Verify ${sam.name}` }).click()
    const dialog = page.getByRole('dialog', { name: `Verify ${sam.name}` })
    await expect(dialog).toContainText('NMC 12A3456E')
    await dialog.getByRole('button', { name: 'Verify registration' }).click()
    await expect(dialog.getByLabel('Evidence')).toHaveAttribute('aria-invalid', 'true')
    await expect(dialog.getByText('Describe how you checked this registration')).toBeVisible()

    await dialog.getByLabel('Evidence').fill('NMC register checked today: PIN and name match')
    await dialog.getByRole('button', { name: 'Verify registration' }).click()
    await expect(dialog).toBeHidden()
    await expect(row).toContainText(`by ${demoOrganisation.name}`)
    await expect(row.getByRole('button', { name: `Unverify ${sam.name}` })).toBeVisible()

    // Sam sees it on their own profile.
    const samSession = await apiSignIn(playwright, demo.reviewer2)
    const me = await apiCall<{ identity: { verification: { note: string } | null } }>(
      samSession,
      'GET',
      '/api/me',
    )
    expect(me.identity.verification?.note).toBe('NMC register checked today: PIN and name match')
    await samSession.dispose()

    await row.getByRole('button', { name: `Unverify ${sam.name}` }).click()
    await page.getByRole('dialog').getByRole('button', { name: 'Remove verification' }).click()
    await expect(row).toContainText('Not verified')
  } finally {
    const { members } = await apiCall<{ members: { userId: string; identity: { verification: unknown } }[] }>(
      admin,
      'GET',
      membersPath,
    )
    if (members.find((m) => m.userId === sam.userId)?.identity.verification) {
      await apiCall(admin, 'DELETE', `${membersPath}/${sam.userId}/identity/verification`)
    }
    await admin.dispose()
  }
})

test('an invited person signs up from the link, joins with the invited role, and can be removed', async ({
  page,
  login,
  loginInNewContext,
}) => {
  const email = uniqueEmail('invitee')
  await login(demo.admin)
  await page.goto('/members')

  const invite = page.getByRole('region', { name: 'Invite someone' })
  await invite.getByLabel('Email').fill(email)
  await invite.getByRole('combobox', { name: 'Roles' }).click()
  await page.getByRole('option', { name: 'Reviewer' }).click()
  await page.getByRole('option', { name: 'Author' }).click() // author was preselected: this removes it
  await page.keyboard.press('Escape')
  await invite.getByRole('button', { name: 'Send invitation' }).click()
  await expect(page.getByText(`Invitation sent to ${email}.`)).toBeVisible()
  const pending = page.getByRole('table', { name: 'Pending invitations' })
  await expect(pending.getByRole('row').filter({ hasText: email })).toContainText('Reviewer')

  // The invitee follows the emailed link in their own browser.
  await expect.poll(() => latestMailTo(email)?.subject ?? null).toContain(demoOrganisation.name)
  const link = linkIn(latestMailTo(email)?.text ?? '')
  expect(link).toMatch(/^\/invite\//)
  const { context } = await loginInNewContext(demo.author) // a browser that has been used before
  await context.clearCookies()
  const invitee = await context.newPage()
  await invitee.goto(link)
  await expect(invitee.getByRole('heading', { name: `Join ${demoOrganisation.name}` })).toBeVisible()
  await invitee.getByRole('link', { name: 'Create an account' }).click()
  await expect(invitee.getByLabel('Email')).toHaveValue(email)
  await invitee.getByLabel('Full name').fill('Dr Ivy Invitee')
  await invitee.getByRole('textbox', { name: 'Password', exact: true }).fill('invitee-password-123')
  await invitee.getByRole('button', { name: 'Create account' }).click()
  await expect(invitee).toHaveURL(/\/invite\//)
  await invitee.getByRole('button', { name: 'Accept invitation' }).click()
  await expect(invitee).toHaveURL(/\/$/)
  await expect(invitee.getByRole('combobox', { name: 'Organisation' })).toHaveValue(demoOrganisation.name)
  expect(await navLinks(invitee)).toEqual(['Dashboard', 'Check a draft', 'Profile', 'Disclosures', 'Reviews'])

  // The admin sees the new member and removes them again.
  await page.reload()
  await expect(pending.getByRole('row').filter({ hasText: email })).toHaveCount(0)
  const row = page.getByRole('row').filter({ hasText: email })
  await expect(row).toContainText('Reviewer')
  await row.getByRole('button', { name: 'Remove Dr Ivy Invitee' }).click()
  await page.getByRole('dialog').getByRole('button', { name: 'Remove member' }).click()
  await expect(row).toHaveCount(0)

  await invitee.reload()
  await expect(invitee).toHaveURL(/\/organisations\/new$/)
})

test('an editor sees members read-only', async ({ page, login }) => {
  await login(demo.editor)
  await page.goto('/members')
  const table = page.getByRole('table', { name: 'Members' })
  await expect(table.getByTestId(`member-${demo.author}`)).toContainText('Author')
  await expect(table.getByRole('button')).toHaveCount(0)
  await expect(table.getByRole('combobox')).toHaveCount(0)
  await expect(page.getByRole('region', { name: 'Invite someone' })).toHaveCount(0)
})
