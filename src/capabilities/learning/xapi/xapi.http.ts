import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { cors } from 'hono/cors'
import { z } from 'zod'
import { AppError } from '#src/platform/errors.ts'
import type { HttpEnv } from '#src/platform/http/app.ts'
import { type AuthenticatedClient, authenticateLrsClient } from './lrs-clients.service.ts'
import { clientAuthority } from './xapi.actors.ts'
import type { AttachmentContent, AttachmentPart } from './xapi.attachments.ts'
import { buildMultipart, multipartBoundary, parseContentType, parseMultipart } from './xapi.multipart.ts'
import { actorSchema, iriSchema, timestampSchema, uuidSchema } from './xapi.schema.ts'
import {
  getStatement,
  queryStatements,
  recordStatements,
  type StatementCursor,
  type StatementFilters,
  statementAttachments,
  type XapiDeps,
} from './xapi.service.ts'
import { acceptedLanguages } from './xapi.statement.ts'

/**
 * The built-in Learning Record Store at /xapi/: the Statements resource and `about` of xAPI
 * 1.0.3 and 2.0 (IEEE 9274.1.1), for an institution's own tools. Clients authenticate with
 * HTTP Basic (an LRS client's key and secret) and only ever see their organisation's
 * statements. Every response names the xAPI version; errors use Rounds' one error shape.
 * Not part of the OpenAPI document: the xAPI specification is its contract.
 */

type XapiEnv = HttpEnv & { Variables: { client: AuthenticatedClient; xapiVersion: '1.0.3' | '2.0.0' } }

/** Version header values accepted: 1.0.0–1.0.3 and 2.0 / 2.0.0. */
function parseVersion(header: string | undefined): '1.0.3' | '2.0.0' | null {
  const v = header?.trim() ?? ''
  if (/^1\.0(\.[0-3])?$/.test(v)) return '1.0.3'
  if (/^2\.0(\.0)?$/.test(v)) return '2.0.0'
  return null
}

const bool = z.enum(['true', 'false']).transform((v) => v === 'true')

const queryParamsSchema = z.strictObject({
  statementId: uuidSchema.optional(),
  voidedStatementId: uuidSchema.optional(),
  agent: z.string().optional(),
  verb: iriSchema.optional(),
  activity: iriSchema.optional(),
  registration: uuidSchema.optional(),
  related_activities: bool.optional(),
  related_agents: bool.optional(),
  since: timestampSchema.optional(),
  until: timestampSchema.optional(),
  limit: z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).optional(),
  format: z.enum(['ids', 'exact', 'canonical']).optional(),
  attachments: bool.optional(),
  ascending: bool.optional(),
  more: z.string().optional(),
})

const cursorSchema = z.object({
  filters: z.object({
    agent: z.record(z.string(), z.unknown()).optional(),
    verb: z.string().optional(),
    activity: z.string().optional(),
    registration: z.string().optional(),
    relatedActivities: z.boolean().optional(),
    relatedAgents: z.boolean().optional(),
    since: z.string().optional(),
    until: z.string().optional(),
    limit: z.number().optional(),
    ascending: z.boolean().optional(),
    format: z.enum(['ids', 'exact', 'canonical']),
  }),
  through: z.string(),
  after: z.object({ stored: z.string(), id: z.string() }),
})

function bad(message: string): AppError {
  return new AppError('VALIDATION_FAILED', { message })
}

function encodeCursor(cursor: StatementCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url')
}

function decodeCursor(text: string): StatementCursor {
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))) as StatementCursor
  } catch {
    throw bad('more: not a cursor this LRS issued; start again from GET statements')
  }
}

type BodyReader = {
  req: { text(): Promise<string>; arrayBuffer(): Promise<ArrayBuffer>; header(n: string): string | undefined }
}

function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new AppError('MALFORMED_JSON', { message: 'the request body is not valid JSON' })
  }
}

/**
 * The statements of a POST or PUT and their attachment parts: application/json, or
 * multipart/mixed whose first part is the statements (application/json) and whose other
 * parts are attachments (checked against the statements by the service).
 */
