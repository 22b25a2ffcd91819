import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadActor, updateIdentity } from '#src/capabilities/accounts/accounts.service.ts'
import { seedDemo } from '#src/capabilities/accounts/operator.service.ts'
import type { AuthorCard } from '#src/capabilities/standards/author-card.schema.ts'
import type { Company } from '#src/capabilities/standards/companies.schema.ts'
import { findCurrentAttestation } from '#src/capabilities/standards/disclosure.repository.ts'
import type {
  Attestation,
  DeclaredConflictView,
  MemberDisclosure,
  Mitigation,
  MyDisclosures,
  Relationship,
} from '#src/capabilities/standards/disclosure.schema.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestUser } from '#test/support/factories.ts'
import { call, createTestRounds, TEST_PASSWORD, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  type SignedInUser,
  signedInMember,
  verifyAs,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>
type Change = { relationship: Relationship; attestationSuperseded: boolean }

const START = new Date('2026-06-01T09:00:00.000Z')
const DAY = 86_400_000

describe.each(testDialects)('disclosures on %s', (dialect) => {
  const clock = manualClock(START)
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds, { name: 'Demo Teaching Channel' })
  })
  afterAll(() => rounds?.close())
  beforeEach(() => clock.set(START))

  /** A fresh author in the organisation, signed in, so each test owns its register. */
  const newAuthor = (name?: string) =>
    signedInMember(rounds, w.org.id, ['author'], name ? { name } : {}) as Promise<SignedInUser>

  const mine = async (u: SignedInUser) =>
    expectJson<MyDisclosures>(await call(rounds, 'GET', '/api/me/disclosures', { cookie: u.cookie }), 200)

  const add = async (u: SignedInUser, body: Record<string, unknown>) =>
    expectJson<Change>(
      await call(rounds, 'POST', '/api/me/disclosures/relationships', {
        cookie: u.cookie,
        body: { endDate: null, ...body },
      }),
      201,
    )

  const attest = (u: SignedInUser, kind: string) =>
    call(rounds, 'POST', '/api/me/disclosures/attestations', { cookie: u.cookie, body: { kind } })

  const auditSummaries = async (action: string, resourceId: string) =>
    (
      await rounds.database.db
        .selectFrom('audit_event')
        .select('summary')
        .where('action', '=', action)
        .where('resource_id', '=', resourceId)
        .execute()
    ).map((r) => r.summary)

  describe('GET /api/me/disclosures', () => {
    it('401 signed out', async () => {
      await expectError(await call(rounds, 'GET', '/api/me/disclosures'), 401, 'UNAUTHENTICATED')
    })

    it('a new member has an empty register, no attestation, and a "none" statement', async () => {
      const u = await newAuthor('Dr Nadia Novak')
      expect(await mine(u)).toEqual({
        status: 'missing',
        attestation: null,
        relationships: [],
        droppedOutCount: 0,
        windowStart: '2024-06-01',
        statement: 'Dr Nadia Novak has no relevant financial relationships with ineligible companies.',
      })
    })
  })

  describe('POST /api/me/disclosures/relationships', () => {
    const path = '/api/me/disclosures/relationships'

    it('401 signed out', async () => {
      await expectError(
        await call(rounds, 'POST', path, {
          body: { companyName: 'Pfizer', nature: 'speaker', startDate: '2025-01-01', endDate: null },
        }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('400 naming the field: shape, company, nature, dates', async () => {
      const u = await newAuthor()
      const post = (body: unknown) => call(rounds, 'POST', path, { cookie: u.cookie, body })
      await expectValidationError(await post({ companyName: 'Pfizer' }), ['nature', 'startDate', 'endDate'])
      await expectValidationError(
        await post({
          companyId: 'x',
          companyName: 'Pfizer',
          nature: 'speaker',
          startDate: '2025-01-01',
          endDate: null,
        }),
        ['companyId'],
      )
      await expectValidationError(await post({ nature: 'speaker', startDate: '2025-01-01', endDate: null }), [
        'companyId',
      ])
      await expectValidationError(
        await post({ companyName: 'Pfizer', nature: 'bribery', startDate: '2025-01-01', endDate: null }),
        ['nature'],
      )
      await expectValidationError(
        await post({ companyName: 'Pfizer', nature: 'other', startDate: '2025-01-01', endDate: null }),
        ['natureDetail'],
      )
      await expectValidationError(
        await post({ companyName: 'Pfizer', nature: 'speaker', startDate: '01/02/2025', endDate: null }),
        ['startDate'],
      )
      await expectValidationError(
        await post({
          companyName: 'Pfizer',
          nature: 'speaker',
          startDate: '2025-03-01',
          endDate: '2025-02-01',
        }),
        ['endDate'],
      )
      await expectValidationError(
        await post({
          companyName: 'Pfizer',
          nature: 'speaker',
          startDate: '2025-01-01',
          endDate: null,
          amountBand: 'lots',
        }),
        ['amountBand'],
      )
      await expectValidationError(
        await post({
          companyId: 'no-such-company',
          nature: 'speaker',
          startDate: '2025-01-01',
          endDate: null,
        }),
        ['companyId'],
      )
      // Checked against the clock: not in the future, not older than the 24-month window.
      await expectValidationError(
        await post({ companyName: 'Pfizer', nature: 'speaker', startDate: '2026-06-02', endDate: null }),
        ['startDate'],
      )
      const old = await expectValidationError(
        await post({
          companyName: 'Pfizer',
          nature: 'speaker',
          startDate: '2023-01-01',
          endDate: '2024-05-31',
        }),
        ['endDate'],
      )
      expect(old.endDate).toMatch(/24 months/)
      expect((await mine(u)).relationships).toEqual([])
    })

    it('records from the list or by free entry, audited without amounts, and lists them', async () => {
      const u = await newAuthor()
      const [novo] = await expectJson<{ companies: Company[] }>(
        await call(rounds, 'GET', '/api/companies?q=novo%20nord', { cookie: u.cookie }),
        200,
      ).then((r) => r.companies)
      expect(novo).toMatchObject({ name: 'Novo Nordisk', source: 'seed' })
      const before = await countAuditEvents(rounds)
      const a = await add(u, {
        companyId: novo?.id,
        nature: 'speaker',
        startDate: '2025-02-01',
        endDate: '2026-01-31',
        amountBand: '10000_to_49999',
      })
      expect(a).toEqual({
        attestationSuperseded: false,
        relationship: {
          id: expect.any(String),
          company: { id: novo?.id, name: 'Novo Nordisk', parent: 'Novo Nordisk' },
          nature: 'speaker',
          natureDetail: null,
          startDate: '2025-02-01',
          endDate: '2026-01-31',
          amountBand: '10000_to_49999',
          createdAt: START.toISOString(),
          updatedAt: START.toISOString(),
          mitigations: [],
        },
      })
      const b = await add(u, {
        companyName: 'Acme Devices Ltd',
        nature: 'ownership',
        startDate: '2023-04-01',
      })
      expect(b.relationship.company).toMatchObject({ name: 'Acme Devices Ltd', parent: 'Acme Devices' })
      expect(await countAuditEvents(rounds)).toBe(before + 2)
      const [summary] = await auditSummaries('disclosure.relationship_added', a.relationship.id)
      expect(JSON.parse(summary as string)).toEqual({
        companyId: novo?.id,
        companyContributed: false,
        nature: 'speaker',
        attestationSuperseded: false,
      })
      const register = await mine(u)
      expect(register.relationships.map((r) => r.id).sort()).toEqual(
        [a.relationship.id, b.relationship.id].sort(),
      )
      expect(register.status).toBe('missing')
    })
  })

  describe('POST /api/me/disclosures/attestations', () => {
    it('401 signed out, 400 for an unknown kind', async () => {
      await expectError(
        await call(rounds, 'POST', '/api/me/disclosures/attestations', { body: { kind: 'none' } }),
        401,
        'UNAUTHENTICATED',
      )
      const u = await newAuthor()
      await expectValidationError(await attest(u, 'mostly'), ['kind'])
    })

    it('409 when the kind contradicts the register', async () => {
      const u = await newAuthor()
      await expectError(await attest(u, 'complete'), 409, 'CONFLICT')
      await add(u, { companyName: 'Pfizer', nature: 'consulting', startDate: '2025-01-01' })
      const body = await expectError(await attest(u, 'none'), 409, 'CONFLICT')
      expect(body.error.message).toMatch(/1 relationship/)
      expect((await mine(u)).status).toBe('missing')
    })

    it('"none" holds for 12 months, then expires', async () => {
      const u = await newAuthor()
      const before = await countAuditEvents(rounds)
      const { attestation } = await expectJson<{ attestation: Attestation }>(await attest(u, 'none'), 201)
      expect(attestation).toEqual({
        id: expect.any(String),
        kind: 'none',
        attestedAt: '2026-06-01T09:00:00.000Z',
        expiresAt: '2027-06-01T09:00:00.000Z',
      })
      expect(await countAuditEvents(rounds)).toBe(before + 1)
      expect(await mine(u)).toMatchObject({ status: 'current', attestation })
      expect(await findCurrentAttestation(rounds.database.db, u.id, clock.now())).toEqual(attestation)

      clock.set(new Date(Date.parse(attestation.expiresAt) - 1))
      expect((await mine(u)).status).toBe('current')
      clock.set(new Date(attestation.expiresAt))
      expect(await mine(u)).toMatchObject({ status: 'expired', attestation })
      expect(await findCurrentAttestation(rounds.database.db, u.id, clock.now())).toBeNull()
      // Renewing starts a new 12 months.
      const renewed = await expectJson<{ attestation: Attestation }>(await attest(u, 'none'), 201)
      expect(renewed.attestation.expiresAt).toBe('2028-06-01T09:00:00.000Z')
      expect((await mine(u)).status).toBe('current')
    })

    it('a change to the list after attesting "complete" needs a new attestation', async () => {
      const u = await newAuthor()
      const { relationship } = await add(u, {
        companyName: 'Pfizer',
        nature: 'consulting',
        startDate: '2025-01-01',
      })
      await expectJson(await attest(u, 'complete'), 201)
      expect((await mine(u)).status).toBe('current')

      clock.advance(DAY)
      const changed = await expectJson<Change>(
        await call(rounds, 'PATCH', `/api/me/disclosures/relationships/${relationship.id}`, {
          cookie: u.cookie,
          body: { endDate: '2026-05-01' },
        }),
        200,
      )
      expect(changed.attestationSuperseded).toBe(true)
      expect((await mine(u)).status).toBe('changed')
      expect(await findCurrentAttestation(rounds.database.db, u.id, clock.now())).toBeNull()

      const again = await expectJson<{ attestation: Attestation }>(await attest(u, 'complete'), 201)
      expect(await findCurrentAttestation(rounds.database.db, u.id, clock.now())).toEqual(again.attestation)
      // Adding another relationship voids it too.
      const added = await add(u, { companyName: 'Roche', nature: 'speaker', startDate: '2026-01-01' })
      expect(added.attestationSuperseded).toBe(true)
      expect((await mine(u)).status).toBe('changed')
    })
  })

  describe('PATCH /api/me/disclosures/relationships/{relationshipId}', () => {
    const path = (id: string) => `/api/me/disclosures/relationships/${id}`

    it("401 signed out, 404 for somebody else's relationship, 400 naming the field", async () => {
      const owner = await newAuthor()
      const other = await newAuthor()
      const { relationship } = await add(owner, {
        companyName: 'Pfizer',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      await expectError(
        await call(rounds, 'PATCH', path(relationship.id), { body: { endDate: null } }),
        401,
        'UNAUTHENTICATED',
      )
      await expectError(
        await call(rounds, 'PATCH', path(relationship.id), { cookie: other.cookie, body: { endDate: null } }),
        404,
        'NOT_FOUND',
      )
      await expectValidationError(
        await call(rounds, 'PATCH', path(relationship.id), { cookie: owner.cookie, body: {} }),
        ['(body)'],
      )
      await expectValidationError(
        await call(rounds, 'PATCH', path(relationship.id), {
          cookie: owner.cookie,
          body: { nature: 'other' },
        }),
        ['natureDetail'],
      )
      await expectValidationError(
        await call(rounds, 'PATCH', path(relationship.id), {
          cookie: owner.cookie,
          body: { endDate: '2024-12-31' },
        }),
        ['endDate'],
      )
      const [unchanged] = (await mine(owner)).relationships
      expect(unchanged).toMatchObject({ nature: 'speaker', endDate: null })
    })

    it('changes the company and dates, audited with the changed field names', async () => {
      const u = await newAuthor()
      const { relationship } = await add(u, {
        companyName: 'Pfizer',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      clock.advance(DAY)
      const { relationship: after } = await expectJson<Change>(
        await call(rounds, 'PATCH', path(relationship.id), {
          cookie: u.cookie,
          body: { companyName: 'Janssen Biotech', endDate: '2026-03-31', amountBand: 'under_1000' },
        }),
        200,
      )
      expect(after).toMatchObject({
        id: relationship.id,
        company: { name: 'Janssen Biotech', parent: 'Johnson & Johnson' },
        nature: 'speaker',
        startDate: '2025-01-01',
        endDate: '2026-03-31',
        amountBand: 'under_1000',
        createdAt: START.toISOString(),
        updatedAt: new Date(START.getTime() + DAY).toISOString(),
      })
      const [summary] = await auditSummaries('disclosure.relationship_changed', relationship.id)
      const parsed = JSON.parse(summary as string)
      expect(parsed.changed.sort()).toEqual(['amountBand', 'companyId', 'endDate'])
      expect(summary).not.toContain('under_1000')
    })
  })

  describe('DELETE /api/me/disclosures/relationships/{relationshipId}', () => {
    const path = (id: string) => `/api/me/disclosures/relationships/${id}`

    it("401 signed out, 404 for somebody else's relationship", async () => {
      const owner = await newAuthor()
      const other = await newAuthor()
      const { relationship } = await add(owner, {
        companyName: 'Pfizer',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      await expectError(await call(rounds, 'DELETE', path(relationship.id)), 401, 'UNAUTHENTICATED')
      await expectError(
        await call(rounds, 'DELETE', path(relationship.id), { cookie: other.cookie }),
        404,
        'NOT_FOUND',
      )
      expect((await mine(owner)).relationships).toHaveLength(1)
    })

    it('removes it from the register, audited, and voids a current attestation', async () => {
      const u = await newAuthor()
      const { relationship } = await add(u, {
        companyName: 'Pfizer',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      await expectJson(await attest(u, 'complete'), 201)
      const before = await countAuditEvents(rounds)
      const res = await call(rounds, 'DELETE', path(relationship.id), { cookie: u.cookie })
      expect(res.status).toBe(204)
      expect(await countAuditEvents(rounds)).toBe(before + 1)
      expect(await mine(u)).toMatchObject({ relationships: [], status: 'changed', droppedOutCount: 0 })
      await expectError(
        await call(rounds, 'DELETE', path(relationship.id), { cookie: u.cookie }),
        404,
        'NOT_FOUND',
      )
      await expectJson(await attest(u, 'none'), 201)
    })
  })

  describe('the 24-month window', () => {
    it('a relationship drops out of the register and the statement 24 months after it ends', async () => {
      const u = await newAuthor('Dr Wendy Window')
      await add(u, {
        companyName: 'Pfizer',
        nature: 'speaker',
        startDate: '2024-01-01',
        endDate: '2024-07-15',
      })
      await add(u, { companyName: 'Window Instruments', nature: 'ownership', startDate: '2020-01-01' })
      await expectJson(await attest(u, 'complete'), 201)
      expect(await mine(u)).toMatchObject({
        droppedOutCount: 0,
        statement:
          'Dr Wendy Window has received speaker fees from Pfizer (2024) and holds stock in Window Instruments (ongoing).',
      })

      clock.set(new Date('2026-07-15T23:00:00.000Z'))
      expect((await mine(u)).relationships).toHaveLength(2)
      clock.set(new Date('2026-07-16T00:00:00.000Z'))
      const later = await mine(u)
      expect(later).toMatchObject({
        windowStart: '2024-07-16',
        droppedOutCount: 1,
        status: 'current',
        statement: 'Dr Wendy Window holds stock in Window Instruments (ongoing).',
      })
      expect(later.relationships.map((r) => r.company.name)).toEqual(['Window Instruments'])
    })
  })

  describe('GET /api/me/disclosures/statement', () => {
    it('401 signed out', async () => {
      await expectError(await call(rounds, 'GET', '/api/me/disclosures/statement'), 401, 'UNAUTHENTICATED')
    })

    it('reads the professional display name and the current list', async () => {
      const u = await newAuthor()
      await updateIdentity(rounds.accounts, await loadActor(rounds.accounts, u.id), {
        displayName: 'Dr Priya Shah',
        profession: 'doctor',
        registrationBody: 'GMC',
        registrationNumber: '7654321',
      })
      await add(u, {
        companyName: 'Example Pharma',
        nature: 'speaker',
        startDate: '2025-02-01',
        endDate: '2026-01-31',
      })
      await add(u, { companyName: 'Shah Devices', nature: 'ownership', startDate: '2023-04-01' })
      const s = await expectJson<{ statement: string; status: string; attestation: Attestation | null }>(
        await call(rounds, 'GET', '/api/me/disclosures/statement', { cookie: u.cookie }),
        200,
      )
      expect(s).toEqual({
        statement:
          'Dr Priya Shah has received speaker fees from Example Pharma (2025–2026) and holds stock in Shah Devices (ongoing).',
        status: 'missing',
        attestation: null,
      })
      const { attestation } = await expectJson<{ attestation: Attestation }>(await attest(u, 'complete'), 201)
      expect(
        await expectJson(
          await call(rounds, 'GET', '/api/me/disclosures/statement', { cookie: u.cookie }),
          200,
        ),
      ).toMatchObject({ status: 'current', attestation })
    })
  })

  describe('GET /api/orgs/{slug}/disclosures', () => {
    const path = () => `/api/orgs/${w.org.slug}/disclosures`

    it('401 signed out, 403 for authors and reviewers, 404 for outsiders', async () => {
      await expectError(await call(rounds, 'GET', path()), 401, 'UNAUTHENTICATED')
      await expectError(await call(rounds, 'GET', path(), { cookie: w.author.cookie }), 403, 'FORBIDDEN')
      await expectError(await call(rounds, 'GET', path(), { cookie: w.reviewer.cookie }), 403, 'FORBIDDEN')
      await expectError(
        await call(rounds, 'GET', path(), { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
    })

    it("editors and admins see each member's status, expiry and relationships with amount bands", async () => {
      const attested = await newAuthor()
      await expectJson(await attest(attested, 'none'), 201)
      const listed = await newAuthor()
      await add(listed, {
        companyName: 'Pfizer',
        nature: 'consulting',
        startDate: '2025-01-01',
        amountBand: '1000_to_9999',
      })
      for (const reader of [w.editor, w.admin]) {
        const { members, windowStart } = await expectJson<{
          members: MemberDisclosure[]
          windowStart: string
        }>(await call(rounds, 'GET', path(), { cookie: reader.cookie }), 200)
        expect(windowStart).toBe('2024-06-01')
        const byId = new Map(members.map((m) => [m.userId, m]))
        expect(byId.get(attested.id)).toMatchObject({
          status: 'current',
          attestation: { kind: 'none', expiresAt: '2027-06-01T09:00:00.000Z' },
          relationships: [],
        })
        expect(byId.get(listed.id)).toMatchObject({
          status: 'missing',
          attestation: null,
          relationships: [{ company: { name: 'Pfizer' }, nature: 'consulting', amountBand: '1000_to_9999' }],
        })
        expect(byId.has(w.outsider.id)).toBe(false)
      }
    })
  })

  describe('POST /api/orgs/{slug}/members/{userId}/relationships/{relationshipId}/mitigations', () => {
    const steps = 'Extra independent review by a reviewer without ties to Novo Nordisk'
    const path = (userId: string, relationshipId: string, slug = w.org.slug) =>
      `/api/orgs/${slug}/members/${userId}/relationships/${relationshipId}/mitigations`

    it('401 signed out, 403 for admins and authors, 404 for outsiders, 400 for too little said', async () => {
      const member = await newAuthor()
      const { relationship } = await add(member, {
        companyName: 'Novo Nordisk',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      const p = path(member.id, relationship.id)
      const before = await countAuditEvents(rounds)
      await expectError(await call(rounds, 'POST', p, { body: { steps } }), 401, 'UNAUTHENTICATED')
      await expectError(
        await call(rounds, 'POST', p, { cookie: w.admin.cookie, body: { steps } }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', p, { cookie: w.author.cookie, body: { steps } }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', p, { cookie: w.outsider.cookie, body: { steps } }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectValidationError(
        await call(rounds, 'POST', p, { cookie: w.editor.cookie, body: { steps: 'ok' } }),
        ['steps'],
      )
      expect(await countAuditEvents(rounds)).toBe(before)
    })

    it("404 for a non-member or another member's relationship; 403 for an editor's own", async () => {
      const member = await newAuthor()
      const { relationship } = await add(member, {
        companyName: 'Novo Nordisk',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      const stranger = await createTestUser(rounds)
      await expectError(
        await call(rounds, 'POST', path(stranger.id, relationship.id), {
          cookie: w.editor.cookie,
          body: { steps },
        }),
        404,
        'MEMBER_NOT_FOUND',
      )
      await expectError(
        await call(rounds, 'POST', path(w.author.id, relationship.id), {
          cookie: w.editor.cookie,
          body: { steps },
        }),
        404,
        'NOT_FOUND',
      )
      const own = await add(w.editor, {
        companyName: 'Novo Nordisk',
        nature: 'advisory_board',
        startDate: '2025-01-01',
      })
      await expectError(
        await call(rounds, 'POST', path(w.editor.id, own.relationship.id), {
          cookie: w.editor.cookie,
          body: { steps },
        }),
        403,
        'FORBIDDEN',
      )
    })

    it('records the steps, audited without their wording, shown with the relationship', async () => {
      const member = await newAuthor()
      const { relationship } = await add(member, {
        companyName: 'Novo Nordisk',
        nature: 'speaker',
        startDate: '2025-01-01',
      })
      const before = await countAuditEvents(rounds)
      const { mitigation } = await expectJson<{ mitigation: Mitigation }>(
        await call(rounds, 'POST', path(member.id, relationship.id), {
          cookie: w.editor.cookie,
          body: { steps },
        }),
        201,
      )
      expect(mitigation).toEqual({
        id: expect.any(String),
        organisation: { slug: w.org.slug, name: 'Demo Teaching Channel' },
        steps,
        recordedBy: { id: w.editor.id, name: w.editor.name },
        recordedAt: START.toISOString(),
      })
      expect(await countAuditEvents(rounds)).toBe(before + 1)
      const [summary] = await auditSummaries('disclosure.mitigation_recorded', relationship.id)
      expect(summary).not.toContain('independent')
      expect((await mine(member)).relationships[0]?.mitigations).toEqual([mitigation])
      const { members } = await expectJson<{ members: MemberDisclosure[] }>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/disclosures`, { cookie: w.editor.cookie }),
        200,
      )
      expect(members.find((m) => m.userId === member.id)?.relationships[0]?.mitigations).toEqual([mitigation])
    })
  })

  describe('GET /api/companies', () => {
    it('401 signed out, 400 for a bad limit', async () => {
      await expectError(await call(rounds, 'GET', '/api/companies?q=novo'), 401, 'UNAUTHENTICATED')
      await expectValidationError(
        await call(rounds, 'GET', '/api/companies?limit=0', { cookie: w.author.cookie }),
        ['limit'],
      )
    })

    it('finds companies by name or alias, best first', async () => {
      // As someone sharing no organisation with the members who typed names in other tests.
      const search = async (q: string) =>
        (
          await expectJson<{ companies: Company[] }>(
            await call(rounds, 'GET', `/api/companies?q=${encodeURIComponent(q)}&limit=5`, {
              cookie: w.outsider.cookie,
            }),
            200,
          )
        ).companies
      expect((await search('astra'))[0]).toMatchObject({
        name: 'AstraZeneca',
        parent: 'AstraZeneca',
        source: 'seed',
      })
      expect((await search('Janssen')).map((c) => c.name)).toEqual(['Johnson & Johnson'])
      expect(await search('zzzz no such')).toEqual([])
    })
  })

  describe('GET /api/authors/{userId}/card', () => {
    const card = (userId: string, org?: string) =>
      call(rounds, 'GET', `/api/authors/${userId}/card${org === undefined ? '' : `?org=${org}`}`)

    it('400 without an organisation; 404 for non-members, unknown people and unknown organisations', async () => {
      await expectValidationError(await card(w.author.id), ['org'])
      await expectError(await card(w.outsider.id, w.org.slug), 404, 'NOT_FOUND')
      await expectError(await card('no-such-user', w.org.slug), 404, 'NOT_FOUND')
      await expectError(await card(w.author.id, 'no-such-org'), 404, 'NOT_FOUND')
    })

    it('shows name, profession, verified registration and the current statement, signed out', async () => {
      const u = await newAuthor()
      await updateIdentity(rounds.accounts, await loadActor(rounds.accounts, u.id), {
        displayName: 'Dr Priya Shah',
        profession: 'doctor',
        registrationBody: 'GMC',
        registrationNumber: '7654321',
      })
      const unverified = await expectJson<AuthorCard>(await card(u.id, w.org.slug), 200)
      expect(unverified).toMatchObject({
        verification: null,
        disclosure: null,
        line: 'Dr Priya Shah, Doctor, GMC 7654321 (not verified)',
      })

      await verifyAs(rounds, w.admin.id, w.org.slug, u.id)
      await expectJson(await attest(u, 'none'), 201)
      expect(await expectJson<AuthorCard>(await card(u.id, w.org.slug), 200)).toEqual({
        userId: u.id,
        name: 'Dr Priya Shah',
        profession: 'doctor',
        professionLabel: 'Doctor',
        registration: { body: 'GMC', number: '7654321', label: 'GMC 7654321' },
        verification: {
          organisation: 'Demo Teaching Channel',
          verifiedAt: START.toISOString(),
          label: 'verified by Demo Teaching Channel',
        },
        disclosure: {
          statement: 'Dr Priya Shah has no relevant financial relationships with ineligible companies.',
          kind: 'none',
          attestedAt: START.toISOString(),
          expiresAt: '2027-06-01T09:00:00.000Z',
        },
        line: 'Dr Priya Shah, Doctor, GMC 7654321 — verified by Demo Teaching Channel',
      })

      // A new relationship voids the attestation: no statement until the author attests again.
      await add(u, {
        companyName: 'Example Pharma',
        nature: 'speaker',
        startDate: '2025-02-01',
        endDate: '2026-01-31',
      })
      expect((await expectJson<AuthorCard>(await card(u.id, w.org.slug), 200)).disclosure).toBeNull()
      await expectJson(await attest(u, 'complete'), 201)
      expect((await expectJson<AuthorCard>(await card(u.id, w.org.slug), 200)).disclosure?.statement).toBe(
        'Dr Priya Shah has received speaker fees from Example Pharma (2025–2026).',
      )
      // An expired attestation is no statement either.
      clock.advance(366 * DAY)
      expect((await expectJson<AuthorCard>(await card(u.id, w.org.slug), 200)).disclosure).toBeNull()
    })
  })

  describe('/api/me/declared-conflicts', () => {
    const path = '/api/me/declared-conflicts'

    it('401 signed out on each; 400 naming neither author nor company, or an unknown author', async () => {
      await expectError(await call(rounds, 'GET', path), 401, 'UNAUTHENTICATED')
      await expectError(
        await call(rounds, 'POST', path, {
          body: { companyName: 'Pfizer', reason: 'My partner works there' },
        }),
        401,
        'UNAUTHENTICATED',
      )
      await expectError(await call(rounds, 'DELETE', `${path}/x`), 401, 'UNAUTHENTICATED')
      const u = await newAuthor()
      await expectValidationError(
        await call(rounds, 'POST', path, { cookie: u.cookie, body: { reason: 'Something vague' } }),
        ['authorId'],
      )
      await expectValidationError(
        await call(rounds, 'POST', path, {
          cookie: u.cookie,
          body: { authorId: 'nobody', reason: 'My trainee' },
        }),
        ['category', 'organisation'],
      )
      await expectValidationError(
        await call(rounds, 'POST', path, {
          cookie: u.cookie,
          body: { authorId: 'nobody', organisation: w.org.slug, category: 'supervisor_trainee' },
        }),
        ['authorId'],
      )
      await expectValidationError(
        await call(rounds, 'POST', path, { cookie: u.cookie, body: { companyName: 'Pfizer', reason: 'no' } }),
        ['reason'],
      )
    })

    it('declares, lists and withdraws; nobody else can withdraw yours', async () => {
      const u = await newAuthor()
      const other = await newAuthor()
      const before = await countAuditEvents(rounds)
      const { conflict } = await expectJson<{ conflict: DeclaredConflictView }>(
        await call(rounds, 'POST', path, {
          cookie: u.cookie,
          body: {
            authorId: w.author.id,
            organisation: w.org.slug,
            companyName: 'Genentech',
            category: 'financial',
            reason: 'We hold a joint grant',
          },
        }),
        201,
      )
      expect(conflict).toEqual({
        id: expect.any(String),
        author: { id: w.author.id, name: w.author.name },
        company: { id: expect.any(String), name: 'Genentech', parent: 'Roche' },
        category: 'financial',
        reason: 'We hold a joint grant',
        declaredAt: START.toISOString(),
      })
      expect(await countAuditEvents(rounds)).toBe(before + 1)
      expect(await expectJson(await call(rounds, 'GET', path, { cookie: u.cookie }), 200)).toEqual({
        conflicts: [conflict],
      })
      expect(await expectJson(await call(rounds, 'GET', path, { cookie: other.cookie }), 200)).toEqual({
        conflicts: [],
      })
      await expectError(
        await call(rounds, 'DELETE', `${path}/${conflict.id}`, { cookie: other.cookie }),
        404,
        'NOT_FOUND',
      )
      expect((await call(rounds, 'DELETE', `${path}/${conflict.id}`, { cookie: u.cookie })).status).toBe(204)
      expect(await expectJson(await call(rounds, 'GET', path, { cookie: u.cookie }), 200)).toEqual({
        conflicts: [],
      })
      await expectError(
        await call(rounds, 'DELETE', `${path}/${conflict.id}`, { cookie: u.cookie }),
        404,
        'NOT_FOUND',
      )
    })
  })

  describe('demo data', () => {
    it('gives the demo author a current "none" attestation, once', async () => {
      const seed = () =>
        seedDemo(rounds.operator, { env: 'development', explicit: false, password: TEST_PASSWORD })
      await seed()
      const author = await rounds.database.db
        .selectFrom('auth_user')
        .select('id')
        .where('email', '=', 'author@demo.example')
        .executeTakeFirstOrThrow()
      const first = await findCurrentAttestation(rounds.database.db, author.id, clock.now())
      expect(first).toMatchObject({ kind: 'none', expiresAt: '2027-06-01T09:00:00.000Z' })
      clock.advance(DAY)
      await seed()
      expect(await findCurrentAttestation(rounds.database.db, author.id, clock.now())).toEqual(first)
      const demoReviewer = await rounds.database.db
        .selectFrom('auth_user')
        .select('id')
        .where('email', '=', 'reviewer@demo.example')
        .executeTakeFirstOrThrow()
      expect(await findCurrentAttestation(rounds.database.db, demoReviewer.id, clock.now())).toBeNull()
    })
  })
})
