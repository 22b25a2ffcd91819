import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Identity, Me, Member } from '#src/capabilities/accounts/accounts.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  giveRegistration,
  signedInMember,
  verifyAs,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>
const NOTE = 'Checked the GMC register: licensed, no conditions'

describe.each(testDialects)('identity verification on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Verifying Teaching' })
  })
  afterAll(() => rounds?.close())

  const path = (userId: string) => `/api/orgs/${w.org.slug}/members/${userId}/identity/verification`
  const meOf = async (cookie: string) => expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie }), 200)

  /** A signed-in author of the organisation who has given a GMC registration. */
  async function registeredMember() {
    const m = await signedInMember(rounds, w.org.id, ['author'])
    await giveRegistration(rounds, m.id, '7012345')
    return m
  }

  describe('POST .../identity/verification', () => {
    it('401 when signed out', async () => {
      const m = await registeredMember()
      await expectError(
        await call(rounds, 'POST', path(m.id), { body: { note: NOTE } }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('403 for an editor, and the member stays unverified', async () => {
      const m = await registeredMember()
      const res = await call(rounds, 'POST', path(m.id), { cookie: w.editor.cookie, body: { note: NOTE } })
      await expectError(res, 403, 'FORBIDDEN')
      expect((await meOf(m.cookie)).identity.verification).toBeNull()
    })

    it('404 for an admin of another organisation', async () => {
      const m = await registeredMember()
      const res = await call(rounds, 'POST', path(m.id), { cookie: w.outsider.cookie, body: { note: NOTE } })
      await expectError(res, 404, 'ORGANISATION_NOT_FOUND')
    })

    it('400 without a note, or with one too short to say what was seen', async () => {
      const m = await registeredMember()
      await expectValidationError(
        await call(rounds, 'POST', path(m.id), { cookie: w.admin.cookie, body: {} }),
        ['note'],
      )
      const short = await call(rounds, 'POST', path(m.id), {
        cookie: w.admin.cookie,
        body: { note: ' ok  ' },
      })
      expect((await expectValidationError(short, ['note'])).note).toMatch(/evidence/)
      expect((await meOf(m.cookie)).identity.verification).toBeNull()
    })

    it('404 MEMBER_NOT_FOUND for someone outside the organisation', async () => {
      await giveRegistration(rounds, w.outsider.id)
      const res = await call(rounds, 'POST', path(w.outsider.id), {
        cookie: w.admin.cookie,
        body: { note: NOTE },
      })
      await expectError(res, 404, 'MEMBER_NOT_FOUND')
    })

    it('409 when the member has given no registration to verify', async () => {
      const m = await signedInMember(rounds, w.org.id, ['author'])
      const res = await call(rounds, 'POST', path(m.id), { cookie: w.admin.cookie, body: { note: NOTE } })
      const body = await expectError(res, 409, 'CONFLICT')
      expect(body.error.message).toMatch(/registration/)
    })

    it('403 SELF_VERIFICATION: an admin cannot vouch for their own registration', async () => {
      await giveRegistration(rounds, w.admin.id, '7123456')
      const res = await call(rounds, 'POST', path(w.admin.id), {
        cookie: w.admin.cookie,
        body: { note: NOTE },
      })
      await expectError(res, 403, 'SELF_VERIFICATION')
      expect((await meOf(w.admin.cookie)).identity.verification).toBeNull()
    })

    it('409 VERIFIED_ELSEWHERE: another organisation cannot overwrite or withdraw a verification', async () => {
      const m = await registeredMember()
      await verifyAs(rounds, w.admin.id, w.org.slug, m.id)
      // The member also joins a second organisation whose admin tries to take over the verification.
      const second = await signedInMember(rounds, w.other.id, ['admin'])
      await rounds.database.db
        .insertInto('membership')
        .values({
          organisation_id: w.other.id,
          user_id: m.id,
          role: 'author',
          created_at: new Date().toISOString(),
        })
        .execute()
      const otherPath = `/api/orgs/${w.other.slug}/members/${m.id}/identity/verification`
      await expectError(
        await call(rounds, 'POST', otherPath, { cookie: second.cookie, body: { note: NOTE } }),
        409,
        'VERIFIED_ELSEWHERE',
      )
      await expectError(
        await call(rounds, 'DELETE', otherPath, { cookie: second.cookie }),
        409,
        'VERIFIED_ELSEWHERE',
      )
      expect((await meOf(m.cookie)).identity.verification?.organisation.slug).toBe(w.org.slug)
    })

    it('verifies: who, where, when and the note show in the member’s /api/me and the member list', async () => {
      const m = await registeredMember()
      const res = await call(rounds, 'POST', path(m.id), { cookie: w.admin.cookie, body: { note: NOTE } })
      const identity = await expectJson<Identity>(res, 200)
      const verification = {
        verifiedAt: expect.any(String),
        verifiedBy: { id: w.admin.id, name: w.admin.name },
        organisation: { slug: w.org.slug, name: 'Verifying Teaching' },
        note: NOTE,
      }
      expect(identity).toMatchObject({ registrationBody: 'GMC', registrationNumber: '7012345', verification })
      expect(new Date(identity.verification?.verifiedAt ?? '').toISOString()).toBe(
        identity.verification?.verifiedAt,
      )

      expect((await meOf(m.cookie)).identity.verification).toEqual(verification)
      const list = await expectJson<{ members: Member[] }>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/members`, { cookie: w.editor.cookie }),
        200,
      )
      expect(list.members.find((x) => x.userId === m.id)?.identity.verification).toEqual(verification)
    })
  })

  describe('DELETE .../identity/verification', () => {
    it('401 when signed out', async () => {
      const m = await registeredMember()
      await expectError(await call(rounds, 'DELETE', path(m.id)), 401, 'UNAUTHENTICATED')
    })

    it('403 for an editor, and the verification stands', async () => {
      const m = await registeredMember()
      await verifyAs(rounds, w.admin.id, w.org.slug, m.id)
      await expectError(
        await call(rounds, 'DELETE', path(m.id), { cookie: w.editor.cookie }),
        403,
        'FORBIDDEN',
      )
      expect((await meOf(m.cookie)).identity.verification).not.toBeNull()
    })

    it('404 for an admin of another organisation', async () => {
      const m = await registeredMember()
      await expectError(
        await call(rounds, 'DELETE', path(m.id), { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
    })

    it('withdraws the verification; the registration itself stays', async () => {
      const m = await registeredMember()
      await verifyAs(rounds, w.admin.id, w.org.slug, m.id)
      const identity = await expectJson<Identity>(
        await call(rounds, 'DELETE', path(m.id), { cookie: w.admin.cookie }),
        200,
      )
      expect(identity).toMatchObject({
        registrationBody: 'GMC',
        registrationNumber: '7012345',
        verification: null,
      })
      expect((await meOf(m.cookie)).identity).toMatchObject({
        registrationNumber: '7012345',
        verification: null,
      })
    })
  })
})
