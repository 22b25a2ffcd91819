import { createHash } from 'node:crypto'
import { type AppBskyFeedPost, AtpAgent, AtUri, type BlobRef, RichText, XRPCError } from '@atproto/api'
import sharp from 'sharp'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelCapabilities,
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type Metrics,
  type OutgoingMedia,
  type OutgoingPart,
  type OutgoingPost,
  type PostContext,
  type RemotePost,
  retryAfterMs,
} from '../connector.ts'
import { readWhole } from './http.ts'

/**
 * Bluesky over the AT Protocol (@atproto/api): an app-password session against the
 * account's PDS, posts with rich-text facets, images or one video as blobs with alt text,
 * threads as reply refs, deletion, and counts from the AppView behind the PDS.
 *
 * Exactly once: every part is written under a record key derived from the post's
 * idempotency key and the part's position (`blueskyRecordKey`). A retry first reads that
 * record; and a second create of the same key is refused by the PDS, so a crash between the
 * write and Rounds recording it can never leave two posts. See docs/decisions.
 */

export const BLUESKY_POST_COLLECTION = 'app.bsky.feed.post'

/** The lexicon's limits (app.bsky.embed.images / video, app.bsky.feed.post). */
const MAX_IMAGE_BYTES = 1_000_000
const MAX_VIDEO_BYTES = 100_000_000
const MAX_CAPTION_BYTES = 20_000
const MAX_TAGS = 8
const MAX_TAG_GRAPHEMES = 64

export const blueskyCapabilities: ChannelCapabilities = {
  spec: channelSpecs.bluesky,
  media: {
    imageKinds: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
    videoKinds: ['video/mp4'],
    maxImages: 4,
    maxImageBytes: MAX_IMAGE_BYTES,
    maxVideoBytes: MAX_VIDEO_BYTES,
    altText: true,
  },
  threads: true,
  nativeScheduling: false,
  // A post record can be rewritten, but Bluesky's apps show no edits; a correction is a reply.
  edit: false,
  delete: true,
  reply: true,
  metrics: ['likes', 'reposts', 'quotes', 'replies'],
  // Bluesky's PDS allows 5,000 write points an hour and 35,000 a day per account, and a
  // create costs 3: at most 1,666 posts an hour and 11,666 a day.
  rateLimit: { posts: 1_666, windowMs: 3_600_000, name: 'hourly limit' },
  moreLimits: [{ posts: 11_666, windowMs: 86_400_000, name: 'daily limit' }],
}

// ---------------------------------------------------------------------------------------
// Record keys

const BASE32_SORTABLE = '234567abcdefghijklmnopqrstuvwxyz'
/** 2024-01-01T00:00:00Z in microseconds: derived keys carry a timestamp from 2024 to 2032. */
const KEY_EPOCH_US = 1_704_067_200_000_000n
const TIMESTAMP_SPAN_BITS = 48n

/**
 * The record key for one part: a valid TID (13 base32-sortable characters, as
 * app.bsky.feed.post requires) computed from the idempotency key and the part's index, so
 * every attempt at the same part addresses the same record. Its timestamp bits are a hash,
 * not the time of posting (apps order posts by `createdAt`). Keys the PDS would refuse as
 * containing a slur are skipped deterministically.
 */
export function blueskyRecordKey(idempotencyKey: string, partIndex: number): string {
  for (let attempt = 0; ; attempt++) {
    const digest = createHash('sha256')
      .update(`rounds:bluesky:${attempt}:${partIndex}:${idempotencyKey}`)
      .digest()
    const bits = digest.readBigUInt64BE(0)
    const timestamp = KEY_EPOCH_US + ((bits >> 10n) & ((1n << TIMESTAMP_SPAN_BITS) - 1n))
    const clockId = bits & 0x3ffn
    const key = encodeTid((timestamp << 10n) | clockId)
    // A superset of the one PDS slur pattern that can match inside a 13-character key.
    if (!/n.?[gq]{2}/.test(key)) return key
  }
}

function encodeTid(value: bigint): string {
  let out = ''
  let v = value
  for (let i = 0; i < 13; i++) {
    out = BASE32_SORTABLE[Number(v & 31n)] + out
    v >>= 5n
  }
  return out
}

// ---------------------------------------------------------------------------------------
// Errors

