import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import {
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type OutgoingMedia,
  type PostContext,
  retryAfterMs,
} from '../connector.ts'
import { createHttp, type HttpRefusal, pollContainer, sameText } from './http.ts'

/**
 * Instagram and Facebook pages through Meta's Graph API with plain fetch (docs/decisions/012).
 *
 * Instagram: media containers (POST /{ig-user-id}/media with image_url, or media_type REELS
 * with video_url; a carousel is its children containers then a CAROUSEL container), each
 * polled (GET /{container}?fields=status_code) until FINISHED — ERROR and EXPIRED stop —
 * then POST /{ig-user-id}/media_publish. Instagram fetches the file from a public URL: the
 * item's media route on Rounds' public pages. The API cannot delete Instagram posts for most
 * accounts, so withdrawal lists the permalink to remove by hand. Corrections are comments.
 *
 * Facebook: page posts (POST /{page-id}/feed; photos uploaded unpublished first and
 * attached; a video through /{page-id}/videos with file_url), delete, comments for corrections.
 *
 * Neither offers an idempotency key: a part cut off mid-call is looked up among the
 * account's recent posts by its text. Graph errors: codes 4/17/32/613 wait (rate limits),
 * 190 asks to reconnect.
 */
export const GRAPH_API = 'https://graph.facebook.com'
export const GRAPH_VERSION = 'v24.0'

type GraphError = {
  error?: {
    message?: string
    type?: string
    code?: number
    error_subcode?: number
    is_transient?: boolean
    error_user_msg?: string
  }
}
const RATE_CODES = new Set([4, 17, 32, 613, 80001, 80002])

/** How long Meta says to wait, from X-Business-Use-Case-Usage / X-App-Usage (minutes), if it says. */
function metaWait(headers: Headers): number | null {
  const buc = headers.get('x-business-use-case-usage')
  if (!buc) return null
  try {
    const usage = JSON.parse(buc) as Record<string, { estimated_time_to_regain_access?: number }[]>
    const minutes = Math.max(
      0,
      ...Object.values(usage).flatMap((v) => v.map((x) => x.estimated_time_to_regain_access ?? 0)),
    )
    return minutes > 0 ? minutes * 60_000 : null
  } catch {
    return null
  }
}

/** A Graph API refusal in plain words. */
export function graphError(
  channel: ChannelId,
  { status, headers, body, doing }: HttpRefusal,
  now: Date,
): ChannelError {
  const label = channelSpecs[channel].label
  const e = (body as GraphError | null)?.error
  const code = e?.code ?? 0
  const wait = retryAfterMs(headers.get('retry-after'), now) ?? metaWait(headers)
  if (code === 190 || status === 401)
    return new ChannelError(
      channel,
      `${label} no longer accepts Rounds' access token (it expired or was revoked) while ${doing}. Connect the account again.`,
      {
        status,
        permanent: true,
        reauthorise: true,
      },
    )
  if (RATE_CODES.has(code) || status === 429)
    return new ChannelError(channel, `${label} is limiting how fast Rounds may post.`, {
      status,
      retryAfterMs: wait ?? 15 * 60_000,
    })
  if (code === 10 || (code >= 200 && code < 300))
    return new ChannelError(
      channel,
      `${label} has not given Rounds permission for ${doing}. Connect the account again and allow publishing.`,
      {
        status,
        permanent: true,
        reauthorise: true,
      },
    )
  if (status >= 500 || e?.is_transient || code === 1 || code === 2)
    return new ChannelError(channel, `${label} had a temporary error while ${doing}.`, {
      status,
      retryAfterMs: wait,
    })
  const said = e?.error_user_msg ?? e?.message
  // Graph answers a missing object with 400 / code 100 (subcode 33): reported as 404, gone.
  if (code === 100 && (e?.error_subcode === 33 || /does not exist/i.test(e?.message ?? '')))
    return new ChannelError(channel, `${label} no longer has this post (${doing}).`, {
      status: 404,
      permanent: true,
    })
  return new ChannelError(channel, `${label} refused ${doing}${said ? ` (${said})` : ''}.`, {
    status,
    permanent: true,
  })
}

export type MetaOptions = { pollMs?: number; maxPolls?: number }

function graph(env: ConnectorEnv, channel: ChannelId) {
  const base = `${(env.baseUrl || GRAPH_API).replace(/\/$/, '')}/${GRAPH_VERSION}`
  const http = createHttp(env, channel, (r) => graphError(channel, r, env.now()))
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
  return { http, call }
}

