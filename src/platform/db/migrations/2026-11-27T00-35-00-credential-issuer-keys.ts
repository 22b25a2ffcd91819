import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // Each organisation's Ed25519 key pair for signing its Open Badges credentials, made on
  // first use. The private half is an encrypted JWK (platform/secrets.ts) bound to its row;
  // a retired key stays published so credentials it signed still verify.
  await db.schema
    .createTable('credential_issuer_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('retired_at', ts)
    .execute()
  await db.schema
    .createIndex('credential_issuer_key_org_idx')
    .on('credential_issuer_key')
    .columns(['organisation_id', 'created_at'])
    .execute()

  // An organisation admin can revoke a certificate (issued in error, obtained dishonestly).
  await db.schema.alterTable('training_certificate').addColumn('revoked_at', ts).execute()
  await db.schema.alterTable('training_certificate').addColumn('revocation_reason', 'text').execute()
  await db.schema.alterTable('training_certificate').addColumn('revoked_by', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('training_certificate').dropColumn('revoked_by').execute()
  await db.schema.alterTable('training_certificate').dropColumn('revocation_reason').execute()
  await db.schema.alterTable('training_certificate').dropColumn('revoked_at').execute()
  await db.schema.dropTable('credential_issuer_key').ifExists().execute()
}
