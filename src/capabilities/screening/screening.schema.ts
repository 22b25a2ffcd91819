import { z } from 'zod'

/**
 * The screening engine's shapes. Shared by the engine (browser and server), the API, the
 * CLI and the web UI; nothing here may import Node modules.
 */

export const severities = ['block', 'warn', 'info'] as const
export const severitySchema = z.enum(severities)
export type Severity = z.infer<typeof severitySchema>

export const packIds = ['confidentiality', 'evidence', 'commercial', 'professionalism', 'platform'] as const
export const packIdSchema = z.enum(packIds)
export type PackId = z.infer<typeof packIdSchema>

/** The fields of an input a finding can point into. */
/** `media`: an uploaded file (image, scan, video); such findings name the upload and carry `box` / `time`. */
/** `quiz`: the item's quiz questions; such findings carry `quiz` (which question, which part). */
export const fieldNames = [
  'title',
  'body',
  'captions',
  'hashtags',
  'references',
  'altText',
  'media',
  'quiz',
] as const
export const fieldNameSchema = z.enum(fieldNames)
export type FieldName = z.infer<typeof fieldNameSchema>

export const channelIds = [
  'x',
  'bluesky',
  'mastodon',
  'fediverse',
  'threads',
  'instagram',
  'facebook',
  'youtube',
  'linkedin',
  'tiktok',
  'rounds',
] as const
export const channelIdSchema = z.enum(channelIds)
export type ChannelId = z.infer<typeof channelIdSchema>

/** The engine's own ceiling per field; the API applies a tighter total (SCREEN_TEXT_LIMIT). */
export const MAX_FIELD_CHARS = 2_000_000

/** The most text one API request may ask to screen, in UTF-16 code units (about 200 kB). */
export const SCREEN_TEXT_LIMIT = 200_000

/** Total characters of text an input carries (what the API limit counts). */
export function screenInputSize(input: {
  title?: string | undefined
  body?: string | undefined
  captions?: string | undefined
  hashtags?: string[] | undefined
  references?: Array<{ value: string }> | undefined
  media?: Array<{ altText?: string | undefined }> | undefined
  quiz?: Array<QuizQuestionInput> | undefined
}): number {
  let n = (input.title?.length ?? 0) + (input.body?.length ?? 0) + (input.captions?.length ?? 0)
  for (const h of input.hashtags ?? []) n += h.length
  for (const r of input.references ?? []) n += r.value.length
  for (const m of input.media ?? []) n += m.altText?.length ?? 0
  for (const q of input.quiz ?? []) {
    n += q.prompt.length + (q.explanation?.length ?? 0) + (q.objective?.length ?? 0)
    for (const o of q.options ?? []) n += o.text.length
  }
  return n
}

export const referenceInputSchema = z.object({
  /** The marker used in the text, e.g. "1" for "[1]". */
  marker: z.string().max(20).optional(),
  /** A DOI, PMID, PMCID or URL, as the author wrote it. */
  value: z.string().max(2000),
  title: z.string().max(1000).optional(),
})
export type ReferenceInput = z.infer<typeof referenceInputSchema>

export const disclosureInputSchema = z.object({
  company: z.string().min(1).max(200),
  nature: z.string().max(200).optional(),
})
export type DisclosureInput = z.infer<typeof disclosureInputSchema>

export const mediaInputSchema = z.object({
  kind: z.enum(['image', 'video']),
  altText: z.string().max(5000).optional(),
  hasCaptions: z.boolean().optional(),
})

/** One quiz question as published with the item: its prompt, its options and its explanation. */
export const quizQuestionInputSchema = z.object({
  id: z.string().max(40),
  prompt: z.string().max(2000),
  options: z
    .array(z.object({ id: z.string().max(40), text: z.string().max(1000) }))
    .max(8)
    .default([]),
  explanation: z.string().max(4000).default(''),
  /** The learning objective the question tests, shown with it on the public page. */
  objective: z.string().max(500).default(''),
})
export type QuizQuestionInput = z.input<typeof quizQuestionInputSchema>

/** Where in a quiz a finding is: offsets in a `quiz` finding point into the quiz's composed text. */
export const quizLocationSchema = z.object({
  /** 1-based position of the question in the quiz. */
  question: z.number().int().positive(),
  questionId: z.string(),
  part: z.enum(['prompt', 'option', 'explanation', 'objective']),
  /** For part `option`: the option's id. */
  optionId: z.string().optional(),
})
export type QuizLocation = z.infer<typeof quizLocationSchema>

