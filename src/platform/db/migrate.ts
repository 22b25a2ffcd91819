import { type MigrationResultSet, Migrator } from 'kysely/migration'
import type { Db } from './database.ts'
import { migrations } from './migrations/index.ts'

export type MigrationReport = { applied: string[]; pending: string[] }

/** Brings the schema up to date. Throws with the failing migration's name if one fails. */
export async function migrateToLatest(db: Db): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const result: MigrationResultSet = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown'
    throw new Error(`migration ${failed} failed`, { cause: result.error })
  }
  const applied = (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName)
  return { applied, pending: [] }
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } })
  const all = await migrator.getMigrations()
  return all.filter((m) => !m.executedAt).map((m) => m.name)
}
