import { createHash, type Hash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * An HTTP-level fake of the X API v2 as documented (docs.x.com): OAuth 2.0 authorization
 * code with PKCE (authorize redirect, token and refresh grants, HTTP Basic client auth),
 * users/me, POST /2/tweets with reply.in_reply_to_tweet_id and media.media_ids, delete,
 * a user's recent posts (links rewritten to t.co, as X does), public metrics, and chunked
 * media upload (initialize, append, finalize, STATUS polling while a video processes) with
 * alt text metadata. Failures can be scripted: 429 with x-rate-limit-reset, 5xx, and
 * expired tokens answer 401.
 */
export type FakeTweet = {
  id: string
  text: string
  replyTo: string | null
  mediaIds: string[]
  deleted: boolean
  likes: number
}
type Upload = {
  id: string
  mediaType: string
  totalBytes: number
  received: number
  segments: number
  polls: number
  altText: string | null
  finalized: boolean
  /** SHA-256 (hex) of the appended segments in order, once finalized (they are hashed, not kept). */
  sha256: string | null
}
type Scripted = { status: number; headers?: Record<string, string>; body?: unknown; path?: RegExp }

/**
 * A multipart field's raw bytes. twitter-api-v2 sends APPEND's media without a filename, and
 * formData() decodes such a part as UTF-8 text, which mangles binary segments.
 */
function multipartField(raw: Buffer, contentType: string, name: string): Buffer | null {
  const m = /boundary=(?:"([^"]+)"|([^;\s]+))/.exec(contentType)
  const boundary = m?.[1] ?? m?.[2]
  if (!boundary) return null
  const delimiter = Buffer.from(`--${boundary}`)
  let at = raw.indexOf(delimiter)
  while (at >= 0) {
    const next = raw.indexOf(delimiter, at + delimiter.length)
    if (next < 0) return null
    const part = raw.subarray(at + delimiter.length + 2, next - 2)
    const headerEnd = part.indexOf('\r\n\r\n')
    if (part.subarray(0, headerEnd).toString('utf8').includes(`name="${name}"`))
      return part.subarray(headerEnd + 4)
    at = next
  }
  return null
}

