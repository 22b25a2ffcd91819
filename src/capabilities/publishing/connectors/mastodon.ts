import { createRestAPIClient, MastoHttpError, MastoTimeoutError, type mastodon } from 'masto'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type OutgoingPart,
  type PostContext,
  type RemotePost,
  retryAfterMs,
} from '../connector.ts'
import { sameText, withMediaBlob } from './http.ts'

/**
 * Mastodon (any instance) through masto.js: statuses with Idempotency-Key (the server keeps
 * the key for an hour and answers a repeat with the first status, so a retried part is
 * never posted twice), media upload v2 with its asynchronous processing polled by masto
 * until ready, scheduled_at, delete, and metrics from the status counts. The account is
 * connected with its server URL and an access token from Preferences → Development.
 */
const LABEL = channelSpecs.mastodon.label

function client(credentials: ChannelCredentials, timeoutMs = 30_000): mastodon.rest.Client {
  return createRestAPIClient({
    url: credentials.serviceUrl,
    ...(credentials.accessToken ? { accessToken: credentials.accessToken } : {}),
    timeout: timeoutMs,
    mediaTimeout: 120_000,
    log: 'error',
  })
}

/** Translates masto's errors into ChannelError: plain words, Retry-After honoured, 401 → reconnect. */
export function mastodonError(error: unknown, now: Date, doing: string): ChannelError {
  if (error instanceof ChannelError) return error
  if (error instanceof MastoHttpError) {
    const status = error.statusCode
    const headers = error.cause instanceof Response ? error.cause.headers : null
    const wait =
      retryAfterMs(headers?.get('retry-after'), now) ?? retryAfterMs(headers?.get('x-ratelimit-reset'), now)
    const said = error.message ? ` (${error.message})` : ''
    if (status === 401 || status === 403)
      return new ChannelError('mastodon', `${LABEL} refused the access token while ${doing}${said}`, {
        status,
        permanent: true,
        reauthorise: true,
        cause: error,
      })
    if (status === 429)
      return new ChannelError('mastodon', `${LABEL} is limiting how fast Rounds may post.`, {
        status,
        retryAfterMs: wait ?? 60_000,
        cause: error,
      })
    if (status >= 500)
      return new ChannelError('mastodon', `${LABEL} had a server error while ${doing}.`, {
        status,
        retryAfterMs: wait,
        cause: error,
      })
    return new ChannelError('mastodon', `${LABEL} refused ${doing}${said}.`, {
      status,
      permanent: true,
      cause: error,
    })
  }
  if (error instanceof MastoTimeoutError)
    return new ChannelError('mastodon', `${LABEL} took too long while ${doing}.`, { cause: error })
  return new ChannelError('mastodon', `${LABEL} could not be reached while ${doing}.`, { cause: error })
}

const statusUrl = (s: { url?: string | null; uri: string }) => s.url ?? s.uri

/**
 * Mastodon accepts `scheduled_at` only at least five minutes ahead (ScheduledStatusValidator:
 * "must be at least 5 minutes into the future"; earlier times are refused, past ones posted at once).
 */
export const MASTODON_MIN_SCHEDULE_LEAD_MS = 5 * 60_000
const SCHEDULED = 'scheduled:'

/** A status's text as plain text: Mastodon answers HTML (`<p>`, `<br>`, links). */
export function statusPlainText(html: string): string {
  return html
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/p>\s*<p>/gi, '\n\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
}

