import { createHash } from 'node:crypto'
import {
  ACHIEVEMENT_DESCRIPTION,
  ACHIEVEMENT_NAME,
  type CertificateDocument,
  criteriaNarrative,
} from './certificate.document.ts'

/**
 * The certificate as an Open Badges 3.0 credential (a W3C Verifiable Credential, data model
 * 2.0), before signing: Rounds hands it out as a VC-JWT signed with the organisation's key
 * (credential.jwt.ts). Its `id` is the public verification page; `issuer.id` and
 * `achievement.id` are JSON documents Rounds serves (issuerProfile, achievementDefinition).
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
      url: d.organisationUrl,
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
      achievement: achievementDefinition(d, d.validityMonths),
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

type IssuerFacts = Pick<
  CertificateDocument,
  'issuerUrl' | 'organisationUrl' | 'achievementUrl' | 'organisation'
>

const OB_CONTEXT = [
  'https://www.w3.org/ns/credentials/v2',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
]

/** The issuer's Open Badges Profile, served at its id (`issuerUrl`). */
export function issuerProfile(d: IssuerFacts, jwksUrl: string) {
  return {
    '@context': OB_CONTEXT,
    id: d.issuerUrl,
    type: ['Profile'],
    name: d.organisation.name,
    url: d.organisationUrl,
    // Not an Open Badges term: where a verifier finds the keys this issuer signs with.
    jwks_uri: jwksUrl,
  }
}

/** The achievement every certificate of the organisation attests, served at its id. */
export function achievementDefinition(d: IssuerFacts, validityMonths: number) {
  return {
    id: d.achievementUrl,
    type: ['Achievement'],
    achievementType: 'Certificate',
    name: ACHIEVEMENT_NAME,
    description: ACHIEVEMENT_DESCRIPTION,
    criteria: { narrative: criteriaNarrative(validityMonths) },
    creator: { id: d.issuerUrl, type: ['Profile'], name: d.organisation.name, url: d.organisationUrl },
  }
}
