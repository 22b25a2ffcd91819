import { demo, expect, test } from './fixtures.ts'

test('an editor opens Analytics and sees engagement set against learning, with intervals, n and a plain reading', async ({
  page,
  login,
}) => {
  await login(demo.editor)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Research' })).toBeVisible()
  const reading = page.getByRole('status').filter({ hasText: 'What these numbers can say' })
  await expect(reading).toBeVisible()
  // The view says when its figures were computed (it is kept until the data change).
  await expect(reading).toContainText(/Computed .+; recomputed when quiz results/)

  const table = page.getByRole('table', { name: 'Correlations of engagement with learning gain' })
  await expect(table.getByRole('row')).toHaveCount(11)
  const likes = table.getByRole('row').filter({ hasText: 'Likes' }).first()
  await expect(likes).toContainText(/Too few items|relation|no correlation|does not vary/)

  // The synthetic demo items have likes and learners: the scatter shows a point per item.
  const chart = page.getByRole('img', { name: /one point per item/ })
  await expect(chart).toBeVisible()
  await expect(chart.locator('.recharts-scatter-symbol')).not.toHaveCount(0)

  await expect(page.getByRole('heading', { level: 2, name: /^Model: / })).toHaveCount(2)

  await page.getByText('Mean normalised gain', { exact: true }).click()
  await expect(likes).toContainText(/normalised gain|Too few items/)
  if (process.env.RESEARCH_SHOT) await page.screenshot({ path: process.env.RESEARCH_SHOT, fullPage: true })
})
