import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AuditEvent } from '#src/capabilities/audit/audit.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson, expectValidationError } from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>
type Page = { events: AuditEvent[] }

describe.each(testDialects)('GET /api/orgs/{slug}/audit on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
    // Some history in this organisation: role changes made by its admin through the API.
    for (let i = 0; i < 3; i++) {
      const m = await createTestMember(rounds, w.org.id, ['author'])
      const res = await call(rounds, 'PUT', `/api/orgs/${w.org.slug}/members/${m.id}/roles`, {
        cookie: w.admin.cookie,
        body: { roles: ['reviewer'] },
      })
      expect(res.status).toBe(200)
    }
  })
  afterAll(() => rounds?.close())

  const path = (query = '') => `/api/orgs/${w.org.slug}/audit${query}`
  const page = async (query = '') =>
    (await expectJson<Page>(await call(rounds, 'GET', path(query), { cookie: w.admin.cookie }), 200)).events

  it('401 when signed out', async () => {
    await expectError(await call(rounds, 'GET', path()), 401, 'UNAUTHENTICATED')
  })

  it('403 for an editor, a reviewer and an author', async () => {
    for (const u of [w.editor, w.reviewer, w.author]) {
      await expectError(await call(rounds, 'GET', path(), { cookie: u.cookie }), 403, 'FORBIDDEN')
    }
  })

  it('404 for an admin of another organisation', async () => {
    await expectError(
      await call(rounds, 'GET', path(), { cookie: w.outsider.cookie }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
  })

  it.each([
    ['?limit=0', 'limit'],
    ['?limit=201', 'limit'],
    ['?limit=ten', 'limit'],
    ['?before=0', 'before'],
    ['?before=-3', 'before'],
    ['?before=1.5', 'before'],
  ])('400 for %s, naming %s', async (query, field) => {
    await expectValidationError(await call(rounds, 'GET', path(query), { cookie: w.admin.cookie }), [field])
  })

  it("lists this organisation's events only, newest first, with who did them", async () => {
    const events = await page()
    expect(events.length).toBeGreaterThanOrEqual(8)
    const seqs = events.map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a))
    for (const seq of seqs) expect(Number.isInteger(seq)).toBe(true)
    expect(events.at(-1)?.action).toBe('organisation.created')
    expect(events[0]).toMatchObject({
      action: 'member.roles_changed',
      actor: { id: w.admin.id, name: w.admin.name },
      resourceType: 'user',
      summary: { before: ['author'], after: ['reviewer'] },
    })
    // The outsider's organisation has its own history, none of which shows here.
    expect(events.map((e) => e.resourceId)).not.toContain(w.other.id)
    expect(events.map((e) => e.resourceId)).not.toContain(w.outsider.id)
  })

  it('pages with limit and before: no event twice, none missed', async () => {
    const all = await page('?limit=200')
    const seen: AuditEvent[] = []
    let query = '?limit=3'
    for (let i = 0; i < 50; i++) {
      const events = await page(query)
      expect(events.length).toBeLessThanOrEqual(3)
      if (events.length === 0) break
      seen.push(...events)
      query = `?limit=3&before=${events.at(-1)?.seq}`
    }
    expect(seen).toEqual(all)
    expect(new Set(seen.map((e) => e.seq)).size).toBe(seen.length)
  })

  it('before the oldest event there is nothing', async () => {
    const all = await page('?limit=200')
    expect(await page(`?before=${all.at(-1)?.seq}`)).toEqual([])
  })
})
