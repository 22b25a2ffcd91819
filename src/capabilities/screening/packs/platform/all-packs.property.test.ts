import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { screen } from '../../evaluate.ts'
import { channelIds } from '../../screening.schema.ts'
import { rules as commercial } from '../commercial/index.ts'
import { rules as evidence } from '../evidence/index.ts'
import { rules as professionalism } from '../professionalism/index.ts'
import { rules as platform } from './index.ts'

const rules = [...evidence, ...commercial, ...professionalism, ...platform]

/** The text of each field as the engine builds it, to check spans against. */
function fieldTexts(input: {
  title: string
  body: string
  captions: string
  hashtags: string[]
  references: Array<{ value: string }>
  media: Array<{ altText?: string | undefined }>
}): Record<string, string> {
  return {
    title: input.title,
    body: input.body,
    captions: input.captions,
    hashtags: input.hashtags.map((h) => (h.startsWith('#') ? h : `#${h}`)).join(' '),
    references: input.references.map((r) => r.value).join('\n'),
    altText: input.media
      .map((m) => m.altText ?? '')
      .filter(Boolean)
      .join('\n'),
  }
}

describe('evidence, commercial, professionalism and platform packs together', () => {
  it('never crash on arbitrary Unicode input, and every span lies within its field', () => {
    const text = fc.string({ maxLength: 400, unit: 'grapheme' })
    fc.assert(
      fc.property(
        fc.record({
          title: fc.string({ maxLength: 120, unit: 'grapheme' }),
          body: text,
          captions: text,
          hashtags: fc.array(fc.string({ maxLength: 20 }), { maxLength: 5 }),
          references: fc.array(fc.record({ value: fc.string({ maxLength: 80 }) }), { maxLength: 3 }),
          media: fc.array(
            fc.record({
              kind: fc.constantFrom('image' as const, 'video' as const),
              altText: fc.option(fc.string({ maxLength: 40 }), { nil: undefined }),
            }),
            { maxLength: 3 },
          ),
          channels: fc.uniqueArray(fc.constantFrom(...channelIds), { maxLength: 3 }),
          voice: fc.constantFrom('professional' as const, 'personal' as const),
          language: fc.constantFrom('en' as const, 'es' as const, 'auto' as const),
          disclosures: fc.array(fc.record({ company: fc.string({ minLength: 1, maxLength: 20 }) }), {
            maxLength: 2,
          }),
          author: fc.record({
            displayName: fc.string({ maxLength: 20 }),
            aliases: fc.constant<string[]>([]),
          }),
        }),
        (input) => {
          const report = screen(input, { retractedDois: ['10.1056/x'] }, rules)
          const texts = fieldTexts(input)
          for (const f of report.findings) {
            const field = texts[f.field] ?? ''
            expect(f.start).toBeGreaterThanOrEqual(0)
            expect(f.start).toBeLessThanOrEqual(f.end)
            expect(f.end).toBeLessThanOrEqual(field.length)
            expect(f.text).toBe(field.slice(f.start, f.end))
            expect(f.citation.length).toBeGreaterThan(0)
          }
        },
      ),
      { numRuns: 400 },
    )
  })
})

describe('registration', () => {
  it('registers every rule of the four packs with the engine, with unique ids, citations and descriptions', async () => {
    const { rules: all } = await import('../index.ts')
    const ids = all.map((r) => r.id)
    for (const r of rules) {
      expect(ids).toContain(r.id)
      expect(r.id.startsWith(`${r.pack}.`)).toBe(true)
      expect(r.citation).not.toBe('')
      expect(r.description).not.toBe('')
    }
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length)
    expect(rules.map((r) => `${r.id} ${r.severity}`)).toEqual([
      'evidence.claim-without-reference warn',
      'evidence.reference-malformed warn',
      'evidence.reference-retracted block',
      'evidence.marker-without-reference warn',
      'evidence.reference-untrusted info',
      'evidence.opinion-as-fact warn',
      'commercial.undisclosed-interest block',
      'commercial.brand-name info',
      'commercial.promotional-language warn',
      'commercial.affiliate-link warn',
      'professionalism.anonymous-clinician warn',
      'professionalism.derogatory warn',
      'professionalism.individual-advice warn',
      'professionalism.unlabelled-opinion warn',
      'platform.length warn',
      'platform.hashtags warn',
      'platform.alt-text block',
      'platform.captions block',
    ])
  })
})
