import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'
  const flag = db.getExecutor().adapter instanceof PostgresAdapter ? 'boolean' : 'integer'

  // Lessons and questions are versioned content: every save is a new row, never an update.
  // organisation_id null = built in (loaded from files, shared by every organisation).
  // A version is a draft, published, or a withdrawal of the lesson.
  await db.schema
    .createTable('training_lesson')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.references('organisation.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body_md', 'text', (c) => c.notNull())
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('training_lesson_pk', ['id', 'version'])
    .addCheckConstraint('training_lesson_status_check', sql`status in ('draft', 'published', 'withdrawn')`)
    .execute()
  await db.schema
    .createIndex('training_lesson_organisation_idx')
    .on('training_lesson')
    .column('organisation_id')
    .execute()

  await db.schema
    .createTable('training_question')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('organisation_id', 'text', (c) => c.references('organisation.id').onDelete('cascade'))
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('prompt', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addPrimaryKeyConstraint('training_question_pk', ['id', 'version'])
    .addCheckConstraint('training_question_kind_check', sql`kind in ('single', 'multiple')`)
    .addCheckConstraint('training_question_status_check', sql`status in ('draft', 'published', 'withdrawn')`)
    .execute()
  await db.schema
    .createIndex('training_question_organisation_idx')
    .on('training_question')
    .column('organisation_id')
    .execute()

  // An attempt keeps its draw (question id + version), so the answers are scored against
  // exactly the questions shown, whatever is edited later.
  await db.schema
    .createTable('training_attempt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('seed', 'text', (c) => c.notNull())
    .addColumn('draw', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('started_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('submitted_at', ts)
    .addColumn('answers', 'text')
    .addColumn('score', 'integer')
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('passed', flag, (c) => c.notNull())
    .addCheckConstraint('training_attempt_status_check', sql`status in ('draft', 'submitted', 'seeded')`)
    .execute()
  await db.schema
    .createIndex('training_attempt_user_idx')
    .on('training_attempt')
    .columns(['user_id', 'organisation_id'])
    .execute()

  await db.schema
    .createTable('training_certificate')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('attempt_id', 'text', (c) => c.notNull().references('training_attempt.id').onDelete('cascade'))
    .addColumn('issued_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('validity_months', 'integer', (c) => c.notNull())
    .addColumn('reminder_sent_at', ts)
    .execute()
  await db.schema
    .createIndex('training_certificate_holder_idx')
    .on('training_certificate')
    .columns(['user_id', 'organisation_id', 'expires_at'])
    .execute()
  await db.schema
    .createIndex('training_certificate_expires_idx')
    .on('training_certificate')
    .column('expires_at')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('training_certificate').ifExists().execute()
  await db.schema.dropTable('training_attempt').ifExists().execute()
  await db.schema.dropTable('training_question').ifExists().execute()
  await db.schema.dropTable('training_lesson').ifExists().execute()
}
