import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Me, Member } from '#src/capabilities/accounts/accounts.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  createOrgWithRoles,
  expectError,
  expectJson,
  invitationTokenFor,
  signedInMember,
  signedInUser,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

/**
 * The researcher role from the admin's side: invited or granted on the members page, it
 * gives the measurement to read and nothing else (decision 026). Which route answers whom is
 * in authorization.test.ts; this follows one person through.
 */
describe.each(testDialects)('the researcher role on %s', (dialect) => {
  let rounds: TestRounds
  let w: World

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Research Teaching' })
  })
  afterAll(() => rounds?.close())

  const orgPath = (rest: string) => `/api/orgs/${w.org.slug}${rest}`

  it('an admin invites a researcher, who joins with analytics.read alone and reads the research view', async () => {
    const joiner = await signedInUser(rounds)
    const invited = await call(rounds, 'POST', orgPath('/invitations'), {
      cookie: w.admin.cookie,
      body: { email: joiner.email, roles: ['researcher'] },
    })
    expect((await expectJson<{ invitation: { roles: string[] } }>(invited, 201)).invitation.roles).toEqual([
      'researcher',
    ])
    await rounds.createWorker().drain()
    const token = await invitationTokenFor(rounds, joiner.email)
    const accepted = await call(rounds, 'POST', '/api/invitations/accept', {
      cookie: joiner.cookie,
      body: { token },
    })
    expect((await expectJson<{ roles: string[] }>(accepted, 200)).roles).toEqual(['researcher'])

    const me = await expectJson<Me>(await call(rounds, 'GET', '/api/me', { cookie: joiner.cookie }), 200)
    expect(me.organisations).toEqual([
      expect.objectContaining({ slug: w.org.slug, roles: ['researcher'], permissions: ['analytics.read'] }),
    ])
    const view = await call(rounds, 'GET', orgPath('/analytics/research'), { cookie: joiner.cookie })
    expect(view.status).toBe(200)
    await expectError(
      await call(rounds, 'GET', orgPath('/members'), { cookie: joiner.cookie }),
      403,
      'FORBIDDEN',
    )
  })

  it('an admin grants the role to a member; it shows in the members list and opens the measurement', async () => {
    const member = await signedInMember(rounds, w.org.id, ['author'])
    await expectError(
      await call(rounds, 'GET', orgPath('/research/exports'), { cookie: member.cookie }),
      403,
      'FORBIDDEN',
    )
    const res = await call(rounds, 'PUT', orgPath(`/members/${member.id}/roles`), {
      cookie: w.admin.cookie,
      body: { roles: ['researcher', 'author'] },
    })
    expect((await expectJson<{ member: Member }>(res, 200)).member.roles).toEqual(['author', 'researcher'])
    const list = await expectJson<{ members: Member[] }>(
      await call(rounds, 'GET', orgPath('/members'), { cookie: w.admin.cookie }),
      200,
    )
    expect(list.members.find((m) => m.userId === member.id)?.roles).toEqual(['author', 'researcher'])
    const exports = await call(rounds, 'GET', orgPath('/research/exports'), { cookie: member.cookie })
    expect(exports.status).toBe(200)
  })

  it('a researcher reads survey results but does not build surveys or import engagement', async () => {
    const researcher = await signedInMember(rounds, w.org.id, ['researcher'])
    const list = await call(rounds, 'GET', orgPath('/surveys'), { cookie: researcher.cookie })
    expect(list.status).toBe(200)
    await expectError(
      await call(rounds, 'POST', orgPath('/surveys'), {
        cookie: researcher.cookie,
        body: {
          title: 'Was this useful?',
          questions: [
            {
              id: 'q1',
              kind: 'likert',
              stem: 'Useful for my work',
              points: 5,
              anchors: ['1', '2', '3', '4', '5'],
            },
          ],
        },
      }),
      403,
      'FORBIDDEN',
    )
    await expectError(
      await call(rounds, 'POST', orgPath('/metrics/imports/preview'), {
        cookie: researcher.cookie,
        body: { filename: 'tweets.csv', csv: 'Tweet id,impressions\n1,100\n' },
      }),
      403,
      'FORBIDDEN',
    )
    // The same requests from an editor are answered (the refusal is the role, not the request).
    const built = await call(rounds, 'POST', orgPath('/metrics/imports/preview'), {
      cookie: w.editor.cookie,
      body: { filename: 'tweets.csv', csv: 'Tweet id,impressions\n1,100\n' },
    })
    expect(built.status).toBe(200)
  })

  it('a researcher does not read drafts, even by their address', async () => {
    const researcher = await signedInMember(rounds, w.org.id, ['researcher'])
    const created = await call(rounds, 'POST', orgPath('/items'), {
      cookie: w.author.cookie,
      body: { kind: 'post', title: 'A draft', body: 'Not yet reviewed.' },
    })
    const item = await expectJson<{ id: string }>(created, 201)
    await expectError(
      await call(rounds, 'GET', orgPath(`/items/${item.id}`), { cookie: researcher.cookie }),
      403,
      'FORBIDDEN',
    )
    await expectError(
      await call(rounds, 'GET', orgPath('/items'), { cookie: researcher.cookie }),
      403,
      'FORBIDDEN',
    )
    // Not even its title through the item's engagement; an editor still reads it.
    await expectError(
      await call(rounds, 'GET', orgPath(`/items/${item.id}/metrics`), { cookie: researcher.cookie }),
      404,
      'ITEM_NOT_FOUND',
    )
    await expectJson(
      await call(rounds, 'GET', orgPath(`/items/${item.id}/metrics`), { cookie: w.editor.cookie }),
      200,
    )
  })
})
