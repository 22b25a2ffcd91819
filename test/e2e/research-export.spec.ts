import { readFile } from 'node:fs/promises'
import { strFromU8, unzipSync } from 'fflate'
import { demo, expect, test } from './fixtures.ts'

test('an editor exports anonymised research data from the Research page and the ZIP’s codebook lists its columns', async ({
  page,
  login,
}) => {
  // The export job runs in the server's own worker beside the research view's bootstrap.
  test.setTimeout(180_000)
  await login(demo.editor)
  await page.goto('/')
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Research' })).toBeVisible({ timeout: 30_000 })

  const panel = page.getByRole('region', { name: 'Export data' })
  await expect(panel.getByLabel('Minimum learners per cell (k)')).toHaveValue('5')
  await panel.getByRole('button', { name: 'Start export' }).click()

  // The job reports its progress, then offers the file.
  const download = panel.getByRole('link', { name: /^Download ZIP/ }).first()
  await expect(download).toBeVisible({ timeout: 60_000 })
  await expect(panel.getByText(/quiz_results\.csv: \d+ rows/).first()).toBeVisible()

  const [file] = await Promise.all([page.waitForEvent('download'), download.click()])
  expect(file.suggestedFilename()).toMatch(/^rounds-research-demo-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip$/)
  const zip = unzipSync(new Uint8Array(await readFile(await file.path())))
  expect(Object.keys(zip).sort()).toEqual([
    'README.txt',
    'codebook.csv',
    'codebook.md',
    'engagement.csv',
    'items.csv',
    'learning_summary.csv',
    'quiz_results.csv',
    'survey_responses.csv',
  ])
  // Every table's header appears in the codebook, column for column, and nothing else does.
  const text = (name: string) => strFromU8(zip[name] as Uint8Array)
  const codebookRows = text('codebook.csv')
    .trim()
    .split('\r\n')
    .slice(1)
    .map((line) => line.split(',').slice(0, 2).join('.'))
  const headers = ['items', 'engagement', 'quiz_results', 'learning_summary', 'survey_responses'].flatMap(
    (t) => (text(`${t}.csv`).split('\r\n')[0] as string).split(',').map((c) => `${t}.${c}`),
  )
  expect(codebookRows).toEqual(headers)
  expect(headers).toContain('quiz_results.learner')
  expect(text('README.txt')).toMatch(/Small-cell k:\s+5/)

  // The codebook is also shown on the page.
  await panel.getByRole('button', { name: 'Show the codebook' }).click()
  const codebook = panel.getByRole('table', { name: 'Codebook' })
  await expect(codebook.getByRole('row')).toHaveCount(headers.length + 1)
  await expect(codebook.getByRole('row').filter({ hasText: 'completion_rate' })).toContainText(
    'learners is under k',
  )
})
