import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  // One row per organisation; absent means the defaults.
  await db.schema
    .createTable('organisation_settings')
    .addColumn('organisation_id', 'text', (c) =>
      c.primaryKey().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('guidance', 'text', (c) => c.notNull().defaultTo('both'))
    .addColumn('training_validity_months', 'integer', (c) => c.notNull().defaultTo(12))
    .addColumn('reviewers_required', 'integer', (c) => c.notNull().defaultTo(2))
    .addColumn('approval_expiry_months', 'integer', (c) => c.notNull().defaultTo(24))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('organisation_settings').ifExists().execute()
}
