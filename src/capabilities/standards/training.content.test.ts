import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { loadBuiltInContent, TRAINING_CONTENT_DIR } from './training.content.ts'
import { trainingTopics } from './training.schema.ts'

const content = loadBuiltInContent()
const builtInTopics = trainingTopics.filter((t) => t !== 'local')

describe('the built-in training content', () => {
  it('has a lesson on each topic, in order, each citing sources with title, publisher, year and URL', () => {
    expect(content.lessons.map((l) => l.topic)).toEqual(builtInTopics)
    expect(content.lessons.map((l) => l.position)).toEqual(
      [...content.lessons.map((l) => l.position)].sort((a, b) => a - b),
    )
    for (const l of content.lessons) {
      expect(l.bodyMd.length).toBeGreaterThan(1500)
      expect(l.sources.length).toBeGreaterThanOrEqual(3)
      for (const s of l.sources) {
        expect(s.url).toMatch(/^https:\/\/\S+$/)
        expect(s.year).toBeGreaterThanOrEqual(2000)
      }
    }
  })

  it('covers the guidance the issue names', () => {
    const all = content.lessons.map((l) => `${l.bodyMd} ${l.sources.map((s) => s.title).join(' ')}`).join(' ')
    for (const named of [
      'Safe Harbor',
      'motivated intruder',
      'consent',
      'Good medical practice',
      "Doctors' use of social media",
      'Opinion 2.3.2',
      'NMC Code',
      'FSMB',
      'Standards for Integrity and Independence',
      'correction',
    ])
      expect(all, named).toContain(named)
  })

  it('has at least 30 case-based questions, at least five per topic', () => {
    expect(content.questions.length).toBeGreaterThanOrEqual(30)
    for (const t of builtInTopics)
      expect(content.questions.filter((q) => q.topic === t).length, t).toBeGreaterThanOrEqual(5)
    expect(content.questions.some((q) => q.kind === 'multiple')).toBe(true)
    expect(content.questions.some((q) => /safe to publish/i.test(q.prompt))).toBe(true)
  })

  it('gives every option feedback and a citation, and every question its sources', () => {
    for (const q of content.questions) {
      const right = q.options.filter((o) => o.correct).length
      expect(q.kind === 'single' ? right === 1 : right >= 1, q.id).toBe(true)
      expect(q.options.map((o) => o.id)).toEqual(['a', 'b', 'c', 'd', 'e'].slice(0, q.options.length))
      for (const o of q.options) {
        expect(o.feedback.length, `${q.id} ${o.id}`).toBeGreaterThan(20)
        expect(o.citation, `${q.id} ${o.id}`).toMatch(/ — .+, \d{4}$/)
      }
      expect(q.sources.length).toBeGreaterThan(0)
    }
  })

  it('quotes no guidance at length: no quotation of 25 words or more in lessons or feedback', () => {
    // Prompts quote draft posts, which are Rounds' own scenarios; guidance is explained in
    // the lessons and the feedback, and must be in our own words there.
    const texts = [
      ...content.lessons.map((l) => l.bodyMd),
      ...content.questions.flatMap((q) => q.options.map((o) => o.feedback)),
    ]
    for (const text of texts)
      for (const m of text.matchAll(/[“"]([^”"]+)[”"]/g))
        expect((m[1] ?? '').split(/\s+/).length, m[0]).toBeLessThan(25)
  })
})

describe('loadBuiltInContent refuses broken content, naming the file', () => {
  function copy() {
    const dir = mkdtempSync(join(tmpdir(), 'rounds-training-'))
    cpSync(TRAINING_CONTENT_DIR, dir, { recursive: true })
    return dir
  }

  it('an unknown source key', () => {
    const dir = copy()
    const file = join(dir, 'lessons/03-voice.md')
    writeFileSync(file, readFileSync(file, 'utf8').replace('  - ama-2-3-2\n', '  - no-such-source\n'))
    expect(() => loadBuiltInContent(dir)).toThrow(/lessons\/03-voice\.md: unknown source "no-such-source"/)
  })

  it('a single-answer question with two right answers', () => {
    const dir = copy()
    const file = join(dir, 'questions/voice.yaml')
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace('      correct: false', '      correct: true'))
    expect(() => loadBuiltInContent(dir)).toThrow(
      /questions\/voice\.yaml rounds\.q\.voice\.fasting-cure: single question with 2 correct/,
    )
  })

  it('a lesson without front matter', () => {
    const dir = copy()
    writeFileSync(join(dir, 'lessons/06-extra.md'), '# No front matter\n')
    expect(() => loadBuiltInContent(dir)).toThrow(/lessons\/06-extra\.md: no front matter/)
  })
})
