import type { ChannelId } from './screening.schema.ts'
import { sentences } from './text.ts'

/**
 * Per-channel limits and the way each channel counts, plus `splitIntoThread`. Shared by the
 * platform rules and by publishing, so a post that passes screening is the post that fits.
 * Pure and browser-safe.
 */

export type Counting =
  /** twitter-text v3 weighting: most scripts 1, CJK and other wide code points 2, each emoji 2, URLs 23. */
  | 'weighted'
  /** User-perceived characters (grapheme clusters), as Bluesky counts. */
  | 'graphemes'
  /** Unicode code points. */
  | 'codepoints'

export type ChannelSpec = {
  id: ChannelId
  label: string
  /** Maximum length of the post text (for YouTube, the description), in the channel's counting. */
  maxLength: number
  counting: Counting
  /** When set, every URL counts as this many characters, whatever its length. */
  urlLength?: number
  /** Maximum length of the title, for channels with one. */
  maxTitleLength?: number
  maxHashtags?: number
  /** Whether a long text can be posted as a numbered thread of replies. */
  threads: boolean
}

export const channelSpecs: Readonly<Record<ChannelId, ChannelSpec>> = {
  x: { id: 'x', label: 'X', maxLength: 280, counting: 'weighted', urlLength: 23, threads: true },
  bluesky: { id: 'bluesky', label: 'Bluesky', maxLength: 300, counting: 'graphemes', threads: true },
  mastodon: {
    id: 'mastodon',
    label: 'Mastodon',
    maxLength: 500,
    counting: 'codepoints',
    urlLength: 23,
    threads: true,
  },
  threads: { id: 'threads', label: 'Threads', maxLength: 500, counting: 'codepoints', threads: true },
  instagram: {
    id: 'instagram',
    label: 'Instagram',
    maxLength: 2200,
    counting: 'codepoints',
    maxHashtags: 30,
    threads: false,
  },
  facebook: { id: 'facebook', label: 'Facebook', maxLength: 63_206, counting: 'codepoints', threads: false },
  youtube: {
    id: 'youtube',
    label: 'YouTube',
    maxLength: 5000,
    maxTitleLength: 100,
    counting: 'codepoints',
    threads: false,
  },
  linkedin: { id: 'linkedin', label: 'LinkedIn', maxLength: 3000, counting: 'codepoints', threads: false },
  tiktok: { id: 'tiktok', label: 'TikTok', maxLength: 2200, counting: 'codepoints', threads: false },
  rounds: {
    id: 'rounds',
    label: 'Rounds',
    maxLength: Number.POSITIVE_INFINITY,
    counting: 'codepoints',
    threads: false,
  },
}

/**
 * URLs as the channels recognise them: with a scheme, or a bare host on a common top-level
 * domain ("nice.org.uk/guidance", "bit.ly/abc").
 */
const URL_RE =
  /\bhttps?:\/\/[^\s<>"]+[^\s<>".,;:!?'")\]]|\b(?:www\.)?[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:com|org|net|edu|gov|int|io|co|uk|us|ly|me|info|health|ca|au|de|fr|es|nl|eu|app|dev|ai)\b(?:\/[^\s<>"]*[^\s<>".,;:!?'")\]])?/gi

// twitter-text v3 configuration: code points in these ranges weigh 100, the rest 200; scale 100.
const X_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
]
const EMOJI = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u

let segmenter: Intl.Segmenter | undefined
function graphemes(text: string): Iterable<Intl.SegmentData> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' })
  return segmenter.segment(text)
}

function codePointWeight(cp: number): number {
  for (const [lo, hi] of X_RANGES) if (cp >= lo && cp <= hi) return 100
  return 200
}

/**
 * The cost of each piece of a text in the channel's counting, as [utf16Start, utf16End, cost]
 * runs, in order. URLs are one run each; so is each grapheme outside them.
 */
function* costs(text: string, spec: ChannelSpec): Generator<readonly [number, number, number]> {
  const urls: Array<[number, number]> = []
  if (spec.urlLength !== undefined)
    for (const m of text.matchAll(URL_RE)) urls.push([m.index, m.index + m[0].length])
  let u = 0
  let at = 0
  const plain = function* (from: number, to: number): Generator<readonly [number, number, number]> {
    const piece = text.slice(from, to)
    // ASCII fast path: one unit per character in every counting.
    if (!/[^\x20-\x7e\n\r\t]/.test(piece)) {
      for (let i = from; i < to; i++) yield [i, i + 1, spec.counting === 'weighted' ? 100 : 1]
      return
    }
    if (spec.counting === 'codepoints') {
      for (let i = from; i < to; ) {
        const cp = text.codePointAt(i) as number
        const n = cp > 0xffff ? 2 : 1
        yield [i, i + n, 1]
        i += n
      }
      return
    }
    for (const g of graphemes(piece)) {
      const s = from + g.index
      const e = s + g.segment.length
      if (spec.counting === 'graphemes') yield [s, e, 1]
      else if (EMOJI.test(g.segment)) yield [s, e, 200]
      else {
        let w = 0
        for (const ch of g.segment.normalize('NFC')) w += codePointWeight(ch.codePointAt(0) as number)
        yield [s, e, w]
      }
    }
  }
  while (at < text.length) {
    const next = urls[u]
    if (next && next[0] === at) {
      yield [next[0], next[1], (spec.urlLength as number) * (spec.counting === 'weighted' ? 100 : 1)]
      at = next[1]
      u++
      continue
    }
    const to = next ? next[0] : text.length
    yield* plain(at, to)
    at = to
  }
}

function scale(spec: ChannelSpec): number {
  return spec.counting === 'weighted' ? 100 : 1
}

