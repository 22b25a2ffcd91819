import {
  type CompactJWSHeaderParameters,
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  type JSONWebKeySet,
  type JWK,
  SignJWT,
} from 'jose'
import type { OpenBadgeCredential } from './certificate.badge.ts'

/**
 * Open Badges 3.0 credentials as VC-JWTs (OB 3.0 §8.2, "JSON Web Token proof format"): the
 * JWT payload is the credential itself, with `iss` (issuer id), `jti` (credential id),
 * `nbf` (validFrom) and `exp` (validUntil) set from it; the JOSE header names the signing
 * key by `kid` and carries the public key as `jwk`. Signed with Ed25519 (`alg: EdDSA`).
 * A verifier needs only the issuer's public key (published as a JWKS by Rounds).
 */

export const CREDENTIAL_ALG = 'EdDSA'
export const CREDENTIAL_MEDIA_TYPE = 'application/vc+jwt'

const seconds = (iso: string) => Math.floor(Date.parse(iso) / 1000)

/** Signs a credential with the issuer's private key. */
export async function signCredential(
  credential: OpenBadgeCredential,
  key: { kid: string; privateKey: CryptoKey; publicJwk: JWK },
): Promise<string> {
  const { kid: _k, ...jwk } = key.publicJwk
  return new SignJWT({ ...credential })
    .setProtectedHeader({ alg: CREDENTIAL_ALG, typ: 'JWT', kid: key.kid, jwk })
    .setIssuer(credential.issuer.id)
    .setJti(credential.id)
    .setNotBefore(seconds(credential.validFrom))
    .setExpirationTime(seconds(credential.validUntil))
    .sign(key.privateKey)
}

export type CredentialCheck =
  | { ok: true; kid: string; credential: OpenBadgeCredential }
  | { ok: false; reason: 'malformed' | 'unknown-key' | 'bad-signature' | 'inconsistent'; message: string }

/** The `kid` in a VC-JWT's header, or null when the text is not a compact JWS. */
export function credentialKeyId(jwt: string): string | null {
  try {
    const header = decodeProtectedHeader(jwt.trim()) as CompactJWSHeaderParameters
    return typeof header.kid === 'string' ? header.kid : null
  } catch {
    return null
  }
}

/**
 * Checks a VC-JWT's signature against the given public keys (found by `kid`; the `jwk` in
 * the header is never trusted) and that its registered claims agree with the credential.
 * Dates are not judged here: whether the certificate is valid now is the issuer's record.
 */
export async function verifyCredentialJwt(jwt: string, keys: JSONWebKeySet): Promise<CredentialCheck> {
  const text = jwt.trim()
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/.test(text))
    return { ok: false, reason: 'malformed', message: 'this is not a signed credential (a compact JWT)' }
  const kid = credentialKeyId(text)
  if (!kid) return { ok: false, reason: 'malformed', message: 'the credential does not name its signing key' }
  if (!keys.keys.some((k) => k.kid === kid))
    return {
      ok: false,
      reason: 'unknown-key',
      message: 'the credential was not signed by a key this issuer publishes',
    }
  let payload: Uint8Array
  try {
    const verified = await compactVerify(text, createLocalJWKSet(keys), { algorithms: [CREDENTIAL_ALG] })
    payload = verified.payload
  } catch {
    return {
      ok: false,
      reason: 'bad-signature',
      message: 'the signature does not match: the credential was altered or signed by someone else',
    }
  }
  let claims: Record<string, unknown>
  try {
    claims = JSON.parse(new TextDecoder().decode(payload)) as Record<string, unknown>
  } catch {
    return { ok: false, reason: 'malformed', message: 'the signed content is not JSON' }
  }
  const credential = claims as unknown as OpenBadgeCredential & Record<string, unknown>
  const consistent =
    Array.isArray(credential.type) &&
    credential.type.includes('OpenBadgeCredential') &&
    typeof credential.issuer?.id === 'string' &&
    claims.iss === credential.issuer.id &&
    claims.jti === credential.id &&
    claims.nbf === seconds(credential.validFrom) &&
    claims.exp === seconds(credential.validUntil)
  if (!consistent)
    return {
      ok: false,
      reason: 'inconsistent',
      message: 'the signed claims (iss, jti, nbf, exp) do not match the credential they carry',
    }
  return { ok: true, kid, credential }
}
