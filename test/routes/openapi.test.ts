import { Validator } from '@seriousme/openapi-schema-validator'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'

type Operation = {
  summary?: string
  tags?: string[]
  security?: Array<Record<string, unknown>>
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }>
}
type Doc = {
  openapi: string
  paths: Record<string, Record<string, Operation>>
  components: { securitySchemes?: Record<string, unknown> }
}

// The document does not depend on the database; one dialect is enough.
describe('the OpenAPI document and the API reference', () => {
  let rounds: TestRounds
  let doc: Doc
  beforeAll(async () => {
    rounds = await createTestRounds('sqlite')
    const res = await rounds.app.request('/api/openapi.json')
    expect(res.status).toBe(200)
    doc = (await res.json()) as Doc
  })
  afterAll(() => rounds?.close())

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ route: `${method.toUpperCase()} ${path}`, op })),
    )

  it('/api/openapi.json is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator()
    const result = await validator.validate(doc as unknown as Record<string, unknown>)
    expect(result.errors ?? []).toEqual([])
    expect(result.valid).toBe(true)
    expect(validator.version).toBe('3.1')
    expect(doc.openapi).toBe('3.1.0')
  })

  it('every operation has a summary and a tag', () => {
    for (const { route, op } of operations()) {
      expect(op.summary, route).toBeTruthy()
      expect(op.tags?.length, route).toBeGreaterThan(0)
    }
  })

  it('every operation behind the session cookie documents its 401, and the cookie scheme exists', () => {
    expect(doc.components.securitySchemes?.cookieAuth).toMatchObject({ type: 'apiKey', in: 'cookie' })
    const protectedOps = operations().filter(({ op }) => op.security?.some((s) => 'cookieAuth' in s))
    expect(protectedOps.length).toBeGreaterThan(5)
    for (const { route, op } of protectedOps) expect(Object.keys(op.responses), route).toContain('401')
  })

  it('every documented error response uses the one Error schema', () => {
    for (const { route, op } of operations()) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue
        expect(response.content?.['application/json']?.schema?.$ref, `${route} ${status}`).toBe(
          '#/components/schemas/Error',
        )
      }
    }
  })

  it('/api/docs is an HTML page that loads the document', async () => {
    const res = await rounds.app.request('/api/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await res.text()
    expect(html).toContain('data-url="/api/openapi.json"')
    expect(html).toContain('<script src="/api/docs/reference.js"></script>')
    // Served from here: no script from a CDN.
    expect(html).not.toMatch(/<script[^>]+src="https?:/)
  })

  it('/api/docs/reference.js serves the reference script itself', async () => {
    const res = await rounds.app.request('/api/docs/reference.js')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/)
    expect((await res.text()).length).toBeGreaterThan(10_000)
  })
})
