import { describe, expect, it } from 'vitest'
import { screen } from './evaluate.ts'
import { findUrls } from './urls.ts'

describe('findUrls', () => {
  it.each([
    ['See https://example.org/a?b=1.', 'any', ['https://example.org/a?b=1']],
    ['(nice.org.uk/guidance/ng51)', 'common', ['nice.org.uk/guidance/ng51']],
    [
      'https://en.wikipedia.org/wiki/Sepsis_(disease) is long',
      'common',
      ['https://en.wikipedia.org/wiki/Sepsis_(disease)'],
    ],
    ['buy at amzn.to/3xYz!', 'any', ['amzn.to/3xYz']],
    ['amzn.to/3xYz', 'common', []],
    ['Dr.Smith said 2.5 mg, e.g. now', 'common', []],
    ['a.b 1.1.1.1 x.y.z', 'any', []],
    ['text:https://bit.ly/abc', 'common', ['https://bit.ly/abc']],
  ] as const)('%s (%s)', (text, mode, expected) => {
    const found = findUrls(text, { bareHosts: mode })
    expect(found.map((u) => u.url)).toEqual(expected)
    for (const u of found) expect(text.slice(u.start, u.end)).toBe(u.url)
  })
})

describe('hostile text', () => {
  // These once made URL regular expressions backtrack for minutes; they must now take moments.
  it.each(['1.1.', '1-1-', 'a.a.', 'a-', 'http://a.', '@a.'])('screens 200 kB of %j repeated', (unit) => {
    const body = unit.repeat(Math.ceil(200_000 / unit.length))
    const report = screen({ body, channels: ['x', 'bluesky', 'mastodon'] })
    expect(report.engineVersion).toBeTruthy()
  })
})
