import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import type { ContentDeps } from './content.service.ts'
import { correctionCreateSchema, correctionListSchema, correctionSchema } from './corrections.schema.ts'
import { listItemCorrections, postCorrection } from './corrections.service.ts'

const tags = ['Content']
const params = z.object({ slug: slugSchema, itemId: z.string().min(1).max(64) })
const path = '/orgs/{slug}/items/{itemId}/corrections'

const routes = {
  list: createRoute({
    method: 'get',
    path,
    tags,
    summary: "The item's correction notices, oldest first (any member; the notices are public)",
    security: cookieAuth,
    request: { params },
    responses: { 200: jsonContent(correctionListSchema, 'Corrections'), ...errorResponses(401, 403, 404) },
  }),
  post: createRoute({
    method: 'post',
    path,
    tags,
    summary:
      'Post a correction notice on a published or corrected item (editors): stored against the current version, audited, item → corrected',
    security: cookieAuth,
    request: { params, body: jsonBody(correctionCreateSchema) },
    responses: { 201: jsonContent(correctionSchema, 'Posted'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
}

export function correctionRoutes(deps: ContentDeps): Router {
  const app = createRouter()
  app.openapi(routes.list, async (c) => {
    const p = c.req.valid('param')
    return c.json({ corrections: await listItemCorrections(deps, c.get('actor'), p.slug, p.itemId) }, 200)
  })
  app.openapi(routes.post, async (c) => {
    const p = c.req.valid('param')
    return c.json(await postCorrection(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json')), 201)
  })
  return app
}
