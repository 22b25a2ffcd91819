import { describe, expect, it } from 'vitest'
import { anonymousLearnerActor } from './xapi.actors.ts'
import {
  acceptedLanguages,
  formatStatement,
  sameStatement,
  statementRefs,
  validateStatement,
} from './xapi.statement.ts'

const base = {
  actor: { objectType: 'Agent', mbox: 'mailto:learner@example.org' },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  object: { objectType: 'Activity', id: 'https://example.org/quiz/q1' },
}
const uuid = '3b1a8c2e-4f5d-4e6a-9b7c-1d2e3f4a5b6c'
const with_ = (patch: Record<string, unknown>) => ({ ...base, ...patch })

// [case, statement, field the error must name (null: valid)]
const cases: Array<[string, unknown, string | null]> = [
  ['minimal statement', base, null],
  [
    'with id, result, context, timestamp',
    with_({
      id: uuid,
      result: {
        success: true,
        score: { scaled: 1, raw: 5, min: 0, max: 5 },
        response: 'b',
        duration: 'PT1M30.5S',
      },
      context: {
        registration: uuid,
        contextActivities: { parent: { id: 'https://example.org/course' } },
        language: 'en-GB',
      },
      timestamp: '2026-11-27T10:00:00.123+01:00',
    }),
    null,
  ],
  [
    'account agent',
    with_({ actor: { account: { homePage: 'https://rounds.example/', name: 'anon:abc' } } }),
    null,
  ],
  ['mbox_sha1sum agent', with_({ actor: { mbox_sha1sum: 'a'.repeat(40) } }), null],
  ['identified group', with_({ actor: { objectType: 'Group', openid: 'https://id.example/g' } }), null],
  [
    'anonymous group with members',
    with_({ actor: { objectType: 'Group', member: [{ mbox: 'mailto:a@example.org' }] } }),
    null,
  ],
  ['object agent', with_({ object: { objectType: 'Agent', mbox: 'mailto:b@example.org' } }), null],
  [
    'substatement',
    with_({
      object: { objectType: 'SubStatement', actor: base.actor, verb: base.verb, object: base.object },
    }),
    null,
  ],
  [
    'voiding statement',
    with_({
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id: uuid },
    }),
    null,
  ],
  [
    'interaction definition',
    with_({
      object: {
        id: 'https://example.org/q',
        definition: {
          name: { en: 'Q' },
          interactionType: 'choice',
          correctResponsesPattern: ['a'],
          choices: [{ id: 'a', description: { en: 'A' } }],
        },
      },
    }),
    null,
  ],
  [
    'extensions with IRI keys',
    with_({ result: { extensions: { 'https://w3id.org/xapi/video/extensions/time': 12.5 } } }),
    null,
  ],
  [
    '2.0 context agents',
    with_({
      context: { contextAgents: [{ objectType: 'contextAgent', agent: { mbox: 'mailto:t@example.org' } }] },
    }),
    null,
  ],
  ['version 1.0.3', with_({ version: '1.0.3' }), null],
  ['verb id not an IRI', with_({ verb: { id: 'not a uri' } }), 'statement.verb.id'],
  ['verb without id', with_({ verb: { display: { en: 'x' } } }), 'statement.verb.id'],
  ['activity id not an IRI', with_({ object: { id: 'q1' } }), 'statement.object.id'],
  ['id not a UUID', with_({ id: 'abc' }), 'statement.id'],
  ['mbox without mailto:', with_({ actor: { mbox: 'learner@example.org' } }), 'statement.actor.mbox'],
  [
    'agent with two identifiers',
    with_({ actor: { mbox: 'mailto:a@example.org', openid: 'https://id.example/a' } }),
    'statement.actor',
  ],
  ['agent with no identifier', with_({ actor: { name: 'Someone' } }), 'statement.actor'],
  [
    'account without name',
    with_({ actor: { account: { homePage: 'https://x.example/' } } }),
    'statement.actor.account.name',
  ],
  [
    'anonymous group without members',
    with_({ actor: { objectType: 'Group', name: 'G' } }),
    'statement.actor',
  ],
  [
    'unknown actor objectType',
    with_({ actor: { objectType: 'Person', mbox: 'mailto:a@example.org' } }),
    'statement.actor',
  ],
  ['scaled score above 1', with_({ result: { score: { scaled: 1.5 } } }), 'statement.result.score.scaled'],
  ['scaled score below -1', with_({ result: { score: { scaled: -1.01 } } }), 'statement.result.score.scaled'],
  ['raw above max', with_({ result: { score: { raw: 6, min: 0, max: 5 } } }), 'statement.result.score.raw'],
  ['success not boolean', with_({ result: { success: 'yes' } }), 'statement.result.success'],
  ['duration not ISO 8601', with_({ result: { duration: '90 seconds' } }), 'statement.result.duration'],
  [
    'language map with bad tag',
    with_({ verb: { id: base.verb.id, display: { 'en US': 'x' } } }),
    'statement.verb.display.en US',
  ],
  [
    'language map with non-string value',
    with_({ verb: { id: base.verb.id, display: { en: 3 } } }),
    'statement.verb.display.en',
  ],
  ['unknown top-level property', with_({ score: 5 }), 'statement'],
  ['unknown property in result', with_({ result: { grade: 'A' } }), 'statement.result'],
  ['timestamp without zone', with_({ timestamp: '2026-11-27T10:00:00' }), 'statement.timestamp'],
  ['timestamp with -00:00', with_({ timestamp: '2026-11-27T10:00:00-00:00' }), 'statement.timestamp'],
  ['registration not a UUID', with_({ context: { registration: 'r1' } }), 'statement.context.registration'],
  [
    'revision with an Agent object',
    with_({ object: { objectType: 'Agent', mbox: 'mailto:b@example.org' }, context: { revision: '2' } }),
    'statement.context.revision',
  ],
  [
    'voided verb without StatementRef',
    with_({ verb: { id: 'http://adlnet.gov/expapi/verbs/voided' } }),
    'statement.object',
  ],
  [
    'nested substatement',
    with_({
      object: {
        objectType: 'SubStatement',
        actor: base.actor,
        verb: base.verb,
        object: { objectType: 'SubStatement' },
      },
    }),
    'statement.object.object',
  ],
  [
    'substatement with id',
    with_({
      object: {
        objectType: 'SubStatement',
        id: uuid,
        actor: base.actor,
        verb: base.verb,
        object: base.object,
      },
    }),
    'statement.object',
  ],
  ['version 0.95', with_({ version: '0.95' }), 'statement.version'],
  [
    'extension key not an IRI',
    with_({ result: { extensions: { time: 1 } } }),
    'statement.result.extensions.time',
  ],
  ['missing actor', { verb: base.verb, object: base.object }, 'statement.actor'],
  ['not an object', [1], 'statement'],
]

