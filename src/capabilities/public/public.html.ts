import { html, raw } from 'hono/html'
import type { HtmlEscapedString } from 'hono/utils/html'
import type { OrganisationRow } from '#src/capabilities/accounts/accounts.repository.ts'
import { findReferenceIds } from '#src/capabilities/screening/references.ts'
import { renderMarkdown } from './public.markdown.ts'
import type { PublicItemRow } from './public.repository.ts'
import type { PublicItem } from './public.service.ts'

/**
 * Server-rendered public pages. Every interpolation goes through hono/html's escaping; only
 * the sanitised Markdown (public.markdown.ts) is inserted raw. Landmarks (header, nav, main,
 * footer), one h1 per page, a skip link, lang on <html>, alt text on every image and a
 * captions track on every video.
 */
type Html = HtmlEscapedString | Promise<HtmlEscapedString>

export const orgPath = (slug: string) => `/orgs/${encodeURIComponent(slug)}`
export const itemPath = (slug: string, id: string) => `${orgPath(slug)}/items/${encodeURIComponent(id)}`
export const seriesPath = (slug: string, id: string) => `${orgPath(slug)}/series/${encodeURIComponent(id)}`
export const feedPath = (base: string, format: FeedFormat) =>
  `${base}/feed.${format === 'rss' ? 'xml' : format === 'atom' ? 'atom' : 'json'}`
export type FeedFormat = 'rss' | 'atom' | 'json'

const styles = `
:root{color-scheme:light dark;--fg:#1b1b1f;--muted:#55575d;--bg:#fff;--line:#d9dbe0;--accent:#0b57d0}
@media (prefers-color-scheme:dark){:root{--fg:#e6e6ea;--muted:#a9abb3;--bg:#121316;--line:#33353b;--accent:#8ab4f8}}
body{margin:0;font:1rem/1.6 system-ui,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--accent)}.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem}
header,main,footer{max-width:44rem;margin:0 auto;padding:1rem}
header{border-bottom:1px solid var(--line)}footer{border-top:1px solid var(--line);color:var(--muted);font-size:.9rem}
nav ul{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:1rem}
.meta{color:var(--muted)}.label{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 .4rem}
.notice{border-left:4px solid #d93025;padding:.5rem 1rem;margin:1rem 0}
.card{border:1px solid var(--line);border-radius:8px;padding:.75rem 1rem;margin:1rem 0}
img,video{max-width:100%;height:auto}ol.thread>li{margin-bottom:1rem}
`

