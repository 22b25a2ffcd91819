import { describe, expect, it } from 'vitest'
import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import { itemFieldsSchema } from '#src/capabilities/content/content.schema.ts'
import { channelSpecs, countLength } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import type { ChannelCapabilities } from './connector.ts'
import { roundsConnectorFactory } from './connectors/rounds.ts'
import { captionsToVtt, markdownToPlain, normaliseHashtags, renderForChannel } from './render.ts'

const caps = (channel: ChannelId, threads = true): ChannelCapabilities => ({
  ...roundsConnectorFactory.create({ baseUrl: '', fetch, now: () => new Date(), publicBaseUrl: '' })
    .capabilities,
  threads,
  media: {
    imageKinds: ['image/png'],
    videoKinds: [],
    maxImages: 4,
    maxImageBytes: 1_000_000,
    maxVideoBytes: 0,
    altText: true,
  },
  spec: channelSpecs[channel],
})

const fields = (over: Partial<ItemFields> = {}): ItemFields =>
  ({ ...itemFieldsSchema.parse({}), ...over }) as ItemFields

const URL = 'https://rounds.example.org/orgs/acme/items/item-1'
const SENTENCE = 'Sepsis kills more people than many cancers, and early antibiotics save lives. '

function render(
  channel: ChannelId,
  f: Partial<ItemFields>,
  extra: { disclosure?: string | null; kind?: 'post' | 'thread'; threads?: boolean } = {},
) {
  return renderForChannel({
    channel,
    kind: extra.kind ?? 'post',
    fields: fields(f),
    canonicalUrl: URL,
    disclosure:
      extra.disclosure === undefined
        ? 'Dr Ana Lee has no relevant financial relationships with ineligible companies.'
        : extra.disclosure,
    capabilities: caps(channel, extra.threads ?? true),
  })
}

describe('markdownToPlain', () => {
  it.each([
    ['**Bold** and *em* and `code`', 'Bold and em and code'],
    ['# Heading\n\nText', 'Heading\n\nText'],
    ['See [the guideline](https://nice.org.uk/ng51).', 'See the guideline (https://nice.org.uk/ng51).'],
    ['- one\n- two', '• one\n• two'],
    ['snake_case_word stays', 'snake_case_word stays'],
    ['a\n\n\n\nb', 'a\n\nb'],
  ])('%j → %j', (md, plain) => expect(markdownToPlain(md)).toBe(plain))
})

describe('renderForChannel', () => {
  it('a short post: body, disclosure, hashtags and the canonical link, unnumbered', () => {
    const { post, problems } = render('x', {
      body: 'Three signs of sepsis.',
      hashtags: ['sepsis', '#Sepsis', 'FOAMed'],
    })
    expect(problems).toEqual([])
    expect(post.parts).toHaveLength(1)
    expect(post.parts[0]?.text).toBe(
      `Three signs of sepsis.\n\nDisclosure: Dr Ana Lee has no relevant financial relationships with ineligible companies.\n\n#sepsis #FOAMed\n\nFull text and references: ${URL}`,
    )
    expect(post.canonicalUrl).toBe(URL)
  })

  it('labels personal views', () => {
    const { post } = render('mastodon', { body: 'I think handovers should be shorter.', voice: 'personal' })
    expect(post.parts[0]?.text).toContain('Personal views.')
  })

  it.each(['x', 'bluesky', 'mastodon'] as const)(
    'cuts a long text into numbered parts within %s counting, at sentence boundaries',
    (channel) => {
      const { post, problems } = render(channel, { body: SENTENCE.repeat(12) })
      expect(problems).toEqual([])
      expect(post.parts.length).toBeGreaterThan(1)
      const n = post.parts.length
      post.parts.forEach((p, i) => {
        expect(p.text.endsWith(` ${i + 1}/${n}`)).toBe(true)
        expect(countLength(p.text, channel)).toBeLessThanOrEqual(p.limit as number)
        expect(p.length).toBe(countLength(p.text, channel))
      })
      // Sentence boundaries: no part starts mid-sentence.
      for (const p of post.parts.slice(1)) expect(p.text).toMatch(/^(Sepsis|Disclosure|Full|#)/)
      expect(post.parts.at(-1)?.text).toContain(URL)
    },
  )

  it("keeps the author's own thread parts and numbers them", () => {
    const { post } = render('bluesky', { parts: ['First point.', 'Second point.'] }, { kind: 'thread' })
    expect(post.parts.map((p) => p.text.split('\n')[0])).toEqual(['First point. 1/2', 'Second point.'])
    expect(post.parts[1]?.text.endsWith(' 2/2')).toBe(true)
  })

  it('refuses a text too long for a channel without threads', () => {
    const { problems } = render('x', { body: SENTENCE.repeat(12) }, { threads: false })
    expect(problems.map((p) => p.code)).toContain('NO_THREADS')
  })

  it('needs a current disclosure, alt text on images, and not too many images', () => {
    const media = Array.from({ length: 5 }, (_, i) => ({
      id: `m${i}`,
      kind: 'image' as const,
      altText: i ? 'x-ray' : '',
    }))
    const { post, problems } = render('x', { body: 'Look.', media }, { disclosure: null })
    expect(problems.map((p) => p.code).sort()).toEqual([
      'MISSING_ALT_TEXT',
      'NO_DISCLOSURE',
      'TOO_MANY_MEDIA',
    ])
    expect(post.parts[0]?.media).toHaveLength(5)
    expect(post.parts[0]?.text).not.toContain('Disclosure:')
  })

  it('is deterministic: the same input gives the same bytes', () => {
    const a = JSON.stringify(render('mastodon', { body: SENTENCE.repeat(9) }).post)
    const b = JSON.stringify(render('mastodon', { body: SENTENCE.repeat(9) }).post)
    expect(a).toBe(b)
  })
})

describe('helpers', () => {
  it('keeps hashtags within the limit', () => {
    expect(normaliseHashtags(['a b', '#A_b', 'c', '123', 'd'], 2)).toEqual(['#ab', '#A_b'])
  })
  it('converts SRT captions to WebVTT and ignores plain transcripts', () => {
    expect(
      captionsToVtt('1\n00:00:01,000 --> 00:00:02,500\nHello\n\n2\n00:00:03,000 --> 00:00:04,000\nBye'),
    ).toBe('WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nHello\n\n00:00:03.000 --> 00:00:04.000\nBye\n')
    expect(captionsToVtt('just a transcript')).toBeNull()
  })
})