async function readStatements(c: BodyReader): Promise<{ body: unknown; attachments: AttachmentPart[] }> {
  const header = c.req.header('content-type')
  const { type } = parseContentType(header)
  if (type === 'application/json') return { body: parseJsonText(await c.req.text()), attachments: [] }
  if (type !== 'multipart/mixed')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', {
      message: 'send statements as application/json, or as multipart/mixed with their attachments',
    })
  const boundary = multipartBoundary(header)
  const parts = parseMultipart(new Uint8Array(await c.req.arrayBuffer()), boundary)
  const [first, ...rest] = parts
  if (!first) throw bad('the multipart body has no parts; the first must be the statements')
  if (parseContentType(first.headers['content-type']).type !== 'application/json')
    throw bad('the first part of a multipart/mixed request must be the statements, as application/json')
  return {
    body: parseJsonText(Buffer.from(first.body).toString('utf8')),
    attachments: rest.map((p) => ({
      hash: p.headers['x-experience-api-hash'] ?? '',
      contentType: p.headers['content-type'] ?? 'application/octet-stream',
      transferEncoding: p.headers['content-transfer-encoding'],
      content: p.body,
    })),
  }
}

/** A response of JSON followed by the attachment parts, as xAPI sends attachments. */
function multipartResponse(
  c: { body(data: Uint8Array<ArrayBuffer>, status: 200, headers: Record<string, string>): Response },
  json: unknown,
  attachments: AttachmentContent[],
): Response {
  const { contentType, body } = buildMultipart([
    { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(json) },
    ...attachments.map((a) => ({
      headers: {
        'Content-Type': a.contentType,
        'Content-Transfer-Encoding': 'binary',
        'X-Experience-API-Hash': a.sha2,
      },
      body: a.content,
    })),
  ])
  return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'content-type': contentType })
}

