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
import { createHttp, type HttpRefusal, pause, rangeBody, sameText } from './http.ts'

/**
 * TikTok through the Content Posting API (direct post) with plain fetch (docs/decisions/012):
 * the creator's allowed privacy levels (creator_info), /v2/post/publish/video/init/ with
 * FILE_UPLOAD and TikTok's chunk rules, the chunks PUT to the upload URL with Content-Range,
 * then /v2/post/publish/status/fetch/ polled until PUBLISH_COMPLETE (FAILED stops with its
 * fail_reason). TikTok offers no delete and no idempotency key: withdrawal lists the post to
 * remove by hand, and a part cut off mid-call is looked up in the creator's recent videos.
 */
export const TIKTOK_API = 'https://open.tiktokapis.com'
const LABEL = channelSpecs.tiktok.label
const MB = 1024 * 1024
/** TikTok: chunks of 5–64 MB, the last may hold up to 128 MB; files under 5 MB go whole. */
export const TIKTOK_CHUNK = 10 * MB

type TikTokBody<T> = { data?: T; error?: { code?: string; message?: string; log_id?: string } }

const FAIL_REASONS: Record<string, string> = {
  file_format_check_failed: 'the video format is not supported',
  duration_check_failed: 'the video is too long or too short for this account',
  frame_rate_check_failed: 'the frame rate is not supported',
  picture_size_check_failed: 'the picture size is not supported',
  internal: 'TikTok had an internal error',
  video_pull_failed: 'TikTok could not fetch the video',
  photo_pull_failed: 'TikTok could not fetch the photo',
  publish_cancelled: 'the post was cancelled',
  auth_removed: "the creator removed Rounds' access",
  spam_risk_too_many_posts: 'the account has posted too much today',
  spam_risk_user_banned_from_posting: 'the account is barred from posting',
  spam_risk_text: 'TikTok judged the text as spam',
  spam_risk: 'TikTok judged the post as spam',
}

/** TikTok's refusals in plain words. */
export function tiktokError({ status, headers, body, doing }: HttpRefusal, now: Date): ChannelError {
  const e = (body as TikTokBody<unknown> | null)?.error
  const code = e?.code ?? ''
  const wait = retryAfterMs(headers.get('retry-after'), now)
  if (status === 401 || code === 'access_token_invalid' || code === 'scope_not_authorized')
    return new ChannelError(
      'tiktok',
      `${LABEL} refused Rounds' access while ${doing}. Connect the account again.`,
      {
        status,
        permanent: true,
        reauthorise: true,
      },
    )
  if (status === 429 || code === 'rate_limit_exceeded')
    return new ChannelError('tiktok', `${LABEL} is limiting how fast Rounds may post.`, {
      status,
      retryAfterMs: wait ?? 60_000,
    })
  if (code.startsWith('spam_risk') || code === 'reached_active_user_cap')
    return new ChannelError(
      'tiktok',
      `${LABEL} refused ${doing}: ${FAIL_REASONS[code] ?? 'the account cannot post more now'}.`,
      {
        status,
        retryAfterMs: 24 * 60 * 60_000,
      },
    )
  if (status >= 500)
    return new ChannelError('tiktok', `${LABEL} had a server error while ${doing}.`, {
      status,
      retryAfterMs: wait,
    })
  const said = e?.message ? ` (${e.message})` : ''
  return new ChannelError('tiktok', `${LABEL} refused ${doing}${said}.`, { status, permanent: true })
}

/** TikTok's chunking: whole under 5 MB; otherwise chunks of `chunk`, the remainder joined to the last. */
export function tiktokChunks(size: number, chunk = TIKTOK_CHUNK): { chunkSize: number; count: number } {
  if (size < 5 * MB) return { chunkSize: size, count: 1 }
  const chunkSize = Math.min(64 * MB, Math.max(5 * MB, chunk))
  return { chunkSize, count: Math.max(1, Math.floor(size / chunkSize)) }
}

export type TikTokOptions = { chunkBytes?: number; pollMs?: number; maxPolls?: number }

