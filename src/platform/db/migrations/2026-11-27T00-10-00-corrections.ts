import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Correction notices an editor posts on a published (or already corrected) item.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // The notice is public text shown with the item; `version_id` is the version it corrects.
  await db.schema
    .createTable('correction_notice')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('content_version.id').onDelete('cascade'))
    .addColumn('notice', 'text', (c) => c.notNull())
    .addColumn('posted_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('posted_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('correction_notice_item_idx')
    .on('correction_notice')
    .columns(['item_id', 'posted_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('correction_notice').execute()
}
