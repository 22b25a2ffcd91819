import { channelSpecs, describeThreadSplit, measure } from '../../channels.ts'
import { type Detection, itemAnchor, type Rule, type ScreenContext } from '../../rule.ts'
import type { ChannelId, FieldName } from '../../screening.schema.ts'
import { execAll } from '../../text.ts'

/**
 * Platform and accessibility: each target channel's length and hashtag limits, alt text on
 * images, captions on video. Lengths are counted the way each channel counts (see channels.ts).
 */

const CHANNEL_LIMITS =
  'Channel posting limits (X, Bluesky, Mastodon, Threads, Instagram, Facebook, YouTube, LinkedIn, TikTok)'
const ALT_TEXT = 'WCAG 2.2 SC 1.1.1 Non-text Content (Level A)'
const CAPTIONS = 'WCAG 2.2 SC 1.2.2 Captions (Prerecorded) (Level A)'

/** Where whole-item findings point: the start of the body, else of the title, else of any field (length 0). */
/** The text a channel publishes: the body, then any hashtags not already in it. */
export function postText(ctx: ScreenContext): { text: string; bodyLength: number } {
  const body = ctx.input.body
  const inBody = new Set([...execAll(/#([\p{L}\p{N}_]+)/gu, body)].map((m) => (m[1] as string).toLowerCase()))
  const extra = ctx.input.hashtags
    .map((h) => (h.startsWith('#') ? h : `#${h}`))
    .filter((h) => !inBody.has(h.slice(1).toLowerCase()))
  return {
    text: extra.length ? `${body}${body ? '\n\n' : ''}${extra.join(' ')}` : body,
    bodyLength: body.length,
  }
}

export const length: Rule = {
  id: 'platform.length',
  pack: 'platform',
  category: 'length',
  severity: 'warn',
  citation: CHANNEL_LIMITS,
  description:
    'The post is longer than a target channel allows (X 280 weighted, Bluesky 300, Mastodon/Threads 500, Instagram 2,200, LinkedIn 3,000, YouTube title 100 and description 5,000 …).',
  detect(ctx) {
    const out: Detection[] = []
    const { text, bodyLength } = postText(ctx)
    const seen = new Set<ChannelId>()
    for (const channel of ctx.input.channels) {
      if (seen.has(channel)) continue
      seen.add(channel)
      const spec = channelSpecs[channel]
      if (spec.maxTitleLength !== undefined && ctx.input.title) {
        const t = measure(ctx.input.title, spec, spec.maxTitleLength)
        if (t.overflowAt !== null) {
          out.push({
            field: 'title',
            start: t.overflowAt,
            end: ctx.input.title.length,
            category: 'title-length',
            message: `The title is ${t.length} characters; ${spec.label} allows ${spec.maxTitleLength}.`,
            suggestion: `Shorten the title by ${t.length - spec.maxTitleLength} characters.`,
          })
        }
      }
      if (!text || !Number.isFinite(spec.maxLength)) continue
      const m = measure(text, spec)
      if (m.overflowAt === null) continue
      // Point at the part of the body past the limit; if only the appended hashtags overflow, at the body's end.
      const start = Math.min(m.overflowAt, bodyLength)
      const field: FieldName = bodyLength > 0 ? 'body' : 'hashtags'
      const fieldLength =
        field === 'body' ? bodyLength : (ctx.fields.find((f) => f.name === 'hashtags')?.text.length ?? 0)
      const span = { field, start: field === 'body' ? start : 0, end: fieldLength }
      const over = `${m.length} characters as ${spec.label} counts them (limit ${spec.maxLength})`
      // The engine keeps one finding per rule and span: channels that overflow at the same
      // offset share one finding that names them all (the first channel's suggestion stays).
      const same = out.find((d) => d.field === span.field && d.start === span.start && d.end === span.end)
      if (same) {
        same.message = same.message.replace(/\.$/, `; ${over}.`)
        continue
      }
      out.push({
        ...span,
        message: `The post is ${over}.`,
        suggestion: spec.threads
          ? describeThreadSplit(text, channel)
          : `Shorten the post by ${m.length - spec.maxLength} characters for ${spec.label}.`,
      })
    }
    return out
  },
}

/** A hashtag ends at the first character that is not a letter, digit, underscore or joiner. */
const HASHTAG_BREAK = /[^\p{L}\p{M}\p{N}_\u200c\u200d]/u

export const hashtags: Rule = {
  id: 'platform.hashtags',
  pack: 'platform',
  category: 'hashtags',
  severity: 'warn',
  citation: CHANNEL_LIMITS,
  description:
    'More hashtags than a channel allows (Instagram 30), or a hashtag that a space or punctuation will cut short.',
  detect(ctx) {
    const out: Detection[] = []
    const field = ctx.fields.find((f) => f.name === 'hashtags')
    if (field) {
      // The field is the hashtags joined by single spaces; walk it alongside the input list.
      let offset = 0
      for (const raw of ctx.input.hashtags) {
        const tag = raw.startsWith('#') ? raw : `#${raw}`
        const body = tag.slice(1)
        const cut = body.search(HASHTAG_BREAK)
        if (body.length === 0 || cut >= 0) {
          out.push({
            field: 'hashtags',
            start: offset,
            end: offset + tag.length,
            category: 'hashtag-format',
            message:
              body.length === 0
                ? 'This hashtag is empty.'
                : `"${tag}" will be cut at "${body[cut]}": hashtags can only hold letters, digits and underscores.`,
            suggestion: `#${body.replace(/[^\p{L}\p{M}\p{N}_]+(\p{L}?)/gu, (_, c: string) => c.toUpperCase())}`,
          })
        }
        offset += tag.length + 1
      }
    }
    const count = new Set([
      ...ctx.input.hashtags.map((h) => h.replace(/^#/, '').toLowerCase()),
      ...[...execAll(/(?:^|\s)#([\p{L}\p{N}_]+)/gu, ctx.input.body)].map((m) =>
        (m[1] as string).toLowerCase(),
      ),
    ]).size
    for (const channel of new Set(ctx.input.channels)) {
      const max = channelSpecs[channel].maxHashtags
      if (max === undefined || count <= max) continue
      const anchor = field
        ? { field: 'hashtags' as const, start: 0, end: field.text.length }
        : itemAnchor(ctx)
      if (!anchor) continue
      out.push({
        ...anchor,
        category: 'hashtag-count',
        message: `The post has ${count} hashtags; ${channelSpecs[channel].label} allows ${max}.`,
        suggestion: `Remove ${count - max} hashtags.`,
      })
    }
    return out
  },
}

/** Alt text that names the file or the kind of picture instead of describing it. */
const PLACEHOLDER_ALT =
  /^(?:image|img|photo|picture|pic|screenshot|screen shot|graphic|figure|fig\.?\s*\d*|chart|untitled|imagen|foto|captura(?: de pantalla)?|gráfico|alt|alt text|\S+\.(?:jpe?g|png|gif|heic|webp|tiff?|bmp)|(?:img|dsc|pxl|dcim)[_-]?\d+\S*|\d+)$/i

export const altText: Rule = {
  id: 'platform.alt-text',
  pack: 'platform',
  category: 'alt-text',
  severity: 'block',
  citation: ALT_TEXT,
  description:
    "An image has no alt text (block), or alt text that only names the file or says 'image' (warn). Points at the image's alt text, or at the start of the body.",
  detect(ctx) {
    const out: Detection[] = []
    const images = ctx.input.media.map((m, i) => ({ m, i })).filter(({ m }) => m.kind === 'image')
    if (!images.length) return out
    // Offsets of each non-empty alt text in the joined altText field (as the engine builds it).
    const offsets = new Map<number, number>()
    let at = 0
    ctx.input.media.forEach((m, i) => {
      if (!m.altText) return
      offsets.set(i, at)
      at += m.altText.length + 1
    })
    const missing = images.filter(({ m }) => !m.altText?.trim())
    if (missing.length) {
      const anchor = itemAnchor(ctx)
      if (anchor) {
        const which = missing.map(({ i }) => i + 1).join(', ')
        out.push({
          ...anchor,
          category: 'alt-text-missing',
          message: `${missing.length === 1 ? 'Image' : 'Images'} ${which} (of the attached media) ${missing.length === 1 ? 'has' : 'have'} no alt text. People using screen readers cannot see ${missing.length === 1 ? 'it' : 'them'}.`,
          suggestion:
            'Describe what each image shows and why it matters to the post (without patient identifiers).',
        })
      }
    }
    for (const { m, i } of images) {
      const alt = m.altText
      if (!alt?.trim()) continue
      const trimmed = alt.trim()
      if (!PLACEHOLDER_ALT.test(trimmed) && trimmed.length >= 5) continue
      const start = (offsets.get(i) ?? 0) + (alt.length - alt.trimStart().length)
      out.push({
        field: 'altText',
        start,
        end: start + trimmed.length,
        severity: 'warn',
        category: 'alt-text-placeholder',
        message: `"${trimmed}" does not describe the image.`,
        suggestion: 'Describe what the image shows and why it matters to the post.',
      })
    }
    return out
  },
}

export const captions: Rule = {
  id: 'platform.captions',
  pack: 'platform',
  category: 'captions',
  severity: 'block',
  citation: CAPTIONS,
  description:
    'A video has no captions (neither marked as captioned nor with a captions or transcript file). Points at the start of the captions, body or title.',
  detect(ctx) {
    const videos = ctx.input.media.map((m, i) => ({ m, i })).filter(({ m }) => m.kind === 'video')
    if (!videos.length) return []
    const haveTrack = ctx.input.captions.trim().length > 0
    const missing = videos.filter(
      ({ m }) => m.hasCaptions !== true && !(haveTrack && m.hasCaptions === undefined),
    )
    if (!missing.length) return []
    const anchor = itemAnchor(ctx)
    if (!anchor) return []
    const which = missing.map(({ i }) => i + 1).join(', ')
    return [
      {
        ...anchor,
        message: `${missing.length === 1 ? 'Video' : 'Videos'} ${which} (of the attached media) ${missing.length === 1 ? 'has' : 'have'} no captions. Deaf and hard-of-hearing viewers, and anyone watching without sound, miss the content.`,
        suggestion:
          'Add captions (upload an SRT or VTT file, or burn them in) and check them against the audio.',
      },
    ]
  },
}

/** The platform and accessibility pack, in the order the engine runs it. */
export const rules: readonly Rule[] = [length, hashtags, altText, captions]
