import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { screen } from '../../evaluate.ts'
import type { PolicyInput, ScreenInput } from '../../screening.schema.ts'
import { parseRetractionCsv, rules } from './index.ts'

function run(input: ScreenInput, policy: PolicyInput = {}) {
  return screen({ language: 'en', ...input }, policy, rules).findings
}
function ids(input: ScreenInput, policy: PolicyInput = {}) {
  return run(input, policy).map((f) => `${f.ruleId}:${f.text}`)
}
const claims = (body: string, extra: Partial<ScreenInput> = {}) =>
  run({ body, ...extra })
    .filter((f) => f.ruleId === 'evidence.claim-without-reference')
    .map((f) => f.category)

describe('evidence.claim-without-reference', () => {
  it.each([
    ['Drug X is the best first-line option, halves mortality!', 'ranking'],
    ['Statins reduce the risk of stroke by 30%.', 'statistic'],
    ['SGLT2 inhibitors reduce mortality in heart failure.', 'efficacy'],
    ['Studies show that vitamin D prevents colds.', 'evidence'],
    ['This is clinically proven.', 'evidence'],
    ['Ivermectin cures COVID.', 'efficacy'],
    ['Ondansetron is safe in pregnancy.', 'safety'],
    ['There are no side effects.', 'safety'],
    ['The recommended dose is 1 g four times a day.', 'dosing'],
    ['One in four patients will develop delirium after surgery.', 'statistic'],
    ['The NNT is 50 over five years.', 'statistic'],
    ['Apixaban is superior to warfarin for most patients.', 'efficacy'],
    ['Los estudios demuestran que la vitamina D no previene la gripe.', 'evidence'],
    ['Este fármaco cura la hepatitis C.', 'efficacy'],
    ['Es el mejor tratamiento para la gota.', 'ranking'],
    ['Es seguro durante el embarazo.', 'safety'],
    ['Reduce el riesgo de ictus en un 30 %.', 'efficacy'],
  ])('flags %s (%s)', (body, kind) => {
    expect(claims(body)).toEqual([kind])
  })

  it.each([
    'The patient was given 40 mg of furosemide and improved.',
    'We talked about the trial design at journal club.',
    'A 30% glucose solution was not available.',
    'Great discussion with the team today about sepsis.',
    'Ask your GP if you have questions.',
    'Procuramos atender a todos los pacientes.',
    'Hoy toca hacer la cura de la herida.',
    'Las curas de enfermería se hacen a diario.',
    'Everyone deserves a secure place to live.',
  ])('does not flag %s', (body) => {
    expect(claims(body)).toEqual([])
  })

  it.each([
    ['SGLT2 inhibitors reduce mortality in heart failure [1].', [{ value: '10.1056/NEJMoa1911303' }]],
    [
      'SGLT2 inhibitors reduce mortality in heart failure.[1] More soon.',
      [{ value: '10.1056/NEJMoa1911303' }],
    ],
    ['SGLT2 inhibitors reduce mortality in heart failure. [^1]', [{ marker: '1', value: '32109013' }]],
    ['SGLT2 inhibitors reduce mortality in heart failure (McMurray et al., 2019).', []],
    ['SGLT2 inhibitors reduce mortality in heart failure (doi:10.1056/NEJMoa1911303).', []],
    ['SGLT2 inhibitors reduce mortality: https://pubmed.ncbi.nlm.nih.gov/31535829/', []],
  ])('accepts a cited claim: %s', (body, references) => {
    expect(claims(body, { references })).toEqual([])
  })

  it('accepts a short post whose sources are attached without markers', () => {
    expect(
      claims('Statins reduce the risk of stroke by 30%.', { references: [{ value: '10.1016/x.1234' }] }),
    ).toEqual([])
  })

  it('still asks for markers in a long text with several claims', () => {
    const body = `${'Some context about the ward round and the team. '.repeat(15)}Statins cut mortality. Aspirin halves the risk. [1]`
    expect(claims(body, { references: [{ value: '10.1056/NEJMoa1911303' }] })).toEqual(['efficacy'])
  })

  it('does not look for claims in a References section', () => {
    const body =
      'Sepsis care matters [1].\n\nReferences\n1. Trial that halves mortality. doi:10.1056/NEJMoa1911303'
    expect(claims(body)).toEqual([])
  })

  it('spans the whole sentence', () => {
    const body = 'Hello. Statins reduce the risk of stroke by 30%. Bye.'
    const f = run({ body }).find((x) => x.ruleId === 'evidence.claim-without-reference')
    expect(f?.text).toBe('Statins reduce the risk of stroke by 30%.')
  })

  it('lets a cited post carry its title', () => {
    expect(
      run({
        title: 'Drug X halves mortality',
        body: 'In the trial [1] it did.',
        references: [{ value: '32109013' }],
      }),
    ).toEqual([])
    expect(ids({ title: 'Drug X halves mortality', body: 'Thoughts below.' })).toEqual([
      'evidence.claim-without-reference:Drug X halves mortality',
    ])
  })
})

