import { createHash, type Hash, randomBytes } from 'node:crypto'
import { type FakeRequest, type Scripted, sendJson, startFakeServer } from './http.ts'

/**
 * An HTTP-level fake of TikTok's Content Posting API as documented (developers.tiktok.com):
 * user/info, creator_info/query, video/init with FILE_UPLOAD (chunk rules checked: 5–64 MB
 * chunks, total_chunk_count = floor(size / chunk_size), whole files under 5 MB), chunk PUTs
 * to the upload URL with Content-Range (206 until the last, 201), status/fetch moving
 * PROCESSING_UPLOAD → PUBLISH_COMPLETE (or FAILED with a fail_reason), video/list and
 * video/query. Errors use TikTok's envelope; failures can be scripted (429, 5xx).
 */
export type FakeTikTok = {
  publishId: string
  title: string
  privacy: string
  size: number
  chunkSize: number
  chunks: number
  received: number
  puts: number
  polls: number
  postId: string | null
  /** SHA-256 (hex) of the chunks in order, once the last arrived (they are hashed, not kept). */
  sha256: string | null
}
const MB = 1024 * 1024
const envelope = (code: string, message: string) => ({
  data: {},
  error: { code, message, log_id: randomBytes(6).toString('hex') },
})

export type TikTokFake = Awaited<ReturnType<typeof startTikTokFake>>

