import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '#src/platform/db/database.ts'
import { type MigrationSet, migrateToLatest } from '#src/platform/db/migrate.ts'
import * as researcherRole from '#src/platform/db/migrations/2026-11-28T02-00-00-researcher-role.ts'
import { migrations } from '#src/platform/db/migrations/index.ts'
import { createTestDatabaseUrl, type TestDatabase, testDialects } from '#test/support/database.ts'

const NAME = '2026-11-28T02-00-00-researcher-role'
const names = Object.keys(migrations)
/** Every migration before the researcher role: the schema an existing installation has. */
const before: MigrationSet = Object.fromEntries(Object.entries(migrations).slice(0, names.indexOf(NAME)))
const now = '2026-01-01T00:00:00.000Z'

describe.each(testDialects)('the researcher role migration on %s', (dialect) => {
  let target: TestDatabase
  let database: Database

  beforeAll(async () => {
    target = await createTestDatabaseUrl(dialect)
    database = openDatabase(target.url)
    const db = database.db
    await migrateToLatest(db, before)
    await db
      .insertInto('organisation')
      .values({ id: 'o1', slug: 'o1', name: 'O', description: '', created_at: now })
      .execute()
    for (const id of ['u1', 'u2'])
      await db
        .insertInto('auth_user')
        .values({
          id,
          name: id,
          email: `${id}@example.org`,
          email_verified: 0,
          created_at: now,
          updated_at: now,
        })
        .execute()
    await db
      .insertInto('membership')
      .values([
        { organisation_id: 'o1', user_id: 'u1', role: 'admin', created_at: now },
        { organisation_id: 'o1', user_id: 'u1', role: 'editor', created_at: now },
        { organisation_id: 'o1', user_id: 'u2', role: 'author', created_at: now },
      ])
      .execute()
    await expect(
      db
        .insertInto('membership')
        .values({ organisation_id: 'o1', user_id: 'u2', role: 'researcher', created_at: now })
        .execute(),
    ).rejects.toThrow(/check constraint/i)
    expect((await migrateToLatest(db)).applied).toContain(NAME)
  })
  afterAll(async () => {
    await database.destroy()
    await target.drop()
  })

  const memberships = () =>
    database.db
      .selectFrom('membership')
      .select(['organisation_id', 'user_id', 'role', 'created_at'])
      .orderBy('user_id')
      .orderBy('role')
      .execute()
  const insert = (role: string, userId = 'u2') =>
    database.db
      .insertInto('membership')
      .values({ organisation_id: 'o1', user_id: userId, role, created_at: now })
      .execute()

  it('keeps every membership as it was', async () => {
    expect((await memberships()).map((m) => [m.user_id, m.role])).toEqual([
      ['u1', 'admin'],
      ['u1', 'editor'],
      ['u2', 'author'],
    ])
  })

  it('accepts the researcher role and still refuses a role that does not exist', async () => {
    await expect(insert('researcher')).resolves.toBeDefined()
    await expect(insert('owner')).rejects.toThrow(/check constraint/i)
  })

  it('keeps the primary key, the foreign keys and their cascade', async () => {
    await expect(insert('author')).rejects.toThrow(/unique|duplicate|primary key/i)
    await expect(insert('researcher', 'no-such-user')).rejects.toThrow(/foreign key/i)
    await database.db.deleteFrom('auth_user').where('id', '=', 'u2').execute()
    expect((await memberships()).map((m) => m.user_id)).toEqual(['u1', 'u1'])
  })

  it('keeps the index on user_id', async () => {
    const indexes =
      dialect === 'sqlite'
        ? await sql<{
            name: string
          }>`select name from sqlite_master where type = 'index' and tbl_name = 'membership'`.execute(
            database.db,
          )
        : await sql<{
            name: string
          }>`select indexname as name from pg_indexes where tablename = 'membership'`.execute(database.db)
    expect(indexes.rows.map((r) => r.name)).toContain('membership_user_id_idx')
  })

  it('goes back down to four roles, dropping researcher memberships only', async () => {
    await insert('researcher', 'u1')
    await researcherRole.down(database.db as never)
    expect((await memberships()).map((m) => [m.user_id, m.role])).toEqual([
      ['u1', 'admin'],
      ['u1', 'editor'],
    ])
    await expect(insert('researcher', 'u1')).rejects.toThrow(/check constraint/i)
  })
})