const needUrl = (channel: ChannelId, m: OutgoingMedia) => {
  if (!m.publicUrl)
    throw new ChannelError(
      channel,
      `${channelSpecs[channel].label} fetches media from a public address, and this file has none.`,
      { permanent: true },
    )
  return m.publicUrl
}
const accountOf = (channel: ChannelId, c: ChannelCredentials) => {
  if (!c.accountId)
    throw new ChannelError(
      channel,
      `Choose the ${channelSpecs[channel].label} account to post as, then retry.`,
      { permanent: true, reauthorise: true },
    )
  return c.accountId
}

export function createInstagramConnector(env: ConnectorEnv, options: MetaOptions = {}): ChannelConnector {
  const { call } = graph(env, 'instagram')
  const label = channelSpecs.instagram.label
  const pollMs = options.pollMs ?? 5000
  const maxPolls = options.maxPolls ?? 120

  const ready = (ctx: PostContext, container: string) =>
    pollContainer({
      channel: 'instagram',
      read: async () => {
        const s = await call<{ status_code?: string; status?: string }>(
          ctx,
          'checking the media',
          'GET',
          container,
          { fields: 'status_code,status' },
        )
        return { status: s?.status_code, error: s?.status }
      },
      signal: ctx.signal,
      pollMs,
      deadlineMs: pollMs * maxPolls,
    })
  const itemParams = (m: OutgoingMedia, inCarousel: boolean): Record<string, string> =>
    m.kind === 'video'
      ? { media_type: inCarousel ? 'VIDEO' : 'REELS', video_url: needUrl('instagram', m) }
      : { image_url: needUrl('instagram', m), ...(m.altText ? { alt_text: m.altText.slice(0, 1000) } : {}) }
  const permalinkOf = async (ctx: PostContext, id: string) =>
    (
      await call<{ permalink?: string }>(ctx, 'reading the post', 'GET', id, { fields: 'permalink' }).catch(
        () => null,
      )
    )?.permalink

  return {
    channel: 'instagram',
    capabilities: {
      spec: channelSpecs.instagram,
      media: {
        // Content publishing accepts JPEG images only.
        imageKinds: ['image/jpeg'],
        videoKinds: ['video/mp4', 'video/quicktime'],
        maxImages: 10,
        maxImageBytes: 8 * 1024 * 1024,
        // Reels: up to 300 MB and 15 minutes.
        maxVideoBytes: 300 * 1024 * 1024,
        altText: true,
      },
      threads: false,
      nativeScheduling: false,
      edit: false,
      delete: false,
      reply: true,
      metrics: ['views', 'reach', 'likes', 'replies', 'saves', 'reposts'],
      // 100 API-published posts per account in a moving 24 hours.
      rateLimit: { posts: 100, windowMs: 24 * 60 * 60_000 },
    },

    async verify(credentials) {
      if (credentials.accountId) {
        const me = await call<{ id: string; username: string }>(
          { credentials },
          'checking the account',
          'GET',
          credentials.accountId,
          { fields: 'id,username' },
        )
        return { name: `@${me.username}`, accountId: me.id }
      }
      const pages = await call<{
        data?: { instagram_business_account?: { id: string; username?: string } }[]
      }>({ credentials }, 'finding the account', 'GET', 'me/accounts', {
        fields: 'id,name,instagram_business_account{id,username}',
      })
      const ig = pages?.data?.find((p) => p.instagram_business_account)?.instagram_business_account
      if (!ig)
        throw new ChannelError(
          'instagram',
          `No ${label} professional account is linked to the Facebook pages this login manages.`,
          { permanent: true },
        )
      return { name: ig.username ? `@${ig.username}` : ig.id, accountId: ig.id }
    },

    async publishPart(ctx, _post, part, replyTo) {
      const ig = accountOf('instagram', ctx.credentials)
      if (replyTo) {
        const c = await call<{ id: string }>(ctx, 'commenting', 'POST', `${replyTo.root.remoteId}/comments`, {
          message: part.text,
        })
        return {
          remoteId: c.id,
          remoteRef: 'comment',
          ...(replyTo.root.url ? { url: replyTo.root.url } : {}),
        }
      }
      if (!part.media.length)
        throw new ChannelError('instagram', `${label} posts need an image or a video; this item has none.`, {
          permanent: true,
        })
      const caption = [...part.text].slice(0, 2200).join('')
      let container: string
      if (part.media.length === 1) {
        const m = part.media[0] as OutgoingMedia
        container = (
          await call<{ id: string }>(ctx, 'preparing the media', 'POST', `${ig}/media`, {
            ...itemParams(m, false),
            caption,
          })
        ).id
      } else {
        const children: string[] = []
        for (const m of part.media.slice(0, 10)) {
          const child = await call<{ id: string }>(ctx, 'preparing the media', 'POST', `${ig}/media`, {
            ...itemParams(m, true),
            is_carousel_item: 'true',
          })
          children.push(child.id)
        }
        for (const child of children) await ready(ctx, child)
        container = (
          await call<{ id: string }>(ctx, 'preparing the carousel', 'POST', `${ig}/media`, {
            media_type: 'CAROUSEL',
            children: children.join(','),
            caption,
          })
        ).id
      }
      await ready(ctx, container)
      const published = await call<{ id: string }>(ctx, 'publishing', 'POST', `${ig}/media_publish`, {
        creation_id: container,
      })
      ctx.onProgress?.(1)
      const permalink = await permalinkOf(ctx, published.id)
      return { remoteId: published.id, ...(permalink ? { url: permalink } : {}) }
    },

    async lookup(ctx, _post, part) {
      const ig = accountOf('instagram', ctx.credentials)
      const list = await call<{ data?: { id: string; caption?: string; permalink?: string }[] }>(
        ctx,
        'checking recent posts',
        'GET',
        `${ig}/media`,
        {
          fields: 'id,caption,permalink',
          limit: '20',
        },
      )
      const want = [...part.text].slice(0, 2200).join('')
      const found = (list?.data ?? []).find((m) => sameText(m.caption ?? '', want))
      return found ? { remoteId: found.id, ...(found.permalink ? { url: found.permalink } : {}) } : null
    },

    async delete(ctx, remote) {
      if (remote.remoteRef === 'comment') {
        await call(ctx, 'deleting the comment', 'DELETE', remote.remoteId)
        return
      }
      throw new ChannelError(
        'instagram',
        `${label} does not let apps delete posts. Remove it by hand${remote.url ? `: ${remote.url}` : ' in the Instagram app'}.`,
        {
          permanent: true,
        },
      )
    },

    async metrics(ctx, remote) {
      const res = await call<{
        data?: { name: string; values?: { value: number }[]; total_value?: { value: number } }[]
      }>(ctx, 'reading the insights', 'GET', `${remote.remoteId}/insights`, {
        metric: 'views,reach,likes,comments,saved,shares',
      })
      const v = (name: string) => {
        const m = res?.data?.find((x) => x.name === name)
        return m?.total_value?.value ?? m?.values?.[0]?.value ?? 0
      }
      return {
        views: v('views'),
        reach: v('reach'),
        likes: v('likes'),
        replies: v('comments'),
        saves: v('saved'),
        reposts: v('shares'),
      }
    },
  }
}