describe('validateStatement', () => {
  it.each(cases)('%s', (_, statement, field) => {
    if (field === null) {
      expect(() => validateStatement(statement)).not.toThrow()
      return
    }
    let error: { code?: string; message?: string } = {}
    try {
      validateStatement(statement)
    } catch (e) {
      error = e as typeof error
    }
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.message?.split(':')[0]).toBe(field)
  })
})

describe('sameStatement', () => {
  const a = { ...base, id: uuid, timestamp: '2026-01-01T10:00:00Z', result: { success: true } }
  it.each<[string, Record<string, unknown>, boolean]>([
    ['identical', a, true],
    [
      'other verb display and activity definition',
      {
        ...a,
        verb: { id: base.verb.id, display: { fr: 'x' } },
        object: { ...base.object, definition: { name: { en: 'Q' } } },
      },
      true,
    ],
    [
      'assigned properties differ',
      { ...a, stored: '2026-01-02T00:00:00Z', authority: { mbox: 'mailto:x@example.org' }, version: '1.0.0' },
      true,
    ],
    ['same instant, other zone', { ...a, timestamp: '2026-01-01T11:00:00+01:00' }, true],
    ['activity objectType omitted', { ...a, object: { id: base.object.id } }, true],
    ['other result', { ...a, result: { success: false } }, false],
    ['other actor', { ...a, actor: { mbox: 'mailto:other@example.org' } }, false],
    ['other timestamp', { ...a, timestamp: '2026-01-01T10:00:01Z' }, false],
  ])('%s', (_, b, same) => expect(sameStatement(a, b)).toBe(same))
})

describe('statementRefs', () => {
  it('separates the actor and object from related agents and activities', () => {
    const refs = statementRefs({
      ...base,
      authority: { mbox: 'mailto:auth@example.org' },
      context: {
        instructor: { mbox: 'mailto:teacher@example.org' },
        contextActivities: { parent: [{ id: 'https://example.org/course' }] },
      },
    })
    expect(Object.fromEntries(refs.agents)).toEqual({
      'mbox:mailto:learner@example.org': true,
      'mbox:mailto:auth@example.org': false,
      'mbox:mailto:teacher@example.org': false,
    })
    expect(Object.fromEntries(refs.activities)).toEqual({
      'https://example.org/quiz/q1': true,
      'https://example.org/course': false,
    })
  })
})

describe('formatStatement', () => {
  const stored = {
    ...base,
    id: uuid,
    stored: '2026-01-01T00:00:00.000Z',
    timestamp: '2026-01-01T00:00:00.000Z',
    version: '1.0.0',
    authority: { objectType: 'Agent', name: 'Client', mbox: 'mailto:c@example.org' },
    actor: { ...base.actor, name: 'Learner' },
    verb: { id: base.verb.id, display: { 'en-US': 'answered', fr: 'a répondu' } },
    object: { ...base.object, definition: { name: { 'en-US': 'Q1', fr: 'Q1 fr' } } },
  }
  it('ids: identifiers only', () => {
    const out = formatStatement(stored, 'ids')
    expect(out.actor).toEqual({ objectType: 'Agent', mbox: 'mailto:learner@example.org' })
    expect(out.verb).toEqual({ id: base.verb.id })
    expect(out.object).toEqual({ objectType: 'Activity', id: base.object.id })
    expect(out.authority).toEqual({ objectType: 'Agent', mbox: 'mailto:c@example.org' })
  })
  it('canonical: one language per map, the best match for Accept-Language', () => {
    const out = formatStatement(stored, 'canonical', acceptedLanguages('fr-CA, en;q=0.5'))
    expect(out.verb.display).toEqual({ fr: 'a répondu' })
    expect((out.object as { definition: unknown }).definition).toEqual({ name: { fr: 'Q1 fr' } })
  })
})

describe('anonymousLearnerActor', () => {
  it('is an account under Rounds with the pseudonym and nothing personal', () => {
    const actor = anonymousLearnerActor('https://rounds.example', 'p_4f9a2c7e1b')
    expect(actor).toEqual({
      objectType: 'Agent',
      account: { homePage: 'https://rounds.example/', name: 'anon:p_4f9a2c7e1b' },
    })
    expect(() => validateStatement({ ...base, actor })).not.toThrow()
    expect(() => anonymousLearnerActor('https://rounds.example', 'jane@example.org')).toThrow()
  })
})
