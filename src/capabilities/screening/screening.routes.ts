import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import { policySchema, reportSchema, screenInputSchema } from './screening.schema.ts'
import { getPolicy, listRules, type ScreeningDeps, savePolicy, screenForActor } from './screening.service.ts'

const screenRequestSchema = z
  .object({
    /** Which organisation's policy to apply; defaults to your first organisation. */
    organisation: slugSchema.optional(),
    input: screenInputSchema,
  })
  .meta({ id: 'ScreenRequest' })

const policyResponseSchema = z
  .object({
    version: z.string(),
    policy: policySchema.omit({ retractedDois: true }),
    retractedDoiCount: z.number().int(),
    history: z.array(
      z.object({
        version: z.number().int(),
        note: z.string(),
        createdBy: z.object({ id: z.string(), name: z.string() }).nullable(),
        createdAt: z.string(),
      }),
    ),
  })
  .meta({ id: 'ScreeningPolicyState' })

const policySaveSchema = z
  .object({
    policy: policySchema.omit({ version: true }).partial(),
    note: z.string().trim().max(500).default(''),
  })
  .meta({ id: 'ScreeningPolicySave' })

const ruleInfoSchema = z
  .object({
    id: z.string(),
    pack: z.string(),
    category: z.string(),
    severity: z.enum(['block', 'warn', 'info']),
    citation: z.string(),
    description: z.string(),
  })
  .meta({ id: 'ScreeningRule' })

const routes = {
  rules: createRoute({
    method: 'get',
    path: '/screening/rules',
    tags: ['Screening'],
    summary: 'Every screening rule with its pack, default severity, guidance citation and description',
    security: cookieAuth,
    responses: {
      200: jsonContent(z.object({ engineVersion: z.string(), rules: z.array(ruleInfoSchema) }), 'Rules'),
      ...errorResponses(401),
    },
  }),
  screen: createRoute({
    method: 'post',
    path: '/screen',
    tags: ['Screening'],
    summary: "Screen a draft under your organisation's policy (at most 200,000 characters)",
    security: cookieAuth,
    request: { body: jsonBody(screenRequestSchema) },
    responses: { 200: jsonContent(reportSchema, 'The report'), ...errorResponses(400, 401, 403, 404, 413) },
  }),
  getPolicy: createRoute({
    method: 'get',
    path: '/orgs/{slug}/screening-policy',
    tags: ['Screening'],
    summary: "The organisation's screening policy and its versions",
    security: cookieAuth,
    request: { params: z.object({ slug: slugSchema }) },
    responses: { 200: jsonContent(policyResponseSchema, 'Policy'), ...errorResponses(401, 403, 404) },
  }),
  savePolicy: createRoute({
    method: 'put',
    path: '/orgs/{slug}/screening-policy',
    tags: ['Screening'],
    summary: 'Save a new version of the screening policy (admins)',
    security: cookieAuth,
    request: { params: z.object({ slug: slugSchema }), body: jsonBody(policySaveSchema) },
    responses: { 200: jsonContent(policyResponseSchema, 'Saved'), ...errorResponses(400, 401, 403, 404) },
  }),
}

export function screeningRoutes(deps: ScreeningDeps): Router {
  const app = createRouter()
  app.openapi(routes.rules, async (c) => c.json(listRules(c.get('actor')), 200))
  app.openapi(routes.screen, async (c) =>
    c.json(await screenForActor(deps, c.get('actor'), c.req.valid('json')), 200),
  )
  app.openapi(routes.getPolicy, async (c) =>
    c.json(await getPolicy(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.savePolicy, async (c) =>
    c.json(await savePolicy(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 200),
  )
  return app
}
