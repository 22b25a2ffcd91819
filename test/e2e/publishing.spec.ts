import { type MastodonFake, startMastodonFake } from '../fakes/mastodon.ts'
import { approvedItem, expect as baseExpect, demo, demoOrganisation, test } from './fixtures.ts'

// Delivery runs in the server's worker (polling each second) on a shared machine: be patient.
const expect = baseExpect.configure({ timeout: 30_000 })
test.describe.configure({ timeout: 240_000 })

const TOKEN = 'e2e-mastodon-token-5d1c'
const body =
  'Early antibiotics in septic shock save lives. Every hour of delay costs more of them. ' +
  'Take cultures first when you can do so without delay, then give the first dose. ' +
  'Measure lactate, give fluids for hypotension, and call for senior help early. ' +
  'Reassess within the hour and write down what you found and what you did. ' +
  'Sepsis screening tools miss some patients, so trust a nurse who is worried. ' +
  'Older people and those on immunosuppressants may not mount a fever at all. ' +
  'Look for the source: chest, urine, abdomen, skin, lines and the central nervous system.'

/** An item by the demo author, through the API: written, submitted, reviewed twice, approved. */
function approvedThroughApi(
  playwright: Parameters<typeof approvedItem>[0],
  title: string,
  text: string,
): Promise<{ id: string }> {
  return approvedItem(playwright, { kind: 'post', title, body: text })
}

let mastodon: MastodonFake
test.beforeAll(async () => {
  mastodon = await startMastodonFake({ token: TOKEN })
})
test.afterAll(async () => {
  await mastodon?.close()
})

test('an editor connects Mastodon, previews and publishes an approved item, sees it delivered, then withdraws it everywhere', async ({
  page,
  login,
  playwright,
}) => {
  const title = `Sepsis: the first hour ${Date.now().toString(36)}`
  // The workflow before publishing, through the API: written, submitted, reviewed twice, approved.
  const item = await approvedThroughApi(playwright, title, body)

  // The editor connects the organisation's Mastodon account.
  await login(demo.editor)
  await page.goto('/publishing')
  await expect(page.getByRole('heading', { level: 1, name: 'Channels' })).toBeVisible()
  const card = page.getByRole('region', { name: 'Mastodon' })
  await card.getByLabel('Server address').fill(mastodon.url)
  await card.getByLabel('Access token').fill(TOKEN)
  await card.getByRole('button', { name: 'Connect Mastodon' }).click()
  await expect(card.getByText(`@rounds@${new URL(mastodon.url).host}`)).toBeVisible()
  await expect(card.getByText('Connected', { exact: true })).toBeVisible()
  await expect(page.getByText(TOKEN)).toHaveCount(0)

  // The Publish panel on the approved item: previews per channel.
  await page.goto(`/content/${item.id}`)
  const panel = page.getByRole('region', { name: 'Publishing' })
  const preview = panel.getByRole('region', { name: 'Mastodon preview' })
  await expect(preview.getByTestId('preview-mastodon-0')).toBeVisible()
  const previewed = await preview.locator('[data-testid^="preview-mastodon-"]').allInnerTexts()
  expect(previewed.length).toBeGreaterThan(1)
  expect(previewed.at(-1)).toContain(`/orgs/${demoOrganisation.slug}/items/${item.id}`)
  await preview.getByLabel('Publish to Mastodon').check()
  await panel.getByRole('region', { name: 'Rounds preview' }).getByLabel('Publish to Rounds').check()
  await panel.getByRole('button', { name: 'Publish now to 2 channels' }).click()

  // Delivered: both channels published, the thread on the platform is the preview, word for word.
  await expect(panel.getByTestId('status-mastodon')).toHaveText('Published')
  await expect(panel.getByTestId('status-rounds')).toHaveText('Published')
  expect(mastodon.live().map((s) => s.text)).toEqual(previewed)
  await expect(panel.getByRole('link', { name: 'Part 1' }).first()).toBeVisible()

  // Withdrawn everywhere: the posts are deleted on Mastodon.
  await panel.getByRole('button', { name: 'Withdraw everywhere…' }).click()
  await panel.getByLabel('Why is it withdrawn?').fill('Superseded by the new sepsis guideline.')
  await panel.getByRole('button', { name: 'Withdraw everywhere', exact: true }).click()
  await expect(panel.getByTestId('status-mastodon')).toHaveText('Withdrawn')
  await expect(panel.getByTestId('status-rounds')).toHaveText('Withdrawn')
  expect(mastodon.live()).toHaveLength(0)
})

