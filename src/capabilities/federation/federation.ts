import {
  type Context,
  createFederation,
  type Federation,
  type KvStore,
  type MessageQueue,
} from '@fedify/fedify'
import {
  Accept,
  Announce,
  Create,
  Delete,
  Document,
  Endpoints,
  type Recipient as FedifyRecipient,
  Follow,
  Hashtag,
  Image,
  isActor,
  Like,
  Note,
  Organization,
  PUBLIC_COLLECTION,
  Tombstone,
  Undo,
  Video,
} from '@fedify/vocab'
import { Temporal as TemporalPolyfill } from '@js-temporal/polyfill'
import {
  findOrganisationById,
  findOrganisationBySlug,
  type OrganisationRow,
} from '#src/capabilities/accounts/accounts.repository.ts'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db } from '#src/platform/db/database.ts'
import type { Logger } from '#src/platform/logger.ts'
import type { Keyring } from '#src/platform/secrets.ts'
import { loadActorKeyPairs } from './federation.keys.ts'
import { createDocumentLoaders } from './federation.loader.ts'
import {
  countFollowers,
  countPosts,
  deleteFollower,
  deleteFollowerByInbox,
  deleteInteraction,
  deleteInteractionOf,
  deleteReceived,
  findPost,
  insertInteraction,
  listFollowers,
  listMedia,
  listOrganisationsFollowing,
  listPosts,
  type MediaRow,
  markFollowingAccepted,
  type PostRow,
  upsertFollower,
  upsertReceived,
} from './federation.repository.ts'

export type FederationDeps = {
  db: Db
  clock: Clock
  ids: Ids
  log: Logger
  keyring: Keyring
  publicBaseUrl: string
}

export type RoundsFederation = Federation<void>

export type FederationOptions = {
  kv: KvStore
  queue: MessageQueue
  /**
   * Lets Fedify fetch other servers' documents on loopback and private networks. Only the
   * two-instance tests set it (both instances live on 127.0.0.1); signatures are verified all
   * the same. This Rounds' own documents never need it: they are read in process.
   */
  allowPrivateAddress?: boolean
}

const PAGE = 50

/** URL paths, shared with the public pages (which answer the same /orgs/{slug} for HTML). */
export const federationPaths = {
  actor: '/orgs/{identifier}',
  inbox: '/orgs/{identifier}/inbox',
  sharedInbox: '/inbox',
  outbox: '/orgs/{identifier}/outbox',
  followers: '/orgs/{identifier}/followers',
  note: '/orgs/{identifier}/posts/{id}',
  video: '/orgs/{identifier}/videos/{id}',
} as const

/** Where a post's n-th attachment is served (a plain route beside the public pages). */
export function mediaUrl(publicBaseUrl: string, slug: string, postId: string, position: number): URL {
  return new URL(
    `/orgs/${encodeURIComponent(slug)}/posts/${encodeURIComponent(postId)}/media/${position}`,
    publicBaseUrl,
  )
}

/** Where the captions (WebVTT) of a post's n-th attachment are served. */
export function captionsUrl(publicBaseUrl: string, slug: string, postId: string, position: number): URL {
  return new URL(`${mediaUrl(publicBaseUrl, slug, postId, position).pathname}/captions.vtt`, publicBaseUrl)
}

/**
 * Each organisation as an ActivityPub actor (type Organization), discoverable through
 * WebFinger as acct:<slug>@<host>. Followers are accepted automatically; likes, boosts and
 * replies to its posts are counted per post. Signatures on incoming activities are always
 * verified.
 */
