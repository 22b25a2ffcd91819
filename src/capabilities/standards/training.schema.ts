import { z } from 'zod'

/**
 * The training module: lessons, a case-based question bank, attempts and their results.
 * Built-in lessons and questions come from files in `training-content/`; an organisation
 * may add its own. Both are versioned: every save is a new version, never an overwrite.
 */

export const trainingTopics = [
  'confidentiality',
  'professionalism',
  'voice',
  'commercial',
  'evidence',
  'local',
] as const
export const trainingTopicSchema = z.enum(trainingTopics).meta({
  id: 'TrainingTopic',
  description:
    "confidentiality; professionalism online; personal vs professional voice; commercial interests; evidence and corrections; local (an organisation's own policy)",
})
export type TrainingTopic = z.infer<typeof trainingTopicSchema>

/** Questions drawn per attempt, the pass mark, and how long a started attempt stays open. */
export const QUESTIONS_PER_ATTEMPT = 12
export const PASS_MARK_PERCENT = 80
export const ATTEMPT_TTL_HOURS = 24
/** Reminders go out this many days before a certificate expires. */
export const REMINDER_DAYS = 30

/** A piece of guidance a lesson or question cites. */
export const sourceSchema = z
  .object({
    title: z.string().trim().min(1).max(300),
    publisher: z.string().trim().min(1).max(200),
    year: z.number().int().min(1900).max(2100),
    url: z.url({ protocol: /^https?$/ }).max(500),
  })
  .meta({ id: 'TrainingSource' })
export type Source = z.infer<typeof sourceSchema>

export const contentStatusSchema = z.enum(['draft', 'published', 'withdrawn']).meta({
  id: 'TrainingContentStatus',
  description: 'draft: saved, not shown to learners; published: shown; withdrawn: removed from learners',
})
export type ContentStatus = z.infer<typeof contentStatusSchema>

/** Lesson and question ids: a built-in's name from its file (`rounds.…`) or a UUID. */
export const contentIdSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dots, hyphens and underscores')

export const lessonSummarySchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    builtIn: z.boolean(),
    topic: trainingTopicSchema,
    title: z.string(),
    summary: z.string(),
    position: z.number().int(),
    status: contentStatusSchema,
    updatedAt: z.string(),
  })
  .meta({ id: 'TrainingLessonSummary' })
export type LessonSummary = z.infer<typeof lessonSummarySchema>

export const lessonSchema = lessonSummarySchema
  .extend({ bodyMd: z.string(), sources: z.array(sourceSchema) })
  .meta({ id: 'TrainingLesson' })
export type Lesson = z.infer<typeof lessonSchema>

export const lessonInputSchema = z
  .object({
    topic: trainingTopicSchema,
    title: z.string().trim().min(3).max(200),
    summary: z.string().trim().max(500).default(''),
    bodyMd: z.string().trim().min(1).max(50_000),
    sources: z.array(sourceSchema).max(30).default([]),
    position: z.number().int().min(0).max(10_000).default(100),
    status: z.enum(['draft', 'published']).default('published'),
  })
  .meta({ id: 'TrainingLessonInput' })
export type LessonInput = z.infer<typeof lessonInputSchema>

export const questionKindSchema = z.enum(['single', 'multiple']).meta({
  id: 'TrainingQuestionKind',
  description: 'single: one right answer; multiple: choose every right answer (scored all-or-nothing)',
})
export type QuestionKind = z.infer<typeof questionKindSchema>

/** An option as stored: its answer and the feedback explaining the guidance. */
export const optionSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    correct: z.boolean(),
    feedback: z.string(),
    citation: z.string(),
  })
  .meta({ id: 'TrainingOption' })
export type Option = z.infer<typeof optionSchema>

/** A question with its answers: for admins managing the bank, never for learners before submission. */
export const questionSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    builtIn: z.boolean(),
    topic: trainingTopicSchema,
    kind: questionKindSchema,
    prompt: z.string(),
    options: z.array(optionSchema),
    sources: z.array(sourceSchema),
    status: contentStatusSchema,
    updatedAt: z.string(),
  })
  .meta({ id: 'TrainingQuestion' })
export type Question = z.infer<typeof questionSchema>

const optionInputSchema = z.object({
  text: z.string().trim().min(1).max(1_000),
  correct: z.boolean(),
  feedback: z.string().trim().min(1).max(2_000),
  citation: z.string().trim().max(300).default(''),
})

export const questionInputSchema = z
  .object({
    topic: trainingTopicSchema,
    kind: questionKindSchema,
    prompt: z.string().trim().min(10).max(5_000),
    options: z.array(optionInputSchema).min(2).max(8),
    sources: z.array(sourceSchema).max(20).default([]),
    status: z.enum(['draft', 'published']).default('published'),
  })
  .superRefine((q, ctx) => {
    const right = q.options.filter((o) => o.correct).length
    if (q.kind === 'single' && right !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'a single-answer question needs exactly one correct option',
      })
    if (q.kind === 'multiple' && right < 1)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'mark at least one option correct' })
  })
  .meta({ id: 'TrainingQuestionInput' })
export type QuestionInput = z.infer<typeof questionInputSchema>

/** What a learner sees of a question before submitting: no answers, no feedback. */
export const attemptQuestionSchema = z
  .object({
    id: z.string(),
    topic: trainingTopicSchema,
    kind: questionKindSchema,
    prompt: z.string(),
    options: z.array(z.object({ id: z.string(), text: z.string() })),
  })
  .meta({ id: 'TrainingAttemptQuestion' })
