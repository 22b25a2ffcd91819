import { type Executor, toIso } from '#src/platform/db/database.ts'

export type ActorKeyRow = { id: string; algorithm: string; publicJwk: string; privateJwk: string }

export async function listActorKeys(db: Executor, organisationId: string): Promise<ActorKeyRow[]> {
  const rows = await db
    .selectFrom('federation_actor_key')
    .select(['id', 'algorithm', 'public_jwk', 'private_jwk'])
    .where('organisation_id', '=', organisationId)
    .orderBy('algorithm', 'desc') // RSASSA-PKCS1-v1_5 before Ed25519: the first key signs HTTP requests
    .execute()
  return rows.map((r) => ({
    id: r.id,
    algorithm: r.algorithm,
    publicJwk: r.public_jwk,
    privateJwk: r.private_jwk,
  }))
}

/** Inserts a key pair unless the organisation already has one of that algorithm (a concurrent writer won). */
export async function insertActorKey(
  db: Executor,
  row: {
    id: string
    organisationId: string
    algorithm: string
    publicJwk: string
    privateJwk: string
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('federation_actor_key')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      algorithm: row.algorithm,
      public_jwk: row.publicJwk,
      private_jwk: row.privateJwk,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'algorithm']).doNothing())
    .execute()
}

export type FollowerRow = { actorUri: string; inboxUrl: string; sharedInboxUrl: string | null }

export async function upsertFollower(
  db: Executor,
  row: FollowerRow & { id: string; organisationId: string; followUri: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('federation_follower')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      actor_uri: row.actorUri,
      inbox_url: row.inboxUrl,
      shared_inbox_url: row.sharedInboxUrl,
      follow_uri: row.followUri,
      created_at: row.createdAt,
    })
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'actor_uri']).doUpdateSet({
        inbox_url: row.inboxUrl,
        shared_inbox_url: row.sharedInboxUrl,
        follow_uri: row.followUri,
      }),
    )
    .execute()
}

export async function deleteFollower(
  db: Executor,
  organisationId: string,
  actorUri: string,
): Promise<number> {
  const r = await db
    .deleteFrom('federation_follower')
    .where('organisation_id', '=', organisationId)
    .where('actor_uri', '=', actorUri)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Drops a follower whose inbox answers 404/410 (Fedify's permanent-failure report), in every organisation. */
export async function deleteFollowerByInbox(db: Executor, actorUri: string): Promise<void> {
  await db.deleteFrom('federation_follower').where('actor_uri', '=', actorUri).execute()
}

export async function listFollowers(
  db: Executor,
  organisationId: string,
  page: { offset: number; limit: number },
): Promise<FollowerRow[]> {
  const rows = await db
    .selectFrom('federation_follower')
    .select(['actor_uri', 'inbox_url', 'shared_inbox_url'])
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .orderBy('id')
    .offset(page.offset)
    .limit(page.limit)
    .execute()
  return rows.map((r) => ({
    actorUri: r.actor_uri,
    inboxUrl: r.inbox_url,
    sharedInboxUrl: r.shared_inbox_url,
  }))
}

export async function countFollowers(db: Executor, organisationId: string): Promise<number> {
  const r = await db
    .selectFrom('federation_follower')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export type FollowingRow = {
  id: string
  actorUri: string
  handle: string
  inboxUrl: string
  followUri: string
  acceptedAt: string | null
  createdAt: string
}

export async function upsertFollowing(
  db: Executor,
  row: Omit<FollowingRow, 'acceptedAt'> & { organisationId: string },
): Promise<void> {
  await db
    .insertInto('federation_following')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      actor_uri: row.actorUri,
      handle: row.handle,
      inbox_url: row.inboxUrl,
      follow_uri: row.followUri,
      accepted_at: null,
      created_at: row.createdAt,
    })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'actor_uri'])
        .doUpdateSet({ handle: row.handle, inbox_url: row.inboxUrl }),
    )
    .execute()
}

export async function findFollowing(
  db: Executor,
  organisationId: string,
  actorUri: string,
): Promise<FollowingRow | null> {
  const r = await db
    .selectFrom('federation_following')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('actor_uri', '=', actorUri)
    .executeTakeFirst()
  return r ? mapFollowing(r) : null
}

export async function listFollowing(db: Executor, organisationId: string): Promise<FollowingRow[]> {
  const rows = await db
    .selectFrom('federation_following')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('created_at')
    .execute()
  return rows.map(mapFollowing)
}

function mapFollowing(r: {
  id: string
  actor_uri: string
  handle: string
  inbox_url: string
  follow_uri: string
  accepted_at: Date | string | null
  created_at: Date | string
}): FollowingRow {
  return {
    id: r.id,
    actorUri: r.actor_uri,
    handle: r.handle,
    inboxUrl: r.inbox_url,
    followUri: r.follow_uri,
    acceptedAt: toIso(r.accepted_at),
    createdAt: toIso(r.created_at),
  }
}