export function createFacebookConnector(env: ConnectorEnv): ChannelConnector {
  const { call } = graph(env, 'facebook')
  const label = channelSpecs.facebook.label
  const permalinkOf = async (ctx: PostContext, id: string) =>
    (
      await call<{ permalink_url?: string }>(ctx, 'reading the post', 'GET', id, {
        fields: 'permalink_url',
      }).catch(() => null)
    )?.permalink_url

  return {
    channel: 'facebook',
    capabilities: {
      spec: channelSpecs.facebook,
      media: {
        imageKinds: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
        videoKinds: ['video/mp4', 'video/quicktime'],
        maxImages: 10,
        maxImageBytes: 4 * 1024 * 1024,
        maxVideoBytes: 1024 * 1024 * 1024,
        altText: false,
      },
      threads: false,
      nativeScheduling: false,
      edit: false,
      delete: true,
      reply: true,
      metrics: ['likes', 'replies', 'reposts'],
      // Pages: Graph allows 4,800 calls per engaged user a day; posting is far below that. Keep to Instagram's pace.
      rateLimit: { posts: 100, windowMs: 24 * 60 * 60_000 },
    },

    async verify(credentials) {
      const pages = await call<{ data?: { id: string; name: string; access_token?: string }[] }>(
        { credentials },
        'finding the page',
        'GET',
        'me/accounts',
        {
          fields: 'id,name,access_token',
        },
      )
      const page = credentials.accountId
        ? pages?.data?.find((p) => p.id === credentials.accountId)
        : pages?.data?.[0]
      if (!page)
        throw new ChannelError('facebook', `This ${label} login manages no page Rounds can post to.`, {
          permanent: true,
        })
      return {
        name: page.name,
        accountId: page.id,
        // Page posts are made with the page's own access token.
        ...(page.access_token
          ? { credentials: { ...credentials, accessToken: page.access_token, accountId: page.id } }
          : {}),
      }
    },

    async publishPart(ctx, _post, part, replyTo) {
      const page = accountOf('facebook', ctx.credentials)
      if (replyTo) {
        const c = await call<{ id: string }>(ctx, 'commenting', 'POST', `${replyTo.root.remoteId}/comments`, {
          message: part.text,
        })
        return {
          remoteId: c.id,
          remoteRef: 'comment',
          ...(replyTo.root.url ? { url: replyTo.root.url } : {}),
        }
      }
      const video = part.media.find((m) => m.kind === 'video')
      if (video) {
        const v = await call<{ id: string }>(ctx, 'posting the video', 'POST', `${page}/videos`, {
          file_url: needUrl('facebook', video),
          description: part.text,
        })
        return { remoteId: v.id, url: `https://www.facebook.com/${page}/videos/${v.id}` }
      }
      const photos: string[] = []
      for (const m of part.media) {
        const p = await call<{ id: string }>(ctx, 'uploading the photo', 'POST', `${page}/photos`, {
          url: needUrl('facebook', m),
          published: 'false',
        })
        photos.push(p.id)
      }
      const params: Record<string, string> = { message: part.text }
      photos.forEach((id, i) => {
        params[`attached_media[${i}]`] = JSON.stringify({ media_fbid: id })
      })
      const created = await call<{ id: string }>(ctx, 'posting', 'POST', `${page}/feed`, params)
      ctx.onProgress?.(1)
      const url = await permalinkOf(ctx, created.id)
      return { remoteId: created.id, ...(url ? { url } : {}) }
    },

    async lookup(ctx, _post, part) {
      const page = accountOf('facebook', ctx.credentials)
      const list = await call<{ data?: { id: string; message?: string; permalink_url?: string }[] }>(
        ctx,
        'checking recent posts',
        'GET',
        `${page}/feed`,
        {
          fields: 'id,message,permalink_url',
          limit: '20',
        },
      )
      const found = (list?.data ?? []).find((p) => sameText(p.message ?? '', part.text))
      return found
        ? { remoteId: found.id, ...(found.permalink_url ? { url: found.permalink_url } : {}) }
        : null
    },

    async delete(ctx, remote) {
      await call(
        ctx,
        remote.remoteRef === 'comment' ? 'deleting the comment' : 'deleting the post',
        'DELETE',
        remote.remoteId,
      )
    },

    async metrics(ctx, remote) {
      const p = await call<{
        shares?: { count?: number }
        reactions?: { summary?: { total_count?: number } }
        comments?: { summary?: { total_count?: number } }
      }>(ctx, 'reading the post', 'GET', remote.remoteId, {
        fields: 'shares,reactions.summary(total_count).limit(0),comments.summary(total_count).limit(0)',
      })
      return {
        likes: p?.reactions?.summary?.total_count ?? 0,
        replies: p?.comments?.summary?.total_count ?? 0,
        reposts: p?.shares?.count ?? 0,
      }
    },
  }
}