const AUTH_ERRORS = new Set(['AuthenticationRequired', 'ExpiredToken', 'InvalidToken', 'AuthMissing'])

function isAuthFailure(error: unknown): boolean {
  return error instanceof XRPCError && (error.status === 401 || AUTH_ERRORS.has(error.error ?? ''))
}

function header(
  headers: Record<string, string | string[] | undefined> | undefined,
  name: string,
): string | undefined {
  if (!headers) return undefined
  const hit = Object.keys(headers).find((k) => k.toLowerCase() === name)
  const value = hit ? headers[hit] : undefined
  return Array.isArray(value) ? value[0] : value
}

/** Why the PDS refused, in words for an editor; the server's own reason names no post text. */
function refusalReason(error: XRPCError): string {
  const message = (error.message || error.error || 'no reason given').replace(
    /^Invalid app\.bsky\.[a-z.]+ record: /,
    '',
  )
  return message.length > 200 ? `${message.slice(0, 200)}…` : message
}

/**
 * Translates anything a Bluesky call threw into a ChannelError: 429 with its reset time,
 * 5xx and network failures as retryable, refused credentials as "connect again", and other
 * 4xx as permanent with the server's reason.
 */
export function translateBlueskyError(error: unknown, now: Date): ChannelError {
  if (error instanceof ChannelError) return error
  if (error instanceof XRPCError) {
    const status = error.status
    const name = error.error ?? ''
    if (status === 429) {
      const reset = Number(header(error.headers, 'ratelimit-reset'))
      const wait =
        Number.isFinite(reset) && reset > 0
          ? Math.max(0, reset * 1000 - now.getTime())
          : (retryAfterMs(header(error.headers, 'retry-after'), now) ?? 60_000)
      return new ChannelError(
        'bluesky',
        "Bluesky's rate limit for this account was reached; Rounds will try again when it resets.",
        {
          status,
          retryAfterMs: wait,
          cause: error,
        },
      )
    }
    if (status >= 500 || status === 1) {
      return new ChannelError(
        'bluesky',
        status === 1
          ? 'Could not reach the Bluesky server; Rounds will try again.'
          : `The Bluesky server failed (${status}); Rounds will try again.`,
        {
          status: status === 1 ? null : status,
          retryAfterMs: retryAfterMs(header(error.headers, 'retry-after'), now),
          cause: error,
        },
      )
    }
    if (
      name === 'AccountTakedown' ||
      name === 'AccountDeactivated' ||
      name === 'RepoTakendown' ||
      name === 'RepoDeactivated'
    ) {
      return new ChannelError(
        'bluesky',
        'The Bluesky account is suspended or deactivated; nothing can be posted to it.',
        {
          status,
          permanent: true,
          cause: error,
        },
      )
    }
    if (isAuthFailure(error)) {
      return new ChannelError(
        'bluesky',
        'Bluesky did not accept the account’s credentials. Connect the Bluesky account again with a new app password.',
        { status, permanent: true, reauthorise: true, cause: error },
      )
    }
    if (status === 413 || name === 'BlobTooLarge' || name === 'PayloadTooLarge') {
      return new ChannelError('bluesky', 'A media file is larger than this Bluesky server accepts.', {
        status,
        permanent: true,
        cause: error,
      })
    }
    if (status === 403) {
      return new ChannelError(
        'bluesky',
        `Bluesky does not allow this account to do that (${refusalReason(error)}).`,
        {
          status,
          permanent: true,
          cause: error,
        },
      )
    }
    return new ChannelError('bluesky', `Bluesky refused the post: ${refusalReason(error)}.`, {
      status,
      permanent: true,
      cause: error,
    })
  }
  if (error instanceof Error && error.name === 'AbortError') {
    return new ChannelError(
      'bluesky',
      'The Bluesky call was stopped before it finished; Rounds will try again.',
      {
        cause: error,
      },
    )
  }
  return new ChannelError('bluesky', 'Could not complete the Bluesky call; Rounds will try again.', {
    cause: error,
  })
}

// ---------------------------------------------------------------------------------------
// Checks made before any call

function graphemes(text: string): number {
  return new RichText({ text }).graphemeLength
}

