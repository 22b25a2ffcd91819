import { findIdentity, findUserById } from '#src/capabilities/accounts/accounts.repository.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { findValidCertificate } from './certificate.repository.ts'
import { findCurrentAttestation } from './disclosure.repository.ts'
import type { Readiness, ReadinessGap } from './gate.schema.ts'

/**
 * The professional-standards gate: what an author still needs before they may submit work
 * for review in an organisation. A valid training certificate for that organisation, a
 * display name (GMC: identify yourself by name when you identify as a clinician) and a
 * current disclosure attestation (ACCME Standard 3).
 */
export async function checkSubmissionReadiness(
  db: Executor,
  userId: string,
  organisation: { id: string; slug: string },
  now: Date,
): Promise<Readiness> {
  const [certificate, attestation, identity, user] = await Promise.all([
    findValidCertificate(db, userId, organisation.id, now),
    findCurrentAttestation(db, userId, now),
    findIdentity(db, userId),
    findUserById(db, userId),
  ])
  const missing: ReadinessGap[] = []
  if (!certificate) {
    missing.push({
      code: 'TRAINING_REQUIRED',
      message: 'Complete the training and pass its assessment (your certificate is missing or has expired).',
      link: '/training',
    })
  }
  const displayName = (identity?.displayName ?? user?.name ?? '').trim()
  if (displayName.length < 2) {
    missing.push({
      code: 'DISPLAY_NAME_REQUIRED',
      message: 'Add the name you publish under to your professional identity.',
      link: '/profile',
    })
  }
  if (!attestation) {
    missing.push({
      code: 'DISCLOSURE_REQUIRED',
      message:
        'Record your financial relationships with ineligible companies from the past 24 months, or attest that you have none.',
      link: '/disclosures',
    })
  }
  return {
    ready: missing.length === 0,
    missing,
    certificate,
    attestation: attestation
      ? { kind: attestation.kind, attestedAt: attestation.attestedAt, expiresAt: attestation.expiresAt }
      : null,
  }
}

/** Refuses with the first missing requirement's code; `details` lists every gap with its link. */
export async function assertReadyToSubmit(
  db: Executor,
  userId: string,
  organisation: { id: string; slug: string },
  now: Date,
): Promise<void> {
  const readiness = await checkSubmissionReadiness(db, userId, organisation, now)
  const first = readiness.missing[0]
  if (first) {
    throw new AppError(first.code, {
      message: readiness.missing.map((m) => m.message).join(' '),
      details: readiness.missing,
    })
  }
}
