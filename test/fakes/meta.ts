import { randomBytes } from 'node:crypto'
import {
  fetchMedia,
  graphError as graphErrorOf,
  graphTokens,
  pollContainerStatus,
  prepareContainer,
} from './graph.ts'
import { type FakeRequest, type Scripted, sendJson, startFakeServer } from './http.ts'

/**
 * An HTTP-level fake of Meta's Graph API (v24.0) as documented (developers.facebook.com):
 * Instagram content publishing — containers for images (image_url, alt_text), Reels
 * (media_type REELS, video_url) and carousels (children with is_carousel_item, then
 * CAROUSEL), each fetching its file from the given URL as Instagram does, status_code moving
 * IN_PROGRESS → FINISHED (ERROR when the file cannot be fetched; EXPIRED scriptable),
 * media_publish, permalinks, the account's media list, insights and comments; Facebook page
 * posts (feed with attached_media, unpublished photos by url, videos by file_url), delete,
 * comments and reaction/comment/share counts; me/accounts. Errors use Graph's envelope;
 * codes 4/17/32/613 and 190 can be scripted.
 */
export type FakeContainer = {
  id: string
  kind: 'IMAGE' | 'VIDEO' | 'REELS' | 'CAROUSEL'
  url: string | null
  caption: string
  altText: string | null
  children: string[]
  fetchedBytes: number
  status: 'IN_PROGRESS' | 'FINISHED' | 'ERROR' | 'EXPIRED' | 'PUBLISHED'
  polls: number
}
export type FakeMetaPost = {
  id: string
  channel: 'instagram' | 'facebook'
  text: string
  container: FakeContainer | null
  photos: { id: string; fetchedBytes: number }[]
  videoUrl: string | null
  comments: string[]
  deleted: boolean
}

const graphError = (code: number, message: string, extra: Record<string, unknown> = {}) =>
  graphErrorOf('GraphMethodException', code, message, extra)

export type MetaFake = Awaited<ReturnType<typeof startMetaFake>>

