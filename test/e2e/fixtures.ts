import { join } from 'node:path'
import { DatabaseSync } from 'node:sqlite'
import {
  type APIRequestContext,
  type BrowserContext,
  test as base,
  expect,
  type Page,
} from '@playwright/test'
import { completeReview } from '../support/complete-review.ts'

/**
 * Fixtures for the end-to-end tests, in the manner of the Epic Stack's playwright-utils:
 * sign in through the API (fast, no UI), then hand the session cookie to the browser.
 */

export const demoPassword = 'rounds-demo-password'
export const demoOrganisation = { slug: 'demo', name: 'Demo Teaching Channel' }

export const demo = {
  admin: 'admin@demo.example',
  editor: 'editor@demo.example',
  reviewer: 'reviewer@demo.example',
  reviewer2: 'reviewer2@demo.example',
  author: 'author@demo.example',
  /** An author with no certificate and no disclosure attestation: the gate refuses them. */
  newAuthor: 'newauthor@demo.example',
  /** Reads analytics, survey results and research exports; nothing else (decision 026). */
  researcher: 'researcher@demo.example',
} as const

export function baseUrl(): string {
  const port = process.env.ROUNDS_E2E_PORT
  if (!port) throw new Error('ROUNDS_E2E_PORT is not set: run the tests with `npx playwright test`')
  return `http://127.0.0.1:${port}`
}

/** A new, unique address for a user this test creates. */
export function uniqueEmail(label: string): string {
  return `${label}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}@e2e.example`
}

/** Signs in through the API in its own request context and returns that context, signed in. */
export async function apiSignIn(
  playwright: { request: { newContext: (options: { baseURL: string }) => Promise<APIRequestContext> } },
  email: string,
  password = demoPassword,
): Promise<APIRequestContext> {
  const request = await playwright.request.newContext({ baseURL: baseUrl() })
  const response = await request.post('/api/auth/sign-in/email', {
    data: { email, password },
    headers: { Origin: baseUrl() },
  })
  if (!response.ok()) {
    const detail = `${response.status()} ${await response.text()}`
    await request.dispose()
    throw new Error(`sign-in as ${email} failed: ${detail}`)
  }
  return request
}

/** Creates an account through the API; returns a request context signed in as it. */
export async function apiSignUp(
  playwright: Parameters<typeof apiSignIn>[0],
  user: { name: string; email: string; password: string },
): Promise<APIRequestContext> {
  const request = await playwright.request.newContext({ baseURL: baseUrl() })
  const response = await request.post('/api/auth/sign-up/email', {
    data: user,
    headers: { Origin: baseUrl() },
  })
  if (!response.ok()) {
    const detail = `${response.status()} ${await response.text()}`
    await request.dispose()
    throw new Error(`sign-up of ${user.email} failed: ${detail}`)
  }
  return request
}

/** Calls our JSON API as a signed-in request context and fails the test on an error status. */
export async function apiCall<T>(
  request: APIRequestContext,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  path: string,
  data?: unknown,
): Promise<T> {
  const response = await request.fetch(path, {
    method,
    headers: { Origin: baseUrl() },
    ...(data === undefined ? {} : { data }),
  })
  expect(response.ok(), `${method} ${path}: ${response.status()} ${await response.text()}`).toBe(true)
  return (response.status() === 204 ? undefined : await response.json()) as T
}

export type DemoMember = { userId: string; email: string; name: string; roles: string[] }

/** The demo organisation's member with this email, as the admin sees it. */
export async function findMember(admin: APIRequestContext, email: string): Promise<DemoMember> {
  const { members } = await apiCall<{ members: DemoMember[] }>(
    admin,
    'GET',
    `/api/orgs/${demoOrganisation.slug}/members`,
  )
  const member = members.find((m) => m.email === email)
  if (!member) throw new Error(`no member ${email} in ${demoOrganisation.slug}`)
  return member
}

/**
 * An item by the demo author, through the API: created with `fields`, submitted, reviewed by both
 * demo reviewers (assigned by the editor) and accepted by the editor.
 */
export async function approvedItem(
  playwright: Parameters<typeof apiSignIn>[0],
  fields: Record<string, unknown>,
): Promise<{ id: string }> {
  const org = `/api/orgs/${demoOrganisation.slug}`
  const author = await apiSignIn(playwright, demo.author)
  const item = await apiCall<{ id: string }>(author, 'POST', `${org}/items`, fields)
  await apiCall(author, 'POST', `${org}/items/${item.id}/submit`)
  await author.dispose()
  const admin = await apiSignIn(playwright, demo.admin)
  const reviewers = [await findMember(admin, demo.reviewer), await findMember(admin, demo.reviewer2)]
  await admin.dispose()
  const editor = await apiSignIn(playwright, demo.editor)
  const round = await apiCall<{ reviews: { assignmentId: string; reviewer: { id: string } }[] }>(
    editor,
    'POST',
    `${org}/items/${item.id}/review/assignments`,
    { reviewerIds: reviewers.map((r) => r.userId) },
  )
  for (const [i, r] of reviewers.entries()) {
    const reviewer = await apiSignIn(playwright, i === 0 ? demo.reviewer : demo.reviewer2)
    const a = round.reviews.find((x) => x.reviewer.id === r.userId)?.assignmentId as string
    await apiCall(reviewer, 'PUT', `${org}/items/${item.id}/review/assignments/${a}`, completeReview)
    await apiCall(reviewer, 'POST', `${org}/items/${item.id}/review/assignments/${a}/submit`)
    await reviewer.dispose()
  }
  await apiCall(editor, 'POST', `${org}/items/${item.id}/review/decision`, {
    decision: 'accept',
    message: 'Clear.',
  })
  await editor.dispose()
  return item
}

