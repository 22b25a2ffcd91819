import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import { authorCardQuerySchema, authorCardSchema } from './author-card.schema.ts'
import { getAuthorCard } from './author-card.service.ts'

const routes = {
  card: createRoute({
    method: 'get',
    path: '/authors/{userId}/card',
    tags: ['Standards'],
    summary: "An author's public card: name, profession, verified registration, disclosure statement",
    description: 'Public (no sign-in). Only for members of the named organisation; anyone else is a 404.',
    request: { params: z.object({ userId: z.string().min(1).max(64) }), query: authorCardQuerySchema },
    responses: { 200: jsonContent(authorCardSchema, 'The card'), ...errorResponses(400, 404) },
  }),
}

export function authorCardRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.card, async (c) =>
    c.json(await getAuthorCard(deps, c.req.valid('param').userId, c.req.valid('query').org), 200),
  )
  return app
}