describe('evidence.reference-malformed', () => {
  it.each([
    ['10.123/abc', '10.123/abc'],
    ['doi:10.1056', 'doi:10.1056'],
    ['123456789', '123456789'],
    ['Smith J. A paper. 2020', 'Smith J. A paper. 2020'],
  ])('flags the reference %s', (value, text) => {
    expect(ids({ body: 'x', references: [{ value }] })).toEqual([`evidence.reference-malformed:${text}`])
  })

  it('points into the joined references field', () => {
    const f = run({ references: [{ value: '10.1056/NEJMoa1911303' }, { value: 'PMID: 1234567890' }] })
    expect(f.map((x) => [x.field, x.start, x.text])).toEqual([['references', 22, 'PMID: 1234567890']])
  })

  it.each(['10.1056/NEJMoa1911303', '31535829', 'PMC7092803', 'https://www.nice.org.uk/guidance/ng106'])(
    'accepts %s',
    (value) => expect(ids({ references: [{ value }] })).toEqual([]),
  )

  it('checks identifiers announced in the text, not doses', () => {
    expect(ids({ body: 'See doi:10.12/x for more; give 10.5/day.' })).toEqual([
      'evidence.reference-malformed:doi:10.12/x',
    ])
  })
})

describe('evidence.reference-retracted', () => {
  const policy = { retractedDois: ['10.1016/s0140-6736(20)31180-6'] }
  it('blocks a retracted DOI in the references, whatever its spelling', () => {
    const f = run({ references: [{ value: 'https://doi.org/10.1016/S0140-6736(20)31180-6' }] }, policy)
    expect(f.map((x) => [x.ruleId, x.severity, x.text])).toEqual([
      ['evidence.reference-retracted', 'block', 'https://doi.org/10.1016/S0140-6736(20)31180-6'],
    ])
    // Redaction (and the one-click fix) removes the identifier.
    expect(f[0]?.suggestion).toBe('')
  })
  it('blocks a retracted DOI cited in the body', () => {
    const f = run({ body: 'HCQ harms (doi:10.1016/S0140-6736(20)31180-6).' }, policy)
    expect(f.map((x) => x.ruleId)).toEqual(['evidence.reference-retracted'])
  })
  it('does not block other DOIs', () => {
    expect(run({ references: [{ value: '10.1056/NEJMoa2007621' }] }, policy)).toEqual([])
  })
  it('reads retraction lists for the policy import', () => {
    expect(parseRetractionCsv('OriginalPaperDOI\n10.1016/S0140-6736(20)31180-6\n')).toEqual(
      policy.retractedDois,
    )
  })
})

