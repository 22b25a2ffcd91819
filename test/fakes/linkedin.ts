import { createHash, type Hash, randomBytes } from 'node:crypto'
import { type FakeRequest, type Scripted, sendJson, startFakeServer } from './http.ts'

/**
 * An HTTP-level fake of LinkedIn's versioned Marketing APIs as documented
 * (learn.microsoft.com/linkedin/marketing): every /rest call must carry LinkedIn-Version and
 * X-Restli-Protocol-Version; organizationAcls and organizations; images and documents
 * (initializeUpload → PUT to the upload URL); videos (initializeUpload with upload
 * instructions per 4 MB part, PUTs answering ETags, finalizeUpload checking them, status
 * PROCESSING → AVAILABLE); posts (create answering x-restli-id, find by author, delete);
 * socialActions. Failures can be scripted (429, 5xx); expired tokens answer 401.
 */
export type FakeLinkedInPost = {
  urn: string
  author: string
  commentary: string
  content: unknown
  deleted: boolean
}
type Asset = {
  urn: string
  owner: string
  bytes: number
  parts: Map<string, number>
  etags: string[]
  finalized: boolean
  polls: number
  size: number
  /** SHA-256 (hex) of a video's parts in the order they arrived, once finalized (hashed, not kept). */
  sha256: string | null
  digest: Hash
}
const PART = 4 * 1024 * 1024

export type LinkedInFake = Awaited<ReturnType<typeof startLinkedInFake>>

