import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OrganisationSettings } from '#src/capabilities/standards/settings.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

describe.each(testDialects)('organisation settings on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Settings Teaching' })
  })
  afterAll(() => rounds?.close())
  const path = () => `/api/orgs/${w.org.slug}/settings`

  it('401 signed out, 403 for a non-admin change, 404 for outsiders', async () => {
    await expectError(await call(rounds, 'GET', path()), 401, 'UNAUTHENTICATED')
    await expectError(
      await call(rounds, 'PATCH', path(), { cookie: w.editor.cookie, body: { reviewersRequired: 3 } }),
      403,
      'FORBIDDEN',
    )
    await expectError(
      await call(rounds, 'GET', path(), { cookie: w.outsider.cookie }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
  })

  it('400 for out-of-range or unknown values, naming the field', async () => {
    await expectValidationError(
      await call(rounds, 'PATCH', path(), {
        cookie: w.admin.cookie,
        body: { reviewersRequired: 0, guidance: 'mars' },
      }),
      ['reviewersRequired', 'guidance'],
    )
  })

  it('members read the defaults; an admin change persists, is audited and leaves other settings alone', async () => {
    expect(
      await expectJson<OrganisationSettings>(
        await call(rounds, 'GET', path(), { cookie: w.author.cookie }),
        200,
      ),
    ).toEqual({
      guidance: 'both',
      trainingValidityMonths: 12,
      reviewersRequired: 2,
      approvalExpiryMonths: 24,
    })
    const before = await countAuditEvents(rounds)
    const saved = await expectJson<OrganisationSettings>(
      await call(rounds, 'PATCH', path(), {
        cookie: w.admin.cookie,
        body: { guidance: 'uk', reviewersRequired: 3 },
      }),
      200,
    )
    expect(saved).toEqual({
      guidance: 'uk',
      trainingValidityMonths: 12,
      reviewersRequired: 3,
      approvalExpiryMonths: 24,
    })
    expect(await countAuditEvents(rounds)).toBe(before + 1)
    expect(await expectJson(await call(rounds, 'GET', path(), { cookie: w.reviewer.cookie }), 200)).toEqual(
      saved,
    )
  })
})