test('a post scheduled for later is handed to Mastodon at once: shown as scheduled on Mastodon, moved there, cancelled there by withdrawal', async ({
  page,
  login,
  playwright,
}) => {
  const title = `Lactate ${Date.now().toString(36)}`
  const text = `Measure lactate again within two hours (${title}).`
  const item = await approvedThroughApi(playwright, title, text)
  const mine = () => mastodon.scheduled.filter((s) => s.text.includes(title))

  await login(demo.editor)
  await page.goto('/publishing')
  const card = page.getByRole('region', { name: 'Mastodon' })
  const connected = card.getByText('Connected', { exact: true })
  await expect(connected.or(card.getByLabel('Server address'))).toBeVisible()
  if (!(await connected.isVisible())) {
    await card.getByLabel('Server address').fill(mastodon.url)
    await card.getByLabel('Access token').fill(TOKEN)
    await card.getByRole('button', { name: 'Connect Mastodon' }).click()
    await expect(card.getByText('Connected', { exact: true })).toBeVisible()
  }

  // The browser's local time for a moment `ms` from now, as a datetime-local input takes it.
  const localIn = (ms: number) =>
    page.evaluate((at) => {
      const d = new Date(at)
      const p = (n: number) => String(n).padStart(2, '0')
      return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`
    }, Date.now() + ms)

  await page.goto(`/content/${item.id}`)
  const panel = page.getByRole('region', { name: 'Publishing' })
  const preview = panel.getByRole('region', { name: 'Mastodon preview' })
  await preview.getByLabel('Publish to Mastodon').check()
  await panel.getByLabel('At a time').check()
  await panel.getByLabel('Publish at (your local time)').fill(await localIn(40 * 60_000))
  await panel.getByRole('button', { name: /^Schedule/ }).click()

  // Handed over at once: Mastodon holds a scheduled status; the panel says so.
  const channel = panel.getByRole('listitem', { name: /^Mastodon:/ })
  await expect(channel.getByText(/scheduled on Mastodon for/)).toBeVisible()
  await expect(panel.getByTestId('status-mastodon')).toHaveText('Scheduled')
  expect(mine()).toHaveLength(1)
  const first = mine()[0]?.scheduledAt

  // Moved: the same scheduled status gets the new time.
  await channel.getByRole('button', { name: 'Change time' }).click()
  await channel.getByLabel('New time for Mastodon (your local time)').fill(await localIn(90 * 60_000))
  await channel.getByRole('button', { name: 'Move' }).click()
  await expect.poll(() => mine()[0]?.scheduledAt).not.toBe(first)
  expect(mine()).toHaveLength(1)
  await expect(channel.getByText(/scheduled on Mastodon for/)).toBeVisible()

  // Withdrawn before its time: the scheduled status is cancelled on Mastodon, nothing was posted.
  await panel.getByRole('button', { name: 'Withdraw everywhere…' }).click()
  await panel.getByLabel('Why is it withdrawn?').fill('Waiting for the new lactate guidance.')
  await panel.getByRole('button', { name: 'Withdraw everywhere', exact: true }).click()
  await expect(panel.getByTestId('status-mastodon')).toHaveText('Withdrawn')
  expect(mine()[0]?.deleted).toBe(true)
  expect(mastodon.statuses.some((s) => s.text.includes(title))).toBe(false)
})