/** Records the remote actor's Accept of our Follow; only the actor we asked can accept it. */
export async function markFollowingAccepted(
  db: Executor,
  followUri: string,
  actorUri: string,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('federation_following')
    .set({ accepted_at: at })
    .where('follow_uri', '=', followUri)
    .where('actor_uri', '=', actorUri)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/** The organisations that follow a remote actor (whose posts they receive). */
export async function listOrganisationsFollowing(db: Executor, actorUri: string): Promise<string[]> {
  const rows = await db
    .selectFrom('federation_following')
    .select('organisation_id')
    .where('actor_uri', '=', actorUri)
    .execute()
  return rows.map((r) => r.organisation_id)
}

export type PostRow = {
  id: string
  organisationId: string
  idempotencyKey: string
  objectType: 'Note' | 'Video'
  name: string | null
  content: string
  url: string
  inReplyTo: string | null
  language: string | null
  hashtags: string[]
  publishedAt: string
  deletedAt: string | null
}

export type MediaRow = {
  id: string
  position: number
  kind: 'image' | 'video'
  mediaType: string
  altText: string | null
  captionsVtt: string | null
}

type PostSelect = {
  id: string
  organisation_id: string
  idempotency_key: string
  object_type: string
  name: string | null
  content: string
  url: string
  in_reply_to: string | null
  language: string | null
  hashtags: string
  published_at: Date | string
  deleted_at: Date | string | null
}

function mapPost(r: PostSelect): PostRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    idempotencyKey: r.idempotency_key,
    objectType: r.object_type === 'Video' ? 'Video' : 'Note',
    name: r.name,
    content: r.content,
    url: r.url,
    inReplyTo: r.in_reply_to,
    language: r.language,
    hashtags: JSON.parse(r.hashtags) as string[],
    publishedAt: toIso(r.published_at),
    deletedAt: toIso(r.deleted_at),
  }
}

export async function findPostByKey(db: Executor, idempotencyKey: string): Promise<PostRow | null> {
  const r = await db
    .selectFrom('federation_post')
    .selectAll()
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst()
  return r ? mapPost(r) : null
}

export async function findPost(db: Executor, organisationId: string, id: string): Promise<PostRow | null> {
  const r = await db
    .selectFrom('federation_post')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return r ? mapPost(r) : null
}

export async function insertPost(
  db: Executor,
  post: Omit<PostRow, 'deletedAt'>,
  media: Array<MediaRow & { dataBase64: string }>,
): Promise<void> {
  await db
    .insertInto('federation_post')
    .values({
      id: post.id,
      organisation_id: post.organisationId,
      idempotency_key: post.idempotencyKey,
      object_type: post.objectType,
      name: post.name,
      content: post.content,
      url: post.url,
      in_reply_to: post.inReplyTo,
      language: post.language,
      hashtags: JSON.stringify(post.hashtags),
      published_at: post.publishedAt,
      deleted_at: null,
    })
    .execute()
  for (const m of media)
    await db
      .insertInto('federation_media')
      .values({
        id: m.id,
        post_id: post.id,
        position: m.position,
        kind: m.kind,
        media_type: m.mediaType,
        alt_text: m.altText,
        captions_vtt: m.captionsVtt,
        data_base64: m.dataBase64,
      })
      .execute()
}

export async function markPostDeleted(db: Executor, id: string, at: string): Promise<void> {
  await db.updateTable('federation_post').set({ deleted_at: at }).where('id', '=', id).execute()
}

/** Live (not deleted) posts, newest first. */
export async function listPosts(
  db: Executor,
  organisationId: string,
  page: { offset: number; limit: number },
): Promise<PostRow[]> {
  const rows = await db
    .selectFrom('federation_post')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('deleted_at', 'is', null)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute()
  return rows.map(mapPost)
}

export async function countPosts(db: Executor, organisationId: string): Promise<number> {
  const r = await db
    .selectFrom('federation_post')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('organisation_id', '=', organisationId)
    .where('deleted_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

export async function listMedia(db: Executor, postId: string): Promise<MediaRow[]> {
  const rows = await db
    .selectFrom('federation_media')
    .select(['id', 'position', 'kind', 'media_type', 'alt_text', 'captions_vtt'])
    .where('post_id', '=', postId)
    .orderBy('position')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    position: Number(r.position),
    kind: r.kind === 'video' ? 'video' : 'image',
    mediaType: r.media_type,
    altText: r.alt_text,
    captionsVtt: r.captions_vtt,
  }))
}

export async function findMediaData(
  db: Executor,
  organisationId: string,
  postId: string,
  position: number,
): Promise<{ mediaType: string; dataBase64: string } | null> {
  const r = await db
    .selectFrom('federation_media as m')
    .innerJoin('federation_post as p', 'p.id', 'm.post_id')
    .select(['m.media_type', 'm.data_base64'])
    .where('m.post_id', '=', postId)
    .where('p.organisation_id', '=', organisationId)
    .where('m.position', '=', position)
    .where('p.deleted_at', 'is', null)
    .executeTakeFirst()
  return r ? { mediaType: r.media_type, dataBase64: r.data_base64 } : null
}

