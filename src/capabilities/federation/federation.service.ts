import { Announce, Follow, isActor, Like, PUBLIC_COLLECTION } from '@fedify/vocab'
import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { findOrganisationBySlug } from '#src/capabilities/accounts/accounts.repository.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  countFollowers,
  countInteractions,
  type FollowingRow,
  findFollowing,
  findPost,
  findPostByKey,
  findReceived,
  insertPost,
  listFollowing,
  listMedia,
  listReceived,
  type MediaRow,
  markPostDeleted,
  type PostRow,
  type ReceivedRow,
  setReceivedReaction,
  upsertFollowing,
} from './federation.repository.ts'
import {
  createActivity,
  deleteActivity,
  type FederationDeps,
  federationPaths,
  postUri,
  type RoundsFederation,
} from './federation.ts'

/** What use-cases need: the deps and the Fedify federation of this Rounds. */
export type FederationRuntime = { deps: FederationDeps & AccountsDeps; federation: RoundsFederation }

/** A Fedify context for work outside a request (delivery jobs, admin actions). */
function contextOf(rt: FederationRuntime) {
  return rt.federation.createContext(new URL(rt.deps.publicBaseUrl), undefined)
}

type ResolvedActor = {
  id: URL
  inboxId: URL
  endpoints: { sharedInbox: URL } | null
  handle: string
}

/**
 * Finds an actor by handle (@name@server) or URL. An organisation on this Rounds is resolved
 * from the database; any other is fetched (WebFinger, then the actor document).
 */
async function resolveActor(rt: FederationRuntime, target: string): Promise<ResolvedActor | null> {
  const ctx = contextOf(rt)
  const text = target.trim()
  const host = new URL(rt.deps.publicBaseUrl).host
  let localSlug: string | null = null
  const handle = /^@?([^@\s]+)@([^@\s]+)$/.exec(text.replace(/^acct:/, ''))
  if (handle?.[1] && handle[2] === host) localSlug = handle[1]
  if (!handle) {
    try {
      const parsed = ctx.parseUri(new URL(text))
      if (parsed?.type === 'actor') localSlug = parsed.identifier
    } catch {
      return null
    }
  }
  if (localSlug !== null) {
    const org = await findOrganisationBySlug(rt.deps.db, localSlug)
    if (!org) return null
    return {
      id: ctx.getActorUri(org.slug),
      inboxId: ctx.getInboxUri(org.slug),
      endpoints: { sharedInbox: ctx.getInboxUri() },
      handle: `@${org.slug}@${host}`,
    }
  }
  const remote = await ctx.lookupObject(text).catch(() => null)
  if (!remote || !isActor(remote) || !remote.id || !remote.inboxId) return null
  const sharedInbox = remote.endpoints?.sharedInbox ?? null
  return {
    id: remote.id,
    inboxId: remote.inboxId,
    endpoints: sharedInbox ? { sharedInbox } : null,
    handle: remote.preferredUsername ? `@${remote.preferredUsername}@${remote.id.host}` : remote.id.href,
  }
}

export type NewPost = {
  organisationSlug: string
  idempotencyKey: string
  objectType: 'Note' | 'Video'
  name: string | null
  /** The post's text as HTML (escaped, linkified). */
  content: string
  url: string
  inReplyTo: string | null
  language: string | null
  hashtags: string[]
  media: Array<{
    kind: 'image' | 'video'
    mediaType: string
    altText: string | null
    captionsVtt: string | null
    bytes: Uint8Array
  }>
}

/**
 * Publishes one post as the organisation's actor: stores it (once per idempotency key) and
 * sends Create to every follower through the queue. Sending again after a crash is safe:
 * the activity id is the same, and receivers drop an activity they already have.
 */
