import { createHash } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * An HTTP-level fake of the parts of Mastodon's REST API Rounds uses, following the
 * documented contract (docs.joinmastodon.org/methods/): verify_credentials, statuses with
 * Idempotency-Key (the same key returns the same status or scheduled status), scheduled_at
 * (a ScheduledStatus at least 5 minutes ahead — sooner is refused with 422, a past time posts at
 * once — with GET/PUT/DELETE /api/v1/scheduled_statuses/:id and the list; when its time comes the
 * server posts it as a new status, after which GET answers 404 and the status appears in
 * GET /api/v1/accounts/:id/statuses), media upload v2 (202 while processing, GET /api/v1/media/:id answering 206 until ready),
 * delete, and the counts metrics read. Failures can be scripted: 429 with Retry-After or
 * X-RateLimit-Reset, 5xx, and a revoked token (401).
 */
export type FakeStatus = {
  id: string
  text: string
  inReplyToId: string | null
  mediaIds: string[]
  visibility: string
  language: string | null
  idempotencyKey: string | null
  deleted: boolean
  favourites: number
  reblogs: number
  replies: number
  createdAt: string
  /** The scheduled status it was posted from, if any. */
  fromScheduled: string | null
}

export type FakeScheduled = {
  id: string
  scheduledAt: string
  text: string
  language: string | null
  visibility: string
  mediaIds: string[]
  idempotencyKey: string | null
  deleted: boolean
  /** The status the server posted at the time. */
  postedAs: string | null
}

export type FakeMedia = {
  id: string
  description: string | null
  bytes: number
  /** SHA-256 (hex) of the file received. */
  sha256: string
  mimeType: string
  polls: number
}

type Scripted = { status: number; headers?: Record<string, string>; body?: unknown; path?: RegExp }