export function createMastodonConnector(env: ConnectorEnv): ChannelConnector {
  const call = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (error) {
      throw mastodonError(error, env.now(), doing)
    }
  }
  /** The account's own status with this text, posted at or after `after` (its scheduled time). */
  async function findPosted(
    ctx: PostContext,
    part: OutgoingPart,
    after: string | null,
  ): Promise<RemotePost | null> {
    const masto = client(ctx.credentials)
    const accountId =
      ctx.credentials.accountId ??
      (await call('checking the account', () => masto.v1.accounts.verifyCredentials())).id
    const recent = await call(
      'checking recent posts',
      async () =>
        await masto.v1.accounts.$select(accountId).statuses.list({ limit: 40, excludeReplies: true }),
    )
    // Mastodon posts a scheduled status within minutes of its time; earlier ones are not it.
    const from = after ? Date.parse(after) - MASTODON_MIN_SCHEDULE_LEAD_MS : 0
    const found = recent.find(
      (s) => Date.parse(s.createdAt) >= from && sameText(statusPlainText(s.content), part.text),
    )
    return found ? { remoteId: found.id, url: statusUrl(found) } : null
  }

  return {
    channel: 'mastodon',
    capabilities: {
      spec: channelSpecs.mastodon,
      media: {
        imageKinds: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
        videoKinds: ['video/mp4', 'video/webm', 'video/quicktime'],
        maxImages: 4,
        maxImageBytes: 16 * 1024 * 1024,
        maxVideoBytes: 99 * 1024 * 1024,
        altText: true,
      },
      threads: true,
      nativeScheduling: true,
      edit: true,
      delete: true,
      reply: true,
      metrics: ['likes', 'reposts', 'replies'],
      // Mastodon's default: 300 statuses (and media uploads) per account per 3 hours.
      rateLimit: { posts: 300, windowMs: 3 * 60 * 60_000 },
    },

    async verify(credentials) {
      const account = await call('checking the account', () =>
        client(credentials).v1.accounts.verifyCredentials(),
      )
      const host = new URL(credentials.serviceUrl).host
      return { name: `@${account.username}@${host}`, accountId: account.id }
    },

    async publishPart(ctx: PostContext, post, part, replyTo) {
      const masto = client(ctx.credentials)
      const mediaIds: string[] = []
      for (const [i, m] of part.media.entries()) {
        const uploaded = await call('uploading media', () =>
          withMediaBlob(m.body, m.mimeType, (file) =>
            masto.v2.media.create({ file, ...(m.altText ? { description: m.altText } : {}) }),
          ),
        )
        mediaIds.push(uploaded.id)
        ctx.onProgress?.((i + 1) / (part.media.length + 1))
      }
      const meta = { requestInit: { headers: { 'Idempotency-Key': post.idempotencyKey } } }
      const params = {
        status: part.text,
        visibility: 'public' as const,
        ...(mediaIds.length ? { mediaIds } : {}),
        ...(replyTo ? { inReplyToId: replyTo.parent.remoteId } : {}),
        ...(post.language ? { language: post.language } : {}),
      }
      // Replies are never scheduled: Mastodon cannot reply to a status that is not posted yet.
      if (post.scheduledAt && !replyTo) {
        const scheduled = await call('scheduling the post', () =>
          masto.v1.statuses.create({ ...params, scheduledAt: post.scheduledAt as string }, meta),
        )
        return { remoteId: `${SCHEDULED}${scheduled.id}`, scheduledAt: scheduled.scheduledAt }
      }
      const status = await call('posting', () => masto.v1.statuses.create(params, meta))
      return { remoteId: status.id, url: statusUrl(status) }
    },

    async delete(ctx, remote) {
      const masto = client(ctx.credentials)
      if (remote.remoteId.startsWith(SCHEDULED)) {
        const id = remote.remoteId.slice(SCHEDULED.length)
        await call('cancelling the scheduled post', () => masto.v1.scheduledStatuses.$select(id).remove())
        return
      }
      await call('deleting the post', () => masto.v1.statuses.$select(remote.remoteId).remove())
    },

    scheduling: {
      minLeadMs: MASTODON_MIN_SCHEDULE_LEAD_MS,

      async reschedule(ctx, remote, at) {
        const id = remote.remoteId.slice(SCHEDULED.length)
        const updated = await call('moving the scheduled post', () =>
          client(ctx.credentials).v1.scheduledStatuses.$select(id).update({ scheduledAt: at }),
        )
        return { remoteId: remote.remoteId, scheduledAt: updated.scheduledAt }
      },

      // GET /api/v1/scheduled_statuses/:id answers until the server posts it; then the
      // scheduled status is gone (404) and a status with its text appears on the account.
      async resolve(ctx, remote, _post, part) {
        const masto = client(ctx.credentials)
        const id = remote.remoteId.slice(SCHEDULED.length)
        try {
          const waiting = await masto.v1.scheduledStatuses.$select(id).fetch()
          return { remoteId: remote.remoteId, scheduledAt: waiting.scheduledAt }
        } catch (error) {
          if (!(error instanceof MastoHttpError && error.statusCode === 404))
            throw mastodonError(error, env.now(), 'checking the scheduled post')
        }
        return findPosted(ctx, part, remote.scheduledAt ?? null)
      },

      async lookup(ctx, post, part) {
        const masto = client(ctx.credentials)
        const waiting = await call(
          'checking the scheduled posts',
          async () => await masto.v1.scheduledStatuses.list({ limit: 40 }),
        )
        const found = waiting.find(
          (s) =>
            sameText(s.params.text, part.text) &&
            (!post.scheduledAt || Date.parse(s.scheduledAt) === Date.parse(post.scheduledAt)),
        )
        if (found) return { remoteId: `${SCHEDULED}${found.id}`, scheduledAt: found.scheduledAt }
        return findPosted(ctx, part, post.scheduledAt ?? null)
      },
    },

    async metrics(ctx, remote) {
      const s = await call('reading the post', () =>
        client(ctx.credentials).v1.statuses.$select(remote.remoteId).fetch(),
      )
      return { likes: s.favouritesCount, reposts: s.reblogsCount, replies: s.repliesCount }
    },
  }
}

export const mastodonConnectorFactory: ConnectorFactory = {
  channel: 'mastodon',
  connection: 'server-token',
  create: createMastodonConnector,
}
