import { createHash } from 'node:crypto'
import type { Context } from 'hono'
import { Hono } from 'hono'
import { findOrganisationBySlug, findUserById } from '#src/capabilities/accounts/accounts.repository.ts'
import { listCorrections } from '#src/capabilities/content/corrections.service.ts'
import {
  findMediaCaptions,
  findMediaData,
  findPost,
} from '#src/capabilities/federation/federation.repository.ts'
import { surveyLinksHtml } from '#src/capabilities/learning/surveys/survey.html.ts'
import { surveysShownWith } from '#src/capabilities/learning/surveys/survey.service.ts'
import { parseRange, sendOpened } from '#src/capabilities/media/media.http.ts'
import { type MediaDeps, openPublishedMedia } from '#src/capabilities/media/media.service.ts'
import { verifyMediaSignature } from '#src/capabilities/publishing/outbound-media.ts'
import { AppError } from '#src/platform/errors.ts'
import type { HttpEnv } from '#src/platform/http/app.ts'
import type { Keyring } from '#src/platform/secrets.ts'
import { buildFeed } from './public.feeds.ts'
import {
  errorPageHtml,
  type FeedFormat,
  itemPageHtml,
  itemPath,
  organisationPageHtml,
  orgPath,
  seriesPageHtml,
  seriesPath,
} from './public.html.ts'
import { findItemState, type PublicItemRow } from './public.repository.ts'
import { getOrganisationPage, getPublicItem, getSeriesPage, type PublicDeps } from './public.service.ts'

/**
 * Rounds' own public pages and feeds, outside /api and outside the web app: plain HTML a
 * search engine, a screen reader or a feed reader can use without JavaScript. Responses
 * carry an ETag and a short shared cache lifetime (a withdrawal must take effect quickly).
 */
