import type {
  AmountBand,
  AttestationStatus,
  ConflictCategory,
  Nature,
  OrganisationSettings,
  Profession,
  RegistrationBody,
  Role,
  TrainingTopic,
} from '../api/types.ts'
import {
  amountBands,
  conflictCategories,
  natures,
  professions,
  registrationBodies,
  roles,
  trainingTopics,
} from '../api/types.ts'

export const roleLabels: Record<Role, string> = {
  admin: 'Admin',
  editor: 'Editor',
  reviewer: 'Reviewer',
  author: 'Author',
  researcher: 'Researcher',
}

export const roleDescriptions: Record<Role, string> = {
  admin: 'Manages members, verifies identities, reads the audit log',
  editor: 'Runs the review queue, publishes, reads analytics',
  reviewer: 'Peer-reviews drafts',
  author: 'Drafts content and takes training',
  researcher: 'Reads analytics, survey results and anonymised research exports',
}

export const roleColors: Record<Role, string> = {
  admin: 'grape',
  editor: 'blue',
  reviewer: 'orange',
  author: 'teal',
  researcher: 'gray',
}

export const professionLabels: Record<Profession, string> = {
  doctor: 'Doctor',
  nurse: 'Nurse',
  midwife: 'Midwife',
  pharmacist: 'Pharmacist',
  allied_health: 'Allied health professional',
  medical_student: 'Medical student',
  other: 'Other',
}

export const registrationBodyLabels: Record<RegistrationBody, string> = {
  GMC: 'GMC — General Medical Council (UK)',
  NMC: 'NMC — Nursing and Midwifery Council (UK)',
  NPI: 'NPI — National Provider Identifier (US)',
  GPhC: 'GPhC — General Pharmaceutical Council (UK)',
  HCPC: 'HCPC — Health and Care Professions Council (UK)',
  other: 'Other',
}

export const roleOptions = roles.map((value) => ({ value, label: roleLabels[value] }))
export const professionOptions = professions.map((value) => ({ value, label: professionLabels[value] }))
export const registrationBodyOptions = registrationBodies.map((value) => ({
  value,
  label: registrationBodyLabels[value],
}))

/** Roles in the order the app lists them, whatever order the server sent. */
export function sortRoles(list: readonly Role[]): Role[] {
  return roles.filter((role) => list.includes(role))
}

export function isRole(value: string): value is Role {
  return (roles as readonly string[]).includes(value)
}

/** What a registration number looks like for each body (the server checks the same formats). */
const registrationHints: Record<RegistrationBody, string> = {
  GMC: '7 digits, e.g. 7012345',
  NMC: 'PIN like 12A3456E',
  NPI: '10 digits',
  GPhC: '7 digits',
  HCPC: 'Like PA12345',
  other: '3 to 20 letters and digits',
}

export function registrationHint(body: string | null): string {
  return body && body in registrationHints
    ? registrationHints[body as RegistrationBody]
    : 'Choose a register first.'
}

// ---- professional standards ----

export const topicLabels: Record<TrainingTopic, string> = {
  confidentiality: 'Confidentiality',
  professionalism: 'Professionalism online',
  voice: 'Personal and professional voice',
  commercial: 'Commercial interests',
  evidence: 'Evidence and corrections',
  local: 'Local policy',
}
export const topicOptions = trainingTopics.map((value) => ({ value, label: topicLabels[value] }))

export const natureLabels: Record<Nature, string> = {
  salary: 'Salary (employment)',
  consulting: 'Consulting fees',
  speaker: 'Speaker fees',
  advisory_board: 'Advisory board',
  research_grant: 'Research grant',
  ownership: 'Ownership or stock',
  royalties: 'Royalties',
  other: 'Other',
}
export const natureOptions = natures.map((value) => ({ value, label: natureLabels[value] }))

export const amountBandLabels: Record<AmountBand, string> = {
  under_1000: 'Under 1,000',
  '1000_to_9999': '1,000 to 9,999',
  '10000_to_49999': '10,000 to 49,999',
  '50000_or_more': '50,000 or more',
}
export const amountBandOptions = amountBands.map((value) => ({ value, label: amountBandLabels[value] }))

export const attestationStatusLabels: Record<AttestationStatus, string> = {
  current: 'Current',
  expired: 'Expired',
  changed: 'Changed since attested',
  missing: 'Not attested',
}

export const attestationStatusColors: Record<AttestationStatus, string> = {
  current: 'teal',
  expired: 'red',
  changed: 'orange',
  missing: 'gray',
}

export const guidanceLabels: Record<OrganisationSettings['guidance'], string> = {
  uk: 'UK (GMC, NMC, ICO)',
  us: 'US (AMA, FSMB, HIPAA, ACCME)',
  both: 'Both UK and US',
}

export const conflictCategoryLabels: Record<ConflictCategory, string> = {
  personal_relationship: 'Personal relationship',
  supervisor_trainee: 'Supervisor or trainee',
  financial: 'Financial',
  other: 'Other',
}

export const conflictCategoryOptions = conflictCategories.map((value) => ({
  value,
  label: conflictCategoryLabels[value],
}))