function checkPart(part: OutgoingPart): void {
  const limit = channelSpecs.bluesky.maxLength
  const length = graphemes(part.text)
  if (length > limit)
    throw new ChannelError(
      'bluesky',
      `Part ${part.index + 1} is ${length} characters long; Bluesky allows ${limit}.`,
      {
        permanent: true,
      },
    )
  const images = part.media.filter((m) => m.kind === 'image')
  const videos = part.media.filter((m) => m.kind === 'video')
  if (videos.length > 1 || (videos.length === 1 && images.length > 0))
    throw new ChannelError(
      'bluesky',
      'A Bluesky post carries either up to four images or one video, not both.',
      {
        permanent: true,
      },
    )
  if (images.length > blueskyCapabilities.media.maxImages)
    throw new ChannelError(
      'bluesky',
      `Part ${part.index + 1} has ${images.length} images; Bluesky allows four.`,
      {
        permanent: true,
      },
    )
  for (const media of part.media) {
    const kinds =
      media.kind === 'image' ? blueskyCapabilities.media.imageKinds : blueskyCapabilities.media.videoKinds
    if (!kinds.includes(media.mimeType))
      throw new ChannelError('bluesky', `Bluesky does not take ${media.mimeType} ${media.kind}s.`, {
        permanent: true,
      })
    const max = media.kind === 'image' ? MAX_IMAGE_BYTES : MAX_VIDEO_BYTES
    if (media.body.size > max)
      throw new ChannelError(
        'bluesky',
        `An ${media.kind} is ${(media.body.size / 1e6).toFixed(1)} MB; Bluesky takes up to ${max / 1e6} MB.`,
        { permanent: true },
      )
    if (media.captionsVtt && Buffer.byteLength(media.captionsVtt) > MAX_CAPTION_BYTES)
      throw new ChannelError('bluesky', 'The captions are longer than Bluesky takes (20 kB).', {
        permanent: true,
      })
  }
}

// ---------------------------------------------------------------------------------------
// Sessions

type Session = { agent: AtpAgent; did: string }

function jwtExpiry(jwt: string): string | null {
  try {
    const payload = JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as {
      exp?: unknown
    }
    return typeof payload.exp === 'number' ? new Date(payload.exp * 1000).toISOString() : null
  } catch {
    return null
  }
}

function credentialsFrom(base: ChannelCredentials, agent: AtpAgent): ChannelCredentials {
  const s = agent.session
  if (!s) return base
  return {
    ...base,
    accountId: s.did,
    accessToken: s.accessJwt,
    refreshToken: s.refreshJwt,
    expiresAt: jwtExpiry(s.accessJwt),
  }
}

const reconnect = () =>
  new ChannelError(
    'bluesky',
    'The Bluesky account has no usable credentials. Connect it again with an app password.',
    {
      permanent: true,
      reauthorise: true,
    },
  )

// ---------------------------------------------------------------------------------------
// The connector