export async function publishPost(
  rt: FederationRuntime,
  input: NewPost,
): Promise<{ post: PostRow; uri: URL }> {
  const { deps } = rt
  const org = await findOrganisationBySlug(deps.db, input.organisationSlug)
  if (!org)
    throw new AppError('ORGANISATION_NOT_FOUND', { message: `no organisation ${input.organisationSlug}` })
  let post = await findPostByKey(deps.db, input.idempotencyKey)
  if (!post) {
    const id = deps.ids.next()
    const row = {
      id,
      organisationId: org.id,
      idempotencyKey: input.idempotencyKey,
      objectType: input.objectType,
      name: input.name,
      content: input.content,
      url: input.url,
      inReplyTo: input.inReplyTo,
      language: input.language,
      hashtags: input.hashtags,
      publishedAt: deps.clock.now().toISOString(),
    }
    const media = input.media.map((m, position) => ({
      id: deps.ids.next(),
      position,
      kind: m.kind,
      mediaType: m.mediaType,
      altText: m.altText,
      captionsVtt: m.captionsVtt,
      dataBase64: Buffer.from(m.bytes).toString('base64'),
    }))
    try {
      await deps.db.transaction().execute(async (tx) => insertPost(tx, row, media))
    } catch (error) {
      // A concurrent attempt with the same key won: use its post.
      if (!(await findPostByKey(deps.db, input.idempotencyKey))) throw error
    }
    post = (await findPostByKey(deps.db, input.idempotencyKey)) as PostRow
  }
  if (post.organisationId !== org.id)
    throw new AppError('CONFLICT', { message: 'this idempotency key belongs to another organisation' })
  const ctx = contextOf(rt)
  const media = await listMedia(deps.db, post.id)
  if (!post.deletedAt)
    await ctx.sendActivity(
      { identifier: org.slug },
      'followers',
      createActivity(ctx, org.slug, post, media),
      // One key per post: its Create reaches each server before its Delete.
      { preferSharedInbox: true, orderingKey: postUri(ctx, org.slug, post).href },
    )
  return { post, uri: postUri(ctx, org.slug, post) }
}

/** Our post named by its ActivityPub id (as stored in a delivery's remote id). */
export async function findPostByUri(rt: FederationRuntime, uri: string) {
  const ctx = contextOf(rt)
  let parsed: ReturnType<typeof ctx.parseUri> = null
  try {
    parsed = ctx.parseUri(new URL(uri))
  } catch {
    return null
  }
  if (parsed?.type !== 'object') return null
  const slug = parsed.values.identifier
  const id = parsed.values.id
  if (!slug || !id) return null
  const org = await findOrganisationBySlug(rt.deps.db, slug)
  const post = org ? await findPost(rt.deps.db, org.id, id) : null
  return org && post ? { org, post } : null
}

/** Deletes a post: its object becomes a Tombstone and Delete goes to every follower. */
export async function deletePost(rt: FederationRuntime, uri: string): Promise<void> {
  const found = await findPostByUri(rt, uri)
  if (!found) return
  const { org, post } = found
  if (!post.deletedAt) await markPostDeleted(rt.deps.db, post.id, rt.deps.clock.now().toISOString())
  const ctx = contextOf(rt)
  await ctx.sendActivity({ identifier: org.slug }, 'followers', deleteActivity(ctx, org.slug, post), {
    preferSharedInbox: true,
    orderingKey: postUri(ctx, org.slug, post).href,
  })
}

/** Likes, boosts and replies received for a post. */
export async function postMetrics(rt: FederationRuntime, uri: string) {
  const found = await findPostByUri(rt, uri)
  if (!found) return { likes: 0, reposts: 0, replies: 0 }
  const counts = await countInteractions(rt.deps.db, found.post.id)
  return { likes: counts.like, reposts: counts.announce, replies: counts.reply }
}

export type FederationSummary = {
  handle: string
  actorUrl: string
  followers: number
  following: FollowingRow[]
}

/** The organisation's fediverse identity, followers count and whom it follows (members). */
export async function getFederationSummary(
  rt: FederationRuntime,
  actor: Actor,
  slug: string,
): Promise<FederationSummary> {
  const org = await resolveOrganisation(rt.deps, actor, slug, 'members.read')
  const ctx = contextOf(rt)
  return {
    handle: `@${org.slug}@${new URL(rt.deps.publicBaseUrl).host}`,
    actorUrl: ctx.getActorUri(org.slug).href,
    followers: await countFollowers(rt.deps.db, org.id),
    following: await listFollowing(rt.deps.db, org.id),
  }
}

/**
 * An admin makes the organisation follow a remote actor (a handle like @name@server, or the
 * actor's URL): Rounds looks the actor up, records the follow and sends Follow; the remote
 * server's Accept marks it accepted. Their posts then arrive in the organisation's inbox.
 */
