import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { findUserByEmail } from '#src/capabilities/accounts/accounts.repository.ts'
import {
  type AccountsDeps,
  authorize,
  resolveOrganisation,
} from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { queueMail } from '#src/platform/mail/mail.ts'
import { addMonthsClamped, certificateStatus, daysUntil, formatDate } from './certificate.dates.ts'
import type { CertificateDocument } from './certificate.document.ts'
import { renderCertificateHtml } from './certificate.html.ts'
import { renderCertificatePdf } from './certificate.pdf.ts'
import {
  type CertificateRecord,
  findCertificateById,
  findValidCertificate,
  insertCertificate,
  listCertificatesDueReminder,
  listCertificatesForOrganisation,
  listCertificatesForUser,
  markCertificateRevoked,
  markReminderSent,
} from './certificate.repository.ts'
import { findOrganisationSettings } from './settings.repository.ts'
import { insertAttempt } from './training.repository.ts'
import {
  type Certificate,
  type CertificateVerification,
  type OrganisationCertificate,
  REMINDER_DAYS,
} from './training.schema.ts'

/**
 * Issues a certificate inside the caller's transaction: valid from `issuedAt` for the
 * organisation's training validity (its setting at the moment of issue, kept with the
 * certificate), audited with the attempt that earned it.
 */
export async function issueCertificate(
  tx: Executor,
  deps: AccountsDeps,
  input: {
    userId: string
    organisationId: string
    attemptId: string
    issuedAt: Date
    actorId: string | null
  },
): Promise<CertificateRecord> {
  const { trainingValidityMonths } = await findOrganisationSettings(tx, input.organisationId)
  const id = deps.ids.next()
  const expiresAt = addMonthsClamped(input.issuedAt, trainingValidityMonths).toISOString()
  await insertCertificate(tx, {
    id,
    userId: input.userId,
    organisationId: input.organisationId,
    attemptId: input.attemptId,
    issuedAt: input.issuedAt.toISOString(),
    expiresAt,
    validityMonths: trainingValidityMonths,
  })
  await recordAudit(tx, deps, {
    actorId: input.actorId,
    action: 'training.certificate_issued',
    resourceType: 'training_certificate',
    resourceId: id,
    organisationId: input.organisationId,
    summary: {
      userId: input.userId,
      attemptId: input.attemptId,
      expiresAt,
      validityMonths: trainingValidityMonths,
    },
  })
  const issued = await findCertificateById(tx, id)
  if (!issued) throw new AppError('INTERNAL', { message: 'the certificate was not stored' })
  return issued
}

/**
 * Gives a user a certificate without an assessment, recorded as a seeded attempt: demo data
 * and operators only, never reachable over HTTP, audited with no actor. Idempotent: a user
 * who already holds a valid certificate for the organisation keeps it and gets no second.
 */
export async function issueCertificateAsOperator(
  deps: AccountsDeps,
  input: { email: string; organisationId: string },
): Promise<{ id: string; issuedAt: string; expiresAt: string }> {
  const user = await findUserByEmail(deps.db, input.email)
  if (!user) throw new AppError('USER_NOT_FOUND', { message: `no user ${input.email}` })
  return deps.db.transaction().execute(async (tx) => {
    const now = deps.clock.now()
    const held = await findValidCertificate(tx, user.id, input.organisationId, now)
    if (held) return held
    const attemptId = deps.ids.next()
    await insertAttempt(tx, {
      id: attemptId,
      userId: user.id,
      organisationId: input.organisationId,
      seed: 'seeded',
      draw: [],
      status: 'seeded',
      startedAt: now.toISOString(),
      expiresAt: now.toISOString(),
      submittedAt: now.toISOString(),
      answers: null,
      score: null,
      total: 0,
      passed: true,
    })
    const c = await issueCertificate(tx, deps, {
      userId: user.id,
      organisationId: input.organisationId,
      attemptId,
      issuedAt: now,
      actorId: null,
    })
    return { id: c.id, issuedAt: c.issuedAt, expiresAt: c.expiresAt }
  })
}

