import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import { researchQuerySchema, researchViewSchema } from './research.schema.ts'
import { getResearchView } from './research.service.ts'

const routes = {
  research: createRoute({
    method: 'get',
    path: '/orgs/{slug}/analytics/research',
    tags: ['Research'],
    summary:
      "Across the organisation's items: each engagement metric's Pearson and Spearman correlation with learning gain (95% bootstrap intervals, n), scatter points with the fitted line, and multivariable models of learning gain and of views on content features (editors, admins and researchers)",
    security: cookieAuth,
    request: { params: z.object({ slug: slugSchema }), query: researchQuerySchema },
    responses: {
      200: jsonContent(
        researchViewSchema,
        'Research view (with an ETag; send it as If-None-Match to ask again)',
      ),
      304: { description: 'Not modified: still the figures of the ETag sent in If-None-Match' },
      ...errorResponses(400, 401, 403, 404),
    },
  }),
}

export function researchRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.research, async (c) => {
    const view = await getResearchView(
      deps,
      c.get('actor'),
      c.req.valid('param').slug,
      c.req.valid('query').outcome,
    )
    c.header('cache-control', 'private, no-cache')
    c.header('etag', view.etag)
    if (c.req.header('if-none-match') === view.etag) return c.body(null, 304)
    return c.body(view.json, 200, { 'content-type': 'application/json' })
  })
  return app
}