export function createRoundsFederation(deps: FederationDeps, options: FederationOptions): RoundsFederation {
  const loaders = createDocumentLoaders({
    origin: deps.publicBaseUrl,
    kv: options.kv,
    allowPrivateAddress: options.allowPrivateAddress ?? false,
    userAgent: { software: 'Rounds/0.1.0', url: deps.publicBaseUrl },
    // Bound below: the loaders answer our own documents through this federation's router.
    local: (request) => federation.fetch(request, { contextData: undefined }),
  })
  const federation: RoundsFederation = createFederation<void>({
    kv: options.kv,
    queue: options.queue,
    manuallyStartQueue: true,
    origin: deps.publicBaseUrl,
    ...loaders,
    onOutboxError: (error, activity) => {
      deps.log.warn(
        { err: { message: error.message }, activity: activity?.id?.href },
        'fediverse delivery failed; it will be retried',
      )
    },
  })

  federation
    .setActorDispatcher(federationPaths.actor, async (ctx, identifier) => {
      const org = await findOrganisationBySlug(deps.db, identifier)
      if (!org) return null
      const keys = await ctx.getActorKeyPairs(identifier)
      return new Organization({
        id: ctx.getActorUri(identifier),
        preferredUsername: identifier,
        name: org.name,
        summary: org.description ? escapeHtml(org.description) : null,
        url: new URL(`/orgs/${encodeURIComponent(identifier)}`, deps.publicBaseUrl),
        inbox: ctx.getInboxUri(identifier),
        outbox: ctx.getOutboxUri(identifier),
        followers: ctx.getFollowersUri(identifier),
        endpoints: new Endpoints({ sharedInbox: ctx.getInboxUri() }),
        manuallyApprovesFollowers: false,
        discoverable: true,
        indexable: true,
        publicKey: keys[0]?.cryptographicKey ?? null,
        assertionMethods: keys.map((k) => k.multikey),
      })
    })
    .setKeyPairsDispatcher(async (_ctx, identifier) => {
      const org = await findOrganisationBySlug(deps.db, identifier)
      if (!org) return []
      return loadActorKeyPairs(deps, org.id)
    })

  federation
    .setFollowersDispatcher(federationPaths.followers, async (_ctx, identifier, cursor) => {
      const org = await findOrganisationBySlug(deps.db, identifier)
      if (!org) return null
      // Without a cursor Fedify wants the whole collection (fan-out to every follower).
      const offset = cursor === null ? 0 : Number.parseInt(cursor, 10) || 0
      const limit = cursor === null ? 1_000_000 : PAGE
      const rows = await listFollowers(deps.db, org.id, { offset, limit })
      const items: FedifyRecipient[] = rows.map((r) => ({
        id: new URL(r.actorUri),
        inboxId: new URL(r.inboxUrl),
        endpoints: r.sharedInboxUrl ? { sharedInbox: new URL(r.sharedInboxUrl) } : null,
      }))
      return {
        items,
        nextCursor: cursor !== null && rows.length === PAGE ? String(offset + PAGE) : null,
      }
    })
    .setCounter(async (_ctx, identifier) => {
      const org = await findOrganisationBySlug(deps.db, identifier)
      return org ? countFollowers(deps.db, org.id) : null
    })
    // An unknown organisation has no first page: Fedify then asks the dispatcher, which says 404.
    .setFirstCursor(async (_ctx, identifier) =>
      (await findOrganisationBySlug(deps.db, identifier)) ? '0' : null,
    )

  federation
    .setOutboxDispatcher(federationPaths.outbox, async (ctx, identifier, cursor) => {
      const org = await findOrganisationBySlug(deps.db, identifier)
      if (!org) return null
      if (cursor === null) return { items: [] }
      const offset = Number.parseInt(cursor, 10) || 0
      const posts = await listPosts(deps.db, org.id, { offset, limit: PAGE })
      const items: Create[] = []
      for (const p of posts) items.push(createActivity(ctx, org.slug, p, await listMedia(deps.db, p.id)))
      return { items, nextCursor: posts.length === PAGE ? String(offset + PAGE) : null }
    })
    .setCounter(async (_ctx, identifier) => {
      const org = await findOrganisationBySlug(deps.db, identifier)
      return org ? countPosts(deps.db, org.id) : null
    })
    // An unknown organisation has no first page: Fedify then asks the dispatcher, which says 404.
    .setFirstCursor(async (_ctx, identifier) =>
      (await findOrganisationBySlug(deps.db, identifier)) ? '0' : null,
    )

  const dispatchPost =
    (type: 'Note' | 'Video') => async (ctx: Context<void>, values: { identifier: string; id: string }) => {
      const org = await findOrganisationBySlug(deps.db, values.identifier)
      if (!org) return null
      const post = await findPost(deps.db, org.id, values.id)
      if (!post || post.deletedAt || post.objectType !== type) return null
      const media = await listMedia(deps.db, post.id)
      const object = postObject(ctx, org.slug, post, media)
      return object instanceof Video ? withSubtitles(ctx, org.slug, post, media, object) : object
    }
  federation.setObjectDispatcher(Note, federationPaths.note, dispatchPost('Note') as never)
  federation.setObjectDispatcher(Video, federationPaths.video, dispatchPost('Video') as never)

  federation.setNodeInfoDispatcher('/nodeinfo/2.1', async () => {
    const orgs = await deps.db
      .selectFrom('organisation')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    const posts = await deps.db
      .selectFrom('federation_post')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('deleted_at', 'is', null)
      .executeTakeFirstOrThrow()
    return {
      software: { name: 'rounds', version: '0.1.0', homepage: new URL(deps.publicBaseUrl) },
      protocols: ['activitypub'],
      openRegistrations: false,
      usage: { users: { total: Number(orgs.n) }, localPosts: Number(posts.n), localComments: 0 },
    }
  })

  federation.setOutboxPermanentFailureHandler(async (_ctx, failure) => {
    for (const actorId of failure.actorIds) await deleteFollowerByInbox(deps.db, actorId.href)
  })

  const now = () => deps.clock.now().toISOString()

  /** The organisation (by slug) a URI of ours names, and the post when it names one. */
  async function ourPost(ctx: Context<void>, uri: URL | null) {
    if (!uri) return null
    const parsed = ctx.parseUri(uri)
    if (parsed?.type !== 'object') return null
    const identifier = parsed.values.identifier
    const id = parsed.values.id
    if (!identifier || !id) return null
    const org = await findOrganisationBySlug(deps.db, identifier)
    if (!org) return null
    const post = await findPost(deps.db, org.id, id)
    return post && !post.deletedAt ? { org, post } : null
  }

  federation
    .setInboxListeners(federationPaths.inbox, federationPaths.sharedInbox)
    .on(Follow, async (ctx, follow) => {
      if (!follow.id || !follow.actorId || !follow.objectId) return
      const parsed = ctx.parseUri(follow.objectId)
      if (parsed?.type !== 'actor') return
      const org = await findOrganisationBySlug(deps.db, parsed.identifier)
      if (!org) return
      const follower = await follow.getActor(ctx)
      if (!follower || !isActor(follower) || !follower.id || !follower.inboxId) return
      await upsertFollower(deps.db, {
        id: deps.ids.next(),
        organisationId: org.id,
        actorUri: follower.id.href,
        inboxUrl: follower.inboxId.href,
        sharedInboxUrl: follower.endpoints?.sharedInbox?.href ?? null,
        followUri: follow.id.href,
        createdAt: now(),
      })
      await ctx.sendActivity(
        { identifier: org.slug },
        follower,
        new Accept({
          id: new URL(`#accepts/${deps.ids.next()}`, ctx.getActorUri(org.slug)),
          actor: ctx.getActorUri(org.slug),
          object: follow,
        }),
      )
    })
    .on(Accept, async (ctx, accept) => {
      if (!accept.actorId || !accept.objectId) return
      await markFollowingAccepted(deps.db, accept.objectId.href, accept.actorId.href, now())
      void ctx
    })
    .on(Undo, async (ctx, undo) => {
      if (!undo.actorId) return
      const object = await undo.getObject({
        documentLoader: ctx.documentLoader,
        contextLoader: ctx.contextLoader,
        suppressError: true,
      })
      if (object instanceof Follow) {
        const parsed = object.objectId ? ctx.parseUri(object.objectId) : null
        if (parsed?.type !== 'actor') return
        const org = await findOrganisationBySlug(deps.db, parsed.identifier)
        if (org) await deleteFollower(deps.db, org.id, undo.actorId.href)
        return
      }
      if (object instanceof Like || object instanceof Announce) {
        const removed = object.id ? await deleteInteraction(deps.db, object.id.href, undo.actorId.href) : 0
        if (removed === 0) {
          const target = await ourPost(ctx, object.objectId)
          if (target)
            await deleteInteractionOf(
              deps.db,
              target.post.id,
              object instanceof Like ? 'like' : 'announce',
              undo.actorId.href,
            )
        }
      }
    })
    .on(Like, async (ctx, like) => {
      if (!like.id || !like.actorId) return
      const target = await ourPost(ctx, like.objectId)
      if (!target) return
      await insertInteraction(deps.db, {
        id: deps.ids.next(),
        organisationId: target.org.id,
        postId: target.post.id,
        kind: 'like',
        activityUri: like.id.href,
        actorUri: like.actorId.href,
        createdAt: now(),
      })
    })
    .on(Announce, async (ctx, announce) => {
      if (!announce.id || !announce.actorId) return
      const target = await ourPost(ctx, announce.objectId)
      if (target) {
        await insertInteraction(deps.db, {
          id: deps.ids.next(),
          organisationId: target.org.id,
          postId: target.post.id,
          kind: 'announce',
          activityUri: announce.id.href,
          actorUri: announce.actorId.href,
          createdAt: now(),
        })
      }
    })
    .on(Create, async (ctx, create) => {
      if (!create.actorId) return
      const object = await create.getObject({
        documentLoader: ctx.documentLoader,
        contextLoader: ctx.contextLoader,
        suppressError: true,
      })
      if (!(object instanceof Note || object instanceof Video) || !object.id) return
      // Only the author's own objects: a Create may not put words in someone else's mouth.
      if (object.attributionId && object.attributionId.href !== create.actorId.href) return
      const target = await ourPost(ctx, object.replyTargetId)
      if (target) {
        await insertInteraction(deps.db, {
          id: deps.ids.next(),
          organisationId: target.org.id,
          postId: target.post.id,
          kind: 'reply',
          activityUri: object.id.href,
          actorUri: create.actorId.href,
          createdAt: now(),
        })
      }
      // A post from an actor an organisation follows lands in that organisation's inbox list.
      const orgIds = await listOrganisationsFollowing(deps.db, create.actorId.href)
      for (const organisationId of orgIds) {
        await upsertReceived(deps.db, {
          id: deps.ids.next(),
          organisationId,
          objectUri: object.id.href,
          actorUri: create.actorId.href,
          objectType: object instanceof Video ? 'Video' : 'Note',
          content: object.content?.toString() ?? '',
          url: object.url instanceof URL ? object.url.href : null,
          publishedAt: object.published ? new Date(object.published.epochMilliseconds).toISOString() : null,
          receivedAt: now(),
        })
      }
    })
    .on(Delete, async (ctx, del) => {
      if (!del.actorId || !del.objectId) return
      // A deleted reply no longer counts; a deleted post leaves the inbox list.
      await deleteInteraction(deps.db, del.objectId.href, del.actorId.href)
      await deleteReceived(deps.db, del.objectId.href, del.actorId.href)
      void ctx
    })
    .onError((_ctx, error) => {
      deps.log.warn(
        { err: { message: error.message } },
        'an incoming fediverse activity could not be handled',
      )
    })

  return federation
}

