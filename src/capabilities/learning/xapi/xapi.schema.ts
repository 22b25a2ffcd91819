import { z } from 'zod'

/**
 * The xAPI Statement data model (xAPI 1.0.3 and IEEE 9274.1.1 / xAPI 2.0), as the built-in
 * LRS validates it. Every object is strict: the specification makes an LRS reject a
 * statement with properties it does not define (extensions are where free data goes).
 * Objects that take several forms (actor, object) pick their schema by `objectType`, so an
 * error names the field that is wrong instead of "no union member matched".
 */

export const XAPI_VERSIONS = ['1.0.3', '2.0.0'] as const
export const VOIDED_VERB = 'http://adlnet.gov/expapi/verbs/voided'

// An IRI: a scheme, a colon, and no whitespace (RFC 3987 allows almost any other character).
const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]+$/
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/
// ISO 8601 with a time zone; xAPI forbids the offset -00:00.
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/
const DURATION =
  /^P(?!$)(\d+(\.\d+)?Y)?(\d+(\.\d+)?M)?(\d+(\.\d+)?W)?(\d+(\.\d+)?D)?(T(?=\d)(\d+(\.\d+)?H)?(\d+(\.\d+)?M)?(\d+(\.\d+)?S)?)?$/
const MBOX = /^mailto:[^@\s]+@[^@\s]+$/
const SHA1 = /^[0-9a-fA-F]{40}$/

export const iriSchema = z.string().regex(IRI, 'must be an IRI (an absolute identifier such as https://…)')
export const uuidSchema = z.string().regex(UUID, 'must be a UUID')
export const timestampSchema = z
  .string()
  .regex(TIMESTAMP, 'must be an ISO 8601 timestamp with a time zone')
  .refine((v) => !v.endsWith('-00:00') && !Number.isNaN(Date.parse(v)), 'must be a valid ISO 8601 timestamp')
export const languageMapSchema = z.record(
  z.string().regex(LANGUAGE_TAG, 'language map keys must be RFC 5646 language tags'),
  z.string(),
)
export const extensionsSchema = z.record(z.string().regex(IRI, 'extension keys must be IRIs'), z.unknown())

const ifiShape = {
  mbox: z.string().regex(MBOX, 'must be a mailto: address (mailto:name@example.org)').optional(),
  mbox_sha1sum: z.string().regex(SHA1, 'must be the hex SHA-1 of a mailto: address').optional(),
  openid: iriSchema.optional(),
  account: z.strictObject({ homePage: iriSchema, name: z.string().min(1, 'must not be empty') }).optional(),
}
const IFI_KEYS = ['mbox', 'mbox_sha1sum', 'openid', 'account'] as const

function ifiCount(v: Record<string, unknown>): number {
  return IFI_KEYS.filter((k) => v[k] !== undefined).length
}

export const agentSchema = z
  .strictObject({ objectType: z.literal('Agent').optional(), name: z.string().optional(), ...ifiShape })
  .superRefine((v, ctx) => {
    if (ifiCount(v) !== 1)
      ctx.addIssue({
        code: 'custom',
        message: 'an Agent must have exactly one of mbox, mbox_sha1sum, openid, account',
      })
  })

export const groupSchema = z
  .strictObject({
    objectType: z.literal('Group'),
    name: z.string().optional(),
    member: z.array(agentSchema).optional(),
    ...ifiShape,
  })
  .superRefine((v, ctx) => {
    const n = ifiCount(v)
    if (n > 1)
      ctx.addIssue({ code: 'custom', message: 'a Group must have at most one inverse functional identifier' })
    if (n === 0 && !v.member?.length)
      ctx.addIssue({ code: 'custom', message: 'an anonymous Group (no identifier) must list its members' })
  })

