import { createRoute } from '@hono/zod-openapi'
import { HTTPException } from 'hono/http-exception'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { AppError } from '#src/platform/errors.ts'
import { createHttpApp, createRouter } from './app.ts'
import { jsonBody } from './openapi.ts'

/** An app with a few routes that fail in known ways, and the log lines it wrote. */
function appWithFailingRoutes(bodyLimitBytes = 1_000) {
  const logs: Array<Record<string, unknown>> = []
  const log = pino({ level: 'debug' }, { write: (line: string) => logs.push(JSON.parse(line)) })
  const app = createHttpApp({ log, bodyLimitBytes })
  const api = createRouter()
  api.get('/boom', () => {
    const e = new Error('SQLITE_ERROR: no such column: secret_column in "select secret_column from patients"')
    e.stack = `${e.message}\n    at handler (/srv/rounds/src/secret-file.ts:1:1)`
    throw e
  })
  api.get('/http-5xx', () => {
    throw new HTTPException(503, { message: 'upstream pool exhausted at 10.0.0.5' })
  })
  api.get('/http-401', () => {
    throw new HTTPException(401, { message: 'no session' })
  })
  api.get('/app-error', () => {
    throw new AppError('LAST_ADMIN', {
      message: 'keep one admin',
      details: [{ path: 'roles', message: 'x' }],
    })
  })
  api.get('/app-error-500', () => {
    throw new AppError('AUDIT_CHAIN_BROKEN', {
      message: 'event 3 was altered',
      cause: new Error('hash mismatch'),
    })
  })
  api.openapi(
    createRoute({
      method: 'post',
      path: '/things',
      request: {
        body: jsonBody(z.object({ name: z.string().min(2), tags: z.array(z.object({ label: z.string() })) })),
      },
      responses: { 201: { description: 'Created' } },
    }),
    (c) => c.json({ ok: true }, 201),
  )
  app.route('/api', api)
  return { app, logs }
}

const json = { 'content-type': 'application/json' }

type ErrorJson = {
  error: {
    code: string
    message: string
    details?: Array<{ path: string; message: string }>
    requestId?: string
  }
}
const errorJson = async (res: Response) => (await res.json()) as ErrorJson

describe('createHttpApp', () => {
  it('answers an unexpected exception with a plain 500: request id, no message, stack or SQL', async () => {
    const { app, logs } = appWithFailingRoutes()
    const res = await app.request('/api/boom')
    expect(res.status).toBe(500)
    const text = await res.text()
    const body = JSON.parse(text)
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/)
    expect(body).toEqual({
      error: {
        code: 'INTERNAL',
        message: 'something went wrong on our side; quote the request id if you report it',
        requestId,
      },
    })
    for (const leak of ['secret', 'SQLITE', 'select', '.ts', ' at ']) expect(text).not.toContain(leak)
    // ...but the log has it, under the same request id.
    const logged = logs.find((l) => l.msg === 'unexpected error')
    expect(logged).toMatchObject({ level: 50, requestId })
    expect(JSON.stringify(logged)).toContain('secret_column')
  })

  it('turns an HTTPException of 500 or more into the same plain 500', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/http-5xx')
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text).error.code).toBe('INTERNAL')
    expect(text).not.toContain('10.0.0.5')
  })

  it('maps an HTTPException 401 to UNAUTHENTICATED', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/http-401')
    expect(res.status).toBe(401)
    expect((await errorJson(res)).error.code).toBe('UNAUTHENTICATED')
  })

  it('answers an AppError with its status, code, message and details', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/app-error')
    expect(res.status).toBe(409)
    expect(await errorJson(res)).toEqual({
      error: {
        code: 'LAST_ADMIN',
        message: 'keep one admin',
        details: [{ path: 'roles', message: 'x' }],
        requestId: res.headers.get('x-request-id'),
      },
    })
  })

  it('logs an AppError of status 500 or more with its cause', async () => {
    const { app, logs } = appWithFailingRoutes()
    const res = await app.request('/api/app-error-500')
    expect(res.status).toBe(500)
    expect((await errorJson(res)).error.code).toBe('AUDIT_CHAIN_BROKEN')
    expect(logs.find((l) => l.msg === 'request failed')).toMatchObject({
      requestId: res.headers.get('x-request-id'),
      code: 'AUDIT_CHAIN_BROKEN',
    })
  })

  it('400 MALFORMED_JSON for a body that is not JSON', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/things', { method: 'POST', headers: json, body: '{"name": "ab",' })
    expect(res.status).toBe(400)
    expect((await errorJson(res)).error).toMatchObject({
      code: 'MALFORMED_JSON',
      message: 'the request body is not valid JSON',
    })
  })

  it('400 VALIDATION_FAILED naming every bad field, nested paths joined with dots', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/things', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 7, tags: [{ label: 'ok' }, { label: 3 }] }),
    })
    expect(res.status).toBe(400)
    const { error } = await errorJson(res)
    expect(error.code).toBe('VALIDATION_FAILED')
    expect(error.details?.map((d) => d.path).sort()).toEqual(['name', 'tags.1.label'])
    for (const d of error.details ?? []) expect(d.message).toMatch(/expected string/)
  })

  it('413 PAYLOAD_TOO_LARGE over the body limit, with or without a content-length', async () => {
    const { app } = appWithFailingRoutes(100)
    const big = JSON.stringify({ name: 'x'.repeat(200), tags: [] })
    const declared = await app.request('/api/things', { method: 'POST', headers: json, body: big })
    expect(declared.status).toBe(413)
    expect((await errorJson(declared)).error.code).toBe('PAYLOAD_TOO_LARGE')

    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big))
        controller.close()
      },
    })
    const streamed = await app.request('/api/things', {
      method: 'POST',
      headers: json,
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(streamed.status).toBe(413)
    expect((await errorJson(streamed)).error.code).toBe('PAYLOAD_TOO_LARGE')

    const small = await app.request('/api/things', {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ name: 'ok', tags: [] }),
    })
    expect(small.status).toBe(201)
  })

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x'])(
    '415 UNSUPPORTED_MEDIA_TYPE for a %s body',
    async (type) => {
      const { app } = appWithFailingRoutes()
      const res = await app.request('/api/things', {
        method: 'POST',
        headers: { 'content-type': type },
        body: 'name=ab',
      })
      expect(res.status).toBe(415)
      expect((await errorJson(res)).error.code).toBe('UNSUPPORTED_MEDIA_TYPE')
    },
  )

  it('accepts application/json with a charset', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ name: 'ok', tags: [] }),
    })
    expect(res.status).toBe(201)
  })

  it('404 ROUTE_NOT_FOUND in JSON for an unknown path', async () => {
    const { app } = appWithFailingRoutes()
    const res = await app.request('/api/nowhere')
    expect(res.status).toBe(404)
    expect(await errorJson(res)).toEqual({
      error: {
        code: 'ROUTE_NOT_FOUND',
        message: 'no route GET /api/nowhere',
        requestId: res.headers.get('x-request-id'),
      },
    })
  })

  it('gives every response its own request id and security headers', async () => {
    const { app } = appWithFailingRoutes()
    const a = await app.request('/api/nowhere')
    const b = await app.request('/api/nowhere')
    expect(a.headers.get('x-request-id')).not.toBe(b.headers.get('x-request-id'))
    expect(a.headers.get('x-content-type-options')).toBe('nosniff')
    expect(a.headers.get('content-security-policy')).toContain("frame-ancestors 'none'")
  })
})