export function publicRoutes(
  deps: PublicDeps,
  media: Pick<MediaDeps, 'db' | 'storage'>,
  /** Verifies signed media addresses given to platforms during delivery; none: only public items' media. */
  keyring?: Keyring,
): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>()
  const base = deps.publicBaseUrl

  app.get('/orgs/:slug', (c) =>
    page(c, async () =>
      organisationPageHtml(
        base,
        await getOrganisationPage(deps, c.req.param('slug'), { tag: c.req.query('tag')?.slice(0, 100) }),
      ),
    ),
  )
  app.get('/orgs/:slug/items/:id', (c) =>
    page(c, async () => {
      const { organisation, item } = await getPublicItem(deps, c.req.param('slug'), c.req.param('id'))
      const path = itemPath(organisation.slug, item.id)
      const surveys = await surveysShownWith(deps, { organisation, item, path }, 'after_content')
      return itemPageHtml(base, organisation, item, surveyLinksHtml(surveys))
    }),
  )
  app.get('/orgs/:slug/items/:id/captions.vtt', (c) =>
    page(
      c,
      async () => {
        const { item } = await getPublicItem(deps, c.req.param('slug'), c.req.param('id'))
        const captions = item.version.fields.captions
        if (!captions.trim()) throw new AppError('NOT_FOUND', { message: 'this item has no captions' })
        return toWebVtt(captions)
      },
      'text/vtt; charset=utf-8',
    ),
  )
  // Images and videos of the published version: the sanitised (or redacted) file, never the upload.
  // A platform that fetches media by URL (Instagram, Facebook) gets a signed address while the
  // item is being delivered, before its page is public (publishing/outbound-media.ts).
  app.get('/orgs/:slug/items/:id/media/:mediaId', async (c) => {
    const mediaId = c.req.param('mediaId')
    const itemId = c.req.param('id')
    const signed =
      keyring &&
      verifyMediaSignature(
        keyring,
        new URL(c.req.url).pathname,
        c.req.query('expires'),
        c.req.query('sig'),
        deps.clock.now(),
      )
    // Streamed, whole or a byte range: a video is seeked, and may be gigabytes long.
    const range = parseRange(c.req.header('range'))
    let file: Awaited<ReturnType<typeof openPublishedMedia>> = null
    if (signed) {
      const organisation = await findOrganisationBySlug(deps.db, c.req.param('slug'))
      const state = organisation ? await findItemState(deps.db, organisation.id, itemId) : null
      if (state && state.state !== 'withdrawn') file = await openPublishedMedia(media, itemId, mediaId, range)
    } else {
      const { item } = await getPublicItem(deps, c.req.param('slug'), itemId)
      file = item.version.fields.media.some((m) => m.id === mediaId)
        ? await openPublishedMedia(media, item.id, mediaId, range)
        : null
    }
    if (!file) throw new AppError('NOT_FOUND', { message: 'no such image or video on this item' })
    c.header('cache-control', 'public, max-age=300')
    c.header('content-type', file.mime)
    c.header('x-content-type-options', 'nosniff')
    return sendOpened(c, file)
  })
  app.get('/orgs/:slug/series/:id', (c) =>
    page(c, async () =>
      seriesPageHtml(base, await getSeriesPage(deps, c.req.param('slug'), c.req.param('id'))),
    ),
  )

  const feeds: [string, FeedFormat][] = [
    ['feed.xml', 'rss'],
    ['feed.atom', 'atom'],
    ['feed.json', 'json'],
  ]
  for (const [file, format] of feeds) {
    app.get(`/orgs/:slug/${file}`, async (c) => {
      const data = await getOrganisationPage(deps, c.req.param('slug'), { limit: 50 }).catch(asJson)
      const org = data.organisation
      const feed = buildFeed({
        baseUrl: base,
        org,
        pagePath: orgPath(org.slug),
        title: org.name,
        description: org.description || `Medical teaching published by ${org.name}`,
        items: data.items,
        authors: await authorNames(deps, data.items),
        corrections: await correctionNotices(deps, data.items),
        format,
      })
      return cached(c, feed.body, feed.contentType)
    })
    app.get(`/orgs/:slug/series/:id/${file}`, async (c) => {
      const data = await getSeriesPage(deps, c.req.param('slug'), c.req.param('id')).catch(asJson)
      const org = data.organisation
      const feed = buildFeed({
        baseUrl: base,
        org,
        pagePath: seriesPath(org.slug, data.series.id),
        title: `${data.series.title} · ${org.name}`,
        description: data.series.description || `A series by ${org.name}`,
        items: data.items,
        authors: await authorNames(deps, data.items),
        corrections: await correctionNotices(deps, data.items),
        format,
      })
      return cached(c, feed.body, feed.contentType)
    })
  }

  // Attachments of the organisation's fediverse posts (fetched by other servers).
  app.get('/orgs/:slug/posts/:id/media/:position', async (c) => {
    const org = await findOrganisationBySlug(deps.db, c.req.param('slug'))
    const position = Number.parseInt(c.req.param('position'), 10)
    const media =
      org && Number.isInteger(position)
        ? await findMediaData(deps.db, org.id, c.req.param('id'), position)
        : null
    if (!media) throw new AppError('NOT_FOUND', { message: 'no such attachment' })
    c.header('cache-control', 'public, max-age=86400, immutable')
    c.header('content-type', media.mediaType)
    c.header('x-content-type-options', 'nosniff')
    return c.body(Buffer.from(media.dataBase64, 'base64'))
  })
  // The captions of a fediverse video, linked from its ActivityPub object (subtitleLanguage).
  app.get('/orgs/:slug/posts/:id/media/:position/captions.vtt', (c) =>
    page(
      c,
      async () => {
        const org = await findOrganisationBySlug(deps.db, c.req.param('slug'))
        const position = Number.parseInt(c.req.param('position'), 10)
        const captions =
          org && Number.isInteger(position)
            ? await findMediaCaptions(deps.db, org.id, c.req.param('id'), position)
            : null
        if (!captions) throw new AppError('NOT_FOUND', { message: 'this attachment has no captions' })
        return toWebVtt(captions)
      },
      'text/vtt; charset=utf-8',
    ),
  )

  // A fediverse post opened in a browser: its item's public page.
  for (const kind of ['posts', 'videos'])
    app.get(`/orgs/:slug/${kind}/:id`, async (c) => {
      const org = await findOrganisationBySlug(deps.db, c.req.param('slug'))
      const post = org ? await findPost(deps.db, org.id, c.req.param('id')) : null
      if (!post || post.deletedAt) {
        if (acceptsHtml(c)) return c.html(errorPageHtml(404, 'There is no post at this address.'), 404)
        throw new AppError('NOT_FOUND', { message: 'no such post' })
      }
      return c.redirect(post.url, 303)
    })

  // Anything else under /orgs is not a page: never the web app's index.html.
  app.all('/orgs/*', (c) => {
    if (acceptsHtml(c)) return c.html(errorPageHtml(404, 'There is no page at this address.'), 404)
    throw new AppError('ROUTE_NOT_FOUND', {
      message: `no route ${c.req.method} ${new URL(c.req.url).pathname}`,
    })
  })
  return app
}

