import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createKeyring,
  decryptJson,
  encryptJson,
  formatKeyringText,
  generateKey,
} from '#src/platform/secrets.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestOrganisation } from '#test/support/factories.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'

const run = promisify(execFile)

/** `rounds secrets rotate` as an operator runs it, against a database holding channel credentials. */
describe.each(testDialects)('rounds secrets rotate on %s', (dialect) => {
  let rounds: TestRounds
  const oldKey = generateKey(new Date('2025-01-01'))
  const newKey = generateKey(new Date('2026-11-27'))

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds?.close())

  async function cli(keys: string, ...args: string[]) {
    try {
      const r = await run(process.execPath, ['bin/rounds.js', ...args], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          DATABASE_URL: rounds.config.databaseUrl,
          SESSION_SECRET: 'test-secret-test-secret-test-secret-0123',
          ROUNDS_ENCRYPTION_KEYS: keys,
        },
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

  async function account(secret: string, keyring: ReturnType<typeof createKeyring>) {
    const org = await createTestOrganisation(rounds)
    const id = rounds.ids.next()
    const at = new Date().toISOString()
    await rounds.database.db
      .insertInto('channel_account')
      .values({
        id,
        organisation_id: org.id,
        channel: 'mastodon',
        name: '@rounds@med.example',
        remote_account_id: '1',
        service_url: 'https://med.example',
        status: 'connected',
        credentials: encryptJson(
          keyring,
          { serviceUrl: 'https://med.example', accessToken: secret },
          `channel_account:${id}`,
        ),
        expires_at: null,
        last_error: null,
        connected_by: null,
        connected_at: at,
        refreshed_at: null,
        updated_at: at,
      })
      .execute()
    return id
  }

  const stored = async (id: string) =>
    (
      await rounds.database.db
        .selectFrom('channel_account')
        .select('credentials')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).credentials as string

  it('moves every stored token to the first key, after which the old key can go', async () => {
    const id = await account('token-one', createKeyring([oldKey]))
    const r = await cli(formatKeyringText([newKey, oldKey]), 'secrets', 'rotate')
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(new RegExp(`rotated to key ${newKey.id}: \\d+ re-encrypted`))
    const text = await stored(id)
    expect(text.split('.')[1]).toBe(newKey.id)
    expect(decryptJson(createKeyring([newKey]), text, `channel_account:${id}`)).toMatchObject({
      accessToken: 'token-one',
    })
    expect(r.stdout + r.stderr).not.toContain('token-one')
  })

  it('refuses with exit 7 and changes nothing when a token was encrypted under a key no longer given', async () => {
    const lost = generateKey(new Date('2024-01-01'))
    const id = await account('token-two', createKeyring([lost]))
    const keep = await account('token-three', createKeyring([oldKey]))
    const before = await stored(keep)
    const r = await cli(formatKeyringText([newKey, oldKey]), 'secrets', 'rotate')
    expect(r.code).toBe(7)
    expect(r.stderr).toMatch(/SECRET_UNREADABLE/)
    expect(r.stderr).toContain(lost.id)
    expect(r.stderr).toContain(id)
    expect(await stored(keep)).toBe(before)
    expect(r.stderr).not.toContain('token-two')
  })
})
