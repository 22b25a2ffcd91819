import { base64url, exportJWK, generateKeyPair, type JWK } from 'jose'
import { describe, expect, it } from 'vitest'
import { renderOpenBadgeCredential } from './certificate.badge.ts'
import type { CertificateDocument } from './certificate.document.ts'
import { signCredential, verifyCredentialJwt } from './credential.jwt.ts'

const doc: CertificateDocument = {
  id: '3f1e8a64-0000-4000-8000-000000000001',
  holderName: 'Ірина Коваленко',
  holderEmail: 'irina@example.org',
  organisation: { id: 'org-1', slug: 'st-marys', name: "St Mary's Teaching" },
  issuedAt: '2026-08-31T09:30:00.000Z',
  expiresAt: '2027-08-31T09:30:00.000Z',
  validityMonths: 12,
  verificationUrl: 'https://rounds.example/certificates/3f1e8a64-0000-4000-8000-000000000001',
  issuerUrl: 'https://rounds.example/api/public/orgs/st-marys/issuer',
  organisationUrl: 'https://rounds.example/orgs/st-marys',
  achievementUrl: 'https://rounds.example/api/public/orgs/st-marys/achievement',
}

async function issuerKey(kid: string) {
  const pair = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true })
  const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid, alg: 'EdDSA', use: 'sig' }
  return { kid, privateKey: pair.privateKey, publicJwk }
}

/** Replaces the payload of a compact JWS, keeping the header and signature. */
function withPayload(jwt: string, change: (claims: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.') as [string, string, string]
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload))) as Record<string, unknown>
  change(claims)
  return [header, base64url.encode(JSON.stringify(claims)), signature].join('.')
}

describe('Open Badges credentials as VC-JWTs', () => {
  it('carry the credential as the payload, with iss, jti, nbf and exp from it, and the key in the header', async () => {
    const key = await issuerKey('k1')
    const jwt = await signCredential(renderOpenBadgeCredential(doc), key)
    const [header, payload] = jwt.split('.') as [string, string]
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(header)))).toMatchObject({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: 'k1',
      jwk: { kty: 'OKP', crv: 'Ed25519', x: key.publicJwk.x },
    })
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload)))
    expect(claims).toMatchObject({
      iss: doc.issuerUrl,
      jti: doc.verificationUrl,
      nbf: Date.parse(doc.issuedAt) / 1000,
      exp: Date.parse(doc.expiresAt) / 1000,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: { id: doc.issuerUrl },
    })
    expect(JSON.stringify(claims)).not.toMatch(/"d":/)
  })

  it('a valid one verifies with only the public key', async () => {
    const key = await issuerKey('k1')
    const jwt = await signCredential(renderOpenBadgeCredential(doc), key)
    const onlyPublic = JSON.parse(JSON.stringify(key.publicJwk)) as JWK
    expect(onlyPublic).not.toHaveProperty('d')
    const result = await verifyCredentialJwt(jwt, { keys: [onlyPublic] })
    expect(result).toMatchObject({ ok: true, kid: 'k1' })
    if (result.ok)
      expect(result.credential.credentialSubject.identifier[1]?.identityHash).toBe('Ірина Коваленко')
  })

  it.each([
    [
      'a changed holder name',
      (c: Record<string, unknown>) => {
        ;(c.credentialSubject as { identifier: Array<{ identityHash: string }> }).identifier[1] = {
          ...(c.credentialSubject as { identifier: Array<{ identityHash: string }> }).identifier[1],
          identityHash: 'Someone Else',
        } as { identityHash: string }
      },
    ],
    [
      'a later expiry',
      (c: Record<string, unknown>) => {
        c.validUntil = '2030-01-01T00:00:00.000Z'
        c.exp = Date.parse('2030-01-01T00:00:00.000Z') / 1000
      },
    ],
    [
      'another issuer',
      (c: Record<string, unknown>) => {
        c.issuer = { id: 'https://evil.example/issuer', type: ['Profile'], name: 'Evil' }
      },
    ],
  ])('a tampered one (%s) fails', async (_, change) => {
    const key = await issuerKey('k1')
    const jwt = await signCredential(renderOpenBadgeCredential(doc), key)
    const tampered = withPayload(jwt, change)
    expect(await verifyCredentialJwt(tampered, { keys: [key.publicJwk] })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
  })

  it('one signed by another key with the same kid fails; an unknown kid is named as such', async () => {
    const real = await issuerKey('k1')
    const forger = await issuerKey('k1')
    const forged = await signCredential(renderOpenBadgeCredential(doc), forger)
    expect(await verifyCredentialJwt(forged, { keys: [real.publicJwk] })).toMatchObject({
      ok: false,
      reason: 'bad-signature',
    })
    const other = await signCredential(renderOpenBadgeCredential(doc), await issuerKey('k2'))
    expect(await verifyCredentialJwt(other, { keys: [real.publicJwk] })).toMatchObject({
      ok: false,
      reason: 'unknown-key',
    })
  })

  it('claims that disagree with the signed credential fail even with a good signature', async () => {
    const key = await issuerKey('k1')
    const vc = renderOpenBadgeCredential(doc)
    // A credential whose registered claims were set from other values, then signed properly.
    const { SignJWT } = await import('jose')
    const jwt = await new SignJWT({ ...vc })
      .setProtectedHeader({ alg: 'EdDSA', kid: 'k1' })
      .setIssuer(vc.issuer.id)
      .setJti(vc.id)
      .setNotBefore(Date.parse(vc.validFrom) / 1000)
      .setExpirationTime(Date.parse('2031-01-01T00:00:00.000Z') / 1000)
      .sign(key.privateKey)
    expect(await verifyCredentialJwt(jwt, { keys: [key.publicJwk] })).toMatchObject({
      ok: false,
      reason: 'inconsistent',
    })
  })

  it.each(['', 'not a jwt', 'a.b', '{"type":["OpenBadgeCredential"]}'])(
    'rejects %j as malformed',
    async (text) => {
      expect(await verifyCredentialJwt(text, { keys: [] })).toMatchObject({ ok: false, reason: 'malformed' })
    },
  )
})
