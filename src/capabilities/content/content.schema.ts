import { z } from 'zod'
import { quizSchema } from '#src/capabilities/learning/quizzes/quiz.schema.ts'
import {
  channelIdSchema,
  fieldNameSchema,
  findingSchema,
  reportSchema,
} from '#src/capabilities/screening/screening.schema.ts'

/**
 * Content items, versions and the workflow: shapes shared by the API, the CLI and the web UI.
 * Nothing here imports Node modules.
 */

export const itemKinds = ['post', 'thread', 'video', 'image', 'carousel'] as const
export const itemKindSchema = z.enum(itemKinds)
export type ItemKind = z.infer<typeof itemKindSchema>

/** The workflow states (see content.state.ts for the transitions). */
export const itemStates = [
  'draft',
  'submitted',
  'in_review',
  'changes_requested',
  'approved',
  'scheduled',
  'published',
  'corrected',
  'withdrawn',
  'expired',
  'rejected',
] as const
export const itemStateSchema = z.enum(itemStates)
export type ItemState = z.infer<typeof itemStateSchema>

/** Clinical specialties: the first half of the topic taxonomy. */
export const clinicalTopics = [
  'acute-medicine',
  'anaesthetics',
  'cardiology',
  'critical-care',
  'dermatology',
  'emergency-medicine',
  'endocrinology',
  'gastroenterology',
  'general-practice',
  'general-surgery',
  'geriatrics',
  'haematology',
  'infectious-diseases',
  'nephrology',
  'neurology',
  'obstetrics-gynaecology',
  'oncology',
  'ophthalmology',
  'orthopaedics',
  'paediatrics',
  'palliative-care',
  'pathology',
  'pharmacology',
  'psychiatry',
  'public-health',
  'radiology',
  'respiratory',
  'rheumatology',
  'urology',
] as const
/** Non-clinical themes the curriculum often skips (Wilkinson & Ashcroft 2019). */
export const nonClinicalTopics = [
  'leadership',
  'teamwork',
  'innovation',
  'professionalism',
  'wellbeing',
  'careers',
] as const
export const topics = [...clinicalTopics, ...nonClinicalTopics] as const
export const topicSchema = z.enum(topics)
export type Topic = z.infer<typeof topicSchema>

export const audiences = ['students', 'trainees', 'qualified-professionals', 'public'] as const
export const audienceSchema = z.enum(audiences)

export const voiceSchema = z.enum(['professional', 'personal'])

const shortText = (max: number) => z.string().trim().max(max)

/** A reference cited in the text with a marker such as [1]. */
export const itemReferenceSchema = z.object({
  marker: z.string().trim().min(1).max(20),
  /** A DOI, PMID or URL as the author wrote it. */
  value: z.string().trim().min(1).max(2000),
  title: shortText(1000).optional(),
})

/** A slot for an upload (the media capability fills it); only the id and what is published about it. */
export const mediaSlotSchema = z.object({
  id: z.string().trim().min(1).max(64),
  kind: z.enum(['image', 'video']),
  altText: shortText(5000).optional(),
})

/** A patient's consent to the use of their case or image. Never published; its id is part of the hash. */
export const consentRecordSchema = z.object({
  /** Assigned by the server when absent. */
  id: z.string().trim().min(1).max(64).optional(),
  /** Who gave consent: the patient, or their representative and relationship. */
  consentedBy: shortText(200).min(2),
  scope: shortText(1000).min(2),
  /** YYYY-MM-DD */
  date: z.iso.date(),
  /** Slot for the signed form (media capability). */
  fileId: z.string().trim().min(1).max(64).nullable().default(null),
})

/** Every field of an item that an author writes, without defaults (for partial updates). */
const fieldShape = {
  title: shortText(300),
  body: z.string().max(100_000),
  /** Thread parts, in order (kind thread). */
  parts: z.array(z.string().max(10_000)).max(50),
  /** Captions or transcript: SRT, VTT or plain text. */
  captions: z.string().max(200_000),
  hashtags: z.array(shortText(100).min(1)).max(30),
  media: z.array(mediaSlotSchema).max(20),
  learningObjectives: z.array(shortText(500).min(1)).max(20),
  topics: z.array(topicSchema).max(10),
  audience: z.array(audienceSchema).max(4),
  voice: voiceSchema,
  references: z.array(itemReferenceSchema).max(100),
  consents: z.array(consentRecordSchema).max(20),
  channels: z.array(channelIdSchema).max(10),
  /** Questions for learners (pre, post and delayed quizzes); null or absent when there is none. */
  quiz: quizSchema.nullable(),
}

/** Every field of an item. All of it is published, except consent details. */
export const itemFieldsSchema = z.object({
  title: fieldShape.title.default(''),
  body: fieldShape.body.default(''),
  parts: fieldShape.parts.default([]),
  captions: fieldShape.captions.default(''),
  hashtags: fieldShape.hashtags.default([]),
  media: fieldShape.media.default([]),
  learningObjectives: fieldShape.learningObjectives.default([]),
  topics: fieldShape.topics.default([]),
  audience: fieldShape.audience.default([]),
  voice: fieldShape.voice.default('professional'),
  references: fieldShape.references.default([]),
  consents: fieldShape.consents.default([]),
  channels: fieldShape.channels.default([]),
  quiz: fieldShape.quiz.optional(),
})
export type ItemFieldsInput = z.input<typeof itemFieldsSchema>
export type ItemFields = z.output<typeof itemFieldsSchema> & {
  consents: Array<z.output<typeof consentRecordSchema> & { id: string }>
}

