import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { screen } from '../../evaluate.ts'
import type { PolicyInput, ScreenInput } from '../../screening.schema.ts'
import { isPersonalName, rules } from './index.ts'

function run(input: ScreenInput, policy: PolicyInput = {}) {
  return screen({ language: 'en', ...input }, policy, rules).findings
}
const only = (ruleId: string, input: ScreenInput, policy: PolicyInput = {}) =>
  run(input, policy).filter((f) => f.ruleId === ruleId)

describe('professionalism.anonymous-clinician', () => {
  it.each([
    ['As a doctor, I see this every week.', '', 'As a doctor'],
    ["I'm an ICU nurse and this matters.", '', "I'm an ICU nurse"],
    ['I am a junior doctor on nights.', 'icu_doc_99', 'I am a junior doctor'],
    ['Como médica, lo veo a diario.', '', 'Como médica'],
    ['Soy enfermera de urgencias.', 'Anónima', 'Soy enfermera'],
    ['My patients tell me this often.', 'Dr', 'My patients'],
  ])('flags %s with display name %j', (body, displayName, text) => {
    const f = only('professionalism.anonymous-clinician', { body, author: { displayName } })
    expect(f.map((x) => [x.text, x.severity])).toEqual([[text, 'warn']])
    expect(f[0]?.citation).toContain('para 17')
  })

  it('flags a declared profession or a clinical title with no name, pointing at the body start', () => {
    for (const author of [
      { displayName: '', profession: 'nurse' },
      { displayName: 'Dr', aliases: [] },
      { displayName: 'ICU RN' },
    ]) {
      const f = only('professionalism.anonymous-clinician', { body: 'Sepsis kills.', author })
      expect(f.map((x) => [x.field, x.start, x.end])).toEqual([['body', 0, 0]])
    }
  })

  it('points at the title when there is no body', () => {
    const f = only('professionalism.anonymous-clinician', {
      title: 'Sepsis',
      author: { displayName: '', profession: 'doctor' },
    })
    expect(f.map((x) => [x.field, x.start, x.end])).toEqual([['title', 0, 0]])
  })

  it.each([
    ['As a doctor, I see this every week.', 'Dr Jane Smith'],
    ['As a doctor, I see this every week.', 'Jane'],
    ['Soy enfermera de urgencias.', 'María López'],
    ['Sepsis kills.', ''],
    ['As a patient, I was scared.', ''],
  ])('does not flag %s by %j', (body, displayName) => {
    expect(only('professionalism.anonymous-clinician', { body, author: { displayName } })).toEqual([])
  })

  it.each([
    ['Dr Jane Smith', true],
    ['jsmith', true],
    ['Dr', false],
    ['Dr.', false],
    ['', false],
    ['ICU RN', false],
    ['icu_doc_99', false],
    ['Anonymous Nurse', false],
  ])('isPersonalName(%j) is %s', (name, yes) => expect(isPersonalName(name)).toBe(yes))
})

describe('professionalism.derogatory', () => {
  it.each([
    ['Another frequent flyer in resus tonight.', 'frequent flyer', 'warn'],
    ['Three bed blockers on the ward.', 'bed blockers', 'warn'],
    ['Classic gomer.', 'gomer', 'block'],
    ['Full of crumblies today.', 'crumblies', 'warn'],
    ['Diagnosis: acopia.', 'acopia', 'warn'],
    ['Total hypochondriac.', 'hypochondriac', 'warn'],
    ['Drug seeker in bay 3.', 'Drug seeker', 'warn'],
    ['Useless nurses again.', 'Useless nurses', 'warn'],
    ['Some junkie came in.', 'junkie', 'block'],
    ['El típico hipocondríaco.', 'hipocondríaco', 'warn'],
    ['Otro yonqui en urgencias.', 'yonqui', 'block'],
    ['Médicos inútiles.', 'Médicos inútiles', 'warn'],
    ['Classic FLK.', 'FLK', 'block'],
  ])('flags %s', (body, text, severity) => {
    expect(only('professionalism.derogatory', { body }).map((f) => [f.text, f.severity])).toEqual([
      [text, severity],
    ])
  })

  it.each([
    'Patent foramen ovale (PFO) closure.',
    'Brush your teeth.',
    'Fatty liver disease is common.',
    'He attends often and needs support.',
    'The flk gene.',
    'We discussed the psychosis pathway.',
  ])('does not flag %s', (body) => {
    expect(only('professionalism.derogatory', { body })).toEqual([])
  })

  it('downgrades a quoted term being discussed to info', () => {
    expect(
      only('professionalism.derogatory', { body: 'Stop calling patients "bed blockers".' }).map(
        (f) => f.severity,
      ),
    ).toEqual(['info'])
  })

  it('uses organisation terms', () => {
    const f = only(
      'professionalism.derogatory',
      { body: 'Another Saturday special.' },
      { lexicons: { derogatory: ['saturday special'] } },
    )
    expect(f.map((x) => x.text)).toEqual(['Saturday special'])
  })
})

