import { describe, expect, it } from 'vitest'
import type { Report } from '#src/capabilities/screening/screening.schema.ts'
import type { Review } from './review.schema.ts'
import { rmetriqItems } from './review.schema.ts'
import { aggregateReviews, companiesInReport, missingFromReview } from './review.service.ts'

const review = (over: Partial<Review>): Review => ({
  assignmentId: 'a',
  reviewer: { id: 'r', name: 'R' },
  status: 'submitted',
  dueAt: '',
  assignedAt: '',
  declineReason: null,
  noConflict: true,
  rmetriq: {},
  rmetriqTotal: 14,
  accuracy: 5,
  utility: 4,
  comments: [],
  recommendation: 'accept',
  submittedAt: '',
  ...over,
})

describe('aggregateReviews', () => {
  it('averages submitted reviews only and counts recommendations', () => {
    const a = aggregateReviews([
      review({ rmetriqTotal: 14, accuracy: 5, utility: 4, recommendation: 'accept' }),
      review({ rmetriqTotal: 17, accuracy: 6, utility: 7, recommendation: 'major_revision' }),
      review({ status: 'assigned', rmetriqTotal: 0, accuracy: 1, utility: 1, recommendation: 'reject' }),
    ])
    expect(a).toEqual({
      submitted: 2,
      rmetriqMean: 15.5,
      rmetriqMax: 21,
      accuracyMean: 5.5,
      utilityMean: 5.5,
      recommendations: { accept: 1, minor_revision: 0, major_revision: 1, reject: 0 },
    })
  })
  it('has no means without submitted reviews', () => {
    expect(aggregateReviews([])).toMatchObject({ submitted: 0, rmetriqMean: null, accuracyMean: null })
  })
})

describe('missingFromReview', () => {
  const all = Object.fromEntries(rmetriqItems.map((i) => [i.key, 0]))
  it.each([
    [
      {
        noConflict: true,
        scores: { rmetriq: all, accuracy: 1, utility: 7 },
        recommendation: 'reject' as const,
      },
      [],
    ],
    [
      { noConflict: false, scores: { rmetriq: { ...all, dates: undefined } }, recommendation: null },
      ['noConflict', 'rmetriq.dates', 'accuracy', 'utility', 'recommendation'],
    ],
  ])('%#', (input, missing) => {
    expect(missingFromReview(input as Parameters<typeof missingFromReview>[0])).toEqual(missing)
  })
})

describe('companiesInReport', () => {
  const finding = (pack: string, text: string) => ({ pack, text }) as Report['findings'][number]
  it('maps commercial findings to parent companies and ignores other packs', () => {
    const report = {
      findings: [finding('commercial', 'Janssen'), finding('confidentiality', 'Pfizer')],
    } as Report
    expect(companiesInReport(report)).toEqual(['Johnson & Johnson'])
    expect(companiesInReport(null)).toEqual([])
  })
})
