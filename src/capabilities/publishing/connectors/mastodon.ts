import { createRestAPIClient, MastoHttpError, MastoTimeoutError, type mastodon } from 'masto'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type PostContext,
  retryAfterMs,
} from '../connector.ts'

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

export function createMastodonConnector(env: ConnectorEnv): ChannelConnector {
  const call = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (error) {
      throw mastodonError(error, env.now(), doing)
    }
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
          masto.v2.media.create({
            file: new Blob([new Uint8Array(m.bytes)], { type: m.mimeType }),
            ...(m.altText ? { description: m.altText } : {}),
          }),
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
      if (post.scheduledAt && !replyTo) {
        const scheduled = await call('scheduling the post', () =>
          masto.v1.statuses.create({ ...params, scheduledAt: post.scheduledAt as string }, meta),
        )
        return { remoteId: `scheduled:${scheduled.id}` }
      }
      const status = await call('posting', () => masto.v1.statuses.create(params, meta))
      return { remoteId: status.id, url: statusUrl(status) }
    },

    async delete(ctx, remote) {
      const masto = client(ctx.credentials)
      if (remote.remoteId.startsWith('scheduled:')) {
        const id = remote.remoteId.slice('scheduled:'.length)
        await call('cancelling the scheduled post', () => masto.v1.scheduledStatuses.$select(id).remove())
        return
      }
      await call('deleting the post', () => masto.v1.statuses.$select(remote.remoteId).remove())
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
