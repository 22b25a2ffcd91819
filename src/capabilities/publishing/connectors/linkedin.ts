import { channelSpecs } from '#src/capabilities/screening/channels.ts'
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
import { createHttp, type HttpRefusal, pause, rangeBody } from './http.ts'

/**
 * LinkedIn through the versioned Posts API with plain fetch (docs/decisions/012), posting as
 * an organisation page (`urn:li:organization:…`): commentary in LinkedIn's "little text"
 * (reserved characters escaped, hashtags as hashtag templates), images through
 * /rest/images?action=initializeUpload then a PUT, PDF documents through /rest/documents,
 * video through /rest/videos initializeUpload, a PUT per upload instruction collecting the
 * ETags, finalizeUpload, then waiting until the video is AVAILABLE; delete; social action
 * counts. LinkedIn has no idempotency key: a part cut off mid-call is looked up among the
 * organisation's recent posts.
 */
export const LINKEDIN_API = 'https://api.linkedin.com'
/** The Posts API version Rounds speaks (YYYYMM); LinkedIn supports each version for a year. */
export const LINKEDIN_VERSION = '202610'
const LABEL = channelSpecs.linkedin.label

const RESERVED = /[\\|{}@[\]()<>#*_~]/g
const escapeLittle = (s: string) => s.replace(RESERVED, (c) => `\\${c}`)
/** LinkedIn's little-text format: reserved characters escaped (else the text is cut there); #tags become hashtag templates. */
export function littleText(text: string): string {
  let out = ''
  let last = 0
  for (const m of text.matchAll(/(?<=^|\s)#([\p{L}\p{N}_]+)/gu)) {
    out += `${escapeLittle(text.slice(last, m.index))}{hashtag|\\#|${escapeLittle(m[1] as string)}}`
    last = m.index + m[0].length
  }
  return out + escapeLittle(text.slice(last))
}

/** LinkedIn's refusals in plain words. */
export function linkedinError({ status, headers, body, doing }: HttpRefusal, now: Date): ChannelError {
  const said = (body as { message?: string } | null)?.message
  const wait = retryAfterMs(headers.get('retry-after'), now)
  if (status === 401)
    return new ChannelError(
      'linkedin',
      `${LABEL} refused Rounds' access while ${doing}. Connect the page again.`,
      {
        status,
        permanent: true,
        reauthorise: true,
      },
    )
  if (status === 429)
    return new ChannelError('linkedin', `${LABEL} is limiting how fast Rounds may post.`, {
      status,
      retryAfterMs: wait ?? 60_000,
    })
  if (status >= 500)
    return new ChannelError('linkedin', `${LABEL} had a server error while ${doing}.`, {
      status,
      retryAfterMs: wait,
    })
  if (status === 403)
    return new ChannelError(
      'linkedin',
      `${LABEL} does not allow Rounds to do this for the page while ${doing}${said ? ` (${said})` : ''}. An administrator of the page must connect it.`,
      {
        status,
        permanent: true,
      },
    )
  return new ChannelError('linkedin', `${LABEL} refused ${doing}${said ? ` (${said})` : ''}.`, {
    status,
    permanent: true,
  })
}

export type LinkedInOptions = { pollMs?: number; maxPolls?: number }

export function createLinkedInConnector(env: ConnectorEnv, options: LinkedInOptions = {}): ChannelConnector {
  const base = (env.baseUrl || LINKEDIN_API).replace(/\/$/, '')
  const pollMs = options.pollMs ?? 3000
  const maxPolls = options.maxPolls ?? 200
  const http = createHttp(env, 'linkedin', (r) => linkedinError(r, env.now()))
  const headers = (c: ChannelCredentials) => ({
    authorization: `Bearer ${c.accessToken ?? ''}`,
    'linkedin-version': LINKEDIN_VERSION,
    'x-restli-protocol-version': '2.0.0',
    'content-type': 'application/json',
  })
  const author = (c: ChannelCredentials) => {
    if (!c.accountId)
      throw new ChannelError('linkedin', `Choose the ${LABEL} page to post as, then retry.`, {
        permanent: true,
        reauthorise: true,
      })
    return c.accountId.startsWith('urn:li:') ? c.accountId : `urn:li:organization:${c.accountId}`
  }
  const postUrl = (urn: string) => `https://www.linkedin.com/feed/update/${urn}/`

  /** PUTs bytes `first`–`last` (inclusive) of the file, streamed from the store by range. */
  async function put(
    ctx: PostContext,
    doing: string,
    url: string,
    m: OutgoingMedia,
    [first, last]: [number, number],
    type: string,
  ): Promise<string | null> {
    const res = await http.raw(
      doing,
      url,
      {
        method: 'PUT',
        headers: {
          authorization: `Bearer ${ctx.credentials.accessToken ?? ''}`,
          'content-type': type,
          'content-length': String(last - first + 1),
        },
        ...(await rangeBody(m.body, first, last)),
      },
      ctx.signal,
    )
    if (!res.ok) throw await http.fail(res, doing)
    return res.headers.get('etag')
  }

  async function uploadImageOrDocument(
    ctx: PostContext,
    owner: string,
    m: OutgoingMedia,
    kind: 'images' | 'documents',
  ) {
    const init = await http.json<{ value: { uploadUrl: string; image?: string; document?: string } }>(
      `starting the ${kind === 'images' ? 'image' : 'document'} upload`,
      `${base}/rest/${kind}?action=initializeUpload`,
      {
        method: 'POST',
        headers: headers(ctx.credentials),
        body: JSON.stringify({ initializeUploadRequest: { owner } }),
      },
      ctx.signal,
    )
    await put(
      ctx,
      `uploading the ${kind === 'images' ? 'image' : 'document'}`,
      init.value.uploadUrl,
      m,
      [0, m.body.size - 1],
      m.mimeType,
    )
    return (init.value.image ?? init.value.document) as string
  }

  async function uploadVideo(ctx: PostContext, owner: string, m: OutgoingMedia) {
    const init = await http.json<{
      value: {
        video: string
        uploadToken?: string
        uploadInstructions: { uploadUrl: string; firstByte: number; lastByte: number }[]
      }
    }>(
      'starting the video upload',
      `${base}/rest/videos?action=initializeUpload`,
      {
        method: 'POST',
        headers: headers(ctx.credentials),
        body: JSON.stringify({
          initializeUploadRequest: {
            owner,
            fileSizeBytes: m.body.size,
            uploadCaptions: false,
            uploadThumbnail: false,
          },
        }),
      },
      ctx.signal,
    )
    const etags: string[] = []
    for (const step of init.value.uploadInstructions) {
      const etag = await put(
        ctx,
        'uploading the video',
        step.uploadUrl,
        m,
        [step.firstByte, Math.min(step.lastByte, m.body.size - 1)],
        'application/octet-stream',
      )
      if (!etag) throw new ChannelError('linkedin', `${LABEL} did not acknowledge a part of the video.`)
      etags.push(etag)
    }
    await http.json(
      'finishing the video upload',
      `${base}/rest/videos?action=finalizeUpload`,
      {
        method: 'POST',
        headers: headers(ctx.credentials),
        body: JSON.stringify({
          finalizeUploadRequest: {
            video: init.value.video,
            uploadToken: init.value.uploadToken ?? '',
            uploadedPartIds: etags,
          },
        }),
      },
      ctx.signal,
    )
    for (let n = 0; n < maxPolls; n++) {
      const v = await http.json<{ status?: string }>(
        'checking the video',
        `${base}/rest/videos/${encodeURIComponent(init.value.video)}`,
        { headers: headers(ctx.credentials) },
        ctx.signal,
      )
      if (v?.status === 'AVAILABLE') return init.value.video
      if (v?.status === 'PROCESSING_FAILED')
        throw new ChannelError('linkedin', `${LABEL} could not process the video.`, { permanent: true })
      await pause(pollMs, 'linkedin', ctx.signal)
    }
    throw new ChannelError('linkedin', `${LABEL} is still processing the video; Rounds will try again.`, {
      retryAfterMs: 10 * 60_000,
    })
  }

  return {
    channel: 'linkedin',
    capabilities: {
      spec: channelSpecs.linkedin,
      media: {
        imageKinds: ['image/jpeg', 'image/png', 'image/gif'],
        videoKinds: ['video/mp4'],
        // A multi-image post holds up to 20 images.
        maxImages: 20,
        // LinkedIn limits images by pixels (36,152,320); 10 MB keeps well within that.
        maxImageBytes: 10 * 1024 * 1024,
        // Video: 75 KB to 500 MB, 3 seconds to 30 minutes.
        maxVideoBytes: 500 * 1024 * 1024,
        altText: true,
      },
      threads: false,
      nativeScheduling: false,
      edit: false,
      delete: true,
      reply: false,
      metrics: ['likes', 'replies'],
      // Posts API: 150 member posts a day; organisation posting shares the application's daily quota.
      rateLimit: { posts: 150, windowMs: 24 * 60 * 60_000 },
    },

    async verify(credentials) {
      const acls = await http.json<{ elements?: { organization?: string; organizationTarget?: string }[] }>(
        'checking the pages you administer',
        `${base}/rest/organizationAcls?q=roleAssignee&role=ADMINISTRATOR&state=APPROVED`,
        { headers: headers(credentials) },
      )
      const wanted = credentials.accountId ? author(credentials) : null
      const orgs = (acls?.elements ?? [])
        .map((e) => e.organization ?? e.organizationTarget ?? '')
        .filter(Boolean)
      const urn = wanted ? orgs.find((o) => o === wanted) : orgs[0]
      if (!urn)
        throw new ChannelError('linkedin', `This ${LABEL} member administers no page Rounds can post as.`, {
          permanent: true,
        })
      const id = urn.split(':').at(-1) ?? ''
      const org = await http.json<{ localizedName?: string; vanityName?: string }>(
        'reading the page',
        `${base}/rest/organizations/${encodeURIComponent(id)}`,
        {
          headers: headers(credentials),
        },
      )
      return { name: org?.localizedName ?? org?.vanityName ?? urn, accountId: urn }
    },

    async publishPart(ctx, _post, part, replyTo) {
      if (replyTo)
        throw new ChannelError('linkedin', `${LABEL} posts cannot be replies.`, { permanent: true })
      const owner = author(ctx.credentials)
      const images: { id: string; altText?: string }[] = []
      let single: { id: string; altText?: string; title?: string } | null = null
      for (const m of part.media) {
        if (m.mimeType === 'application/pdf')
          single = { id: await uploadImageOrDocument(ctx, owner, m, 'documents'), title: 'Document' }
        else if (m.kind === 'video') single = { id: await uploadVideo(ctx, owner, m) }
        else
          images.push({
            id: await uploadImageOrDocument(ctx, owner, m, 'images'),
            ...(m.altText ? { altText: m.altText.slice(0, 4086) } : {}),
          })
      }
      if (single && images.length)
        throw new ChannelError(
          'linkedin',
          `${LABEL} posts carry either images or one video or document, not both.`,
          { permanent: true },
        )
      const content = single
        ? { media: single }
        : images.length === 1
          ? { media: images[0] }
          : images.length > 1
            ? { multiImage: { images } }
            : null
      const res = await http.raw(
        'posting',
        `${base}/rest/posts`,
        {
          method: 'POST',
          headers: headers(ctx.credentials),
          body: JSON.stringify({
            author: owner,
            commentary: littleText(part.text),
            visibility: 'PUBLIC',
            distribution: {
              feedDistribution: 'MAIN_FEED',
              targetEntities: [],
              thirdPartyDistributionChannels: [],
            },
            ...(content ? { content } : {}),
            lifecycleState: 'PUBLISHED',
            isReshareDisabledByAuthor: false,
          }),
        },
        ctx.signal,
      )
      if (!res.ok) throw await http.fail(res, 'posting')
      const urn = res.headers.get('x-restli-id')
      if (!urn)
        throw new ChannelError('linkedin', `${LABEL} accepted the post but did not name it.`, {
          permanent: true,
        })
      ctx.onProgress?.(1)
      return { remoteId: urn, url: postUrl(urn) }
    },

    async lookup(ctx, _post, part) {
      const owner = author(ctx.credentials)
      const list = await http.json<{ elements?: { id: string; commentary?: string }[] }>(
        'checking recent posts',
        `${base}/rest/posts?q=author&author=${encodeURIComponent(owner)}&count=20&sortBy=LAST_MODIFIED`,
        { headers: { ...headers(ctx.credentials), 'x-restli-method': 'FINDER' } },
        ctx.signal,
      )
      const want = littleText(part.text)
      const found = (list?.elements ?? []).find((p) => p.commentary === want)
      return found ? { remoteId: found.id, url: postUrl(found.id) } : null
    },

    async delete(ctx, remote) {
      await http.json('deleting the post', `${base}/rest/posts/${encodeURIComponent(remote.remoteId)}`, {
        method: 'DELETE',
        headers: headers(ctx.credentials),
      })
    },

    async metrics(ctx, remote) {
      const s = await http.json<{
        likesSummary?: { totalLikes?: number }
        commentsSummary?: { aggregatedTotalComments?: number }
      }>('reading the post', `${base}/rest/socialActions/${encodeURIComponent(remote.remoteId)}`, {
        headers: headers(ctx.credentials),
      })
      return {
        likes: s?.likesSummary?.totalLikes ?? 0,
        replies: s?.commentsSummary?.aggregatedTotalComments ?? 0,
      }
    },
  }
}

export const linkedinConnectorFactory: ConnectorFactory = {
  channel: 'linkedin',
  connection: 'oauth2',
  defaultBaseUrl: LINKEDIN_API,
  oauth: (base) => ({
    authorizeUrl:
      base === LINKEDIN_API
        ? 'https://www.linkedin.com/oauth/v2/authorization'
        : `${base}/oauth/v2/authorization`,
    tokenUrl:
      base === LINKEDIN_API
        ? 'https://www.linkedin.com/oauth/v2/accessToken'
        : `${base}/oauth/v2/accessToken`,
    scopes: ['w_organization_social', 'r_organization_social', 'rw_organization_admin'],
    clientAuth: 'body',
  }),
  create: (env) => createLinkedInConnector(env),
}
