import type { ItemFields, ItemKind } from '#src/capabilities/content/content.schema.ts'
import { channelSpecs, measure, splitIntoThread } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import type { ChannelCapabilities } from './connector.ts'
import type { PreviewProblem, RenderedPart, RenderedPost } from './publishing.schema.ts'

/**
 * Renders an approved version for one channel: pure and deterministic, so the preview an
 * editor saw and the post delivery sends are the same bytes (publishing stores the JSON
 * and checks its hash). The text is the body in plain words, then the voice label, the
 * author's disclosure statement, hashtags and the canonical link to the item's page (which
 * carries the full references); on channels with threads it is cut at sentence boundaries
 * into numbered parts within the channel's counting rule.
 */
export type RenderInput = {
  channel: ChannelId
  kind: ItemKind
  fields: ItemFields
  canonicalUrl: string
  /** The author's current disclosure statement, or null when they hold no current attestation. */
  disclosure: string | null
  capabilities: ChannelCapabilities
}

export const PERSONAL_VOICE_LABEL = 'Personal views.'
const DEFAULT_MAX_HASHTAGS = 5

/** Markdown to the plain text social platforms show: no markup characters left behind. */
export function markdownToPlain(markdown: string): string {
  return markdown
    .replace(/\r\n?/g, '\n')
    .replace(/!\[([^\]]*)\]\(([^)\s]+)[^)]*\)/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)\s]+)[^)]*\)/g, (_m, text: string, url: string) =>
      text.trim() === url.trim() ? url : `${text} (${url})`,
    )
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s{0,3}>\s?/gm, '')
    .replace(/^(\s*)[-*+]\s+/gm, '$1• ')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])/g, '$1')
    .replace(/(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/^\s*(?:-{3,}|\*{3,}|_{3,})\s*$/gm, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
}

/** "#SepsisSix": letters, digits and underscores, no duplicates (case-insensitive), within the limit. */
export function normaliseHashtags(tags: readonly string[], max: number): string[] {
  const out: string[] = []
  const seen = new Set<string>()
  for (const raw of tags) {
    const tag = raw.replace(/^#+/, '').replace(/[^\p{L}\p{N}_]/gu, '')
    if (!tag || /^\d+$/.test(tag) || seen.has(tag.toLowerCase())) continue
    seen.add(tag.toLowerCase())
    out.push(`#${tag}`)
    if (out.length >= max) break
  }
  return out
}

/** Captions as WebVTT: VTT kept, SRT converted (comma decimal marks, no counters), plain text left out. */
export function captionsToVtt(raw: string): string | null {
  const text = raw.replace(/\r\n?/g, '\n').trim()
  if (!text) return null
  if (text.startsWith('WEBVTT')) return `${text}\n`
  const timing = /^(\d{1,2}:)?\d{2}:\d{2}[,.]\d{3}\s+-->\s+(\d{1,2}:)?\d{2}:\d{2}[,.]\d{3}/m
  if (!timing.test(text)) return null
  const cues = text.split(/\n{2,}/).map((block) => {
    const lines = block.split('\n')
    if (lines.length > 1 && /^\d+$/.test(lines[0]?.trim() ?? '')) lines.shift()
    if (lines[0]) lines[0] = lines[0].replace(/(\d{2}:\d{2}),(\d{3})/g, '$1.$2')
    return lines.join('\n')
  })
  return `WEBVTT\n\n${cues.join('\n\n')}\n`
}

function footerOf(input: RenderInput, hashtags: readonly string[]): string[] {
  const lines: string[] = []
  if (input.fields.voice === 'personal') lines.push(PERSONAL_VOICE_LABEL)
  if (input.disclosure) lines.push(`Disclosure: ${input.disclosure}`)
  if (hashtags.length) lines.push(hashtags.join(' '))
  lines.push(`Full text and references: ${input.canonicalUrl}`)
  return lines
}

function limitOf(channel: ChannelId): number | null {
  const max = channelSpecs[channel].maxLength
  return Number.isFinite(max) ? max : null
}

function part(channel: ChannelId, index: number, text: string, media: RenderedPart['media']): RenderedPart {
  return { index, text, length: measure(text, channel).length, limit: limitOf(channel), media }
}

/** The rendered post for one channel and what stops it from being published. */
export function renderForChannel(input: RenderInput): { post: RenderedPost; problems: PreviewProblem[] } {
  const { channel, fields, capabilities } = input
  const spec = channelSpecs[channel]
  const problems: PreviewProblem[] = []
  const hashtags = normaliseHashtags(fields.hashtags, spec.maxHashtags ?? DEFAULT_MAX_HASHTAGS)
  const footer = footerOf(input, hashtags).join('\n\n')
  const threads = spec.threads && capabilities.threads

  if (!input.disclosure)
    problems.push({
      code: 'NO_DISCLOSURE',
      message:
        "The author's disclosure attestation is not current, so the post cannot carry their disclosure statement. Ask them to attest again.",
    })

  // Media go with the first part; captions with the video.
  const media = fields.media.map((m) => ({
    slotId: m.id,
    kind: m.kind,
    altText: (m.altText ?? '').trim(),
    captions: m.kind === 'video' && captionsToVtt(fields.captions) !== null,
  }))
  const images = media.filter((m) => m.kind === 'image')
  const videos = media.filter((m) => m.kind === 'video')
  if (images.length > capabilities.media.maxImages)
    problems.push({
      code: 'TOO_MANY_MEDIA',
      message: `${spec.label} takes at most ${capabilities.media.maxImages} image(s); this item has ${images.length}.`,
    })
  if (videos.length > 0 && capabilities.media.videoKinds.length === 0)
    problems.push({ code: 'TOO_MANY_MEDIA', message: `${spec.label} does not take video through Rounds.` })
  if (capabilities.media.altText && images.some((m) => !m.altText))
    problems.push({ code: 'MISSING_ALT_TEXT', message: 'Every image needs alt text before it is published.' })

  let texts: string[]
  const authorParts =
    input.kind === 'thread' ? fields.parts.map((p) => markdownToPlain(p)).filter(Boolean) : []
  if (authorParts.length > 0 && threads) {
    // The author's own parts, numbered; the footer joins the last part when it fits there.
    const withFooter = [...authorParts.slice(0, -1), `${authorParts.at(-1)}\n\n${footer}`]
    const fitsLast =
      measure(`${withFooter.at(-1)} ${withFooter.length}/${withFooter.length}`, channel).overflowAt === null
    const blocks = fitsLast ? withFooter : [...authorParts, footer]
    texts = blocks.length === 1 ? blocks : blocks.map((b, i) => `${b} ${i + 1}/${blocks.length}`)
  } else {
    const body = markdownToPlain(authorParts.length > 0 ? authorParts.join('\n\n') : fields.body)
    const whole = body ? `${body}\n\n${footer}` : footer
    texts = threads ? splitIntoThread(whole, channel) : [whole]
  }
  if (!markdownToPlain(fields.body) && authorParts.length === 0 && media.length === 0)
    problems.push({ code: 'EMPTY', message: 'The item has no text to publish.' })

  const parts = texts.map((t, i) => part(channel, i, t, i === 0 ? media : []))
  for (const p of parts)
    if (p.limit !== null && measure(p.text, channel).overflowAt !== null)
      problems.push({
        code: threads ? 'TOO_LONG' : 'NO_THREADS',
        message: threads
          ? `Part ${p.index + 1} is ${p.length} characters; ${spec.label} allows ${p.limit}. Shorten it.`
          : `The post is ${p.length} characters; ${spec.label} allows ${p.limit} and has no threads. Shorten the text.`,
      })

  const title = fields.title.trim()
  const titleMax = spec.maxTitleLength
  const post: RenderedPost = {
    channel,
    title: title ? (titleMax && title.length > titleMax ? `${title.slice(0, titleMax - 1)}…` : title) : null,
    parts,
    hashtags,
    canonicalUrl: input.canonicalUrl,
    language: null,
    captionsVtt: videos.length > 0 ? captionsToVtt(fields.captions) : null,
  }
  return { post, problems }
}

/** The item's public page: the canonical link every post carries. */
export function canonicalUrlFor(publicBaseUrl: string, organisationSlug: string, itemId: string): string {
  return `${publicBaseUrl}/orgs/${encodeURIComponent(organisationSlug)}/items/${encodeURIComponent(itemId)}`
}