export type AttemptQuestion = z.infer<typeof attemptQuestionSchema>

export const answerSchema = z.object({
  questionId: z.string().min(1).max(100),
  optionIds: z.array(z.string().min(1).max(20)).max(8),
})
export type Answer = z.infer<typeof answerSchema>

export const submissionSchema = z
  .object({ answers: z.array(answerSchema).max(50) })
  .meta({ id: 'TrainingSubmission' })
export type Submission = z.infer<typeof submissionSchema>

export const questionFeedbackSchema = z
  .object({
    questionId: z.string(),
    topic: trainingTopicSchema,
    kind: questionKindSchema,
    prompt: z.string(),
    correct: z.boolean(),
    selectedOptionIds: z.array(z.string()),
    correctOptionIds: z.array(z.string()),
    options: z.array(optionSchema.extend({ selected: z.boolean() })),
    sources: z.array(sourceSchema),
  })
  .meta({ id: 'TrainingQuestionFeedback' })
export type QuestionFeedback = z.infer<typeof questionFeedbackSchema>

/** valid: issued and not yet expired; expired: past its expiry; revoked: withdrawn by the organisation. */
export const certificateStatusSchema = z
  .enum(['valid', 'expired', 'revoked'])
  .meta({ id: 'TrainingCertificateStatus' })
export type CertificateStatus = z.infer<typeof certificateStatusSchema>

export const certificateSchema = z
  .object({
    id: z.string(),
    organisation: z.object({ slug: z.string(), name: z.string() }),
    holder: z.object({ id: z.string(), name: z.string() }),
    issuedAt: z.string(),
    expiresAt: z.string(),
    validityMonths: z.number().int(),
    status: certificateStatusSchema,
    verificationUrl: z.string(),
  })
  .meta({ id: 'TrainingCertificate' })
export type Certificate = z.infer<typeof certificateSchema>

export const attemptSchema = z
  .object({
    id: z.string(),
    organisation: z.object({ slug: z.string(), name: z.string() }),
    status: z.enum(['draft', 'submitted', 'expired']),
    startedAt: z.string(),
    expiresAt: z.string(),
    passMarkPercent: z.number().int(),
    questions: z.array(attemptQuestionSchema),
  })
  .meta({ id: 'TrainingAttempt' })
export type Attempt = z.infer<typeof attemptSchema>

export const attemptResultSchema = z
  .object({
    attemptId: z.string(),
    submittedAt: z.string(),
    score: z.number().int(),
    total: z.number().int(),
    percent: z.number().int(),
    passMarkPercent: z.number().int(),
    passed: z.boolean(),
    feedback: z.array(questionFeedbackSchema),
    certificate: certificateSchema.nullable(),
  })
  .meta({ id: 'TrainingAttemptResult' })
export type AttemptResult = z.infer<typeof attemptResultSchema>

/** An attempt as its owner reads it later: the questions, and the result once submitted. */
export const attemptStateSchema = attemptSchema
  .extend({ result: attemptResultSchema.nullable() })
  .meta({ id: 'TrainingAttemptState' })
export type AttemptState = z.infer<typeof attemptStateSchema>

export const trainingStatusSchema = z
  .object({
    certificate: certificateSchema.nullable(),
    validityMonths: z.number().int(),
    passMarkPercent: z.number().int(),
    questionsPerAttempt: z.number().int(),
    lessons: z.number().int(),
    questionsInBank: z.number().int(),
  })
  .meta({ id: 'TrainingStatus' })
export type TrainingStatus = z.infer<typeof trainingStatusSchema>

/** What anyone holding a certificate's link may learn about it. */
export const certificateVerificationSchema = z
  .object({
    id: z.string(),
    status: certificateStatusSchema,
    revokedAt: z.string().nullable(),
    revocationReason: z.string().nullable(),
    holderName: z.string(),
    organisation: z.object({ slug: z.string(), name: z.string() }),
    achievement: z.string(),
    issuedAt: z.string(),
    expiresAt: z.string(),
  })
  .meta({ id: 'TrainingCertificateVerification' })
export type CertificateVerification = z.infer<typeof certificateVerificationSchema>

export const organisationCertificateSchema = z
  .object({
    id: z.string(),
    holder: z.object({ id: z.string(), name: z.string(), email: z.string() }),
    issuedAt: z.string(),
    expiresAt: z.string(),
    status: certificateStatusSchema,
  })
  .meta({ id: 'TrainingOrganisationCertificate' })
export type OrganisationCertificate = z.infer<typeof organisationCertificateSchema>

/**
 * An Open Badges 3.0 OpenBadgeCredential (W3C Verifiable Credentials data model 2.0), as
 * documented by 1EdTech; Rounds issues it unsigned (no `proof`).
 */
export const openBadgeCredentialSchema = z
  .looseObject({
    '@context': z.array(z.string()),
    id: z.string(),
    type: z.array(z.string()),
    name: z.string(),
    issuer: z.looseObject({ id: z.string(), type: z.array(z.string()), name: z.string() }),
    validFrom: z.string(),
    validUntil: z.string(),
    credentialSubject: z.looseObject({
      type: z.array(z.string()),
      identifier: z.array(z.looseObject({ type: z.string(), identityType: z.string(), hashed: z.boolean() })),
      achievement: z.looseObject({
        id: z.string(),
        type: z.array(z.string()),
        name: z.string(),
        description: z.string(),
        criteria: z.object({ narrative: z.string() }),
      }),
    }),
  })
  .meta({ id: 'OpenBadgeCredential' })
