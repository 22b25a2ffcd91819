import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MediaAnalysers } from '#src/capabilities/media/media.analysers.ts'
import { openRounds, type Rounds } from '#src/entry/context.ts'
import { buildHttpApp } from '#src/entry/http.ts'
import { type Clock, randomIds } from '#src/platform/clock.ts'
import { loadConfig } from '#src/platform/config.ts'
import type { Dialect } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import type { MailMessage, MailTransport } from '#src/platform/mail/mail.ts'
import { createTestDatabaseUrl } from './database.ts'

export const TEST_BASE_URL = 'http://localhost:3000'
export const TEST_PASSWORD = 'correct-horse-battery-staple'

export type TestRounds = Rounds & {
  app: ReturnType<typeof buildHttpApp>
  /** Mail handed to the transport by the mail job, newest last. */
  sentMail: MailMessage[]
  /** The database URL, so a second instance can open the same data. */
  databaseUrl: string
  close(): Promise<void>
}

/**
 * A whole Rounds (database, auth, queue, HTTP app) on a fresh migrated database of the
 * given dialect, configured as in production except for the database and secrets.
 */
export async function createTestRounds(
  dialect: Dialect,
  options: {
    env?: Record<string, string>
    clock?: Clock
    mediaAnalysers?: MediaAnalysers
    /** Another instance's database, to run a second Rounds (a second process) on the same data. */
    databaseOf?: TestRounds
  } = {},
): Promise<TestRounds> {
  const t = options.databaseOf
    ? { url: options.databaseOf.databaseUrl, drop: async () => {} }
    : await createTestDatabaseUrl(dialect)
  // Uploaded media goes to a folder of this test's own, removed on close.
  const mediaDir = mkdtempSync(join(tmpdir(), 'rounds-test-media-'))
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: t.url,
    SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
    ROUNDS_ENCRYPTION_KEYS: `test:${Buffer.alloc(32, 7).toString('base64')}`,
    PUBLIC_BASE_URL: TEST_BASE_URL,
    SIGN_IN_RATE_LIMIT: '1000',
    MEDIA_DIR: mediaDir,
    ...options.env,
  })
  const sentMail: MailMessage[] = []
  const mailTransport: MailTransport = {
    async send(m) {
      sentMail.push({ to: m.to, subject: m.subject, text: m.text })
    },
  }
  const rounds = openRounds(config, {
    log: createSilentLogger(),
    ids: randomIds,
    mailTransport,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.mediaAnalysers ? { mediaAnalysers: options.mediaAnalysers } : {}),
  })
  await migrateToLatest(rounds.database.db)
  const app = buildHttpApp(rounds)
  return {
    ...rounds,
    app,
    sentMail,
    databaseUrl: t.url,
    async close() {
      await rounds.close()
      await t.drop()
      rmSync(mediaDir, { recursive: true, force: true })
    },
  }
}

/** Signs in through the real auth endpoint and returns the Cookie header to send. */
export async function signIn(rounds: TestRounds, email: string, password = TEST_PASSWORD): Promise<string> {
  const res = await rounds.app.request('/api/auth/sign-in/email', {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: TEST_BASE_URL },
    body: JSON.stringify({ email, password }),
  })
  if (res.status !== 200) throw new Error(`sign-in as ${email} failed: ${res.status} ${await res.text()}`)
  return res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ')
}

/** JSON request helper for route tests. */
export function call(
  rounds: TestRounds,
  method: string,
  path: string,
  options: { cookie?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const headers: Record<string, string> = { origin: TEST_BASE_URL, ...options.headers }
  if (options.cookie) headers.cookie = options.cookie
  let body: string | undefined
  if (options.rawBody !== undefined) body = options.rawBody
  else if (options.body !== undefined) body = JSON.stringify(options.body)
  if (body !== undefined && !headers['content-type']) headers['content-type'] = 'application/json'
  return Promise.resolve(
    rounds.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) }),
  )
}
