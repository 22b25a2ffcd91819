import { formatDate } from './certificate.dates.ts'
import { PASS_MARK_PERCENT, QUESTIONS_PER_ATTEMPT } from './training.schema.ts'

/** Everything a rendered certificate shows; the PDF, the printable page and the badge share it. */
export type CertificateDocument = {
  id: string
  holderName: string
  holderEmail: string
  organisation: { id: string; slug: string; name: string }
  issuedAt: string
  expiresAt: string
  validityMonths: number
  /** Where anyone can check the certificate (public). */
  verificationUrl: string
  /** The issuer's id: its Open Badges profile (JSON), served by Rounds. */
  issuerUrl: string
  /** The organisation's public page (the issuer profile's `url`). */
  organisationUrl: string
  /** The achievement's id: its Open Badges definition (JSON), served by Rounds. */
  achievementUrl: string
}

export const ACHIEVEMENT_NAME = 'Professional standards for medical education on social media'

export const ACHIEVEMENT_DESCRIPTION =
  'Completed the Rounds training on confidentiality (identifiers, the motivated intruder test, consent), ' +
  'professionalism online, personal and professional voice, commercial interests and disclosure, and ' +
  'evidence and corrections, and passed its case-based assessment.'

export function criteriaNarrative(validityMonths: number): string {
  return (
    `Study the lessons, then answer ${QUESTIONS_PER_ATTEMPT} case-based questions drawn from the question ` +
    `bank, covering every topic, with at least ${PASS_MARK_PERCENT}% correct. Multiple-answer questions ` +
    `count only when every correct option and no other is chosen. Valid for ${validityMonths} months, ` +
    'as set by the issuing organisation.'
  )
}

/** The lines of the certificate, in order, as both the PDF and the page show them. */
export function certificateLines(d: CertificateDocument) {
  return {
    heading: 'Certificate of completion',
    preamble: 'This certifies that',
    holder: d.holderName,
    body: `has completed the Rounds training and assessment in ${ACHIEVEMENT_NAME.toLowerCase()}.`,
    organisation: `Issued by ${d.organisation.name}`,
    dates: `Issued ${formatDate(d.issuedAt)} · valid until ${formatDate(d.expiresAt)}`,
    reference: `Certificate ${d.id}`,
    verify: `Check it at ${d.verificationUrl}`,
  }
}
