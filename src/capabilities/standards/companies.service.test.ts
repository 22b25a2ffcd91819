import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { canonicalCompany, companyParents } from '#src/capabilities/screening/lexicons/companies.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation, createTestUser } from '#test/support/factories.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  ensureCompanyList,
  resolveCompany,
  searchCompaniesForActor,
  seedCompanyRows,
} from './companies.service.ts'

describe('the seed list', () => {
  const rows = seedCompanyRows('2026-01-01T00:00:00.000Z')

  it('holds one row per parent in the screening table, with unique ids and normalised names', () => {
    expect(rows).toHaveLength(companyParents.length)
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
    expect(new Set(rows.map((r) => r.normalisedName)).size).toBe(rows.length)
  })

  it('names each parent as the screening engine does, so a pick compares like a brand mention', () => {
    const mismatched = rows.filter((r) => canonicalCompany(r.name).name !== r.parent).map((r) => r.name)
    expect(mismatched).toEqual([])
  })

  it('makes the aliases searchable', () => {
    const jnj = rows.find((r) => r.name === 'Johnson & Johnson')
    expect(jnj?.searchText).toContain('|JANSSEN|')
    expect(jnj?.searchText.startsWith('|JOHNSON AND JOHNSON|')).toBe(true)
  })
})

describe.each(testDialects)('companies on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds?.close())

  const count = async () =>
    Number(
      (
        await rounds.database.db
          .selectFrom('company')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('seeds the list once, idempotently', async () => {
    await ensureCompanyList(rounds.accounts)
    const n = await count()
    expect(n).toBe(companyParents.length)
    await ensureCompanyList(rounds.accounts)
    expect(await count()).toBe(n)
  })

  it('a typed name joins the list once per normalised name; a known name resolves to the seed row', async () => {
    const user = await createTestUser(rounds)
    const db = rounds.database.db
    const first = await resolveCompany(db, rounds.accounts, user.id, { companyName: 'Acme  Devices Ltd.' })
    expect(first.contributed).toBe(true)
    expect(first.company).toMatchObject({
      name: 'Acme Devices Ltd.',
      parent: 'Acme Devices',
      source: 'contributed',
    })
    const again = await resolveCompany(db, rounds.accounts, user.id, { companyName: 'ACME devices' })
    expect(again).toEqual({ company: first.company, contributed: false })
    const novo = await resolveCompany(db, rounds.accounts, user.id, { companyName: 'Novo Nordisk A/S' })
    expect(novo.company).toMatchObject({ name: 'Novo Nordisk', source: 'seed' })
    const janssen = await resolveCompany(db, rounds.accounts, user.id, { companyName: 'Janssen Biotech' })
    expect(janssen.company).toMatchObject({ name: 'Janssen Biotech', parent: 'Johnson & Johnson' })
    await expect(resolveCompany(db, rounds.accounts, user.id, { companyId: 'nope' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
    await expect(resolveCompany(db, rounds.accounts, user.id, { companyName: '!!' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    })
  })

  it('searches names and aliases by word start, best first', async () => {
    const user = await createTestUser(rounds)
    const actor = await loadActor(rounds.accounts, user.id)
    const search = async (q: string, limit = 20) =>
      (await searchCompaniesForActor(rounds.accounts, actor, { q, limit })).map((c) => c.name)
    expect((await search('novo'))[0]).toBe('Novo Nordisk')
    expect(await search('jans')).toEqual(['Johnson & Johnson'])
    expect(await search('genentech')).toEqual(['Roche'])
    expect(await search('nordisk')).toContain('Novo Nordisk')
    expect(await search('ordisk')).toEqual([])
    // "Merck" itself before "Merck KGaA", which starts with it.
    expect((await search('merck')).slice(0, 2)).toEqual(['Merck', 'Merck KGaA'])
    expect(await search('', 5)).toHaveLength(5)
  })

  it("shows a typed name to its author and their organisations' members, not to strangers", async () => {
    const org = await createTestOrganisation(rounds)
    const typist = await createTestMember(rounds, org.id, ['author'])
    const colleague = await createTestMember(rounds, org.id, ['reviewer'])
    const stranger = await createTestUser(rounds)
    await resolveCompany(rounds.database.db, rounds.accounts, typist.id, {
      companyName: 'Zyxwv Medical Widgets',
    })
    const sees = async (userId: string) =>
      (
        await searchCompaniesForActor(rounds.accounts, await loadActor(rounds.accounts, userId), {
          q: 'zyxwv',
          limit: 20,
        })
      ).map((c) => c.name)
    expect(await sees(typist.id)).toEqual(['Zyxwv Medical Widgets'])
    expect(await sees(colleague.id)).toEqual(['Zyxwv Medical Widgets'])
    expect(await sees(stranger.id)).toEqual([])
  })
})
