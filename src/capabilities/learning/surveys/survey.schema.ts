import { z } from 'zod'

/**
 * Survey instruments: questionnaires an organisation writes to ask learners what they made of
 * an item (usefulness, satisfaction, intention to change practice). Shared by the API, the web
 * builder and the learner's form.
 */

const idSchema = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'use 1–40 letters, digits, "-" or "_"')
const textSchema = (max: number, what: string) =>
  z.string().trim().min(1, `${what} must not be empty`).max(max, `${what} is at most ${max} characters`)

export const LIKERT_POINTS = [5, 7] as const
/** Characters a learner may type in a free-text answer, at most (the builder's cap). */
export const MAX_FREE_TEXT = 2000
/** Characters of an "Other" answer to a multiple-choice question. */
export const MAX_OTHER_TEXT = 200

export const likertQuestionSchema = z
  .object({
    id: idSchema,
    kind: z.literal('likert'),
    stem: textSchema(500, 'the statement'),
    points: z.union([z.literal(5), z.literal(7)], { error: 'a scale has 5 or 7 points' }),
    /** One label per point, from the lowest (1) to the highest. */
    anchors: z.array(textSchema(60, 'an anchor label')),
  })
  .refine((q) => q.anchors.length === q.points, {
    message: 'give one anchor label per point of the scale',
    path: ['anchors'],
  })

export const choiceQuestionSchema = z
  .object({
    id: idSchema,
    kind: z.literal('choice'),
    stem: textSchema(500, 'the question'),
    /** Whether the learner may choose several options. */
    multiple: z.boolean().default(false),
    options: z
      .array(z.object({ id: idSchema, text: textSchema(200, 'an option') }))
      .min(2, 'give at least 2 options')
      .max(12, 'give at most 12 options'),
    /** Offers "Other" with a short free-text answer. */
    allowOther: z.boolean().default(false),
  })
  .refine((q) => new Set(q.options.map((o) => o.id)).size === q.options.length, {
    message: 'two options have the same id',
    path: ['options'],
  })

export const textQuestionSchema = z.object({
  id: idSchema,
  kind: z.literal('text'),
  stem: textSchema(500, 'the question'),
  maxLength: z
    .number()
    .int()
    .min(1)
    .max(MAX_FREE_TEXT, `a free-text answer is at most ${MAX_FREE_TEXT} characters`),
})

export const surveyQuestionSchema = z.discriminatedUnion('kind', [
  likertQuestionSchema,
  choiceQuestionSchema,
  textQuestionSchema,
])
export type SurveyQuestion = z.infer<typeof surveyQuestionSchema>
export type SurveyQuestionKind = SurveyQuestion['kind']

export const surveyContentSchema = z
  .object({
    title: textSchema(200, 'the title'),
    introduction: z.string().trim().max(2000, 'the introduction is at most 2000 characters').default(''),
    questions: z
      .array(surveyQuestionSchema)
      .min(1, 'add at least one question')
      .max(30, 'at most 30 questions'),
  })
  .refine((s) => new Set(s.questions.map((q) => q.id)).size === s.questions.length, {
    message: 'two questions have the same id',
    path: ['questions'],
  })
  .meta({ id: 'SurveyContent' })
export type SurveyContent = z.infer<typeof surveyContentSchema>
export type SurveyContentInput = z.input<typeof surveyContentSchema>

export const surveyStatuses = ['active', 'archived'] as const
export const surveyTimings = ['after_post_quiz', 'after_content', 'with_delayed_quiz'] as const
export const surveyTimingSchema = z.enum(surveyTimings)
export type SurveyTiming = z.infer<typeof surveyTimingSchema>

/** What an attachment shows the survey with, and when: shared by the survey and its results. */
const attachmentTargetShape = {
  id: z.string(),
  itemId: z.string().nullable(),
  seriesId: z.string().nullable(),
  /** The item's or series' title, for lists. */
  targetTitle: z.string(),
  timing: surveyTimingSchema,
}

export const surveyAttachmentSchema = z
  .object({
    ...attachmentTargetShape,
    responses: z.number().int(),
    createdAt: z.string(),
  })
  .meta({ id: 'SurveyAttachment' })
export type SurveyAttachment = z.infer<typeof surveyAttachmentSchema>

export const attachSurveySchema = z
  .object({
    itemId: z.string().min(1).max(64).optional(),
    seriesId: z.string().min(1).max(64).optional(),
    timing: surveyTimingSchema,
  })
  .refine((a) => (a.itemId ? 1 : 0) + (a.seriesId ? 1 : 0) === 1, {
    message: 'attach to an item or to a series (one of them)',
    path: ['itemId'],
  })
  .meta({ id: 'AttachSurvey' })
