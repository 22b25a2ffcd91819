import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestUser } from '#test/support/factories.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  conflictReasonsFor,
  findReviewerConflicts,
  loadReviewerConflictFacts,
  type ReviewerConflict,
  type ReviewerConflictFacts,
  UNDISCLOSED_CONFLICT,
} from './conflicts.ts'
import { addRelationship, declareConflict, removeRelationship } from './disclosure.service.ts'

const reviewer = (over: Partial<ReviewerConflictFacts> = {}): ReviewerConflictFacts => ({
  id: 'rev',
  relationships: [],
  declaredConflicts: [],
  ...over,
})

describe('findReviewerConflicts', () => {
  it.each<{
    case: string
    authorId?: string
    companiesMentioned: string[]
    reviewer: ReviewerConflictFacts
    expected: ReviewerConflict[]
  }>([
    { case: 'no facts at all', companiesMentioned: ['Novo Nordisk'], reviewer: reviewer(), expected: [] },
    {
      case: 'the reviewer is the author',
      authorId: 'rev',
      companiesMentioned: [],
      reviewer: reviewer(),
      expected: [{ kind: 'same-person', reason: 'the reviewer is the author of the item' }],
    },
    {
      case: 'a relationship with a named company',
      companiesMentioned: ['Novo Nordisk'],
      reviewer: reviewer({ relationships: [{ company: 'Novo Nordisk', nature: 'speaker' }] }),
      expected: [
        {
          kind: 'company-relationship',
          reason:
            'the reviewer has a financial relationship with Novo Nordisk (speaker fees), and the item names Novo Nordisk',
        },
      ],
    },
    {
      case: 'a subsidiary the alias table maps to the named parent',
      companiesMentioned: ['Johnson & Johnson'],
      reviewer: reviewer({ relationships: [{ company: 'Janssen Biotech', nature: 'consulting' }] }),
      expected: [
        {
          kind: 'company-relationship',
          reason:
            'the reviewer has a financial relationship with Janssen Biotech (consulting fees), and the item names Johnson & Johnson',
        },
      ],
    },
    {
      case: 'a legal suffix and case do not matter',
      companiesMentioned: ['Novo Nordisk'],
      reviewer: reviewer({ relationships: [{ company: 'NOVO NORDISK A/S', nature: 'ownership' }] }),
      expected: [
        {
          kind: 'company-relationship',
          reason:
            'the reviewer has a financial relationship with NOVO NORDISK A/S (stock or ownership), and the item names Novo Nordisk',
        },
      ],
    },
    {
      case: 'Merck KGaA is not Merck',
      companiesMentioned: ['Merck'],
      reviewer: reviewer({ relationships: [{ company: 'EMD Serono', nature: 'speaker' }] }),
      expected: [],
    },
    {
      case: 'a spin-off is its own company (Viatris is not Pfizer)',
      companiesMentioned: ['Pfizer'],
      reviewer: reviewer({ relationships: [{ company: 'Mylan', nature: 'consulting' }] }),
      expected: [],
    },
    {
      case: 'a relationship with a company the item does not name',
      companiesMentioned: ['Pfizer'],
      reviewer: reviewer({ relationships: [{ company: 'Roche', nature: 'speaker' }] }),
      expected: [],
    },
    {
      case: 'two relationships with one named company make one conflict',
      companiesMentioned: ['AstraZeneca', 'Alexion'],
      reviewer: reviewer({
        relationships: [
          { company: 'AstraZeneca', nature: 'speaker' },
          { company: 'AstraZeneca', nature: 'advisory_board' },
        ],
      }),
      expected: [
        {
          kind: 'company-relationship',
          reason:
            'the reviewer has a financial relationship with AstraZeneca (speaker fees, advisory board), and the item names AstraZeneca',
        },
      ],
    },
    {
      case: 'companies the table does not know match on their leading words',
      companiesMentioned: ['Acme Devices'],
      reviewer: reviewer({ relationships: [{ company: 'Acme Devices Ltd', nature: 'royalties' }] }),
      expected: [
        {
          kind: 'company-relationship',
          reason:
            'the reviewer has a financial relationship with Acme Devices Ltd (royalties), and the item names Acme Devices',
        },
      ],
    },
    {
      case: 'a declared conflict with the author',
      companiesMentioned: [],
      reviewer: reviewer({ declaredConflicts: [{ authorId: 'auth', reason: 'we share a household' }] }),
      expected: [
        {
          kind: 'declared',
          reason: 'the reviewer declared a conflict with this author: we share a household',
        },
      ],
    },
    {
      case: 'a declared conflict with another author does not apply',
      companiesMentioned: [],
      reviewer: reviewer({ declaredConflicts: [{ authorId: 'someone-else', reason: 'my trainee' }] }),
      expected: [],
    },
    {
      case: 'a declared conflict with a named company',
      companiesMentioned: ['Roche'],
      reviewer: reviewer({ declaredConflicts: [{ company: 'Genentech', reason: 'my partner works there' }] }),
      expected: [
        { kind: 'declared', reason: 'the reviewer declared a conflict with Roche: my partner works there' },
      ],
    },
    {
      case: 'a declared conflict with an author and a company needs both',
      companiesMentioned: ['Pfizer'],
      reviewer: reviewer({
        declaredConflicts: [{ authorId: 'auth', company: 'Roche', reason: 'joint grant' }],
      }),
      expected: [],
    },
    {
      case: 'a declared conflict naming nothing is ignored',
      companiesMentioned: ['Pfizer'],
      reviewer: reviewer({ declaredConflicts: [{ reason: 'vague' }] }),
      expected: [],
    },
    {
      case: 'every kind at once',
      authorId: 'rev',
      companiesMentioned: ['Eli Lilly'],
      reviewer: reviewer({
        relationships: [{ company: 'Lilly', nature: 'research_grant' }],
        declaredConflicts: [{ authorId: 'rev', reason: 'it is me' }],
      }),
      expected: [
        { kind: 'same-person', reason: 'the reviewer is the author of the item' },
        {
          kind: 'company-relationship',
          reason:
            'the reviewer has a financial relationship with Lilly (research funding), and the item names Eli Lilly',
        },
        { kind: 'declared', reason: 'the reviewer declared a conflict with this author: it is me' },
      ],
    },
  ])('$case', ({ authorId, companiesMentioned, reviewer, expected }) => {
    expect(findReviewerConflicts({ authorId: authorId ?? 'auth', companiesMentioned, reviewer })).toEqual(
      expected,
    )
  })
})

