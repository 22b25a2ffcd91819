import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import { organisationSettingsSchema, organisationSettingsUpdateSchema } from './settings.schema.ts'
import { getOrganisationSettings, updateOrganisationSettings } from './settings.service.ts'

const params = z.object({ slug: slugSchema })

const routes = {
  get: createRoute({
    method: 'get',
    path: '/orgs/{slug}/settings',
    tags: ['Standards'],
    summary: 'Guidance followed, training validity, reviewers required, approval expiry',
    security: cookieAuth,
    request: { params },
    responses: { 200: jsonContent(organisationSettingsSchema, 'Settings'), ...errorResponses(401, 403, 404) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/orgs/{slug}/settings',
    tags: ['Standards'],
    summary: "Change the organisation's settings (admins)",
    security: cookieAuth,
    request: { params, body: jsonBody(organisationSettingsUpdateSchema) },
    responses: {
      200: jsonContent(organisationSettingsSchema, 'Saved'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
}

export function settingsRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.get, async (c) =>
    c.json(await getOrganisationSettings(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.update, async (c) =>
    c.json(
      await updateOrganisationSettings(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')),
      200,
    ),
  )
  return app
}
