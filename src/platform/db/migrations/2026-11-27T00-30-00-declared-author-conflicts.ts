import type { Kysely } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.

export async function up(db: Kysely<unknown>): Promise<void> {
  // Why a reviewer declared a conflict with an author: personal_relationship,
  // supervisor_trainee, financial or other. Conflicts declared before this column hold only
  // free text. `organisation_id` is the organisation whose author list the author was chosen
  // from; the conflict applies in every organisation.
  await db.schema.alterTable('declared_conflict').addColumn('category', 'text').execute()
  await db.schema
    .alterTable('declared_conflict')
    .addColumn('organisation_id', 'text', (c) => c.references('organisation.id').onDelete('set null'))
    .execute()
  await db.schema
    .createIndex('declared_conflict_author_idx')
    .on('declared_conflict')
    .columns(['author_id', 'withdrawn_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('declared_conflict_author_idx').ifExists().execute()
  await db.schema.alterTable('declared_conflict').dropColumn('organisation_id').execute()
  await db.schema.alterTable('declared_conflict').dropColumn('category').execute()
}
