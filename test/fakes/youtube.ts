import { createHash, type Hash, randomBytes } from 'node:crypto'
import { type FakeRequest, type Scripted, sendJson, startFakeServer } from './http.ts'

/**
 * An HTTP-level fake of the YouTube Data API v3 as documented (developers.google.com/youtube/v3):
 * videos.insert as a resumable upload (POST uploadType=resumable → Location session URI;
 * PUT chunks with Content-Range; 308 Resume Incomplete with Range while incomplete; a
 * `bytes * /N` status query; chunks not a multiple of 256 KiB refused), captions.insert
 * (multipart), videos.delete, videos.list statistics and status, videos.update status (a
 * private video's publishAt moved; YouTube makes it public at that time, and refuses a
 * publishAt in the past or on a video that is not private), channels.list (mine) and the uploads
 * playlist, and Google's OAuth token endpoint (refresh grant). Failures can be scripted
 * (403 quotaExceeded, 429 with Retry-After, 5xx) and a chunk can be cut off part-way. With
 * `state.refusePublishAt` set, YouTube will not take any status.publishAt: videos.insert is
 * refused at the session start and videos.update as a whole, both 400 invalidPublishAt ("an
 * invalid scheduled publishing time"), so nothing is created or changed; a public upload passes.
 */
export type FakeVideo = {
  id: string
  title: string
  description: string
  tags: string[]
  privacyStatus: string
  publishAt: string | null
  bytes: number
  /** SHA-256 (hex) of the bytes received, which are hashed as they arrive and not kept. */
  sha256: string
  captions: { language: string; vtt: string }[]
  deleted: boolean
  views: number
}
type Session = {
  id: string
  meta: { snippet?: Record<string, unknown>; status?: Record<string, unknown> }
  total: number
  received: Hash
  held: number
  video: FakeVideo | null
}

export type YouTubeFake = Awaited<ReturnType<typeof startYouTubeFake>>

const googleError = (code: number, reason: string, message: string) => ({
  error: { code, message, errors: [{ message, domain: 'youtube', reason }] },
})

