import type { ChannelId } from './screening.schema.ts'
import { execAll, sentences } from './text.ts'
import { findUrls } from './urls.ts'

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
  /** Mentions of remote accounts count only their local part ("@ana@med.social" counts as "@ana"), as on Mastodon. */
  localMentions?: boolean
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
    localMentions: true,
    threads: true,
  },
  /** The organisation's own ActivityPub actor, served by Rounds; Mastodon's default limit keeps posts readable everywhere. */
  fediverse: {
    id: 'fediverse',
    label: 'Fediverse (Rounds actor)',
    maxLength: 500,
    counting: 'codepoints',
    urlLength: 23,
    localMentions: true,
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

const NON_ASCII = /[\u0080-\uffff]/

function scale(spec: ChannelSpec): number {
  return spec.counting === 'weighted' ? 100 : 1
}

/**
 * Reads a text in the channel's counting: its total cost (in units of 1/scale characters) and
 * the UTF-16 offset of the first piece that takes it past `max`. With `stop`, reading ends there.
 * URLs cost `urlLength` each; ASCII costs one character each, counted without a loop; other
 * text is read grapheme by grapheme (or code point by code point).
 */
function scan(
  text: string,
  spec: ChannelSpec,
  max: number,
  stop: boolean,
): { total: number; overflowAt: number | null } {
  const k = scale(spec)
  const limit = max * k
  const ascii = !NON_ASCII.test(text)
  let total = 0
  let overflowAt: number | null = null
  // Adds one piece; returns true when reading should stop.
  const add = (start: number, cost: number): boolean => {
    total += cost
    if (overflowAt === null && total > limit) overflowAt = start
    return stop && overflowAt !== null
  }
  const plain = (from: number, to: number): boolean => {
    if (ascii || !NON_ASCII.test(text.slice(from, to))) {
      const n = to - from
      if (overflowAt === null && total + n * k > limit) overflowAt = from + Math.floor((limit - total) / k)
      total += n * k
      return stop && overflowAt !== null
    }
    if (spec.counting === 'codepoints') {
      for (let i = from; i < to; ) {
        const n = (text.codePointAt(i) as number) > 0xffff ? 2 : 1
        if (add(i, k)) return true
        i += n
      }
      return false
    }
    for (const g of graphemes(text.slice(from, to))) {
      let cost = 100
      if (spec.counting === 'graphemes') cost = 1
      else if (EMOJI.test(g.segment)) cost = 200
      else if (NON_ASCII.test(g.segment)) {
        cost = 0
        for (const ch of g.segment.normalize('NFC')) cost += codePointWeight(ch.codePointAt(0) as number)
      }
      if (add(from + g.index, cost)) return true
    }
    return false
  }
  let at = 0
  for (const [start, end, cost] of specialRuns(text, spec)) {
    if (plain(at, start)) return { total, overflowAt }
    if (add(start, cost * k)) return { total, overflowAt }
    at = end
  }
  plain(at, text.length)
  return { total, overflowAt }
}

const REMOTE_MENTION = /(?<![\w@])(@[A-Za-z0-9_]+)@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g

/** Pieces with a fixed cost in the channel's counting, in order: URLs and remote mentions. */
function specialRuns(text: string, spec: ChannelSpec): Array<readonly [number, number, number]> {
  if (spec.urlLength === undefined && !spec.localMentions) return []
  const runs: Array<readonly [number, number, number]> = []
  if (spec.localMentions) {
    for (const m of execAll(REMOTE_MENTION, text))
      runs.push([m.index, m.index + m[0].length, (m[1] as string).length])
  }
  if (spec.urlLength !== undefined) {
    const mentions = runs.length
    for (const u of findUrls(text, { bareHosts: 'common' })) {
      const { start, end } = u
      let inside = false
      for (let i = 0; i < mentions && !inside; i++) {
        const r = runs[i] as readonly [number, number, number]
        inside = start < r[1] && r[0] < end
      }
      if (!inside) runs.push([start, end, spec.urlLength])
    }
    if (mentions) runs.sort((a, b) => a[0] - b[0])
  }
  return runs
}

/** Measures a text as the channel counts it; `overflowAt` is the UTF-16 offset where it stops fitting. */
export function measure(
  text: string,
  channel: ChannelId | ChannelSpec,
  max?: number,
): { length: number; overflowAt: number | null } {
  const spec = typeof channel === 'string' ? channelSpecs[channel] : channel
  const { total, overflowAt } = scan(text, spec, max ?? spec.maxLength, false)
  return { length: Math.ceil(total / scale(spec)), overflowAt }
}

/** Where a text stops fitting `max` (UTF-16 offset), or null; stops reading at the first overflow. */
function overflowOffset(text: string, spec: ChannelSpec, max: number): number | null {
  return scan(text, spec, max, true).overflowAt
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
  const gaps = pieces.map((p, i) =>
    i === 0 ? 0 : costOf(trimmed, (pieces[i - 1] as Piece).end, p.start, spec),
  )
  // Pack with room for " n/N"; if N gains a digit, pack again with the wider suffix.
  let digits = 1
  for (;;) {
    const room = numbered ? max - (1 + 2 * digits + 1) : max
    const parts = pack(trimmed, pieces, gaps, spec, Math.max(1, room))
    const n = parts.length
    if (!numbered) return parts
    if (String(n).length <= digits || digits >= 6) return parts.map((p, i) => `${p} ${i + 1}/${n}`)
    digits = String(n).length
  }
}

/** Threads longer than this are not worth splitting; the suggestion says so instead. */
export const MAX_THREAD_POSTS = 25

/**
 * "Split into 3 posts at sentence boundaries …": what the platform rule suggests for a text
 * over the channel's limit. Past MAX_THREAD_POSTS it suggests shortening instead (and does not
 * split, which keeps screening fast on long texts).
 */
export function describeThreadSplit(text: string, channel: ChannelId): string {
  const spec = channelSpecs[channel]
  const { length } = measure(text, spec)
  const estimate = Math.ceil(length / Math.max(1, spec.maxLength - 8))
  if (estimate > MAX_THREAD_POSTS) {
    return `At about ${estimate} posts this is too long for a ${spec.label} thread: shorten it, or publish it as an article and link to it.`
  }
  const n = splitIntoThread(text, channel).length
  return `Split into ${n} posts at sentence boundaries (numbered 1/${n} … ${n}/${n}), or shorten it to fit ${spec.label}.`
}

type Piece = { start: number; end: number; cost: number }

function costOf(text: string, start: number, end: number, spec: ChannelSpec): number {
  const slice = text.slice(start, end)
  // Gaps are usually plain spaces and newlines.
  if (spec.urlLength === undefined && !spec.localMentions && !NON_ASCII.test(slice))
    return slice.length * scale(spec)
  return scan(slice, spec, Number.POSITIVE_INFINITY, false).total
}

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
  const cost = costOf(text, start, end, spec)
  if (cost <= max * scale(spec)) {
    out.push({ start, end, cost })
    return
  }
  const re = CUTS[level]
  if (!re) {
    // A single word longer than a post: cut between graphemes.
    let from = start
    while (from < end) {
      const over = overflowOffset(text.slice(from, end), spec, max)
      if (over === null) {
        out.push({ start: from, end, cost: costOf(text, from, end, spec) })
        return
      }
      let at = from + over
      if (at === from) at = from + ((text.codePointAt(from) as number) > 0xffff ? 2 : 1)
      out.push({ start: from, end: at, cost: costOf(text, from, at, spec) })
      from = at
    }
    return
  }
  // Split after each separator; pieces keep their trailing punctuation.
  const bounds: number[] = [start]
  const slice = text.slice(start, end)
  re.lastIndex = 0
  for (const m of execAll(re, slice)) {
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

/**
 * Greedy packing. Pieces never split a URL (they are cut at sentences and whitespace), so a
 * part's cost is the sum of its pieces' and gaps' costs, each measured once.
 */
function pack(
  text: string,
  pieces: readonly Piece[],
  gaps: readonly number[],
  spec: ChannelSpec,
  room: number,
): string[] {
  const limit = room * scale(spec)
  const parts: string[] = []
  let first = -1
  let cost = 0
  pieces.forEach((p, i) => {
    if (first >= 0 && cost + (gaps[i] as number) + p.cost <= limit) {
      cost += (gaps[i] as number) + p.cost
      return
    }
    if (first >= 0) parts.push(text.slice((pieces[first] as Piece).start, (pieces[i - 1] as Piece).end))
    first = i
    cost = p.cost
  })
  if (first >= 0)
    parts.push(text.slice((pieces[first] as Piece).start, (pieces[pieces.length - 1] as Piece).end))
  return parts
}