export async function startTikTokFake() {
  const tokens = new Map<string, number>()
  const posts: FakeTikTok[] = []
  const digests = new Map<string, Hash>()
  const state = {
    openId: 'tt-open-1',
    clientKey: 'tt-client-key',
    clientSecret: 'tt-client-secret',
    /** Status polls answering PROCESSING_UPLOAD before the post completes. */
    processingPolls: 1,
    /** The next publish fails with this reason. */
    failNextPublish: null as string | null,
    privacyOptions: ['PUBLIC_TO_EVERYONE', 'MUTUAL_FOLLOW_FRIENDS', 'SELF_ONLY'],
  }
  const failing = new Map<string, string>()
  const issueToken = (ttlMs = 86_400_000) => {
    const t = `act.${randomBytes(8).toString('hex')}`
    tokens.set(t, Date.now() + ttlMs)
    return t
  }
  const codes = new Map<string, { challenge: string; redirectUri: string }>()
  let base = ''
  const handle = ({ method, url, path, headers, body, res }: FakeRequest) => {
    // ── OAuth 2.0 (TikTok names the client id client_key and joins scopes with commas) ──
    if (method === 'GET' && path === '/v2/auth/authorize/') {
      const q = url.searchParams
      if (
        q.get('client_key') !== state.clientKey ||
        !q.get('code_challenge') ||
        !(q.get('scope') ?? '').split(',').includes('video.publish')
      )
        return sendJson(res, 400, { error: 'invalid_request' })
      const code = randomBytes(8).toString('hex')
      codes.set(code, {
        challenge: q.get('code_challenge') as string,
        redirectUri: q.get('redirect_uri') as string,
      })
      const back = new URL(q.get('redirect_uri') as string)
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state') ?? '')
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (method === 'POST' && path === '/v2/oauth/token/') {
      const form = new URLSearchParams(body.toString('utf8'))
      if (form.get('client_key') !== state.clientKey || form.get('client_secret') !== state.clientSecret)
        return sendJson(res, 401, {
          error: 'invalid_client',
          error_description: 'Client key or secret is incorrect.',
        })
      const c = codes.get(form.get('code') ?? '')
      codes.delete(form.get('code') ?? '')
      const challenge = createHash('sha256')
        .update(form.get('code_verifier') ?? '')
        .digest('base64url')
      if (
        form.get('grant_type') !== 'authorization_code' ||
        !c ||
        c.challenge !== challenge ||
        c.redirectUri !== form.get('redirect_uri')
      )
        return sendJson(res, 400, {
          error: 'invalid_grant',
          error_description: 'Authorization code is expired.',
        })
      return sendJson(res, 200, {
        access_token: issueToken(),
        expires_in: 86400,
        open_id: state.openId,
        refresh_token: `rft.${randomBytes(8).toString('hex')}`,
        refresh_expires_in: 31536000,
        scope: 'user.info.basic,video.publish',
        token_type: 'Bearer',
      })
    }
    const upload = /^\/upload\/([a-f0-9]+)$/.exec(path)
    if (method === 'PUT' && upload) {
      const p = posts.find((x) => x.publishId === upload[1])
      if (!p) return sendJson(res, 404, envelope('invalid_params', 'Unknown upload'))
      const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(String(headers['content-range'] ?? ''))
      if (
        !m ||
        Number(m[1]) !== p.received ||
        Number(m[3]) !== p.size ||
        Number(m[2]) - Number(m[1]) + 1 !== body.length
      )
        return sendJson(res, 416, envelope('invalid_params', 'Range not satisfiable'))
      const last = p.puts === p.chunks - 1
      if ((!last && body.length !== p.chunkSize) || (last && body.length > Math.max(p.chunkSize, 128 * MB)))
        return sendJson(res, 400, envelope('invalid_params', 'Chunk size does not match'))
      p.received += body.length
      p.puts++
      digests.get(p.publishId)?.update(body)
      if (p.received === p.size) p.sha256 = digests.get(p.publishId)?.digest('hex') ?? null
      res.writeHead(p.received === p.size ? 201 : 206, { 'content-length': '0' })
      return res.end()
    }
    const bearer = (headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    const expiry = tokens.get(bearer)
    if (!expiry || expiry < Date.now())
      return sendJson(
        res,
        401,
        envelope('access_token_invalid', 'The access token is invalid or not found in the request.'),
      )
    const json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>
    const ok = (data: unknown) =>
      sendJson(res, 200, { data, error: { code: 'ok', message: '', log_id: 'x' } })

    if (method === 'GET' && path === '/v2/user/info/')
      return ok({ user: { open_id: state.openId, username: 'roundsmed', display_name: 'Rounds' } })
    if (method === 'POST' && path === '/v2/post/publish/creator_info/query/')
      return ok({
        creator_username: 'roundsmed',
        privacy_level_options: state.privacyOptions,
        max_video_post_duration_sec: 600,
      })
    if (method === 'POST' && path === '/v2/post/publish/video/init/') {
      const b = json() as {
        post_info?: { title?: string; privacy_level?: string }
        source_info?: {
          source?: string
          video_size?: number
          chunk_size?: number
          total_chunk_count?: number
        }
      }
      const s = b.source_info ?? {}
      const size = Number(s.video_size)
      const chunk = Number(s.chunk_size)
      const count = Number(s.total_chunk_count)
      const whole =
        size < 5 * MB
          ? chunk === size && count === 1
          : chunk >= 5 * MB && chunk <= 64 * MB && count === Math.floor(size / chunk)
      if (s.source !== 'FILE_UPLOAD' || !whole)
        return sendJson(
          res,
          400,
          envelope('invalid_params', 'The chunk size or total chunk count is invalid.'),
        )
      if (!state.privacyOptions.includes(b.post_info?.privacy_level ?? ''))
        return sendJson(res, 400, envelope('invalid_params', 'privacy_level_option_mismatch'))
      const key = randomBytes(6).toString('hex')
      const p: FakeTikTok = {
        publishId: key,
        title: b.post_info?.title ?? '',
        privacy: b.post_info?.privacy_level ?? '',
        size,
        chunkSize: chunk,
        chunks: count,
        received: 0,
        puts: 0,
        polls: 0,
        postId: null,
        sha256: null,
      }
      posts.push(p)
      digests.set(key, createHash('sha256'))
      if (state.failNextPublish) {
        failing.set(key, state.failNextPublish)
        state.failNextPublish = null
      }
      return ok({ publish_id: p.publishId, upload_url: `${base}/upload/${key}` })
    }
    if (method === 'POST' && path === '/v2/post/publish/status/fetch/') {
      const p = posts.find((x) => x.publishId === json().publish_id)
      if (!p) return sendJson(res, 400, envelope('invalid_publish_id', 'publish_id does not exist'))
      p.polls++
      if (p.received < p.size) return ok({ status: 'PROCESSING_UPLOAD', uploaded_bytes: p.received })
      const reason = failing.get(p.publishId)
      if (reason) return ok({ status: 'FAILED', fail_reason: reason })
      if (p.polls <= state.processingPolls)
        return ok({ status: 'PROCESSING_UPLOAD', uploaded_bytes: p.received })
      p.postId ??= String(7_300_000_000_000_000_000n + BigInt(posts.indexOf(p)))
      return ok({
        status: 'PUBLISH_COMPLETE',
        publicaly_available_post_id: [p.postId],
        uploaded_bytes: p.size,
      })
    }
    if (method === 'POST' && path === '/v2/video/list/')
      return ok({
        videos: posts
          .filter((p) => p.postId)
          .reverse()
          .map((p) => ({ id: p.postId, title: p.title, video_description: p.title })),
        cursor: 0,
        has_more: false,
      })
    if (method === 'POST' && path === '/v2/video/query/') {
      const ids = ((json().filters as { video_ids?: string[] } | undefined)?.video_ids ?? []) as string[]
      return ok({
        videos: posts
          .filter((p) => p.postId && ids.includes(p.postId))
          .map((p) => ({ id: p.postId, view_count: 900, like_count: 40, share_count: 2, comment_count: 5 })),
      })
    }
    return sendJson(res, 404, envelope('not_found', `no route ${method} ${path}`))
  }
  const server = await startFakeServer(handle, (s: Scripted) =>
    envelope(s.status === 429 ? 'rate_limit_exceeded' : 'internal_error', `scripted ${s.status}`),
  )
  base = server.url
  return { ...server, state, posts, issueToken }
}
