import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { permissionsFor } from '#src/capabilities/accounts/accounts.policy.ts'
import type { Identity, Me } from '#src/capabilities/accounts/accounts.schema.ts'
import { addMemberRole } from '#src/capabilities/accounts/operator.service.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestOrganisation } from '#test/support/factories.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  expectError,
  expectJson,
  expectValidationError,
  giveRegistration,
  signedInMember,
  signedInUser,
  verifyAs,
} from './helpers.ts'

const gmcIdentity = {
  displayName: 'Dr Jane Doe',
  profession: 'doctor',
  registrationBody: 'GMC',
  registrationNumber: '7012345',
}

describe.each(testDialects)('/api/me on %s', (dialect) => {
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
  })
  afterAll(() => rounds?.close())

  const me = async (cookie: string) => expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie }), 200)

  describe('GET /api/me', () => {
    it('401 when signed out', async () => {
      await expectError(await call(rounds, 'GET', '/api/me'), 401, 'UNAUTHENTICATED')
    })

    it('401 with a cookie that is not a session', async () => {
      const res = await call(rounds, 'GET', '/api/me', { cookie: 'better-auth.session_token=forged.value' })
      await expectError(res, 401, 'UNAUTHENTICATED')
    })

    it('a user with no organisation: themselves, an empty identity named after them, no organisations', async () => {
      const u = await signedInUser(rounds)
      expect(await me(u.cookie)).toEqual({
        user: { id: u.id, email: u.email, name: u.name },
        identity: {
          displayName: u.name,
          profession: null,
          registrationBody: null,
          registrationNumber: null,
          verification: null,
        },
        organisations: [],
      })
    })

    it('each organisation with its roles and exactly the permissions they grant', async () => {
      const alpha = await createTestOrganisation(rounds, { name: 'Alpha Teaching' })
      const beta = await createTestOrganisation(rounds, { name: 'Beta Teaching' })
      const u = await signedInMember(rounds, alpha.id, ['reviewer', 'editor'])
      await addMemberRole(rounds.accounts, beta.id, u.id, 'author')
      const body = await me(u.cookie)
      expect(body.organisations).toEqual([
        {
          id: alpha.id,
          slug: alpha.slug,
          name: 'Alpha Teaching',
          roles: ['editor', 'reviewer'],
          permissions: [
            'analytics.manage',
            'analytics.read',
            'members.read',
            'publishing.manage',
            'review.manage',
            'review.perform',
            'screening.use',
          ],
        },
        {
          id: beta.id,
          slug: beta.slug,
          name: 'Beta Teaching',
          roles: ['author'],
          permissions: permissionsFor(['author']),
        },
      ])
      expect(body.organisations[0]?.permissions).toEqual(permissionsFor(['editor', 'reviewer']))
    })
  })

  describe('PUT /api/me/identity', () => {
    it('401 when signed out', async () => {
      await expectError(
        await call(rounds, 'PUT', '/api/me/identity', { body: gmcIdentity }),
        401,
        'UNAUTHENTICATED',
      )
    })

    it('400 for a GMC number that is not 7 digits, naming registrationNumber, and saves nothing', async () => {
      const u = await signedInUser(rounds)
      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie: u.cookie,
        body: { ...gmcIdentity, registrationNumber: '12345' },
      })
      const details = await expectValidationError(res, ['registrationNumber'])
      expect(details.registrationNumber).toBe('GMC numbers have 7 digits')
      expect((await me(u.cookie)).identity.registrationNumber).toBeNull()
    })

    it('400 for an NPI whose check digit fails', async () => {
      const u = await signedInUser(rounds)
      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie: u.cookie,
        body: { ...gmcIdentity, registrationBody: 'NPI', registrationNumber: '1234567890' },
      })
      const details = await expectValidationError(res, ['registrationNumber'])
      expect(details.registrationNumber).toMatch(/check digit/)
    })

    it('400 naming each field with the wrong type or missing', async () => {
      const u = await signedInUser(rounds)
      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie: u.cookie,
        body: { displayName: 42, profession: 'surgeon', registrationBody: null },
      })
      await expectValidationError(res, ['displayName', 'profession', 'registrationNumber'])
    })

    it('saves the identity, normalised, and /api/me shows it', async () => {
      const u = await signedInUser(rounds)
      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie: u.cookie,
        body: {
          displayName: '  Nurse Sam Lee ',
          profession: 'nurse',
          registrationBody: 'NMC',
          registrationNumber: '12a3456e',
        },
      })
      const saved = await expectJson<Identity>(res, 200)
      const expected = {
        displayName: 'Nurse Sam Lee',
        profession: 'nurse',
        registrationBody: 'NMC',
        registrationNumber: '12A3456E',
        verification: null,
      }
      expect(saved).toEqual(expected)
      expect((await me(u.cookie)).identity).toEqual(expected)
    })

    it('a changed registration number clears the verification', async () => {
      const org = await createTestOrganisation(rounds)
      const admin = await signedInMember(rounds, org.id, ['admin'])
      const u = await signedInMember(rounds, org.id, ['author'])
      await giveRegistration(rounds, u.id, '7012345')
      await verifyAs(rounds, admin.id, org.slug, u.id)
      expect((await me(u.cookie)).identity.verification).not.toBeNull()

      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie: u.cookie,
        body: { ...gmcIdentity, registrationNumber: '7654321' },
      })
      expect((await expectJson<Identity>(res, 200)).verification).toBeNull()
      expect((await me(u.cookie)).identity.verification).toBeNull()
    })

    it('a changed display name alone keeps the verification', async () => {
      const org = await createTestOrganisation(rounds)
      const admin = await signedInMember(rounds, org.id, ['admin'])
      const u = await signedInMember(rounds, org.id, ['author'])
      await giveRegistration(rounds, u.id, '7012345')
      await verifyAs(rounds, admin.id, org.slug, u.id)

      const res = await call(rounds, 'PUT', '/api/me/identity', {
        cookie: u.cookie,
        body: { ...gmcIdentity, displayName: 'Dr Jane Doe-Smith' },
      })
      const saved = await expectJson<Identity>(res, 200)
      expect(saved.displayName).toBe('Dr Jane Doe-Smith')
      expect(saved.verification?.organisation.slug).toBe(org.slug)
    })
  })
})
