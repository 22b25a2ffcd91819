import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialects } from '#test/support/database.ts'
import { createTestOrganisation } from '#test/support/factories.ts'
import { createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import { anonymousLearnerActor, roundsAuthority } from './xapi.actors.ts'
import { getStatement, queryStatements, recordStatements } from './xapi.service.ts'

const answered = 'http://adlnet.gov/expapi/verbs/answered'
const statement = (over: Record<string, unknown> = {}) => ({
  actor: { mbox: 'mailto:learner@example.org' },
  verb: { id: answered, display: { 'en-US': 'answered' } },
  object: { id: 'https://example.org/quiz/q1', objectType: 'Activity' },
  result: { success: true, score: { scaled: 0.5 } },
  ...over,
})

describe.each(testDialects)('recording xAPI statements (%s)', (dialect) => {
  let rounds: TestRounds
  let orgId: string
  const authority = roundsAuthority(TEST_BASE_URL)
  const record = (statements: unknown[]) =>
    recordStatements(rounds.accounts, { organisationId: orgId, statements, authority })

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    orgId = (await createTestOrganisation(rounds)).id
  })
  afterAll(() => rounds.close())

  it('stores statements, assigning id, stored, timestamp, authority and version', async () => {
    const [id] = await record([statement()])
    const s = await getStatement(rounds.accounts, orgId, id as string, { voided: false })
    expect(s.id).toBe(id)
    expect(s.stored).toMatch(/Z$/)
    expect(s.timestamp).toBe(s.stored)
    expect(s.authority).toEqual(authority)
    expect(s.version).toBe('1.0.0')
  })

  it('is idempotent for the same statement and refuses a different one with the same id', async () => {
    const id = randomUUID()
    await record([statement({ id, timestamp: '2026-01-01T10:00:00Z' })])
    // Same statement: verb display, id case and timestamp serialisation do not matter.
    await expect(
      record([
        statement({
          id: id.toUpperCase(),
          verb: { id: answered, display: { fr: 'a répondu' } },
          timestamp: '2026-01-01T11:00:00+01:00',
        }),
      ]),
    ).resolves.toEqual([id])
    await expect(record([statement({ id, result: { success: false } })])).rejects.toMatchObject({
      code: 'CONFLICT',
    })
  })

  it('stores the same new statement sent by racing requests once, answering both', async () => {
    const id = randomUUID()
    const results = await Promise.all(Array.from({ length: 4 }, () => record([statement({ id })])))
    expect(results).toEqual(Array.from({ length: 4 }, () => [id]))
    const page = await queryStatements(rounds.accounts, orgId, { filters: { limit: 0 } })
    expect(page.statements.filter((s) => s.id === id)).toHaveLength(1)
  })

  it('stores a batch all or none', async () => {
    const good = randomUUID()
    await expect(
      record([statement({ id: good }), statement({ verb: { id: 'nope' } })]),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      message: expect.stringContaining('statements[1].verb.id'),
    })
    await expect(getStatement(rounds.accounts, orgId, good, { voided: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('voids a statement, before or after it arrives', async () => {
    const target = randomUUID()
    const early = randomUUID()
    const voiding = (id: string) => ({
      actor: { mbox: 'mailto:admin@example.org' },
      verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
      object: { objectType: 'StatementRef', id },
    })
    await record([statement({ id: target })])
    await record([voiding(target), voiding(early)])
    await record([statement({ id: early })])
    for (const id of [target, early]) {
      await expect(getStatement(rounds.accounts, orgId, id, { voided: false })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
      await expect(getStatement(rounds.accounts, orgId, id, { voided: true })).resolves.toMatchObject({ id })
    }
    const page = await queryStatements(rounds.accounts, orgId, { filters: { limit: 500 } })
    expect(page.statements.map((s) => s.id)).not.toContain(target)
  })

  it('returns statements that target a matching statement, including the voiding statement of a voided one', async () => {
    const org = await createTestOrganisation(rounds)
    const rec = (statements: unknown[]) =>
      recordStatements(rounds.accounts, { organisationId: org.id, authority, statements })
    const target = randomUUID()
    const voided = randomUUID()
    const [comment, voiding] = await rec([
      statement({ id: target }),
      statement({ id: voided }),
      {
        actor: { mbox: 'mailto:tutor@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/commented' },
        object: { objectType: 'StatementRef', id: target },
      },
      {
        actor: { mbox: 'mailto:admin@example.org' },
        verb: { id: 'http://adlnet.gov/expapi/verbs/voided' },
        object: { objectType: 'StatementRef', id: voided },
      },
    ]).then((ids) => ids.slice(2))
    const found = await queryStatements(rounds.accounts, org.id, { filters: { verb: answered } })
    expect(found.statements.map((s) => s.id).sort()).toEqual([target, comment, voiding].sort())
  })

  it('pages with a stable cursor and filters by agent, verb and activity', async () => {
    const org = await createTestOrganisation(rounds)
    const learner = anonymousLearnerActor(TEST_BASE_URL, 'pseudo-12345678')
    const ids = await recordStatements(rounds.accounts, {
      organisationId: org.id,
      authority,
      statements: Array.from({ length: 5 }, (_, i) =>
        statement({
          actor: learner,
          object: { id: `https://example.org/a/${i % 2}` },
          context: { contextActivities: { parent: { id: 'https://example.org/course' } } },
        }),
      ),
    })
    const seen: string[] = []
    let page = await queryStatements(rounds.accounts, org.id, { filters: { limit: 2, agent: learner } })
    seen.push(...page.statements.map((s) => s.id))
    while (page.more) {
      // A statement stored after the first page does not shift the later pages.
      await recordStatements(rounds.accounts, {
        organisationId: org.id,
        authority,
        statements: [statement()],
      })
      page = await queryStatements(rounds.accounts, org.id, { filters: {}, cursor: page.more })
      seen.push(...page.statements.map((s) => s.id))
    }
    expect([...seen].sort()).toEqual([...ids].sort())
    // limit 0 is the server's maximum page, not an empty one.
    const all = await queryStatements(rounds.accounts, org.id, { filters: { limit: 0, agent: learner } })
    expect(all.statements).toHaveLength(ids.length)
    expect(all.more).toBeNull()
    const byActivity = await queryStatements(rounds.accounts, org.id, {
      filters: { activity: 'https://example.org/a/0' },
    })
    expect(byActivity.statements).toHaveLength(3)
    const parent = { activity: 'https://example.org/course' }
    expect((await queryStatements(rounds.accounts, org.id, { filters: parent })).statements).toHaveLength(0)
    expect(
      (await queryStatements(rounds.accounts, org.id, { filters: { ...parent, relatedActivities: true } }))
        .statements,
    ).toHaveLength(5)
    const contextActivity = (await getStatement(rounds.accounts, org.id, ids[0] as string, { voided: false }))
      .context?.contextActivities?.parent
    expect(contextActivity).toEqual([{ id: 'https://example.org/course' }])
  })
})
