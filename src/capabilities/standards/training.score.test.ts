import { describe, expect, it } from 'vitest'
import type { Question } from './training.schema.ts'
import { checkAnswers, scoreAnswers } from './training.score.ts'

function question(id: string, kind: 'single' | 'multiple', correct: string[]): Question {
  return {
    id,
    version: 1,
    builtIn: true,
    topic: 'confidentiality',
    kind,
    prompt: `Question ${id}?`,
    options: ['a', 'b', 'c', 'd'].map((o) => ({
      id: o,
      text: `Option ${o}`,
      correct: correct.includes(o),
      feedback: `Why ${o}`,
      citation: 'Guidance, 2024',
    })),
    sources: [],
    status: 'published',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }
}

describe('scoreAnswers: multiple-answer questions are all or nothing', () => {
  const multi = [question('m', 'multiple', ['a', 'c'])]
  it.each([
    [['a', 'c'], true, 'exactly the right options'],
    [['c', 'a'], true, 'in any order'],
    [['a'], false, 'one right option missing'],
    [['a', 'c', 'd'], false, 'a wrong option added'],
    [['a', 'b', 'c', 'd'], false, 'everything ticked'],
    [[], false, 'nothing ticked'],
    [['b', 'd'], false, 'only the wrong ones'],
  ])('%j → %s (%s)', (chosen, correct) => {
    const s = scoreAnswers(multi, [{ questionId: 'm', optionIds: chosen }])
    expect(s.feedback[0]?.correct).toBe(correct)
    expect(s.score).toBe(correct ? 1 : 0)
  })
})

describe('scoreAnswers: the pass mark', () => {
  const twelve = Array.from({ length: 12 }, (_, i) => question(`q${i}`, 'single', ['b']))
  const answers = (right: number) =>
    twelve.map((q, i) => ({ questionId: q.id, optionIds: [i < right ? 'b' : 'a'] }))

  it.each([
    [12, 100, true],
    [10, 83, true],
    [9, 75, false],
    [0, 0, false],
  ])('%i of 12 right → %i%%, passed %s', (right, percent, passed) => {
    expect(scoreAnswers(twelve, answers(right))).toMatchObject({ score: right, total: 12, percent, passed })
  })

  it('80% exactly passes (8 of 10); 7 of 10 does not', () => {
    const ten = twelve.slice(0, 10)
    expect(scoreAnswers(ten, answers(8).slice(0, 10)).passed).toBe(true)
    expect(scoreAnswers(ten, answers(7).slice(0, 10)).passed).toBe(false)
  })

  it('unanswered questions count as wrong', () => {
    expect(scoreAnswers(twelve, answers(12).slice(0, 6))).toMatchObject({ score: 6, passed: false })
  })

  it('no questions never passes', () => {
    expect(scoreAnswers([], [])).toMatchObject({ score: 0, total: 0, passed: false })
  })
})

describe('scoreAnswers: feedback', () => {
  it('names the chosen and the right options and keeps every option’s feedback and citation', () => {
    const [f] = scoreAnswers(
      [question('m', 'multiple', ['a', 'c'])],
      [{ questionId: 'm', optionIds: ['a', 'b'] }],
    ).feedback
    expect(f).toMatchObject({ correct: false, selectedOptionIds: ['a', 'b'], correctOptionIds: ['a', 'c'] })
    expect(f?.options.map((o) => [o.id, o.selected, o.correct, o.feedback, o.citation])).toEqual([
      ['a', true, true, 'Why a', 'Guidance, 2024'],
      ['b', true, false, 'Why b', 'Guidance, 2024'],
      ['c', false, true, 'Why c', 'Guidance, 2024'],
      ['d', false, false, 'Why d', 'Guidance, 2024'],
    ])
  })
})

describe('checkAnswers', () => {
  const qs = [question('s', 'single', ['a']), question('m', 'multiple', ['a', 'b'])]
  it('accepts a well-formed submission, including unanswered questions', () => {
    expect(checkAnswers(qs, [{ questionId: 'm', optionIds: ['a', 'b'] }])).toEqual([])
  })
  it('names each problem by its path', () => {
    expect(
      checkAnswers(qs, [
        { questionId: 'elsewhere', optionIds: ['a'] },
        { questionId: 's', optionIds: ['a', 'b'] },
        { questionId: 'm', optionIds: ['a', 'x'] },
        { questionId: 'm', optionIds: ['b', 'b'] },
      ]),
    ).toEqual([
      { path: 'answers.0.questionId', message: 'not a question in this attempt' },
      { path: 'answers.1.optionIds', message: 'choose one option for this question' },
      { path: 'answers.2.optionIds', message: 'names an option this question does not have' },
      { path: 'answers.3.questionId', message: 'this question is answered twice' },
      { path: 'answers.3.optionIds', message: 'names an option twice' },
    ])
  })
})