describe('declared conflicts with a category', () => {
  it.each([
    [
      'personal_relationship',
      'We are married',
      'the reviewer declared a conflict with this author (personal relationship): We are married',
    ],
    ['supervisor_trainee', '', 'the reviewer declared a conflict with this author (supervisor or trainee)'],
    [
      'financial',
      'We co-own a company',
      'the reviewer declared a conflict with this author (financial): We co-own a company',
    ],
    [
      'other',
      'We fell out publicly',
      'the reviewer declared a conflict with this author (other): We fell out publicly',
    ],
  ] as const)('%s reads as the category and the note', (category, reason, expected) => {
    const found = findReviewerConflicts({
      authorId: 'auth',
      companiesMentioned: [],
      reviewer: reviewer({ declaredConflicts: [{ authorId: 'auth', category, reason }] }),
    })
    expect(found).toEqual([{ kind: 'declared', reason: expected }])
  })

  it('the item\'s author sees a declared conflict only as "not available"; other reasons stay', () => {
    const conflicts: ReviewerConflict[] = [
      { kind: 'declared', reason: 'the reviewer declared a conflict with this author (financial): shares' },
      { kind: 'company-relationship', reason: 'the reviewer has a financial relationship with Pfizer' },
    ]
    expect(conflictReasonsFor(conflicts, { isAuthor: true })).toEqual([
      UNDISCLOSED_CONFLICT,
      'the reviewer has a financial relationship with Pfizer',
    ])
    expect(conflictReasonsFor(conflicts, { isAuthor: false })).toEqual(conflicts.map((c) => c.reason))
  })
})

describe.each(testDialects)('loadReviewerConflictFacts on %s', (dialect) => {
  const clock = manualClock(new Date('2026-06-01T09:00:00.000Z'))
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
  })
  afterAll(() => rounds?.close())

  it('loads relevant relationships and declared conflicts, and they feed findReviewerConflicts', async () => {
    const rev = await createTestUser(rounds)
    const author = await createTestUser(rounds)
    const actor = await loadActor(rounds.accounts, rev.id)
    await addRelationship(rounds.accounts, actor, {
      companyName: 'Janssen Biotech Inc',
      nature: 'consulting',
      natureDetail: null,
      startDate: '2025-01-01',
      endDate: null,
      amountBand: '10000_to_49999',
    })
    const old = await addRelationship(rounds.accounts, actor, {
      companyName: 'Pfizer',
      nature: 'speaker',
      natureDetail: null,
      startDate: '2024-01-01',
      endDate: '2024-07-01',
      amountBand: null,
    })
    const removed = await addRelationship(rounds.accounts, actor, {
      companyName: 'Roche',
      nature: 'speaker',
      natureDetail: null,
      startDate: '2025-01-01',
      endDate: null,
      amountBand: null,
    })
    await removeRelationship(rounds.accounts, actor, removed.relationship.id)
    await declareConflict(rounds.accounts, actor, { authorId: author.id, reason: 'I supervise their PhD' })

    const facts = await loadReviewerConflictFacts(rounds.database.db, rev.id, clock.now())
    expect(facts.relationships.map((r) => [r.company, r.nature]).sort()).toEqual([
      ['Janssen Biotech Inc', 'consulting'],
      ['Pfizer', 'speaker'],
    ])
    expect(facts.declaredConflicts).toEqual([{ authorId: author.id, reason: 'I supervise their PhD' }])
    expect(
      findReviewerConflicts({
        authorId: author.id,
        companiesMentioned: ['Johnson & Johnson', 'Roche'],
        reviewer: facts,
      }).map((c) => c.kind),
    ).toEqual(['company-relationship', 'declared'])

    // 25 months on, the Pfizer relationship (ended July 2024) has dropped out; the ongoing one has not.
    const later = new Date('2026-08-02T09:00:00.000Z')
    const after = await loadReviewerConflictFacts(rounds.database.db, rev.id, later)
    expect(after.relationships.map((r) => r.company)).toEqual(['Janssen Biotech Inc'])
    expect(old.relationship.company.parent).toBe('Pfizer')
  })
})
