import { randomUUID } from 'node:crypto'
import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { secureHeaders } from 'hono/secure-headers'
import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { AppError, errorBody } from '#src/platform/errors.ts'
import type { Logger } from '#src/platform/logger.ts'

/** Per-request values every route can read. `actor` is set by the session middleware. */
export type HttpEnv = { Variables: { requestId: string; actor: Actor } }

export type Router = OpenAPIHono<HttpEnv>

/**
 * A router whose request validation failures become one readable 400: which field, and why.
 * Capabilities build their routes on this; the server mounts them under /api.
 */
export function createRouter(): Router {
  return new OpenAPIHono<HttpEnv>({
    defaultHook: (result) => {
      if (!result.success) {
        throw new AppError('VALIDATION_FAILED', {
          message: 'the request is not valid',
          details: result.error.issues.map((i) => ({
            path: i.path.join('.') || '(body)',
            message: i.message,
          })),
        })
      }
    },
  })
}

/**
 * The outermost app: request ids, security headers, body size limit, JSON-only bodies,
 * one error shape, JSON 404s. Unknown errors are logged with the request id and answered
 * with a plain 500; no stack, SQL or internal message leaves the server.
 */
export function createHttpApp(options: { log: Logger; bodyLimitBytes: number }): Router {
  const app = createRouter()
  const { log } = options

  app.use('*', async (c, next) => {
    const requestId = randomUUID()
    c.set('requestId', requestId)
    c.set('actor', { kind: 'anonymous' })
    c.header('x-request-id', requestId)
    const started = performance.now()
    await next()
    log.debug(
      {
        requestId,
        method: c.req.method,
        path: c.req.routePath,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    )
  })
  app.use(
    '*',
    secureHeaders({
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  )
  const jsonLimit = bodyLimit({
    maxSize: options.bodyLimitBytes,
    onError: () => {
      throw new AppError('PAYLOAD_TOO_LARGE', {
        message: `request bodies are limited to ${options.bodyLimitBytes} bytes`,
      })
    },
  })
  // Upload chunks are the one binary body; their route reads them with its own limit.
  app.use('/api/*', (c, next) => (isUploadChunk(c) ? next() : jsonLimit(c, next)))
  app.use('/api/*', async (c, next) => {
    if (['POST', 'PUT', 'PATCH'].includes(c.req.method) && hasBody(c) && !isUploadChunk(c)) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
      if (type !== 'application/json') {
        throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'send the request body as application/json' })
      }
    }
    await next()
  })

  app.notFound((c) => {
    const e = new AppError('ROUTE_NOT_FOUND', {
      message: `no route ${c.req.method} ${new URL(c.req.url).pathname}`,
    })
    return c.json(errorBody(e, c.get('requestId')), 404)
  })
  app.onError((err, c) => respondWithError(c, err, log))
  return app
}

export function respondWithError(c: Context<HttpEnv>, err: unknown, log: Logger): Response {
  const requestId = c.get('requestId')
  if (err instanceof AppError) {
    if (err.status >= 500) log.error({ requestId, code: err.code, err: err.cause }, 'request failed')
    return c.json(errorBody(err, requestId), err.status as 400)
  }
  if (err instanceof HTTPException && err.status < 500) {
    const code =
      err.message === 'Malformed JSON in request body'
        ? 'MALFORMED_JSON'
        : err.status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : err.status === 401
            ? 'UNAUTHENTICATED'
            : err.status === 403
              ? 'FORBIDDEN'
              : 'VALIDATION_FAILED'
    const message =
      code === 'MALFORMED_JSON' ? 'the request body is not valid JSON' : err.message || 'bad request'
    return c.json(errorBody(new AppError(code, { message }), requestId), err.status)
  }
  log.error({ requestId, err }, 'unexpected error')
  return c.json(
    errorBody(
      new AppError('INTERNAL', {
        message: 'something went wrong on our side; quote the request id if you report it',
      }),
      requestId,
    ),
    500,
  )
}

/** A media chunk: PATCH …/uploads/{id} with the tus-style binary content type. */
function isUploadChunk(c: Context): boolean {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  return (
    c.req.method === 'PATCH' &&
    type === 'application/offset+octet-stream' &&
    /^\/api\/orgs\/[^/]+\/items\/[^/]+\/uploads\/[^/]+$/.test(new URL(c.req.url).pathname)
  )
}

function hasBody(c: Context): boolean {
  const length = c.req.header('content-length')
  if (length !== undefined) return Number(length) > 0
  return c.req.raw.body !== null
}