describe('evidence.marker-without-reference', () => {
  it.each([
    ['As shown [1], [3].', [{ value: '32109013' }], ['[3]']],
    ['As shown [1-3].', [{ value: '32109013' }, { value: '31535829' }], ['[1-3]']],
    ['As shown [^a].', [], ['[^a]']],
  ])('%s', (body, references, flagged) => {
    expect(
      run({ body, references })
        .filter((f) => f.ruleId === 'evidence.marker-without-reference')
        .map((f) => f.text),
    ).toEqual(flagged)
  })

  it.each([
    ['As shown [2].', [{ marker: '2', value: '32109013' }]],
    ['As shown [1].\n\nReferences\n1. Smith J. doi:10.1056/NEJMoa1911303', []],
    ['As shown [^a].\n\n[^a]: Smith J. PMID: 31535829', []],
    ['See the [guideline](https://www.nice.org.uk/guidance/ng28).', []],
  ])('resolves %s', (body, references) => {
    expect(run({ body, references }).filter((f) => f.ruleId === 'evidence.marker-without-reference')).toEqual(
      [],
    )
  })
})

describe('evidence.reference-untrusted', () => {
  it('notes web references outside the trusted domains, only when the organisation lists some', () => {
    const input = {
      references: [
        { value: 'https://www.nice.org.uk/guidance/ng28' },
        { value: 'https://someblog.example.com/post' },
      ],
    }
    expect(run(input)).toEqual([])
    expect(
      run(input, { lexicons: { trustedDomains: ['nice.org.uk'] } }).map((f) => [
        f.ruleId,
        f.severity,
        f.text,
      ]),
    ).toEqual([['evidence.reference-untrusted', 'info', 'https://someblog.example.com/post']])
  })
})

describe('evidence.opinion-as-fact', () => {
  it.each([
    ['Homeopathy is useless.', 'is useless'],
    ['Never use ceftriaxone for this.', 'Never use'],
    ['There is no place for aspirin in primary prevention.', 'There is no place for'],
    ['Ese tratamiento es una pérdida de tiempo.', 'es una pérdida de tiempo'],
    ['Nunca recetes antibióticos para un resfriado.', 'Nunca recetes'],
  ])('flags %s', (body, text) => {
    expect(ids({ body })).toEqual([`evidence.opinion-as-fact:${text}`])
  })

  it.each([
    'I think homeopathy is useless.',
    'In my view, it is a waste of time.',
    'Creo que es una pérdida de tiempo.',
    'Never use ceftriaxone for this [1].',
    'The old pump is a useful tool.',
  ])('does not flag %s', (body) => {
    expect(
      run({ body, references: [{ value: '32109013' }] }).filter(
        (f) => f.ruleId === 'evidence.opinion-as-fact',
      ),
    ).toEqual([])
  })

  it('is silent in personal voice', () => {
    expect(run({ body: 'Homeopathy is useless.', voice: 'personal' })).toEqual([])
  })
})

describe('evidence pack', () => {
  it('never crashes and keeps spans inside their fields', () => {
    const word = fc.constantFrom(
      'halves',
      'mortality',
      '[1]',
      '[^2]',
      'studies',
      'show',
      'doi:10.1',
      '10.1056/x',
      'PMID:',
      '123',
      'useless',
      'never',
      'use',
      '.',
      ' ',
      '\n',
      'References',
      'cura',
      'é',
      '😀',
      '(Smith',
      '2020)',
      'https://x.y',
      'is',
      '30%',
      'reduction',
    )
    const text = fc.array(word, { maxLength: 60 }).map((w) => w.join(' '))
    fc.assert(
      fc.property(
        text,
        text,
        fc.array(
          fc.record({ marker: fc.option(fc.string({ maxLength: 3 }), { nil: undefined }), value: text }),
          { maxLength: 4 },
        ),
        (title, body, references) => {
          const report = screen(
            { title: title.slice(0, 1000), body, references },
            { retractedDois: ['10.1056/x'] },
            rules,
          )
          const fields: Record<string, string> = {
            title: title.slice(0, 1000),
            body,
            references: references.map((r) => r.value).join('\n'),
          }
          for (const f of report.findings) {
            expect(f.start).toBeGreaterThanOrEqual(0)
            expect(f.end).toBeLessThanOrEqual((fields[f.field] ?? '').length)
            expect(f.text).toBe((fields[f.field] ?? '').slice(f.start, f.end))
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
