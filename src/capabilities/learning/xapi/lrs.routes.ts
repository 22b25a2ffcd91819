import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  createLrsClientSchema,
  forwardingResponseSchema,
  lrsClientCreatedSchema,
  lrsClientListSchema,
  lrsClientSchema,
  setForwardingSchema,
} from './lrs.schema.ts'
import {
  createLrsClient,
  listLrsClients,
  lrsClientAdmin,
  lrsEndpoint,
  revokeLrsClient,
} from './lrs-clients.service.ts'
import { getForwarding, type LrsDeps, removeForwarding, setForwarding } from './lrs-forwarding.service.ts'

const tags = ['Learning records']
const slugParam = z.object({ slug: z.string().min(1).max(100) })

const routes = {
  list: createRoute({
    method: 'get',
    path: '/orgs/{slug}/lrs-clients',
    tags,
    summary: "The organisation's LRS clients (credentials for /xapi/) and the endpoint (admins)",
    security: cookieAuth,
    request: { params: slugParam },
    responses: { 200: jsonContent(lrsClientListSchema, 'Clients'), ...errorResponses(401, 403, 404) },
  }),
  create: createRoute({
    method: 'post',
    path: '/orgs/{slug}/lrs-clients',
    tags,
    summary: 'Create LRS client credentials; the secret is in this response only (admins)',
    security: cookieAuth,
    request: { params: slugParam, body: jsonBody(createLrsClientSchema) },
    responses: {
      201: jsonContent(lrsClientCreatedSchema, 'Created'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  revoke: createRoute({
    method: 'post',
    path: '/orgs/{slug}/lrs-clients/{clientId}/revoke',
    tags,
    summary: 'Revoke an LRS client: its credentials stop working at once (admins)',
    security: cookieAuth,
    request: { params: slugParam.extend({ clientId: z.string().min(1).max(64) }) },
    responses: { 200: jsonContent(lrsClientSchema, 'Revoked'), ...errorResponses(401, 403, 404) },
  }),
  getForwarding: createRoute({
    method: 'get',
    path: '/orgs/{slug}/lrs-forwarding',
    tags,
    summary:
      'The external LRS statements are forwarded to (never its secret), and what is still waiting (admins)',
    security: cookieAuth,
    request: { params: slugParam },
    responses: { 200: jsonContent(forwardingResponseSchema, 'Forwarding'), ...errorResponses(401, 403, 404) },
  }),
  setForwarding: createRoute({
    method: 'put',
    path: '/orgs/{slug}/lrs-forwarding',
    tags,
    summary: 'Forward every statement stored from now on to an external LRS (admins)',
    security: cookieAuth,
    request: { params: slugParam, body: jsonBody(setForwardingSchema) },
    responses: {
      200: jsonContent(forwardingResponseSchema, 'Forwarding'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  removeForwarding: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/lrs-forwarding',
    tags,
    summary: 'Stop forwarding; statements not yet sent stay only in Rounds (admins)',
    security: cookieAuth,
    request: { params: slugParam },
    responses: { 200: jsonContent(forwardingResponseSchema, 'Removed'), ...errorResponses(401, 403, 404) },
  }),
}

export function lrsRoutes(deps: LrsDeps): Router {
  const app = createRouter()
  app.openapi(routes.list, async (c) => {
    const { slug } = c.req.valid('param')
    const clients = await listLrsClients(deps, c.get('actor'), slug)
    return c.json({ clients, endpoint: lrsEndpoint(deps.publicBaseUrl) }, 200)
  })
  app.openapi(routes.create, async (c) => {
    const { org, actorId } = await lrsClientAdmin(deps, c.get('actor'), c.req.valid('param').slug)
    const created = await createLrsClient(deps, {
      organisationId: org.id,
      name: c.req.valid('json').name,
      actorId,
    })
    return c.json(created, 201)
  })
  app.openapi(routes.revoke, async (c) => {
    const { slug, clientId } = c.req.valid('param')
    return c.json(await revokeLrsClient(deps, c.get('actor'), slug, clientId), 200)
  })
  app.openapi(routes.getForwarding, async (c) =>
    c.json({ forwarding: await getForwarding(deps, c.get('actor'), c.req.valid('param').slug) }, 200),
  )
  app.openapi(routes.setForwarding, async (c) => {
    const forwarding = await setForwarding(
      deps,
      c.get('actor'),
      c.req.valid('param').slug,
      c.req.valid('json'),
    )
    return c.json({ forwarding }, 200)
  })
  app.openapi(routes.removeForwarding, async (c) => {
    await removeForwarding(deps, c.get('actor'), c.req.valid('param').slug)
    return c.json({ forwarding: null }, 200)
  })
  return app
}
