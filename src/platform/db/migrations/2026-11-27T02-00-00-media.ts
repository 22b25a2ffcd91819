import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Media uploads for content items. The bytes live in the media stores (quarantine while
// they arrive and are screened; derivatives afterwards); this row is the record of one
// upload: its state, what screening found, and which derivatives exist.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // `status`: receiving | quarantined | screening | ready | rejected. `kind`: image | dicom |
  // video | captions (declared at creation, confirmed from the content on completion).
  // `received` counts bytes stored so far; `size` is the declared total (bigint: videos
  // may exceed 2 GiB). JSON documents (`metadata`, `findings`, `derivatives`, `probe`) are read whole.
  await db.schema
    .createTable('media_upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('uploaded_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('mime', 'text')
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('received', 'bigint', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('progress', 'integer', (c) => c.notNull())
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    .addColumn('duration', 'real')
    .addColumn('metadata', 'text', (c) => c.notNull())
    .addColumn('findings', 'text', (c) => c.notNull())
    .addColumn('derivatives', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('screened_at', ts)
    .execute()
  await db.schema
    .createIndex('media_upload_item_idx')
    .on('media_upload')
    .columns(['item_id', 'created_at'])
    .execute()
  await db.schema
    .createIndex('media_upload_status_idx')
    .on('media_upload')
    .columns(['status', 'updated_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('media_upload').execute()
}