function acceptsHtml(c: Context<HttpEnv>): boolean {
  return (c.req.header('accept') ?? '').includes('text/html')
}

/** Errors in feeds and files keep the one JSON error shape. */
function asJson(error: unknown): never {
  throw error
}

async function page(
  c: Context<HttpEnv>,
  render: () => Promise<unknown>,
  contentType = 'text/html; charset=utf-8',
): Promise<Response> {
  try {
    return cached(c, String(await render()), contentType)
  } catch (error) {
    if (error instanceof AppError && contentType.startsWith('text/html')) {
      const status =
        error.code === 'ITEM_GONE' ? 410 : ['NOT_FOUND', 'ITEM_NOT_FOUND'].includes(error.code) ? 404 : null
      if (status) {
        c.header('cache-control', 'public, max-age=60')
        return c.html(errorPageHtml(status, error.message), status)
      }
    }
    throw error
  }
}

function cached(c: Context<HttpEnv>, body: string, contentType: string): Response {
  const etag = `W/"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`
  c.header('etag', etag)
  c.header('cache-control', 'public, max-age=60')
  c.header('vary', 'Accept')
  const match = c.req.header('if-none-match')
  if (match?.split(',').some((t) => t.trim() === etag)) return c.body(null, 304)
  c.header('content-type', contentType)
  return c.body(body)
}

async function correctionNotices(deps: PublicDeps, items: PublicItemRow[]): Promise<Map<string, string[]>> {
  const notices = new Map<string, string[]>()
  for (const item of items) {
    if (item.state !== 'corrected') continue
    notices.set(
      item.id,
      (await listCorrections(deps.db, item.id)).map((c) => c.notice),
    )
  }
  return notices
}

async function authorNames(deps: PublicDeps, items: PublicItemRow[]): Promise<Map<string, string>> {
  const names = new Map<string, string>()
  for (const id of new Set(items.map((i) => i.authorId))) {
    const identity = await deps.db
      .selectFrom('professional_identity')
      .select('display_name')
      .where('user_id', '=', id)
      .executeTakeFirst()
    const name = identity?.display_name || (await findUserById(deps.db, id))?.name
    if (name) names.set(id, name)
  }
  return names
}

/** Captions as WebVTT: VTT as is, SRT converted (header, '.' for milliseconds), plain text as one cue. */
export function toWebVtt(captions: string): string {
  const text = captions.replace(/\r\n?/g, '\n').trim()
  if (text.startsWith('WEBVTT')) return `${text}\n`
  if (/-->/.test(text)) {
    const body = text.replace(/(\d{2}:\d{2}:\d{2}),(\d{3})/g, '$1.$2')
    return `WEBVTT\n\n${body}\n`
  }
  return `WEBVTT\n\n00:00:00.000 --> 99:59:59.000\n${text.replace(/-->/g, '->')}\n`
}
