import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { screen } from '../../evaluate.ts'
import type { PolicyInput, ScreenInput } from '../../screening.schema.ts'
import { affiliateReason, rules } from './index.ts'

function run(input: ScreenInput, policy: PolicyInput = {}) {
  return screen({ language: 'en', ...input }, policy, rules).findings
}
const only = (ruleId: string, input: ScreenInput, policy: PolicyInput = {}) =>
  run(input, policy)
    .filter((f) => f.ruleId === ruleId)
    .map((f) => f.text)

describe('commercial.undisclosed-interest', () => {
  it.each([
    ['Ozempic works well for many.', 'Novo Nordisk A/S'],
    ['Ozempic works well for many.', 'NOVO NORDISK INC'],
    ['Ozempic works well for many.', 'novo'],
    ['Keytruda changed melanoma care.', 'MSD'],
    ['Keytruda changed melanoma care.', 'Merck & Co., Inc.'],
    ['Eliquis or warfarin?', 'Bristol-Myers Squibb'],
    ['Darzalex in myeloma.', 'Johnson & Johnson'],
    ['Ocrevus in MS.', 'Roche'],
    ['Viagra turned 25.', 'Viatris'],
    ['Trying the Dexcom G7 today.', 'Dexcom, Inc.'],
  ])('blocks %s when the author declared %s and shows no disclosure', (body, company) => {
    const f = run(
      { body, disclosures: [{ company, nature: 'consulting' }] },
      { lexicons: { brands: [{ brand: 'Dexcom G7', company: 'Dexcom' }] } },
    ).filter((x) => x.ruleId === 'commercial.undisclosed-interest')
    expect(f).toHaveLength(1)
    expect(f[0]?.severity).toBe('block')
    expect(f[0]?.message).toContain(
      `Disclosure: I have a financial relationship with ${company} (consulting)`,
    )
    // Redaction pastes a blocking finding's suggestion over its span: the generic name where
    // there is one (so redacted text never keeps the undisclosed brand), else nothing.
    if (company === 'Dexcom, Inc.') expect(f[0]?.suggestion).toBeUndefined()
    else expect(f[0]?.suggestion).toMatch(/^[a-z][a-z ,;-]+$/)
    expect(f[0]?.citation).toContain('Standard 3')
  })

  it('blocks a mention of the disclosed company by name', () => {
    expect(
      only('commercial.undisclosed-interest', {
        body: "Novo Nordisk's new trial",
        disclosures: [{ company: 'Novo Nordisk A/S' }],
      }),
    ).toEqual(['Novo Nordisk'])
  })

  it.each([
    ['the disclosure is shown', { disclosureShown: true, disclosures: [{ company: 'Novo Nordisk' }] }],
    ['the relationship is with another company', { disclosures: [{ company: 'Pfizer' }] }],
    ['the relationship is with Merck KGaA, not Merck & Co', { disclosures: [{ company: 'Merck KGaA' }] }],
    ['there are no disclosures', {}],
  ])('does not block when %s', (_, extra) => {
    expect(only('commercial.undisclosed-interest', { body: 'Ozempic and Keytruda.', ...extra })).toEqual([])
  })
})

describe('commercial.brand-name', () => {
  it.each([
    ['Ozempic for weight loss', 'Ozempic', 'semaglutide'],
    ['She takes LIPITOR', 'LIPITOR', 'atorvastatin'],
    ['keytruda every 3 weeks', 'keytruda', 'pembrolizumab'],
    ['Advair Diskus twice daily', 'Advair Diskus', 'fluticasone/salmeterol'],
  ])('%s → %s suggests %s', (body, text, generic) => {
    const f = run({ body }).filter((x) => x.ruleId === 'commercial.brand-name')
    expect(f.map((x) => [x.text, x.suggestion, x.severity])).toEqual([[text, generic, 'info']])
  })

  it('suggests a generic hashtag for a brand hashtag', () => {
    const f = run({ hashtags: ['Ozempic'] }).filter((x) => x.ruleId === 'commercial.brand-name')
    expect(f.map((x) => [x.field, x.text, x.suggestion])).toEqual([['hashtags', 'Ozempic', '#semaglutide']])
  })

  it('uses organisation brands with their generic names', () => {
    const policy = { lexicons: { brands: [{ brand: 'Nurofen', company: 'Reckitt', generic: 'ibuprofen' }] } }
    expect(run({ body: 'Nurofen for pain' }, policy).map((f) => f.suggestion)).toEqual(['ibuprofen'])
  })

  it.each([
    'Focus on care today.',
    'Today we discuss heart failure.',
    'semaglutide and atorvastatin',
    'Give IV fluids.',
    'Plan the discharge.',
  ])('does not flag %s', (body) => {
    expect(only('commercial.brand-name', { body })).toEqual([])
  })
})

