import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { permissionsFor } from '#src/capabilities/accounts/accounts.policy.ts'
import type { Invitation, Me, Member, Role } from '#src/capabilities/accounts/accounts.schema.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  signedInMember,
  signedInUser,
  uniq,
} from './helpers.ts'

const DAY = 86_400_000

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

describe.each(testDialects)('invitations on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  const clock = manualClock(new Date('2026-03-01T09:00:00.000Z'))

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds, { name: 'Invite Teaching' })
  })
  afterAll(() => rounds?.close())

  const invitePath = () => `/api/orgs/${w.org.slug}/invitations`

  /** Invites through the API, delivers the mail through the worker, and returns the token from its link. */
  async function inviteAndDeliver(
    email: string,
    roles: Role[],
  ): Promise<{ invitation: Invitation; token: string }> {
    const res = await call(rounds, 'POST', invitePath(), { cookie: w.admin.cookie, body: { email, roles } })
    const { invitation } = await expectJson<{ invitation: Invitation }>(res, 201)
    await rounds.createWorker().drain()
    const mail = rounds.sentMail.findLast((m) => m.to === email)
    expect(mail, `a mail to ${email}`).toBeDefined()
    const token = mail?.text.match(new RegExp(`${TEST_BASE_URL}/invite/([A-Za-z0-9_-]{20,})`))?.[1]
    expect(token, mail?.text).toBeDefined()
    return { invitation, token: token as string }
  }

  describe('POST /api/orgs/{slug}/invitations', () => {
    it('401 when signed out', async () => {
      const res = await call(rounds, 'POST', invitePath(), {
        body: { email: 'a@example.org', roles: ['author'] },
      })
      await expectError(res, 401, 'UNAUTHENTICATED')
    })

    it('403 for an editor', async () => {
      const res = await call(rounds, 'POST', invitePath(), {
        cookie: w.editor.cookie,
        body: { email: 'a@example.org', roles: ['author'] },
      })
      await expectError(res, 403, 'FORBIDDEN')
    })

    it('404 for a non-member', async () => {
      const res = await call(rounds, 'POST', invitePath(), {
        cookie: w.outsider.cookie,
        body: { email: 'a@example.org', roles: ['author'] },
      })
      await expectError(res, 404, 'ORGANISATION_NOT_FOUND')
    })

    it('400 naming a bad address and missing roles, and no mail is queued', async () => {
      const sent = rounds.sentMail.length
      const res = await call(rounds, 'POST', invitePath(), {
        cookie: w.admin.cookie,
        body: { email: 'not-an-address', roles: [] },
      })
      await expectValidationError(res, ['email', 'roles'])
      await rounds.createWorker().drain()
      expect(rounds.sentMail.length).toBe(sent)
    })

    it('invites: the invitation is listed as open and the mail carries the link', async () => {
      const email = `Invitee-${uniq()}@Example.org`
      const { invitation, token } = await inviteAndDeliver(email.toLowerCase(), [
        'reviewer',
        'reviewer',
        'author',
      ])
      expect(invitation).toEqual({
        id: expect.any(String),
        email: email.toLowerCase(),
        roles: ['reviewer', 'author'],
        expiresAt: new Date(clock.now().getTime() + 14 * DAY).toISOString(),
      })
      expect(token.length).toBeGreaterThanOrEqual(20)
      const mail = rounds.sentMail.findLast((m) => m.to === email.toLowerCase())
      expect(mail?.subject).toBe('You are invited to Invite Teaching on Rounds')
      expect(mail?.text).toContain(w.admin.name)

      const list = await expectJson<{ invitations: Invitation[] }>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/members`, { cookie: w.admin.cookie }),
        200,
      )
      expect(list.invitations).toContainEqual(invitation)
    })

    it('normalises the address to lower case', async () => {
      const res = await call(rounds, 'POST', invitePath(), {
        cookie: w.admin.cookie,
        body: { email: '  Mixed.Case@Example.ORG ', roles: ['author'] },
      })
      expect((await expectJson<{ invitation: Invitation }>(res, 201)).invitation.email).toBe(
        'mixed.case@example.org',
      )
    })
  })

  describe('GET /api/invitations/{token}', () => {
    it('400 for a token too short to be one', async () => {
      await expectValidationError(await call(rounds, 'GET', '/api/invitations/short'), ['token'])
    })

    it('404 for an unknown token', async () => {
      await expectError(
        await call(rounds, 'GET', `/api/invitations/${'x'.repeat(32)}`),
        404,
        'INVITATION_NOT_FOUND',
      )
    })

    it('shows what the invitation offers to anyone holding the link, signed in or not', async () => {
      const email = `preview-${uniq()}@example.org`
      const { invitation, token } = await inviteAndDeliver(email, ['editor'])
      const expected = {
        organisation: { slug: w.org.slug, name: 'Invite Teaching' },
        email,
        roles: ['editor'],
        expiresAt: invitation.expiresAt,
      }
      expect(await expectJson(await call(rounds, 'GET', `/api/invitations/${token}`), 200)).toEqual(expected)
      const someone = await signedInUser(rounds)
      const res = await call(rounds, 'GET', `/api/invitations/${token}`, { cookie: someone.cookie })
      expect(await expectJson(res, 200)).toEqual(expected)
    })
  })

  describe('POST /api/invitations/accept', () => {
    it('401 when signed out, and the invitation stays open', async () => {
      const { token } = await inviteAndDeliver(`anon-${uniq()}@example.org`, ['author'])
      await expectError(
        await call(rounds, 'POST', '/api/invitations/accept', { body: { token } }),
        401,
        'UNAUTHENTICATED',
      )
      expect((await call(rounds, 'GET', `/api/invitations/${token}`)).status).toBe(200)
    })

    it('400 without a token', async () => {
      const u = await signedInUser(rounds)
      await expectValidationError(
        await call(rounds, 'POST', '/api/invitations/accept', { cookie: u.cookie, body: {} }),
        ['token'],
      )
    })

    it('404 for an unknown token', async () => {
      const u = await signedInUser(rounds)
      const res = await call(rounds, 'POST', '/api/invitations/accept', {
        cookie: u.cookie,
        body: { token: 'y'.repeat(32) },
      })
      await expectError(res, 404, 'INVITATION_NOT_FOUND')
    })

    it('refuses a signed-in user the invitation was not sent to', async () => {
      const { token } = await inviteAndDeliver(`meant-${uniq()}@example.org`, ['admin'])
      const other = await signedInUser(rounds)
      const res = await call(rounds, 'POST', '/api/invitations/accept', {
        cookie: other.cookie,
        body: { token },
      })
      await expectError(res, 403, 'INVITATION_EMAIL_MISMATCH')
      const me = await expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie: other.cookie }), 200)
      expect(me.organisations).toEqual([])
    })

    it('joins the signed-in user with the invited roles; the link then no longer works', async () => {
      const joiner = await signedInUser(rounds)
      const email = joiner.email
      const { token } = await inviteAndDeliver(email, ['reviewer'])

      const res = await call(rounds, 'POST', '/api/invitations/accept', {
        cookie: joiner.cookie,
        body: { token },
      })
      expect(await expectJson(res, 200)).toEqual({
        organisation: { slug: w.org.slug, name: 'Invite Teaching' },
        roles: ['reviewer'],
      })

      const me = await expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie: joiner.cookie }), 200)
      expect(me.organisations).toEqual([
        expect.objectContaining({
          slug: w.org.slug,
          roles: ['reviewer'],
          permissions: permissionsFor(['reviewer']),
        }),
      ])
      const list = await expectJson<{ members: Member[]; invitations: Invitation[] }>(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/members`, { cookie: w.admin.cookie }),
        200,
      )
      expect(list.members.map((m) => m.userId)).toContain(joiner.id)
      expect(list.invitations.map((i) => i.email)).not.toContain(email)

      const again = await signedInUser(rounds)
      const reuse = await call(rounds, 'POST', '/api/invitations/accept', {
        cookie: again.cookie,
        body: { token },
      })
      await expectError(reuse, 404, 'INVITATION_NOT_FOUND')
      await expectError(await call(rounds, 'GET', `/api/invitations/${token}`), 404, 'INVITATION_NOT_FOUND')
      expect(
        (await expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie: again.cookie }), 200))
          .organisations,
      ).toEqual([])
    })

    it('adds the invited roles to those a member already holds', async () => {
      const member = await signedInMember(rounds, w.org.id, ['author'])
      const { token } = await inviteAndDeliver(member.email, ['reviewer'])
      const res = await call(rounds, 'POST', '/api/invitations/accept', {
        cookie: member.cookie,
        body: { token },
      })
      expect((await expectJson<{ roles: Role[] }>(res, 200)).roles).toEqual(['reviewer', 'author'])
    })

    it('410 INVITATION_EXPIRED after 14 days, for preview and accept; no longer listed as open', async () => {
      const email = `late-${uniq()}@example.org`
      const { token } = await inviteAndDeliver(email, ['author'])
      clock.advance(14 * DAY - 1)
      expect((await call(rounds, 'GET', `/api/invitations/${token}`)).status).toBe(200)
      clock.advance(1)
      try {
        await expectError(await call(rounds, 'GET', `/api/invitations/${token}`), 410, 'INVITATION_EXPIRED')
        const u = await signedInUser(rounds)
        const res = await call(rounds, 'POST', '/api/invitations/accept', {
          cookie: u.cookie,
          body: { token },
        })
        await expectError(res, 410, 'INVITATION_EXPIRED')
        expect(
          (await expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie: u.cookie }), 200))
            .organisations,
        ).toEqual([])
        const list = await expectJson<{ invitations: Invitation[] }>(
          await call(rounds, 'GET', `/api/orgs/${w.org.slug}/members`, { cookie: w.admin.cookie }),
          200,
        )
        expect(list.invitations.map((i) => i.email)).not.toContain(email)
      } finally {
        clock.set(new Date('2026-03-01T09:00:00.000Z'))
      }
    })
  })
})
