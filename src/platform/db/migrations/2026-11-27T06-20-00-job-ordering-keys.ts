import type { Kysely } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Ordering keys for jobs: jobs that share a key run one at a time, in the order of their
// `ordering_seq` (enqueue order within the key). Jobs without a key are unaffected.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('job').addColumn('ordering_key', 'text').execute()
  await db.schema.alterTable('job').addColumn('ordering_seq', 'integer').execute()
  await db.schema
    .createIndex('job_ordering_idx')
    .on('job')
    .columns(['ordering_key', 'ordering_seq'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('job_ordering_idx').execute()
  await db.schema.alterTable('job').dropColumn('ordering_seq').execute()
  await db.schema.alterTable('job').dropColumn('ordering_key').execute()
}