export function page(options: {
  title: string
  description?: string
  canonical: string
  feeds: string
  org: OrganisationRow
  /** The ActivityPub document for the same thing (the organisation's actor), when there is one. */
  activityPub?: string
  body: Html
}): Html {
  const base = orgPath(options.org.slug)
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${options.description ? html`<meta name="description" content="${options.description}">` : ''}
<link rel="canonical" href="${options.canonical}">
<link rel="alternate" type="application/rss+xml" title="${options.org.name} (RSS)" href="${feedPath(options.feeds, 'rss')}">
<link rel="alternate" type="application/atom+xml" title="${options.org.name} (Atom)" href="${feedPath(options.feeds, 'atom')}">
<link rel="alternate" type="application/feed+json" title="${options.org.name} (JSON Feed)" href="${feedPath(options.feeds, 'json')}">
${options.activityPub ? html`<link rel="alternate" type="application/activity+json" href="${options.activityPub}">` : ''}
<style>${raw(styles)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<nav aria-label="${options.org.name}">
<ul>
<li><a href="${base}">${options.org.name}</a></li>
<li><a href="${feedPath(options.feeds, 'rss')}">RSS</a></li>
<li><a href="${feedPath(options.feeds, 'atom')}">Atom</a></li>
<li><a href="${feedPath(options.feeds, 'json')}">JSON Feed</a></li>
</ul>
</nav>
</header>
<main id="main">
${options.body}
</main>
<footer>
<p>Published with Rounds: every item here was screened and peer reviewed before it went out. Follow on the fediverse as <span>@${options.org.slug}</span>.</p>
</footer>
</body>
</html>`
}

export const dateText = (iso: string) =>
  new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  })

export function itemTitle(item: Pick<PublicItemRow, 'version'>): string {
  const f = item.version.fields
  if (f.title.trim()) return f.title.trim()
  const first = (f.body || f.parts[0] || '').trim().split('\n')[0] ?? ''
  return first.length > 80 ? `${first.slice(0, 79)}…` : first || 'Untitled'
}

function itemList(slug: string, items: PublicItemRow[], empty = 'Nothing published yet.'): Html {
  if (items.length === 0) return html`<p>${empty}</p>`
  return html`<ol reversed>
${items.map(
  (i) =>
    html`<li><a href="${itemPath(slug, i.id)}">${itemTitle(i)}</a> <span class="meta">· ${kindLabel[i.kind]} · <time datetime="${i.publishedAt}">${dateText(i.publishedAt)}</time>${i.state === 'corrected' ? ' · corrected' : ''}</span></li>`,
)}
</ol>`
}

const kindLabel: Record<PublicItemRow['kind'], string> = {
  post: 'Post',
  thread: 'Thread',
  video: 'Video',
  image: 'Image',
  carousel: 'Carousel',
}

export function organisationPageHtml(
  baseUrl: string,
  data: {
    organisation: OrganisationRow
    items: PublicItemRow[]
    series: { id: string; title: string }[]
    tag: string | null
  },
): Html {
  const { organisation: org } = data
  const base = orgPath(org.slug)
  return page({
    title: org.name,
    description: org.description || `Medical teaching published by ${org.name}`,
    canonical: `${baseUrl}${base}`,
    feeds: base,
    org,
    activityPub: `${baseUrl}${base}`,
    body: html`<h1>${org.name}</h1>
${org.description ? html`<p>${org.description}</p>` : ''}
<section aria-labelledby="published">
<h2 id="published">${data.tag ? html`Published with #${data.tag} <a href="${base}">(show all)</a>` : 'Published'}</h2>
${itemList(org.slug, data.items, data.tag ? 'Nothing published with this tag.' : undefined)}
</section>
${
  data.series.length
    ? html`<section aria-labelledby="series"><h2 id="series">Series</h2><ul>${data.series.map(
        (s) => html`<li><a href="${seriesPath(org.slug, s.id)}">${s.title}</a></li>`,
      )}</ul></section>`
    : ''
}`,
  })
}

export function seriesPageHtml(
  baseUrl: string,
  data: {
    organisation: OrganisationRow
    series: { id: string; title: string; description: string }
    items: PublicItemRow[]
  },
): Html {
  const { organisation: org, series } = data
  const path = seriesPath(org.slug, series.id)
  return page({
    title: `${series.title} · ${org.name}`,
    description: series.description || undefined,
    canonical: `${baseUrl}${path}`,
    feeds: path,
    org,
    body: html`<h1>${series.title}</h1>
<p class="meta">A series by <a href="${orgPath(org.slug)}">${org.name}</a></p>
${series.description ? html`<p>${series.description}</p>` : ''}
<section aria-labelledby="in-series"><h2 id="in-series">In this series</h2>${itemList(org.slug, data.items)}</section>`,
  })
}

/** Plain text with line breaks kept (thread parts are written for social platforms, not Markdown). */
function plainText(text: string): Html {
  const paragraphs = text.split(/\n{2,}/).filter((p) => p.trim())
  return html`${paragraphs.map((p) => html`<p>${p.split('\n').map((line, i) => html`${i ? raw('<br>') : ''}${line}`)}</p>`)}`
}

export function mediaPath(slug: string, itemId: string, mediaId: string): string {
  return `${itemPath(slug, itemId)}/media/${encodeURIComponent(mediaId)}`
}

/** `afterContent`: sections shown after the content (the surveys attached there), already escaped. */
export function itemPageHtml(
  baseUrl: string,
  org: OrganisationRow,
  item: PublicItem,
  afterContent: Html | '' = '',
): Html {
  const f = item.version.fields
  const path = itemPath(org.slug, item.id)
  const title = itemTitle(item)
  const images = f.media.filter((m) => m.kind === 'image')
  const videos = f.media.filter((m) => m.kind === 'video')
  return page({
    title: `${title} · ${org.name}`,
    description: (f.body || f.parts.join(' ')).slice(0, 200),
    canonical: `${baseUrl}${path}`,
    feeds: orgPath(org.slug),
    org,
    body: html`<article aria-labelledby="item-title">
<h1 id="item-title">${title}</h1>
<p class="meta">Published <time datetime="${item.publishedAt}">${dateText(item.publishedAt)}</time> by ${item.author.name}${
      item.series
        ? html` · part of <a href="${seriesPath(org.slug, item.series.id)}">${item.series.title}</a>`
        : ''
    }${f.voice === 'personal' ? html` · <span class="label">Personal views</span>` : ''}</p>
${item.corrections.map(
  (c) =>
    html`<aside class="notice" aria-label="Correction notice"><h2>Correction</h2><p>${c.notice}</p><p class="meta">Posted <time datetime="${c.postedAt}">${dateText(c.postedAt)}</time></p></aside>`,
)}
${videos.map(
  (v) =>
    html`<figure><video controls preload="metadata" data-media-id="${v.id}" src="${mediaPath(org.slug, item.id, v.id)}"${v.altText ? html` aria-label="${v.altText}"` : ''}>${
      f.captions.trim()
        ? html`<track kind="captions" src="${path}/captions.vtt" srclang="en" label="English" default>`
        : ''
    }</video>${v.altText ? html`<figcaption>${v.altText}</figcaption>` : ''}</figure>`,
)}
${f.body.trim() ? html`<div class="body">${raw(renderMarkdown(f.body))}</div>` : ''}
${
  f.parts.length
    ? html`<section aria-labelledby="thread"><h2 id="thread">Thread</h2><ol class="thread">${f.parts.map(
        (p) => html`<li>${plainText(p)}</li>`,
      )}</ol></section>`
    : ''
}
${images.map(
  (m) =>
    html`<figure><img src="${mediaPath(org.slug, item.id, m.id)}" alt="${m.altText ?? ''}" loading="lazy"></figure>`,
)}
${
  f.learningObjectives.length
    ? html`<section aria-labelledby="objectives"><h2 id="objectives">Learning objectives</h2><ul>${f.learningObjectives.map(
        (o) => html`<li>${o}</li>`,
      )}</ul></section>`
    : ''
}
${
  f.references.length
    ? html`<section aria-labelledby="references"><h2 id="references">References</h2><ol>${f.references.map(
        (r) => {
          const links = findReferenceIds(r.value).filter(
            (id) => id.kind !== 'url' || /^https?:/i.test(id.href),
          )
          return html`<li id="ref-${r.marker}"><span class="meta">[${r.marker}]</span> ${r.title ? html`${r.title}. ` : ''}${
            links.length
              ? links.map(
                  (l) =>
                    html`<a href="${l.href}" rel="noopener">${l.kind === 'doi' ? `doi:${l.id}` : l.kind === 'pmid' ? `PMID ${l.id}` : l.id}</a> `,
                )
              : r.value
          }</li>`
        },
      )}</ol></section>`
    : ''
}
${
  f.quiz?.questions.length
    ? html`<section aria-labelledby="learn" class="card"><h2 id="learn">Test yourself</h2><p>A short quiz before and after the content shows what you learned.</p><p><a href="${path}/learn">Start the quiz</a> · <a href="${path}/learn/post">I have read it: take the post quiz</a></p></section>`
    : ''
}
${afterContent}
${f.hashtags.length ? html`<p class="meta">${f.hashtags.map((t) => `#${t.replace(/^#/, '')}`).join(' ')}</p>` : ''}
<section aria-labelledby="author" class="card">
<h2 id="author">About the author</h2>
<p>${item.author.line}</p>
<h3>Disclosures</h3>
<p>${item.author.disclosure ? item.author.disclosure.statement : 'No current disclosure statement is on record for this author.'}</p>
${f.voice === 'personal' ? html`<p><span class="label">Personal views</span> These are the author's personal views, not those of ${org.name} or their employer.</p>` : ''}
</section>
</article>
<script src="/learning/player.js" data-endpoint="/api${path}/learning/events" defer></script>`,
  })
}

export function errorPageHtml(status: 404 | 410, message: string): Html {
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${
    status === 410 ? 'Withdrawn' : 'Not found'
  }</title><style>${raw(styles)}</style></head>
<body><main id="main"><h1>${status === 410 ? 'This item was withdrawn' : 'Not found'}</h1><p>${message}</p></main></body></html>`
}
