import type { Identity } from '#src/capabilities/accounts/accounts.schema.ts'

/** How each profession reads on a card. `other` says nothing rather than something vague. */
export const professionLabels: Record<NonNullable<Identity['profession']>, string | null> = {
  doctor: 'Doctor',
  nurse: 'Nurse',
  midwife: 'Midwife',
  pharmacist: 'Pharmacist',
  allied_health: 'Allied health professional',
  medical_student: 'Medical student',
  other: null,
}

/** "GMC 7654321"; a body without a known name shows the number alone. */
export function registrationLabel(
  identity: Pick<Identity, 'registrationBody' | 'registrationNumber'>,
): string | null {
  if (!identity.registrationNumber) return null
  if (!identity.registrationBody || identity.registrationBody === 'other')
    return `Registration ${identity.registrationNumber}`
  return `${identity.registrationBody} ${identity.registrationNumber}`
}

/**
 * The author card as one line: "Dr Priya Shah, Doctor, GMC 7654321 — verified by Demo
 * Teaching Channel". `org` is the organisation that verified the registration (the card
 * says nothing about verification without one, and marks a registration nobody verified as
 * such). A disclosure statement, when given, follows on a line of its own.
 */
export function formatAuthorCard(
  identity: Pick<Identity, 'displayName' | 'profession' | 'registrationBody' | 'registrationNumber'>,
  org: { name: string } | null,
  statement: string | null,
): string {
  const parts = [identity.displayName.trim()]
  const profession = identity.profession ? professionLabels[identity.profession] : null
  if (profession) parts.push(profession)
  const registration = registrationLabel(identity)
  if (registration) parts.push(org ? registration : `${registration} (not verified)`)
  let line = parts.filter(Boolean).join(', ')
  if (org && registration) line += ` — verified by ${org.name}`
  return statement ? `${line}\n${statement}` : line
}