export const screenInputSchema = z
  .object({
    title: z.string().max(1000).default(''),
    body: z.string().max(MAX_FIELD_CHARS).default(''),
    /** Captions or transcript: plain text, SRT or VTT. Cue timings are kept in findings. */
    captions: z.string().max(MAX_FIELD_CHARS).default(''),
    hashtags: z.array(z.string().max(200)).max(100).default([]),
    references: z.array(referenceInputSchema).max(200).default([]),
    voice: z.enum(['professional', 'personal']).default('professional'),
    author: z
      .object({
        displayName: z.string().max(200).default(''),
        profession: z.string().max(100).nullable().optional(),
        /** Handles and names the author signs with; never flagged as patient names. */
        aliases: z.array(z.string().max(200)).max(20).default([]),
      })
      .default({ displayName: '', aliases: [] }),
    /** Financial relationships the author has declared (company names). */
    disclosures: z.array(disclosureInputSchema).max(100).default([]),
    /** Whether a disclosure statement is shown with the item. */
    disclosureShown: z.boolean().default(false),
    channels: z.array(channelIdSchema).max(10).default([]),
    media: z.array(mediaInputSchema).max(50).default([]),
    language: z.enum(['en', 'es', 'auto']).default('auto'),
    /** The item's quiz questions, published with it on its public page. */
    quiz: z.array(quizQuestionInputSchema).max(30).default([]),
  })
  .meta({ id: 'ScreenInput' })
export type ScreenInput = z.input<typeof screenInputSchema>
export type ParsedScreenInput = z.output<typeof screenInputSchema>

export const cueSchema = z.object({
  index: z.number().int(),
  /** Cue start and end as HH:MM:SS.mmm */
  start: z.string(),
  end: z.string(),
})
export type Cue = z.infer<typeof cueSchema>

/** A rectangle in an image, in pixels of the original (x, y from the top left). */
export const mediaBoxSchema = z.object({
  x: z.number().int().nonnegative(),
  y: z.number().int().nonnegative(),
  width: z.number().int().nonnegative(),
  height: z.number().int().nonnegative(),
})
export type MediaBox = z.infer<typeof mediaBoxSchema>

export const findingSchema = z
  .object({
    ruleId: z.string(),
    pack: packIdSchema,
    category: z.string(),
    severity: severitySchema,
    field: fieldNameSchema,
    /** UTF-16 offsets into the named field's text (end exclusive). */
    start: z.number().int().nonnegative(),
    end: z.number().int().nonnegative(),
    cue: cueSchema.optional(),
    /** For text read from an image or a video frame: where it is, in pixels of the original. */
    box: mediaBoxSchema.optional(),
    /** For a finding in a video: the time of the frame or cue, in seconds from the start. */
    time: z.number().nonnegative().optional(),
    /** For a finding in an uploaded file (field `media`): the upload's id. */
    uploadId: z.string().optional(),
    /** For a finding in the quiz (field `quiz`): the question and the part of it. */
    quiz: quizLocationSchema.optional(),
    text: z.string(),
    message: z.string(),
    citation: z.string(),
    suggestion: z.string().optional(),
  })
  .meta({ id: 'Finding' })
export type Finding = z.infer<typeof findingSchema>

export const reportSchema = z
  .object({
    engineVersion: z.string(),
    policyVersion: z.string(),
    language: z.enum(['en', 'es']),
    findings: z.array(findingSchema),
    counts: z.object({ block: z.number().int(), warn: z.number().int(), info: z.number().int() }),
  })
  .meta({ id: 'ScreeningReport' })
export type Report = z.infer<typeof reportSchema>

/** What an organisation decides about the findings: which packs, which severities, extra words. */
export const policySchema = z
  .object({
    version: z.string().default('default'),
    packs: z.array(packIdSchema).default([...packIds]),
    /** Per rule: a different severity, or 'off'. */
    severityOverrides: z.record(z.string(), z.union([severitySchema, z.literal('off')])).default({}),
    lexicons: z
      .object({
        /** Names never to flag (staff, public figures the organisation discusses). */
        ignoreNames: z.array(z.string().max(200)).max(5000).default([]),
        /** Reference domains accepted as evidence sources. */
        trustedDomains: z.array(z.string().max(200)).max(1000).default([]),
        /** Extra brands: devices, non-US brands. */
        brands: z
          .array(
            z.object({
              brand: z.string().min(2).max(100),
              company: z.string().min(2).max(200),
              generic: z.string().max(200).optional(),
            }),
          )
          .max(5000)
          .default([]),
        /** Extra derogatory terms the organisation wants caught. */
        derogatory: z.array(z.string().max(100)).max(1000).default([]),
      })
      .default({ ignoreNames: [], trustedDomains: [], brands: [], derogatory: [] }),
    /** DOIs known to be retracted (lower-case, without https://doi.org/). */
    retractedDois: z.array(z.string().max(300)).max(100_000).default([]),
  })
  .meta({ id: 'ScreeningPolicy' })
export type Policy = z.output<typeof policySchema>
export type PolicyInput = z.input<typeof policySchema>
