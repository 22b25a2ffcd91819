import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { upsertIdentity } from '#src/capabilities/accounts/accounts.repository.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import type { Readiness } from '#src/capabilities/standards/gate.schema.ts'
import { assertReadyToSubmit } from '#src/capabilities/standards/gate.ts'
import { manualClock } from '#src/platform/clock.ts'
import { AppError } from '#src/platform/errors.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson } from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

describe.each(testDialects)('the submission gate on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  const clock = manualClock(new Date('2026-03-01T09:00:00.000Z'))
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds, { name: 'Gate Teaching' })
  })
  afterAll(() => rounds?.close())
  const path = () => `/api/orgs/${w.org.slug}/me/readiness`

  it('401 signed out; 404 for an organisation the caller is not in', async () => {
    await expectError(await call(rounds, 'GET', path()), 401, 'UNAUTHENTICATED')
    await expectError(
      await call(rounds, 'GET', path(), { cookie: w.outsider.cookie }),
      404,
      'ORGANISATION_NOT_FOUND',
    )
  })

  it('an untrained author without an attestation sees both gaps, with links; submission is refused', async () => {
    const r = await expectJson<Readiness>(await call(rounds, 'GET', path(), { cookie: w.author.cookie }), 200)
    expect(r.ready).toBe(false)
    expect(r.missing.map((m) => [m.code, m.link])).toEqual([
      ['TRAINING_REQUIRED', '/training'],
      ['DISCLOSURE_REQUIRED', '/disclosures'],
    ])
    const refusal = await assertReadyToSubmit(rounds.database.db, w.author.id, w.org, clock.now()).catch(
      (e) => e,
    )
    expect(refusal).toBeInstanceOf(AppError)
    expect((refusal as AppError).code).toBe('TRAINING_REQUIRED')
    expect((refusal as AppError).details).toHaveLength(2)
  })

  it('a blank display name is a gap of its own', async () => {
    await upsertIdentity(
      rounds.database.db,
      w.reviewer.id,
      {
        displayName: ' ',
        profession: null,
        registrationBody: null,
        registrationNumber: null,
        clearVerification: false,
      },
      clock.now().toISOString(),
    )
    const r = await expectJson<Readiness>(
      await call(rounds, 'GET', path(), { cookie: w.reviewer.cookie }),
      200,
    )
    expect(r.missing.map((m) => m.code)).toContain('DISPLAY_NAME_REQUIRED')
  })

  it('with a certificate and a current attestation the author is ready, until either expires', async () => {
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
    const r = await expectJson<Readiness>(await call(rounds, 'GET', path(), { cookie: w.author.cookie }), 200)
    expect(r).toMatchObject({ ready: true, missing: [], attestation: { kind: 'none' } })
    await expect(
      assertReadyToSubmit(rounds.database.db, w.author.id, w.org, clock.now()),
    ).resolves.toBeUndefined()

    // Thirteen months on, the 12-month certificate and the 12-month attestation have both lapsed.
    clock.advance(395 * 86_400_000)
    const later = await expectJson<Readiness>(
      await call(rounds, 'GET', path(), { cookie: w.author.cookie }),
      200,
    )
    expect(later.missing.map((m) => m.code)).toEqual(['TRAINING_REQUIRED', 'DISCLOSURE_REQUIRED'])
  })
})
