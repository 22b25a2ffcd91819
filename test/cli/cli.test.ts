import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRounds } from '#src/entry/context.ts'
import { buildHttpApp } from '#src/entry/http.ts'
import { loadConfig } from '#src/platform/config.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { createTestDatabaseUrl, type TestDatabase, testDialects } from '#test/support/database.ts'

const run = promisify(execFile)

type CliResult = { code: number; stdout: string; stderr: string }

async function rounds(env: Record<string, string>, ...args: string[]): Promise<CliResult> {
  try {
    const r = await run(process.execPath, ['bin/rounds.js', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      timeout: 60_000,
    })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }
  }
}

describe('rounds --help', () => {
  it.each([[], ['user', 'create'], ['audit', 'verify'], ['seed'], ['migrate'], ['serve'], ['worker']])(
    'explains %s',
    async (...args) => {
      const r = await rounds({}, ...(args as string[]), '--help')
      expect(r.code).toBe(0)
      expect(r.stdout).toMatch(/Usage: rounds/)
    },
  )

  it('fails with exit 2 and a readable list on bad configuration', async () => {
    const r = await rounds({ PORT: 'abc', DATABASE_URL: 'mysql://x' }, 'migrate')
    expect(r.code).toBe(2)
    expect(r.stderr).toContain('PORT')
    expect(r.stderr).toContain('DATABASE_URL')
  })
})

describe.each(testDialects)('rounds CLI on %s', (dialect) => {
  let db: TestDatabase
  let env: Record<string, string>
  beforeAll(async () => {
    db = await createTestDatabaseUrl(dialect)
    env = { DATABASE_URL: db.url, SESSION_SECRET: 'cli-test-secret-cli-test-secret-0123456' }
  })
  afterAll(() => db.drop())

  it('migrates, then reports the database up to date', async () => {
    const first = await rounds(env, 'migrate')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/Applied \d+ migration\(s\)/)
    const second = await rounds(env, 'migrate')
    expect(second.stdout).toMatch(/up to date/)
  })

  it('seeds the demo organisation idempotently', async () => {
    const first = await rounds(env, 'seed', '--demo')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(/created {2}author@demo\.example/)
    const second = await rounds(env, 'seed', '--demo')
    expect(second.code).toBe(0)
    expect(second.stdout).toMatch(/exists {3}author@demo\.example/)
    expect(second.stdout).not.toMatch(/created/)
  })

  it('creates a user in an organisation who can then sign in and is seen by /api/me with the role', async () => {
    const r = await rounds(
      env,
      'user',
      'create',
      '--email',
      'new.editor@example.org',
      '--password',
      'a-long-enough-password',
      '--name',
      'New Editor',
      '--org',
      'demo',
      '--role',
      'editor',
    )
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const app = openApp(env)
    try {
      const signIn = await app.app.request('/api/auth/sign-in/email', {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost:3000' },
        body: JSON.stringify({ email: 'new.editor@example.org', password: 'a-long-enough-password' }),
      })
      expect(signIn.status).toBe(200)
      const cookie = signIn.headers
        .getSetCookie()
        .map((c) => c.split(';')[0])
        .join('; ')
      const me = await app.app.request('/api/me', { headers: { cookie } })
      expect(me.status).toBe(200)
      const body = (await me.json()) as {
        user: { email: string }
        organisations: Array<{ slug: string; roles: string[] }>
      }
      expect(body.user.email).toBe('new.editor@example.org')
      expect(body.organisations).toEqual([expect.objectContaining({ slug: 'demo', roles: ['editor'] })])
    } finally {
      await app.close()
    }
  })

  it('refuses a duplicate email, a short password and an unknown organisation with clear errors and exit codes', async () => {
    const dup = await rounds(
      env,
      'user',
      'create',
      '--email',
      'admin@demo.example',
      '--password',
      'another-long-password',
      '--name',
      'X Y',
    )
    expect(dup.code).toBe(5)
    expect(dup.stderr).toMatch(/EMAIL_TAKEN/)
    const short = await rounds(
      env,
      'user',
      'create',
      '--email',
      'short@example.org',
      '--password',
      'short',
      '--name',
      'X Y',
    )
    expect(short.code).toBe(2)
    expect(short.stderr).toMatch(/password: at least 12 characters/)
    const org = await rounds(
      env,
      'user',
      'create',
      '--email',
      'lost@example.org',
      '--password',
      'a-long-enough-password',
      '--name',
      'X Y',
      '--org',
      'nowhere',
    )
    expect(org.code).toBe(4)
    expect(org.stderr).toMatch(/ORGANISATION_NOT_FOUND/)
    const role = await rounds(
      env,
      'user',
      'create',
      '--email',
      'r@example.org',
      '--password',
      'a-long-enough-password',
      '--name',
      'X Y',
      '--org',
      'demo',
      '--role',
      'boss',
    )
    expect(role.code).toBe(2)
  })

  it('verifies the audit chain, and reports the first altered event with exit code 7', async () => {
    const ok = await rounds(env, 'audit', 'verify')
    expect(ok.code).toBe(0)
    const checked = Number(/(\d+) event\(s\) verified/.exec(ok.stdout)?.[1])
    expect(checked).toBeGreaterThan(5)

    const app = openApp(env)
    try {
      await app.database.db
        .updateTable('audit_event')
        .set({ summary: '{"after":["admin"]}' })
        .where('seq', '=', 3)
        .execute()
    } finally {
      await app.close()
    }
    const broken = await rounds(env, 'audit', 'verify')
    expect(broken.code).toBe(7)
    expect(broken.stderr).toMatch(/broken at event 3/)
    expect(broken.stderr).toMatch(/altered/)
  })
})

function openApp(env: Record<string, string>) {
  const config = loadConfig({ ...env, NODE_ENV: 'test', PUBLIC_BASE_URL: 'http://localhost:3000' })
  const r = openRounds(config, { log: createSilentLogger() })
  return { ...r, app: buildHttpApp(r) }
}
