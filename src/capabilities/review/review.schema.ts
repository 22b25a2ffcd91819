import { z } from 'zod'

/**
 * The review rubric: the seven items of the revised METRIQ score (rMETRIQ), each scored 0–3,
 * plus accuracy and educational utility on 1–7. Item names and anchors are paraphrased in our
 * own words from: Colmers-Gray IN, Krishnan K, Chan TM, et al. "The Revised METRIQ Score: A
 * Quality Evaluation Tool for Online Educational Resources." AEM Educ Train 2019;3(4):387–392.
 */
export const rmetriqItems = [
  {
    key: 'contentQuality',
    name: 'Quality of the content',
    anchors: [
      'Poor: shallow, confusing or of no educational worth',
      'Fair: some useful content but thin or poorly explained',
      'Good: clear and useful content for the intended audience',
      'Excellent: thorough, clear and of high educational value',
    ],
  },
  {
    key: 'clearCredentials',
    name: "The author's credentials are shown",
    anchors: [
      'No author or credentials given',
      'Author named but credentials unclear',
      'Author and relevant credentials given',
      'Author, credentials and relevant expertise clearly given',
    ],
  },
  {
    key: 'bias',
    name: 'Bias and conflicts of interest are addressed',
    anchors: [
      'Clearly biased, or interests hidden',
      'Some bias, not acknowledged',
      'Minor bias, or interests acknowledged',
      'Balanced, with interests disclosed and managed',
    ],
  },
  {
    key: 'references',
    name: 'The content is referenced',
    anchors: [
      'No references where they are needed',
      'Few or weak references',
      'Key claims referenced',
      'Claims consistently supported by appropriate, current references',
    ],
  },
  {
    key: 'dates',
    name: 'Dates of creation and updates are shown',
    anchors: [
      'No dates',
      'Some date information, incomplete',
      'Creation date shown',
      'Creation and update dates shown and current',
    ],
  },
  {
    key: 'attribution',
    name: 'Others’ work is acknowledged and material is used with permission',
    anchors: [
      'Borrowed material not attributed',
      'Attribution partial',
      'Attribution mostly complete',
      'Everything borrowed is attributed and permitted',
    ],
  },
  {
    key: 'prePublicationReview',
    name: 'The content has been reviewed before publication',
    anchors: [
      'No review process apparent',
      'Informal or unclear review',
      'Reviewed by a peer',
      'A structured, documented peer review',
    ],
  },
] as const

export type RmetriqKey = (typeof rmetriqItems)[number]['key']
export const RMETRIQ_MAX = rmetriqItems.length * 3

const rmetriqScore = z.number().int().min(0).max(3)
const sevenPoint = z.number().int().min(1).max(7)

export const rmetriqScoresSchema = z
  .object({
    contentQuality: rmetriqScore,
    clearCredentials: rmetriqScore,
    bias: rmetriqScore,
    references: rmetriqScore,
    dates: rmetriqScore,
    attribution: rmetriqScore,
    prePublicationReview: rmetriqScore,
  })
  .strict()
export type RmetriqScores = z.infer<typeof rmetriqScoresSchema>

export const recommendationSchema = z.enum(['accept', 'minor_revision', 'major_revision', 'reject'])
export type Recommendation = z.infer<typeof recommendationSchema>

export const spanFieldSchema = z.enum(['title', 'body', 'captions', 'hashtags'])

/** A comment on a span of one text field (UTF-16 offsets, end exclusive, as screening uses). */
export const spanCommentSchema = z
  .object({
    field: spanFieldSchema,
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    quote: z.string().max(2000),
    comment: z.string().trim().min(1).max(4000),
  })
  .refine((c) => c.end >= c.start, { message: 'end must not be before start', path: ['end'] })
export type SpanComment = z.infer<typeof spanCommentSchema>

/** What a reviewer saves; every part may be filled in over several saves until submission. */
export const reviewDraftSchema = z
  .object({
    noConflict: z.boolean().optional(),
    rmetriq: rmetriqScoresSchema.partial().optional(),
    accuracy: sevenPoint.optional(),
    utility: sevenPoint.optional(),
    comments: z.array(spanCommentSchema).max(200).optional(),
    recommendation: recommendationSchema.optional(),
  })
  .strict()
  .meta({ id: 'ReviewDraft' })
export type ReviewDraft = z.infer<typeof reviewDraftSchema>

export type StoredScores = { rmetriq: Partial<RmetriqScores>; accuracy?: number; utility?: number }