/** The ActivityPub object of one of our posts. */
export function postObject(ctx: Context<void>, slug: string, post: PostRow, media: MediaRow[]): Note | Video {
  const base = ctx.canonicalOrigin
  const attachments = media.map((m) => {
    const url = mediaUrl(base, slug, post.id, m.position)
    return m.kind === 'image'
      ? new Image({ mediaType: m.mediaType, url, name: m.altText ?? null })
      : new Document({ mediaType: m.mediaType, url, name: m.altText ?? null })
  })
  const values = {
    attribution: ctx.getActorUri(slug),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(slug),
    content: post.content,
    url: new URL(post.url),
    published: instant(post.publishedAt),
    replyTarget: post.inReplyTo ? new URL(post.inReplyTo) : null,
    attachments,
    tags: post.hashtags.map(
      (tag) =>
        new Hashtag({
          name: `#${tag}`,
          href: new URL(`/orgs/${encodeURIComponent(slug)}?tag=${encodeURIComponent(tag)}`, base),
        }),
    ),
  }
  return post.objectType === 'Video'
    ? new Video({
        id: ctx.getObjectUri(Video, { identifier: slug, id: post.id }),
        name: post.name,
        ...values,
      })
    : new Note({ id: ctx.getObjectUri(Note, { identifier: slug, id: post.id }), ...values })
}

