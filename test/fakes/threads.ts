import { randomBytes } from 'node:crypto'
import { graphError as graphErrorOf, graphTokens, pollContainerStatus, prepareContainer } from './graph.ts'
import { type FakeRequest, type Scripted, sendJson, startFakeServer } from './http.ts'

/**
 * An HTTP-level fake of Meta's Threads API (graph.threads.net, v1.0) as documented
 * (developers.facebook.com/docs/threads): sign-in (authorization code → one-hour token →
 * th_exchange_token for the 60-day one, th_refresh_token), media containers
 * (POST /{threads-user-id}/threads with media_type TEXT/IMAGE/VIDEO/CAROUSEL, image_url or
 * video_url fetched from the given URL as Threads does, reply_to_id, alt_text), container
 * status IN_PROGRESS → FINISHED (ERROR when the file cannot be fetched; EXPIRED scriptable),
 * threads_publish, permalinks, the profile's threads, insights, DELETE /{threads-media-id}
 * and the 500-character text limit. Errors use Graph's envelope; the publishing limits
 * (250 posts and, apart from them, 1,000 replies in a moving 24 hours) answer code 4 when
 * reached, and GET /{threads-user-id}/threads_publishing_limit reports quota_usage and
 * reply_quota_usage with their configs. `spendQuota` records use made outside Rounds.
 */
export type FakeThreadsContainer = {
  id: string
  kind: 'TEXT' | 'IMAGE' | 'VIDEO' | 'CAROUSEL'
  text: string
  url: string | null
  altText: string | null
  replyTo: string | null
  children: string[]
  fetchedBytes: number
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED'
  polls: number
}
export type FakeThreadsPost = {
  id: string
  text: string
  container: FakeThreadsContainer
  replyTo: string | null
  deleted: boolean
}

const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) =>
  graphErrorOf('THApiException', code, message, extra)

export type ThreadsFake = Awaited<ReturnType<typeof startThreadsFake>>