describe('commercial.promotional-language', () => {
  it.each([
    ['This supplement is a miracle.', 'miracle'],
    ['A real game-changer for asthma.', 'game-changer'],
    ['A breakthrough in care.', 'breakthrough'],
    ['Use code SAVE20 at checkout.', 'Use code SAVE20'],
    ['Get 20% off this week.', '20% off'],
    ['Buy now while stocks last', 'Buy now'],
    ['Ozempic is the best, honestly.', 'the best'],
    ['Es un producto milagroso.', 'milagroso'],
    ['Usa el código de descuento', 'código de descuento'],
  ])('flags %s', (body, text) => {
    expect(only('commercial.promotional-language', { body })).toContain(text)
  })

  it.each([
    'The best evidence comes from randomised trials.',
    'We did our best for him.',
    'The code of conduct applies.',
    'Reduced mortality by 20% over five years.',
  ])('does not flag %s', (body) => {
    expect(only('commercial.promotional-language', { body })).toEqual([])
  })
})

describe('commercial.affiliate-link', () => {
  it.each([
    ['https://amzn.to/3xYz', 'amzn.to'],
    ['https://www.amazon.com/dp/B000?tag=drjoe-20', 'Amazon'],
    ['https://shop.example.com/item?ref=drjoe', '"ref"'],
    ['https://example.com/p?utm_source=ig&utm_medium=affiliate', 'utm_medium=affiliate'],
    ['example.com/p?aff_id=77', '"aff_id"'],
    ['https://example.com/ref/drjoe', 'referral path'],
  ])('flags %s', (url, why) => {
    expect(affiliateReason(url)).toContain(why)
    const f = run({ body: `Get it here: ${url}.` }).filter((x) => x.ruleId === 'commercial.affiliate-link')
    expect(f.map((x) => x.text)).toEqual([url])
  })

  it.each([
    'https://www.nice.org.uk/guidance/ng28',
    'https://doi.org/10.1056/NEJMoa1911303',
    'https://example.com/p?utm_source=newsletter&utm_medium=email',
    'https://example.com/search?tag=cardiology',
  ])('does not flag %s', (url) => {
    expect(affiliateReason(url)).toBeNull()
  })
})

describe('commercial pack', () => {
  it('never crashes and keeps spans inside their fields', () => {
    const word = fc.constantFrom(
      'Ozempic',
      'ozempic',
      'Novo',
      'Nordisk',
      'the best',
      'miracle',
      'code',
      'SAVE20',
      '20%',
      'off',
      'https://amzn.to/x',
      '?ref=a',
      'Today',
      'Soma',
      '350 mg',
      '.',
      ' ',
      '\n',
      '®',
      "Children's",
      'Advil',
      'é',
      '😀',
      'Plan',
      'B',
    )
    const text = fc.array(word, { maxLength: 50 }).map((w) => w.join(' '))
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(fc.constantFrom('Ozempic', 'x', '#a b'), { maxLength: 3 }),
        (title, body, hashtags) => {
          const input = { title, body, hashtags, disclosures: [{ company: 'Novo Nordisk' }] }
          const report = screen(input, {}, rules)
          const fields: Record<string, string> = {
            title,
            body,
            hashtags: hashtags.map((h) => (h.startsWith('#') ? h : `#${h}`)).join(' '),
          }
          for (const f of report.findings) {
            expect(f.end).toBeLessThanOrEqual((fields[f.field] ?? '').length)
            expect(f.text).toBe((fields[f.field] ?? '').slice(f.start, f.end))
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
