import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import { auditListQuerySchema, auditListResponseSchema } from './audit.schema.ts'
import { listAuditEvents } from './audit.service.ts'

const listRoute = createRoute({
  method: 'get',
  path: '/orgs/{slug}/audit',
  tags: ['Audit'],
  summary: "The organisation's audit trail, newest first",
  security: cookieAuth,
  request: { params: z.object({ slug: slugSchema }), query: auditListQuerySchema },
  responses: { 200: jsonContent(auditListResponseSchema, 'Events'), ...errorResponses(400, 401, 403, 404) },
})

export function auditRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(listRoute, async (c) => {
    const org = await resolveOrganisation(deps, c.get('actor'), c.req.valid('param').slug, 'audit.read')
    const events = await listAuditEvents(deps.db, org.id, c.req.valid('query'))
    return c.json({ events }, 200)
  })
  return app
}
