import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  itemCreateSchema,
  itemListEntrySchema,
  itemSchema,
  itemStateSchema,
  itemUpdateSchema,
  overrideCreateSchema,
  overrideSchema,
  seriesCreateSchema,
  seriesSchema,
  submitResultSchema,
  transitionRequestSchema,
  versionDiffSchema,
  versionSchema,
  versionSummarySchema,
} from './content.schema.ts'
import {
  type ContentDeps,
  createItem,
  createSeries,
  diffItemVersions,
  getItem,
  getItemVersion,
  listItemsFor,
  listItemVersions,
  listSeriesFor,
  overrideFinding,
  submitItem,
  updateItem,
  withdrawItem,
} from './content.service.ts'

const tags = ['Content']
const id = z.string().min(1).max(64)
const org = z.object({ slug: slugSchema })
const itemParams = org.extend({ itemId: id })
const versionNumber = z.coerce.number().int().positive()
const versionParams = itemParams.extend({ version: versionNumber })

const routes = {
  listSeries: createRoute({
    method: 'get',
    path: '/orgs/{slug}/series',
    tags,
    summary: "The organisation's series",
    security: cookieAuth,
    request: { params: org },
    responses: {
      200: jsonContent(z.object({ series: z.array(seriesSchema) }), 'Series'),
      ...errorResponses(401, 403, 404),
    },
  }),
  createSeries: createRoute({
    method: 'post',
    path: '/orgs/{slug}/series',
    tags,
    summary: 'Create a series (authors and editors)',
    security: cookieAuth,
    request: { params: org, body: jsonBody(seriesCreateSchema) },
    responses: { 201: jsonContent(seriesSchema, 'Created'), ...errorResponses(400, 401, 403, 404) },
  }),
  list: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items',
    tags,
    summary: 'Items you may read: all of them for editors, your own otherwise',
    security: cookieAuth,
    request: { params: org, query: z.object({ state: itemStateSchema.optional() }) },
    responses: {
      200: jsonContent(z.object({ items: z.array(itemListEntrySchema) }), 'Items'),
      ...errorResponses(400, 401, 404),
    },
  }),
  create: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items',
    tags,
    summary: 'Create a draft (authors)',
    security: cookieAuth,
    request: { params: org, body: jsonBody(itemCreateSchema) },
    responses: { 201: jsonContent(itemSchema, 'Created'), ...errorResponses(400, 401, 403, 404) },
  }),
  get: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}',
    tags,
    summary: 'An item with its state, working copy, latest version and overrides (its author and editors)',
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(itemSchema, 'The item'), ...errorResponses(401, 403, 404) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/orgs/{slug}/items/{itemId}',
    tags,
    summary:
      'Save changes (its author). Drafts update in place; after submission each change is a new version; editing an approved item voids the approval',
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(itemUpdateSchema) },
    responses: { 200: jsonContent(itemSchema, 'Saved'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  versions: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/versions',
    tags,
    summary: "The item's immutable versions, newest first",
    security: cookieAuth,
    request: { params: itemParams },
    responses: {
      200: jsonContent(z.object({ versions: z.array(versionSummarySchema) }), 'Versions'),
      ...errorResponses(401, 403, 404),
    },
  }),
  version: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/versions/{version}',
    tags,
    summary: 'One version with its screening report and the overrides on it',
    security: cookieAuth,
    request: { params: versionParams },
    responses: { 200: jsonContent(versionSchema, 'The version'), ...errorResponses(400, 401, 403, 404) },
  }),
  diff: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/diff',
    tags,
    summary: 'What changed between two versions: text as unified-diff hunks, other fields before/after',
    security: cookieAuth,
    request: { params: itemParams, query: z.object({ from: versionNumber, to: versionNumber }) },
    responses: { 200: jsonContent(versionDiffSchema, 'The diff'), ...errorResponses(400, 401, 403, 404) },
  }),
  submit: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items/{itemId}/submit',
    tags,
    summary:
      'Submit for review (its author): the standards gate, then screening of the exact version; refused with SCREENING_BLOCKED (422) while blocking findings remain',
    security: cookieAuth,
    request: { params: itemParams },
    responses: {
      200: jsonContent(submitResultSchema, 'Submitted'),
      ...errorResponses(401, 403, 404, 409, 422),
    },
  }),
  override: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items/{itemId}/versions/{version}/overrides',
    tags,
    summary: 'Override one blocking finding on one version, with a written reason (editors)',
    security: cookieAuth,
    request: { params: versionParams, body: jsonBody(overrideCreateSchema) },
    responses: { 201: jsonContent(overrideSchema, 'Overridden'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  withdraw: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items/{itemId}/withdraw',
    tags,
    summary: 'Withdraw the item (its author before approval; editors at any live stage)',
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(transitionRequestSchema) },
    responses: { 200: jsonContent(itemSchema, 'Withdrawn'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
}

export function contentRoutes(deps: ContentDeps): Router {
  const app = createRouter()
  app.openapi(routes.listSeries, async (c) =>
    c.json({ series: await listSeriesFor(deps, c.get('actor'), c.req.valid('param').slug) }, 200),
  )
  app.openapi(routes.createSeries, async (c) =>
    c.json(await createSeries(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(routes.list, async (c) => {
    const { state } = c.req.valid('query')
    const items = await listItemsFor(deps, c.get('actor'), c.req.valid('param').slug, state ? { state } : {})
    return c.json({ items }, 200)
  })
  app.openapi(routes.create, async (c) =>
    c.json(await createItem(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(routes.get, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getItem(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.update, async (c) => {
    const p = c.req.valid('param')
    return c.json(await updateItem(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json')), 200)
  })
  app.openapi(routes.versions, async (c) => {
    const p = c.req.valid('param')
    return c.json({ versions: await listItemVersions(deps, c.get('actor'), p.slug, p.itemId) }, 200)
  })
  app.openapi(routes.version, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getItemVersion(deps, c.get('actor'), p.slug, p.itemId, p.version), 200)
  })
  app.openapi(routes.diff, async (c) => {
    const p = c.req.valid('param')
    const q = c.req.valid('query')
    return c.json(await diffItemVersions(deps, c.get('actor'), p.slug, p.itemId, q.from, q.to), 200)
  })
  app.openapi(routes.submit, async (c) => {
    const p = c.req.valid('param')
    return c.json(await submitItem(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.override, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      await overrideFinding(deps, c.get('actor'), p.slug, p.itemId, p.version, c.req.valid('json')),
      201,
    )
  })
  app.openapi(routes.withdraw, async (c) => {
    const p = c.req.valid('param')
    return c.json(await withdrawItem(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json').reason), 200)
  })
  return app
}