/** The public address at which anyone can check a certificate. */
export function verificationUrl(deps: Pick<AccountsDeps, 'publicBaseUrl'>, certificateId: string): string {
  // The readable page (it reads /api/certificates/{id}); the JSON answer is for machines.
  return `${deps.publicBaseUrl}/certificates/${encodeURIComponent(certificateId)}`
}

export function presentCertificate(deps: AccountsDeps, c: CertificateRecord): Certificate {
  return {
    id: c.id,
    organisation: { slug: c.organisation.slug, name: c.organisation.name },
    holder: { id: c.userId, name: c.holderName },
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    validityMonths: c.validityMonths,
    status: certificateStatus(c, deps.clock.now()),
    verificationUrl: verificationUrl(deps, c.id),
  }
}

/** The caller's own certificates, in every organisation. */
export async function listMyCertificates(deps: AccountsDeps, actor: Actor): Promise<Certificate[]> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  return (await listCertificatesForUser(deps.db, actor.userId)).map((c) => presentCertificate(deps, c))
}

/** Every certificate the organisation has issued (admins). */
export async function listOrganisationCertificates(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
): Promise<OrganisationCertificate[]> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const now = deps.clock.now()
  return (await listCertificatesForOrganisation(deps.db, org.id)).map((c) => ({
    id: c.id,
    holder: { id: c.userId, name: c.holderName, email: c.holderEmail },
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    status: certificateStatus(c, now),
  }))
}

/** Where an organisation's Open Badges documents live (all served by Rounds). */
export function issuerUrls(deps: Pick<AccountsDeps, 'publicBaseUrl'>, slug: string) {
  const api = `${deps.publicBaseUrl}/api/public/orgs/${encodeURIComponent(slug)}`
  return {
    issuerUrl: `${api}/issuer`,
    jwksUrl: `${api}/jwks.json`,
    achievementUrl: `${api}/achievement`,
    organisationUrl: `${deps.publicBaseUrl}/orgs/${encodeURIComponent(slug)}`,
  }
}

/** A certificate its holder or an organisation admin may download. */
export async function certificateDocumentFor(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  certificateId: string,
): Promise<CertificateDocument> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const c = await findCertificateById(deps.db, certificateId)
  if (!c || c.organisationId !== org.id)
    throw new AppError('CERTIFICATE_NOT_FOUND', { message: `no certificate ${certificateId} in ${slug}` })
  if (actor.kind !== 'user' || c.userId !== actor.userId)
    authorize(actor, 'organisation.manage', { organisationId: org.id })
  return {
    id: c.id,
    holderName: c.holderName,
    holderEmail: c.holderEmail,
    organisation: c.organisation,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    validityMonths: c.validityMonths,
    verificationUrl: verificationUrl(deps, c.id),
    ...issuerUrls(deps, c.organisation.slug),
  }
}

export async function getCertificatePdf(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  certificateId: string,
): Promise<{ filename: string; pdf: Buffer }> {
  const d = await certificateDocumentFor(deps, actor, slug, certificateId)
  return { filename: `rounds-certificate-${d.id}.pdf`, pdf: await renderCertificatePdf(d) }
}

export async function getCertificateHtml(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  certificateId: string,
): Promise<string> {
  return renderCertificateHtml(await certificateDocumentFor(deps, actor, slug, certificateId))
}

/**
 * What anyone with a certificate's id may check: whose it is, who issued it and whether it
 * is valid now. The id is an unguessable UUID printed on the certificate.
 */
export async function verifyCertificate(
  deps: AccountsDeps,
  certificateId: string,
): Promise<CertificateVerification> {
  const c = await findCertificateById(deps.db, certificateId)
  if (!c) throw new AppError('CERTIFICATE_NOT_FOUND', { message: `no certificate ${certificateId}` })
  return presentVerification(deps, c)
}

