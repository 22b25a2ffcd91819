import { describe, expect, it } from 'vitest'
import { parseDraft } from './content.cli.ts'

describe('parseDraft', () => {
  it.each([
    ['# Sepsis\n\nBody text.\n', undefined, { title: 'Sepsis', body: 'Body text.' }],
    [
      '\n# Sepsis #\nLine one\n\n## Sub\nLine two',
      undefined,
      { title: 'Sepsis', body: 'Line one\n\n## Sub\nLine two' },
    ],
    ['Intro first\n# Not a title\n', undefined, { title: '', body: 'Intro first\n# Not a title' }],
    ['## Second level only\nText', undefined, { title: '', body: '## Second level only\nText' }],
    ['# Heading\r\nBody', 'Given title', { title: 'Given title', body: '# Heading\nBody' }],
  ])('%j (title %j)', (markdown, title, expected) => {
    expect(parseDraft(markdown, title)).toEqual(expected)
  })
})
