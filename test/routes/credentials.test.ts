import { base64url, type JWK } from 'jose'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findValidCertificate } from '#src/capabilities/standards/certificate.repository.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { verifyCredentialJwt } from '#src/capabilities/standards/credential.jwt.ts'
import { loadIssuerSigningKey } from '#src/capabilities/standards/credential.keys.ts'
import type { CredentialVerification } from '#src/capabilities/standards/credential.schema.ts'
import type { CertificateVerification } from '#src/capabilities/standards/training.schema.ts'
import { storedSecretColumns } from '#src/entry/stored-secrets.ts'
import { manualClock } from '#src/platform/clock.ts'
import { createKeyring, generateKey, rotateSecrets } from '#src/platform/secrets.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson, expectValidationError } from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>

describe.each(testDialects)('signed Open Badges credentials on %s', (dialect) => {
  const clock = manualClock(new Date('2026-03-01T10:00:00.000Z'))
  let rounds: TestRounds
  let w: World
  let certificateId: string
  let jwt: string
  const credentialPath = () => `/api/orgs/${w.org.slug}/certificates/${certificateId}/credential`
  const verify = async (credential: string) =>
    expectJson<CredentialVerification>(
      await call(rounds, 'POST', '/api/public/credentials/verify', { body: { credential } }),
      200,
    )

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    w = await createOrgWithRoles(rounds, { name: 'Credential Teaching' })
    certificateId = (
      await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    ).id
  })
  afterAll(() => rounds?.close())

  it('the holder downloads a VC-JWT signed with a key made for the organisation, stored encrypted', async () => {
    const res = await call(rounds, 'GET', credentialPath(), { cookie: w.author.cookie })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^application\/vc\+jwt/)
    expect(res.headers.get('content-disposition')).toMatch(/filename="rounds-credential-.+\.jwt"/)
    jwt = await res.text()
    expect(jwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(jwt.split('.')[1] as string)))
    expect(claims).toMatchObject({
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      iss: `http://localhost:3000/api/public/orgs/${w.org.slug}/issuer`,
      issuer: {
        id: `http://localhost:3000/api/public/orgs/${w.org.slug}/issuer`,
        url: `http://localhost:3000/orgs/${w.org.slug}`,
      },
      jti: `http://localhost:3000/certificates/${certificateId}`,
    })
    expect(JSON.stringify(claims)).not.toContain(w.author.email)

    const keys = await rounds.database.db.selectFrom('credential_issuer_key').selectAll().execute()
    expect(keys).toHaveLength(1)
    expect(keys[0]?.organisation_id).toBe(w.org.id)
    expect(keys[0]?.private_jwk).toMatch(/^v1\./)
    expect(keys[0]?.private_jwk).not.toContain('"d"')
    // The same key signs the next download.
    await call(rounds, 'GET', credentialPath(), { cookie: w.admin.cookie })
    expect(await rounds.database.db.selectFrom('credential_issuer_key').selectAll().execute()).toHaveLength(1)
  })

  it('publishes the issuer profile its credentials name, the public keys and the achievement', async () => {
    const profile = await expectJson(await call(rounds, 'GET', `/api/public/orgs/${w.org.slug}/issuer`), 200)
    expect(profile).toMatchObject({
      id: `http://localhost:3000/api/public/orgs/${w.org.slug}/issuer`,
      type: ['Profile'],
      name: 'Credential Teaching',
      url: `http://localhost:3000/orgs/${w.org.slug}`,
      jwks_uri: `http://localhost:3000/api/public/orgs/${w.org.slug}/jwks.json`,
    })
    const jwks = await expectJson<{ keys: JWK[] }>(
      await call(rounds, 'GET', `/api/public/orgs/${w.org.slug}/jwks.json`),
      200,
    )
    expect(jwks.keys).toHaveLength(1)
    expect(jwks.keys[0]).toMatchObject({ kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig' })
    expect(jwks.keys[0]).not.toHaveProperty('d')
    // Anyone can check the signature with the published key alone.
    expect(await verifyCredentialJwt(jwt, jwks)).toMatchObject({ ok: true })
    const achievement = await expectJson(
      await call(rounds, 'GET', `/api/public/orgs/${w.org.slug}/achievement`),
      200,
    )
    expect(achievement).toMatchObject({
      type: ['Achievement'],
      criteria: { narrative: expect.stringMatching(/80%/) },
    })
    await expectError(
      await call(rounds, 'GET', '/api/public/orgs/no-such-org/jwks.json'),
      404,
      'ORGANISATION_NOT_FOUND',
    )
  })

  it('rounds secrets rotate moves the private key to a new encryption key; the same key pair signs', async () => {
    const current = rounds.config.encryptionKeys.keys
    const newKey = generateKey()
    const before = await loadIssuerSigningKey(
      { ...rounds.accounts, keyring: rounds.config.encryptionKeys },
      w.org.id,
    )
    const report = await rotateSecrets(
      rounds.database.db,
      createKeyring([newKey, ...current]),
      storedSecretColumns,
    )
    expect(report.byColumn.find((c) => c.table === 'credential_issuer_key')?.rotated).toBe(1)
    try {
      const after = await loadIssuerSigningKey(
        { ...rounds.accounts, keyring: createKeyring([newKey]) },
        w.org.id,
      )
      expect(after.kid).toBe(before.kid)
      expect(after.publicJwk.x).toBe(before.publicJwk.x)
    } finally {
      await rotateSecrets(rounds.database.db, createKeyring([...current, newKey]), storedSecretColumns)
    }
  })

  it('verifies a valid credential and names the holder and issuer', async () => {
    const result = await verify(jwt)
    expect(result).toMatchObject({
      verified: true,
      signature: 'valid',
      issuer: { slug: w.org.slug, name: 'Credential Teaching' },
      certificate: { id: certificateId, status: 'valid', holderName: w.author.name },
      problems: [],
    })
  })

  it('refuses a tampered credential, one from an unknown key and text that is no credential', async () => {
    const [h, p, s] = jwt.split('.') as [string, string, string]
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)))
    claims.validUntil = '2099-01-01T00:00:00.000Z'
    const tampered = [h, base64url.encode(JSON.stringify(claims)), s].join('.')
    expect(await verify(tampered)).toMatchObject({
      verified: false,
      signature: 'bad-signature',
      certificate: null,
    })

    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h)))
    const unknown = [base64url.encode(JSON.stringify({ ...header, kid: 'someone-elses' })), p, s].join('.')
    expect(await verify(unknown)).toMatchObject({ verified: false, signature: 'unknown-key' })

    expect(await verify('hello')).toMatchObject({ verified: false, signature: 'malformed' })
    await expectValidationError(
      await call(rounds, 'POST', '/api/public/credentials/verify', { body: { credential: '' } }),
      ['credential'],
    )
  })

  it('reports an expired certificate with a good signature as not verified', async () => {
    clock.set(new Date('2027-03-02T10:00:00.000Z'))
    try {
      expect(await verify(jwt)).toMatchObject({
        verified: false,
        signature: 'valid',
        certificate: { status: 'expired' },
        problems: ['the certificate has expired'],
      })
    } finally {
      clock.set(new Date('2026-03-01T10:00:00.000Z'))
    }
  })

  it('admins revoke a certificate: verification says so, and it no longer counts for submission', async () => {
    const path = `/api/orgs/${w.org.slug}/certificates/${certificateId}/revoke`
    await expectError(
      await call(rounds, 'POST', path, { body: { reason: 'Issued in error' } }),
      401,
      'UNAUTHENTICATED',
    )
    await expectError(
      await call(rounds, 'POST', path, { cookie: w.author.cookie, body: { reason: 'Issued in error' } }),
      403,
      'FORBIDDEN',
    )
    await expectValidationError(
      await call(rounds, 'POST', path, { cookie: w.admin.cookie, body: { reason: 'no' } }),
      ['reason'],
    )
    const revoked = await expectJson<CertificateVerification>(
      await call(rounds, 'POST', path, {
        cookie: w.admin.cookie,
        body: { reason: 'The assessment was taken by someone else' },
      }),
      200,
    )
    expect(revoked).toMatchObject({
      status: 'revoked',
      revocationReason: 'The assessment was taken by someone else',
    })
    await expectError(
      await call(rounds, 'POST', path, { cookie: w.admin.cookie, body: { reason: 'Issued in error again' } }),
      409,
      'CONFLICT',
    )
    expect(await verify(jwt)).toMatchObject({
      verified: false,
      signature: 'valid',
      certificate: { status: 'revoked' },
      problems: ['Credential Teaching revoked this certificate: The assessment was taken by someone else'],
    })
    expect(
      await expectJson(await call(rounds, 'GET', `/api/certificates/${certificateId}`), 200),
    ).toMatchObject({ status: 'revoked' })
    expect(await findValidCertificate(rounds.database.db, w.author.id, w.org.id, clock.now())).toBeNull()
    const mail = await rounds.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('to_address', '=', w.author.email)
      .execute()
    expect(mail.some((m) => /revoked/.test(m.subject))).toBe(true)
  })
})
