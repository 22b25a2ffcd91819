import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import { readinessSchema } from './gate.schema.ts'
import { checkSubmissionReadiness } from './gate.ts'

const readinessRoute = createRoute({
  method: 'get',
  path: '/orgs/{slug}/me/readiness',
  tags: ['Standards'],
  summary: 'What you still need before you can submit content for review here (training, name, disclosures)',
  security: cookieAuth,
  request: { params: z.object({ slug: slugSchema }) },
  responses: { 200: jsonContent(readinessSchema, 'Readiness'), ...errorResponses(401, 403, 404) },
})

export function gateRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(readinessRoute, async (c) => {
    const actor = c.get('actor')
    const org = await resolveOrganisation(deps, actor, c.req.valid('param').slug, 'screening.use')
    const userId = actor.kind === 'user' ? actor.userId : ''
    return c.json(await checkSubmissionReadiness(deps.db, userId, org, deps.clock.now()), 200)
  })
  return app
}
