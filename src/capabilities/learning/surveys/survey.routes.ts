import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  attachSurveySchema,
  surveyAttachmentSchema,
  surveyContentSchema,
  surveyDetailSchema,
  surveyListSchema,
  surveyResultsQuerySchema,
  surveyResultsSchema,
  surveyTemplatesSchema,
} from './survey.schema.ts'
import {
  archiveSurvey,
  attachSurvey,
  createSurvey,
  deleteSurvey,
  detachSurvey,
  exportSurveyResponses,
  getSurvey,
  listSurveys,
  listSurveyTemplates,
  surveyResults,
  updateSurvey,
} from './survey.service.ts'

const tags = ['Surveys']
const orgParams = z.object({ slug: slugSchema })
const surveyParams = orgParams.extend({ surveyId: z.string().min(1).max(64) })
const attachmentParams = surveyParams.extend({ attachmentId: z.string().min(1).max(64) })
/** Who reaches a route: reading (analytics.read) or building and attaching (analytics.manage). */
const readers = '(editors, admins and researchers)'
const who = '(editors and admins)'

const routes = {
  list: createRoute({
    method: 'get',
    path: '/orgs/{slug}/surveys',
    tags,
    summary: `The organisation's survey instruments with their version, responses and attachments ${readers}`,
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(surveyListSchema, 'Surveys'), ...errorResponses(401, 403, 404) },
  }),
  templates: createRoute({
    method: 'get',
    path: '/orgs/{slug}/surveys/templates',
    tags,
    summary: `Starting points for common instruments: perceived usefulness, satisfaction, intention to change practice ${readers}`,
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(surveyTemplatesSchema, 'Templates'), ...errorResponses(401, 403, 404) },
  }),
  create: createRoute({
    method: 'post',
    path: '/orgs/{slug}/surveys',
    tags,
    summary: `Create a survey: title, introduction and ordered Likert, multiple-choice and free-text questions ${who}`,
    security: cookieAuth,
    request: { params: orgParams, body: jsonBody(surveyContentSchema) },
    responses: {
      201: jsonContent(surveyDetailSchema, 'Created (version 1)'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  get: createRoute({
    method: 'get',
    path: '/orgs/{slug}/surveys/{surveyId}',
    tags,
    summary: `A survey's current version, its versions with their responses, and where it is attached ${readers}`,
    security: cookieAuth,
    request: { params: surveyParams },
    responses: { 200: jsonContent(surveyDetailSchema, 'The survey'), ...errorResponses(401, 403, 404) },
  }),
  update: createRoute({
    method: 'put',
    path: '/orgs/{slug}/surveys/{surveyId}',
    tags,
    summary: `Save a survey: in place while its version has no responses, else as the next version ${who}`,
    security: cookieAuth,
    request: { params: surveyParams, body: jsonBody(surveyContentSchema) },
    responses: { 200: jsonContent(surveyDetailSchema, 'Saved'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  archive: createRoute({
    method: 'post',
    path: '/orgs/{slug}/surveys/{surveyId}/archive',
    tags,
    summary: `Archive a survey: learners stop seeing it; its responses stay ${who}`,
    security: cookieAuth,
    request: { params: surveyParams },
    responses: { 200: jsonContent(surveyDetailSchema, 'Archived'), ...errorResponses(401, 403, 404) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/surveys/{surveyId}',
    tags,
    summary: `Delete a survey nobody has answered (one with responses is archived instead: 409) ${who}`,
    security: cookieAuth,
    request: { params: surveyParams },
    responses: { 204: { description: 'Deleted' }, ...errorResponses(401, 403, 404, 409) },
  }),
  attach: createRoute({
    method: 'post',
    path: '/orgs/{slug}/surveys/{surveyId}/attachments',
    tags,
    summary: `Show a survey with an item or every item of a series: after the post quiz, after the content or with the delayed quiz ${who}`,
    security: cookieAuth,
    request: { params: surveyParams, body: jsonBody(attachSurveySchema) },
    responses: {
      201: jsonContent(surveyAttachmentSchema, 'Attached'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  detach: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/surveys/{surveyId}/attachments/{attachmentId}',
    tags,
    summary: `Stop showing a survey there (refused once learners answered there: 409) ${who}`,
    security: cookieAuth,
    request: { params: attachmentParams },
    responses: { 204: { description: 'Detached' }, ...errorResponses(401, 403, 404, 409) },
  }),
  results: createRoute({
    method: 'get',
    path: '/orgs/{slug}/surveys/{surveyId}/results',
    tags,
    summary: `Per question of one version, through every attachment or one: n, counts per option, the Likert distribution, mean and median; the attachments with their responses ${readers}`,
    security: cookieAuth,
    request: { params: surveyParams, query: surveyResultsQuerySchema },
    responses: { 200: jsonContent(surveyResultsSchema, 'Summary'), ...errorResponses(400, 401, 403, 404) },
  }),
  exportCsv: createRoute({
    method: 'get',
    path: '/orgs/{slug}/surveys/{surveyId}/responses.csv',
    tags,
    summary: `Every response as CSV: a row per response, a column per question, learners pseudonymised afresh for each export ${readers}`,
    security: cookieAuth,
    request: { params: surveyParams },
    responses: {
      200: {
        description: 'CSV (RFC 4180, UTF-8)',
        content: { 'text/csv': { schema: z.string() } },
      },
      ...errorResponses(401, 403, 404),
    },
  }),
}

/** Editors' and admins' survey builder, attachments, results and export. */
export function surveyRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.list, async (c) =>
    c.json(await listSurveys(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.templates, async (c) => {
    await listSurveys(deps, c.get('actor'), c.req.valid('param').slug)
    return c.json(listSurveyTemplates(), 200)
  })
  app.openapi(routes.create, async (c) =>
    c.json(await createSurvey(deps, c.get('actor'), c.req.valid('param').slug, c.req.valid('json')), 201),
  )
  app.openapi(routes.get, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getSurvey(deps, c.get('actor'), p.slug, p.surveyId), 200)
  })
  app.openapi(routes.update, async (c) => {
    const p = c.req.valid('param')
    return c.json(await updateSurvey(deps, c.get('actor'), p.slug, p.surveyId, c.req.valid('json')), 200)
  })
  app.openapi(routes.archive, async (c) => {
    const p = c.req.valid('param')
    return c.json(await archiveSurvey(deps, c.get('actor'), p.slug, p.surveyId), 200)
  })
  app.openapi(routes.remove, async (c) => {
    const p = c.req.valid('param')
    await deleteSurvey(deps, c.get('actor'), p.slug, p.surveyId)
    return c.body(null, 204)
  })
  app.openapi(routes.attach, async (c) => {
    const p = c.req.valid('param')
    return c.json(await attachSurvey(deps, c.get('actor'), p.slug, p.surveyId, c.req.valid('json')), 201)
  })
  app.openapi(routes.detach, async (c) => {
    const p = c.req.valid('param')
    await detachSurvey(deps, c.get('actor'), p.slug, p.surveyId, p.attachmentId)
    return c.body(null, 204)
  })
  app.openapi(routes.results, async (c) => {
    const p = c.req.valid('param')
    return c.json(await surveyResults(deps, c.get('actor'), p.slug, p.surveyId, c.req.valid('query')), 200)
  })
  app.openapi(routes.exportCsv, async (c) => {
    const p = c.req.valid('param')
    const { filename, csv } = await exportSurveyResponses(deps, c.get('actor'), p.slug, p.surveyId)
    return c.body(csv, 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${filename}"`,
      'cache-control': 'private, no-store',
    })
  })
  return app
}