export const itemCreateSchema = itemFieldsSchema
  .extend({
    kind: itemKindSchema,
    seriesId: z.string().min(1).max(64).nullable().default(null),
  })
  .meta({ id: 'ItemCreate' })
export type ItemCreate = z.input<typeof itemCreateSchema>

/** A partial update: fields left out keep their value. */
export const itemUpdateSchema = z
  .object(fieldShape)
  .partial()
  .extend({ seriesId: z.string().min(1).max(64).nullable().optional() })
  .meta({ id: 'ItemUpdate' })
export type ItemUpdate = z.input<typeof itemUpdateSchema>

const personSchema = z.object({ id: z.string(), name: z.string() })

export const versionSummarySchema = z
  .object({
    number: z.number().int(),
    contentHash: z.string(),
    createdAt: z.string(),
    createdBy: personSchema.nullable(),
  })
  .meta({ id: 'ItemVersionSummary' })
export type VersionSummary = z.infer<typeof versionSummarySchema>

export const overrideSchema = z
  .object({
    id: z.string(),
    version: z.number().int(),
    ruleId: z.string(),
    field: fieldNameSchema,
    start: z.number().int(),
    end: z.number().int(),
    text: z.string(),
    reason: z.string(),
    createdBy: personSchema.nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'FindingOverride' })
export type Override = z.infer<typeof overrideSchema>

export const screeningRecordSchema = z
  .object({
    screenedAt: z.string(),
    report: reportSchema,
    /** Blocking findings no editor has overridden on this version. */
    unresolved: z.array(findingSchema),
  })
  .meta({ id: 'ItemScreening' })
export type ScreeningRecord = z.infer<typeof screeningRecordSchema>

export const versionSchema = versionSummarySchema
  .extend({
    kind: itemKindSchema,
    fields: itemFieldsSchema,
    screening: screeningRecordSchema.nullable(),
    overrides: z.array(overrideSchema),
  })
  .meta({ id: 'ItemVersion' })
export type Version = z.infer<typeof versionSchema>

export const itemSchema = z
  .object({
    id: z.string(),
    organisation: z.object({ id: z.string(), slug: z.string() }),
    kind: itemKindSchema,
    state: itemStateSchema,
    seriesId: z.string().nullable(),
    author: personSchema,
    fields: itemFieldsSchema,
    /** Hash of the working copy; equals latestVersion.contentHash when nothing changed since. */
    contentHash: z.string(),
    latestVersion: versionSummarySchema.nullable(),
    /** Editors' overrides on the latest version. */
    overrides: z.array(overrideSchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Item' })
export type Item = z.infer<typeof itemSchema>

export const itemListEntrySchema = itemSchema
  .pick({ id: true, kind: true, state: true, seriesId: true, author: true, createdAt: true, updatedAt: true })
  .extend({
    title: z.string(),
    /**
     * Blocking findings no override resolves on the latest version, when screening stopped it
     * at submission and the item is still a draft or has changes requested; 0 otherwise.
     */
    blocking: z.number().int(),
  })
  .meta({ id: 'ItemListEntry' })
export type ItemListEntry = z.infer<typeof itemListEntrySchema>

export const seriesCreateSchema = z
  .object({ title: shortText(200).min(2), description: shortText(2000).default('') })
  .meta({ id: 'SeriesCreate' })
export const seriesSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    createdAt: z.string(),
    createdBy: personSchema.nullable(),
  })
  .meta({ id: 'Series' })
export type Series = z.infer<typeof seriesSchema>

/** An editor's override of one blocking finding on one version (ruleId + field + span + text). */
export const overrideCreateSchema = z
  .object({
    ruleId: z.string().min(1).max(200),
    field: fieldNameSchema,
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    text: z.string().max(10_000),
    reason: z.string().trim().min(10, 'give a reason of at least 10 characters').max(2000),
  })
  .meta({ id: 'OverrideCreate' })
export type OverrideCreate = z.infer<typeof overrideCreateSchema>

export const transitionRequestSchema = z
  .object({ reason: z.string().trim().max(2000).default('') })
  .meta({ id: 'TransitionRequest' })

export const diffLineSchema = z.object({ op: z.enum([' ', '-', '+']), text: z.string() })
export const hunkSchema = z.object({
  oldStart: z.number().int(),
  oldLines: z.number().int(),
  newStart: z.number().int(),
  newLines: z.number().int(),
  lines: z.array(diffLineSchema),
})
export type Hunk = z.infer<typeof hunkSchema>

export const versionDiffSchema = z
  .object({
    from: versionSummarySchema,
    to: versionSummarySchema,
    /** Text fields that changed, as unified-diff hunks (3 lines of context). */
    text: z.array(z.object({ field: z.string(), hunks: z.array(hunkSchema) })),
    /** Other fields that changed, before and after. */
    fields: z.array(z.object({ field: z.string(), before: z.unknown(), after: z.unknown() })),
  })
  .meta({ id: 'ItemVersionDiff' })
export type VersionDiff = z.infer<typeof versionDiffSchema>

export const submitResultSchema = z
  .object({ item: itemSchema, screening: screeningRecordSchema })
  .meta({ id: 'SubmitResult' })