/** Picks a schema from the value (usually by `objectType`) and reports its issues in place. */
function dispatch(pick: (v: Record<string, unknown>) => z.ZodType | string) {
  return z.unknown().superRefine((v, ctx) => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      ctx.addIssue({ code: 'custom', message: 'must be an object' })
      return
    }
    const schema = pick(v as Record<string, unknown>)
    if (typeof schema === 'string') {
      ctx.addIssue({ code: 'custom', message: schema })
      return
    }
    const result = schema.safeParse(v)
    if (!result.success)
      for (const issue of result.error.issues)
        ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path as PropertyKey[] })
  })
}

export const actorSchema = dispatch((v) =>
  v.objectType === undefined || v.objectType === 'Agent'
    ? agentSchema
    : v.objectType === 'Group'
      ? groupSchema
      : 'objectType must be Agent or Group',
)

export const verbSchema = z.strictObject({ id: iriSchema, display: languageMapSchema.optional() })

const interactionComponentSchema = z.strictObject({
  id: z.string().min(1),
  description: languageMapSchema.optional(),
})
const INTERACTION_TYPES = [
  'true-false',
  'choice',
  'fill-in',
  'long-fill-in',
  'matching',
  'performance',
  'sequencing',
  'likert',
  'numeric',
  'other',
] as const

export const activityDefinitionSchema = z.strictObject({
  name: languageMapSchema.optional(),
  description: languageMapSchema.optional(),
  type: iriSchema.optional(),
  moreInfo: iriSchema.optional(),
  extensions: extensionsSchema.optional(),
  interactionType: z.enum(INTERACTION_TYPES).optional(),
  correctResponsesPattern: z.array(z.string()).optional(),
  choices: z.array(interactionComponentSchema).optional(),
  scale: z.array(interactionComponentSchema).optional(),
  source: z.array(interactionComponentSchema).optional(),
  target: z.array(interactionComponentSchema).optional(),
  steps: z.array(interactionComponentSchema).optional(),
})

export const activitySchema = z.strictObject({
  objectType: z.literal('Activity').optional(),
  id: iriSchema,
  definition: activityDefinitionSchema.optional(),
})

export const statementRefSchema = z.strictObject({ objectType: z.literal('StatementRef'), id: uuidSchema })

const scoreSchema = z
  .strictObject({
    scaled: z.number().min(-1, 'must be between -1 and 1').max(1, 'must be between -1 and 1').optional(),
    raw: z.number().optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  })
  .superRefine((s, ctx) => {
    if (s.min !== undefined && s.max !== undefined && s.min >= s.max)
      ctx.addIssue({ code: 'custom', message: 'min must be less than max', path: ['min'] })
    if (s.raw !== undefined && s.min !== undefined && s.raw < s.min)
      ctx.addIssue({ code: 'custom', message: 'raw must not be below min', path: ['raw'] })
    if (s.raw !== undefined && s.max !== undefined && s.raw > s.max)
      ctx.addIssue({ code: 'custom', message: 'raw must not be above max', path: ['raw'] })
  })

export const resultSchema = z.strictObject({
  score: scoreSchema.optional(),
  success: z.boolean().optional(),
  completion: z.boolean().optional(),
  response: z.string().optional(),
  duration: z.string().regex(DURATION, 'must be an ISO 8601 duration such as PT1M30S').optional(),
  extensions: extensionsSchema.optional(),
})

const activityListSchema = z.union([activitySchema, z.array(activitySchema)])

export const contextSchema = z.strictObject({
  registration: uuidSchema.optional(),
  instructor: actorSchema.optional(),
  team: groupSchema.optional(),
  contextActivities: z
    .strictObject({
      parent: activityListSchema.optional(),
      grouping: activityListSchema.optional(),
      category: activityListSchema.optional(),
      other: activityListSchema.optional(),
    })
    .optional(),
  // xAPI 2.0 (IEEE 9274.1.1): agents and groups with their role in the context.
  contextAgents: z
    .array(
      z.strictObject({
        objectType: z.literal('contextAgent'),
        agent: agentSchema,
        relevantTypes: z.array(iriSchema).min(1).optional(),
      }),
    )
    .optional(),
  contextGroups: z
    .array(
      z.strictObject({
        objectType: z.literal('contextGroup'),
        group: groupSchema,
        relevantTypes: z.array(iriSchema).min(1).optional(),
      }),
    )
    .optional(),
  revision: z.string().optional(),
  platform: z.string().optional(),
  language: z.string().regex(LANGUAGE_TAG, 'must be an RFC 5646 language tag').optional(),
  statement: statementRefSchema.optional(),
  extensions: extensionsSchema.optional(),
})

