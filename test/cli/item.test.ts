import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, type TestDatabase, testDialects } from '#test/support/database.ts'

const run = promisify(execFile)
type Result = { code: number; out: string }

describe.each(testDialects)('rounds item on %s', (dialect) => {
  let db: TestDatabase
  let env: Record<string, string>
  let dir: string
  const rounds = async (...args: string[]): Promise<Result> => {
    try {
      const r = await run(process.execPath, ['bin/rounds.js', ...args], { env, timeout: 60_000 })
      return { code: 0, out: r.stdout + r.stderr }
    } catch (e) {
      const err = e as { code?: number; stdout?: string; stderr?: string }
      return {
        code: typeof err.code === 'number' ? err.code : 1,
        out: (err.stdout ?? '') + (err.stderr ?? ''),
      }
    }
  }
  const create = async (as: string, file: string) => {
    const r = await rounds(
      'item',
      'create',
      '--org',
      'demo',
      '--as',
      as,
      '--kind',
      'post',
      '--file',
      join(dir, file),
    )
    expect(r.code, r.out).toBe(0)
    return JSON.parse(r.out) as { id: string; state: string; fields: { title: string; body: string } }
  }

  beforeAll(async () => {
    db = await createTestDatabaseUrl(dialect)
    env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      DATABASE_URL: db.url,
      SESSION_SECRET: 'item-cli-test-secret-item-cli-test-secret',
    }
    dir = mkdtempSync(join(tmpdir(), 'rounds-item-'))
    writeFileSync(
      join(dir, 'clean.md'),
      '# Recognising sepsis early\n\nNew confusion, respiratory rate of 22 or more, systolic pressure of 100 or less (qSOFA; doi:10.1001/jama.2016.0287).\n',
    )
    writeFileSync(
      join(dir, 'phi.md'),
      '# A case from last night\n\nMrs Ellen Hartley, 93, from Little Snoring, came in on 3 March 2025 with new confusion.\n',
    )
    expect((await rounds('seed', '--demo')).code).toBe(0)
  })
  afterAll(() => db.drop())

  it('creates a draft from Markdown: the heading becomes the title', async () => {
    const item = await create('author@demo.example', 'clean.md')
    expect(item).toMatchObject({ state: 'draft', fields: { title: 'Recognising sepsis early' } })
    expect(item.fields.body).not.toContain('# Recognising')
    expect(item.id).toBeTruthy()
  })

  it('refuses an untrained author at submission with TRAINING_REQUIRED (exit 3); the item stays a draft', async () => {
    const item = await create('newauthor@demo.example', 'clean.md')
    const r = await rounds('item', 'submit', item.id, '--as', 'newauthor@demo.example')
    expect(r.code).toBe(3)
    expect(r.out).toMatch(/TRAINING_REQUIRED/)
    expect(r.out).toMatch(/DISCLOSURE_REQUIRED|financial relationships/)
    expect(JSON.parse((await rounds('item', 'show', item.id, '--json')).out)).toMatchObject({
      state: 'draft',
    })
  })

  it('refuses identifiers with SCREENING_BLOCKED (exit 8) naming each one; only the author may submit', async () => {
    const item = await create('author@demo.example', 'phi.md')
    const other = await rounds('item', 'submit', item.id, '--as', 'reviewer@demo.example')
    expect(other.code).not.toBe(0)
    const r = await rounds('item', 'submit', item.id, '--as', 'author@demo.example')
    expect(r.code).toBe(8)
    for (const text of ['SCREENING_BLOCKED', 'Ellen Hartley', 'Little Snoring', '3 March'])
      expect(r.out).toContain(text)
    expect(JSON.parse((await rounds('item', 'show', item.id, '--json')).out)).toMatchObject({
      state: 'draft',
    })
  })

  it('a trained author with a current attestation submits a clean post', async () => {
    const item = await create('author@demo.example', 'clean.md')
    const r = await rounds('item', 'submit', item.id, '--as', 'author@demo.example')
    expect(r.code, r.out).toBe(0)
    expect(r.out).toMatch(/submitted/)
    const shown = JSON.parse((await rounds('item', 'show', item.id, '--json')).out) as { state: string }
    expect(shown.state).toBe('submitted')
  })
})
