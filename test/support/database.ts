import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type Database, type Dialect, openDatabase } from '#src/platform/db/database.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'

/**
 * The dialects the database tests run on: SQLite always; PostgreSQL when
 * ROUNDS_TEST_POSTGRES_URL names a server (`.ci/run` sets it). Each test database is new
 * and private to the test file that made it.
 */
export const testDialects: Dialect[] = process.env.ROUNDS_TEST_POSTGRES_URL
  ? ['sqlite', 'postgres']
  : ['sqlite']

export type TestDatabase = { url: string; dialect: Dialect; drop(): Promise<void> }

/** A fresh, empty database (not migrated). */
export async function createTestDatabaseUrl(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rounds-test-'))
    return { url: `sqlite:${join(dir, 'rounds.db')}`, dialect, drop: async () => {} }
  }
  const adminUrl = process.env.ROUNDS_TEST_POSTGRES_URL
  if (!adminUrl) throw new Error('ROUNDS_TEST_POSTGRES_URL is not set')
  const name = `rounds_test_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    dialect,
    async drop() {
      const c = new pg.Client({ connectionString: adminUrl })
      await c.connect()
      await c.query(`drop database if exists ${name} with (force)`)
      await c.end()
    },
  }
}

/** A fresh, migrated database, opened. Call `close()` in afterAll. */
export async function openTestDatabase(
  dialect: Dialect,
): Promise<Database & { url: string; close(): Promise<void> }> {
  const t = await createTestDatabaseUrl(dialect)
  const database = openDatabase(t.url)
  await migrateToLatest(database.db)
  return {
    ...database,
    url: t.url,
    async close() {
      await database.destroy()
      await t.drop()
    },
  }
}
