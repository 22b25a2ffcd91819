import { Feed } from 'feed'
import type { OrganisationRow } from '#src/capabilities/accounts/accounts.repository.ts'
import { escapeHtml } from '#src/capabilities/federation/federation.ts'
import { type FeedFormat, feedPath, itemPath, itemTitle } from './public.html.ts'
import { renderMarkdown } from './public.markdown.ts'
import type { PublicItemRow } from './public.repository.ts'

/**
 * RSS 2.0, Atom 1.0 and JSON Feed 1.1 for an organisation or a series, built with `feed`.
 * Items carry the published version's text as sanitised HTML, its voice label and a link to
 * the public page (which has the references, author card and corrections).
 */
export function buildFeed(options: {
  baseUrl: string
  org: OrganisationRow
  /** The page the feed belongs to: /orgs/{slug} or /orgs/{slug}/series/{id}. */
  pagePath: string
  title: string
  description: string
  items: PublicItemRow[]
  authors: Map<string, string>
  /** Correction notices by item id, shown above the text. */
  corrections: Map<string, string[]>
  format: FeedFormat
}): { body: string; contentType: string } {
  const { baseUrl, org } = options
  const link = `${baseUrl}${options.pagePath}`
  const feed = new Feed({
    id: link,
    title: options.title,
    description: options.description,
    link,
    language: 'en',
    updated: options.items[0] ? new Date(options.items[0].publishedAt) : new Date(0),
    generator: 'Rounds',
    copyright: `© ${org.name}`,
    feedLinks: {
      rss: `${baseUrl}${feedPath(options.pagePath, 'rss')}`,
      atom: `${baseUrl}${feedPath(options.pagePath, 'atom')}`,
      json: `${baseUrl}${feedPath(options.pagePath, 'json')}`,
    },
  })
  for (const item of options.items) {
    const f = item.version.fields
    const url = `${baseUrl}${itemPath(org.slug, item.id)}`
    const parts = [
      ...(options.corrections.get(item.id) ?? []).map(
        (notice) => `<p><strong>Correction:</strong> ${escapeHtml(notice)}</p>`,
      ),
      f.voice === 'personal' ? '<p><strong>Personal views</strong></p>' : '',
      f.body.trim() ? renderMarkdown(f.body) : '',
      ...f.parts.map((p) => `<p>${escapeHtml(p).replaceAll('\n', '<br>')}</p>`),
      `<p><a href="${escapeHtml(url)}">References, author and disclosures</a></p>`,
    ]
    const author = options.authors.get(item.authorId)
    feed.addItem({
      id: url,
      title: itemTitle(item),
      link: url,
      date: new Date(item.publishedAt),
      published: new Date(item.publishedAt),
      description: (f.body || f.parts.join(' ')).slice(0, 280),
      content: parts.filter(Boolean).join('\n'),
      ...(author ? { author: [{ name: author }] } : {}),
      category: f.hashtags.map((t) => ({ name: t.replace(/^#/, '') })),
    })
  }
  if (options.format === 'rss')
    return { body: feed.rss2(), contentType: 'application/rss+xml; charset=utf-8' }
  if (options.format === 'atom')
    return { body: feed.atom1(), contentType: 'application/atom+xml; charset=utf-8' }
  return {
    body: jsonFeed11(feed.json1(), options.items, options.authors),
    contentType: 'application/feed+json; charset=utf-8',
  }
}

/**
 * `feed` writes JSON Feed 1.0; 1.1 renames `author` to `authors` (an array) and adds
 * `language`. The rest is the same document.
 */
function jsonFeed11(json: string, items: PublicItemRow[], authors: Map<string, string>): string {
  const doc = JSON.parse(json) as Record<string, unknown> & { items: Array<Record<string, unknown>> }
  doc.version = 'https://jsonfeed.org/version/1.1'
  doc.language = 'en'
  if (doc.author) {
    doc.authors = [doc.author]
    delete doc.author
  }
  doc.items = doc.items.map((entry, i) => {
    const { author: _author, ...rest } = entry
    const name = items[i] ? authors.get(items[i].authorId) : undefined
    return { ...rest, ...(name ? { authors: [{ name }] } : {}), language: 'en' }
  })
  return JSON.stringify(doc, null, 2)
}
