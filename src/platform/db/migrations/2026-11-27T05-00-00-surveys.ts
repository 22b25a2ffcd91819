import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Surveys: instruments (versioned questionnaires an organisation writes), where they are
// attached (an item or a series, and when they are shown) and learners' responses.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // An instrument; `current_version` is the version learners are shown. `status` is active
  // or archived (an instrument with responses is archived, never deleted).
  await db.schema
    .createTable('survey_instrument')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('current_version', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('survey_instrument_org_idx')
    .on('survey_instrument')
    .column('organisation_id')
    .execute()

  // One version of an instrument: its title, introduction and questions (JSON). A version
  // that has responses never changes; editing it writes the next version.
  await db.schema
    .createTable('survey_version')
    .addColumn('instrument_id', 'text', (c) =>
      c.notNull().references('survey_instrument.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('introduction', 'text', (c) => c.notNull())
    .addColumn('questions', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addPrimaryKeyConstraint('survey_version_pk', ['instrument_id', 'version'])
    .execute()

  // An instrument shown with an item or with every item of a series, at one moment:
  // after_post_quiz | after_content | with_delayed_quiz. Exactly one of item_id, series_id.
  await db.schema
    .createTable('survey_attachment')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('instrument_id', 'text', (c) =>
      c.notNull().references('survey_instrument.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'text', (c) => c.references('content_item.id').onDelete('cascade'))
    .addColumn('series_id', 'text', (c) => c.references('content_series.id').onDelete('cascade'))
    .addColumn('timing', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('survey_attachment_instrument_idx')
    .on('survey_attachment')
    .column('instrument_id')
    .execute()
  await db.schema
    .createIndex('survey_attachment_item_idx')
    .on('survey_attachment')
    .column('item_id')
    .execute()
  await db.schema
    .createIndex('survey_attachment_series_idx')
    .on('survey_attachment')
    .column('series_id')
    .execute()

  // A learner's response to an attachment: one per learner and attachment (a resubmission
  // replaces it). `answers` is JSON {questionId: value}; free text is stored screened (blocking
  // spans replaced). `session_id` is the learner's learning session on the item answered on.
  await db.schema
    .createTable('survey_response')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('attachment_id', 'text', (c) =>
      c.notNull().references('survey_attachment.id').onDelete('cascade'),
    )
    .addColumn('instrument_id', 'text', (c) =>
      c.notNull().references('survey_instrument.id').onDelete('cascade'),
    )
    .addColumn('instrument_version', 'integer', (c) => c.notNull())
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('session_id', 'text', (c) => c.notNull().references('learning_session.id').onDelete('cascade'))
    .addColumn('learner_id', 'text', (c) => c.notNull().references('learner.id').onDelete('cascade'))
    .addColumn('answers', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('survey_response_attachment_learner_uq', ['attachment_id', 'learner_id'])
    .execute()
  await db.schema
    .createIndex('survey_response_instrument_idx')
    .on('survey_response')
    .columns(['instrument_id', 'instrument_version'])
    .execute()
  await db.schema
    .createIndex('survey_response_org_idx')
    .on('survey_response')
    .column('organisation_id')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('survey_response').execute()
  await db.schema.dropTable('survey_attachment').execute()
  await db.schema.dropTable('survey_version').execute()
  await db.schema.dropTable('survey_instrument').execute()
}
