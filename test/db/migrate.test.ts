import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '#src/platform/db/database.ts'
import { type MigrationSet, migrateToLatest, pendingMigrations } from '#src/platform/db/migrate.ts'
import { migrations } from '#src/platform/db/migrations/index.ts'
import {
  createTestDatabaseUrl,
  openTestDatabase,
  type TestDatabase,
  testDialects,
} from '#test/support/database.ts'

const allMigrations = Object.keys(migrations)
const projectRoot = resolve(import.meta.dirname, '../..')

/** Runs test/db/migrate-once.ts in a process of its own. */
async function migrateInChild(url: string, startAt: number): Promise<{ applied: string[]; error: string }> {
  const child = spawn(process.execPath, ['test/db/migrate-once.ts', url, String(startAt)], {
    cwd: projectRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const [code] = await once(child, 'exit')
  if (code !== 0) return { applied: [], error: stderr.trim() || `exit ${code}` }
  return { applied: JSON.parse(stdout) as string[], error: '' }
}

describe('migration names', () => {
  it('are ISO timestamps in order', () => {
    expect(allMigrations.length).toBeGreaterThan(0)
    for (const name of allMigrations) expect(name).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-[a-z0-9-]+$/)
    expect([...allMigrations].sort()).toEqual(allMigrations)
  })
})

describe.each(testDialects)('migrations on %s', (dialect) => {
  let target: TestDatabase
  let database: Database
  beforeAll(async () => {
    target = await createTestDatabaseUrl(dialect)
    database = openDatabase(target.url)
  })
  afterAll(async () => {
    await database.destroy()
    await target.drop()
  })

  it('apply every migration to an empty database, then none on the next run', async () => {
    expect(await pendingMigrations(database.db)).toEqual(allMigrations)

    expect(await migrateToLatest(database.db)).toEqual({ applied: allMigrations, pending: [] })
    expect(await pendingMigrations(database.db)).toEqual([])
    const tables = (await database.db.introspection.getTables()).map((t) => t.name)
    expect(tables).toEqual(expect.arrayContaining(['job', 'audit_event', 'auth_user']))

    expect(await migrateToLatest(database.db)).toEqual({ applied: [], pending: [] })
  })

  it('apply once when several processes migrate a new database at the same time', async () => {
    const fresh = await createTestDatabaseUrl(dialect)
    try {
      // Each process loads, then waits for the same moment to start migrating.
      const startAt = Date.now() + 1_500
      const runs = await Promise.all(Array.from({ length: 6 }, () => migrateInChild(fresh.url, startAt)))
      expect(runs.map((r) => r.error)).toEqual(Array(6).fill(''))
      expect(runs.flatMap((r) => r.applied)).toEqual(allMigrations)
      const check = openDatabase(fresh.url)
      expect(await pendingMigrations(check.db)).toEqual([])
      await check.destroy()
    } finally {
      await fresh.drop()
    }
  })

  it('leave nothing of a run in which a migration failed', async () => {
    const fresh = await createTestDatabaseUrl(dialect)
    const db = openDatabase(fresh.url)
    const set: MigrationSet = {
      '2030-01-01T00-00-00-first': {
        up: (k) => sql`create table first_t (id integer primary key)`.execute(k).then(),
      },
      '2030-01-02T00-00-00-second': {
        async up(k) {
          await sql`create table second_t (id integer primary key)`.execute(k)
          await sql`insert into no_such_table values (1)`.execute(k)
        },
      },
    }
    try {
      await expect(migrateToLatest(db.db, set)).rejects.toThrow('migration 2030-01-02T00-00-00-second failed')
      const tables = (await db.db.introspection.getTables()).map((t) => t.name)
      expect(tables).not.toContain('first_t')
      expect(tables).not.toContain('second_t')
      expect(await pendingMigrations(db.db, set)).toEqual(Object.keys(set))
    } finally {
      await db.destroy()
      await fresh.drop()
    }
  })

  it('seed the audit chain head at its genesis', async () => {
    const head = await database.db.selectFrom('audit_head').selectAll().execute()
    expect(head.map((h) => ({ id: Number(h.id), seq: Number(h.seq), lastHash: h.last_hash }))).toEqual([
      { id: 1, seq: 0, lastHash: '0'.repeat(64) },
    ])
  })
})

describe.each(testDialects)('constraints on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())
  const now = '2026-01-01T00:00:00.000Z'

  it('enforces foreign keys', async () => {
    const insert = database.db
      .insertInto('membership')
      .values({ organisation_id: 'no-such-org', user_id: 'no-such-user', role: 'admin', created_at: now })
      .execute()
    await expect(insert).rejects.toThrow(/foreign key/i)
  })

  it('enforces the job status check', async () => {
    const insert = database.db
      .insertInto('job')
      .values({
        id: 'j1',
        name: 'test.job',
        payload: '{}',
        status: 'paused' as 'queued',
        attempts: 0,
        max_attempts: 1,
        run_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute()
    await expect(insert).rejects.toThrow(/check constraint/i)
  })

  it('enforces the membership role check', async () => {
    await database.db
      .insertInto('organisation')
      .values({ id: 'o1', slug: 'o1', name: 'O', description: '', created_at: now })
      .execute()
    await database.db
      .insertInto('auth_user')
      .values({
        id: 'u1',
        name: 'U',
        email: 'u1@example.org',
        email_verified: 0,
        created_at: now,
        updated_at: now,
      })
      .execute()
    const insert = (role: string) =>
      database.db
        .insertInto('membership')
        .values({ organisation_id: 'o1', user_id: 'u1', role, created_at: now })
        .execute()
    await expect(insert('owner')).rejects.toThrow(/check constraint/i)
    await expect(insert('admin')).resolves.toBeDefined()
  })
})

describe.runIf(testDialects.includes('sqlite'))('SQLite connections', () => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase('sqlite')
  })
  afterAll(() => database.close())

  it.each([
    { pragma: 'journal_mode', value: 'wal' },
    { pragma: 'busy_timeout', value: 10000 },
    { pragma: 'foreign_keys', value: 1 },
    { pragma: 'synchronous', value: 1 },
  ])('set $pragma to $value', async ({ pragma, value }) => {
    const { rows } = await sql<Record<string, unknown>>`pragma ${sql.raw(pragma)}`.execute(database.db)
    expect(Object.values(rows[0] ?? {})).toEqual([value])
  })

  it('let a migration rebuild a table without cascading to the rows that point at it', async () => {
    const fresh = await createTestDatabaseUrl('sqlite')
    const db = openDatabase(fresh.url)
    const schema: MigrationSet = {
      '2030-01-01T00-00-00-tables': {
        async up(k) {
          await sql`create table parent (id integer primary key, name text)`.execute(k)
          await sql`create table child (id integer primary key, parent_id integer not null references parent (id) on delete cascade)`.execute(
            k,
          )
        },
      },
    }
    // SQLite's way to change a column: copy into a new table, drop the old, rename.
    const rebuild: MigrationSet = {
      ...schema,
      '2030-01-02T00-00-00-rebuild': {
        async up(k) {
          await sql`create table parent_new (id integer primary key, name text not null default '')`.execute(
            k,
          )
          await sql`insert into parent_new (id, name) select id, coalesce(name, '') from parent`.execute(k)
          await sql`drop table parent`.execute(k)
          await sql`alter table parent_new rename to parent`.execute(k)
        },
      },
    }
    try {
      await migrateToLatest(db.db, schema)
      await sql`insert into parent (id, name) values (1, null)`.execute(db.db)
      await sql`insert into child (id, parent_id) values (10, 1)`.execute(db.db)

      expect((await migrateToLatest(db.db, rebuild)).applied).toEqual(['2030-01-02T00-00-00-rebuild'])
      expect((await sql`select id, parent_id from child`.execute(db.db)).rows).toEqual([
        { id: 10, parent_id: 1 },
      ])
      // And foreign keys are on again afterwards.
      await expect(sql`insert into child (id, parent_id) values (11, 99)`.execute(db.db)).rejects.toThrow(
        /FOREIGN KEY/,
      )
    } finally {
      await db.destroy()
      await fresh.drop()
    }
  })

  it('roll back a migration that leaves rows breaking foreign keys', async () => {
    const fresh = await createTestDatabaseUrl('sqlite')
    const db = openDatabase(fresh.url)
    const set: MigrationSet = {
      '2030-01-01T00-00-00-orphans': {
        async up(k) {
          await sql`create table parent (id integer primary key)`.execute(k)
          await sql`create table child (id integer primary key, parent_id integer references parent (id))`.execute(
            k,
          )
          await sql`insert into child (id, parent_id) values (1, 99)`.execute(k)
        },
      },
    }
    try {
      await expect(migrateToLatest(db.db, set)).rejects.toThrow(
        'migrations left rows in child that break foreign keys',
      )
      expect((await db.db.introspection.getTables()).map((t) => t.name)).not.toContain('child')
      expect(await pendingMigrations(db.db, set)).toEqual(Object.keys(set))
    } finally {
      await db.destroy()
      await fresh.drop()
    }
  })

  it('take the write lock when a transaction begins, not at its first write', async () => {
    // A second process's connection, which gives up at once instead of waiting.
    const other = new SQLite(database.describe, { timeout: 0 })
    try {
      await database.db.transaction().execute(async (tx) => {
        await tx.selectFrom('job').select('id').execute()
        expect(() => other.prepare('begin immediate').run()).toThrow(/database is locked/)
      })
      other.prepare('begin immediate').run()
      other.prepare('rollback').run()
    } finally {
      other.close()
    }
  })
})
