import { Agent as HttpAgent } from 'node:http'
import { ApiResponseError, TwitterApi, type TwitterApiv2 } from 'twitter-api-v2'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type OutgoingMedia,
  type OutgoingPart,
  type PostContext,
  retryAfterMs,
} from '../connector.ts'
import { pause, readRange } from './http.ts'

/**
 * X through twitter-api-v2 with an OAuth 2.0 user token: POST /2/tweets (threads through
 * reply.in_reply_to_tweet_id), chunked media upload (initialize, append, finalize, then
 * status polling while it processes) with alt text, delete, and public metrics. X has no
 * idempotency keys, so a part cut off mid-call is first looked up in the account's recent
 * posts before it is sent again.
 */
export const X_API = 'https://api.x.com'
const LABEL = channelSpecs.x.label
/**
 * APPEND segments must be at most 5 MB (and number at most 1,000); 1 MiB, the library's own
 * default, stays clear of the edge's undocumented request limit with the multipart overhead.
 */
export const X_SEGMENT = 1024 * 1024

function v2(env: ConnectorEnv, credentials: ChannelCredentials): TwitterApiv2 {
  const base = (env.baseUrl || X_API).replace(/\/$/, '')
  const client = new TwitterApi(credentials.accessToken ?? '', {
    // The library sends over https; a plain-http base (a local fake) needs an http agent.
    ...(base.startsWith('http:') ? { httpAgent: new HttpAgent() } : {}),
  }).v2
  // A fresh client per call, so moving its prefix affects nothing else (the library's own
  // cloneWithPrefix cannot construct its class).
  if (base !== X_API) (client as unknown as { setPrefix(prefix: string): void }).setPrefix(`${base}/2/`)
  return client
}

/** X's refusals in plain words: 429 waits for x-rate-limit-reset (or Retry-After), 401 asks to reconnect. */
export function xError(error: unknown, now: Date, doing: string): ChannelError {
  if (error instanceof ChannelError) return error
  if (error instanceof ApiResponseError) {
    const status = error.code
    const headers = error.headers ?? {}
    const header = (name: string) => {
      const v = headers[name]
      return Array.isArray(v) ? v[0] : v
    }
    const reset = error.rateLimit?.reset ?? Number(header('x-rate-limit-reset'))
    const wait =
      retryAfterMs(header('retry-after'), now) ??
      (Number.isFinite(reset) && reset > 0 ? Math.max(0, reset * 1000 - now.getTime()) : null)
    const detail = (error.data as { detail?: string; title?: string } | undefined)?.detail
    const said = detail ? ` (${detail})` : ''
    if (status === 401)
      return new ChannelError('x', `${LABEL} refused the access token while ${doing}${said}`, {
        status,
        permanent: true,
        reauthorise: true,
        cause: error,
      })
    if (status === 429)
      return new ChannelError('x', `${LABEL} is limiting how fast Rounds may post.`, {
        status,
        retryAfterMs: wait ?? 15 * 60_000,
        cause: error,
      })
    if (status >= 500)
      return new ChannelError('x', `${LABEL} had a server error while ${doing}.`, {
        status,
        retryAfterMs: wait,
        cause: error,
      })
    return new ChannelError('x', `${LABEL} refused ${doing}${said}.`, {
      status,
      permanent: true,
      cause: error,
    })
  }
  const message = error instanceof Error ? error.message : ''
  if (/media processing failed/i.test(message))
    return new ChannelError('x', `${LABEL} could not process the media file.`, {
      permanent: true,
      cause: error,
    })
  return new ChannelError('x', `${LABEL} could not be reached while ${doing}.`, { cause: error })
}

const URL_RE = /https?:\/\/\S+/g
/** X rewrites links to t.co; compare texts with every link blanked. */
const comparable = (text: string) => text.replace(URL_RE, '<url>').trim()

type ProcessingInfo = {
  state?: 'pending' | 'in_progress' | 'succeeded' | 'failed'
  check_after_secs?: number
  error?: { message?: string }
}

/**
 * The chunked media upload (docs.x.com/x-api/media/quickstart/media-upload-chunked): initialize
 * with the total size, APPEND each segment read from the store by byte range (so a 512 MB video
 * is never held in memory), finalize, then poll STATUS while X processes it. The library's own
 * uploadMedia takes only a whole Buffer.
 */
