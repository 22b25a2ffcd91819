import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openRounds } from '#src/entry/context.ts'
import { buildHttpApp } from '#src/entry/http.ts'
import { loadConfig } from '#src/platform/config.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { createTestDatabaseUrl, type TestDatabase, testDialects } from '#test/support/database.ts'

const run = promisify(execFile)

async function cli(env: Record<string, string>, ...args: string[]) {
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

describe.each(testDialects)('rounds lrs-client create (%s)', (dialect) => {
  let db: TestDatabase
  let env: Record<string, string>
  beforeAll(async () => {
    db = await createTestDatabaseUrl(dialect)
    env = {
      DATABASE_URL: db.url,
      SESSION_SECRET: 'cli-test-secret-cli-test-secret-0123456',
      PUBLIC_BASE_URL: 'https://rounds.example.org',
    }
    expect((await cli(env, 'org', 'create', '--slug', 'lrs-org', '--name', 'LRS Org')).code).toBe(0)
  })
  afterAll(() => db.drop())

  it('prints {key, secret, endpoint} as JSON, and the credentials work at /xapi/', async () => {
    const r = await cli(env, 'lrs-client', 'create', '--org', 'lrs-org', '--name', 'Moodle')
    expect(r.code).toBe(0)
    const creds = JSON.parse(r.stdout) as Record<string, string>
    expect(Object.keys(creds).sort()).toEqual(['endpoint', 'key', 'secret'])
    expect(creds.endpoint).toBe('https://rounds.example.org/xapi/')

    const rounds = openRounds(loadConfig({ NODE_ENV: 'test', ...env }), { log: createSilentLogger() })
    try {
      const res = await buildHttpApp(rounds).request('/xapi/statements', {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString('base64')}`,
          'x-experience-api-version': '2.0.0',
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          id: randomUUID(),
          actor: { mbox: 'mailto:learner@example.org' },
          verb: { id: 'http://adlnet.gov/expapi/verbs/experienced' },
          object: { id: 'https://example.org/items/1' },
        }),
      })
      expect(res.status).toBe(200)
      expect(res.headers.get('x-experience-api-version')).toBe('2.0.0')
    } finally {
      await rounds.close()
    }
  })

  it('names an unknown organisation (exit 4)', async () => {
    const r = await cli(env, 'lrs-client', 'create', '--org', 'nope', '--name', 'X')
    expect(r.code).toBe(4)
    expect(r.stderr).toContain('no organisation nope')
  })
})
