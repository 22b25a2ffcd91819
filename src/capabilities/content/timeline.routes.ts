import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import type { ContentDeps } from './content.service.ts'
import { timelineSchema } from './timeline.schema.ts'
import { getItemTimeline } from './timeline.service.ts'

const timelineRoute = createRoute({
  method: 'get',
  path: '/orgs/{slug}/items/{itemId}/timeline',
  tags: ['Content'],
  summary:
    'Every audit event about the item, oldest first (its author, editors, its reviewers); anonymous review rounds name nobody the reader may not know',
  security: cookieAuth,
  request: { params: z.object({ slug: slugSchema, itemId: z.string().min(1).max(64) }) },
  responses: { 200: jsonContent(timelineSchema, 'The timeline'), ...errorResponses(401, 403, 404) },
})

export function timelineRoutes(deps: ContentDeps): Router {
  const app = createRouter()
  app.openapi(timelineRoute, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getItemTimeline(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  return app
}
