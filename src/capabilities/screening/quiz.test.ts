import { describe, expect, it } from 'vitest'
import { composeQuiz, screen } from './evaluate.ts'
import { screenInputSchema } from './screening.schema.ts'

const question = (id: string, explanation: string, objective = '') => ({
  id,
  prompt: 'Which sign of sepsis often comes first in older adults?',
  options: [
    { id: 'a', text: 'New confusion' },
    { id: 'b', text: 'Bradycardia' },
  ],
  explanation,
  objective,
})

describe('screening a quiz', () => {
  it('composes the parts with blank lines between them and maps each back to its question and part', () => {
    const { quiz } = screenInputSchema.parse({
      quiz: [question('q1', 'Confusion is common.'), question('q2', '', 'Recognise sepsis')],
    })
    const { text, segments } = composeQuiz(quiz)
    for (const s of segments) expect(text.slice(s.textStart, s.textEnd).length).toBeGreaterThan(0)
    expect(segments.map((s) => [s.question, s.part, s.optionId])).toEqual([
      [1, 'prompt', undefined],
      [1, 'option', 'a'],
      [1, 'option', 'b'],
      [1, 'explanation', undefined],
      [2, 'prompt', undefined],
      [2, 'option', 'a'],
      [2, 'option', 'b'],
      [2, 'objective', undefined],
    ])
    expect(text.slice(segments[3]?.textStart, segments[3]?.textEnd)).toBe('Confusion is common.')
    expect(text).toContain('Bradycardia\n\nConfusion is common.')
  })

  it('flags a patient name in an explanation, with offsets into the quiz text and the question and part named', () => {
    const report = screen({
      quiz: [
        question('q1', 'Confusion is common.'),
        question('q2', 'Mrs Ellen Hartley showed confusion first.'),
      ],
    })
    const name = report.findings.find((f) => f.ruleId === 'confidentiality.name')
    expect(name).toMatchObject({
      field: 'quiz',
      severity: 'block',
      text: 'Ellen Hartley',
      quiz: { question: 2, questionId: 'q2', part: 'explanation' },
    })
    expect(name?.quiz?.optionId).toBeUndefined()
  })

  it('names the option a phone number is in', () => {
    const q = question('q1', '')
    q.options[1] = { id: 'b', text: 'Phone 07700 900123' }
    const report = screen({ quiz: [q] })
    expect(report.findings.find((f) => f.text === '07700 900123')).toMatchObject({
      field: 'quiz',
      quiz: { question: 1, questionId: 'q1', part: 'option', optionId: 'b' },
    })
  })

  it('finds nothing to block in a clean quiz, and an input without a quiz reports as before', () => {
    const clean = screen({ quiz: [question('q1', 'New confusion is often the first sign in older adults.')] })
    expect(clean.counts.block).toBe(0)
    const none = screen({ body: 'Three signs of sepsis: new confusion, fast breathing, low blood pressure.' })
    expect(none.findings.some((f) => f.field === 'quiz' || f.quiz !== undefined)).toBe(false)
  })
})
