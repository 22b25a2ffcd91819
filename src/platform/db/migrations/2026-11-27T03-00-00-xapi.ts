import { type Kysely, PostgresAdapter, sql } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// The built-in Learning Record Store: its clients (HTTP Basic credentials), the statements
// it holds, the agents and activities each statement mentions (for the GET filters), and
// the forwarding of every stored statement to an organisation's external LRS.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // One set of Basic credentials. `key` is the public user name; `secret_hash` is the
  // SHA-256 of a 256-bit random secret (shown once). Revoked clients keep their row so
  // statements they sent still name them.
  await db.schema
    .createTable('lrs_client')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('secret_hash', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('last_used_at', ts)
    .addColumn('revoked_at', ts)
    .execute()
  await db.schema
    .createIndex('lrs_client_organisation_idx')
    .on('lrs_client')
    .columns(['organisation_id', 'created_at'])
    .execute()

  // A statement as stored (JSON, read whole), keyed by organisation and statement id.
  // `stored` is the ISO-8601 text the LRS assigned (UTC, milliseconds): it sorts as text on
  // both databases, and (stored, id) is the paging cursor. `voided` is 0/1; `voids` holds the
  // target id of a voiding statement.
  await db.schema
    .createTable('xapi_statement')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('stored', 'text', (c) => c.notNull())
    .addColumn('verb_id', 'text', (c) => c.notNull())
    .addColumn('registration', 'text')
    .addColumn('voids', 'text')
    .addColumn('voided', 'integer', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.references('lrs_client.id').onDelete('set null'))
    .addColumn('statement', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('xapi_statement_pk', ['organisation_id', 'id'])
    .execute()
  await db.schema
    .createIndex('xapi_statement_stored_idx')
    .on('xapi_statement')
    .columns(['organisation_id', 'stored', 'id'])
    .execute()
  await db.schema
    .createIndex('xapi_statement_verb_idx')
    .on('xapi_statement')
    .columns(['organisation_id', 'verb_id', 'stored'])
    .execute()
  await db.schema
    .createIndex('xapi_statement_voids_idx')
    .on('xapi_statement')
    .columns(['organisation_id', 'voids'])
    // Only voiding statements have a target: a partial index costs the others nothing.
    .where(sql.ref('voids'), 'is not', null)
    .execute()

  // The agents (`kind` agent: canonical inverse functional identifier) and activities
  // (`kind` activity: id) a statement mentions. `direct` 1: the statement's actor/object
  // (the plain `agent`/`activity` filters); 0: elsewhere (only the related_* filters).
  await db.schema
    .createTable('xapi_statement_ref')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('statement_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('direct', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('xapi_statement_ref_pk', ['organisation_id', 'statement_id', 'kind', 'value'])
    .addForeignKeyConstraint(
      'xapi_statement_ref_statement_fk',
      ['organisation_id', 'statement_id'],
      'xapi_statement',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('xapi_statement_ref_value_idx')
    .on('xapi_statement_ref')
    .columns(['organisation_id', 'kind', 'value', 'direct'])
    .execute()

  // An organisation's external LRS. `secret` is encrypted with the platform key ring
  // (bound to the organisation id).
  await db.schema
    .createTable('lrs_forwarding')
    .addColumn('organisation_id', 'text', (c) =>
      c.primaryKey().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('endpoint', 'text', (c) => c.notNull())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()

  // The outbox: one row per statement still to be sent to the external LRS, written in the
  // transaction that stores the statement and deleted only once the LRS accepted it.
  await db.schema
    .createTable('xapi_forward_outbox')
    .addColumn('organisation_id', 'text', (c) => c.notNull())
    .addColumn('statement_id', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('next_attempt_at', ts, (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addPrimaryKeyConstraint('xapi_forward_outbox_pk', ['organisation_id', 'statement_id'])
    .addForeignKeyConstraint(
      'xapi_forward_outbox_statement_fk',
      ['organisation_id', 'statement_id'],
      'xapi_statement',
      ['organisation_id', 'id'],
      (fk) => fk.onDelete('cascade'),
    )
    .execute()
  await db.schema
    .createIndex('xapi_forward_outbox_due_idx')
    .on('xapi_forward_outbox')
    .columns(['organisation_id', 'next_attempt_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('xapi_forward_outbox').execute()
  await db.schema.dropTable('lrs_forwarding').execute()
  await db.schema.dropTable('xapi_statement_ref').execute()
  await db.schema.dropTable('xapi_statement').execute()
  await db.schema.dropTable('lrs_client').execute()
}