export async function startLinkedInFake() {
  const tokens = new Map<string, number>()
  const posts: FakeLinkedInPost[] = []
  const assets = new Map<string, Asset>()
  const uploads = new Map<string, { asset: Asset; first: number; last: number }>()
  const state = { orgId: '2414183', versionsSeen: new Set<string>(), videoProcessingPolls: 1 }
  const issueToken = (ttlMs = 5_184_000_000) => {
    const t = `AQV${randomBytes(8).toString('hex')}`
    tokens.set(t, Date.now() + ttlMs)
    return t
  }
  let base = ''
  const handle = ({ method, url, path, headers, body, res }: FakeRequest) => {
    const refuse = (status: number, message: string) =>
      sendJson(res, status, { status, serviceErrorCode: 100, code: 'ERROR', message })
    const bearer = (headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    const expiry = tokens.get(bearer)
    if (!expiry || expiry < Date.now()) return refuse(401, 'Invalid access token')
    const up = /^\/upload\/([a-f0-9]+)$/.exec(path)
    if (method === 'PUT' && up) {
      const u = uploads.get(up[1] as string)
      if (!u) return refuse(404, 'No such upload')
      if (u.last >= 0 && body.length !== u.last - u.first + 1) return refuse(400, 'Part size mismatch')
      if (body.length === 0) return refuse(400, 'Empty upload')
      const etag = `"${randomBytes(6).toString('hex')}"`
      u.asset.parts.set(etag, body.length)
      u.asset.bytes += body.length
      u.asset.digest.update(body)
      res.writeHead(201, { etag, 'content-length': '0' })
      return res.end()
    }
    if (!path.startsWith('/rest/')) return refuse(404, `no route ${method} ${path}`)
    const version = String(headers['linkedin-version'] ?? '')
    if (!/^\d{6}$/.test(version))
      return refuse(
        400,
        'A version must be present. Please specify a version by adding the LinkedIn-Version header.',
      )
    if (headers['x-restli-protocol-version'] !== '2.0.0') return refuse(400, 'Restli protocol 2.0.0 required')
    state.versionsSeen.add(version)
    const json = () => JSON.parse(body.toString('utf8') || '{}') as Record<string, Record<string, unknown>>
    const orgUrn = `urn:li:organization:${state.orgId}`

    if (method === 'GET' && path === '/rest/organizationAcls')
      return sendJson(res, 200, {
        elements: [
          {
            role: 'ADMINISTRATOR',
            state: 'APPROVED',
            organization: orgUrn,
            roleAssignee: 'urn:li:person:abc',
          },
        ],
      })
    if (method === 'GET' && path === `/rest/organizations/${state.orgId}`)
      return sendJson(res, 200, {
        id: Number(state.orgId),
        localizedName: 'Rounds Medicine',
        vanityName: 'rounds-medicine',
      })

    const init = /^\/rest\/(images|documents|videos)$/.exec(path)
    if (method === 'POST' && init && url.searchParams.get('action') === 'initializeUpload') {
      const req = json().initializeUploadRequest ?? {}
      if (req.owner !== orgUrn) return refuse(403, 'Not enough permissions to upload for this owner')
      const kind = init[1] as string
      const prefix = kind === 'images' ? 'image' : kind === 'documents' ? 'document' : 'video'
      const asset: Asset = {
        urn: `urn:li:${prefix}:${randomBytes(6).toString('hex')}`,
        owner: orgUrn,
        bytes: 0,
        parts: new Map(),
        etags: [],
        finalized: kind !== 'videos',
        polls: 0,
        size: Number(req.fileSizeBytes ?? 0),
        sha256: null,
        digest: createHash('sha256'),
      }
      assets.set(asset.urn, asset)
      const instruction = (first: number, last: number) => {
        const key = randomBytes(6).toString('hex')
        uploads.set(key, { asset, first, last })
        return { uploadUrl: `${base}/upload/${key}`, firstByte: first, lastByte: last }
      }
      if (kind !== 'videos') {
        // Images and documents: one PUT of the whole file.
        const i = instruction(0, -1)
        return sendJson(res, 200, {
          value: { uploadUrl: i.uploadUrl, [prefix]: asset.urn, uploadUrlExpiresAt: Date.now() + 3_600_000 },
        })
      }
      const steps = []
      for (let first = 0; first < asset.size; first += PART)
        steps.push(instruction(first, Math.min(first + PART, asset.size) - 1))
      return sendJson(res, 200, {
        value: {
          video: asset.urn,
          uploadToken: '',
          uploadUrlsExpireAt: Date.now() + 3_600_000,
          uploadInstructions: steps,
        },
      })
    }
    if (method === 'POST' && path === '/rest/videos' && url.searchParams.get('action') === 'finalizeUpload') {
      const req = json().finalizeUploadRequest ?? {}
      const a = assets.get(String(req.video))
      const ids = (req.uploadedPartIds as string[] | undefined) ?? []
      if (!a || ids.length !== a.parts.size || ids.some((id) => !a.parts.has(id)) || a.bytes !== a.size)
        return refuse(400, 'The uploaded part ids do not match the upload')
      a.finalized = true
      a.sha256 ??= a.digest.digest('hex')
      return sendJson(res, 200, {})
    }
    const video = /^\/rest\/videos\/(.+)$/.exec(path)
    if (method === 'GET' && video) {
      const a = assets.get(decodeURIComponent(video[1] as string))
      if (!a) return refuse(404, 'Not found')
      a.polls++
      return sendJson(res, 200, {
        id: a.urn,
        status: !a.finalized
          ? 'WAITING_UPLOAD'
          : a.polls > state.videoProcessingPolls
            ? 'AVAILABLE'
            : 'PROCESSING',
      })
    }
    if (method === 'POST' && path === '/rest/posts') {
      const b = json() as unknown as {
        author: string
        commentary: string
        content?: { media?: { id: string }; multiImage?: { images: { id: string }[] } }
      }
      if (b.author !== orgUrn) return refuse(403, 'Not enough permissions to post as this organization')
      const ids = b.content?.media
        ? [b.content.media.id]
        : (b.content?.multiImage?.images.map((i) => i.id) ?? [])
      for (const id of ids) {
        const a = assets.get(id)
        if (!a?.finalized || a.bytes === 0) return refuse(422, `Media ${id} is not ready`)
      }
      if (posts.some((p) => !p.deleted && p.commentary === b.commentary))
        return refuse(422, 'Content is a duplicate')
      const p: FakeLinkedInPost = {
        urn: `urn:li:share:${7_100_000_000_000 + posts.length}`,
        author: b.author,
        commentary: b.commentary,
        content: b.content ?? null,
        deleted: false,
      }
      posts.push(p)
      res.writeHead(201, { 'x-restli-id': p.urn, 'content-length': '0' })
      return res.end()
    }
    if (method === 'GET' && path === '/rest/posts' && url.searchParams.get('q') === 'author')
      return sendJson(res, 200, {
        elements: posts
          .filter((p) => !p.deleted && p.author === url.searchParams.get('author'))
          .reverse()
          .slice(0, Number(url.searchParams.get('count') ?? 10))
          .map((p) => ({ id: p.urn, commentary: p.commentary })),
      })
    const one = /^\/rest\/posts\/(.+)$/.exec(path)
    if (method === 'DELETE' && one) {
      const p = posts.find((x) => x.urn === decodeURIComponent(one[1] as string) && !x.deleted)
      if (!p) return refuse(404, 'Not found')
      p.deleted = true
      res.writeHead(204)
      return res.end()
    }
    const social = /^\/rest\/socialActions\/(.+)$/.exec(path)
    if (method === 'GET' && social)
      return sendJson(res, 200, {
        likesSummary: { totalLikes: 12 },
        commentsSummary: { aggregatedTotalComments: 3 },
      })
    return refuse(404, `no route ${method} ${path}`)
  }
  const server = await startFakeServer(handle, (s: Scripted) => ({
    status: s.status,
    message: `scripted ${s.status}`,
  }))
  base = server.url
  return { ...server, state, posts, assets, issueToken, live: () => posts.filter((p) => !p.deleted) }
}
