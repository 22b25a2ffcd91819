import type { Profession, RegistrationBody, Role } from '../api/types.ts'
import { professions, registrationBodies, roles } from '../api/types.ts'

export const roleLabels: Record<Role, string> = {
  admin: 'Admin',
  editor: 'Editor',
  reviewer: 'Reviewer',
  author: 'Author',
}

export const roleDescriptions: Record<Role, string> = {
  admin: 'Manages members, verifies identities, reads the audit log',
  editor: 'Runs the review queue, publishes, reads analytics',
  reviewer: 'Peer-reviews drafts',
  author: 'Drafts content and takes training',
}

export const roleColors: Record<Role, string> = {
  admin: 'grape',
  editor: 'blue',
  reviewer: 'orange',
  author: 'teal',
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