export type AttachSurveyInput = z.infer<typeof attachSurveySchema>

export const surveySummaryRowSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    status: z.enum(surveyStatuses),
    version: z.number().int(),
    questions: z.number().int(),
    responses: z.number().int(),
    attachments: z.number().int(),
    updatedAt: z.string(),
  })
  .meta({ id: 'SurveyListEntry' })

export const surveyListSchema = z
  .object({ surveys: z.array(surveySummaryRowSchema) })
  .meta({ id: 'SurveyList' })
export type SurveyList = z.infer<typeof surveyListSchema>

export const surveyDetailSchema = z
  .object({
    id: z.string(),
    status: z.enum(surveyStatuses),
    version: z.number().int(),
    title: z.string(),
    introduction: z.string(),
    questions: z.array(surveyQuestionSchema),
    /** Every version with its number of responses (the current one last). */
    versions: z.array(
      z.object({ version: z.number().int(), responses: z.number().int(), createdAt: z.string() }),
    ),
    attachments: z.array(surveyAttachmentSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Survey' })
export type SurveyDetail = z.infer<typeof surveyDetailSchema>

export const surveyTemplateSchema = z
  .object({ key: z.string(), name: z.string(), description: z.string(), content: surveyContentSchema })
  .meta({ id: 'SurveyTemplate' })
export const surveyTemplatesSchema = z
  .object({ templates: z.array(surveyTemplateSchema) })
  .meta({ id: 'SurveyTemplates' })
export type SurveyTemplate = z.infer<typeof surveyTemplateSchema>

const countSchema = z.object({ id: z.string(), label: z.string(), n: z.number().int() })

export const questionSummarySchema = z
  .object({
    questionId: z.string(),
    kind: z.enum(['likert', 'choice', 'text']),
    stem: z.string(),
    /** Responses that answered this question. */
    n: z.number().int(),
    /** Likert: one count per point (id "1".."7"); choice: one per option, then "other". */
    counts: z.array(countSchema),
    mean: z.number().nullable(),
    median: z.number().nullable(),
    /** Free text: the latest answers (screened), at most 20. */
    texts: z.array(z.string()),
  })
  .meta({ id: 'SurveyQuestionSummary' })
export type QuestionSummary = z.infer<typeof questionSummarySchema>

/**
 * Fewer responses than this through one attachment are too few to read: a bar or a mean over
 * three learners says more about those learners than about the item.
 */
export const MIN_READABLE_RESPONSES = 5

/** Attachment ids are UUIDs (the ids port); anything else is refused before a lookup. */
export const attachmentIdSchema = z
  .string()
  .regex(
    /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/,
    'must be an attachment id',
  )

export const surveyResultsQuerySchema = z.object({
  version: z.coerce.number().int().min(1).optional(),
  /** Only the responses given through this attachment of the survey. */
  attachment: attachmentIdSchema.optional(),
})
export type SurveyResultsQuery = z.infer<typeof surveyResultsQuerySchema>

export const surveyResultsAttachmentSchema = z
  .object({
    ...attachmentTargetShape,
    /** Learners are still shown it: false once the survey is archived. */
    active: z.boolean(),
    /** Responses through this attachment to the version summarised. */
    responses: z.number().int(),
  })
  .meta({ id: 'SurveyResultsAttachment' })
export type SurveyResultsAttachment = z.infer<typeof surveyResultsAttachmentSchema>

export const surveyResultsSchema = z
  .object({
    surveyId: z.string(),
    version: z.number().int(),
    title: z.string(),
    /** The attachment summarised, or null for the responses through all of them. */
    attachment: z.string().nullable(),
    /** Responses to the version summarised (through that attachment, if one is chosen). */
    n: z.number().int(),
    versions: z.array(z.number().int()),
    /** Every attachment of the survey, with its responses to this version. */
    attachments: z.array(surveyResultsAttachmentSchema),
    questions: z.array(questionSummarySchema),
  })
  .meta({ id: 'SurveyResults' })
export type SurveyResults = z.infer<typeof surveyResultsSchema>

/** A stored answer: Likert point, chosen option ids (and "Other" text), or free text. */
export const surveyAnswerSchema = z.union([
  z.object({ kind: z.literal('likert'), value: z.number().int() }),
  z.object({ kind: z.literal('choice'), chosen: z.array(z.string()), other: z.string().nullable() }),
  z.object({ kind: z.literal('text'), text: z.string() }),
])
export type SurveyAnswer = z.infer<typeof surveyAnswerSchema>
export type SurveyAnswers = Record<string, SurveyAnswer>

export const timingLabels: Record<SurveyTiming, string> = {
  after_post_quiz: 'After the post quiz',
  after_content: 'After the content',
  with_delayed_quiz: 'With the delayed quiz',
}
