import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type OutgoingMedia,
  type PostContext,
  type RemotePost,
} from '../connector.ts'
import { createHttp, pollContainer, sameText } from './http.ts'
import { graphError } from './meta.ts'

/**
 * Threads through Meta's Threads API (graph.threads.net, v1.0) with plain fetch, the same way
 * as the Instagram connector (docs/decisions/012).
 *
 * A post is a media container (POST /{threads-user-id}/threads with media_type TEXT, IMAGE or
 * VIDEO — image_url/video_url fetched by Threads from Rounds' public media route — and
 * reply_to_id for the later parts of a thread and for corrections), then POST
 * /{threads-user-id}/threads_publish with creation_id. Image and video containers are polled
 * (GET /{container}?fields=status,error_message) until FINISHED; ERROR stops, EXPIRED prepares
 * again. Several files in one part go up as a CAROUSEL of child containers. Posts are deleted
 * with DELETE /{threads-media-id}; metrics come from /{threads-media-id}/insights.
 *
 * No idempotency key: a part cut off mid-call is looked up among the account's recent
 * threads by its text. Errors are Graph's envelope (rate-limit codes wait, 190 reconnects).
 * Sign-in: threads.net/oauth/authorize, the code exchanged at graph.threads.net/oauth/access_token
 * for a one-hour token, then for the 60-day one (GET /access_token, grant th_exchange_token),
 * refreshed before expiry with GET /refresh_access_token (grant th_refresh_token).
 */
export const THREADS_API = 'https://graph.threads.net'
export const THREADS_VERSION = 'v1.0'

export type ThreadsOptions = { pollMs?: number; maxPolls?: number }

/** Long-lived tokens can be refreshed once a day old; Rounds refreshes inside the last week. */
const REFRESH_WITHIN_MS = 7 * 24 * 60 * 60_000