/** PeerTube's terms for a video's caption tracks (schema.org), added to the object's context. */
const SUBTITLE_TERMS = {
  sc: 'http://schema.org/',
  subtitleLanguage: 'sc:subtitleLanguage',
  identifier: 'sc:identifier',
}

/**
 * The Video with its caption tracks as PeerTube publishes them: `subtitleLanguage`, a list of
 * { identifier (language code), name, url } where url is the WebVTT file. Fedify's vocabulary
 * has no such property, so the object is rebuilt from its JSON-LD with the property added;
 * Fedify then serves that JSON as it is. Only the object served at its id carries it: an
 * activity Fedify serialises (the Create it delivers) is compacted from the vocabulary, so
 * servers that show captions (PeerTube) fetch the video by its id, as they do anyway.
 */
export async function withSubtitles(
  ctx: Context<void>,
  slug: string,
  post: PostRow,
  media: MediaRow[],
  video: Video,
): Promise<Video> {
  const language = post.language?.trim() || 'en'
  const tracks = media
    .filter((m) => m.kind === 'video' && m.captionsVtt?.trim())
    .map((m) => ({
      identifier: language,
      name: languageName(language),
      url: captionsUrl(ctx.canonicalOrigin, slug, post.id, m.position).href,
    }))
  if (tracks.length === 0) return video
  const json = (await video.toJsonLd({ contextLoader: ctx.contextLoader })) as Record<string, unknown>
  const context = json['@context']
  return Video.fromJsonLd(
    {
      ...json,
      '@context': [...(Array.isArray(context) ? context : [context]), SUBTITLE_TERMS],
      subtitleLanguage: tracks,
    },
    { documentLoader: ctx.documentLoader, contextLoader: ctx.contextLoader },
  )
}