export const assignmentStatusSchema = z.enum(['assigned', 'declined', 'submitted'])
export type AssignmentStatus = z.infer<typeof assignmentStatusSchema>

/** A person as the viewer may see them: in anonymous mode `id` is null and `name` a label. */
export const partySchema = z.object({ id: z.string().nullable(), name: z.string() })
export type Party = z.infer<typeof partySchema>

export const reviewSchema = z
  .object({
    assignmentId: z.string(),
    reviewer: partySchema,
    status: assignmentStatusSchema,
    dueAt: z.string(),
    assignedAt: z.string(),
    declineReason: z.string().nullable(),
    noConflict: z.boolean(),
    rmetriq: rmetriqScoresSchema.partial(),
    rmetriqTotal: z.number().int().nullable(),
    accuracy: z.number().int().nullable(),
    utility: z.number().int().nullable(),
    comments: z.array(spanCommentSchema),
    recommendation: recommendationSchema.nullable(),
    submittedAt: z.string().nullable(),
  })
  .meta({ id: 'Review' })
export type Review = z.infer<typeof reviewSchema>

export const decisionSchema = z.enum(['accept', 'revise', 'reject'])
export type Decision = z.infer<typeof decisionSchema>

export const aggregateSchema = z.object({
  submitted: z.number().int(),
  rmetriqMean: z.number().nullable(),
  rmetriqMax: z.number().int(),
  accuracyMean: z.number().nullable(),
  utilityMean: z.number().nullable(),
  recommendations: z.record(recommendationSchema, z.number().int()),
})
export type Aggregate = z.infer<typeof aggregateSchema>

export const roundSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    anonymous: z.boolean(),
    author: partySchema,
    reviewersRequired: z.number().int(),
    reviews: z.array(reviewSchema),
    aggregate: aggregateSchema.nullable(),
    decision: decisionSchema.nullable(),
    decisionMessage: z.string().nullable(),
    decidedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ReviewRound' })
export type Round = z.infer<typeof roundSchema>

export const candidateSchema = z.object({
  id: z.string(),
  name: z.string(),
  eligible: z.boolean(),
  reasons: z.array(z.string()),
})
export const candidatesSchema = z
  .object({
    reviewersRequired: z.number().int(),
    /** Active reviewers already in the open round (a replacement fills the difference). */
    assigned: z.number().int(),
    companiesMentioned: z.array(z.string()),
    eligible: z.array(candidateSchema),
    excluded: z.array(candidateSchema),
  })
  .meta({ id: 'ReviewerCandidates' })
export type Candidates = z.infer<typeof candidatesSchema>

export const assignRequestSchema = z
  .object({
    reviewerIds: z.array(z.string().min(1).max(64)).min(1).max(10),
    dueAt: z.iso.datetime({ offset: true }).optional(),
    anonymous: z.boolean().optional(),
  })
  .strict()
export type AssignRequest = z.infer<typeof assignRequestSchema>

export const declineRequestSchema = z.object({ reason: z.string().trim().min(1).max(2000) }).strict()

export const decisionRequestSchema = z
  .object({ decision: decisionSchema, message: z.string().trim().min(1).max(10000) })
  .strict()

export const reviewVersionSchema = z
  .object({
    itemId: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    kind: z.string(),
    anonymous: z.boolean(),
    author: partySchema,
    fields: z.record(z.string(), z.unknown()),
    /** Blocking findings an editor overrode on this version, with the written reason. */
    overrides: z.array(
      z.object({
        ruleId: z.string(),
        field: z.string(),
        start: z.number().int(),
        end: z.number().int(),
        text: z.string(),
        reason: z.string(),
      }),
    ),
    assignment: reviewSchema,
    /** After a resubmission: this reviewer's own review of the version they read before. */
    previous: z
      .object({
        version: z.number().int(),
        contentHash: z.string(),
        decision: decisionSchema.nullable(),
        recommendation: recommendationSchema.nullable(),
        comments: z.array(spanCommentSchema),
      })
      .nullable(),
  })
  .meta({ id: 'ReviewVersion' })
export type ReviewVersion = z.infer<typeof reviewVersionSchema>

export const approvalSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    contentHash: z.string(),
    approvedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
    approvedAt: z.string(),
    expiresAt: z.string(),
    status: z.enum(['active', 'void', 'expired']),
    endedAt: z.string().nullable(),
  })
  .meta({ id: 'Approval' })
export type Approval = z.infer<typeof approvalSchema>
