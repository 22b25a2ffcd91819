import { describe, expect, it } from 'vitest'
import { loadBuiltInContent } from './training.content.ts'
import { drawQuestions, seededRandom } from './training.draw.ts'

const topics = ['confidentiality', 'professionalism', 'voice', 'commercial', 'evidence'] as const
/** A pool of `perTopic[i]` questions in topic i. */
function pool(perTopic: number[]) {
  return perTopic.flatMap((n, t) =>
    Array.from({ length: n }, (_, i) => ({ id: `${topics[t]}-${i}`, topic: topics[t] as string })),
  )
}
const count = (qs: Array<{ topic: string }>) =>
  Object.fromEntries(topics.map((t) => [t, qs.filter((q) => q.topic === t).length]))

describe('drawQuestions', () => {
  const bank = loadBuiltInContent().questions

  it('draws 12 different questions from the built-in bank, covering every topic', () => {
    for (const seed of ['a', 'b', 'c', 'seed-4', 'seed-5']) {
      const drawn = drawQuestions(bank, seed, 12)
      expect(drawn).toHaveLength(12)
      expect(new Set(drawn.map((q) => q.id)).size).toBe(12)
      expect(new Set(drawn.map((q) => q.topic))).toEqual(new Set(topics))
    }
  })

  it('spreads the questions evenly: 12 over five topics is 3, 3, 2, 2, 2', () => {
    for (let i = 0; i < 50; i++) {
      const per = Object.values(count(drawQuestions(bank, `spread-${i}`, 12))).sort()
      expect(per).toEqual([2, 2, 2, 3, 3])
    }
  })

  it('is deterministic: the same seed and pool give the same draw, whatever the pool order', () => {
    const first = drawQuestions(bank, 'fixed-seed', 12).map((q) => q.id)
    expect(drawQuestions([...bank].reverse(), 'fixed-seed', 12).map((q) => q.id)).toEqual(first)
    expect(drawQuestions(bank, 'another-seed', 12).map((q) => q.id)).not.toEqual(first)
  })

  it('varies across seeds: every question gets drawn sometimes', () => {
    const seen = new Set<string>()
    for (let i = 0; i < 200; i++) for (const q of drawQuestions(bank, `vary-${i}`, 12)) seen.add(q.id)
    expect(seen.size).toBe(bank.length)
  })

  it('tops up from larger topics when a topic runs short', () => {
    const drawn = drawQuestions(pool([1, 1, 10, 10, 10]), 's', 12)
    expect(drawn).toHaveLength(12)
    expect(count(drawn)).toMatchObject({ confidentiality: 1, professionalism: 1 })
  })

  it('draws the whole pool when it is smaller than asked, and nothing from an empty one', () => {
    expect(drawQuestions(pool([2, 2, 1, 0, 0]), 's', 12)).toHaveLength(5)
    expect(drawQuestions([], 's', 12)).toEqual([])
  })

  it('with more topics than questions, takes one question from as many topics as it can', () => {
    const many = Array.from({ length: 20 }, (_, i) => ({ id: `q${i}`, topic: `t${i}` }))
    const drawn = drawQuestions(many, 's', 12)
    expect(new Set(drawn.map((q) => q.topic)).size).toBe(12)
  })
})

describe('seededRandom', () => {
  it('repeats for a seed and stays in [0, 1)', () => {
    const a = seededRandom('x')
    const b = seededRandom('x')
    const values = Array.from({ length: 1000 }, () => a())
    expect(Array.from({ length: 1000 }, () => b())).toEqual(values)
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true)
    expect(new Set(values).size).toBeGreaterThan(990)
  })
})