export type XFake = {
  url: string
  clientId: string
  clientSecret: string
  userId: string
  tweets: FakeTweet[]
  uploads: Upload[]
  /** Access tokens accepted, with their expiry (ms since epoch). */
  tokens: Map<string, number>
  refreshTokens: Set<string>
  requests: { method: string; path: string }[]
  /** STATUS polls answering in_progress before a video is ready. */
  videoProcessingPolls: number
  failNext(...responses: Scripted[]): void
  /** Issues a token directly (as if connected), valid for `ttlMs`. */
  issueToken(ttlMs?: number): string
  live(): FakeTweet[]
  close(): Promise<void>
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

const problem = (status: number, title: string, detail: string) => ({
  title,
  detail,
  status,
  type: 'about:blank',
})

export async function startXFake(): Promise<XFake> {
  let next = 1_800_000_000_000_000_000n
  const nextId = () => String(next++)
  const scripted: Scripted[] = []
  const codes = new Map<string, { challenge: string; redirectUri: string; clientId: string }>()
  const digests = new Map<string, Hash>()
  const fake = {
    url: '',
    clientId: 'x-client',
    clientSecret: 'x-client-secret',
    userId: '42',
    tweets: [] as FakeTweet[],
    uploads: [] as Upload[],
    tokens: new Map<string, number>(),
    refreshTokens: new Set<string>(),
    requests: [] as { method: string; path: string }[],
    videoProcessingPolls: 1,
    failNext: (...r: Scripted[]) => scripted.push(...r),
    issueToken(ttlMs = 7_200_000) {
      const t = `xat-${randomBytes(8).toString('hex')}`
      fake.tokens.set(t, Date.now() + ttlMs)
      return t
    },
    live: () => fake.tweets.filter((t) => !t.deleted),
    close: async () => {},
  } as XFake
  const tokens = () => {
    const access = fake.issueToken()
    const refresh = `xrt-${randomBytes(8).toString('hex')}`
    fake.refreshTokens.add(refresh)
    return {
      token_type: 'bearer',
      access_token: access,
      refresh_token: refresh,
      expires_in: 7200,
      scope: 'tweet.read tweet.write users.read media.write offline.access',
    }
  }

  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', fake.url)
    const path = url.pathname
    const method = req.method ?? 'GET'
    fake.requests.push({ method, path })
    const raw = await readBody(req)
    const i = scripted.findIndex((s) => !s.path || s.path.test(path))
    if (i >= 0) {
      const s = scripted.splice(i, 1)[0] as Scripted
      return send(res, s.status, s.body ?? problem(s.status, 'Scripted', `scripted ${s.status}`), s.headers)
    }

    // ── OAuth 2.0 ──
    if (method === 'GET' && path === '/i/oauth2/authorize') {
      const q = url.searchParams
      if (
        q.get('client_id') !== fake.clientId ||
        q.get('code_challenge_method') !== 'S256' ||
        !q.get('code_challenge')
      )
        return send(res, 400, { error: 'invalid_request' })
      const code = randomBytes(12).toString('hex')
      codes.set(code, {
        challenge: q.get('code_challenge') as string,
        redirectUri: q.get('redirect_uri') as string,
        clientId: fake.clientId,
      })
      const back = new URL(q.get('redirect_uri') as string)
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state') ?? '')
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (method === 'POST' && path === '/2/oauth2/token') {
      const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64')
      if (req.headers.authorization !== `Basic ${basic}`)
        return send(res, 401, { error: 'unauthorized_client' })
      const form = new URLSearchParams(raw.toString('utf8'))
      if (form.get('grant_type') === 'authorization_code') {
        const c = codes.get(form.get('code') ?? '')
        codes.delete(form.get('code') ?? '')
        const verifier = form.get('code_verifier') ?? ''
        const challenge = createHash('sha256').update(verifier).digest('base64url')
        if (!c || c.challenge !== challenge || c.redirectUri !== form.get('redirect_uri'))
          return send(res, 400, {
            error: 'invalid_request',
            error_description: 'Value passed for the authorization code was invalid.',
          })
        return send(res, 200, tokens())
      }
      if (form.get('grant_type') === 'refresh_token') {
        const r = form.get('refresh_token') ?? ''
        if (!fake.refreshTokens.delete(r))
          return send(res, 400, {
            error: 'invalid_request',
            error_description: 'Value passed for the token was invalid.',
          })
        return send(res, 200, tokens())
      }
      return send(res, 400, { error: 'unsupported_grant_type' })
    }

    // ── the API ──
    const bearer = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    const expiry = fake.tokens.get(bearer)
    if (!expiry || expiry < Date.now()) return send(res, 401, problem(401, 'Unauthorized', 'Unauthorized'))

    if (method === 'GET' && path === '/2/users/me')
      return send(res, 200, { data: { id: fake.userId, name: 'Rounds', username: 'rounds_med' } })

    if (method === 'POST' && path === '/2/tweets') {
      const body = JSON.parse(raw.toString('utf8')) as {
        text?: string
        reply?: { in_reply_to_tweet_id?: string }
        media?: { media_ids?: string[] }
      }
      const replyTo = body.reply?.in_reply_to_tweet_id ?? null
      if (replyTo && !fake.tweets.some((t) => t.id === replyTo && !t.deleted))
        return send(res, 400, {
          errors: [{ message: 'The Tweet you are replying to does not exist.' }],
          title: 'Invalid Request',
          detail: 'One or more parameters to your request was invalid.',
        })
      for (const id of body.media?.media_ids ?? []) {
        const u = fake.uploads.find((x) => x.id === id)
        if (!u?.finalized) return send(res, 400, problem(400, 'Invalid Request', `Media ${id} is not ready.`))
      }
      if (fake.tweets.some((t) => !t.deleted && t.text === body.text))
        return send(
          res,
          403,
          problem(403, 'Forbidden', 'You are not allowed to create a Tweet with duplicate content.'),
        )
      const t: FakeTweet = {
        id: nextId(),
        text: body.text ?? '',
        replyTo,
        mediaIds: body.media?.media_ids ?? [],
        deleted: false,
        likes: 0,
      }
      fake.tweets.push(t)
      return send(res, 201, { data: { id: t.id, text: t.text, edit_history_tweet_ids: [t.id] } })
    }
    const tweetMatch = /^\/2\/tweets\/(\d+)$/.exec(path)
    if (tweetMatch) {
      const t = fake.tweets.find((x) => x.id === tweetMatch[1] && !x.deleted)
      if (method === 'DELETE') {
        if (!t) return send(res, 404, problem(404, 'Not Found Error', 'Could not find tweet.'))
        t.deleted = true
        return send(res, 200, { data: { deleted: true } })
      }
      if (!t)
        return send(res, 200, { errors: [{ title: 'Not Found Error', detail: 'Could not find tweet.' }] })
      const replies = fake.tweets.filter((x) => x.replyTo === t.id && !x.deleted).length
      return send(res, 200, {
        data: {
          id: t.id,
          text: t.text,
          public_metrics: {
            like_count: t.likes,
            retweet_count: 0,
            quote_count: 0,
            reply_count: replies,
            impression_count: 100,
          },
        },
      })
    }
    const timeline = /^\/2\/users\/(\d+)\/tweets$/.exec(path)
    if (method === 'GET' && timeline)
      return send(res, 200, {
        data: fake
          .live()
          .slice()
          .reverse()
          .slice(0, Number(url.searchParams.get('max_results') ?? 10))
          .map((t) => ({ id: t.id, text: t.text.replace(/https?:\/\/\S+/g, 'https://t.co/abc123') })),
      })

    if (method === 'POST' && path === '/2/media/upload/initialize') {
      const body = JSON.parse(raw.toString('utf8')) as { media_type: string; total_bytes: number }
      const u: Upload = {
        id: nextId(),
        mediaType: body.media_type,
        totalBytes: body.total_bytes,
        received: 0,
        segments: 0,
        polls: 0,
        altText: null,
        finalized: false,
        sha256: null,
      }
      fake.uploads.push(u)
      digests.set(u.id, createHash('sha256'))
      return send(res, 200, { data: { id: u.id, media_key: `3_${u.id}`, expires_after_secs: 86400 } })
    }
    const append = /^\/2\/media\/upload\/(\d+)\/append$/.exec(path)
    if (method === 'POST' && append) {
      const u = fake.uploads.find((x) => x.id === append[1])
      if (!u) return send(res, 404, problem(404, 'Not Found', 'No such upload'))
      const form = await new Request(url, {
        method,
        headers: { 'content-type': String(req.headers['content-type']) },
        body: raw,
      }).formData()
      const media = form.get('media')
      if (Number(form.get('segment_index')) !== u.segments)
        return send(res, 400, problem(400, 'Invalid Request', 'Segments out of order'))
      const bytes =
        multipartField(raw, String(req.headers['content-type']), 'media') ??
        (media instanceof Blob ? new Uint8Array(await media.arrayBuffer()) : Buffer.from(String(media ?? '')))
      digests.get(u.id)?.update(bytes)
      u.received += bytes.byteLength
      u.segments++
      return send(res, 200, {})
    }
    const finalize = /^\/2\/media\/upload\/(\d+)\/finalize$/.exec(path)
    if (method === 'POST' && finalize) {
      const u = fake.uploads.find((x) => x.id === finalize[1])
      if (!u) return send(res, 404, problem(404, 'Not Found', 'No such upload'))
      if (u.received !== u.totalBytes)
        return send(res, 400, problem(400, 'Invalid Request', 'File size mismatch'))
      u.sha256 ??= digests.get(u.id)?.digest('hex') ?? null
      const video = u.mediaType.startsWith('video/')
      if (!video) u.finalized = true
      return send(res, 200, {
        data: {
          id: u.id,
          size: u.totalBytes,
          ...(video ? { processing_info: { state: 'pending', check_after_secs: 1 } } : {}),
        },
      })
    }
    if (method === 'GET' && path === '/2/media/upload' && url.searchParams.get('command') === 'STATUS') {
      const u = fake.uploads.find((x) => x.id === url.searchParams.get('media_id'))
      if (!u) return send(res, 404, problem(404, 'Not Found', 'No such upload'))
      u.polls++
      const done = u.polls > fake.videoProcessingPolls
      if (done) u.finalized = true
      return send(res, 200, {
        data: {
          id: u.id,
          processing_info: done
            ? { state: 'succeeded', progress_percent: 100 }
            : { state: 'in_progress', check_after_secs: 1, progress_percent: 50 },
        },
      })
    }
    if (method === 'POST' && path === '/2/media/metadata') {
      const body = JSON.parse(raw.toString('utf8')) as {
        id: string
        metadata?: { alt_text?: { text?: string } }
      }
      const u = fake.uploads.find((x) => x.id === body.id)
      if (!u) return send(res, 404, problem(404, 'Not Found', 'No such media'))
      u.altText = body.metadata?.alt_text?.text ?? null
      return send(res, 200, { data: { id: u.id, associated_metadata: body.metadata } })
    }
    return send(res, 404, problem(404, 'Not Found', `no route ${method} ${path}`))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return fake
}