describe('professionalism.individual-advice', () => {
  it.each([
    ['DM me your symptoms and I will help.', 'DM me your symptoms'],
    ['Send me your results!', 'Send me your results'],
    ['Happy to review your bloods.', 'Happy to review your bloods'],
    ['You should stop taking your statins.', 'You should stop taking your statins'],
    ['Stop taking your meds if they make you tired.', 'Stop taking your meds'],
    ['Drop your symptoms below', 'Drop your symptoms below'],
    ['DM me for a second opinion on your scan.', 'DM me'],
    ['Mándame tus análisis por privado.', 'Mándame tus análisis'],
    ['Deja de tomar tu medicación.', 'Deja de tomar tu medicación'],
  ])('flags %s', (body, text) => {
    expect(only('professionalism.individual-advice', { body }).map((f) => f.text)).toEqual([text])
  })

  it.each([
    'Talk to your GP before you stop any medicine.',
    'DM me if you want the slides.',
    'We reviewed the results at the meeting.',
  ])('does not flag %s', (body) => {
    expect(only('professionalism.individual-advice', { body })).toEqual([])
  })
})

describe('professionalism.unlabelled-opinion', () => {
  it.each([
    ['I think we overuse CT.', 'I think'],
    ['In my view, this trial is weak.', 'In my view'],
    ['Personally, I would wait.', 'Personally'],
    ['Creo que abusamos del TAC.', 'Creo que'],
    ['En mi opinión, el ensayo es débil.', 'En mi opinión'],
  ])('flags %s', (body, text) => {
    expect(only('professionalism.unlabelled-opinion', { body }).map((f) => f.text)).toEqual([text])
  })

  it.each([
    [{ body: 'I think we overuse CT. Views my own.' }],
    [{ body: 'I think we overuse CT.', hashtags: ['PersonalView'] }],
    [{ body: 'I think we overuse CT.', voice: 'personal' as const }],
    [{ body: 'Opinión personal: creo que abusamos del TAC.' }],
    [{ body: 'We overuse CT [1].' }],
  ])('does not flag %j', (input) => {
    expect(only('professionalism.unlabelled-opinion', input)).toEqual([])
  })
})

describe('professionalism pack', () => {
  it('never crashes and keeps spans inside their fields', () => {
    const word = fc.constantFrom(
      'As',
      'a',
      'doctor',
      'I',
      'think',
      'frequent',
      'flyer',
      'DM',
      'me',
      'your',
      'symptoms',
      '"',
      'bed blocker',
      'Creo',
      'que',
      'soy',
      'enfermera',
      '.',
      ' ',
      '\n',
      'é',
      '😀',
      'views my own',
      'FLK',
    )
    const text = fc.array(word, { maxLength: 50 }).map((w) => w.join(' '))
    fc.assert(
      fc.property(
        text,
        text,
        fc.string({ maxLength: 30 }),
        fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }),
        (title, body, displayName, derogatory) => {
          const report = screen({ title, body, author: { displayName } }, { lexicons: { derogatory } }, rules)
          const fields: Record<string, string> = { title, body }
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