export function presentVerification(deps: AccountsDeps, c: CertificateRecord): CertificateVerification {
  const status = certificateStatus(c, deps.clock.now())
  return {
    id: c.id,
    status,
    revokedAt: status === 'revoked' ? c.revokedAt : null,
    revocationReason: status === 'revoked' ? c.revocationReason : null,
    holderName: c.holderName,
    organisation: { slug: c.organisation.slug, name: c.organisation.name },
    achievement: 'Professional standards for medical education on social media',
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
  }
}

/**
 * Revokes a certificate (organisation admins): from now on it fails verification and no
 * longer counts for the submission gate. Audited with the reason; the holder is told by email.
 */
export async function revokeCertificate(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  certificateId: string,
  reason: string,
): Promise<CertificateVerification> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const c = await findCertificateById(deps.db, certificateId)
  if (!c || c.organisationId !== org.id)
    throw new AppError('CERTIFICATE_NOT_FOUND', { message: `no certificate ${certificateId} in ${slug}` })
  const actorId = actor.kind === 'user' ? actor.userId : null
  await deps.db.transaction().execute(async (tx) => {
    const at = deps.clock.now().toISOString()
    if (!(await markCertificateRevoked(tx, { id: c.id, at, reason, by: actorId })))
      throw new AppError('CONFLICT', { message: 'this certificate is already revoked' })
    await queueMail(tx, deps, {
      to: c.holderEmail,
      subject: `Your Rounds training certificate for ${c.organisation.name} was revoked`,
      text: [
        `Hello ${c.holderName},`,
        '',
        `${c.organisation.name} revoked your Rounds training certificate ${c.id}.`,
        `Reason given: ${reason}`,
        '',
        `You cannot submit content for review in ${c.organisation.name} until you pass the assessment again.`,
      ].join('\n'),
    })
    await recordAudit(tx, deps, {
      actorId,
      action: 'training.certificate_revoked',
      resourceType: 'training_certificate',
      resourceId: c.id,
      organisationId: org.id,
      summary: { userId: c.userId },
    })
  })
  return presentVerification(deps, (await findCertificateById(deps.db, c.id)) as CertificateRecord)
}

/**
 * Emails each holder whose certificate expires within REMINDER_DAYS, once per certificate:
 * the mark, the message and the audit record commit together, so a crash or a second run
 * never sends twice. Returns how many reminders were sent.
 */
export async function sendCertificateReminders(deps: AccountsDeps): Promise<number> {
  const now = deps.clock.now()
  const until = new Date(now.getTime() + REMINDER_DAYS * 86_400_000)
  let sent = 0
  for (const c of await listCertificatesDueReminder(deps.db, now, until)) {
    const done = await deps.db.transaction().execute(async (tx) => {
      if (!(await markReminderSent(tx, c.id, now.toISOString()))) return false
      const days = daysUntil(c.expiresAt, now)
      await queueMail(tx, deps, {
        to: c.holderEmail,
        subject: `Your Rounds training certificate for ${c.organisation.name} expires on ${formatDate(c.expiresAt)}`,
        text: [
          `Hello ${c.holderName},`,
          '',
          `Your Rounds training certificate for ${c.organisation.name} expires on ${formatDate(c.expiresAt)}, in ${days} day${days === 1 ? '' : 's'}.`,
          `After that you cannot submit content for review in ${c.organisation.name} until you pass the assessment again.`,
          '',
          `Renew it by taking the training again in ${c.organisation.name}: ${deps.publicBaseUrl}/training`,
          '',
          `Certificate ${c.id}`,
        ].join('\n'),
      })
      await recordAudit(tx, deps, {
        actorId: null,
        action: 'training.certificate_reminder_sent',
        resourceType: 'training_certificate',
        resourceId: c.id,
        organisationId: c.organisationId,
        summary: { userId: c.userId, expiresAt: c.expiresAt },
      })
      return true
    })
    if (done) sent++
  }
  return sent
}
