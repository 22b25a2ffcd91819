import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type ConnectorEnv,
  type ConnectorFactory,
  type OutgoingMedia,
  type OutgoingPart,
  type OutgoingPost,
  type PostContext,
  type RemotePost,
  retryAfterMs,
} from '../connector.ts'
import { createHttp, type HttpRefusal, pause, rangeBody, sameText } from './http.ts'

/**
 * YouTube through the Data API v3 with plain fetch (docs/decisions/012): videos.insert as a
 * resumable upload (a session URI, then the bytes in chunks; a chunk cut off is resumed
 * from what the server reports it holds, after a `Content-Range: bytes * /N` status query
 * answered 308 Resume Incomplete), snippet title/description/tags and status.privacyStatus
 * (private with publishAt when scheduled), the item's captions through captions.insert,
 * videos.delete, and statistics. YouTube has no idempotency key, so a part cut off before
 * its result was recorded is looked up in the channel's uploads playlist first.
 */
export const YOUTUBE_API = 'https://www.googleapis.com'
const LABEL = channelSpecs.youtube.label
/** Chunks must be multiples of 256 KiB; 8 MiB balances round trips against re-sending after a cut. */
export const YOUTUBE_CHUNK = 8 * 1024 * 1024
const CHUNK_UNIT = 256 * 1024
/**
 * status.publishAt must lie in the future when the video is inserted or updated; a minute's
 * margin covers the upload itself (a longer upload falls back to Rounds' queue on a retry).
 */
export const YOUTUBE_MIN_SCHEDULE_LEAD_MS = 2 * 60_000

type GoogleError = {
  error?: { code?: number; message?: string; errors?: { reason?: string; message?: string }[] }
}

/** YouTube's refusals in plain words. */
export function youtubeError({ status, headers, body, doing }: HttpRefusal, now: Date): ChannelError {
  const e = (body as GoogleError | null)?.error
  const reasons = (e?.errors ?? []).map((x) => x.reason ?? '')
  const wait = retryAfterMs(headers.get('retry-after'), now)
  if (status === 401)
    return new ChannelError(
      'youtube',
      `${LABEL} refused Rounds' access while ${doing}. Connect the channel again.`,
      {
        status,
        permanent: true,
        reauthorise: true,
      },
    )
  if (reasons.includes('quotaExceeded') || reasons.includes('dailyLimitExceeded'))
    return new ChannelError(
      'youtube',
      `${LABEL}'s daily API quota for Rounds is used up (it resets at midnight Pacific time). Retry tomorrow, or ask the operator to request more quota from Google.`,
      { status, permanent: true },
    )
  if (reasons.includes('uploadLimitExceeded'))
    return new ChannelError('youtube', `The ${LABEL} channel has reached its upload limit for today.`, {
      status,
      permanent: true,
    })
  if (status === 429 || reasons.includes('rateLimitExceeded') || reasons.includes('userRateLimitExceeded'))
    return new ChannelError('youtube', `${LABEL} is limiting how fast Rounds may post.`, {
      status,
      retryAfterMs: wait ?? 60_000,
    })
  if (status >= 500)
    return new ChannelError('youtube', `${LABEL} had a server error while ${doing}.`, {
      status,
      retryAfterMs: wait,
    })
  const said = e?.message ? ` (${e.message})` : ''
  // videos.insert and videos.update answer 400 invalidPublishAt when YouTube will not take
  // status.publishAt ("an invalid scheduled publishing time"); nothing was scheduled or moved.
  if (reasons.includes('invalidPublishAt'))
    return new ChannelError('youtube', `${LABEL} refused the time to publish the video${said}.`, {
      status,
      permanent: true,
      scheduleRefused: true,
    })
  return new ChannelError('youtube', `${LABEL} refused ${doing}${said}.`, { status, permanent: true })
}

