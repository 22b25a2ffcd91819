import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Publishing: the organisation's connected channel accounts (credentials encrypted), OAuth
// flows in progress, one publication per (approved version, channel) holding exactly the
// rendered bytes the editor previewed, and one delivery per post sent (thread part,
// correction reply) with the idempotency key written before the platform is called.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // One account per organisation per channel. `credentials`: secrets.ts ciphertext of the
  // JSON credentials, bound to the row id. `status`: connected | needs_reauth | disconnected.
  await db.schema
    .createTable('channel_account')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('remote_account_id', 'text')
    .addColumn('service_url', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('credentials', 'text')
    .addColumn('expires_at', ts)
    .addColumn('last_error', 'text')
    .addColumn('connected_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('connected_at', ts, (c) => c.notNull())
    .addColumn('refreshed_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addUniqueConstraint('channel_account_org_channel_uq', ['organisation_id', 'channel'])
    .execute()

  // An OAuth 2.0 authorization in progress: the state sent to the platform (stored as its
  // SHA-256) and the PKCE verifier (encrypted). Used once, within minutes.
  await db.schema
    .createTable('channel_oauth_state')
    .addColumn('state_hash', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('code_verifier', 'text', (c) => c.notNull())
    .addColumn('redirect_uri', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('expires_at', ts, (c) => c.notNull())
    .execute()

  // One approved version on one channel. `rendered`: the JSON the preview showed, byte for
  // byte; `render_hash` its SHA-256. `status`: scheduled | publishing | published | failed |
  // cancelled | withdrawing | withdrawn | withdraw_failed. `claimed_*` keep one worker per publication.
  await db.schema
    .createTable('publication')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('item_id', 'text', (c) => c.notNull().references('content_item.id').onDelete('cascade'))
    .addColumn('version_id', 'text', (c) => c.notNull().references('content_version.id').onDelete('cascade'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.references('channel_account.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('scheduled_at', ts, (c) => c.notNull())
    .addColumn('rendered', 'text', (c) => c.notNull())
    .addColumn('render_hash', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', ts)
    .addColumn('created_by', 'text', (c) => c.references('auth_user.id').onDelete('set null'))
    .addColumn('created_at', ts, (c) => c.notNull())
    .addColumn('updated_at', ts, (c) => c.notNull())
    .addColumn('published_at', ts)
    .addColumn('withdrawn_at', ts)
    .addUniqueConstraint('publication_version_channel_uq', ['version_id', 'channel'])
    .execute()
  await db.schema.createIndex('publication_item_idx').on('publication').column('item_id').execute()

  // One post on the platform: a thread part, or a correction reply. The idempotency key is
  // unique and written before any call. `status`: pending | sending | sent | failed |
  // deleted | delete_failed | not_deletable.
  await db.schema
    .createTable('delivery')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('publication_id', 'text', (c) => c.notNull().references('publication.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('part_index', 'integer', (c) => c.notNull())
    .addColumn('correction_id', 'text')
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', ts)
    .addColumn('remote_id', 'text')
    .addColumn('remote_ref', 'text')
    .addColumn('remote_url', 'text')
    .addColumn('last_error', 'text')
    .addColumn('sent_at', ts)
    .addColumn('deleted_at', ts)
    .addColumn('updated_at', ts, (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('delivery_publication_idx')
    .on('delivery')
    .columns(['publication_id', 'kind', 'part_index'])
    .execute()
  await db.schema.createIndex('delivery_sent_idx').on('delivery').columns(['status', 'sent_at']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['delivery', 'publication', 'channel_oauth_state', 'channel_account'])
    await db.schema.dropTable(t).execute()
}
