import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { splitIntoThread } from '../../channels.ts'
import { screen } from '../../evaluate.ts'
import { channelIds, type ScreenInput } from '../../screening.schema.ts'
import { rules } from './index.ts'

function run(input: ScreenInput) {
  return screen({ language: 'en', ...input }, {}, rules).findings
}
const only = (ruleId: string, input: ScreenInput) => run(input).filter((f) => f.ruleId === ruleId)

const sentence = 'Start antibiotics within the hour when you suspect sepsis. '

describe('platform.length', () => {
  it.each([
    ['x', 281, 1],
    ['x', 280, 0],
    ['bluesky', 301, 1],
    ['bluesky', 300, 0],
    ['mastodon', 501, 1],
    ['fediverse', 501, 1],
    ['threads', 501, 1],
    ['instagram', 2201, 1],
    ['linkedin', 3001, 1],
    ['linkedin', 3000, 0],
    ['tiktok', 2201, 1],
    ['youtube', 5001, 1],
    ['facebook', 63_207, 1],
    ['rounds', 100_000, 0],
  ] as const)('%s with %i characters: %i finding(s)', (channel, n, expected) => {
    expect(only('platform.length', { body: 'a'.repeat(n), channels: [channel] })).toHaveLength(expected)
  })

  it('counts as X does: CJK and emoji weigh 2, URLs 23', () => {
    expect(only('platform.length', { body: '世'.repeat(141), channels: ['x'] })).toHaveLength(1)
    expect(only('platform.length', { body: '世'.repeat(140), channels: ['x'] })).toHaveLength(0)
    expect(
      only('platform.length', {
        body: `${'a'.repeat(250)} https://example.com/${'x'.repeat(200)}`,
        channels: ['x'],
      }),
    ).toHaveLength(0)
  })

  it('points at the text past the limit and suggests a thread split', () => {
    const body = sentence.repeat(8).trim()
    const [f] = only('platform.length', { body, channels: ['x'] })
    const parts = splitIntoThread(body, 'x')
    expect(f?.field).toBe('body')
    expect(f?.start).toBe(280)
    expect(f?.end).toBe(body.length)
    expect(f?.suggestion).toMatch(new RegExp(`^Split into ${parts.length} posts at sentence boundaries`))
  })

  it('suggests shortening on channels without threads', () => {
    const [f] = only('platform.length', { body: 'a'.repeat(3010), channels: ['linkedin'] })
    expect(f?.suggestion).toBe('Shorten the post by 10 characters for LinkedIn.')
  })

  it('counts appended hashtags, pointing at the end of the body when only they overflow', () => {
    const body = 'a'.repeat(270)
    const [f] = only('platform.length', { body, hashtags: ['sepsis', 'FOAMed'], channels: ['x'] })
    expect([f?.field, f?.start, f?.end]).toEqual(['body', 270, 270])
  })

  it('names every channel that overflows at the same place in one finding', () => {
    const f = only('platform.length', {
      body: 'a'.repeat(270),
      hashtags: ['x'.repeat(40)],
      channels: ['x', 'bluesky'],
    })
    expect(f).toHaveLength(1)
    expect(f[0]?.message).toBe(
      'The post is 313 characters as X counts them (limit 280); 313 characters as Bluesky counts them (limit 300).',
    )
  })

  it('checks the YouTube title (100)', () => {
    const f = only('platform.length', { title: 't'.repeat(105), body: 'ok', channels: ['youtube'] })
    expect(f.map((x) => [x.field, x.category, x.start, x.end])).toEqual([['title', 'title-length', 100, 105]])
  })
})

describe('platform.hashtags', () => {
  it('allows 30 hashtags on Instagram and flags 31', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `tag${i}`)
    expect(only('platform.hashtags', { body: 'x', hashtags: tags(30), channels: ['instagram'] })).toEqual([])
    const f = only('platform.hashtags', { body: 'x', hashtags: tags(31), channels: ['instagram'] })
    expect(f.map((x) => x.category)).toEqual(['hashtag-count'])
    expect(only('platform.hashtags', { body: 'x', hashtags: tags(31), channels: ['x'] })).toEqual([])
  })

  it('counts hashtags written in the body too', () => {
    const body = Array.from({ length: 31 }, (_, i) => `#t${i}`).join(' ')
    expect(only('platform.hashtags', { body, channels: ['instagram'] }).map((f) => f.category)).toEqual([
      'hashtag-count',
    ])
  })

  it.each([
    ['heart failure', '#heart failure', '#heartFailure'],
    ['covid-19', '#covid-19', '#covid19'],
    ['#', '#', '#'],
  ])('flags the hashtag %j that will be cut', (tag, text, suggestion) => {
    const f = only('platform.hashtags', { body: 'x', hashtags: ['ok', tag] })
    expect(f.map((x) => [x.text, x.suggestion])).toEqual([[text, suggestion]])
  })

  it.each(['MedEd', '#FOAMed', 'cardiología', 'ca_research'])('accepts %j', (tag) => {
    expect(only('platform.hashtags', { body: 'x', hashtags: [tag] })).toEqual([])
  })
})

