import { describe, expect, it } from 'vitest'
import { formatAuthorCard } from './author-card.format.ts'

const priya = {
  displayName: 'Dr Priya Shah',
  profession: 'doctor' as const,
  registrationBody: 'GMC' as const,
  registrationNumber: '7654321',
}
const demo = { name: 'Demo Teaching Channel' }

describe('formatAuthorCard', () => {
  it.each([
    {
      case: 'verified doctor',
      identity: priya,
      org: demo,
      statement: null,
      line: 'Dr Priya Shah, Doctor, GMC 7654321 — verified by Demo Teaching Channel',
    },
    {
      case: 'registration nobody verified',
      identity: priya,
      org: null,
      statement: null,
      line: 'Dr Priya Shah, Doctor, GMC 7654321 (not verified)',
    },
    {
      case: 'student without a registration',
      identity: {
        displayName: 'Jo Patel',
        profession: 'medical_student' as const,
        registrationBody: null,
        registrationNumber: null,
      },
      org: demo,
      statement: null,
      line: 'Jo Patel, Medical student',
    },
    {
      case: 'nurse with an NMC PIN',
      identity: {
        displayName: 'Sam Lee',
        profession: 'nurse' as const,
        registrationBody: 'NMC' as const,
        registrationNumber: '12A3456E',
      },
      org: { name: 'St Elsewhere' },
      statement: null,
      line: 'Sam Lee, Nurse, NMC 12A3456E — verified by St Elsewhere',
    },
    {
      case: 'other profession and body',
      identity: {
        displayName: 'Alex Kim',
        profession: 'other' as const,
        registrationBody: 'other' as const,
        registrationNumber: 'AB-123',
      },
      org: demo,
      statement: null,
      line: 'Alex Kim, Registration AB-123 — verified by Demo Teaching Channel',
    },
    {
      case: 'no profession given',
      identity: {
        displayName: 'Alex Kim',
        profession: null,
        registrationBody: null,
        registrationNumber: null,
      },
      org: null,
      statement: null,
      line: 'Alex Kim',
    },
    {
      case: 'with a statement, on its own line',
      identity: priya,
      org: demo,
      statement: 'Dr Priya Shah has no relevant financial relationships with ineligible companies.',
      line: 'Dr Priya Shah, Doctor, GMC 7654321 — verified by Demo Teaching Channel\nDr Priya Shah has no relevant financial relationships with ineligible companies.',
    },
  ])('$case', ({ identity, org, statement, line }) => {
    expect(formatAuthorCard(identity, org, statement)).toBe(line)
  })
})
