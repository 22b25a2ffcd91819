import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// The research view as last computed, per organisation and outcome: the data version it was
// computed at, when, and the view as JSON. Requests are answered from it; a refresh replaces it.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  await db.schema
    .createTable('research_view')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('data_version', 'text', (c) => c.notNull())
    .addColumn('computed_at', ts, (c) => c.notNull())
    .addColumn('view', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('research_view_pk', ['organisation_id', 'outcome'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('research_view').execute()
}
