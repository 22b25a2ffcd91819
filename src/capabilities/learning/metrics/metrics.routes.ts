import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  engagementOverviewSchema,
  importPreviewSchema,
  itemMetricsSchema,
  metricsImportRequestSchema,
  refreshResultSchema,
} from './metrics.schema.ts'
import {
  getEngagementOverview,
  getItemMetrics,
  importMetrics,
  type MetricsDeps,
  previewMetricsImport,
  refreshItemMetrics,
} from './metrics.service.ts'

const tags = ['Engagement']
const orgParams = z.object({ slug: slugSchema })
const itemParams = orgParams.extend({ itemId: z.string().min(1).max(64) })

const routes = {
  overview: createRoute({
    method: 'get',
    path: '/orgs/{slug}/metrics',
    tags,
    summary:
      'Every published item with the latest engagement metrics of each of its posts (editors, admins and researchers)',
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(engagementOverviewSchema, 'Engagement'), ...errorResponses(401, 403, 404) },
  }),
  item: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/metrics',
    tags,
    summary:
      "One item's latest metrics per post and every snapshot over time (editors, admins and researchers)",
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(itemMetricsSchema, 'Item metrics'), ...errorResponses(401, 403, 404) },
  }),
  refresh: createRoute({
    method: 'post',
    path: '/orgs/{slug}/items/{itemId}/metrics/refresh',
    tags,
    summary:
      "Refresh metrics now: reads each of the item's posts from its platform (a platform's Retry-After still holds)",
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(refreshResultSchema, 'Refreshed'), ...errorResponses(401, 403, 404) },
  }),
  preview: createRoute({
    method: 'post',
    path: '/orgs/{slug}/metrics/imports/preview',
    tags,
    summary:
      'Preview a CSV export (YouTube Studio, Meta Business Suite, X analytics, or mapped columns): matched, unmatched and faulty rows; writes nothing',
    security: cookieAuth,
    request: { params: orgParams, body: jsonBody(metricsImportRequestSchema) },
    responses: {
      200: jsonContent(importPreviewSchema, 'Preview'),
      ...errorResponses(400, 401, 403, 404, 413, 422),
    },
  }),
  import: createRoute({
    method: 'post',
    path: '/orgs/{slug}/metrics/imports',
    tags,
    summary:
      'Import the matched rows of a CSV export as snapshots as of a day; importing the same file again replaces its values',
    security: cookieAuth,
    request: { params: orgParams, body: jsonBody(metricsImportRequestSchema) },
    responses: {
      201: jsonContent(importPreviewSchema, 'Imported'),
      ...errorResponses(400, 401, 403, 404, 413, 422),
    },
  }),
}

export function metricsRoutes(deps: MetricsDeps): Router {
  const app = createRouter()
  app.openapi(routes.overview, async (c) =>
    c.json(await getEngagementOverview(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.item, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getItemMetrics(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.refresh, async (c) => {
    const p = c.req.valid('param')
    return c.json(await refreshItemMetrics(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.preview, async (c) =>
    c.json(
      await previewMetricsImport(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')),
      200,
    ),
  )
  app.openapi(routes.import, async (c) =>
    c.json(await importMetrics(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  return app
}
