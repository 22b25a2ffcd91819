import { describe, expect, it } from 'vitest'
import { disclosureStatement, joinList, type StatementRelationship } from './disclosure.statement.ts'

const rel = (
  company: string,
  nature: StatementRelationship['nature'],
  startDate: string,
  endDate: string | null,
  natureDetail?: string,
): StatementRelationship => ({ company, nature, startDate, endDate, natureDetail })

describe('disclosureStatement', () => {
  it.each<{ case: string; relationships: StatementRelationship[]; expected: string }>([
    {
      case: 'no relationships',
      relationships: [],
      expected: 'Dr Priya Shah has no relevant financial relationships with ineligible companies.',
    },
    {
      case: 'the example from the brief',
      relationships: [
        rel('Acme Devices', 'ownership', '2023-04-01', null),
        rel('Example Pharma', 'speaker', '2025-02-01', '2026-01-31'),
      ],
      expected:
        'Dr Priya Shah has received speaker fees from Example Pharma (2025–2026) and holds stock in Acme Devices (ongoing).',
    },
    {
      case: 'one year only',
      relationships: [rel('Pfizer', 'consulting', '2025-03-01', '2025-09-30')],
      expected: 'Dr Priya Shah has received consulting fees from Pfizer (2025).',
    },
    {
      case: 'every nature, ongoing',
      relationships: [
        rel('A', 'salary', '2020-01-01', null),
        rel('B', 'consulting', '2020-01-01', null),
        rel('C', 'speaker', '2020-01-01', null),
        rel('D', 'advisory_board', '2020-01-01', null),
        rel('E', 'research_grant', '2020-01-01', null),
        rel('F', 'ownership', '2020-01-01', null),
        rel('G', 'royalties', '2020-01-01', null),
        rel('H', 'other', '2020-01-01', null, 'travel support'),
      ],
      expected:
        'Dr Priya Shah is employed by A (ongoing), receives consulting fees from B (ongoing), receives speaker fees from C (ongoing), serves on an advisory board for D (ongoing), receives research funding from E (ongoing), holds stock in F (ongoing), receives royalties from G (ongoing) and has a financial relationship with H (travel support, ongoing).',
    },
    {
      case: 'every nature, ended',
      relationships: [
        rel('A', 'salary', '2024-01-01', '2025-01-01'),
        rel('D', 'advisory_board', '2024-01-01', '2025-01-01'),
        rel('F', 'ownership', '2024-01-01', '2025-01-01'),
        rel('H', 'other', '2024-01-01', '2025-01-01', 'an unpaid fellowship'),
      ],
      expected:
        'Dr Priya Shah has received a salary from A (2024–2025), has served on an advisory board for D (2024–2025), has held stock in F (2024–2025) and has had a financial relationship with H (an unpaid fellowship, 2024–2025).',
    },
    {
      case: 'several companies of one nature share a clause',
      relationships: [
        rel('Novo Nordisk', 'speaker', '2025-01-01', '2025-12-31'),
        rel('AstraZeneca', 'speaker', '2024-05-01', '2025-02-01'),
        rel('Lilly', 'speaker', '2024-01-01', '2024-03-01'),
      ],
      expected:
        'Dr Priya Shah has received speaker fees from AstraZeneca (2024–2025), Lilly (2024) and Novo Nordisk (2025).',
    },
    {
      case: 'a listed clause before another is set off with a semicolon',
      relationships: [
        rel('Novo Nordisk', 'speaker', '2025-01-01', '2025-12-31'),
        rel('AstraZeneca', 'speaker', '2024-05-01', '2025-02-01'),
        rel('Acme Devices', 'ownership', '2023-01-01', null),
      ],
      expected:
        'Dr Priya Shah has received speaker fees from AstraZeneca (2024–2025) and Novo Nordisk (2025); and holds stock in Acme Devices (ongoing).',
    },
    {
      case: 'the same company twice lists both periods',
      relationships: [
        rel('Pfizer', 'consulting', '2024-01-01', '2024-06-01'),
        rel('Pfizer', 'consulting', '2025-02-01', '2026-02-01'),
      ],
      expected: 'Dr Priya Shah has received consulting fees from Pfizer (2024, 2025–2026).',
    },
    {
      case: 'ongoing and ended of one nature read in their own tenses',
      relationships: [
        rel('Pfizer', 'consulting', '2024-01-01', '2024-06-01'),
        rel('Roche', 'consulting', '2025-02-01', null),
      ],
      expected:
        'Dr Priya Shah receives consulting fees from Roche (ongoing) and has received consulting fees from Pfizer (2024).',
    },
  ])('$case', ({ relationships, expected }) => {
    expect(disclosureStatement('Dr Priya Shah', relationships)).toBe(expected)
  })

  it('does not depend on the order relationships come in', () => {
    const rs = [
      rel('Acme Devices', 'ownership', '2023-04-01', null),
      rel('Example Pharma', 'speaker', '2025-02-01', '2026-01-31'),
      rel('Beta Labs', 'speaker', '2024-02-01', '2024-03-31'),
    ]
    expect(disclosureStatement('X', [...rs].reverse())).toBe(disclosureStatement('X', rs))
  })

  it('falls back to "The author" without a name', () => {
    expect(disclosureStatement('  ', [])).toBe(
      'The author has no relevant financial relationships with ineligible companies.',
    )
  })
})

describe('joinList', () => {
  it.each([
    [[], ''],
    [['A'], 'A'],
    [['A', 'B'], 'A and B'],
    [['A', 'B', 'C'], 'A, B and C'],
  ])('%j → %s', (items, text) => {
    expect(joinList(items, ', ', ' and ')).toBe(text)
  })
})