/** Measures a text as the channel counts it; `overflowAt` is the UTF-16 offset where it stops fitting. */
export function measure(
  text: string,
  channel: ChannelId | ChannelSpec,
  max?: number,
): { length: number; overflowAt: number | null } {
  const spec = typeof channel === 'string' ? channelSpecs[channel] : channel
  const limit = (max ?? spec.maxLength) * scale(spec)
  let total = 0
  let overflowAt: number | null = null
  for (const [s, , c] of costs(text, spec)) {
    total += c
    if (overflowAt === null && total > limit) overflowAt = s
  }
  return { length: Math.ceil(total / scale(spec)), overflowAt }
}

/** Where a text stops fitting `max` (UTF-16 offset), or null; stops reading at the first overflow. */
function overflowOffset(text: string, spec: ChannelSpec, max: number): number | null {
  const limit = max * scale(spec)
  let total = 0
  for (const [s, , c] of costs(text, spec)) {
    total += c
    if (total > limit) return s
  }
  return null
}

/** The length of a text as the channel counts it (X: weighted, URLs 23; Bluesky: graphemes). */
export function countLength(text: string, channel: ChannelId | ChannelSpec): number {
  return measure(text, channel).length
}

/** Whether a text fits the channel's post limit. */
export function fitsChannel(text: string, channel: ChannelId): boolean {
  return measure(text, channel).overflowAt === null
}

export type ThreadOptions = {
  /** Append " 1/3" to each part (default true). */
  numbered?: boolean
  /** Override the channel's limit (e.g. to leave room for a mention). */
  maxLength?: number
}

/**
 * Splits a text into posts that each fit the channel, at sentence boundaries where possible
 * (then at clause and word boundaries, and only as a last resort inside a word), numbering
 * them "1/3", "2/3", "3/3". A text that already fits is returned whole and unnumbered.
 * Paragraph breaks inside a part are kept; whitespace at part edges is dropped.
 */
export function splitIntoThread(text: string, channel: ChannelId, options: ThreadOptions = {}): string[] {
  const spec = channelSpecs[channel]
  const max = options.maxLength ?? spec.maxLength
  const trimmed = text.trim()
  if (!trimmed) return []
  if (!Number.isFinite(max) || overflowOffset(trimmed, spec, max) === null) return [trimmed]
  const numbered = options.numbered ?? true
  const pieces = splitPieces(trimmed, spec, Math.max(1, max - (numbered ? 8 : 0)))
  // Pack with room for " n/N"; if N gains a digit, pack again with the wider suffix.
  let digits = 1
  for (;;) {
    const room = numbered ? max - (1 + 2 * digits + 1) : max
    const parts = pack(trimmed, pieces, spec, Math.max(1, room))
    const n = parts.length
    if (!numbered) return parts
    if (String(n).length <= digits || digits >= 6) return parts.map((p, i) => `${p} ${i + 1}/${n}`)
    digits = String(n).length
  }
}

/** "Split into 3 posts at sentence boundaries": what the platform rule suggests. */
export function describeThreadSplit(text: string, channel: ChannelId): string {
  const n = splitIntoThread(text, channel).length
  return `Split into ${n} posts at sentence boundaries (numbered 1/${n} … ${n}/${n}), or shorten it to fit ${channelSpecs[channel].label}.`
}

type Piece = { start: number; end: number }

/** Sentences, with any sentence longer than `max` cut at clauses, then words, then graphemes. */
function splitPieces(text: string, spec: ChannelSpec, max: number): Piece[] {
  const out: Piece[] = []
  for (const s of sentences(text)) cut(text, s.start, s.end, spec, max, 0, out)
  return out
}

const CUTS = [/[,;:—–]\s+/g, /\s+/g]

function cut(
  text: string,
  start: number,
  end: number,
  spec: ChannelSpec,
  max: number,
  level: number,
  out: Piece[],
): void {
  if (overflowOffset(text.slice(start, end), spec, max) === null) {
    out.push({ start, end })
    return
  }
  const re = CUTS[level]
  if (!re) {
    // A single word longer than a post: cut between graphemes.
    let from = start
    while (from < end) {
      const over = overflowOffset(text.slice(from, end), spec, max)
      if (over === null) {
        out.push({ start: from, end })
        return
      }
      let at = from + over
      if (at === from) at = from + ((text.codePointAt(from) as number) > 0xffff ? 2 : 1)
      out.push({ start: from, end: at })
      from = at
    }
    return
  }
  // Split after each separator; pieces keep their trailing punctuation.
  const bounds: number[] = [start]
  const slice = text.slice(start, end)
  re.lastIndex = 0
  for (const m of slice.matchAll(re)) {
    const b = start + m.index + m[0].length
    if (b > start && b < end) bounds.push(b)
  }
  bounds.push(end)
  if (bounds.length === 2) {
    cut(text, start, end, spec, max, level + 1, out)
    return
  }
  for (let i = 0; i + 1 < bounds.length; i++) {
    let s = bounds[i] as number
    let e = bounds[i + 1] as number
    while (s < e && /\s/.test(text[s] as string)) s++
    while (e > s && /\s/.test(text[e - 1] as string)) e--
    if (e > s) cut(text, s, e, spec, max, level + 1, out)
  }
}

function pack(text: string, pieces: readonly Piece[], spec: ChannelSpec, room: number): string[] {
  const parts: string[] = []
  let current: Piece | undefined
  for (const p of pieces) {
    if (!current) {
      current = { ...p }
      continue
    }
    const joined = text.slice(current.start, p.end)
    if (overflowOffset(joined, spec, room) === null) current.end = p.end
    else {
      parts.push(text.slice(current.start, current.end))
      current = { ...p }
    }
  }
  if (current) parts.push(text.slice(current.start, current.end))
  return parts
}
