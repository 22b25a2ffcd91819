import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Engagement metrics: time-series snapshots per published post, the polling schedule of
// each delivered part, and the CSV imports editors made.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // One value of one metric of one remote post at one moment. `source` is api | import.
  // `period` keys duplicate-safety: the capture instant for API snapshots (each pull adds
  // a point), the as-of date (YYYY-MM-DD) for imports (re-importing the same file replaces
  // its values instead of adding to them).
  await db.schema
    .createTable('metric_snapshot')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('remote_id', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('value', 'double precision', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('captured_at', ts, (c) => c.notNull())
    .addColumn('import_id', 'text')
    .addUniqueConstraint('metric_snapshot_uq', [
      'item_id',
      'channel',
      'remote_id',
      'metric',
      'source',
      'period',
    ])
    .execute()
  await db.schema
    .createIndex('metric_snapshot_org_idx')
    .on('metric_snapshot')
    .columns(['organisation_id', 'captured_at'])
    .execute()

  // When each delivered part is next due for a metrics pull, and what went wrong last.
  // `blocked_until` holds a platform's Retry-After: even a manual refresh waits for it.
  await db.schema
    .createTable('metric_poll')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey().references('delivery.id').onDelete('cascade'))
    .addColumn('next_at', ts, (c) => c.notNull())
    .addColumn('blocked_until', ts)
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_polled_at', ts)
    .addColumn('last_error', 'text')
    .execute()
  await db.schema.createIndex('metric_poll_next_idx').on('metric_poll').column('next_at').execute()

  // A CSV file an editor imported: its recognised layout and what came of it.
  await db.schema
    .createTable('metric_import')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('layout', 'text', (c) => c.notNull())
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('file_hash', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('matched_rows', 'integer', (c) => c.notNull())
    .addColumn('values_written', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('metric_import_org_idx')
    .on('metric_import')
    .columns(['organisation_id', 'created_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('metric_import').execute()
  await db.schema.dropTable('metric_poll').execute()
  await db.schema.dropTable('metric_snapshot').execute()
}
