import { describe, expect, it } from 'vitest'
import {
  analyse,
  correlationCaption,
  featureColumns,
  featuresOf,
  type ItemData,
  resamplesFor,
} from './research.analysis.ts'
import { computeViewJson } from './research.offthread.ts'

describe('content features', () => {
  it('counts words of the body and thread parts, the hook, and flags', () => {
    const f = featuresOf('thread', {
      body: 'Is it sepsis? Check the qSOFA score first.\nThen act.',
      parts: ['Part two has five words.'],
      topics: ['infectious-diseases', 'cardiology'],
      voice: 'personal',
      captions: '  ',
      quiz: null,
    })
    expect(f).toEqual({
      kind: 'thread',
      words: 10 + 5,
      hookWords: 3,
      topic: 'infectious-diseases',
      personal: true,
      hasQuiz: false,
      captions: false,
      profession: null,
    })
  })

  it('takes the hook from the first part when the body is empty, and ignores lone punctuation', () => {
    const f = featuresOf('thread', { body: '', parts: ['One two — three\nfour'], captions: 'WEBVTT' })
    expect(f.hookWords).toBe(3)
    expect(f.words).toBe(4)
    expect(f.captions).toBe(true)
    expect(f.topic).toBeNull()
  })
})

describe('captions', () => {
  const label = 'Likes'
  const outcome = 'mean learning gain (post − pre)'

  it('refuses to read a correlation from too few items', () => {
    expect(correlationCaption(label, outcome, 0, null)).toBe(
      'No item has both likes and a mean learning gain (post − pre) yet.',
    )
    expect(correlationCaption(label, outcome, 2, null)).toMatch(
      /^Only 2 items .* no correlation is computed under 3/,
    )
    expect(correlationCaption(label, outcome, 9, { r: 0.9, low: 0.5, high: 0.99 })).toBe(
      'Too few items to say anything (n = 9; at least 10 are needed).',
    )
    expect(correlationCaption(label, outcome, 12, null)).toMatch(/does not vary/)
  })

  it('calls a relation one only when its interval excludes zero, and warns under 30 items', () => {
    expect(correlationCaption(label, outcome, 12, { r: 0.4, low: -0.1, high: 0.8 })).toMatch(
      /^No clear relation .* includes zero\. With 12 items the interval is wide/,
    )
    expect(correlationCaption(label, outcome, 50, { r: -0.62, low: -0.8, high: -0.4 })).toBe(
      "A strong negative relation between likes and the mean learning gain (post − pre): Spearman's rho -.62 (95% CI -.80 to -.40).",
    )
    expect(correlationCaption(label, outcome, 50, { r: 0.2, low: 0.05, high: 0.35 })).toMatch(
      /^A weak positive/,
    )
  })

  it('uses fewer resamples only on large sets', () => {
    expect(resamplesFor(10)).toBe(2000)
    expect(resamplesFor(1000)).toBe(2000)
    expect(resamplesFor(3000)).toBe(1000)
    expect(resamplesFor(10_000)).toBe(400)
  })
})

describe('presenter profession in the model', () => {
  const item = (profession: Parameters<typeof featuresOf>[2]) => ({
    id: 'x',
    title: 'x',
    gain: 0,
    metrics: {},
    features: featuresOf('post', { body: 'A short post.' }, profession),
  })

  it('codes each profession held by at least 3 items against the commonest, with "not given" as a level', () => {
    const items = [
      ...Array.from({ length: 5 }, () => item('doctor')),
      ...Array.from({ length: 3 }, () => item('nurse')),
      ...Array.from({ length: 4 }, () => item(null)),
    ]
    const cols = featureColumns(items).filter((c) => c.name.startsWith('profession:'))
    expect(cols.map((c) => [c.name, c.label])).toEqual([
      ['profession:not_given', 'Presenter: profession not given (vs doctor)'],
      ['profession:nurse', 'Presenter: nurse (vs doctor)'],
    ])
    expect(cols[1]?.values).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0])
  })

  it('counts rarer professions with the reference and says so', () => {
    const items = [
      ...Array.from({ length: 4 }, () => item('nurse')),
      ...Array.from({ length: 3 }, () => item('allied_health')),
      item('pharmacist'),
      item('other'),
    ]
    const cols = featureColumns(items).filter((c) => c.name.startsWith('profession:'))
    expect(cols.map((c) => c.label)).toEqual([
      'Presenter: allied health professional (vs nurse and rarer professions)',
    ])
    expect(cols[0]?.values).toEqual([0, 0, 0, 0, 1, 1, 1, 0, 0])
  })

  it('adds no column when every presenter has the same profession', () => {
    const cols = featureColumns([item('midwife'), item('midwife'), item('midwife')])
    expect(cols.some((c) => c.name.startsWith('profession:'))).toBe(false)
  })
})

describe('analysis on a worker thread', () => {
  it('gives exactly what the same analysis gives in process', async () => {
    const items: ItemData[] = Array.from({ length: 40 }, (_, i) => ({
      id: `item-${String(i).padStart(2, '0')}`,
      title: `Item ${i}`,
      features: featuresOf(i % 3 === 0 ? 'video' : 'post', {
        body: 'A hook sentence here. '.repeat(1 + (i % 4)),
        topics: [i % 2 ? 'cardiology' : 'neurology'],
        voice: i % 5 === 0 ? 'personal' : 'professional',
      }),
      gain: i % 7 === 0 ? null : ((i * 37) % 11) / 20,
      metrics: { views: 100 + ((i * 53) % 97) * 10, likes: (i * 13) % 29 },
    }))
    const inProcess = analyse(items, 'meanGain')
    const computedAt = '2026-11-27T10:00:00.000Z'
    const json = await computeViewJson({ organisationId: 'org', outcome: 'meanGain', computedAt, items })
    expect(JSON.parse(json)).toEqual({ ...inProcess, computedAt })
    expect(inProcess.correlations.find((c) => c.metric === 'views')?.n).toBe(
      items.filter((i) => i.gain !== null).length,
    )
  })
})