export function xapiHttp(deps: XapiDeps, options: { bodyLimitBytes: number }): Hono<XapiEnv> {
  const app = new Hono<XapiEnv>()
  // Browser-based learning content posts statements from other origins, with credentials
  // in the Authorization header (never cookies).
  app.use(
    '*',
    cors({
      origin: '*',
      allowMethods: ['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS'],
      allowHeaders: [
        'Authorization',
        'Content-Type',
        'X-Experience-API-Version',
        'If-Match',
        'If-None-Match',
      ],
      exposeHeaders: ['X-Experience-API-Version', 'X-Experience-API-Consistent-Through', 'Last-Modified'],
    }),
  )
  app.use('*', async (c, next) => {
    await next()
    c.res.headers.set('X-Experience-API-Version', c.get('xapiVersion') ?? '2.0.0')
  })

  app.get('/about', (c) => c.json({ version: ['1.0.3', '2.0.0'], extensions: {} }, 200))

  app.use('/statements', async (c, next) => {
    if (c.req.method === 'OPTIONS') return next()
    c.set('client', await authenticateLrsClient(deps, c.req.header('authorization')))
    const header = c.req.header('x-experience-api-version')
    const version = parseVersion(header)
    if (!version)
      throw bad(
        header
          ? `X-Experience-API-Version ${header} is not supported; send 1.0.3 or 2.0.0`
          : 'send the X-Experience-API-Version header (1.0.3 or 2.0.0)',
      )
    c.set('xapiVersion', version)
    await next()
  })
  app.use(
    '/statements',
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', {
          message: `requests are limited to ${options.bodyLimitBytes} bytes; send the statements in smaller batches`,
        })
      },
    }),
  )

  const store = (
    c: { get(k: 'client'): AuthenticatedClient; get(k: 'xapiVersion'): '1.0.3' | '2.0.0' },
    statements: unknown[],
    attachments: AttachmentPart[],
  ) => {
    const client = c.get('client')
    return recordStatements(deps, {
      attachments,
      organisationId: client.organisationId,
      statements,
      authority: clientAuthority(deps.publicBaseUrl, client),
      clientId: client.id,
      version: c.get('xapiVersion'),
    })
  }

  app.post('/statements', async (c) => {
    const { body, attachments } = await readStatements(c)
    const statements = Array.isArray(body) ? body : [body]
    if (statements.length === 0) throw bad('send at least one statement')
    return c.json(await store(c, statements, attachments), 200)
  })

  app.put('/statements', async (c) => {
    const statementId = c.req.query('statementId')
    if (!statementId || !uuidSchema.safeParse(statementId).success)
      throw bad('PUT statements needs the statementId parameter (a UUID)')
    const { body, attachments } = await readStatements(c)
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw bad('PUT statements takes one statement (an object)')
    const s = body as Record<string, unknown>
    if (s.id !== undefined && String(s.id).toLowerCase() !== statementId.toLowerCase())
      throw bad('statement.id: differs from the statementId parameter')
    await store(c, [{ ...s, id: statementId }], attachments)
    return c.body(null, 204)
  })

  app.get('/statements', async (c) => {
    const client = c.get('client')
    const raw = c.req.query()
    const parsed = queryParamsSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const message =
        issue?.code === 'unrecognized_keys'
          ? `unknown parameters: ${issue.keys.join(', ')}`
          : `${issue?.path.join('.') ?? 'query'}: ${issue?.message ?? 'invalid'}`
      throw bad(message)
    }
    const q = parsed.data
    const languages = acceptedLanguages(c.req.header('accept-language'))
    const single = q.statementId ?? q.voidedStatementId
    if (single) {
      if (q.statementId && q.voidedStatementId) throw bad('send statementId or voidedStatementId, not both')
      const others = Object.keys(raw).filter(
        (k) => !['statementId', 'voidedStatementId', 'format', 'attachments'].includes(k),
      )
      if (others.length)
        throw bad(
          `${q.statementId ? 'statementId' : 'voidedStatementId'} cannot be combined with ${others.join(', ')}`,
        )
      const statement = await getStatement(deps, client.organisationId, single, {
        voided: Boolean(q.voidedStatementId),
        format: q.format ?? 'exact',
        languages,
      })
      c.header('Last-Modified', new Date(statement.stored).toUTCString())
      if (q.attachments)
        return multipartResponse(
          c,
          statement,
          await statementAttachments(deps, client.organisationId, [statement]),
        )
      return c.json(statement, 200)
    }
    let cursor: StatementCursor | undefined
    if (q.more !== undefined) {
      if (Object.keys(raw).some((k) => k !== 'more' && k !== 'attachments'))
        throw bad('more cannot be combined with other parameters')
      cursor = decodeCursor(q.more)
    }
    let agent: Record<string, unknown> | undefined
    if (q.agent !== undefined) {
      let value: unknown
      try {
        value = JSON.parse(q.agent)
      } catch {
        throw bad('agent: must be an Agent or identified Group as JSON')
      }
      const check = actorSchema.safeParse(value)
      if (!check.success) throw bad(`agent: ${check.error.issues[0]?.message ?? 'invalid'}`)
      agent = value as Record<string, unknown>
    }
    const filters: StatementFilters = {
      agent,
      verb: q.verb,
      activity: q.activity,
      registration: q.registration,
      relatedActivities: q.related_activities,
      relatedAgents: q.related_agents,
      since: q.since,
      until: q.until,
      limit: q.limit,
      ascending: q.ascending,
      format: q.format,
    }
    const page = await queryStatements(deps, client.organisationId, { filters, cursor, languages })
    c.header('X-Experience-API-Consistent-Through', page.through)
    const result = {
      statements: page.statements,
      more: page.more
        ? `/xapi/statements?more=${encodeCursor(page.more)}${q.attachments ? '&attachments=true' : ''}`
        : '',
    }
    if (q.attachments)
      return multipartResponse(
        c,
        result,
        await statementAttachments(deps, client.organisationId, page.statements),
      )
    return c.json(result, 200)
  })

  app.all('/statements', () => {
    throw new AppError('METHOD_NOT_ALLOWED', {
      message: 'the statements resource takes GET, HEAD, POST and PUT',
    })
  })
  return app
}
