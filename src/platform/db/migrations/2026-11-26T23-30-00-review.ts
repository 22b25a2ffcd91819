import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Peer review: a round per version put to review, one row per reviewer assignment (the
// reviewer's scores live on it), and approvals bound to the content hash they approved.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // One round of review of one version. `decision` is null until the editor decides.
  await db.schema
    .createTable('review_round')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('content_version.id').onDelete('cascade'))
    .addColumn('anonymous', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('decision_message', 'text')
    .addColumn('decided_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('decided_at', ts)
    .execute()
  await db.schema
    .createIndex('review_round_item_idx')
    .on('review_round')
    .columns(['item_id', 'created_at'])
    .execute()

  // A reviewer's assignment in a round and, once they start, their review. `status`:
  // assigned | declined | submitted. Scores and comments are JSON documents read whole.
  await db.schema
    .createTable('review_assignment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('round_id', 'text', (c) => c.notNull().references('review_round.id').onDelete('cascade'))
    .addColumn('reviewer_id', 'text', (c) => c.notNull().references('auth_user.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('due_at', ts, (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('assigned_at', ts, (c) => c.notNull())
    .addColumn('decline_reason', 'text')
    .addColumn('no_conflict_declared', 'integer', (c) => c.notNull())
    .addColumn('scores', 'text', (c) => c.notNull())
    .addColumn('comments', 'text', (c) => c.notNull())
    .addColumn('recommendation', 'text')
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('submitted_at', ts)
    .addUniqueConstraint('review_assignment_round_position_uq', ['round_id', 'position'])
    .execute()
  await db.schema
    .createIndex('review_assignment_round_idx')
    .on('review_assignment')
    .column('round_id')
    .execute()
  await db.schema
    .createIndex('review_assignment_reviewer_idx')
    .on('review_assignment')
    .column('reviewer_id')
    .execute()

  // An approval of one version, bound to its content hash. `status`: active | void | expired.
  await db.schema
    .createTable('review_approval')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('content_version.id').onDelete('cascade'))
    .addColumn('round_id', 'text', (c) => c.notNull().references('review_round.id').onDelete('cascade'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('approved_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('ended_at', ts)
    .execute()
  await db.schema.createIndex('review_approval_item_idx').on('review_approval').column('item_id').execute()
  await db.schema
    .createIndex('review_approval_status_idx')
    .on('review_approval')
    .columns(['status', 'expires_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['review_approval', 'review_assignment', 'review_round'])
    await db.schema.dropTable(t).execute()
}
