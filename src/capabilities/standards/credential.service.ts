import type { JSONWebKeySet } from 'jose'
import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import {
  findOrganisationById,
  findOrganisationBySlug,
} from '#src/capabilities/accounts/accounts.repository.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { AppError } from '#src/platform/errors.ts'
import type { Keyring } from '#src/platform/secrets.ts'
import { achievementDefinition, issuerProfile, renderOpenBadgeCredential } from './certificate.badge.ts'
import { findCertificateById } from './certificate.repository.ts'
import { certificateDocumentFor, issuerUrls, presentVerification } from './certificate.service.ts'
import {
  CREDENTIAL_MEDIA_TYPE,
  credentialKeyId,
  signCredential,
  verifyCredentialJwt,
} from './credential.jwt.ts'
import { issuerJwks, loadIssuerSigningKey } from './credential.keys.ts'
import { findIssuerKeyOrganisation } from './credential.repository.ts'
import type { CredentialVerification } from './credential.schema.ts'
import { findOrganisationSettings } from './settings.repository.ts'

export type CredentialDeps = AccountsDeps & { keyring: Keyring }

/**
 * A certificate as a signed Open Badges 3.0 credential (VC-JWT), for its holder or the
 * organisation's admins. The organisation's signing key is made on first use.
 */
export async function getCertificateCredential(
  deps: CredentialDeps,
  actor: Actor,
  slug: string,
  certificateId: string,
): Promise<{ filename: string; mediaType: string; jwt: string }> {
  const d = await certificateDocumentFor(deps, actor, slug, certificateId)
  const key = await loadIssuerSigningKey(deps, d.organisation.id)
  return {
    filename: `rounds-credential-${d.id}.jwt`,
    mediaType: CREDENTIAL_MEDIA_TYPE,
    jwt: await signCredential(renderOpenBadgeCredential(d), key),
  }
}

async function publicOrganisation(deps: AccountsDeps, slug: string) {
  const org = await findOrganisationBySlug(deps.db, slug)
  if (!org) throw new AppError('ORGANISATION_NOT_FOUND', { message: `no organisation ${slug}` })
  return org
}

/** The organisation as an Open Badges issuer (public): the document its credentials' `issuer.id` names. */
export async function getIssuerProfile(deps: AccountsDeps, slug: string) {
  const org = await publicOrganisation(deps, slug)
  const urls = issuerUrls(deps, org.slug)
  return issuerProfile({ ...urls, organisation: org }, urls.jwksUrl)
}

/** The public keys the organisation signs credentials with (public). */
export async function getIssuerJwks(deps: AccountsDeps, slug: string): Promise<JSONWebKeySet> {
  const org = await publicOrganisation(deps, slug)
  return issuerJwks(deps.db, org.id)
}

/** The achievement the organisation's certificates attest (public), with its current validity. */
export async function getAchievement(deps: AccountsDeps, slug: string) {
  const org = await publicOrganisation(deps, slug)
  const { trainingValidityMonths } = await findOrganisationSettings(deps.db, org.id)
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    ...achievementDefinition({ ...issuerUrls(deps, org.slug), organisation: org }, trainingValidityMonths),
  }
}

/**
 * Checks a credential someone presents (public): the signature against the key it names
 * (which must be one Rounds holds for the issuer the credential claims), then the
 * certificate's standing in the issuer's record (valid, expired or revoked).
 */
export async function verifyCredential(deps: AccountsDeps, jwt: string): Promise<CredentialVerification> {
  const fail = (signature: CredentialVerification['signature'], problem: string): CredentialVerification => ({
    verified: false,
    signature,
    issuer: null,
    certificate: null,
    problems: [problem],
  })
  const kid = credentialKeyId(jwt)
  const organisationId = kid ? await findIssuerKeyOrganisation(deps.db, kid) : null
  const org = organisationId ? await findOrganisationById(deps.db, organisationId) : null
  const checked = await verifyCredentialJwt(jwt, org ? await issuerJwks(deps.db, org.id) : { keys: [] })
  if (!checked.ok || !org) {
    const reason = checked.ok ? 'unknown-key' : checked.reason
    return fail(
      reason,
      reason === 'unknown-key'
        ? 'the credential was not signed by a key Rounds holds for any issuer'
        : checked.ok
          ? ''
          : checked.message,
    )
  }
  const issuer = { slug: org.slug, name: org.name }
  const expectedIssuer = issuerUrls(deps, issuer.slug).issuerUrl
  if (checked.credential.issuer.id !== expectedIssuer)
    return fail('inconsistent', 'the credential names an issuer other than the one whose key signed it')
  const certificateId = decodeURIComponent(checked.credential.id.split('/').at(-1) ?? '')
  const c = await findCertificateById(deps.db, certificateId)
  if (!c || c.organisationId !== org.id)
    return {
      verified: false,
      signature: 'valid',
      issuer,
      certificate: null,
      problems: [`${issuer.name} has no record of certificate ${certificateId}`],
    }
  const certificate = presentVerification(deps, c)
  const problems: string[] = []
  if (certificate.status === 'revoked')
    problems.push(
      `${issuer.name} revoked this certificate${c.revocationReason ? `: ${c.revocationReason}` : ''}`,
    )
  if (certificate.status === 'expired') problems.push('the certificate has expired')
  return { verified: problems.length === 0, signature: 'valid', issuer, certificate, problems }
}