function languageName(code: string): string {
  try {
    return new Intl.DisplayNames(['en'], { type: 'language' }).of(code) ?? code
  } catch {
    return code
  }
}

export function postUri(ctx: Context<void>, slug: string, post: Pick<PostRow, 'id' | 'objectType'>): URL {
  return post.objectType === 'Video'
    ? ctx.getObjectUri(Video, { identifier: slug, id: post.id })
    : ctx.getObjectUri(Note, { identifier: slug, id: post.id })
}

export function createActivity(ctx: Context<void>, slug: string, post: PostRow, media: MediaRow[]): Create {
  const object = postObject(ctx, slug, post, media)
  return new Create({
    id: new URL(`${object.id?.href}#create`),
    actor: ctx.getActorUri(slug),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(slug),
    published: instant(post.publishedAt),
    object,
  })
}

export function deleteActivity(ctx: Context<void>, slug: string, post: PostRow): Delete {
  const id = postUri(ctx, slug, post)
  return new Delete({
    id: new URL(`${id.href}#delete`),
    actor: ctx.getActorUri(slug),
    to: PUBLIC_COLLECTION,
    cc: ctx.getFollowersUri(slug),
    object: new Tombstone({ id }),
  })
}

export async function organisationOf(
  deps: Pick<FederationDeps, 'db'>,
  id: string,
): Promise<OrganisationRow | null> {
  return findOrganisationById(deps.db, id)
}

export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;')
}

/** Fedify's types name the standard Temporal; at run time it uses the polyfill (Node has no Temporal yet). */
function instant(iso: string): Temporal.Instant {
  return TemporalPolyfill.Instant.from(iso) as unknown as Temporal.Instant
}