/** The captions (WebVTT) of a live post's attachment, if it has any. */
export async function findMediaCaptions(
  db: Executor,
  organisationId: string,
  postId: string,
  position: number,
): Promise<string | null> {
  const r = await db
    .selectFrom('federation_media as m')
    .innerJoin('federation_post as p', 'p.id', 'm.post_id')
    .select('m.captions_vtt')
    .where('m.post_id', '=', postId)
    .where('p.organisation_id', '=', organisationId)
    .where('m.position', '=', position)
    .where('p.deleted_at', 'is', null)
    .executeTakeFirst()
  return r?.captions_vtt?.trim() ? r.captions_vtt : null
}

export type InteractionKind = 'like' | 'announce' | 'reply'

/** Records a like, boost or reply once per activity (a redelivered activity counts once). */
export async function insertInteraction(
  db: Executor,
  row: {
    id: string
    organisationId: string
    postId: string
    kind: InteractionKind
    activityUri: string
    actorUri: string
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('federation_interaction')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      post_id: row.postId,
      kind: row.kind,
      activity_uri: row.activityUri,
      actor_uri: row.actorUri,
      created_at: row.createdAt,
    })
    .onConflict((oc) => oc.columns(['organisation_id', 'activity_uri']).doNothing())
    .execute()
}

/** Undo of a like, boost or reply: only the actor who made it can take it back. */
export async function deleteInteraction(
  db: Executor,
  activityUri: string,
  actorUri: string,
): Promise<number> {
  const r = await db
    .deleteFrom('federation_interaction')
    .where('activity_uri', '=', activityUri)
    .where('actor_uri', '=', actorUri)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

/** Undo(Like) from servers that send the Like without its id: the actor's like of that post. */
export async function deleteInteractionOf(
  db: Executor,
  postId: string,
  kind: InteractionKind,
  actorUri: string,
): Promise<number> {
  const r = await db
    .deleteFrom('federation_interaction')
    .where('post_id', '=', postId)
    .where('kind', '=', kind)
    .where('actor_uri', '=', actorUri)
    .executeTakeFirst()
  return Number(r.numDeletedRows)
}

export async function countInteractions(
  db: Executor,
  postId: string,
): Promise<Record<InteractionKind, number>> {
  const rows = await db
    .selectFrom('federation_interaction')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('post_id', '=', postId)
    .groupBy('kind')
    .execute()
  const counts: Record<InteractionKind, number> = { like: 0, announce: 0, reply: 0 }
  for (const r of rows) if (r.kind in counts) counts[r.kind as InteractionKind] = Number(r.n)
  return counts
}

export type ReceivedRow = {
  id: string
  objectUri: string
  actorUri: string
  objectType: string
  content: string
  url: string | null
  publishedAt: string | null
  receivedAt: string
  likeUri: string | null
  announceUri: string | null
}

export async function upsertReceived(
  db: Executor,
  row: Omit<ReceivedRow, 'likeUri' | 'announceUri'> & { organisationId: string },
): Promise<void> {
  await db
    .insertInto('federation_received')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      object_uri: row.objectUri,
      actor_uri: row.actorUri,
      object_type: row.objectType,
      content: row.content,
      url: row.url,
      published_at: row.publishedAt,
      received_at: row.receivedAt,
      like_uri: null,
      announce_uri: null,
    })
    .onConflict((oc) =>
      oc.columns(['organisation_id', 'object_uri']).doUpdateSet({ content: row.content, url: row.url }),
    )
    .execute()
}

export async function deleteReceived(db: Executor, objectUri: string, actorUri: string): Promise<void> {
  await db
    .deleteFrom('federation_received')
    .where('object_uri', '=', objectUri)
    .where('actor_uri', '=', actorUri)
    .execute()
}

function mapReceived(r: {
  id: string
  object_uri: string
  actor_uri: string
  object_type: string
  content: string
  url: string | null
  published_at: Date | string | null
  received_at: Date | string
  like_uri: string | null
  announce_uri: string | null
}): ReceivedRow {
  return {
    id: r.id,
    objectUri: r.object_uri,
    actorUri: r.actor_uri,
    objectType: r.object_type,
    content: r.content,
    url: r.url,
    publishedAt: toIso(r.published_at),
    receivedAt: toIso(r.received_at),
    likeUri: r.like_uri,
    announceUri: r.announce_uri,
  }
}

export async function listReceived(
  db: Executor,
  organisationId: string,
  limit: number,
): Promise<ReceivedRow[]> {
  const rows = await db
    .selectFrom('federation_received')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('received_at', 'desc')
    .limit(limit)
    .execute()
  return rows.map(mapReceived)
}

export async function findReceived(
  db: Executor,
  organisationId: string,
  id: string,
): Promise<ReceivedRow | null> {
  const r = await db
    .selectFrom('federation_received')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', id)
    .executeTakeFirst()
  return r ? mapReceived(r) : null
}

/** Sets our Like or Announce of a received post, once: false when it was already set. */
export async function setReceivedReaction(
  db: Executor,
  id: string,
  kind: 'like' | 'announce',
  activityUri: string,
): Promise<boolean> {
  const column = kind === 'like' ? 'like_uri' : 'announce_uri'
  const r = await db
    .updateTable('federation_received')
    .set({ [column]: activityUri })
    .where('id', '=', id)
    .where(column, 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}