export function createTikTokConnector(env: ConnectorEnv, options: TikTokOptions = {}): ChannelConnector {
  const base = (env.baseUrl || TIKTOK_API).replace(/\/$/, '')
  const pollMs = options.pollMs ?? 5000
  const maxPolls = options.maxPolls ?? 360
  const http = createHttp(env, 'tiktok', (r) => tiktokError(r, env.now()))
  const headers = (c: ChannelCredentials) => ({
    authorization: `Bearer ${c.accessToken ?? ''}`,
    'content-type': 'application/json; charset=UTF-8',
  })
  const api = async <T>(
    ctx: { credentials: ChannelCredentials; signal?: AbortSignal },
    doing: string,
    path: string,
    body?: unknown,
  ) => {
    const res = await http.json<TikTokBody<T>>(
      doing,
      `${base}${path}`,
      body === undefined
        ? { headers: headers(ctx.credentials) }
        : { method: 'POST', headers: headers(ctx.credentials), body: JSON.stringify(body) },
      ctx.signal,
    )
    if (res?.error?.code && res.error.code !== 'ok')
      throw tiktokError({ status: 200, headers: new Headers(), body: res, doing }, env.now())
    return (res?.data ?? {}) as T
  }
  const videoUrl = (username: string | undefined, id: string) =>
    username ? `https://www.tiktok.com/@${username}/video/${id}` : `https://www.tiktok.com/video/${id}`
  const username = async (ctx: PostContext) =>
    (
      await api<{ user?: { username?: string } }>(
        ctx,
        'reading the account',
        '/v2/user/info/?fields=open_id,username',
      ).catch(() => null)
    )?.user?.username

  return {
    channel: 'tiktok',
    capabilities: {
      spec: channelSpecs.tiktok,
      media: {
        imageKinds: [],
        videoKinds: ['video/mp4', 'video/quicktime', 'video/webm'],
        maxImages: 0,
        maxImageBytes: 0,
        maxVideoBytes: 4 * 1024 * MB,
        altText: false,
      },
      threads: false,
      nativeScheduling: false,
      edit: false,
      delete: false,
      reply: false,
      metrics: ['views', 'likes', 'reposts', 'replies'],
      // video/init allows 6 requests a minute per token; a creator may post about 15 times a day.
      rateLimit: { posts: 15, windowMs: 24 * 60 * 60_000 },
    },

    async verify(credentials) {
      const data = await api<{ user?: { open_id: string; username?: string; display_name?: string } }>(
        { credentials },
        'checking the account',
        '/v2/user/info/?fields=open_id,username,display_name',
      )
      if (!data.user)
        throw new ChannelError('tiktok', `${LABEL} did not name the account.`, { permanent: true })
      return {
        name: data.user.username ? `@${data.user.username}` : (data.user.display_name ?? data.user.open_id),
        accountId: data.user.open_id,
      }
    },

    async publishPart(ctx, _post, part, replyTo) {
      if (replyTo) throw new ChannelError('tiktok', `${LABEL} posts cannot be replies.`, { permanent: true })
      const video = part.media.find((m) => m.kind === 'video')
      if (!video)
        throw new ChannelError('tiktok', `${LABEL} needs a video; this item has none.`, { permanent: true })
      const creator = await api<{ privacy_level_options?: string[]; max_video_post_duration_sec?: number }>(
        ctx,
        'reading what the account may post',
        '/v2/post/publish/creator_info/query/',
        {},
      )
      const levels = creator.privacy_level_options ?? []
      const privacy = levels.includes('PUBLIC_TO_EVERYONE') ? 'PUBLIC_TO_EVERYONE' : levels[0]
      if (!privacy)
        throw new ChannelError('tiktok', `${LABEL} offers this account no way to post.`, { permanent: true })
      const size = video.body.size
      const { chunkSize, count } = tiktokChunks(size, options.chunkBytes)
      const init = await api<{ publish_id: string; upload_url: string }>(
        ctx,
        'starting the upload',
        '/v2/post/publish/video/init/',
        {
          post_info: {
            title: [...part.text].slice(0, 2200).join(''),
            privacy_level: privacy,
            disable_comment: false,
            disable_duet: false,
            disable_stitch: false,
            is_aigc: false,
          },
          source_info: {
            source: 'FILE_UPLOAD',
            video_size: size,
            chunk_size: chunkSize,
            total_chunk_count: count,
          },
        },
      )
      for (let i = 0; i < count; i++) {
        const first = i * chunkSize
        const last = i === count - 1 ? size - 1 : first + chunkSize - 1
        const res = await http.raw(
          'uploading the video',
          init.upload_url,
          {
            method: 'PUT',
            headers: {
              'content-type': video.mimeType,
              'content-length': String(last - first + 1),
              'content-range': `bytes ${first}-${last}/${size}`,
            },
            // Streamed from the store by range: a chunk may be up to 128 MB, the video gigabytes.
            ...(await rangeBody(video.body, first, last)),
          },
          ctx.signal,
        )
        if (res.status !== 201 && res.status !== 206 && !res.ok)
          throw await http.fail(res, 'uploading the video')
        ctx.onProgress?.(((i + 1) / count) * 0.8)
      }
      for (let n = 0; n < maxPolls; n++) {
        const s = await api<{
          status: string
          fail_reason?: string
          publicaly_available_post_id?: (string | number)[]
        }>(ctx, 'checking the post', '/v2/post/publish/status/fetch/', { publish_id: init.publish_id })
        if (s.status === 'PUBLISH_COMPLETE') {
          const id = s.publicaly_available_post_id?.[0]
          ctx.onProgress?.(1)
          if (id === undefined) return { remoteId: init.publish_id, remoteRef: 'publish_id' }
          return {
            remoteId: String(id),
            remoteRef: init.publish_id,
            url: videoUrl(await username(ctx), String(id)),
          }
        }
        if (s.status === 'FAILED') {
          const why = FAIL_REASONS[s.fail_reason ?? ''] ?? s.fail_reason ?? 'no reason given'
          throw new ChannelError('tiktok', `${LABEL} could not publish the video: ${why}.`, {
            permanent: true,
          })
        }
        await pause(pollMs, 'tiktok', ctx.signal)
      }
      throw new ChannelError('tiktok', `${LABEL} is still processing the video; Rounds will check again.`, {
        retryAfterMs: 10 * 60_000,
      })
    },

    async lookup(ctx, _post, part) {
      const data = await api<{ videos?: { id: string; video_description?: string; title?: string }[] }>(
        ctx,
        'checking recent posts',
        '/v2/video/list/?fields=id,title,video_description',
        { max_count: 20 },
      )
      const want = [...part.text].slice(0, 2200).join('')
      const found = (data.videos ?? []).find((v) => sameText(v.video_description ?? v.title ?? '', want))
      return found ? { remoteId: found.id, url: videoUrl(await username(ctx), found.id) } : null
    },

    async delete(_ctx, remote) {
      throw new ChannelError(
        'tiktok',
        `${LABEL} does not let apps delete posts. Remove it by hand${remote.url ? `: ${remote.url}` : ' in the TikTok app'}.`,
        { permanent: true },
      )
    },

    async metrics(ctx, remote) {
      const data = await api<{
        videos?: { view_count?: number; like_count?: number; share_count?: number; comment_count?: number }[]
      }>(
        ctx,
        'reading the post',
        '/v2/video/query/?fields=id,view_count,like_count,share_count,comment_count',
        { filters: { video_ids: [remote.remoteId] } },
      )
      const v = data.videos?.[0]
      if (!v)
        throw new ChannelError('tiktok', `${LABEL} no longer has this post.`, {
          status: 404,
          permanent: true,
        })
      return {
        views: v.view_count ?? 0,
        likes: v.like_count ?? 0,
        reposts: v.share_count ?? 0,
        replies: v.comment_count ?? 0,
      }
    },
  }
}

export const tiktokConnectorFactory: ConnectorFactory = {
  channel: 'tiktok',
  connection: 'oauth2',
  defaultBaseUrl: TIKTOK_API,
  oauth: (base) => ({
    authorizeUrl:
      base === TIKTOK_API ? 'https://www.tiktok.com/v2/auth/authorize/' : `${base}/v2/auth/authorize/`,
    tokenUrl: `${base}/v2/oauth/token/`,
    scopes: ['user.info.basic', 'video.publish', 'video.upload', 'video.list'],
    clientAuth: 'body',
    // TikTok names the client id `client_key`, in the authorize URL and the token request.
    clientIdParam: 'client_key',
    scopeSeparator: ',',
  }),
  create: (env) => createTikTokConnector(env),
}
