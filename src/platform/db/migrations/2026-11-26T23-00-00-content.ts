import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Item fields are one JSON document (text) per working copy and per version: they are read
// and written whole, hashed whole, and never queried field by field.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  await db.schema
    .createTable('content_series')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('content_series_org_idx')
    .on('content_series')
    .column('organisation_id')
    .execute()

  // The working copy: what the author is editing now. `state` is the workflow state.
  await db.schema
    .createTable('content_item')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('author_id', 'text', (c) => c.notNull().references('auth_user.id'))
    .addColumn('series_id', 'text', (c) => c.references('content_series.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('content_item_org_idx')
    .on('content_item')
    .columns(['organisation_id', 'updated_at'])
    .execute()
  await db.schema.createIndex('content_item_author_idx').on('content_item').column('author_id').execute()

  // Immutable versions: written once, never updated. Reviews, approvals and publications
  // (later) point at a version and bind to its hash.
  await db.schema
    .createTable('content_version')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('content_version_item_number_uq', ['item_id', 'number'])
    .execute()

  // Each screening of a version (a version is screened again when resubmitted unchanged:
  // the policy may have changed). The newest one counts.
  await db.schema
    .createTable('content_screening')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version_id', 'text', (c) => c.notNull().references('content_version.id').onDelete('cascade'))
    .addColumn('engine_version', 'text', (c) => c.notNull())
    .addColumn('policy_version', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('blocking', 'integer', (c) => c.notNull())
    .addColumn('screened_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('screened_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('content_screening_version_idx')
    .on('content_screening')
    .columns(['version_id', 'screened_at'])
    .execute()

  // An editor's decision that one blocking finding on one version does not block it.
  await db.schema
    .createTable('content_finding_override')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('version_id', 'text', (c) => c.notNull().references('content_version.id').onDelete('cascade'))
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('field', 'text', (c) => c.notNull())
    .addColumn('start_offset', 'integer', (c) => c.notNull())
    .addColumn('end_offset', 'integer', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('content_finding_override_uq', [
      'version_id',
      'rule_id',
      'field',
      'start_offset',
      'end_offset',
    ])
    .execute()

  // The item's timeline: every workflow transition, with the version it concerned.
  await db.schema
    .createTable('content_transition')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('from_state', 'text', (c) => c.notNull())
    .addColumn('to_state', 'text', (c) => c.notNull())
    .addColumn('version_id', 'text', (c) => c.references('content_version.id').onDelete('set null'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('occurred_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('content_transition_item_idx')
    .on('content_transition')
    .columns(['item_id', 'occurred_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'content_transition',
    'content_finding_override',
    'content_screening',
    'content_version',
    'content_item',
    'content_series',
  ])
    await db.schema.dropTable(t).execute()
}