const metaOAuth = (scopes: string[]) => (base: string) => ({
  authorizeUrl:
    base === GRAPH_API
      ? `https://www.facebook.com/${GRAPH_VERSION}/dialog/oauth`
      : `${base}/${GRAPH_VERSION}/dialog/oauth`,
  tokenUrl: `${base}/${GRAPH_VERSION}/oauth/access_token`,
  scopes,
  clientAuth: 'body' as const,
  // A Page token made from a long-lived user token does not expire; from a short-lived one it lasts an hour.
  exchangeGrant: 'fb_exchange_token',
})

export const instagramConnectorFactory: ConnectorFactory = {
  channel: 'instagram',
  connection: 'oauth2',
  defaultBaseUrl: GRAPH_API,
  oauth: metaOAuth([
    'instagram_basic',
    'instagram_content_publish',
    'instagram_manage_comments',
    'instagram_manage_insights',
    'pages_show_list',
    'pages_read_engagement',
  ]),
  create: (env) => createInstagramConnector(env),
}

export const facebookConnectorFactory: ConnectorFactory = {
  channel: 'facebook',
  connection: 'oauth2',
  defaultBaseUrl: GRAPH_API,
  oauth: metaOAuth([
    'pages_show_list',
    'pages_manage_posts',
    'pages_read_engagement',
    'pages_read_user_content',
  ]),
  create: (env) => createFacebookConnector(env),
}
