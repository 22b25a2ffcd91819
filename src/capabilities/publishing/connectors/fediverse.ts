import { findPostByKey } from '#src/capabilities/federation/federation.repository.ts'
import {
  deletePost,
  type FederationRuntime,
  findPostByUri,
  postMetrics,
  publishPost,
} from '#src/capabilities/federation/federation.service.ts'
import { escapeHtml } from '#src/capabilities/federation/federation.ts'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import {
  type ChannelConnector,
  ChannelError,
  type ConnectorFactory,
  type OutgoingPart,
  type OutgoingPost,
} from '../connector.ts'
import { readWhole } from './http.ts'

/**
 * The organisation's own fediverse actor, served by Rounds (capabilities/federation). A part
 * becomes a Note (a Video when it carries one) by the organisation, addressed to Public and
 * its followers and delivered to every follower's inbox; a thread part replies to the one
 * before it. Delete sends Delete with a Tombstone. Metrics are the likes, boosts and replies
 * the actor's inbox received for the post.
 *
 * There is no account to connect: the organisation is named by the post's canonical link
 * (`/orgs/{slug}/items/{id}` on this Rounds), which the renderer always sets.
 */
export function createFediverseConnector(runtime: () => FederationRuntime): ChannelConnector {
  const organisationOf = (post: OutgoingPost): string => {
    const rt = runtime()
    let url: URL
    try {
      url = new URL(post.canonicalUrl)
    } catch {
      url = new URL('invalid:')
    }
    const m = /^\/orgs\/([^/]+)\/items\/[^/]+$/.exec(url.pathname)
    if (url.origin !== new URL(rt.deps.publicBaseUrl).origin || !m?.[1])
      throw new ChannelError(
        'fediverse',
        'The post has no canonical link to this Rounds, so no organisation to post as.',
        {
          permanent: true,
        },
      )
    return decodeURIComponent(m[1])
  }

  return {
    channel: 'fediverse',
    capabilities: {
      spec: channelSpecs.fediverse,
      media: {
        imageKinds: ['image/jpeg', 'image/png', 'image/webp', 'image/gif'],
        videoKinds: ['video/mp4', 'video/webm'],
        maxImages: 4,
        maxImageBytes: 16 * 1024 * 1024,
        maxVideoBytes: 100 * 1024 * 1024,
        altText: true,
      },
      threads: true,
      nativeScheduling: false,
      edit: false,
      delete: true,
      reply: true,
      metrics: ['likes', 'reposts', 'replies'],
      // Deliveries are queued per follower inbox; this paces how fast Rounds makes posts.
      rateLimit: { posts: 300, windowMs: 5 * 60_000 },
    },

    async publishPart(_ctx, post, part, replyTo) {
      const rt = runtime()
      const slug = organisationOf(post)
      const video = part.media.find((m) => m.kind === 'video')
      const { uri } = await publishPost(rt, {
        organisationSlug: slug,
        idempotencyKey: post.idempotencyKey,
        objectType: video ? 'Video' : 'Note',
        name: video ? (post.title ?? null) : null,
        content: textToHtml(part.text, rt.deps.publicBaseUrl, slug),
        url: post.canonicalUrl,
        inReplyTo: replyTo ? replyTo.parent.remoteId : null,
        language: post.language ?? null,
        hashtags: post.hashtags.map((t) => t.replace(/^#/, '')),
        // The federation capability keeps its own copy of each file (at most 100 MB) to serve it.
        media: await Promise.all(
          part.media.map(async (m) => ({
            kind: m.kind,
            mediaType: m.mimeType,
            altText: m.altText ?? null,
            captionsVtt: m.captionsVtt ?? null,
            bytes: await readWhole(m.body),
          })),
        ),
      })
      return { remoteId: uri.href, url: uri.href }
    },

    async lookup(_ctx, post: OutgoingPost, _part: OutgoingPart) {
      const rt = runtime()
      const found = await findPostByKey(rt.deps.db, post.idempotencyKey)
      if (!found) return null
      const slug = organisationOf(post)
      const uri = new URL(
        `/orgs/${encodeURIComponent(slug)}/${found.objectType === 'Video' ? 'videos' : 'posts'}/${found.id}`,
        rt.deps.publicBaseUrl,
      )
      return { remoteId: uri.href, url: uri.href }
    },

    async delete(_ctx, remote) {
      const rt = runtime()
      if (!(await findPostByUri(rt, remote.remoteId))) return
      await deletePost(rt, remote.remoteId)
    },

    async metrics(_ctx, remote) {
      return postMetrics(runtime(), remote.remoteId)
    },
  }
}

export function fediverseConnectorFactory(runtime: () => FederationRuntime): ConnectorFactory {
  return { channel: 'fediverse', connection: 'none', create: () => createFediverseConnector(runtime) }
}

/**
 * A part's text as the HTML a Note carries: escaped, paragraphs on blank lines, line breaks,
 * links for URLs and hashtags (to the organisation's page for the tag).
 */
export function textToHtml(text: string, publicBaseUrl: string, slug: string): string {
  const linkify = (line: string) =>
    line
      .split(/(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)])/g)
      .map((chunk, i) => {
        if (i % 2 === 1)
          return `<a href="${escapeHtml(chunk)}" rel="nofollow noopener noreferrer">${escapeHtml(chunk)}</a>`
        return escapeHtml(chunk).replace(/(^|\s)#([\p{L}\p{N}_]+)/gu, (_m, pre: string, tag: string) => {
          const href = `${publicBaseUrl}/orgs/${encodeURIComponent(slug)}?tag=${encodeURIComponent(tag)}`
          return `${pre}<a href="${escapeHtml(href)}" class="mention hashtag" rel="tag">#<span>${tag}</span></a>`
        })
      })
      .join('')
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n{2,}/)
    .filter((p) => p.trim())
    .map((p) => `<p>${p.split('\n').map(linkify).join('<br>')}</p>`)
    .join('')
}
