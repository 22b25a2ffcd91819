import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, signIn, type TestRounds } from '#test/support/rounds.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'

describe.each(testDialects)('smoke on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds.close())
  it('signs in and reads /api/me', async () => {
    const org = await createTestOrganisation(rounds)
    const u = await createTestMember(rounds, org.id, ['editor', 'reviewer'])
    const cookie = await signIn(rounds, u.email)
    const res = await call(rounds, 'GET', '/api/me', { cookie })
    expect(res.status).toBe(200)
    const me = await res.json()
    expect(me.organisations[0].roles).toEqual(['editor', 'reviewer'])
  })
})
