import {
  apiCall,
  apiSignIn,
  approvedItem,
  expect as baseExpect,
  baseUrl,
  demo,
  demoOrganisation,
  publishOnRounds,
  test,
} from './fixtures.ts'

// Delivery to the public page runs in the server's worker: be patient on a shared machine.
const expect = baseExpect.configure({ timeout: 30_000 })
test.describe.configure({ timeout: 240_000 })

const quiz = {
  questions: [
    {
      id: 'q1',
      type: 'single',
      prompt: 'What is the first drug to give in anaphylaxis?',
      objective: 'Treat anaphylaxis',
      explanation: 'Intramuscular adrenaline, 0.5 mg in adults, into the outer thigh.',
      options: [
        { id: 'a', text: 'Intramuscular adrenaline', correct: true },
        { id: 'b', text: 'Oral antihistamine', correct: false },
        { id: 'c', text: 'Intravenous hydrocortisone', correct: false },
      ],
    },
    {
      id: 'q2',
      type: 'multiple',
      prompt: 'Which of these are signs of anaphylaxis?',
      objective: 'Recognise anaphylaxis',
      explanation: 'Airway, breathing or circulation problems, usually with skin or mucosal changes.',
      options: [
        { id: 'a', text: 'Stridor', correct: true },
        { id: 'b', text: 'Low blood pressure', correct: true },
        { id: 'c', text: 'A slow pulse on its own', correct: false },
      ],
    },
  ],
}

test('an anonymous learner takes the pre quiz, reads the content, takes the post quiz and sees the score; the statements are stored', async ({
  page,
  playwright,
}) => {
  const org = `/api/orgs/${demoOrganisation.slug}`
  const title = `Anaphylaxis: the first minute ${Date.now().toString(36)}`

  // Written with a quiz, reviewed, approved and published on Rounds' own public page.
  const item = await approvedItem(playwright, {
    kind: 'post',
    title,
    body: 'Lie the patient flat, give intramuscular adrenaline, call for help and repeat after five minutes if needed.',
    learningObjectives: ['Treat anaphylaxis', 'Recognise anaphylaxis'],
    quiz,
    channels: ['rounds'],
  })
  await publishOnRounds(playwright, item.id)
  const itemPath = `/orgs/${demoOrganisation.slug}/items/${item.id}`
  await expect
    .poll(async () => (await page.request.get(itemPath, { headers: { accept: 'text/html' } })).status(), {
      timeout: 60_000,
    })
    .toBe(200)

  // The learner (not signed in) opens the public page and starts the quiz.
  await page.goto(itemPath)
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await page.getByRole('link', { name: 'Start the quiz' }).click()
  await expect(page.getByRole('heading', { name: 'What is recorded' })).toBeVisible()
  await page.getByRole('button', { name: 'I agree — start' }).click()

  // Pre quiz: one right, one wrong.
  await expect(page.getByRole('heading', { level: 1, name: 'Before you start' })).toBeVisible()
  await page.getByLabel('Intramuscular adrenaline').check()
  await page.getByLabel('A slow pulse on its own').check()
  await page.getByRole('button', { name: 'Submit answers' }).click()

  // The content, then the post quiz: both right.
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible()
  await expect(page.getByText('Lie the patient flat')).toBeVisible()
  await page.getByRole('link', { name: 'I have read it: take the post quiz' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Check what you learned' })).toBeVisible()
  await page.getByLabel('Intramuscular adrenaline').check()
  await page.getByLabel('Stridor').check()
  await page.getByLabel('Low blood pressure').check()
  await page.getByRole('button', { name: 'Submit answers' }).click()

  // Feedback: the scores, the gain, the explanations and the link to keep for later.
  await expect(page.getByRole('heading', { level: 1, name: 'Your results' })).toBeVisible()
  await expect(page.locator('.score-pre')).toHaveText('1 of 2')
  await expect(page.locator('.score-post')).toHaveText('2 of 2')
  await expect(page.getByText('100% of what there was to gain')).toBeVisible()
  await expect(page.getByText('Intramuscular adrenaline, 0.5 mg in adults')).toBeVisible()
  await expect(page.locator('a.delayed-link')).toHaveAttribute('href', /\/learn\/delayed\/[A-Za-z0-9_-]+$/)

  // The statements, read back through the Learning Record Store with a client's credentials.
  const admin = await apiSignIn(playwright, demo.admin)
  const client = await apiCall<{ key: string; secret: string }>(admin, 'POST', `${org}/lrs-clients`, {
    name: `E2E check ${Date.now().toString(36)}`,
  })
  await admin.dispose()
  const itemUrl = `${baseUrl()}${itemPath}`
  const res = await page.request.get(
    `/xapi/statements?activity=${encodeURIComponent(itemUrl)}&related_activities=true&limit=100`,
    {
      headers: {
        authorization: `Basic ${Buffer.from(`${client.key}:${client.secret}`).toString('base64')}`,
        'x-experience-api-version': '1.0.3',
      },
    },
  )
  expect(res.status()).toBe(200)
  const { statements } = (await res.json()) as {
    statements: {
      verb: { id: string }
      actor: { account?: { name: string }; mbox?: string }
      result?: unknown
    }[]
  }
  const verbs = statements.map((s) => s.verb.id)
  expect(verbs.filter((v) => v === 'http://adlnet.gov/expapi/verbs/answered')).toHaveLength(4)
  expect(verbs).toContain('http://adlnet.gov/expapi/verbs/experienced')
  expect(verbs).toContain('http://adlnet.gov/expapi/verbs/completed')
  expect(verbs).toContain('http://adlnet.gov/expapi/verbs/passed')
  expect(verbs).toContain('http://adlnet.gov/expapi/verbs/failed')
  for (const s of statements) {
    expect(s.actor.account?.name).toMatch(/^anon:[A-Za-z0-9_-]+$/)
    expect(s.actor.mbox).toBeUndefined()
  }

  // The editor's summary of the item's learners.
  const editor = await apiSignIn(playwright, demo.editor)
  const summary = await apiCall<{ gain: { nPrePost: number; meanGain: number } }>(
    editor,
    'GET',
    `${org}/items/${item.id}/learning`,
  )
  expect(summary.gain.nPrePost).toBe(1)
  expect(summary.gain.meanGain).toBe(0.5)
  await editor.dispose()
})
