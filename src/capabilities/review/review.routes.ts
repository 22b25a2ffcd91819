import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { versionDiffSchema } from '#src/capabilities/content/content.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  approvalSchema,
  assignRequestSchema,
  candidatesSchema,
  decisionRequestSchema,
  declineRequestSchema,
  reviewDraftSchema,
  reviewSchema,
  reviewVersionSchema,
  roundSchema,
} from './review.schema.ts'
import {
  assignReviewers,
  decideReview,
  declineAssignment,
  getReviewDiff,
  getReviewRound,
  getReviewVersion,
  listItemApprovals,
  listMyAssignments,
  listReviewerCandidates,
  type ReviewDeps,
  saveReview,
  submitReview,
} from './review.service.ts'

const tags = ['Review']

const myAssignmentsSchema = z
  .object({
    assignments: z.array(
      z.object({
        assignmentId: z.string(),
        itemId: z.string(),
        kind: z.string(),
        title: z.string(),
        itemState: z.string(),
        versionNumber: z.number().int(),
        status: z.enum(['assigned', 'declined', 'submitted']),
        dueAt: z.string(),
        assignedAt: z.string(),
        decided: z.boolean(),
        overdue: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'MyReviewAssignments' })

const myAssignmentsRoute = createRoute({
  method: 'get',
  path: '/orgs/{slug}/me/reviews',
  tags,
  summary: 'Your review assignments in this organisation, open ones first, soonest due first',
  security: cookieAuth,
  request: { params: z.object({ slug: slugSchema }) },
  responses: { 200: jsonContent(myAssignmentsSchema, 'Assignments'), ...errorResponses(401, 403, 404) },
})
const id = z.string().min(1).max(64)
const itemParams = z.object({ slug: slugSchema, itemId: id })
const assignmentParams = itemParams.extend({ assignmentId: id })
const base = '/orgs/{slug}/items/{itemId}/review'

const routes = {
  candidates: createRoute({
    method: 'get',
    path: `${base}/candidates`,
    tags,
    summary: "The organisation's reviewers for this item: eligible, and excluded with the reasons (editors)",
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(candidatesSchema, 'Candidates'), ...errorResponses(401, 403, 404) },
  }),
  assign: createRoute({
    method: 'post',
    path: `${base}/assignments`,
    tags,
    summary:
      "Assign reviewers (editors): opens a round on a submitted item and moves it to in_review, or replaces a reviewer who declined; the round must reach the organisation's required number",
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(assignRequestSchema) },
    responses: { 201: jsonContent(roundSchema, 'Assigned'), ...errorResponses(400, 401, 403, 404, 409, 422) },
  }),
  round: createRoute({
    method: 'get',
    path: base,
    tags,
    summary:
      'The current review round: all reviews with aggregated scores for editors, their own for a reviewer, the decision for the author; anonymous rounds label author and reviewers',
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(roundSchema, 'The round'), ...errorResponses(401, 403, 404) },
  }),
  version: createRoute({
    method: 'get',
    path: `${base}/version`,
    tags,
    summary: 'The version under review with its overrides, for its assigned reviewers',
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(reviewVersionSchema, 'The version'), ...errorResponses(401, 403, 404) },
  }),
  diff: createRoute({
    method: 'get',
    path: `${base}/diff`,
    tags,
    summary:
      'What changed between an earlier version and the version under review: for its reviewers from a version they reviewed, for editors from any; anonymous rounds leave out who saved each version',
    security: cookieAuth,
    request: { params: itemParams, query: z.object({ from: z.coerce.number().int().positive() }) },
    responses: { 200: jsonContent(versionDiffSchema, 'The diff'), ...errorResponses(400, 401, 403, 404) },
  }),
  save: createRoute({
    method: 'put',
    path: `${base}/assignments/{assignmentId}`,
    tags,
    summary:
      'Save your review so far (the assigned reviewer): no-conflict declaration, rMETRIQ items 0–3, accuracy and utility 1–7, span comments, recommendation',
    security: cookieAuth,
    request: { params: assignmentParams, body: jsonBody(reviewDraftSchema) },
    responses: { 200: jsonContent(reviewSchema, 'Saved'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  submit: createRoute({
    method: 'post',
    path: `${base}/assignments/{assignmentId}/submit`,
    tags,
    summary: 'Submit your review, once (the assigned reviewer); REVIEW_INCOMPLETE names what is missing',
    security: cookieAuth,
    request: { params: assignmentParams },
    responses: { 200: jsonContent(reviewSchema, 'Submitted'), ...errorResponses(401, 403, 404, 409, 422) },
  }),
  decline: createRoute({
    method: 'post',
    path: `${base}/assignments/{assignmentId}/decline`,
    tags,
    summary: 'Decline the review with a reason (the assigned reviewer); the editor assigns someone else',
    security: cookieAuth,
    request: { params: assignmentParams, body: jsonBody(declineRequestSchema) },
    responses: { 200: jsonContent(reviewSchema, 'Declined'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  decide: createRoute({
    method: 'post',
    path: `${base}/decision`,
    tags,
    summary:
      'Decide the round with a message to the author (editors): accept (approved, bound to the content hash), revise (changes requested) or reject',
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(decisionRequestSchema) },
    responses: { 200: jsonContent(roundSchema, 'Decided'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  approvals: createRoute({
    method: 'get',
    path: '/orgs/{slug}/items/{itemId}/approvals',
    tags,
    summary:
      'Who approved which content hash and when, and whether the approval holds, was voided or expired',
    security: cookieAuth,
    request: { params: itemParams },
    responses: {
      200: jsonContent(z.object({ approvals: z.array(approvalSchema) }), 'Approvals'),
      ...errorResponses(401, 403, 404),
    },
  }),
}

export function reviewRoutes(deps: ReviewDeps): Router {
  const app = createRouter()
  app.openapi(myAssignmentsRoute, async (c) =>
    c.json(await listMyAssignments(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.candidates, async (c) => {
    const p = c.req.valid('param')
    return c.json(await listReviewerCandidates(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.assign, async (c) => {
    const p = c.req.valid('param')
    return c.json(await assignReviewers(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json')), 201)
  })
  app.openapi(routes.round, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getReviewRound(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.version, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getReviewVersion(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.diff, async (c) => {
    const p = c.req.valid('param')
    return c.json(await getReviewDiff(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('query').from), 200)
  })
  app.openapi(routes.save, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      await saveReview(deps, c.get('actor'), p.slug, p.itemId, p.assignmentId, c.req.valid('json')),
      200,
    )
  })
  app.openapi(routes.submit, async (c) => {
    const p = c.req.valid('param')
    return c.json(await submitReview(deps, c.get('actor'), p.slug, p.itemId, p.assignmentId), 200)
  })
  app.openapi(routes.decline, async (c) => {
    const p = c.req.valid('param')
    const { reason } = c.req.valid('json')
    return c.json(
      await declineAssignment(deps, c.get('actor'), p.slug, p.itemId, p.assignmentId, reason),
      200,
    )
  })
  app.openapi(routes.decide, async (c) => {
    const p = c.req.valid('param')
    return c.json(await decideReview(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json')), 200)
  })
  app.openapi(routes.approvals, async (c) => {
    const p = c.req.valid('param')
    return c.json({ approvals: await listItemApprovals(deps, c.get('actor'), p.slug, p.itemId) }, 200)
  })
  return app
}