/** Title: the post's title, else the first line; at most 100 characters and no angle brackets (YouTube refuses them). */
export function youtubeTitle(post: OutgoingPost, part: OutgoingPart): string {
  const source = (post.title ?? part.text.split('\n').find((l) => l.trim()) ?? 'Rounds').replace(/[<>]/g, '')
  const chars = [...source.trim()]
  return chars.length <= 100 ? chars.join('') : `${chars.slice(0, 99).join('')}…`
}
const description = (text: string) => text.replace(/</g, '‹').replace(/>/g, '›')
/** Tags without '#', within YouTube's 500-character total. */
export function youtubeTags(hashtags: readonly string[]): string[] {
  const out: string[] = []
  let total = 0
  for (const tag of hashtags.map((h) => h.replace(/^#/, '').trim()).filter(Boolean)) {
    const cost = tag.length + (tag.includes(' ') ? 2 : 0) + (out.length ? 1 : 0)
    if (total + cost > 500) break
    out.push(tag)
    total += cost
  }
  return out
}

export type YouTubeOptions = { chunkBytes?: number; retriesPerChunk?: number; retryDelayMs?: number }

export function createYouTubeConnector(env: ConnectorEnv, options: YouTubeOptions = {}): ChannelConnector {
  const base = (env.baseUrl || YOUTUBE_API).replace(/\/$/, '')
  const chunkBytes = Math.max(
    CHUNK_UNIT,
    Math.floor((options.chunkBytes ?? YOUTUBE_CHUNK) / CHUNK_UNIT) * CHUNK_UNIT,
  )
  const retries = options.retriesPerChunk ?? 5
  const retryDelay = options.retryDelayMs ?? 1000
  const http = createHttp(env, 'youtube', (r) => youtubeError(r, env.now()))
  const auth = (c: ChannelCredentials) => ({ authorization: `Bearer ${c.accessToken ?? ''}` })
  const watchUrl = (id: string) => `https://www.youtube.com/watch?v=${id}`

  /** Where the server's copy ends: the Range header of a 308 ("bytes=0-999" → 1000), or 0. */
  const heldFrom = (res: Response) => {
    const m = /bytes=0-(\d+)/.exec(res.headers.get('range') ?? '')
    return m ? Number(m[1]) + 1 : 0
  }

  async function upload(ctx: PostContext, session: string, video: OutgoingMedia): Promise<{ id: string }> {
    const total = video.body.size
    let offset = 0
    let failures = 0
    while (true) {
      const end = Math.min(offset + chunkBytes, total)
      let res: Response | null = null
      try {
        res = await http.raw(
          'uploading the video',
          session,
          {
            method: 'PUT',
            headers: {
              ...auth(ctx.credentials),
              'content-type': video.mimeType,
              'content-length': String(end - offset),
              'content-range': total === 0 ? 'bytes */0' : `bytes ${offset}-${end - 1}/${total}`,
            },
            // Each chunk is streamed from the store by range: a video is never held in memory.
            ...(await rangeBody(video.body, offset, end - 1)),
          },
          ctx.signal,
        )
      } catch (error) {
        if (ctx.signal?.aborted) throw error
        res = null
      }
      if (res && (res.status === 200 || res.status === 201)) return (await res.json()) as { id: string }
      if (res?.status === 308) {
        offset = heldFrom(res)
        failures = 0
        ctx.onProgress?.(offset / total)
        continue
      }
      if (res && res.status === 404)
        throw new ChannelError('youtube', `${LABEL} forgot the upload session.`, { status: 404 })
      if (res && res.status < 500) throw await http.fail(res, 'uploading the video')
      // Cut off or a server error: ask what arrived, then resume from there.
      if (++failures > retries)
        throw res
          ? await http.fail(res, 'uploading the video')
          : new ChannelError('youtube', `${LABEL} could not be reached while uploading the video.`)
      await pause(retryDelay * 2 ** (failures - 1), 'youtube', ctx.signal)
      const status = await http
        .raw(
          'checking the upload',
          session,
          { method: 'PUT', headers: { ...auth(ctx.credentials), 'content-range': `bytes */${total}` } },
          ctx.signal,
        )
        .catch(() => null)
      if (!status) continue
      if (status.status === 200 || status.status === 201) return (await status.json()) as { id: string }
      if (status.status === 308) offset = heldFrom(status)
      else if (status.status === 404)
        throw new ChannelError('youtube', `${LABEL} forgot the upload session.`, { status: 404 })
      else if (status.status < 500) throw await http.fail(status, 'checking the upload')
    }
  }

  async function uploadCaptions(ctx: PostContext, videoId: string, vtt: string, language: string) {
    const boundary = `rounds-${crypto.randomUUID()}`
    const meta = { snippet: { videoId, language, name: '', isDraft: false } }
    const body =
      `--${boundary}\r\ncontent-type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(meta)}\r\n` +
      `--${boundary}\r\ncontent-type: text/vtt\r\n\r\n${vtt}\r\n--${boundary}--`
    await http.json(
      'uploading the captions',
      `${base}/upload/youtube/v3/captions?uploadType=multipart&part=snippet`,
      {
        method: 'POST',
        headers: { ...auth(ctx.credentials), 'content-type': `multipart/related; boundary=${boundary}` },
        body,
      },
      ctx.signal,
    )
  }

  /** The upload with this title and description among the channel's recent ones (YouTube has no idempotency key). */
  async function findUpload(
    ctx: PostContext,
    post: OutgoingPost,
    part: OutgoingPart,
  ): Promise<RemotePost | null> {
    const channels = await http.json<{
      items?: { contentDetails?: { relatedPlaylists?: { uploads?: string } } }[]
    }>(
      'checking recent uploads',
      `${base}/youtube/v3/channels?part=contentDetails&mine=true`,
      { headers: auth(ctx.credentials) },
      ctx.signal,
    )
    const uploads = channels?.items?.[0]?.contentDetails?.relatedPlaylists?.uploads
    if (!uploads) return null
    const list = await http.json<{
      items?: { snippet?: { title?: string; description?: string; resourceId?: { videoId?: string } } }[]
    }>(
      'checking recent uploads',
      `${base}/youtube/v3/playlistItems?part=snippet&maxResults=25&playlistId=${encodeURIComponent(uploads)}`,
      { headers: auth(ctx.credentials) },
      ctx.signal,
    )
    const title = youtubeTitle(post, part)
    const found = (list?.items ?? []).find(
      (i) => i.snippet?.title === title && sameText(i.snippet?.description ?? '', description(part.text)),
    )
    const id = found?.snippet?.resourceId?.videoId
    return id ? { remoteId: id, url: watchUrl(id) } : null
  }

  /** The video as it stands: public (live), still private until its publishAt, or gone (null). */
  async function resolveVideo(ctx: PostContext, remote: RemotePost): Promise<RemotePost | null> {
    const res = await http.json<{
      items?: { id: string; status?: { privacyStatus?: string; publishAt?: string } }[]
    }>(
      'checking the scheduled video',
      `${base}/youtube/v3/videos?part=status&id=${encodeURIComponent(remote.remoteId)}`,
      { headers: auth(ctx.credentials) },
      ctx.signal,
    )
    const video = res?.items?.[0]
    if (!video) return null
    const url = watchUrl(video.id)
    const at = video.status?.publishAt ?? remote.scheduledAt
    if (video.status?.privacyStatus === 'public' || !at) return { remoteId: video.id, url }
    return { remoteId: video.id, url, scheduledAt: at }
  }

  return {
    channel: 'youtube',
    capabilities: {
      spec: channelSpecs.youtube,
      media: {
        imageKinds: [],
        videoKinds: ['video/mp4', 'video/quicktime', 'video/webm', 'video/x-msvideo', 'video/mpeg'],
        maxImages: 0,
        maxImageBytes: 0,
        // 256 GB or 12 hours, whichever is less.
        maxVideoBytes: 256 * 1024 ** 3,
        altText: false,
      },
      threads: false,
      nativeScheduling: true,
      edit: false,
      delete: true,
      reply: false,
      metrics: ['views', 'likes', 'replies'],
      // The default quota is 10,000 units a day; videos.insert costs 1,600 (captions.insert 400).
      rateLimit: { posts: 5, windowMs: 24 * 60 * 60_000 },
    },

    async verify(credentials) {
      const res = await http.json<{
        items?: { id: string; snippet?: { title?: string; customUrl?: string } }[]
      }>('checking the channel', `${base}/youtube/v3/channels?part=snippet&mine=true`, {
        headers: auth(credentials),
      })
      const channel = res?.items?.[0]
      if (!channel)
        throw new ChannelError('youtube', `This Google account has no ${LABEL} channel.`, { permanent: true })
      return {
        name: channel.snippet?.customUrl ?? channel.snippet?.title ?? channel.id,
        accountId: channel.id,
      }
    },

    async publishPart(ctx, post, part, replyTo) {
      if (replyTo)
        throw new ChannelError('youtube', `${LABEL} videos cannot be posted as replies.`, { permanent: true })
      const video = part.media.find((m) => m.kind === 'video')
      if (!video)
        throw new ChannelError('youtube', `${LABEL} needs a video; this item has none.`, { permanent: true })
      const scheduled = post.scheduledAt && new Date(post.scheduledAt).getTime() > env.now().getTime()
      const resource = {
        snippet: {
          title: youtubeTitle(post, part),
          description: description(part.text),
          tags: youtubeTags(post.hashtags),
          categoryId: '27', // Education
          ...(post.language ? { defaultLanguage: post.language } : {}),
        },
        status: {
          privacyStatus: scheduled ? 'private' : 'public',
          ...(scheduled ? { publishAt: post.scheduledAt } : {}),
          selfDeclaredMadeForKids: false,
        },
      }
      const start = await http.raw(
        'starting the upload',
        `${base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
        {
          method: 'POST',
          headers: {
            ...auth(ctx.credentials),
            'content-type': 'application/json; charset=UTF-8',
            'x-upload-content-type': video.mimeType,
            'x-upload-content-length': String(video.body.size),
          },
          body: JSON.stringify(resource),
        },
        ctx.signal,
      )
      if (!start.ok) throw await http.fail(start, 'starting the upload')
      const session = start.headers.get('location')
      if (!session) throw new ChannelError('youtube', `${LABEL} did not open an upload session.`)
      let created: { id: string }
      try {
        created = await upload(ctx, session, video)
      } catch (error) {
        // A forgotten session: begin once more from a new one.
        if (!(error instanceof ChannelError && error.status === 404)) throw error
        const again = await http.raw(
          'starting the upload',
          `${base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status`,
          {
            method: 'POST',
            headers: {
              ...auth(ctx.credentials),
              'content-type': 'application/json; charset=UTF-8',
              'x-upload-content-type': video.mimeType,
              'x-upload-content-length': String(video.body.size),
            },
            body: JSON.stringify(resource),
          },
          ctx.signal,
        )
        if (!again.ok) throw await http.fail(again, 'starting the upload')
        created = await upload(ctx, again.headers.get('location') ?? '', video)
      }
      if (video.captionsVtt?.trim())
        await uploadCaptions(ctx, created.id, video.captionsVtt, post.language ?? 'en')
      ctx.onProgress?.(1)
      return {
        remoteId: created.id,
        url: watchUrl(created.id),
        ...(scheduled ? { scheduledAt: post.scheduledAt as string } : {}),
      }
    },

    // A scheduled video is uploaded private with status.publishAt; YouTube makes it public
    // at that time. It can be moved (videos.update, part=status) or deleted until then. A
    // publishAt YouTube refuses (invalidPublishAt) is refused before any bytes are sent (the
    // metadata goes with the session start); a refused move leaves the private video as it was,
    // and delivery deletes it before Rounds' queue takes the post (docs/decisions/023).
    scheduling: {
      minLeadMs: YOUTUBE_MIN_SCHEDULE_LEAD_MS,

      async reschedule(ctx, remote, at) {
        await http.json(
          'moving the scheduled video',
          `${base}/youtube/v3/videos?part=status`,
          {
            method: 'PUT',
            headers: { ...auth(ctx.credentials), 'content-type': 'application/json; charset=UTF-8' },
            body: JSON.stringify({
              id: remote.remoteId,
              status: { privacyStatus: 'private', publishAt: at, selfDeclaredMadeForKids: false },
            }),
          },
          ctx.signal,
        )
        return { remoteId: remote.remoteId, url: watchUrl(remote.remoteId), scheduledAt: at }
      },

      resolve: (ctx, remote) => resolveVideo(ctx, remote),

      async lookup(ctx, post, part) {
        const found = await findUpload(ctx, post, part)
        return found ? await resolveVideo(ctx, found) : null
      },
    },

    lookup: (ctx, post, part) => findUpload(ctx, post, part),

    async delete(ctx, remote: RemotePost) {
      await http.json(
        'deleting the video',
        `${base}/youtube/v3/videos?id=${encodeURIComponent(remote.remoteId)}`,
        {
          method: 'DELETE',
          headers: auth(ctx.credentials),
        },
      )
    },

    async metrics(ctx, remote) {
      const res = await http.json<{ items?: { statistics?: Record<string, string> }[] }>(
        'reading the video',
        `${base}/youtube/v3/videos?part=statistics&id=${encodeURIComponent(remote.remoteId)}`,
        { headers: auth(ctx.credentials) },
      )
      const s = res?.items?.[0]?.statistics
      if (!s)
        throw new ChannelError('youtube', `${LABEL} no longer has this video.`, {
          status: 404,
          permanent: true,
        })
      return {
        views: Number(s.viewCount ?? 0),
        likes: Number(s.likeCount ?? 0),
        replies: Number(s.commentCount ?? 0),
      }
    },
  }
}

export const youtubeConnectorFactory: ConnectorFactory = {
  channel: 'youtube',
  connection: 'oauth2',
  defaultBaseUrl: YOUTUBE_API,
  oauth: (base) => ({
    authorizeUrl:
      base === YOUTUBE_API ? 'https://accounts.google.com/o/oauth2/v2/auth' : `${base}/o/oauth2/v2/auth`,
    tokenUrl: base === YOUTUBE_API ? 'https://oauth2.googleapis.com/token' : `${base}/token`,
    scopes: [
      'https://www.googleapis.com/auth/youtube.upload',
      'https://www.googleapis.com/auth/youtube.force-ssl',
    ],
    clientAuth: 'body',
    // Google issues a refresh token only for offline access, and again only on renewed consent.
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
  }),
  create: (env) => createYouTubeConnector(env),
}