export async function followRemoteActor(
  rt: FederationRuntime,
  actor: Actor,
  slug: string,
  target: string,
): Promise<FollowingRow> {
  const org = await resolveOrganisation(rt.deps, actor, slug, 'organisation.manage')
  const ctx = contextOf(rt)
  const remote = await resolveActor(rt, target)
  if (!remote) throw new AppError('NOT_FOUND', { message: `no fediverse account found at ${target}` })
  if (remote.id.href === ctx.getActorUri(org.slug).href)
    throw new AppError('CONFLICT', { message: 'an organisation cannot follow itself' })
  const id = rt.deps.ids.next()
  const userId = actor.kind === 'user' ? actor.userId : null
  await rt.deps.db.transaction().execute(async (tx) => {
    await upsertFollowing(tx, {
      id,
      organisationId: org.id,
      actorUri: remote.id.href,
      handle: remote.handle,
      inboxUrl: remote.inboxId.href,
      followUri: new URL(`#follows/${id}`, ctx.getActorUri(org.slug)).href,
      createdAt: rt.deps.clock.now().toISOString(),
    })
    await recordAudit(tx, rt.deps, {
      actorId: userId,
      action: 'federation.follow_requested',
      resourceType: 'organisation',
      resourceId: org.id,
      organisationId: org.id,
      summary: { actor: remote.id.href },
    })
  })
  const row = (await findFollowing(rt.deps.db, org.id, remote.id.href)) as FollowingRow
  await ctx.sendActivity(
    { identifier: org.slug },
    remote,
    new Follow({ id: new URL(row.followUri), actor: ctx.getActorUri(org.slug), object: remote.id }),
  )
  return row
}

/** Posts received from actors the organisation follows, newest first (members). */
export async function listInbox(rt: FederationRuntime, actor: Actor, slug: string): Promise<ReceivedRow[]> {
  const org = await resolveOrganisation(rt.deps, actor, slug, 'members.read')
  return listReceived(rt.deps.db, org.id, 100)
}

/**
 * The organisation likes or boosts (Announce) a received post, once: Like goes to the
 * post's author; Announce goes to the organisation's followers and the author.
 */
export async function reactToReceived(
  rt: FederationRuntime,
  actor: Actor,
  slug: string,
  receivedId: string,
  kind: 'like' | 'announce',
): Promise<ReceivedRow> {
  const org = await resolveOrganisation(rt.deps, actor, slug, 'publishing.manage')
  const received = await findReceived(rt.deps.db, org.id, receivedId)
  if (!received) throw new AppError('NOT_FOUND', { message: `no received post ${receivedId}` })
  const ctx = contextOf(rt)
  const me = ctx.getActorUri(org.slug)
  const activityUri = new URL(`#${kind === 'like' ? 'likes' : 'announces'}/${received.id}`, me)
  const already = kind === 'like' ? received.likeUri : received.announceUri
  if (!already) {
    // Look the author up first: nothing is recorded when they cannot be reached.
    const author = await resolveActor(rt, received.actorUri)
    if (!author) throw new AppError('NOT_FOUND', { message: 'the author of that post could not be reached' })
    if (!(await setReceivedReaction(rt.deps.db, received.id, kind, activityUri.href)))
      return (await findReceived(rt.deps.db, org.id, received.id)) as ReceivedRow
    const object = new URL(received.objectUri)
    if (kind === 'like') {
      await ctx.sendActivity(
        { identifier: org.slug },
        author,
        new Like({ id: activityUri, actor: me, object }),
      )
    } else {
      const announce = new Announce({
        id: activityUri,
        actor: me,
        object,
        to: PUBLIC_COLLECTION,
        ccs: [ctx.getFollowersUri(org.slug), new URL(received.actorUri)],
      })
      await ctx.sendActivity({ identifier: org.slug }, author, announce)
      await ctx.sendActivity({ identifier: org.slug }, 'followers', announce, { preferSharedInbox: true })
    }
    await rt.deps.db.transaction().execute((tx) =>
      recordAudit(tx, rt.deps, {
        actorId: actor.kind === 'user' ? actor.userId : null,
        action: kind === 'like' ? 'federation.liked' : 'federation.announced',
        resourceType: 'organisation',
        resourceId: org.id,
        organisationId: org.id,
        summary: { object: received.objectUri },
      }),
    )
  }
  return (await findReceived(rt.deps.db, org.id, received.id)) as ReceivedRow
}

export type { MediaRow }
export { federationPaths }
