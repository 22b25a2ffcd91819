import { createHash } from 'node:crypto'
import {
  ACHIEVEMENT_DESCRIPTION,
  ACHIEVEMENT_NAME,
  type CertificateDocument,
  criteriaNarrative,
} from './certificate.document.ts'

/**
 * The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential, data model
 * 2.0). It is not signed: there is no `proof`, so a verifier trusts it by fetching the
 * verification URL in its `id` from the issuer, not by checking a signature.
 *
 * The holder is identified by a salted SHA-256 hash of their email (OB 3.0 IdentityObject),
 * so the file does not expose the address, plus their name as shown on the certificate.
 */
export function renderOpenBadgeCredential(d: CertificateDocument) {
  const salt = d.id
  return {
    '@context': [
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ],
    id: d.verificationUrl,
    type: ['VerifiableCredential', 'OpenBadgeCredential'],
    name: `${ACHIEVEMENT_NAME} — ${d.organisation.name}`,
    description: ACHIEVEMENT_DESCRIPTION,
    issuer: {
      id: d.issuerUrl,
      type: ['Profile'],
      name: d.organisation.name,
    },
    validFrom: d.issuedAt,
    validUntil: d.expiresAt,
    credentialSubject: {
      type: ['AchievementSubject'],
      identifier: [
        {
          type: 'IdentityObject',
          identityType: 'emailAddress',
          hashed: true,
          identityHash: `sha256$${createHash('sha256')
            .update(d.holderEmail.trim().toLowerCase() + salt)
            .digest('hex')}`,
          salt,
        },
        {
          type: 'IdentityObject',
          identityType: 'name',
          hashed: false,
          identityHash: d.holderName,
        },
      ],
      achievement: {
        id: d.achievementUrl,
        type: ['Achievement'],
        achievementType: 'Certificate',
        name: ACHIEVEMENT_NAME,
        description: ACHIEVEMENT_DESCRIPTION,
        criteria: { narrative: criteriaNarrative(d.validityMonths) },
        creator: { id: d.issuerUrl, type: ['Profile'], name: d.organisation.name },
      },
    },
    credentialSchema: [
      {
        id: 'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json',
        type: '1EdTechJsonSchemaValidator2019',
      },
    ],
  }
}

export type OpenBadgeCredential = ReturnType<typeof renderOpenBadgeCredential>
