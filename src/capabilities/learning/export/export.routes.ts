import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  codebookSchema,
  exportRequestSchema,
  researchExportListSchema,
  researchExportSchema,
} from './export.schema.ts'
import {
  type ExportDeps,
  getResearchCodebook,
  getResearchExport,
  listResearchExports,
  openResearchExport,
  requestResearchExport,
} from './export.service.ts'

const tags = ['Research']
const orgParams = z.object({ slug: slugSchema })
const exportParams = orgParams.extend({ exportId: z.string().min(1).max(64) })

const routes = {
  request: createRoute({
    method: 'post',
    path: '/orgs/{slug}/research/exports',
    tags,
    summary:
      'Request an anonymised research export (k, date range, granularity): built in the background into a ZIP of CSV tables with a codebook (editors, admins and researchers)',
    security: cookieAuth,
    request: { params: orgParams, body: jsonBody(exportRequestSchema) },
    responses: {
      202: jsonContent(researchExportSchema, 'Queued; poll the export for progress'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  list: createRoute({
    method: 'get',
    path: '/orgs/{slug}/research/exports',
    tags,
    summary:
      "The organisation's research exports, newest first, with status and progress (editors, admins and researchers)",
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(researchExportListSchema, 'Exports'), ...errorResponses(401, 403, 404) },
  }),
  codebook: createRoute({
    method: 'get',
    path: '/orgs/{slug}/research/exports/codebook',
    tags,
    summary:
      'The codebook of a research export: every column of every table, its type, unit, allowed values, derivation and suppression rule',
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(codebookSchema, 'Codebook'), ...errorResponses(401, 403, 404) },
  }),
  get: createRoute({
    method: 'get',
    path: '/orgs/{slug}/research/exports/{exportId}',
    tags,
    summary: 'One research export: status, stage, progress, and once ready its tables, size and expiry',
    security: cookieAuth,
    request: { params: exportParams },
    responses: { 200: jsonContent(researchExportSchema, 'Export'), ...errorResponses(401, 403, 404) },
  }),
  download: createRoute({
    method: 'get',
    path: '/orgs/{slug}/research/exports/{exportId}/download',
    tags,
    summary: "Download a ready export's ZIP (until the retention period ends; the download is audited)",
    security: cookieAuth,
    request: { params: exportParams },
    responses: {
      200: {
        description: 'The ZIP',
        content: { 'application/zip': { schema: z.string().meta({ format: 'binary' }) } },
      },
      ...errorResponses(401, 403, 404, 409, 410),
    },
  }),
}

export function researchExportRoutes(deps: ExportDeps): Router {
  const app = createRouter()
  app.openapi(routes.request, async (c) =>
    c.json(
      await requestResearchExport(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')),
      202,
    ),
  )
  app.openapi(routes.list, async (c) =>
    c.json(await listResearchExports(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.codebook, async (c) =>
    c.json(await getResearchCodebook(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.get, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getResearchExport(deps, c.get('actor'), p.slug, p.exportId), 200)
  })
  app.openapi(routes.download, async (c) => {
    const p = c.req.valid('param')
    const file = await openResearchExport(deps, c.get('actor'), p.slug, p.exportId)
    c.header('content-type', 'application/zip')
    c.header('cache-control', 'private, no-store')
    c.header('content-disposition', `attachment; filename="${file.filename}"`)
    c.header('content-length', String(file.size))
    return c.body(file.body, 200)
  })
  return app
}
