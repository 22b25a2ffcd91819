import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import { analyticsGroupsSchema } from './groups.schema.ts'
import { analyticsByGroup } from './groups.service.ts'

const tags = ['Engagement']
const orgParams = z.object({ slug: slugSchema })

const routes = {
  series: createRoute({
    method: 'get',
    path: '/orgs/{slug}/analytics/series',
    tags,
    summary:
      'Learning gain, retention, completion, n at each step and reach over time per series (editors, admins and researchers)',
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(analyticsGroupsSchema, 'Per series'), ...errorResponses(401, 403, 404) },
  }),
  channels: createRoute({
    method: 'get',
    path: '/orgs/{slug}/analytics/channels',
    tags,
    summary:
      'Learning gain, retention, completion, n at each step and reach over time per channel an item was published to (editors, admins and researchers)',
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(analyticsGroupsSchema, 'Per channel'), ...errorResponses(401, 403, 404) },
  }),
}

export function analyticsGroupRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.series, async (c) =>
    c.json(await analyticsByGroup(deps, c.get('actor'), c.req.valid('param').slug, 'series'), 200),
  )
  app.openapi(routes.channels, async (c) =>
    c.json(await analyticsByGroup(deps, c.get('actor'), c.req.valid('param').slug, 'channel'), 200),
  )
  return app
}
