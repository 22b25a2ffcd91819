import { describe, expect, it } from 'vitest'
import {
  AnswerError,
  answerValue,
  median,
  OTHER_OPTION,
  pseudonym,
  readAnswers,
  responsesCsv,
  screenFreeText,
  summariseResponses,
} from './survey.answers.ts'
import type { SurveyQuestion } from './survey.schema.ts'

const questions: SurveyQuestion[] = [
  { id: 'l', kind: 'likert', stem: 'Useful', points: 5, anchors: ['1', '2', '3', '4', '5'] },
  {
    id: 'c',
    kind: 'choice',
    stem: 'Which',
    multiple: true,
    allowOther: true,
    options: [
      { id: 'a', text: 'A' },
      { id: 'b', text: 'B' },
    ],
  },
  {
    id: 's',
    kind: 'choice',
    stem: 'One',
    multiple: false,
    allowOther: false,
    options: [
      { id: 'x', text: 'X' },
      { id: 'y', text: 'Y' },
    ],
  },
  { id: 't', kind: 'text', stem: 'Say', maxLength: 40 },
]

describe('readAnswers', () => {
  it('reads each kind, leaves blanks out and screens free text', () => {
    const answers = readAnswers(questions, {
      l: ['3'],
      c: ['a', OTHER_OPTION],
      'c.other': ['Ask Mrs Jane Smith'],
      s: [],
      t: ['MRN 1234567 was fine'],
    })
    expect(answers.l).toEqual({ kind: 'likert', value: 3 })
    expect(answers.c).toMatchObject({ kind: 'choice', chosen: ['a', OTHER_OPTION] })
    expect(answers.c?.kind === 'choice' && answers.c.other).not.toContain('Jane Smith')
    expect(answers.s).toBeUndefined()
    expect(answers.t).toEqual({ kind: 'text', text: screenFreeText('MRN 1234567 was fine') })
    expect(answers.t?.kind === 'text' && answers.t.text).not.toContain('1234567')
  })

  it.each([
    ['a point off the scale', { l: ['6'] }],
    ['a point that is not a number', { l: ['four'] }],
    ['two points', { l: ['1', '2'] }],
    ['an unknown option', { c: ['z'] }],
    ['two options on a single-answer question', { s: ['x', 'y'] }],
    ['Other where it is not offered', { s: [OTHER_OPTION] }],
    ['text over the limit', { t: ['x'.repeat(41)] }],
    ['an oversize Other', { c: [OTHER_OPTION], 'c.other': ['x'.repeat(201)] }],
  ])('refuses %s', (_, form) => {
    expect(() => readAnswers(questions, form)).toThrow(AnswerError)
  })
})

describe('summaries and export values', () => {
  const responses = [
    { answers: readAnswers(questions, { l: ['5'], c: ['a', 'b'] }) },
    { answers: readAnswers(questions, { l: ['2'], c: ['a'] }) },
    { answers: readAnswers(questions, { l: ['4'], t: ['Good'] }) },
    { answers: readAnswers(questions, { l: ['4'] }) },
  ]

  it('counts per point and option, with mean, median and n', () => {
    const [l, c, s, t] = summariseResponses(questions, responses)
    expect(l).toMatchObject({ n: 4, mean: 3.75, median: 4 })
    expect(l?.counts.map((x) => x.n)).toEqual([0, 1, 0, 2, 1])
    expect(c?.counts.map((x) => [x.id, x.n])).toEqual([
      ['a', 2],
      ['b', 1],
      [OTHER_OPTION, 0],
    ])
    expect(s).toMatchObject({ n: 0, mean: null, median: null })
    expect(t).toMatchObject({ n: 1, texts: ['Good'] })
  })

  it('gives the median of even and odd lists, null when empty', () => {
    expect(median([1, 2, 3, 4])).toBe(2.5)
    expect(median([5, 1, 3])).toBe(3)
    expect(median([])).toBeNull()
  })

  it('writes Likert as a number and several answers joined with ";"', () => {
    expect(answerValue(questions[0], { kind: 'likert', value: 4 })).toBe(4)
    expect(answerValue(questions[1], { kind: 'choice', chosen: ['a', OTHER_OPTION], other: 'X-ray' })).toBe(
      'a;Other: X-ray',
    )
    expect(answerValue(questions[3], undefined)).toBeNull()
  })

  it('quotes CSV cells, defuses formulas and pseudonymises learners under the key given', () => {
    const row = (learnerId: string, text: string) => ({
      learnerId,
      version: 1,
      attachmentId: 'att-1',
      attachedTo: 'item' as const,
      timing: 'after_content',
      itemId: 'item-1',
      seriesId: null,
      answeredAt: '2026-11-27T00:00:00.000Z',
      answers: { t: { kind: 'text' as const, text } },
    })
    const keyA = Buffer.alloc(32, 1)
    const keyB = Buffer.alloc(32, 2)
    const csv = responsesCsv([{ version: 1, questions }], [row('L1', '=1+1'), row('L1', 'a, "b"')], keyA)
    const lines = csv.trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'learner,version,attachment_id,attached_to,timing,item_id,series_id,answered_at,l,c,s,t',
    )
    expect(lines[1]).toBe(
      `${pseudonym(keyA, 'L1')},1,att-1,item,after_content,item-1,,2026-11-27T00:00:00.000Z,,,,'=1+1`,
    )
    expect(lines[2]?.endsWith(',"a, ""b"""')).toBe(true)
    expect(pseudonym(keyA, 'L1')).not.toBe(pseudonym(keyB, 'L1'))
    expect(pseudonym(keyA, 'L1')).toBe(pseudonym(keyA, 'L1'))
  })
})
