import type { ChannelSpec } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'

/**
 * The one interface every channel connector implements. Delivery (jobs, idempotency keys,
 * retries, status) lives in the publishing service; a connector only speaks its platform's
 * protocol. Connectors never log tokens or post text.
 */

/** What a channel can do; shown to editors and used by rendering and delivery. */
export type ChannelCapabilities = {
  /** Text limit and counting rule (shared with the screening platform pack). */
  spec: ChannelSpec
  media: {
    imageKinds: readonly string[]
    videoKinds: readonly string[]
    maxImages: number
    maxImageBytes: number
    maxVideoBytes: number
    /** Whether alt text can be attached to images. */
    altText: boolean
  }
  threads: boolean
  /** The platform itself schedules (e.g. Mastodon scheduled_at); otherwise Rounds' job queue waits. */
  nativeScheduling: boolean
  edit: boolean
  delete: boolean
  /** A correction can be posted as a reply/comment under the original. */
  reply: boolean
  metrics: readonly MetricName[]
  /** Documented rate limit the delivery respects, as posts per window. */
  rateLimit: RateLimit
  /** Further documented limits, each respected as well (Bluesky's daily budget, Threads' replies). */
  moreLimits?: readonly RateLimit[]
}

/** At most `posts` sends in any `windowMs`, counted from the deliveries Rounds recorded. */
export type RateLimit = {
  posts: number
  windowMs: number
  /**
   * Which sends count: all (the default), first posts only, or replies only (a thread's later
   * parts and correction replies), for platforms that limit replies apart from posts.
   */
  counts?: 'all' | 'posts' | 'replies'
  /** How editors are told which limit holds the post back ("daily limit", "reply limit"). */
  name?: string
}

/** A platform's own count of the account's use of a publishing quota (Threads' threads_publishing_limit). */
export type QuotaUsage = { used: number; total: number; windowMs: number }

export type MetricName =
  | 'views'
  | 'impressions'
  | 'reach'
  | 'likes'
  | 'reposts'
  | 'quotes'
  | 'replies'
  | 'saves'
  | 'watchTimeSeconds'
  | 'averageViewSeconds'

/** Decrypted credentials for one connected account; held in memory only for one call. */
export type ChannelCredentials = {
  /** Base URL of the platform's API or the account's server (PDS, Mastodon instance). */
  serviceUrl: string
  accessToken?: string
  refreshToken?: string
  /** For app-password flows (Bluesky). */
  identifier?: string
  password?: string
  /** Platform account id (DID, user id, page id, channel id). */
  accountId?: string
  expiresAt?: string | null
}

/**
 * A media file's bytes, read whole or by byte range (`start`–`end`, inclusive) as a stream, so
 * a video of gigabytes is sent in pieces and never held in memory at once.
 */
export type MediaBody = {
  size: number
  open(range?: { start: number; end: number }): Promise<ReadableStream<Uint8Array>>
}

/** A MediaBody over bytes already in memory (small files, tests). */
export function bytesBody(bytes: Uint8Array): MediaBody {
  return {
    size: bytes.byteLength,
    open: async (range) =>
      new Blob([new Uint8Array(range ? bytes.subarray(range.start, range.end + 1) : bytes)]).stream(),
  }
}

/** A media file ready to send: bytes come from the sanitised (never the quarantine) store. */
export type OutgoingMedia = {
  kind: 'image' | 'video'
  mimeType: string
  body: MediaBody
  altText?: string
  /** Captions (WebVTT) for video, when the item has them. */
  captionsVtt?: string
  /**
   * Where Rounds' public page serves this same file (the item's media route), for platforms
   * that fetch media from a URL instead of receiving bytes (Instagram, Facebook).
   */
  publicUrl?: string
}

/** One rendered part of a post: exactly the bytes the editor previewed. */
export type OutgoingPart = {
  /** 0-based position in the thread. */
  index: number
  text: string
  media: OutgoingMedia[]
}