export async function startThreadsFake() {
  const { tokens, issueToken, valid } = graphTokens('THAA')
  const containers = new Map<string, FakeThreadsContainer>()
  const posts: FakeThreadsPost[] = []
  const state = {
    userId: '25000000000000001',
    username: 'roundsmed',
    appId: 'threads-app',
    appSecret: 'threads-secret',
    /** Where a media URL is fetched from. */
    resolve: (url: string) => url,
    /** Status polls an image or video container answers IN_PROGRESS. */
    processingPolls: 2,
    /** The next container created is reported EXPIRED. */
    expireNext: false,
    /** Posts published in the moving 24 hours before the limit (250) answers code 4. */
    quotaLimit: 250,
    /** Replies published in the moving 24 hours before the reply limit (1,000) answers code 4. */
    replyQuotaLimit: 1000,
    exchanges: 0,
    refreshes: 0,
  }
  const published: number[] = []
  const publishedReplies: number[] = []
  const within24h = (times: number[]) => {
    while (times.length && (times[0] as number) < Date.now() - 86_400_000) times.shift()
    return times.length
  }
  let seq = 18_100_000_000_000_000n
  const nextId = () => String(seq++)
  const codes = new Set<string>()
  const shortLived = new Set<string>()

  const handle = async ({ method, url, path, headers, body, res }: FakeRequest) => {
    const q = url.searchParams
    const form = new URLSearchParams(body.toString('utf8'))
    // ── sign-in ──
    if (method === 'GET' && path === '/oauth/authorize') {
      if (q.get('client_id') !== state.appId || !q.get('redirect_uri') || q.get('response_type') !== 'code')
        return sendJson(res, 400, graphError(191, 'Invalid redirect'))
      const code = randomBytes(8).toString('hex')
      codes.add(code)
      const back = new URL(q.get('redirect_uri') as string)
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state') ?? '')
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (method === 'POST' && path === '/oauth/access_token') {
      if (form.get('client_id') !== state.appId || form.get('client_secret') !== state.appSecret)
        return sendJson(res, 400, graphError(1, 'Error validating client secret.'))
      if (form.get('grant_type') !== 'authorization_code' || !codes.delete(form.get('code') ?? ''))
        return sendJson(res, 400, graphError(100, 'This authorization code has been used.'))
      const short = issueToken(3_600_000)
      shortLived.add(short)
      return sendJson(res, 200, { access_token: short, user_id: Number(state.userId) })
    }
    if (method === 'GET' && path === '/access_token') {
      if (q.get('grant_type') !== 'th_exchange_token' || q.get('client_secret') !== state.appSecret)
        return sendJson(res, 400, graphError(1, 'Error validating client secret.'))
      if (!shortLived.delete(q.get('access_token') ?? ''))
        return sendJson(res, 400, graphError(190, 'Invalid OAuth access token.'))
      state.exchanges++
      return sendJson(res, 200, { access_token: issueToken(), token_type: 'bearer', expires_in: 5_183_944 })
    }
    if (method === 'GET' && path === '/refresh_access_token') {
      const old = q.get('access_token') ?? ''
      if (q.get('grant_type') !== 'th_refresh_token' || !valid(old) || shortLived.has(old))
        return sendJson(res, 400, graphError(190, 'Invalid OAuth access token.'))
      tokens.delete(old)
      state.refreshes++
      return sendJson(res, 200, { access_token: issueToken(), token_type: 'bearer', expires_in: 5_183_944 })
    }

    const bearer = (headers.authorization ?? '').replace(/^Bearer\s+/i, '') || (q.get('access_token') ?? '')
    const expiry = tokens.get(bearer)
    if (!expiry)
      return sendJson(res, 400, graphError(190, 'Invalid OAuth access token - Cannot parse access token'))
    if (expiry < Date.now())
      return sendJson(
        res,
        400,
        graphError(190, 'Error validating access token: Session has expired.', { error_subcode: 463 }),
      )
    const m = /^\/v1\.0\/(.+)$/.exec(path)
    if (!m) return sendJson(res, 400, graphError(2500, 'Unknown path components'))
    const [node, edge] = (m[1] as string).split('/')
    const user = node === 'me' ? state.userId : node

    if (method === 'GET' && user === state.userId && !edge)
      return sendJson(res, 200, { id: state.userId, username: state.username })
    if (method === 'POST' && user === state.userId && edge === 'threads') {
      const kind = (form.get('media_type') ?? '') as FakeThreadsContainer['kind']
      if (!['TEXT', 'IMAGE', 'VIDEO', 'CAROUSEL'].includes(kind))
        return sendJson(res, 400, graphError(100, 'The parameter media_type is required'))
      const text = form.get('text') ?? ''
      if ([...text].length > 500)
        return sendJson(
          res,
          400,
          graphError(100, 'The text is longer than 500 characters', { error_subcode: 4279009 }),
        )
      const replyTo = form.get('reply_to_id')
      if (replyTo && !posts.some((p) => p.id === replyTo && !p.deleted))
        return sendJson(res, 400, graphError(100, 'The post being replied to does not exist'))
      const c: FakeThreadsContainer = {
        id: nextId(),
        kind,
        text,
        url: form.get('image_url') ?? form.get('video_url'),
        altText: form.get('alt_text'),
        replyTo,
        children: (form.get('children') ?? '').split(',').filter(Boolean),
        fetchedBytes: 0,
        status: 'IN_PROGRESS',
        polls: 0,
      }
      if (kind === 'TEXT') {
        if (!text) return sendJson(res, 400, graphError(100, 'The parameter text is required'))
        c.status = 'FINISHED'
      } else if (kind === 'CAROUSEL') {
        if (c.children.length < 2 || c.children.length > 20)
          return sendJson(res, 400, graphError(100, 'Carousels need 2 to 20 children'))
        if (c.children.some((id) => containers.get(id)?.status !== 'FINISHED'))
          return sendJson(res, 400, graphError(24, 'The media is not ready to be published'))
      } else if (!c.url)
        return sendJson(res, 400, graphError(100, 'The parameter image_url or video_url is required'))
      await prepareContainer(c, state.resolve, state)
      containers.set(c.id, c)
      return sendJson(res, 200, { id: c.id })
    }
    if (method === 'POST' && user === state.userId && edge === 'threads_publish') {
      const c = containers.get(form.get('creation_id') ?? '')
      if (!c) return sendJson(res, 400, graphError(100, 'Invalid parameter'))
      const now = Date.now()
      // Replies have their own quota, apart from posts.
      const [used, limit] = c.replyTo
        ? [within24h(publishedReplies), state.replyQuotaLimit]
        : [within24h(published), state.quotaLimit]
      if (used >= limit)
        return sendJson(res, 400, graphError(4, 'Application request limit reached', { is_transient: true }))
      if (c.status !== 'FINISHED')
        return sendJson(
          res,
          400,
          graphError(24, 'The media is not ready to be published', { error_subcode: 4279001 }),
        )
      c.status = 'PUBLISHED'
      ;(c.replyTo ? publishedReplies : published).push(now)
      const p: FakeThreadsPost = {
        id: nextId(),
        text: c.text,
        container: c,
        replyTo: c.replyTo,
        deleted: false,
      }
      posts.push(p)
      return sendJson(res, 200, { id: p.id })
    }
    if (method === 'GET' && user === state.userId && edge === 'threads_publishing_limit')
      return sendJson(res, 200, {
        data: [
          {
            quota_usage: within24h(published),
            config: { quota_total: state.quotaLimit, quota_duration: 86_400 },
            reply_quota_usage: within24h(publishedReplies),
            reply_config: { quota_total: state.replyQuotaLimit, quota_duration: 86_400 },
          },
        ],
      })
    if (method === 'GET' && user === state.userId && edge === 'threads')
      return sendJson(res, 200, {
        data: posts
          .filter((p) => !p.deleted)
          .reverse()
          .slice(0, Number(q.get('limit') ?? 25))
          .map((p) => ({
            id: p.id,
            text: p.text,
            permalink: `https://www.threads.net/@${state.username}/post/${p.id}`,
          })),
      })
    const container = node ? containers.get(node) : undefined
    if (container && method === 'GET' && !edge) {
      pollContainerStatus(container, state.processingPolls)
      return sendJson(res, 200, {
        id: container.id,
        status: container.status,
        ...(container.status === 'ERROR' ? { error_message: 'FAILED_DOWNLOADING_VIDEO' } : {}),
      })
    }
    const post = posts.find((p) => p.id === node && !p.deleted)
    if (!post)
      return sendJson(
        res,
        400,
        graphError(100, `Object with ID '${node}' does not exist`, { error_subcode: 33 }),
      )
    if (method === 'GET' && edge === 'insights') {
      const values: Record<string, number> = {
        views: 640,
        likes: 31,
        replies: posts.filter((p) => p.replyTo === post.id && !p.deleted).length,
        reposts: 4,
        quotes: 2,
      }
      return sendJson(res, 200, {
        data: (q.get('metric') ?? '').split(',').map((name) => ({
          name,
          period: 'lifetime',
          values: [{ value: values[name] ?? 0 }],
          id: `${post.id}/insights/${name}/lifetime`,
        })),
      })
    }
    if (method === 'GET' && !edge)
      return sendJson(res, 200, {
        id: post.id,
        text: post.text,
        permalink: `https://www.threads.net/@${state.username}/post/${post.id}`,
      })
    if (method === 'DELETE' && !edge) {
      post.deleted = true
      return sendJson(res, 200, { success: true, deleted_id: post.id })
    }
    return sendJson(res, 400, graphError(100, `Unsupported ${method} request`))
  }
  const server = await startFakeServer(handle, (s: Scripted) =>
    graphError(s.status === 400 ? 4 : 1, `scripted ${s.status}`),
  )
  /** Posts or replies published outside Rounds (another app, by hand) just now. */
  const spendQuota = (kind: 'post' | 'reply', n: number) => {
    for (let i = 0; i < n; i++) (kind === 'reply' ? publishedReplies : published).push(Date.now())
  }
  /** Forgets every use of the quotas (a day has passed). */
  const resetQuota = () => {
    published.length = 0
    publishedReplies.length = 0
  }
  return { ...server, state, containers, posts, issueToken, shortLived, codes, spendQuota, resetQuota }
}