async function uploadMedia(client: TwitterApiv2, m: OutgoingMedia, signal?: AbortSignal): Promise<string> {
  const category =
    m.mimeType === 'image/gif' ? 'tweet_gif' : m.kind === 'video' ? 'tweet_video' : 'tweet_image'
  const init = await client.post<{ data: { id: string } }>('media/upload/initialize', {
    media_type: m.mimeType,
    total_bytes: m.body.size,
    media_category: category,
  })
  const id = init.data.id
  const segments = Math.max(1, Math.ceil(m.body.size / X_SEGMENT))
  for (let i = 0; i < segments; i++) {
    const start = i * X_SEGMENT
    const bytes = await readRange(m.body, start, Math.min(start + X_SEGMENT, m.body.size) - 1)
    await client.post(
      `media/upload/${id}/append`,
      { segment_index: i, media: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { forceBodyMode: 'form-data' },
    )
  }
  const done = await client.post<{ data: { processing_info?: ProcessingInfo } }>(
    `media/upload/${id}/finalize`,
  )
  let info = done.data.processing_info
  while (info && (info.state === 'pending' || info.state === 'in_progress')) {
    await pause(Math.max(1, info.check_after_secs ?? 1) * 1000, 'x', signal)
    const status = await client.get<{ data: { processing_info?: ProcessingInfo } }>('media/upload', {
      command: 'STATUS',
      media_id: id,
    })
    info = status.data.processing_info
  }
  if (info?.state === 'failed') throw new Error(`Media processing failed: ${info.error?.message ?? ''}`)
  return id
}

export function createXConnector(env: ConnectorEnv): ChannelConnector {
  const call = async <T>(doing: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn()
    } catch (error) {
      throw xError(error, env.now(), doing)
    }
  }
  const tweetUrl = (id: string) => `https://x.com/i/web/status/${id}`
  return {
    channel: 'x',
    capabilities: {
      spec: channelSpecs.x,
      media: {
        imageKinds: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
        videoKinds: ['video/mp4'],
        maxImages: 4,
        maxImageBytes: 5 * 1024 * 1024,
        maxVideoBytes: 512 * 1024 * 1024,
        altText: true,
      },
      threads: true,
      nativeScheduling: false,
      edit: false,
      delete: true,
      reply: true,
      metrics: ['impressions', 'likes', 'reposts', 'replies'],
      // POST /2/tweets: 100 requests per 15 minutes per user.
      rateLimit: { posts: 100, windowMs: 15 * 60_000 },
    },

    async verify(credentials) {
      const me = await call('checking the account', () => v2(env, credentials).me())
      return { name: `@${me.data.username}`, accountId: me.data.id }
    },

    async publishPart(ctx: PostContext, _post, part: OutgoingPart, replyTo) {
      const client = v2(env, ctx.credentials)
      const mediaIds: string[] = []
      for (const m of part.media) {
        const id = await call('uploading media', () => uploadMedia(client, m, ctx.signal))
        if (m.altText) {
          const alt = m.altText.slice(0, 1000)
          await call('adding alt text', () => client.createMediaMetadata(id, { alt_text: { text: alt } }))
        }
        mediaIds.push(id)
      }
      const payload = {
        text: part.text,
        ...(replyTo ? { reply: { in_reply_to_tweet_id: replyTo.parent.remoteId } } : {}),
        ...(mediaIds.length ? { media: { media_ids: mediaIds as [string] } } : {}),
      }
      const res = await call('posting', () => client.tweet(payload))
      return { remoteId: res.data.id, url: tweetUrl(res.data.id) }
    },

    async lookup(ctx, _post, part) {
      const accountId = ctx.credentials.accountId
      if (!accountId) return null
      const timeline = await call('checking recent posts', () =>
        v2(env, ctx.credentials).get<{ data?: { id: string; text: string }[] }>(`users/${accountId}/tweets`, {
          max_results: 20,
        }),
      )
      const want = comparable(part.text)
      const found = (timeline.data ?? []).find((t) => comparable(t.text) === want)
      return found ? { remoteId: found.id, url: tweetUrl(found.id) } : null
    },

    async delete(ctx, remote) {
      await call('deleting the post', () => v2(env, ctx.credentials).deleteTweet(remote.remoteId))
    },

    async metrics(ctx, remote) {
      const t = await call('reading the post', () =>
        v2(env, ctx.credentials).singleTweet(remote.remoteId, { 'tweet.fields': ['public_metrics'] }),
      )
      const m = t.data.public_metrics
      return {
        ...(m?.impression_count !== undefined ? { impressions: m.impression_count } : {}),
        likes: m?.like_count ?? 0,
        reposts: (m?.retweet_count ?? 0) + (m?.quote_count ?? 0),
        replies: m?.reply_count ?? 0,
      }
    },
  }
}

export const xConnectorFactory: ConnectorFactory = {
  channel: 'x',
  connection: 'oauth2',
  defaultBaseUrl: X_API,
  oauth: (base) => ({
    authorizeUrl: base === X_API ? 'https://x.com/i/oauth2/authorize' : `${base}/i/oauth2/authorize`,
    tokenUrl: `${base}/2/oauth2/token`,
    scopes: ['tweet.read', 'tweet.write', 'users.read', 'media.write', 'offline.access'],
    clientAuth: 'basic',
  }),
  create: createXConnector,
}