export type OutgoingPost = {
  /** Stable key for (item version, channel, part); connectors that support it send it (Idempotency-Key). */
  idempotencyKey: string
  title?: string
  parts: OutgoingPart[]
  hashtags: string[]
  /** Canonical link to the item's public page. */
  canonicalUrl: string
  language?: string
  /** When the platform schedules natively and a time was chosen. */
  scheduledAt?: string | null
}

/** Where a delivered part lives on the platform; enough to reply to, read metrics of, or delete it. */
export type RemotePost = {
  /** Platform id (AT URI, status id, tweet id, video id, media id). */
  remoteId: string
  /** Extra id the platform needs to reference it (e.g. Bluesky CID). */
  remoteRef?: string
  url?: string
  /**
   * Set when the platform holds the post and publishes it itself at this time (native
   * scheduling); the post is not public yet and `remoteId` names the scheduled post.
   */
  scheduledAt?: string
}

/**
 * A connector whose platform schedules posts itself. Delivery sends the post at once with the
 * time, then a follow-up job asks `resolve` for the live post after that time. Only
 * single-part posts are scheduled natively (a thread's later parts cannot reply to a post
 * that does not exist yet); everything else waits in Rounds' queue.
 */
export type NativeScheduling = {
  /** How far ahead the time must be for the platform to accept it (Mastodon: 5 minutes). */
  minLeadMs: number
  /** Moves a scheduled post to a new time (at least `minLeadMs` ahead); returns it as it now stands. */
  reschedule(ctx: PostContext, remote: RemotePost, at: string): Promise<RemotePost>
  /**
   * After the time: the live post (without `scheduledAt`), the scheduled post still waiting
   * (with it), or null when the platform no longer has it (cancelled on the platform, or
   * not posted yet and gone; the caller decides how long to keep asking).
   */
  resolve(
    ctx: PostContext,
    remote: RemotePost,
    post: OutgoingPost,
    part: OutgoingPart,
  ): Promise<RemotePost | null>
  /**
   * Finds what a scheduling call cut off before its answer was recorded created: the
   * scheduled post, or the live one when the time has passed; null when nothing was created.
   */
  lookup(ctx: PostContext, post: OutgoingPost, part: OutgoingPart): Promise<RemotePost | null>
}

export type Metrics = Partial<Record<MetricName, number>>

export type PostContext = {
  credentials: ChannelCredentials
  /** Aborts a long call (uploads, status polling) when the job's lease is lost. */
  signal?: AbortSignal
  /** Progress for long uploads, 0..1. */
  onProgress?: (fraction: number) => void
}

export interface ChannelConnector {
  readonly channel: ChannelId
  readonly capabilities: ChannelCapabilities
  /**
   * Publishes one part. `replyTo` is the previous part (threads) or the original post
   * (corrections). Must be safe to call again with the same idempotency key after a crash:
   * either the platform de-duplicates, or the connector first looks the key up.
   */
  publishPart(
    ctx: PostContext,
    post: OutgoingPost,
    part: OutgoingPart,
    replyTo: { root: RemotePost; parent: RemotePost } | null,
  ): Promise<RemotePost>
  delete(ctx: PostContext, remote: RemotePost): Promise<void>
  metrics?(ctx: PostContext, remote: RemotePost): Promise<Metrics>
  /** Refreshes credentials before expiry; returns the new ones to store (encrypted) or null when not needed. */
  refresh?(credentials: ChannelCredentials): Promise<ChannelCredentials | null>
  /**
   * Checks credentials when an account is connected and names the account ("@rounds@med.social").
   * May return completed credentials (e.g. the account id, or a session) to store instead.
   */
  verify?(
    credentials: ChannelCredentials,
  ): Promise<{ name: string; accountId: string; credentials?: ChannelCredentials }>
  /**
   * For platforms that do not de-duplicate by key: finds the post an earlier attempt with this
   * idempotency key created, when that attempt was cut off before its result was recorded.
   */
  lookup?(ctx: PostContext, post: OutgoingPost, part: OutgoingPart): Promise<RemotePost | null>
  /**
   * Asks the platform how much of its publishing quota the account has used (posts made
   * outside Rounds count too); delivery waits while it is used up.
   */
  quota?(ctx: PostContext, kind: 'post' | 'reply'): Promise<QuotaUsage | null>
  /** Present when `capabilities.nativeScheduling`: how the platform's own scheduler is driven. */
  scheduling?: NativeScheduling
}