export type MastodonFake = {
  url: string
  /** Valid access tokens; others get 401. */
  tokens: Set<string>
  statuses: FakeStatus[]
  scheduled: FakeScheduled[]
  /** Posts every scheduled status whose time has come (the server's scheduler); also done on each request. */
  fireDue(): void
  media: FakeMedia[]
  /** Every request's method and path, in order. */
  requests: { method: string; path: string; idempotencyKey: string | null }[]
  /** How many GET /api/v1/media/:id polls answer 206 before the media is ready. */
  mediaProcessingPolls: number
  /** A status is created at once but answered only after this delay (a slow server, or a caller cut off mid-call). */
  statusResponseDelayMs: number
  /** Called after a status is created, before it is answered (to cut a caller off mid-call). */
  onStatusCreated: ((count: number) => void) | null
  /** The same for a scheduled status (counting the scheduled statuses). */
  onScheduledCreated: ((count: number) => void) | null
  /** The next matching requests fail with these responses, in order. */
  failNext(...responses: Scripted[]): void
  live(): FakeStatus[]
  close(): Promise<void>
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** Mastodon's ScheduledStatusValidator: at least 5 minutes ahead. */
const MIN_SCHEDULE_OFFSET_MS = 5 * 60_000

export async function startMastodonFake(
  options: { account?: string; token?: string; now?: () => Date } = {},
): Promise<MastodonFake> {
  const username = options.account ?? 'rounds'
  const now = options.now ?? (() => new Date())
  let next = 1000
  const nextId = () => String(next++)
  const scripted: Scripted[] = []
  const fake = {
    tokens: new Set([options.token ?? 'token-1']),
    statuses: [],
    scheduled: [],
    media: [],
    requests: [],
    mediaProcessingPolls: 1,
    statusResponseDelayMs: 0,
    onStatusCreated: null,
    onScheduledCreated: null,
    failNext: (...r) => scripted.push(...r),
    fireDue: () => {
      for (const sc of fake.scheduled) {
        if (sc.deleted || Date.parse(sc.scheduledAt) > now().getTime()) continue
        // Mastodon destroys the scheduled status and posts its params as a new status (the
        // Idempotency-Key of the original request is not carried over).
        sc.deleted = true
        const s = newStatus({
          text: sc.text,
          mediaIds: sc.mediaIds,
          visibility: sc.visibility,
          language: sc.language,
        })
        s.fromScheduled = sc.id
        sc.postedAs = s.id
      }
    },
    live: () => fake.statuses.filter((s) => !s.deleted),
    url: '',
    close: async () => {},
  } as MastodonFake
  let base = ''
  const present = (s: FakeStatus) => ({
    id: s.id,
    uri: `${base}/users/${username}/statuses/${s.id}`,
    url: `${base}/@${username}/${s.id}`,
    created_at: s.createdAt,
    content: `<p>${s.text}</p>`,
    text: s.text,
    visibility: s.visibility,
    language: s.language,
    in_reply_to_id: s.inReplyToId,
    media_attachments: s.mediaIds.map((id) => ({ id, type: 'image', url: `${base}/media/${id}` })),
    favourites_count: s.favourites,
    reblogs_count: s.reblogs,
    replies_count: s.replies,
    account: { id: '1', username, acct: username },
  })

  const newStatus = (input: {
    text: string
    inReplyToId?: string | null
    mediaIds?: string[]
    visibility?: string
    language?: string | null
    idempotencyKey?: string | null
  }): FakeStatus => {
    const s: FakeStatus = {
      id: nextId(),
      text: input.text,
      inReplyToId: input.inReplyToId ?? null,
      mediaIds: input.mediaIds ?? [],
      visibility: input.visibility ?? 'public',
      language: input.language ?? null,
      idempotencyKey: input.idempotencyKey ?? null,
      deleted: false,
      favourites: 0,
      reblogs: 0,
      replies: 0,
      createdAt: now().toISOString(),
      fromScheduled: null,
    }
    fake.statuses.push(s)
    const parent = fake.statuses.find((x) => x.id === s.inReplyToId)
    if (parent) parent.replies++
    return s
  }
  const presentScheduled = (s: FakeScheduled) => ({
    id: s.id,
    scheduled_at: s.scheduledAt,
    params: {
      text: s.text,
      visibility: s.visibility,
      language: s.language,
      media_ids: s.mediaIds.length ? s.mediaIds : null,
      in_reply_to_id: null,
      application_id: 1,
    },
    media_attachments: [],
  })

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', base)
    const path = url.pathname
    const method = req.method ?? 'GET'
    const key = (req.headers['idempotency-key'] as string | undefined) ?? null
    fake.requests.push({ method, path, idempotencyKey: key })
    const body = await readBody(req)
    const i = scripted.findIndex((s) => !s.path || s.path.test(path))
    if (i >= 0) {
      const s = scripted.splice(i, 1)[0] as Scripted
      return json(res, s.status, s.body ?? { error: `scripted ${s.status}` }, s.headers)
    }
    const auth = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '')
    if (!fake.tokens.has(auth)) return json(res, 401, { error: 'The access token is invalid' })
    fake.fireDue()

    if (method === 'GET' && path === '/api/v1/accounts/verify_credentials')
      return json(res, 200, {
        id: '1',
        username,
        acct: username,
        display_name: 'Rounds',
        url: `${base}/@${username}`,
      })

    if (method === 'POST' && path === '/api/v2/media') {
      const form = await new Request(url, {
        method,
        headers: { 'content-type': String(req.headers['content-type']) },
        body,
      }).formData()
      const file = form.get('file')
      if (!(file instanceof Blob)) return json(res, 422, { error: 'Validation failed: File is missing' })
      const m: FakeMedia = {
        id: nextId(),
        description: (form.get('description') as string | null) ?? null,
        bytes: file.size,
        sha256: createHash('sha256')
          .update(new Uint8Array(await file.arrayBuffer()))
          .digest('hex'),
        mimeType: file.type,
        polls: 0,
      }
      fake.media.push(m)
      const processing = fake.mediaProcessingPolls > 0
      return json(res, processing ? 202 : 200, {
        id: m.id,
        type: 'image',
        url: processing ? null : `${base}/media/${m.id}`,
        description: m.description,
      })
    }
    const mediaMatch = /^\/api\/v1\/media\/(\w+)$/.exec(path)
    if (method === 'GET' && mediaMatch) {
      const m = fake.media.find((x) => x.id === mediaMatch[1])
      if (!m) return json(res, 404, { error: 'Record not found' })
      m.polls++
      const ready = m.polls >= fake.mediaProcessingPolls
      return json(res, ready ? 200 : 206, {
        id: m.id,
        type: 'image',
        url: ready ? `${base}/media/${m.id}` : null,
        description: m.description,
      })
    }

    if (method === 'POST' && path === '/api/v1/statuses') {
      const input = JSON.parse(body.toString('utf8') || '{}') as {
        status?: string
        media_ids?: string[]
        in_reply_to_id?: string | null
        visibility?: string
        language?: string | null
        scheduled_at?: string | null
      }
      if (!input.status && !(input.media_ids ?? []).length)
        return json(res, 422, { error: "Validation failed: Text can't be blank" })
      if ([...(input.status ?? '')].length > 500)
        return json(res, 422, { error: 'Validation failed: Text character limit of 500 exceeded' })
      for (const id of input.media_ids ?? []) {
        const m = fake.media.find((x) => x.id === id)
        if (!m || m.polls < fake.mediaProcessingPolls)
          return json(res, 422, {
            error: 'Cannot attach files that have not finished processing. Try again in a moment!',
          })
      }
      if (input.in_reply_to_id && !fake.statuses.some((s) => s.id === input.in_reply_to_id && !s.deleted))
        return json(res, 404, { error: 'Record not found' })
      // Mastodon keeps an Idempotency-Key for an hour and answers with the first status (or
      // the first scheduled status, while it is still scheduled).
      const earlier = key ? fake.statuses.find((s) => s.idempotencyKey === key) : undefined
      if (earlier) return json(res, 200, present(earlier))
      const earlierScheduled = key
        ? fake.scheduled.find((s) => s.idempotencyKey === key && !s.deleted)
        : undefined
      if (earlierScheduled) return json(res, 200, presentScheduled(earlierScheduled))
      // A time in the past posts at once; a future one must be at least 5 minutes ahead.
      if (input.scheduled_at && Date.parse(input.scheduled_at) > now().getTime()) {
        if (Date.parse(input.scheduled_at) < now().getTime() + MIN_SCHEDULE_OFFSET_MS)
          return json(res, 422, {
            error: 'Validation failed: Scheduled at The scheduled date must be in the future',
          })
        const sc: FakeScheduled = {
          id: nextId(),
          scheduledAt: new Date(input.scheduled_at).toISOString(),
          text: input.status ?? '',
          language: input.language ?? null,
          visibility: input.visibility ?? 'public',
          mediaIds: input.media_ids ?? [],
          idempotencyKey: key,
          deleted: false,
          postedAs: null,
        }
        fake.scheduled.push(sc)
        fake.onScheduledCreated?.(fake.scheduled.length)
        if (fake.statusResponseDelayMs > 0)
          await new Promise((r) => setTimeout(r, fake.statusResponseDelayMs))
        return json(res, 200, presentScheduled(sc))
      }
      const s = newStatus({
        text: input.status ?? '',
        inReplyToId: input.in_reply_to_id ?? null,
        mediaIds: input.media_ids ?? [],
        visibility: input.visibility ?? 'public',
        language: input.language ?? null,
        idempotencyKey: key,
      })
      fake.onStatusCreated?.(fake.statuses.length)
      if (fake.statusResponseDelayMs > 0) await new Promise((r) => setTimeout(r, fake.statusResponseDelayMs))
      return json(res, 200, present(s))
    }
    const statusMatch = /^\/api\/v1\/statuses\/(\w+)$/.exec(path)
    if (statusMatch) {
      const s = fake.statuses.find((x) => x.id === statusMatch[1] && !x.deleted)
      if (!s) return json(res, 404, { error: 'Record not found' })
      if (method === 'GET') return json(res, 200, present(s))
      if (method === 'DELETE') {
        s.deleted = true
        return json(res, 200, { ...present(s), text: s.text })
      }
    }
    if (method === 'GET' && path === '/api/v1/scheduled_statuses')
      return json(
        res,
        200,
        fake.scheduled
          .filter((s) => !s.deleted)
          .slice(0, Number(url.searchParams.get('limit') ?? 20))
          .map(presentScheduled),
      )
    const scheduledMatch = /^\/api\/v1\/scheduled_statuses\/(\w+)$/.exec(path)
    if (scheduledMatch) {
      const s = fake.scheduled.find((x) => x.id === scheduledMatch[1] && !x.deleted)
      if (!s) return json(res, 404, { error: 'Record not found' })
      if (method === 'GET') return json(res, 200, presentScheduled(s))
      if (method === 'PUT') {
        const input = JSON.parse(body.toString('utf8') || '{}') as { scheduled_at?: string }
        const at = Date.parse(input.scheduled_at ?? '')
        if (Number.isNaN(at) || at < now().getTime() + MIN_SCHEDULE_OFFSET_MS)
          return json(res, 422, {
            error: 'Validation failed: Scheduled at The scheduled date must be in the future',
          })
        s.scheduledAt = new Date(at).toISOString()
        return json(res, 200, presentScheduled(s))
      }
      if (method === 'DELETE') {
        s.deleted = true
        return json(res, 200, {})
      }
    }
    const accountStatuses = /^\/api\/v1\/accounts\/(\w+)\/statuses$/.exec(path)
    if (method === 'GET' && accountStatuses) {
      if (accountStatuses[1] !== '1') return json(res, 404, { error: 'Record not found' })
      const noReplies = url.searchParams.get('exclude_replies') === 'true'
      return json(
        res,
        200,
        fake
          .live()
          .filter((s) => !noReplies || !s.inReplyToId)
          .reverse()
          .slice(0, Number(url.searchParams.get('limit') ?? 20))
          .map(present),
      )
    }
    return json(res, 404, { error: 'Not found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  fake.url = base
  fake.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  return fake
}
