import { describe, expect, it } from 'vitest'
import { quizSchema } from './quiz.schema.ts'
import { normalisedGain, scoreQuestion, scoreQuiz, summariseGain } from './quiz.scoring.ts'

const quiz = quizSchema.parse({
  questions: [
    {
      id: 'q1',
      type: 'single',
      prompt: 'First-line treatment of anaphylaxis?',
      objective: 'Treat anaphylaxis',
      options: [
        { id: 'a', text: 'IM adrenaline', correct: true },
        { id: 'b', text: 'Oral antihistamine' },
        { id: 'c', text: 'IV hydrocortisone' },
      ],
      explanation: 'Adrenaline IM 0.5 mg.',
    },
    {
      id: 'q2',
      type: 'multiple',
      prompt: 'Features of anaphylaxis?',
      options: [
        { id: 'a', text: 'Stridor', correct: true },
        { id: 'b', text: 'Hypotension', correct: true },
        { id: 'c', text: 'Bradycardia only' },
        { id: 'd', text: 'Wheeze', correct: true },
      ],
    },
  ],
})
const [single, multiple] = quiz.questions as [(typeof quiz.questions)[0], (typeof quiz.questions)[0]]

describe('scoreQuestion', () => {
  it.each([
    [['a'], true, 1],
    [['b'], false, 0],
    [[], false, 0],
    [['a', 'b'], false, 0],
    [['zzz'], false, 0],
  ])('single %j → success %s', (chosen, success, partial) => {
    const r = scoreQuestion(single, chosen)
    expect(r.success).toBe(success)
    expect(r.partial).toBe(partial)
  })

  it.each([
    [['a', 'b', 'd'], true, 1],
    [['d', 'b', 'a', 'a'], true, 1],
    [['a', 'b'], false, 2 / 3],
    [['a', 'b', 'c', 'd'], false, 2 / 3],
    [['a', 'c'], false, 0],
    [['c'], false, 0],
    [[], false, 0],
  ])('multiple %j → exact set %s, partial %d', (chosen, success, partial) => {
    const r = scoreQuestion(multiple, chosen)
    expect(r.success).toBe(success)
    expect(r.partial).toBeCloseTo(partial, 10)
    expect(r.correct).toEqual(['a', 'b', 'd'])
  })
})

describe('scoreQuiz', () => {
  it('counts exact answers only and applies the pass mark', () => {
    const r = scoreQuiz(quiz, { q1: ['a'], q2: ['a', 'b'] })
    expect(r).toMatchObject({ raw: 1, max: 2, scaled: 0.5, passed: false })
    expect(scoreQuiz(quiz, { q1: ['a'], q2: ['a', 'b', 'd'] })).toMatchObject({
      raw: 2,
      scaled: 1,
      passed: true,
    })
    expect(scoreQuiz({ ...quiz, passScore: 0.5 }, { q1: ['a'] }).passed).toBe(true)
  })
  it('an empty quiz scores 0 and is never passed', () => {
    expect(scoreQuiz({ questions: [], passScore: 0 }, {})).toMatchObject({
      raw: 0,
      max: 0,
      scaled: 0,
      passed: false,
    })
  })
})

describe('quizSchema', () => {
  it('refuses a single-answer question without exactly one correct option', () => {
    const bad = {
      questions: [
        {
          id: 'q',
          type: 'single',
          prompt: 'p',
          options: [
            { id: 'a', text: 'x', correct: true },
            { id: 'b', text: 'y', correct: true },
          ],
        },
      ],
    }
    expect(quizSchema.safeParse(bad).success).toBe(false)
  })
  it('refuses duplicate question ids and a quiz without its post quiz', () => {
    const q = {
      id: 'q',
      type: 'single',
      prompt: 'p',
      options: [
        { id: 'a', text: 'x', correct: true },
        { id: 'b', text: 'y' },
      ],
    }
    expect(quizSchema.safeParse({ questions: [q, q] }).success).toBe(false)
    expect(quizSchema.safeParse({ questions: [q], kinds: ['pre'] }).success).toBe(false)
    expect(quizSchema.parse({ questions: [q] })).toMatchObject({
      kinds: ['pre', 'post', 'delayed'],
      delayDays: 14,
    })
  })
})

describe('gain arithmetic', () => {
  it('normalised gain is (post − pre) / (max − pre), undefined when pre = max', () => {
    expect(normalisedGain(2, 8, 10)).toBeCloseTo(0.75, 12)
    expect(normalisedGain(5, 3, 10)).toBeCloseTo(-0.4, 12)
    expect(normalisedGain(10, 10, 10)).toBeNull()
    expect(normalisedGain(10, 7, 10)).toBeNull()
    expect(normalisedGain(0, 0, 0)).toBeNull()
  })

  it('summarises gain and retention over paired learners', () => {
    const s = summariseGain(
      [
        { pre: 2, post: 8, delayed: 6 }, // gain 6, g 0.75, retention −2
        { pre: 5, post: 10, delayed: null }, // gain 5, g 1
        { pre: 10, post: 9, delayed: 9 }, // gain −1, g undefined, retention 0
        { pre: null, post: 7, delayed: 8 }, // retention +1 only
        { pre: 4, post: null, delayed: null },
      ],
      10,
    )
    expect(s.nPrePost).toBe(3)
    expect(s.meanGain).toBeCloseTo(10 / 3, 12)
    expect(s.nNormalised).toBe(2)
    expect(s.meanNormalisedGain).toBeCloseTo(0.875, 12)
    expect(s.nRetention).toBe(3)
    expect(s.meanRetention).toBeCloseTo(-1 / 3, 12)
    expect(s.n).toEqual({ pre: 4, post: 4, delayed: 3 })
  })

  it('has no means without data', () => {
    expect(summariseGain([], 5)).toMatchObject({
      meanGain: null,
      meanNormalisedGain: null,
      meanRetention: null,
    })
  })
})