export async function startMetaFake() {
  const { tokens, issueToken } = graphTokens('EAAB')
  const containers = new Map<string, FakeContainer>()
  const posts: FakeMetaPost[] = []
  const state = {
    igUserId: '17841400000000001',
    /** Where a media URL is fetched from (a test maps Rounds' public address to its loopback server). */
    resolve: (url: string) => url,
    appId: 'meta-app',
    /** Short-lived tokens exchanged for long-lived ones. */
    exchanges: 0,
    appSecret: 'meta-secret',
    pageId: '100000000000001',
    pageToken: '',
    /** Status polls a video container answers IN_PROGRESS. */
    videoProcessingPolls: 2,
    /** The next container created is reported EXPIRED. */
    expireNext: false,
  }
  let seq = 18_000_000_000_000_000n
  const nextId = () => String(seq++)
  state.pageToken = issueToken()
  const fetchFile = (url: string) => fetchMedia(state.resolve, url)

  const codes = new Set<string>()
  const shortLived = new Set<string>()
  const handle = async ({ method, url, path, headers, body, res }: FakeRequest) => {
    // ── Facebook Login (authorization code; the app id and secret in the token request) ──
    if (method === 'GET' && path === '/v24.0/dialog/oauth') {
      const q = url.searchParams
      if (q.get('client_id') !== state.appId || !q.get('redirect_uri'))
        return sendJson(res, 400, graphError(191, 'Invalid redirect'))
      const code = randomBytes(8).toString('hex')
      codes.add(code)
      const back = new URL(q.get('redirect_uri') as string)
      back.searchParams.set('code', code)
      back.searchParams.set('state', q.get('state') ?? '')
      res.writeHead(302, { location: back.toString() })
      return res.end()
    }
    if (method === 'POST' && path === '/v24.0/oauth/access_token') {
      const form = new URLSearchParams(body.toString('utf8'))
      if (form.get('client_id') !== state.appId || form.get('client_secret') !== state.appSecret)
        return sendJson(res, 400, graphError(1, 'Error validating client secret.'))
      if (form.get('grant_type') === 'fb_exchange_token') {
        if (!shortLived.delete(form.get('fb_exchange_token') ?? ''))
          return sendJson(res, 400, graphError(190, 'Invalid OAuth access token.'))
        state.exchanges++
        return sendJson(res, 200, { access_token: issueToken(), token_type: 'bearer', expires_in: 5_183_944 })
      }
      if (!codes.delete(form.get('code') ?? ''))
        return sendJson(res, 400, graphError(100, 'This authorization code has been used.'))
      // The code gives a short-lived token (about two hours).
      const short = issueToken(7_200_000)
      shortLived.add(short)
      return sendJson(res, 200, { access_token: short, token_type: 'bearer', expires_in: 7200 })
    }
    const bearer =
      (headers.authorization ?? '').replace(/^Bearer\s+/i, '') || (url.searchParams.get('access_token') ?? '')
    const expiry = tokens.get(bearer)
    if (!expiry)
      return sendJson(res, 400, graphError(190, 'Invalid OAuth access token - Cannot parse access token'))
    if (expiry < Date.now())
      return sendJson(
        res,
        400,
        graphError(190, 'Error validating access token: Session has expired.', { error_subcode: 463 }),
      )
    const m = /^\/v24\.0\/(.+)$/.exec(path)
    if (!m) return sendJson(res, 400, graphError(2500, 'Unknown path components'))
    const parts = (m[1] as string).split('/')
    const form = new URLSearchParams(body.toString('utf8'))
    const q = url.searchParams
    const [node, edge] = parts

    if (method === 'GET' && node === 'me' && edge === 'accounts')
      return sendJson(res, 200, {
        data: [
          {
            id: state.pageId,
            name: 'Rounds Medicine',
            access_token: state.pageToken,
            instagram_business_account: { id: state.igUserId, username: 'roundsmed' },
          },
        ],
      })

    // ── Instagram ──
    if (node === state.igUserId && !edge && method === 'GET')
      return sendJson(res, 200, { id: state.igUserId, username: 'roundsmed' })
    if (node === state.igUserId && edge === 'media' && method === 'POST') {
      const type = form.get('media_type') ?? 'IMAGE'
      const c: FakeContainer = {
        id: nextId(),
        kind: type as FakeContainer['kind'],
        url: form.get('image_url') ?? form.get('video_url'),
        caption: form.get('caption') ?? '',
        altText: form.get('alt_text'),
        children: (form.get('children') ?? '').split(',').filter(Boolean),
        fetchedBytes: 0,
        status: 'IN_PROGRESS',
        polls: 0,
      }
      if (type === 'CAROUSEL') {
        if (c.children.length < 2 || c.children.length > 10)
          return sendJson(res, 400, graphError(100, 'Carousels need 2 to 10 children'))
        if (c.children.some((id) => containers.get(id)?.status !== 'FINISHED'))
          return sendJson(res, 400, graphError(9007, 'Media ID is not available', { error_subcode: 2207027 }))
        c.status = 'FINISHED'
      } else {
        if (!c.url)
          return sendJson(res, 400, graphError(100, 'The parameter image_url or video_url is required'))
        if (type === 'IMAGE' && form.get('is_carousel_item') !== 'true' && !form.has('caption'))
          c.caption = ''
      }
      // Images are ready at once; videos process for a few polls.
      await prepareContainer(c, state.resolve, state, type === 'IMAGE')
      containers.set(c.id, c)
      return sendJson(res, 200, { id: c.id })
    }
    if (node === state.igUserId && edge === 'media_publish' && method === 'POST') {
      const c = containers.get(form.get('creation_id') ?? '')
      if (!c) return sendJson(res, 400, graphError(100, 'Invalid parameter'))
      if (c.status !== 'FINISHED')
        return sendJson(res, 400, graphError(9007, 'Media ID is not available', { error_subcode: 2207027 }))
      c.status = 'PUBLISHED'
      const p: FakeMetaPost = {
        id: nextId(),
        channel: 'instagram',
        text: c.caption,
        container: c,
        photos: [],
        videoUrl: null,
        comments: [],
        deleted: false,
      }
      posts.push(p)
      return sendJson(res, 200, { id: p.id })
    }
    if (node === state.igUserId && edge === 'media' && method === 'GET')
      return sendJson(res, 200, {
        data: posts
          .filter((p) => p.channel === 'instagram' && !p.deleted)
          .reverse()
          .slice(0, Number(q.get('limit') ?? 25))
          .map((p) => ({ id: p.id, caption: p.text, permalink: `https://www.instagram.com/p/${p.id}/` })),
      })
    const container = node ? containers.get(node) : undefined
    if (container && method === 'GET' && !edge) {
      pollContainerStatus(container, state.videoProcessingPolls)
      return sendJson(res, 200, {
        id: container.id,
        status_code: container.status,
        ...(container.status === 'ERROR' ? { status: 'Error: Media download has failed.' } : {}),
      })
    }

    // ── Facebook page ──
    if (node === state.pageId && edge === 'photos' && method === 'POST') {
      const bytes = await fetchFile(form.get('url') ?? '')
      if (bytes <= 0) return sendJson(res, 400, graphError(324, 'Missing or invalid image file'))
      const id = nextId()
      posts.push({
        id,
        channel: 'facebook',
        text: '',
        container: null,
        photos: [{ id, fetchedBytes: bytes }],
        videoUrl: null,
        comments: [],
        deleted: form.get('published') === 'false',
      })
      return sendJson(res, 200, { id })
    }
    if (node === state.pageId && edge === 'videos' && method === 'POST') {
      const p: FakeMetaPost = {
        id: nextId(),
        channel: 'facebook',
        text: form.get('description') ?? '',
        container: null,
        photos: [],
        videoUrl: form.get('file_url'),
        comments: [],
        deleted: false,
      }
      posts.push(p)
      return sendJson(res, 200, { id: p.id })
    }
    if (node === state.pageId && edge === 'feed' && method === 'POST') {
      const photos = [...form.entries()]
        .filter(([k]) => k.startsWith('attached_media['))
        .map(([, v]) => (JSON.parse(v) as { media_fbid: string }).media_fbid)
        .map((id) => posts.find((p) => p.id === id)?.photos[0])
      if (photos.some((p) => !p)) return sendJson(res, 400, graphError(100, 'Invalid attached media'))
      const p: FakeMetaPost = {
        id: `${state.pageId}_${nextId()}`,
        channel: 'facebook',
        text: form.get('message') ?? '',
        container: null,
        photos: photos as { id: string; fetchedBytes: number }[],
        videoUrl: null,
        comments: [],
        deleted: false,
      }
      posts.push(p)
      return sendJson(res, 200, { id: p.id })
    }
    if (node === state.pageId && edge === 'feed' && method === 'GET')
      return sendJson(res, 200, {
        data: posts
          .filter((p) => p.channel === 'facebook' && !p.deleted && p.text)
          .reverse()
          .slice(0, Number(q.get('limit') ?? 25))
          .map((p) => ({ id: p.id, message: p.text, permalink_url: `https://www.facebook.com/${p.id}` })),
      })

    // ── any post or comment ──
    const post = posts.find((p) => p.id === node && !p.deleted)
    const comment = posts.flatMap((p) => p.comments.map((c) => ({ p, c }))).find((x) => x.c === node)
    if (edge === 'comments' && method === 'POST') {
      if (!post) return sendJson(res, 400, graphError(100, 'Unsupported post request. Object does not exist'))
      const id = nextId()
      post.comments.push(id)
      return sendJson(res, 200, { id })
    }
    if (edge === 'insights' && method === 'GET') {
      if (!post) return sendJson(res, 400, graphError(100, 'Object does not exist'))
      const values: Record<string, number> = {
        views: 800,
        reach: 500,
        likes: 40,
        comments: post.comments.length,
        saved: 7,
        shares: 3,
      }
      return sendJson(res, 200, {
        data: (q.get('metric') ?? '')
          .split(',')
          .map((name) => ({ name, period: 'lifetime', values: [{ value: values[name] ?? 0 }] })),
      })
    }
    if (method === 'DELETE') {
      if (comment) {
        comment.p.comments = comment.p.comments.filter((c) => c !== node)
        return sendJson(res, 200, { success: true })
      }
      if (!post) return sendJson(res, 400, graphError(100, 'Object does not exist'))
      if (post.channel === 'instagram')
        return sendJson(
          res,
          400,
          graphError(3, 'Application does not have the capability to make this API call.'),
        )
      post.deleted = true
      return sendJson(res, 200, { success: true })
    }
    if (method === 'GET' && post && !edge)
      return sendJson(res, 200, {
        id: post.id,
        permalink: `https://www.instagram.com/p/${post.id}/`,
        permalink_url: `https://www.facebook.com/${post.id}`,
        shares: { count: 2 },
        reactions: { data: [], summary: { total_count: 9 } },
        comments: { data: [], summary: { total_count: post.comments.length } },
      })
    return sendJson(
      res,
      400,
      graphError(100, `Unsupported ${method} request. Object with ID '${node}' does not exist`),
    )
  }
  const server = await startFakeServer(handle, (s: Scripted) =>
    graphError(s.status === 400 ? 32 : 1, `scripted ${s.status}`),
  )
  return { ...server, state, containers, posts, issueToken }
}
