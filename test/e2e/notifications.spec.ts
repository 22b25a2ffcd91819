import {
  apiCall,
  apiSignIn,
  demo,
  demoOrganisation,
  expect,
  findMember,
  latestMailTo,
  test,
} from './fixtures.ts'

test.describe.configure({ timeout: 90_000 })

test('the editor assigns reviewers and the reviewer finds the request in the bell', async ({
  page,
  login,
  loginInNewContext,
  playwright,
}) => {
  const admin = await apiSignIn(playwright, demo.admin)
  const first = await findMember(admin, demo.reviewer)
  const second = await findMember(admin, demo.reviewer2)
  await admin.dispose()

  // The author submits a clean post (through the API: this test is about what follows).
  const title = `Anaphylaxis first steps ${Date.now().toString(36)}`
  const author = await apiSignIn(playwright, demo.author)
  const items = `/api/orgs/${demoOrganisation.slug}/items`
  const item = await apiCall<{ id: string }>(author, 'POST', items, {
    kind: 'post',
    title,
    body: 'Lie the patient flat, give adrenaline intramuscularly, call for help.',
  })
  await apiCall(author, 'POST', `${items}/${item.id}/submit`)
  await author.dispose()

  // The reviewer is signed in elsewhere; note what the bell says now.
  await login(demo.reviewer)
  await page.goto('/')
  const bell = page.getByRole('button', { name: /^Notifications/ })
  await expect(bell).toBeVisible()
  const unreadBefore = Number((await bell.getAttribute('aria-label'))?.match(/(\d+) unread/)?.[1] ?? 0)

  // The editor assigns both demo reviewers from the item page.
  const editor = await loginInNewContext(demo.editor)
  await editor.page.goto(`/content/${item.id}`)
  const assign = editor.page.getByRole('region', { name: 'Assign reviewers' })
  await assign.getByRole('checkbox', { name: first.name }).check()
  await assign.getByRole('checkbox', { name: second.name }).check()
  await assign.getByRole('button', { name: 'Assign reviewers' }).click()
  await expect(editor.page.getByRole('region', { name: 'Peer review' })).toContainText(first.name)
  // The item's timeline shows the assignment to the editor.
  await expect(editor.page.getByRole('region', { name: 'Timeline', exact: true })).toContainText(
    `asked ${first.name} to review`,
  )

  // The reviewer's bell counts the new request (after a reload, or on its next poll).
  await page.reload()
  await expect(bell).toHaveAccessibleName(`Notifications, ${unreadBefore + 1} unread`)
  await bell.click()
  const dropdown = page.getByRole('dialog', { name: 'Notifications' })
  const entry = dropdown.getByRole('button', { name: `Unread: Review requested: “${title}”` })
  await expect(entry).toBeVisible()
  await entry.click()

  // It leads to the review, and is read now.
  await expect(page).toHaveURL(new RegExp(`/reviews/${item.id}$`))
  // The review page's timeline names the reviewer themself, but not the other reviewer.
  const timeline = page.getByRole('region', { name: 'Timeline', exact: true })
  await expect(timeline).toContainText(`asked ${first.name} to review`)
  await expect(timeline).toContainText('asked Reviewer 2 to review')
  await expect(timeline).not.toContainText(second.name)
  await expect(bell).toHaveAccessibleName(
    unreadBefore === 0 ? 'Notifications' : `Notifications, ${unreadBefore} unread`,
  )

  // The same request went out by e-mail, with the link.
  const mail = latestMailTo(demo.reviewer)
  expect(mail?.subject).toBe(`Rounds: Review requested: “${title}”`)
  expect(mail?.text).toContain(`/reviews/${item.id}`)
})
