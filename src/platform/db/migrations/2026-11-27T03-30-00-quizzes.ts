import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Learners and their quiz attempts. The questions themselves are part of an item's version
// (its fields); these tables hold only what learners did.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // A learner who consented to being recorded. `id` is the random pseudonymous id kept in
  // the learner's cookie; no name, e-mail or address is stored. `user_id` is set when a
  // signed-in user consented (for the delayed quiz reminder).
  await db.schema
    .createTable('learner')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('consent_version', 'text', (c) => c.notNull())
    .addColumn('consented_at', ts, (c) => c.notNull())
    .execute()
  await db.schema.createIndex('learner_user_idx').on('learner').column('user_id').execute()

  // One learner's pass through one item: the xAPI registration (a UUID) of its statements,
  // the version whose quiz they took, and the kept link to the delayed quiz (its SHA-256;
  // the link itself is shown once). `delayed_due_at` is set when the post quiz is taken.
  await db.schema
    .createTable('learning_session')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull())
    .addColumn('learner_id', 'text', (c) => c.notNull().references('learner.id').onDelete('cascade'))
    .addColumn('delayed_token_hash', 'text', (c) => c.unique())
    .addColumn('delayed_due_at', ts)
    .addColumn('reminded_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('learning_session_item_learner_uq', ['item_id', 'learner_id'])
    .execute()
  await db.schema
    .createIndex('learning_session_due_idx')
    .on('learning_session')
    .columns(['delayed_due_at', 'reminded_at'])
    .execute()

  // One quiz taken: kind pre | post | delayed, once per session. `answers` is JSON
  // ({questionId: [optionId]}); `raw` questions exactly right out of `max`.
  await db.schema
    .createTable('quiz_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('learning_session.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('raw', 'integer', (c) => c.notNull())
    .addColumn('max', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('quiz_attempt_session_kind_uq', ['session_id', 'kind'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('quiz_attempt').execute()
  await db.schema.dropTable('learning_session').execute()
  await db.schema.dropTable('learner').execute()
}
