import { demo, expect, test } from './fixtures.ts'

test('an editor opens a synthetic demo item’s analytics and sees its reach over time and its learning gain chart', async ({
  page,
  login,
}) => {
  await login(demo.editor)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Engagement' }).click()
  const items = page.getByRole('table', { name: 'Latest metrics per item' })
  const row = items.getByRole('row').filter({ hasText: '[Synthetic] Recognising sepsis with qSOFA' })
  await expect(row).toBeVisible()
  await row.getByRole('button', { name: 'Over time' }).click()

  // Reach and engagement over time, from the synthetic weekly snapshots.
  await expect(
    page.getByRole('heading', { level: 2, name: '[Synthetic] Recognising sepsis with qSOFA' }),
  ).toBeVisible()
  await expect(page.getByRole('img', { name: 'Likes over time' }).locator('.recharts-line')).not.toHaveCount(
    0,
  )

  // The learning card: gain, retention and completion, and the gain chart with n at each step.
  const learning = page.getByRole('region', { name: 'Learning' })
  await expect(learning.getByText('Learning gain')).toBeVisible()
  await expect(learning.getByText(/^\+\d+ points$/).first()).toBeVisible()
  await expect(learning.getByText(/mean post − pre, n = \d+/)).toBeVisible()
  const chart = learning.getByRole('img', { name: /^Learning gain chart/ })
  await expect(chart).toBeVisible()
  await expect(chart.locator('.recharts-bar-rectangle')).toHaveCount(3)
  await expect(chart.getByText(/\(n = \d+\)/).first()).toBeVisible()
  await expect(learning.getByRole('img', { name: /^Learners at each step: Opened \d+/ })).toBeVisible()

  // The same, per series and per channel.
  const groups = page.getByRole('region', { name: /^Learning and reach by/ })
  await expect(
    groups
      .getByRole('table', { name: 'Learning and reach per series' })
      .getByRole('row')
      .filter({ hasText: '[Synthetic] Acute medicine in sixty seconds' }),
  ).toBeVisible()
  await expect(groups.getByRole('img', { name: /^Mean learning gain per series/ })).toBeVisible()
  await groups.getByText('Channel', { exact: true }).click()
  await expect(
    groups
      .getByRole('table', { name: 'Learning and reach per channel' })
      .getByRole('row')
      .filter({ hasText: 'YouTube' }),
  ).toBeVisible()
  await expect(
    groups.getByRole('img', { name: 'Views per channel by week' }).locator('.recharts-line'),
  ).not.toHaveCount(0)
})
