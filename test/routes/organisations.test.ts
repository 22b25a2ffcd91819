import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Me, Member, Organisation } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AuditEvent } from '#src/capabilities/audit/audit.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  signedInMember,
  signedInUser,
  uniq,
} from './helpers.ts'

type MemberList = { members: Member[]; invitations: unknown[] }

describe.each(testDialects)('organisations and members on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds?.close())

  const get = async <T>(path: string, cookie: string) =>
    expectJson<T>(await call(rounds, 'GET', path, { cookie }), 200)
  const auditActions = async (slug: string, cookie: string) =>
    (await get<{ events: AuditEvent[] }>(`/api/orgs/${slug}/audit`, cookie)).events

  describe('POST /api/orgs', () => {
    it('401 when signed out', async () => {
      const res = await call(rounds, 'POST', '/api/orgs', { body: { slug: `o-${uniq()}`, name: 'Nobody’s' } })
      await expectError(res, 401, 'UNAUTHENTICATED')
    })

    it('400 naming slug and name when they are not valid', async () => {
      const u = await signedInUser(rounds)
      const res = await call(rounds, 'POST', '/api/orgs', {
        cookie: u.cookie,
        body: { slug: 'Not A Slug', name: 'x' },
      })
      await expectValidationError(res, ['slug', 'name'])
    })

    it('409 ORGANISATION_SLUG_TAKEN when the address is taken, naming slug', async () => {
      const u = await signedInUser(rounds)
      const slug = `taken-${uniq()}`
      expect(
        (await call(rounds, 'POST', '/api/orgs', { cookie: u.cookie, body: { slug, name: 'First' } })).status,
      ).toBe(201)
      const other = await signedInUser(rounds)
      const res = await call(rounds, 'POST', '/api/orgs', {
        cookie: other.cookie,
        body: { slug, name: 'Second' },
      })
      const body = await expectError(res, 409, 'ORGANISATION_SLUG_TAKEN')
      expect(body.error.details).toEqual([{ path: 'slug', message: 'already taken' }])
      expect((await get<Me>('/api/me', other.cookie)).organisations).toEqual([])
    })

    it('creates the organisation; its creator becomes its only admin', async () => {
      const u = await signedInUser(rounds)
      const slug = `st-marys-${uniq()}`
      const res = await call(rounds, 'POST', '/api/orgs', {
        cookie: u.cookie,
        body: { slug, name: "  St Mary's Teaching  ", description: 'Clinical skills' },
      })
      const { organisation } = await expectJson<{ organisation: Organisation }>(res, 201)
      expect(organisation).toEqual({
        id: expect.any(String),
        slug,
        name: "St Mary's Teaching",
        description: 'Clinical skills',
      })

      const me = await get<Me>('/api/me', u.cookie)
      expect(me.organisations).toEqual([
        expect.objectContaining({
          id: organisation.id,
          slug,
          roles: ['admin'],
          permissions: expect.arrayContaining(['members.manage']),
        }),
      ])
      const { members } = await get<MemberList>(`/api/orgs/${slug}/members`, u.cookie)
      expect(members.map((m) => [m.userId, m.roles])).toEqual([[u.id, ['admin']]])
      expect((await auditActions(slug, u.cookie)).map((e) => [e.action, e.actor?.id])).toEqual([
        ['organisation.created', u.id],
      ])
    })
  })

  describe('GET /api/orgs/{slug}/members', () => {
    let w: Awaited<ReturnType<typeof createOrgWithRoles>>
    beforeAll(async () => {
      w = await createOrgWithRoles(rounds, { name: 'Members Org' })
    })
    const path = () => `/api/orgs/${w.org.slug}/members`

    it('401 when signed out', async () => {
      await expectError(await call(rounds, 'GET', path()), 401, 'UNAUTHENTICATED')
    })

    it('403 for a reviewer and an author', async () => {
      await expectError(await call(rounds, 'GET', path(), { cookie: w.reviewer.cookie }), 403, 'FORBIDDEN')
      await expectError(await call(rounds, 'GET', path(), { cookie: w.author.cookie }), 403, 'FORBIDDEN')
    })

    it('404 for a non-member, answered exactly as for an organisation that does not exist', async () => {
      const hidden = await expectError(
        await call(rounds, 'GET', path(), { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      const missing = await expectError(
        await call(rounds, 'GET', '/api/orgs/no-such-org/members', { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      expect(hidden.error.message.replace(w.org.slug, 'X')).toBe(
        missing.error.message.replace('no-such-org', 'X'),
      )
    })

    it('400 for a slug that cannot be one', async () => {
      await expectValidationError(
        await call(rounds, 'GET', '/api/orgs/Bad_Slug/members', { cookie: w.admin.cookie }),
        ['slug'],
      )
    })

    it('lists every member with roles and identity, for an admin and an editor', async () => {
      for (const viewer of [w.admin, w.editor]) {
        const { members, invitations } = await get<MemberList>(path(), viewer.cookie)
        expect(members.map((m) => m.userId).sort()).toEqual(
          [w.admin.id, w.editor.id, w.reviewer.id, w.author.id].sort(),
        )
        expect(members.find((m) => m.userId === w.reviewer.id)).toEqual({
          userId: w.reviewer.id,
          email: w.reviewer.email,
          name: w.reviewer.name,
          roles: ['reviewer'],
          identity: expect.objectContaining({ displayName: w.reviewer.name, verification: null }),
        })
        expect(invitations).toEqual([])
      }
    })
  })

  describe('PUT /api/orgs/{slug}/members/{userId}/roles', () => {
    let w: Awaited<ReturnType<typeof createOrgWithRoles>>
    beforeAll(async () => {
      w = await createOrgWithRoles(rounds)
    })
    const path = (userId: string) => `/api/orgs/${w.org.slug}/members/${userId}/roles`

    it('401 when signed out', async () => {
      await expectError(
        await call(rounds, 'PUT', path(w.author.id), { body: { roles: ['editor'] } }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('403 for an editor (who may read members but not manage them)', async () => {
      const res = await call(rounds, 'PUT', path(w.author.id), {
        cookie: w.editor.cookie,
        body: { roles: ['admin'] },
      })
      await expectError(res, 403, 'FORBIDDEN')
    })

    it('404 for a non-member of the organisation', async () => {
      const res = await call(rounds, 'PUT', path(w.author.id), {
        cookie: w.outsider.cookie,
        body: { roles: ['editor'] },
      })
      await expectError(res, 404, 'ORGANISATION_NOT_FOUND')
    })

    it('400 for no roles or an unknown role', async () => {
      const none = await call(rounds, 'PUT', path(w.author.id), {
        cookie: w.admin.cookie,
        body: { roles: [] },
      })
      expect((await expectValidationError(none, ['roles'])).roles).toBe('a member needs at least one role')
      const unknown = await call(rounds, 'PUT', path(w.author.id), {
        cookie: w.admin.cookie,
        body: { roles: ['owner'] },
      })
      await expectValidationError(unknown, ['roles.0'])
    })

    it('404 MEMBER_NOT_FOUND for someone who is not a member', async () => {
      const res = await call(rounds, 'PUT', path(w.outsider.id), {
        cookie: w.admin.cookie,
        body: { roles: ['author'] },
      })
      await expectError(res, 404, 'MEMBER_NOT_FOUND')
    })

    it('409 LAST_ADMIN when the only admin would stop being one', async () => {
      const res = await call(rounds, 'PUT', path(w.admin.id), {
        cookie: w.admin.cookie,
        body: { roles: ['editor'] },
      })
      await expectError(res, 409, 'LAST_ADMIN')
      expect((await get<Me>('/api/me', w.admin.cookie)).organisations[0]?.roles).toEqual(['admin'])
    })

    it('replaces the roles, records who changed what, and the member gains the permissions', async () => {
      const member = await signedInMember(rounds, w.org.id, ['author'])
      const res = await call(rounds, 'PUT', path(member.id), {
        cookie: w.admin.cookie,
        body: { roles: ['reviewer', 'editor'] },
      })
      const { member: updated } = await expectJson<{ member: Member }>(res, 200)
      expect(updated).toMatchObject({ userId: member.id, email: member.email, roles: ['editor', 'reviewer'] })

      const me = await get<Me>('/api/me', member.cookie)
      expect(me.organisations[0]?.permissions).toContain('members.read')
      expect(me.organisations[0]?.permissions).not.toContain('content.create')

      const [latest] = await auditActions(w.org.slug, w.admin.cookie)
      expect(latest).toMatchObject({
        action: 'member.roles_changed',
        actor: { id: w.admin.id, name: w.admin.name },
        resourceId: member.id,
        summary: { before: ['author'], after: ['editor', 'reviewer'] },
      })
    })

    it('a repeated role is saved once', async () => {
      const member = await signedInMember(rounds, w.org.id, ['author'])
      const res = await call(rounds, 'PUT', path(member.id), {
        cookie: w.admin.cookie,
        body: { roles: ['editor', 'editor'] },
      })
      expect((await expectJson<{ member: Member }>(res, 200)).member.roles).toEqual(['editor'])
    })

    it('an admin may step down once another admin exists', async () => {
      const second = await signedInMember(rounds, w.org.id, ['author'])
      await call(rounds, 'PUT', path(second.id), { cookie: w.admin.cookie, body: { roles: ['admin'] } })
      const res = await call(rounds, 'PUT', path(second.id), {
        cookie: second.cookie,
        body: { roles: ['reviewer'] },
      })
      expect((await expectJson<{ member: Member }>(res, 200)).member.roles).toEqual(['reviewer'])
      // ...and, no longer an admin, may no longer manage members.
      const again = await call(rounds, 'PUT', path(second.id), {
        cookie: second.cookie,
        body: { roles: ['admin'] },
      })
      await expectError(again, 403, 'FORBIDDEN')
    })
  })

  describe('DELETE /api/orgs/{slug}/members/{userId}', () => {
    let w: Awaited<ReturnType<typeof createOrgWithRoles>>
    beforeAll(async () => {
      w = await createOrgWithRoles(rounds)
    })
    const path = (userId: string) => `/api/orgs/${w.org.slug}/members/${userId}`

    it('401 when signed out', async () => {
      await expectError(await call(rounds, 'DELETE', path(w.author.id)), 401, 'UNAUTHENTICATED')
    })

    it('403 for an editor', async () => {
      await expectError(
        await call(rounds, 'DELETE', path(w.author.id), { cookie: w.editor.cookie }),
        403,
        'FORBIDDEN',
      )
    })

    it('404 for a non-member of the organisation', async () => {
      const res = await call(rounds, 'DELETE', path(w.author.id), { cookie: w.outsider.cookie })
      await expectError(res, 404, 'ORGANISATION_NOT_FOUND')
    })

    it('404 MEMBER_NOT_FOUND for someone who is not a member', async () => {
      await expectError(
        await call(rounds, 'DELETE', path(w.outsider.id), { cookie: w.admin.cookie }),
        404,
        'MEMBER_NOT_FOUND',
      )
    })

    it('409 LAST_ADMIN for the only admin', async () => {
      await expectError(
        await call(rounds, 'DELETE', path(w.admin.id), { cookie: w.admin.cookie }),
        409,
        'LAST_ADMIN',
      )
    })

    it('removes the member: gone from the list, the organisation gone from their /api/me, and its members hidden', async () => {
      const member = await signedInMember(rounds, w.org.id, ['editor'])
      const res = await call(rounds, 'DELETE', path(member.id), { cookie: w.admin.cookie })
      expect(res.status).toBe(204)
      expect(await res.text()).toBe('')

      const { members } = await get<MemberList>(`/api/orgs/${w.org.slug}/members`, w.admin.cookie)
      expect(members.map((m) => m.userId)).not.toContain(member.id)
      expect((await get<Me>('/api/me', member.cookie)).organisations).toEqual([])
      const after = await call(rounds, 'GET', `/api/orgs/${w.org.slug}/members`, { cookie: member.cookie })
      await expectError(after, 404, 'ORGANISATION_NOT_FOUND')
      expect((await auditActions(w.org.slug, w.admin.cookie))[0]).toMatchObject({
        action: 'member.removed',
        resourceId: member.id,
        summary: { before: ['editor'] },
      })
    })
  })
})
