import { SqliteAdapter, sql } from 'kysely'
import { type Migration, type MigrationResultSet, Migrator } from 'kysely/migration'
import type { Db, Executor } from './database.ts'
import { migrations } from './migrations/index.ts'

export type MigrationReport = { applied: string[]; pending: string[] }

/**
 * Brings the schema up to date. Throws with the failing migration's name if one fails.
 *
 * On PostgreSQL, Kysely's migrator holds an advisory lock and a transaction. On SQLite it
 * takes no lock, so a server and a worker starting together on a new database both create
 * the same tables and one fails. There the whole run happens in one IMMEDIATE transaction
 * instead: the second process waits for the first (busy timeout) and then finds nothing to
 * do, and a migration that fails half-way leaves nothing behind. Foreign keys are off
 * meanwhile, as SQLite's table-rebuild procedure requires (the pragma is a no-op inside a
 * transaction, so a migration cannot turn them off itself), and checked before commit.
 * https://www.sqlite.org/lang_altertable.html#otheralter
 */
export async function migrateToLatest(db: Db, set: MigrationSet = migrations): Promise<MigrationReport> {
  const result = isSqlite(db) ? await migrateSqlite(db, set) : await migrator(db, set).migrateToLatest()
  if (result.error) throw migrationError(result)
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  return { applied, pending: [] }
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Db, set: MigrationSet = migrations): Promise<string[]> {
  const all = await migrator(db, set).getMigrations()
  return all.filter((m) => !m.executedAt).map((m) => m.name)
}

/** The migrations to apply: every migration of Rounds, unless a test brings its own. */
export type MigrationSet = Record<string, Migration>

function migrator(db: Executor, set: MigrationSet): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => set } })
}

function isSqlite(db: Db): boolean {
  return db.getExecutor().adapter instanceof SqliteAdapter
}

async function migrateSqlite(db: Db, set: MigrationSet): Promise<MigrationResultSet> {
  await sql`pragma foreign_keys = off`.execute(db)
  try {
    return await db.transaction().execute(async (tx) => {
      const result = await migrator(tx, set).migrateToLatest()
      // The migrator reports a failure instead of throwing; throwing rolls it back.
      if (result.error) throw migrationError(result)
      if (!result.results?.length) return result
      const { rows } = await sql<{ table: string }>`pragma foreign_key_check`.execute(tx)
      if (rows.length > 0) {
        const tables = [...new Set(rows.map((r) => r.table))].join(', ')
        throw new Error(`migrations left rows in ${tables} that break foreign keys`)
      }
      return result
    })
  } finally {
    await sql`pragma foreign_keys = on`.execute(db)
  }
}

function migrationError(result: MigrationResultSet): Error {
  const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
  return new Error(`migration ${failed} failed`, { cause: result.error })
}