export async function startYouTubeFake(options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date())
  const tokens = new Map<string, number>()
  const refreshTokens = new Set<string>()
  const sessions = new Map<string, Session>()
  const codes = new Map<string, { offline: boolean }>()
  const videos: FakeVideo[] = []
  const state = {
    channelId: 'UCrounds000000000000000',
    clientId: 'yt-client',
    clientSecret: 'yt-secret',
    /** The next chunk PUT keeps only this many bytes, then the connection is cut. */
    cutNextChunkAfter: null as number | null,
    chunkPuts: 0,
    statusQueries: 0,
    /** Upload sessions opened (videos.insert calls YouTube accepted the metadata of). */
    sessionStarts: 0,
    /** While set, every status.publishAt is refused with this message (400 invalidPublishAt). */
    refusePublishAt: null as string | null,
    /** How many inserts and updates were refused that way. */
    publishAtRefusals: 0,
  }
  const publishAtRefused = (res: FakeRequest['res']) => {
    state.publishAtRefusals++
    return sendJson(res, 400, googleError(400, 'invalidPublishAt', state.refusePublishAt as string))
  }
  const issueToken = (ttlMs = 3_600_000) => {
    const t = `ya29.${randomBytes(8).toString('hex')}`
    tokens.set(t, Date.now() + ttlMs)
    return t
  }
  const issueRefreshToken = () => {
    const r = `1//${randomBytes(8).toString('hex')}`
    refreshTokens.add(r)
    return r
  }
  let base = ''
  /** YouTube publishes a private video with publishAt once that time comes. */
  const publishDue = () => {
    for (const v of videos)
      if (v.privacyStatus === 'private' && v.publishAt && Date.parse(v.publishAt) <= now().getTime()) {
        v.privacyStatus = 'public'
        v.publishAt = null
      }
  }
  const handle = ({ method, url, path, headers, body, req, res }: FakeRequest) => {
    publishDue()
    if (method === 'GET' && path === '/o/oauth2/v2/auth') {
      const q = url.searchParams
      if (q.get('client_id') !== state.clientId || q.get('code_challenge_method') !== 'S256')
        return sendJson(res, 400, { error: 'invalid_request' })
      const code = `4/${randomBytes(8).toString('hex')}`
      codes.set(code, { offline: q.get('access_type') === 'offline' })
      const back = new URL(q.get('redirect_uri') as string)
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state') ?? '')
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (method === 'POST' && path === '/token') {
      const form = new URLSearchParams(body.toString('utf8'))
      if (form.get('client_id') !== state.clientId || form.get('client_secret') !== state.clientSecret)
        return sendJson(res, 401, { error: 'invalid_client' })
      if (form.get('grant_type') === 'authorization_code') {
        const c = codes.get(form.get('code') ?? '')
        codes.delete(form.get('code') ?? '')
        if (!c)
          return sendJson(res, 400, { error: 'invalid_grant', error_description: 'Malformed auth code.' })
        // Google issues a refresh token only for offline access.
        return sendJson(res, 200, {
          access_token: issueToken(),
          expires_in: 3599,
          token_type: 'Bearer',
          ...(c.offline ? { refresh_token: issueRefreshToken() } : {}),
        })
      }
      if (form.get('grant_type') === 'refresh_token' && refreshTokens.has(form.get('refresh_token') ?? ''))
        return sendJson(res, 200, {
          access_token: issueToken(),
          expires_in: 3599,
          token_type: 'Bearer',
          scope: 'https://www.googleapis.com/auth/youtube.upload',
        })
      return sendJson(res, 400, {
        error: 'invalid_grant',
        error_description: 'Token has been expired or revoked.',
      })
    }
    const bearer = (headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    const expiry = tokens.get(bearer)
    if (!expiry || expiry < Date.now())
      return sendJson(
        res,
        401,
        googleError(401, 'authError', 'Request had invalid authentication credentials.'),
      )

    if (
      method === 'POST' &&
      path === '/upload/youtube/v3/videos' &&
      url.searchParams.get('uploadType') === 'resumable'
    ) {
      const meta = JSON.parse(body.toString('utf8') || '{}') as Session['meta']
      const total = Number(headers['x-upload-content-length'])
      // status.publishAt: only on a private video, and only in the future.
      const publishAt = meta.status?.publishAt as string | undefined
      if (publishAt && state.refusePublishAt) return publishAtRefused(res)
      if (publishAt && (meta.status?.privacyStatus !== 'private' || Date.parse(publishAt) <= now().getTime()))
        return sendJson(
          res,
          400,
          googleError(
            400,
            'invalidPublishAt',
            'The request metadata specifies an invalid scheduled publishing time.',
          ),
        )
      if (!meta.snippet?.title)
        return sendJson(
          res,
          400,
          googleError(400, 'invalidTitle', 'The request metadata specifies an invalid or empty video title.'),
        )
      if (/[<>]/.test(String(meta.snippet.title) + String(meta.snippet.description ?? '')))
        return sendJson(
          res,
          400,
          googleError(
            400,
            'invalidDescription',
            'The request metadata specifies an invalid video description.',
          ),
        )
      const s: Session = {
        id: randomBytes(6).toString('hex'),
        meta,
        total,
        received: createHash('sha256'),
        held: 0,
        video: null,
      }
      sessions.set(s.id, s)
      state.sessionStarts++
      res.writeHead(200, {
        location: `${base}/upload/youtube/v3/videos?uploadType=resumable&upload_id=${s.id}`,
        'content-length': '0',
      })
      return res.end()
    }
    if (method === 'PUT' && path === '/upload/youtube/v3/videos') {
      const s = sessions.get(url.searchParams.get('upload_id') ?? '')
      if (!s) return sendJson(res, 404, googleError(404, 'notFound', 'Upload session not found.'))
      const answer = () => {
        if (s.video)
          return sendJson(res, 200, {
            kind: 'youtube#video',
            id: s.video.id,
            snippet: s.meta.snippet,
            status: { uploadStatus: 'uploaded', ...s.meta.status },
          })
        res.writeHead(
          308,
          s.held ? { range: `bytes=0-${s.held - 1}`, 'content-length': '0' } : { 'content-length': '0' },
        )
        return res.end()
      }
      const range = String(headers['content-range'] ?? '')
      if (/^bytes \*\/\d+$/.test(range)) {
        state.statusQueries++
        return answer()
      }
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range)
      if (!m) return sendJson(res, 400, googleError(400, 'badContent', 'Missing Content-Range.'))
      const [first, last, total] = [Number(m[1]), Number(m[2]), Number(m[3])]
      if (first !== s.held || total !== s.total || last - first + 1 !== body.length)
        return sendJson(res, 400, googleError(400, 'badContent', `Expected the bytes from ${s.held}.`))
      if (last + 1 !== total && body.length % (256 * 1024) !== 0)
        return sendJson(res, 400, googleError(400, 'badContent', 'Chunks must be multiples of 256 KiB.'))
      state.chunkPuts++
      if (state.cutNextChunkAfter !== null) {
        const keep = state.cutNextChunkAfter
        state.cutNextChunkAfter = null
        s.received.update(body.subarray(0, keep))
        s.held += keep
        req.socket.destroy()
        return
      }
      s.received.update(body)
      s.held += body.length
      if (s.held === s.total) {
        const sn = s.meta.snippet ?? {}
        const st = s.meta.status ?? {}
        s.video = {
          id: randomBytes(8).toString('base64url').slice(0, 11),
          title: String(sn.title),
          description: String(sn.description ?? ''),
          tags: (sn.tags as string[] | undefined) ?? [],
          privacyStatus: String(st.privacyStatus ?? 'private'),
          publishAt: (st.publishAt as string | undefined) ?? null,
          bytes: s.held,
          sha256: s.received.digest('hex'),
          captions: [],
          deleted: false,
          views: 0,
        }
        videos.push(s.video)
        return sendJson(res, 201, {
          kind: 'youtube#video',
          id: s.video.id,
          snippet: sn,
          status: { uploadStatus: 'uploaded', ...st },
        })
      }
      return answer()
    }
    if (method === 'POST' && path === '/upload/youtube/v3/captions') {
      const text = body.toString('utf8')
      const json = /\{.*"snippet".*\}/.exec(text)
      const meta = json ? (JSON.parse(json[0]) as { snippet: { videoId: string; language: string } }) : null
      const v = videos.find((x) => x.id === meta?.snippet.videoId && !x.deleted)
      if (!meta || !v)
        return sendJson(res, 404, googleError(404, 'videoNotFound', 'The video could not be found.'))
      const vtt = /WEBVTT[\s\S]*?(?=\r\n--)/.exec(text)?.[0]
      if (!vtt)
        return sendJson(res, 400, googleError(400, 'contentRequired', 'The caption track has no content.'))
      v.captions.push({ language: meta.snippet.language, vtt })
      return sendJson(res, 200, {
        kind: 'youtube#caption',
        id: randomBytes(6).toString('hex'),
        snippet: meta.snippet,
      })
    }
    if (path === '/youtube/v3/videos') {
      const id = url.searchParams.get('id') ?? ''
      const v = videos.find((x) => x.id === id && !x.deleted)
      if (method === 'PUT') {
        const input = JSON.parse(body.toString('utf8') || '{}') as {
          id?: string
          status?: { privacyStatus?: string; publishAt?: string }
        }
        const target = videos.find((x) => x.id === input.id && !x.deleted)
        if (!target)
          return sendJson(res, 404, googleError(404, 'videoNotFound', 'The video cannot be found.'))
        const at = input.status?.publishAt
        if (at && state.refusePublishAt) return publishAtRefused(res)
        if (at && input.status?.privacyStatus !== 'private')
          return sendJson(
            res,
            400,
            googleError(400, 'invalidPublishAt', 'publishAt can only be set on a private video.'),
          )
        if (at && Date.parse(at) <= now().getTime())
          return sendJson(
            res,
            400,
            googleError(400, 'invalidPublishAt', 'The publishAt time must be in the future.'),
          )
        target.privacyStatus = input.status?.privacyStatus ?? target.privacyStatus
        target.publishAt = at ?? null
        return sendJson(res, 200, {
          id: target.id,
          status: {
            privacyStatus: target.privacyStatus,
            ...(target.publishAt ? { publishAt: target.publishAt } : {}),
          },
        })
      }
      if (method === 'DELETE') {
        if (!v)
          return sendJson(
            res,
            404,
            googleError(404, 'videoNotFound', 'The video that you are trying to delete cannot be found.'),
          )
        v.deleted = true
        res.writeHead(204)
        return res.end()
      }
      return sendJson(res, 200, {
        items: v
          ? [
              {
                id: v.id,
                status: {
                  uploadStatus: 'processed',
                  privacyStatus: v.privacyStatus,
                  ...(v.publishAt ? { publishAt: v.publishAt } : {}),
                },
                statistics: {
                  viewCount: String(v.views),
                  likeCount: '3',
                  favoriteCount: '0',
                  commentCount: '1',
                },
              },
            ]
          : [],
      })
    }
    if (method === 'GET' && path === '/youtube/v3/channels')
      return sendJson(res, 200, {
        items: [
          {
            id: state.channelId,
            snippet: { title: 'Rounds Medicine', customUrl: '@roundsmed' },
            contentDetails: { relatedPlaylists: { uploads: `UU${state.channelId.slice(2)}` } },
          },
        ],
      })
    if (method === 'GET' && path === '/youtube/v3/playlistItems')
      return sendJson(res, 200, {
        items: videos
          .filter((v) => !v.deleted)
          .reverse()
          .slice(0, Number(url.searchParams.get('maxResults') ?? 5))
          .map((v) => ({
            snippet: {
              title: v.title,
              description: v.description,
              resourceId: { kind: 'youtube#video', videoId: v.id },
            },
          })),
      })
    return sendJson(res, 404, googleError(404, 'notFound', `no route ${method} ${path}`))
  }
  const server = await startFakeServer(handle, (s: Scripted) =>
    googleError(
      s.status,
      s.status === 403 ? 'quotaExceeded' : s.status === 429 ? 'rateLimitExceeded' : 'backendError',
      `scripted ${s.status}`,
    ),
  )
  base = server.url
  return {
    ...server,
    ...{
      state,
      videos,
      sessions,
      tokens,
      issueToken,
      issueRefreshToken,
      live: () => videos.filter((v) => !v.deleted),
    },
  }
}
