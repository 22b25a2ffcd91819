import { describe, expect, it } from 'vitest'
import { toWebVtt } from '#src/capabilities/public/public.routes.ts'
import { textToHtml } from './fediverse.ts'

const base = 'https://rounds.example.org'

describe('textToHtml (the HTML a Note carries)', () => {
  it.each([
    ['plain text', 'Hello', '<p>Hello</p>'],
    [
      'escapes markup',
      '<script>alert("x")</script> & co',
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</p>',
    ],
    ['paragraphs and line breaks', 'One\nTwo\n\nThree', '<p>One<br>Two</p><p>Three</p>'],
    [
      'links a URL, leaving trailing punctuation out',
      'See https://doi.org/10.1/x.',
      '<p>See <a href="https://doi.org/10.1/x" rel="nofollow noopener noreferrer">https://doi.org/10.1/x</a>.</p>',
    ],
    [
      'links hashtags to the organisation page',
      'Learn #MedEd',
      `<p>Learn <a href="${base}/orgs/demo?tag=MedEd" class="mention hashtag" rel="tag">#<span>MedEd</span></a></p>`,
    ],
    [
      'a quote in a URL cannot break out of the attribute',
      'https://x.example/"onmouseover=',
      '<p><a href="https://x.example/" rel="nofollow noopener noreferrer">https://x.example/</a>&quot;onmouseover=</p>',
    ],
    ['not a hashtag inside a word', 'C#sharp', '<p>C#sharp</p>'],
  ])('%s', (_name, text, html) => {
    expect(textToHtml(text, base, 'demo')).toBe(html)
  })
})

describe('toWebVtt (captions for the video player)', () => {
  it.each([
    [
      'VTT stays as it is',
      'WEBVTT\n\n00:00.000 --> 00:01.000\nHi',
      'WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n',
    ],
    [
      'SRT becomes VTT',
      '1\r\n00:00:01,000 --> 00:00:02,500\r\nHi\r\n',
      'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\nHi\n',
    ],
    ['a transcript becomes one cue', 'Hello there', 'WEBVTT\n\n00:00:00.000 --> 99:59:59.000\nHello there\n'],
  ])('%s', (_name, input, output) => {
    expect(toWebVtt(input)).toBe(output)
  })
})