export const attachmentSchema = z.strictObject({
  usageType: iriSchema,
  display: languageMapSchema,
  description: languageMapSchema.optional(),
  contentType: z.string().min(1),
  length: z.number().int().min(0),
  sha2: z.string().regex(/^[0-9a-fA-F]{56,128}$/, 'must be a hex SHA-2 hash'),
  fileUrl: iriSchema.optional(),
})

function objectSchemaFor(inSubStatement: boolean) {
  return dispatch((v) => {
    switch (v.objectType ?? 'Activity') {
      case 'Activity':
        return activitySchema
      case 'Agent':
        return agentSchema
      case 'Group':
        return groupSchema
      case 'StatementRef':
        return statementRefSchema
      case 'SubStatement':
        return inSubStatement ? 'a SubStatement may not contain another SubStatement' : subStatementSchema
      default:
        return 'objectType must be Activity, Agent, Group, StatementRef or SubStatement'
    }
  })
}

function contextRules(
  s: { object: unknown; context?: { revision?: string; platform?: string } | undefined },
  ctx: z.RefinementCtx,
) {
  const object = s.object as { objectType?: string }
  const isActivity = (object?.objectType ?? 'Activity') === 'Activity'
  if (!isActivity && s.context?.revision !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'context.revision is only allowed when the object is an Activity',
      path: ['context', 'revision'],
    })
  if (!isActivity && s.context?.platform !== undefined)
    ctx.addIssue({
      code: 'custom',
      message: 'context.platform is only allowed when the object is an Activity',
      path: ['context', 'platform'],
    })
}

const subStatementSchema: z.ZodType = z
  .strictObject({
    objectType: z.literal('SubStatement'),
    actor: actorSchema,
    verb: verbSchema,
    object: objectSchemaFor(true),
    result: resultSchema.optional(),
    context: contextSchema.optional(),
    timestamp: timestampSchema.optional(),
    attachments: z.array(attachmentSchema).optional(),
  })
  .superRefine(contextRules)

export const statementSchema = z
  .strictObject({
    id: uuidSchema.optional(),
    actor: actorSchema,
    verb: verbSchema,
    object: objectSchemaFor(false),
    result: resultSchema.optional(),
    context: contextSchema.optional(),
    timestamp: timestampSchema.optional(),
    stored: timestampSchema.optional(),
    authority: actorSchema.optional(),
    version: z
      .string()
      .regex(/^(1\.0|2\.0)(\.\d+)?$/, 'must be an xAPI version starting 1.0 or 2.0')
      .optional(),
    attachments: z.array(attachmentSchema).optional(),
  })
  .superRefine((s, ctx) => {
    contextRules(s, ctx)
    const object = s.object as { objectType?: string }
    if (s.verb.id === VOIDED_VERB && object?.objectType !== 'StatementRef')
      ctx.addIssue({
        code: 'custom',
        message: 'a voiding statement (verb voided) must have a StatementRef as its object',
        path: ['object'],
      })
  })

/** A statement as received: validated, not yet given the properties the LRS assigns. */
export type Statement = z.infer<typeof statementSchema> & { object: Record<string, unknown> } & Record<
    string,
    unknown
  >

/** A statement as the LRS returns it: id, stored, timestamp, authority and version set. */
export type StoredStatement = Statement & {
  id: string
  stored: string
  timestamp: string
  authority: Record<string, unknown>
  version: string
}

export type StatementFormat = 'exact' | 'ids' | 'canonical'