export function createBlueskyConnector(env: ConnectorEnv): ChannelConnector {
  /**
   * Sessions kept per account for the life of the process: logging in for every part would
   * spend the PDS's small createSession allowance (30 per 5 minutes on bsky.social).
   */
  const sessions = new Map<string, Promise<Session>>()

  const serviceOf = (credentials: ChannelCredentials) =>
    (credentials.serviceUrl || env.baseUrl).replace(/\/$/, '')

  const cacheKey = (c: ChannelCredentials) =>
    createHash('sha256')
      .update(
        `${serviceOf(c)}\n${c.accountId ?? ''}\n${c.identifier ?? ''}\n${c.password ?? c.refreshToken ?? ''}`,
      )
      .digest('hex')

  const newAgent = (credentials: ChannelCredentials) =>
    new AtpAgent({ service: serviceOf(credentials), fetch: env.fetch })

  async function login(credentials: ChannelCredentials): Promise<Session> {
    if (!credentials.identifier || !credentials.password) throw reconnect()
    const agent = newAgent(credentials)
    await agent.login({ identifier: credentials.identifier, password: credentials.password })
    const did = agent.session?.did
    if (!did) throw reconnect()
    if (credentials.accountId && credentials.accountId !== did)
      throw new ChannelError(
        'bluesky',
        'These credentials belong to a different Bluesky account than the one connected.',
        {
          permanent: true,
          reauthorise: true,
        },
      )
    return { agent, did }
  }

  async function open(credentials: ChannelCredentials): Promise<Session> {
    // Stored tokens are used as they are; the agent refreshes an expired access token itself.
    if (credentials.accessToken && credentials.refreshToken && credentials.accountId) {
      const agent = newAgent(credentials)
      agent.sessionManager.session = {
        did: credentials.accountId,
        handle: credentials.identifier ?? credentials.accountId,
        accessJwt: credentials.accessToken,
        refreshJwt: credentials.refreshToken,
        active: true,
      }
      return { agent, did: credentials.accountId }
    }
    return login(credentials)
  }

  function session(credentials: ChannelCredentials): Promise<Session> {
    const key = cacheKey(credentials)
    let s = sessions.get(key)
    if (!s) {
      const opened = open(credentials)
      sessions.set(key, opened)
      opened.catch(() => {
        if (sessions.get(key) === opened) sessions.delete(key)
      })
      s = opened
    }
    return s
  }

  /**
   * Runs `fn` with a signed-in agent. When the PDS turns the session down (expired and not
   * refreshable, revoked), it signs in again with the app password once and retries.
   */
  async function withSession<T>(ctx: PostContext, fn: (s: Session) => Promise<T>): Promise<T> {
    try {
      // A refused sign-in is final here: trying the same password twice only spends the allowance.
      const current = await session(ctx.credentials)
      try {
        return await fn(current)
      } catch (error) {
        if (!isAuthFailure(error) || !ctx.credentials.password) throw error
        sessions.delete(cacheKey(ctx.credentials))
        const key = cacheKey(ctx.credentials)
        const fresh = login(ctx.credentials)
        sessions.set(key, fresh)
        fresh.catch(() => {
          if (sessions.get(key) === fresh) sessions.delete(key)
        })
        return await fn(await fresh)
      }
    } catch (error) {
      throw translateBlueskyError(error, env.now())
    }
  }

  async function findRecord(s: Session, rkey: string, signal?: AbortSignal): Promise<RemotePost | null> {
    try {
      const res = await s.agent.com.atproto.repo.getRecord(
        { repo: s.did, collection: BLUESKY_POST_COLLECTION, rkey },
        { signal },
      )
      return toRemote(res.data.uri, res.data.cid ?? undefined)
    } catch (error) {
      if (error instanceof XRPCError && (error.error === 'RecordNotFound' || error.status === 404))
        return null
      throw error
    }
  }

  /** The CID of a post we reply to, when the stored reference lacks it. */
  async function strongRef(
    s: Session,
    remote: RemotePost,
    signal?: AbortSignal,
  ): Promise<{ uri: string; cid: string }> {
    if (remote.remoteRef) return { uri: remote.remoteId, cid: remote.remoteRef }
    const uri = new AtUri(remote.remoteId)
    const res = await s.agent.com.atproto.repo.getRecord(
      { repo: uri.host, collection: uri.collection, rkey: uri.rkey },
      { signal },
    )
    if (!res.data.cid)
      throw new ChannelError('bluesky', 'The post to reply to has no content id.', { permanent: true })
    return { uri: remote.remoteId, cid: res.data.cid }
  }

  async function upload(
    s: Session,
    bytes: Uint8Array,
    mimeType: string,
    signal?: AbortSignal,
  ): Promise<BlobRef> {
    const res = await s.agent.com.atproto.repo.uploadBlob(bytes, { encoding: mimeType, signal })
    return res.data.blob
  }

  /** A video (up to 100 MB) goes to uploadBlob as a stream from the store, never whole in memory. */
  async function uploadStreamed(s: Session, media: OutgoingMedia, signal?: AbortSignal): Promise<BlobRef> {
    const body = media.body.size ? await media.body.open() : new Uint8Array(0)
    const res = await s.agent.com.atproto.repo.uploadBlob(body as unknown as Blob, {
      encoding: media.mimeType,
      headers: { 'content-length': String(media.body.size) },
      signal,
    })
    return res.data.blob
  }

  async function embedFor(
    ctx: PostContext,
    s: Session,
    post: OutgoingPost,
    part: OutgoingPart,
  ): Promise<AppBskyFeedPost.Record['embed']> {
    const images = part.media.filter((m) => m.kind === 'image')
    const video = part.media.find((m) => m.kind === 'video')
    const total = part.media.length
    let done = 0
    const progress = () => ctx.onProgress?.(++done / total)
    if (images.length > 0) {
      const uploaded = []
      for (const image of images) {
        // Images are at most 1 MB: read whole, as sharp needs them for the aspect ratio.
        const bytes = await readWhole(image.body)
        const blob = await upload(s, bytes, image.mimeType, ctx.signal)
        const aspectRatio = await aspectRatioOf(bytes)
        uploaded.push({ image: blob, alt: image.altText ?? '', ...(aspectRatio ? { aspectRatio } : {}) })
        progress()
      }
      return { $type: 'app.bsky.embed.images', images: uploaded }
    }
    if (video) {
      const blob = await uploadStreamed(s, video, ctx.signal)
      const captions = video.captionsVtt
        ? [
            {
              lang: post.language ?? 'en',
              file: await upload(s, new TextEncoder().encode(video.captionsVtt), 'text/vtt', ctx.signal),
            },
          ]
        : undefined
      progress()
      return {
        $type: 'app.bsky.embed.video',
        video: blob,
        ...(video.altText ? { alt: video.altText } : {}),
        ...(captions ? { captions } : {}),
      }
    }
    // A text-only part that carries the canonical link shows it as a link card.
    if (part.text.includes(post.canonicalUrl)) {
      return {
        $type: 'app.bsky.embed.external',
        external: { uri: post.canonicalUrl, title: post.title ?? '', description: '' },
      }
    }
    return undefined
  }

  async function buildRecord(
    ctx: PostContext,
    s: Session,
    post: OutgoingPost,
    part: OutgoingPart,
    replyTo: { root: RemotePost; parent: RemotePost } | null,
  ): Promise<AppBskyFeedPost.Record> {
    const rich = new RichText({ text: part.text })
    // Mentions are resolved to DIDs through the PDS; an unknown handle stays plain text.
    await rich.detectFacets(s.agent)
    const tagged = new Set(
      (rich.facets ?? []).flatMap((f) =>
        f.features.flatMap((feature) =>
          'tag' in feature && typeof feature.tag === 'string' ? [feature.tag.toLowerCase()] : [],
        ),
      ),
    )
    // Hashtags the text does not show travel as the post's tags (searchable, not displayed).
    const tags =
      part.index === 0
        ? post.hashtags
            .map((t) => t.replace(/^#/, ''))
            .filter((t) => t.length > 0 && graphemes(t) <= MAX_TAG_GRAPHEMES && !tagged.has(t.toLowerCase()))
            .slice(0, MAX_TAGS)
        : []
    const embed = await embedFor(ctx, s, post, part)
    return {
      $type: BLUESKY_POST_COLLECTION,
      text: rich.text,
      ...(rich.facets?.length ? { facets: rich.facets } : {}),
      ...(replyTo
        ? {
            reply: {
              root: await strongRef(s, replyTo.root, ctx.signal),
              parent: await strongRef(s, replyTo.parent, ctx.signal),
            },
          }
        : {}),
      ...(embed ? { embed } : {}),
      ...(post.language ? { langs: [post.language] } : {}),
      ...(tags.length ? { tags } : {}),
      createdAt: env.now().toISOString(),
    }
  }

  return {
    channel: 'bluesky',
    capabilities: blueskyCapabilities,

    async publishPart(ctx, post, part, replyTo) {
      checkPart(part)
      const rkey = blueskyRecordKey(post.idempotencyKey, part.index)
      return withSession(ctx, async (s) => {
        const existing = await findRecord(s, rkey, ctx.signal)
        if (existing) return existing
        const record = await buildRecord(ctx, s, post, part, replyTo)
        try {
          const res = await s.agent.com.atproto.repo.createRecord(
            { repo: s.did, collection: BLUESKY_POST_COLLECTION, rkey, record, validate: true },
            { signal: ctx.signal },
          )
          return toRemote(res.data.uri, res.data.cid)
        } catch (error) {
          // Another attempt may have written the same key in the meantime; the PDS refuses
          // a second create of one key, and the record that won is the post.
          const raced = await findRecord(s, rkey, ctx.signal).catch(() => null)
          if (raced) return raced
          throw error
        }
      })
    },

    async lookup(ctx, post, part) {
      return withSession(ctx, (s) =>
        findRecord(s, blueskyRecordKey(post.idempotencyKey, part.index), ctx.signal),
      )
    },

    async delete(ctx, remote) {
      const uri = parsePostUri(remote.remoteId)
      await withSession(ctx, async (s) => {
        if (uri.host !== s.did)
          throw new ChannelError(
            'bluesky',
            'This post belongs to another Bluesky account; it cannot be deleted from here.',
            {
              permanent: true,
            },
          )
        // Deleting a record that is already gone succeeds: withdrawing twice is harmless.
        await s.agent.com.atproto.repo.deleteRecord(
          { repo: s.did, collection: uri.collection, rkey: uri.rkey },
          { signal: ctx.signal },
        )
      })
    },

    async metrics(ctx, remote): Promise<Metrics> {
      parsePostUri(remote.remoteId)
      return withSession(ctx, async (s) => {
        // The PDS forwards app.bsky.* reads to its AppView, which counts likes and reposts.
        const res = await s.agent.app.bsky.feed.getPosts({ uris: [remote.remoteId] }, { signal: ctx.signal })
        const view = res.data.posts.find((p) => p.uri === remote.remoteId)
        if (!view) return {}
        return {
          likes: view.likeCount ?? 0,
          reposts: view.repostCount ?? 0,
          quotes: view.quoteCount ?? 0,
          replies: view.replyCount ?? 0,
        }
      })
    },

    async refresh(credentials) {
      const expiresAt = credentials.expiresAt ? Date.parse(credentials.expiresAt) : Number.NaN
      if (credentials.accessToken && expiresAt - env.now().getTime() > 10 * 60_000) return null
      try {
        if (credentials.refreshToken && credentials.accountId) {
          const agent = newAgent(credentials)
          try {
            const res = await agent.com.atproto.server.refreshSession(undefined, {
              headers: { authorization: `Bearer ${credentials.refreshToken}` },
            })
            if (res.data.did !== credentials.accountId) throw reconnect()
            return {
              ...credentials,
              accessToken: res.data.accessJwt,
              refreshToken: res.data.refreshJwt,
              expiresAt: jwtExpiry(res.data.accessJwt),
            }
          } catch (error) {
            if (!isAuthFailure(error) || !credentials.password) throw error
          }
        }
        const s = await login(credentials)
        sessions.set(cacheKey(credentials), Promise.resolve(s))
        return credentialsFrom(credentials, s.agent)
      } catch (error) {
        throw translateBlueskyError(error, env.now())
      }
    },

    async verify(credentials) {
      try {
        const s = await login(credentials)
        const handle = s.agent.session?.handle ?? credentials.identifier ?? s.did
        const stored = credentialsFrom({ ...credentials, serviceUrl: serviceOf(credentials) }, s.agent)
        sessions.set(cacheKey(stored), Promise.resolve(s))
        return { name: `@${handle}`, accountId: s.did, credentials: stored }
      } catch (error) {
        throw translateBlueskyError(error, env.now())
      }
    },
  }
}

function parsePostUri(remoteId: string): AtUri {
  let uri: AtUri
  try {
    uri = new AtUri(remoteId)
  } catch {
    throw new ChannelError('bluesky', 'The stored Bluesky post address is not an AT URI.', {
      permanent: true,
    })
  }
  if (uri.collection !== BLUESKY_POST_COLLECTION || !uri.rkey)
    throw new ChannelError('bluesky', 'The stored Bluesky address is not a post.', { permanent: true })
  return uri
}

function toRemote(uri: string, cid: string | undefined): RemotePost {
  const at = new AtUri(uri)
  return {
    remoteId: uri,
    ...(cid ? { remoteRef: cid } : {}),
    url: `https://bsky.app/profile/${at.host}/post/${at.rkey}`,
  }
}

async function aspectRatioOf(bytes: Uint8Array): Promise<{ width: number; height: number } | null> {
  try {
    const { width, height } = await sharp(bytes).metadata()
    return width && height ? { width, height } : null
  } catch {
    return null
  }
}

export const blueskyConnectorFactory: ConnectorFactory = {
  channel: 'bluesky',
  connection: 'app-password',
  defaultBaseUrl: 'https://bsky.social',
  create: createBlueskyConnector,
}