/** The editor publishes an approved item on Rounds' own public page, through the API, as previewed. */
export async function publishOnRounds(
  playwright: Parameters<typeof apiSignIn>[0],
  itemId: string,
): Promise<void> {
  const org = `/api/orgs/${demoOrganisation.slug}`
  const editor = await apiSignIn(playwright, demo.editor)
  const preview = await apiCall<{
    contentHash: string
    previews: { channel: string; previewHash: string }[]
  }>(editor, 'GET', `${org}/items/${itemId}/publishing/preview`)
  const rounds = preview.previews.find((p) => p.channel === 'rounds')
  expect(rounds, 'the preview has Rounds’ own page').toBeTruthy()
  await apiCall(editor, 'POST', `${org}/items/${itemId}/publications`, {
    contentHash: preview.contentHash,
    channels: [{ channel: 'rounds', previewHash: rounds?.previewHash }],
  })
  await editor.dispose()
}

/** The newest message the server queued for an address (the outbox is the delivery when no SMTP is set). */
export function latestMailTo(email: string): { subject: string; text: string } | null {
  const dir = process.env.ROUNDS_E2E_DIR
  if (!dir) throw new Error('ROUNDS_E2E_DIR is not set')
  const db = new DatabaseSync(join(dir, 'rounds.db'), { readOnly: true })
  try {
    const row = db
      .prepare(
        'SELECT subject, text_body AS text FROM mail_outbox WHERE to_address = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      )
      .get(email) as { subject: string; text: string } | undefined
    return row ?? null
  } finally {
    db.close()
  }
}

/**
 * The right answers to the questions drawn for an attempt, read from the test database (the API
 * never reveals them before submission). Maps question id to the ids of its correct options.
 */
export function correctAnswers(attemptId: string): Map<string, string[]> {
  const dir = process.env.ROUNDS_E2E_DIR
  if (!dir) throw new Error('ROUNDS_E2E_DIR is not set')
  const db = new DatabaseSync(join(dir, 'rounds.db'), { readOnly: true })
  try {
    const attempt = db.prepare('SELECT draw FROM training_attempt WHERE id = ?').get(attemptId) as
      | { draw: string }
      | undefined
    if (!attempt) throw new Error(`no attempt ${attemptId}`)
    const draw = JSON.parse(attempt.draw) as { id: string; version: number }[]
    const question = db.prepare('SELECT options FROM training_question WHERE id = ? AND version = ?')
    const answers = new Map<string, string[]>()
    for (const { id, version } of draw) {
      const row = question.get(id, version) as { options: string } | undefined
      if (!row) throw new Error(`no question ${id} v${version}`)
      const options = JSON.parse(row.options) as { id: string; correct: boolean }[]
      answers.set(
        id,
        options.filter((o) => o.correct).map((o) => o.id),
      )
    }
    return answers
  } finally {
    db.close()
  }
}

/** The first same-site link in a message, as a path ("/invite/…"). */
export function linkIn(text: string): string {
  const match = text.match(/https?:\/\/\S+/)
  if (!match) throw new Error(`no link in:\n${text}`)
  const url = new URL(match[0])
  return url.pathname + url.search
}

/** The link names in the main navigation, in order. */
export async function navLinks(page: Page): Promise<string[]> {
  const nav = page.getByRole('navigation', { name: 'Main' })
  await expect(nav.getByRole('link').first()).toBeVisible()
  return (await nav.getByRole('link').allInnerTexts()).map((text) => text.trim())
}

type Fixtures = {
  /** Signs the page's browser context in as this user (through the API), replacing any session. */
  login: (email: string, password?: string) => Promise<void>
  /** Signs a separate browser context in (for a second person in the same test). */
  loginInNewContext: (email: string, password?: string) => Promise<{ context: BrowserContext; page: Page }>
}

export const test = base.extend<Fixtures>({
  login: async ({ page, playwright }, use) => {
    await use(async (email, password = demoPassword) => {
      const request = await apiSignIn(playwright, email, password)
      const { cookies } = await request.storageState()
      await request.dispose()
      await page.context().clearCookies()
      await page.context().addCookies(cookies)
    })
  },
  loginInNewContext: async ({ browser, playwright }, use) => {
    const contexts: BrowserContext[] = []
    await use(async (email, password = demoPassword) => {
      const request = await apiSignIn(playwright, email, password)
      const storageState = await request.storageState()
      await request.dispose()
      const context = await browser.newContext({ baseURL: baseUrl(), storageState })
      contexts.push(context)
      return { context, page: await context.newPage() }
    })
    for (const context of contexts) await context.close()
  },
})

export { expect }
