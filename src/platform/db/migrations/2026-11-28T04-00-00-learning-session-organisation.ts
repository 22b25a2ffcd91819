import type { Kysely } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Learning sessions by organisation: the research view's data version counts one organisation's
// quiz attempts (through their sessions), so another organisation's learners do not move it.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('learning_session_org_idx')
    .on('learning_session')
    .columns(['organisation_id', 'id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('learning_session_org_idx').execute()
}
