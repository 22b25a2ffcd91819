import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// The raw content of xAPI attachments sent with statements (multipart/mixed), stored once
// per organisation and SHA-2 hash however many statements carry it.

export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter
  const ts = postgres ? 'timestamptz' : 'text'
  // `sha2` is the lower-case hex hash the statements name (SHA-224, -256, -384 or -512; the
  // length says which). `content_type` is the part's Content-Type as first received.
  await db.schema
    .createTable('xapi_attachment')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('sha2', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('length', 'integer', (c) => c.notNull())
    .addColumn('content', postgres ? 'bytea' : 'blob', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('xapi_attachment_pk', ['organisation_id', 'sha2'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('xapi_attachment').execute()
}