describe('platform.alt-text', () => {
  it('blocks images without alt text, pointing at the start of the body', () => {
    const f = only('platform.alt-text', {
      body: 'See the ECG.',
      media: [{ kind: 'image' }, { kind: 'image', altText: 'ECG showing ST elevation in V1 to V4' }],
    })
    expect(f.map((x) => [x.severity, x.field, x.start, x.end, x.category])).toEqual([
      ['block', 'body', 0, 0, 'alt-text-missing'],
    ])
    expect(f[0]?.citation).toBe('WCAG 2.2 SC 1.1.1 Non-text Content (Level A)')
    expect(f[0]?.message).toContain('Image 1')
  })

  it('points at the title when there is no body', () => {
    expect(
      only('platform.alt-text', { title: 'ECG quiz', media: [{ kind: 'image', altText: '  ' }] }).map(
        (x) => x.field,
      ),
    ).toEqual(['title'])
  })

  it.each(['image', 'IMG_2041.JPG', 'photo', 'screenshot', 'foto', 'pic'])(
    'warns on placeholder alt text %j',
    (altText) => {
      const f = only('platform.alt-text', {
        body: 'x',
        media: [
          { kind: 'image', altText: 'A chest X-ray with a left pneumothorax' },
          { kind: 'image', altText },
        ],
      })
      expect(f.map((x) => [x.severity, x.field, x.text])).toEqual([['warn', 'altText', altText]])
    },
  )

  it('accepts described images and ignores videos', () => {
    expect(
      only('platform.alt-text', {
        body: 'x',
        media: [
          { kind: 'image', altText: 'Dermoscopy of a benign naevus' },
          { kind: 'video', hasCaptions: true },
        ],
      }),
    ).toEqual([])
  })
})

describe('platform.captions', () => {
  it('blocks a video without captions', () => {
    const f = only('platform.captions', { body: 'Watch this.', media: [{ kind: 'video' }] })
    expect(f.map((x) => [x.severity, x.field, x.start, x.end])).toEqual([['block', 'body', 0, 0]])
    expect(f[0]?.citation).toBe('WCAG 2.2 SC 1.2.2 Captions (Prerecorded) (Level A)')
  })

  it.each([
    [{ media: [{ kind: 'video' as const, hasCaptions: true }] }],
    [{ media: [{ kind: 'video' as const }], captions: 'WEBVTT\n\n00:00.000 --> 00:01.000\nHello' }],
    [{ media: [{ kind: 'image' as const, altText: 'A described image' }] }],
  ])('accepts %j', (extra) => {
    expect(only('platform.captions', { body: 'Watch this.', ...extra })).toEqual([])
  })

  it('blocks a video marked as uncaptioned even when another has a track', () => {
    expect(
      only('platform.captions', {
        body: 'x',
        captions: 'Hello',
        media: [{ kind: 'video' }, { kind: 'video', hasCaptions: false }],
      }).map((f) => f.message),
    ).toEqual([expect.stringContaining('Video 2')])
  })
})

describe('platform pack', () => {
  it('never crashes and keeps spans inside their fields', () => {
    const media = fc.array(
      fc.record({
        kind: fc.constantFrom('image' as const, 'video' as const),
        altText: fc.option(fc.constantFrom('', ' ', 'image', 'A described scan', 'x.png'), {
          nil: undefined,
        }),
        hasCaptions: fc.option(fc.boolean(), { nil: undefined }),
      }),
      { maxLength: 4 },
    )
    fc.assert(
      fc.property(
        fc.string({ maxLength: 600 }),
        fc.string({ maxLength: 120 }),
        fc.array(fc.string({ maxLength: 12 }), { maxLength: 35 }),
        fc.uniqueArray(fc.constantFrom(...channelIds), { maxLength: 4 }),
        media,
        (body, title, hashtags, channels, mediaList) => {
          const input = { body, title, hashtags, channels, media: mediaList }
          const report = screen(input, {}, rules)
          const fields: Record<string, string> = {
            title,
            body,
            hashtags: hashtags.map((h) => (h.startsWith('#') ? h : `#${h}`)).join(' '),
            altText: mediaList
              .map((m) => m.altText ?? '')
              .filter(Boolean)
              .join('\n'),
          }
          for (const f of report.findings) {
            expect(f.end).toBeLessThanOrEqual((fields[f.field] ?? '').length)
            expect(f.text).toBe((fields[f.field] ?? '').slice(f.start, f.end))
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