/** How an organisation connects an account on the channel. */
export type ConnectionMethod =
  /** Nothing to connect: Rounds' own pages, the organisation's own fediverse actor. */
  | 'none'
  /** Handle and app password (Bluesky). */
  | 'app-password'
  /** Server URL and an access token created in the account's settings (Mastodon). */
  | 'server-token'
  /** OAuth 2.0 authorization code with PKCE. */
  | 'oauth2'

/** Where an OAuth 2.0 platform sends the editor and exchanges the code (base URLs overridable). */
export type OAuthProvider = {
  authorizeUrl: string
  tokenUrl: string
  scopes: readonly string[]
  /** Confidential clients send the secret with HTTP Basic on the token request. */
  clientAuth: 'basic' | 'body'
  /** The name the platform gives the client id parameter (TikTok: client_key); default client_id. */
  clientIdParam?: string
  /** How scopes are joined in the authorize URL (TikTok: ','); default a space. */
  scopeSeparator?: string
  /** Extra authorize parameters (Google: access_type=offline so a refresh token is issued). */
  authorizeParams?: Readonly<Record<string, string>>
  /**
   * A grant that exchanges the code's short-lived token for a long-lived one right after
   * sign-in, sent as `grant_type=<name>&<name>=<token>` (Meta: fb_exchange_token).
   */
  exchangeGrant?: string
  /**
   * Where and how that exchange is sent when not as a POST to `tokenUrl` (Threads: GET
   * /access_token with the short-lived token as `access_token`).
   */
  exchange?: { url: string; method: 'GET' | 'POST'; tokenParam: string }
}

/** The one registration point for a channel: its connector, how to connect, and its API's default base URL. */
export type ConnectorFactory = {
  channel: ChannelId
  connection: ConnectionMethod
  /** The platform's API base; tests and self-hosted set-ups point it elsewhere. */
  defaultBaseUrl?: string
  /** OAuth endpoints, given the (possibly overridden) base URL. */
  oauth?: (baseUrl: string) => OAuthProvider
  create(env: ConnectorEnv): ChannelConnector
}

export type ConnectorEnv = {
  /** The API base URL: the configured override or `defaultBaseUrl`. */
  baseUrl: string
  fetch: typeof fetch
  now: () => Date
  /** Rounds' public address (for the own-pages channel and canonical links). */
  publicBaseUrl: string
}

/**
 * A platform's refusal, translated. `retryAfterMs` set for 429/5xx: the delivery job waits and
 * tries again; `permanent` errors stop and show `message` to the editor in plain words.
 * `scheduleRefused` marks a refusal of the time given to the platform's own scheduler (YouTube's
 * invalidPublishAt): nothing was scheduled, and Rounds' queue sends the post at its time instead.
 */
export class ChannelError extends Error {
  readonly channel: ChannelId
  readonly status: number | null
  readonly retryAfterMs: number | null
  readonly permanent: boolean
  readonly reauthorise: boolean
  readonly scheduleRefused: boolean
  constructor(
    channel: ChannelId,
    message: string,
    options: {
      status?: number | null
      retryAfterMs?: number | null
      permanent?: boolean
      reauthorise?: boolean
      scheduleRefused?: boolean
      cause?: unknown
    } = {},
  ) {
    super(message, { cause: options.cause })
    this.name = 'ChannelError'
    this.channel = channel
    this.status = options.status ?? null
    this.retryAfterMs = options.retryAfterMs ?? null
    this.permanent = options.permanent ?? false
    this.reauthorise = options.reauthorise ?? false
    this.scheduleRefused = options.scheduleRefused ?? false
  }
}

/** Reads a Retry-After header (seconds or HTTP date) into milliseconds from `now`. */
export function retryAfterMs(header: string | null | undefined, now: Date): number | null {
  if (!header) return null
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(header)
  return Number.isNaN(at) ? null : Math.max(0, at - now.getTime())
}
