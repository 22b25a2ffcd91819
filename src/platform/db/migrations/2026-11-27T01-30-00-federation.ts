import { type Kysely, PostgresAdapter } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// Each organisation is an ActivityPub actor. Fedify keeps its cache and idempotence records
// in federation_kv; its outgoing and incoming tasks ride in the job table like every other job.

export async function up(db: Kysely<unknown>): Promise<void> {
  const ts = db.getExecutor().adapter instanceof PostgresAdapter ? 'timestamptz' : 'text'

  // Fedify's key-value store: keys are JSON arrays of strings, values JSON.
  await db.schema
    .createTable('federation_kv')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('expires_at', ts)
    .execute()
  await db.schema.createIndex('federation_kv_expires_idx').on('federation_kv').column('expires_at').execute()

  // The actor's key pairs: RSA for HTTP signatures, Ed25519 for object integrity proofs.
  // The private key (a JWK) is encrypted with platform/secrets.ts, bound to the row id.
  await db.schema
    .createTable('federation_actor_key')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('algorithm', 'text', (c) => c.notNull())
    .addColumn('public_jwk', 'text', (c) => c.notNull())
    .addColumn('private_jwk', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('federation_actor_key_org_alg_uq', ['organisation_id', 'algorithm'])
    .execute()

  // Remote actors following an organisation (accepted automatically).
  await db.schema
    .createTable('federation_follower')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('actor_uri', 'text', (c) => c.notNull())
    .addColumn('inbox_url', 'text', (c) => c.notNull())
    .addColumn('shared_inbox_url', 'text')
    .addColumn('follow_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('federation_follower_org_actor_uq', ['organisation_id', 'actor_uri'])
    .execute()

  // Remote actors an organisation follows (an admin's action); accepted_at set on Accept.
  await db.schema
    .createTable('federation_following')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('actor_uri', 'text', (c) => c.notNull())
    .addColumn('handle', 'text', (c) => c.notNull())
    .addColumn('inbox_url', 'text', (c) => c.notNull())
    .addColumn('follow_uri', 'text', (c) => c.notNull())
    .addColumn('accepted_at', ts)
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('federation_following_org_actor_uq', ['organisation_id', 'actor_uri'])
    .execute()

  // What the organisation published to the fediverse: one row per Note/Video (thread part).
  await db.schema
    .createTable('federation_post')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('in_reply_to', 'text')
    .addColumn('language', 'text')
    .addColumn('hashtags', 'text', (c) => c.notNull())
    .addColumn('published_at', ts, (c) => c.notNull())
    .addColumn('deleted_at', ts)
    .execute()
  await db.schema
    .createIndex('federation_post_org_idx')
    .on('federation_post')
    .columns(['organisation_id', 'published_at'])
    .execute()

  // Attachments of a post, served at the post's media URL. Base64 text keeps one column
  // type on both dialects; files are small (images, short videos) and read rarely.
  await db.schema
    .createTable('federation_media')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('post_id', 'text', (c) => c.notNull().references('federation_post.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('media_type', 'text', (c) => c.notNull())
    .addColumn('alt_text', 'text')
    .addColumn('captions_vtt', 'text')
    .addColumn('data_base64', 'text', (c) => c.notNull())
    .addUniqueConstraint('federation_media_post_position_uq', ['post_id', 'position'])
    .execute()

  // Likes, boosts (Announce) and replies received for a post; Undo deletes the row.
  await db.schema
    .createTable('federation_interaction')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('post_id', 'text', (c) => c.notNull().references('federation_post.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('activity_uri', 'text', (c) => c.notNull())
    .addColumn('actor_uri', 'text', (c) => c.notNull())
    .addColumn('created_at', ts, (c) => c.notNull())
    .addUniqueConstraint('federation_interaction_org_activity_uq', ['organisation_id', 'activity_uri'])
    .execute()
  await db.schema
    .createIndex('federation_interaction_post_idx')
    .on('federation_interaction')
    .columns(['post_id', 'kind'])
    .execute()

  // Posts received from actors the organisation follows, and its own Like/Announce of them.
  await db.schema
    .createTable('federation_received')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('object_uri', 'text', (c) => c.notNull())
    .addColumn('actor_uri', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('published_at', ts)
    .addColumn('received_at', ts, (c) => c.notNull())
    .addColumn('like_uri', 'text')
    .addColumn('announce_uri', 'text')
    .addUniqueConstraint('federation_received_org_object_uq', ['organisation_id', 'object_uri'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'federation_received',
    'federation_interaction',
    'federation_media',
    'federation_post',
    'federation_following',
    'federation_follower',
    'federation_actor_key',
    'federation_kv',
  ])
    await db.schema.dropTable(t).execute()
}
