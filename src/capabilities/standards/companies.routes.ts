import { createRoute } from '@hono/zod-openapi'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import { companySearchQuerySchema, companySearchResponseSchema } from './companies.schema.ts'
import { searchCompaniesForActor } from './companies.service.ts'

const routes = {
  search: createRoute({
    method: 'get',
    path: '/companies',
    tags: ['Standards'],
    summary: 'Search the shared list of ineligible companies (autocomplete for disclosures)',
    security: cookieAuth,
    request: { query: companySearchQuerySchema },
    responses: {
      200: jsonContent(companySearchResponseSchema, 'Matching companies, best first'),
      ...errorResponses(400, 401),
    },
  }),
}

export function companiesRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.search, async (c) =>
    c.json({ companies: await searchCompaniesForActor(deps, c.get('actor'), c.req.valid('query')) }, 200),
  )
  return app
}
