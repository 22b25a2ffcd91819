import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Calendar dates (a relationship's start and end) are 'YYYY-MM-DD' text on both dialects:
// they have no time zone, and text compares in date order.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // Ineligible companies: the screening engine's parents (source 'seed') plus names people
  // typed (source 'contributed'), one row per normalised name.
  await db.schema
    .createTable('company')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('normalised_name', 'text', (c) => c.notNull().unique())
    .addColumn('parent_name', 'text', (c) => c.notNull())
    .addColumn('search_text', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('contributed_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()

  // Financial relationships (ACCME Standard 3). Removal is soft: mitigations and the audit
  // trail keep pointing at the row.
  await db.schema
    .createTable('disclosure_relationship')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.notNull().references('company.id'))
    .addColumn('nature', 'text', (c) => c.notNull())
    .addColumn('nature_detail', 'text')
    .addColumn('start_date', 'text', (c) => c.notNull())
    .addColumn('end_date', 'text')
    .addColumn('amount_band', 'text')
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('removed_at', ts)
    .execute()
  await db.schema
    .createIndex('disclosure_relationship_user_idx')
    .on('disclosure_relationship')
    .columns(['user_id', 'end_date'])
    .execute()

  // "None" or "my list is complete", valid 12 months; any later change to the list
  // supersedes it.
  await db.schema
    .createTable('disclosure_attestation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('relationship_count', 'integer', (c) => c.notNull())
    .addColumn('attested_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .addColumn('superseded_at', ts)
    .execute()
  await db.schema
    .createIndex('disclosure_attestation_user_idx')
    .on('disclosure_attestation')
    .columns(['user_id', 'attested_at'])
    .execute()

  // Steps an organisation's editor took to mitigate a member's relationship.
  await db.schema
    .createTable('disclosure_mitigation')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('relationship_id', 'text', (c) =>
      c.notNull().references('disclosure_relationship.id').onDelete('cascade'),
    )
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('disclosure_mitigation_relationship_idx')
    .on('disclosure_mitigation')
    .column('relationship_id')
    .execute()

  // Conflicts a reviewer declares themselves: with an author, a company, or both.
  await db.schema
    .createTable('declared_conflict')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('author_id', 'text', (c) => c.references('auth_user.id').onDelete('cascade'))
    .addColumn('company_id', 'text', (c) => c.references('company.id'))
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('withdrawn_at', ts)
    .execute()
  await db.schema
    .createIndex('declared_conflict_user_idx')
    .on('declared_conflict')
    .column('user_id')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('declared_conflict').ifExists().execute()
  await db.schema.dropTable('disclosure_mitigation').ifExists().execute()
  await db.schema.dropTable('disclosure_attestation').ifExists().execute()
  await db.schema.dropTable('disclosure_relationship').ifExists().execute()
  await db.schema.dropTable('company').ifExists().execute()
}
