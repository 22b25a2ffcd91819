import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Anonymised research exports: one row per requested export, its parameters, progress while
// the background job builds the ZIP, and where the file is kept until the retention sweep
// deletes it. The pseudonymisation key of an export is never stored.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // `status` is queued | running | ready | failed | expired. `params` is JSON (k, from, to,
  // granularity); `summary` is JSON (rows per table, items dropped by suppression).
  await db.schema
    .createTable('research_export')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('requested_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('params', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('file_key', 'text')
    .addColumn('file_size', 'bigint')
    .addColumn('file_sha256', 'text')
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('completed_at', ts)
    .addColumn('expires_at', ts)
    .execute()
  await db.schema
    .createIndex('research_export_org_idx')
    .on('research_export')
    .columns(['organisation_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('research_export_expiry_idx')
    .on('research_export')
    .column('expires_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('research_export').execute()
}
