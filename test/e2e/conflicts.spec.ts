import { demo, expect, test } from './fixtures.ts'

test('a reviewer declares a conflict with a named author, sees it listed, and withdraws it', async ({
  page,
  login,
}) => {
  await login(demo.reviewer2)
  await page.goto('/disclosures')
  const section = page.getByRole('region', { name: 'Conflicts you declare as a reviewer' })
  await expect(section).toBeVisible()

  // Only "other" needs words; without a kind of conflict the form says what is missing.
  await section.getByRole('combobox', { name: 'Author' }).click()
  await page.getByRole('option', { name: /^Alex Morgan/ }).click()
  await section.getByRole('button', { name: 'Declare conflict' }).click()
  await expect(section.getByText('Say what kind of conflict it is')).toBeVisible()

  await section.getByRole('combobox', { name: 'Kind of conflict' }).click()
  await page.getByRole('option', { name: 'Supervisor or trainee' }).click()
  await section.getByRole('textbox', { name: /Note/ }).fill('I am their clinical supervisor this year')
  await section.getByRole('button', { name: 'Declare conflict' }).click()
  await expect(
    page.getByText('Conflict declared. You will not be asked to review those items.'),
  ).toBeVisible()

  const listed = section.getByRole('listitem').filter({ hasText: 'Alex Morgan' })
  await expect(listed).toContainText('Supervisor or trainee')
  await expect(listed).toContainText('I am their clinical supervisor this year')

  // Declared conflicts outlive a reload, and are withdrawn from the same place.
  await page.reload()
  await listed.getByRole('button', { name: 'Withdraw the conflict with Alex Morgan' }).click()
  await expect(section.getByText('You have not declared any conflicts.')).toBeVisible()
})