export function createThreadsConnector(env: ConnectorEnv, options: ThreadsOptions = {}): ChannelConnector {
  const label = channelSpecs.threads.label
  const root = (env.baseUrl || THREADS_API).replace(/\/$/, '')
  const base = `${root}/${THREADS_VERSION}`
  const http = createHttp(env, 'threads', (r) => graphError('threads', r, env.now()))
  const pollMs = options.pollMs ?? 5000
  const maxPolls = options.maxPolls ?? 120

  const call = <T>(
    ctx: { credentials: ChannelCredentials; signal?: AbortSignal },
    doing: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    params: Record<string, string> = {},
  ) => {
    const url = new URL(`${base}/${path.replace(/^\//, '')}`)
    const headers = { authorization: `Bearer ${ctx.credentials.accessToken ?? ''}` }
    if (method !== 'POST') {
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
      return http.json<T>(doing, url.toString(), { method, headers }, ctx.signal)
    }
    return http.json<T>(
      doing,
      url.toString(),
      { method, headers, body: new URLSearchParams(params) },
      ctx.signal,
    )
  }
  const accountOf = (c: ChannelCredentials) => {
    if (!c.accountId)
      throw new ChannelError('threads', `Choose the ${label} account to post as, then retry.`, {
        permanent: true,
        reauthorise: true,
      })
    return c.accountId
  }
  const urlOf = (m: OutgoingMedia) => {
    if (!m.publicUrl)
      throw new ChannelError(
        'threads',
        `${label} fetches media from a public address, and this file has none.`,
        {
          permanent: true,
        },
      )
    return m.publicUrl
  }
  const mediaParams = (m: OutgoingMedia): Record<string, string> => ({
    media_type: m.kind === 'video' ? 'VIDEO' : 'IMAGE',
    [m.kind === 'video' ? 'video_url' : 'image_url']: urlOf(m),
    ...(m.altText ? { alt_text: m.altText.slice(0, 1000) } : {}),
  })

  const ready = (ctx: PostContext, container: string) =>
    pollContainer({
      channel: 'threads',
      read: async () => {
        const s = await call<{ status?: string; error_message?: string }>(
          ctx,
          'checking the media',
          'GET',
          container,
          { fields: 'status,error_message' },
        )
        return { status: s?.status, error: s?.error_message }
      },
      signal: ctx.signal,
      pollMs,
      deadlineMs: pollMs * maxPolls,
    })
  const permalinkOf = async (ctx: PostContext, id: string) =>
    (
      await call<{ permalink?: string }>(ctx, 'reading the post', 'GET', id, { fields: 'permalink' }).catch(
        () => null,
      )
    )?.permalink
  const textOf = (text: string) => [...text].slice(0, channelSpecs.threads.maxLength).join('')

  return {
    channel: 'threads',
    capabilities: {
      spec: channelSpecs.threads,
      media: {
        imageKinds: ['image/jpeg', 'image/png'],
        videoKinds: ['video/mp4', 'video/quicktime'],
        // A carousel holds 2 to 20 images and videos.
        maxImages: 20,
        maxImageBytes: 8 * 1024 * 1024,
        // Video: up to 1 GB and 5 minutes.
        maxVideoBytes: 1024 * 1024 * 1024,
        altText: true,
      },
      threads: true,
      nativeScheduling: false,
      edit: false,
      delete: true,
      reply: true,
      metrics: ['views', 'likes', 'replies', 'reposts', 'quotes'],
      // 250 API-published posts per profile in a moving 24 hours; replies (a thread's later
      // parts, corrections) have their own 1,000.
      rateLimit: { posts: 250, windowMs: 24 * 60 * 60_000, counts: 'posts', name: 'post limit' },
      moreLimits: [{ posts: 1_000, windowMs: 24 * 60 * 60_000, counts: 'replies', name: 'reply limit' }],
    },

    // GET /{threads-user-id}/threads_publishing_limit reports the moving 24 hours' use,
    // posts made outside Rounds included: quota_usage against config, and reply_quota_usage
    // against reply_config.
    async quota(ctx, kind) {
      const user = accountOf(ctx.credentials)
      const res = await call<{
        data?: {
          quota_usage?: number
          config?: { quota_total?: number; quota_duration?: number }
          reply_quota_usage?: number
          reply_config?: { quota_total?: number; quota_duration?: number }
        }[]
      }>(ctx, 'checking the publishing limit', 'GET', `${user}/threads_publishing_limit`, {
        fields: 'quota_usage,config,reply_quota_usage,reply_config',
      })
      const row = res?.data?.[0]
      if (!row) return null
      const used = kind === 'reply' ? row.reply_quota_usage : row.quota_usage
      const config = kind === 'reply' ? row.reply_config : row.config
      if (used === undefined || !config?.quota_total) return null
      return { used, total: config.quota_total, windowMs: (config.quota_duration ?? 86_400) * 1000 }
    },

    async verify(credentials) {
      const me = await call<{ id: string; username?: string }>(
        { credentials },
        'checking the account',
        'GET',
        'me',
        {
          fields: 'id,username',
        },
      )
      return { name: me.username ? `@${me.username}` : me.id, accountId: me.id }
    },

    async refresh(credentials) {
      if (!credentials.expiresAt) return null
      if (Date.parse(credentials.expiresAt) - env.now().getTime() > REFRESH_WITHIN_MS) return null
      const url = new URL(`${root}/refresh_access_token`)
      url.searchParams.set('grant_type', 'th_refresh_token')
      url.searchParams.set('access_token', credentials.accessToken ?? '')
      const t = await http.json<{ access_token?: string; expires_in?: number }>(
        'refreshing the access token',
        url.toString(),
        { method: 'GET' },
      )
      if (!t?.access_token)
        throw new ChannelError(
          'threads',
          `${label} did not renew Rounds' access token. Connect the account again.`,
          {
            permanent: true,
            reauthorise: true,
          },
        )
      return {
        ...credentials,
        accessToken: t.access_token,
        expiresAt: t.expires_in ? new Date(env.now().getTime() + t.expires_in * 1000).toISOString() : null,
      }
    },

    async publishPart(ctx, _post, part, replyTo) {
      const user = accountOf(ctx.credentials)
      const text = textOf(part.text)
      const reply: Record<string, string> = replyTo ? { reply_to_id: replyTo.parent.remoteId } : {}
      let container: string
      if (part.media.length === 0) {
        container = (
          await call<{ id: string }>(ctx, 'preparing the post', 'POST', `${user}/threads`, {
            media_type: 'TEXT',
            text,
            ...reply,
          })
        ).id
      } else if (part.media.length === 1) {
        container = (
          await call<{ id: string }>(ctx, 'preparing the media', 'POST', `${user}/threads`, {
            ...mediaParams(part.media[0] as OutgoingMedia),
            text,
            ...reply,
          })
        ).id
        await ready(ctx, container)
      } else {
        const children: string[] = []
        for (const m of part.media.slice(0, 20)) {
          const child = await call<{ id: string }>(ctx, 'preparing the media', 'POST', `${user}/threads`, {
            ...mediaParams(m),
            is_carousel_item: 'true',
          })
          children.push(child.id)
        }
        for (const child of children) await ready(ctx, child)
        container = (
          await call<{ id: string }>(ctx, 'preparing the carousel', 'POST', `${user}/threads`, {
            media_type: 'CAROUSEL',
            children: children.join(','),
            text,
            ...reply,
          })
        ).id
        await ready(ctx, container)
      }
      const published = await call<{ id: string }>(ctx, 'publishing', 'POST', `${user}/threads_publish`, {
        creation_id: container,
      })
      ctx.onProgress?.(1)
      const permalink = await permalinkOf(ctx, published.id)
      const remote: RemotePost = { remoteId: published.id, ...(permalink ? { url: permalink } : {}) }
      return remote
    },

    async lookup(ctx, _post, part) {
      const user = accountOf(ctx.credentials)
      const list = await call<{ data?: { id: string; text?: string; permalink?: string }[] }>(
        ctx,
        'checking recent posts',
        'GET',
        `${user}/threads`,
        { fields: 'id,text,permalink', limit: '25' },
      )
      const want = textOf(part.text)
      const found = (list?.data ?? []).find((m) => sameText(m.text ?? '', want))
      return found ? { remoteId: found.id, ...(found.permalink ? { url: found.permalink } : {}) } : null
    },

    async delete(ctx, remote) {
      await call(ctx, 'deleting the post', 'DELETE', remote.remoteId)
    },

    async metrics(ctx, remote) {
      const res = await call<{
        data?: { name: string; values?: { value: number }[]; total_value?: { value: number } }[]
      }>(ctx, 'reading the insights', 'GET', `${remote.remoteId}/insights`, {
        metric: 'views,likes,replies,reposts,quotes',
      })
      const v = (name: string) => {
        const m = res?.data?.find((x) => x.name === name)
        return m?.total_value?.value ?? m?.values?.[0]?.value ?? 0
      }
      return {
        views: v('views'),
        likes: v('likes'),
        replies: v('replies'),
        reposts: v('reposts'),
        quotes: v('quotes'),
      }
    },
  }
}

export const threadsConnectorFactory: ConnectorFactory = {
  channel: 'threads',
  connection: 'oauth2',
  defaultBaseUrl: THREADS_API,
  oauth: (base) => ({
    authorizeUrl: base === THREADS_API ? 'https://threads.net/oauth/authorize' : `${base}/oauth/authorize`,
    tokenUrl: `${base}/oauth/access_token`,
    scopes: [
      'threads_basic',
      'threads_content_publish',
      'threads_manage_replies',
      'threads_manage_insights',
      'threads_delete',
    ],
    clientAuth: 'body',
    // The code gives a one-hour token; GET /access_token (th_exchange_token) gives the 60-day one.
    exchangeGrant: 'th_exchange_token',
    exchange: { url: `${base}/access_token`, method: 'GET', tokenParam: 'access_token' },
  }),
  create: (env) => createThreadsConnector(env),
}
