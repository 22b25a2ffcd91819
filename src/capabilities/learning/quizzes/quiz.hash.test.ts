import { describe, expect, it } from 'vitest'
import { diffFields } from '#src/capabilities/content/content.diff.ts'
import { contentHash, hashMaterial } from '#src/capabilities/content/content.hash.ts'
import { type ItemFields, itemFieldsSchema } from '#src/capabilities/content/content.schema.ts'

const fields = (extra: Record<string, unknown> = {}) =>
  itemFieldsSchema.parse({
    title: 'Anaphylaxis',
    body: 'Give adrenaline.',
    learningObjectives: ['Treat anaphylaxis'],
    ...extra,
  }) as ItemFields

const question = {
  id: 'q1',
  type: 'single',
  prompt: 'First-line treatment?',
  objective: 'Treat anaphylaxis',
  options: [
    { id: 'a', text: 'IM adrenaline', correct: true },
    { id: 'b', text: 'Antihistamine' },
  ],
}

describe('the quiz in the content hash', () => {
  it('leaves hashes of items without a quiz unchanged (absent, null or no questions)', () => {
    // The material of an item stored before quizzes existed has no quiz key at all.
    const before = contentHash('post', fields())
    expect(Object.keys(hashMaterial('post', fields()))).not.toContain('quiz')
    expect(Object.keys(hashMaterial('post', fields({ quiz: { questions: [question] } })))).toContain('quiz')
    expect(contentHash('post', fields({ quiz: null }))).toBe(before)
    expect(contentHash('post', fields({ quiz: { questions: [] } }))).toBe(before)
  })

  it('changes the hash when a question, an option or the explanation changes', () => {
    const base = contentHash('post', fields({ quiz: { questions: [question] } }))
    expect(base).not.toBe(contentHash('post', fields()))
    expect(
      contentHash('post', fields({ quiz: { questions: [{ ...question, explanation: 'IM 0.5 mg' }] } })),
    ).not.toBe(base)
    expect(
      contentHash('post', fields({ quiz: { questions: [{ ...question, prompt: 'Best first step?' }] } })),
    ).not.toBe(base)
    expect(contentHash('post', fields({ quiz: { questions: [question], delayDays: 7 } }))).not.toBe(base)
  })
})

describe('the quiz in the version diff', () => {
  it('shows no change between an item stored before quizzes (no key) and one without a quiz (null)', () => {
    const { quiz: _none, ...old } = fields()
    expect(diffFields(old as ItemFields, fields({ quiz: null })).fields).toEqual([])
  })
  it('shows a changed quiz to reviewers, before and after', () => {
    const diff = diffFields(fields({ quiz: null }), fields({ quiz: { questions: [question] } }))
    expect(diff.fields.map((f) => f.field)).toEqual(['quiz'])
    expect(diff.fields[0]?.before).toBeNull()
  })
})
