import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  attestationCreateSchema,
  attestationSchema,
  declaredConflictCreateSchema,
  declaredConflictSchema,
  memberDisclosuresSchema,
  mitigationCreateSchema,
  mitigationSchema,
  myDisclosuresSchema,
  organisationAuthorSchema,
  relationshipChangeSchema,
  relationshipCreateSchema,
  relationshipUpdateSchema,
  statementSchema,
} from './disclosure.schema.ts'
import {
  addRelationship,
  attest,
  declareConflict,
  getMyDisclosures,
  getMyStatement,
  listMemberDisclosures,
  listMyDeclaredConflicts,
  listOrganisationAuthors,
  recordMitigation,
  removeRelationship,
  updateRelationship,
  withdrawConflict,
} from './disclosure.service.ts'

const id = z.string().min(1).max(64)
const tags = ['Disclosures']

const routes = {
  mine: createRoute({
    method: 'get',
    path: '/me/disclosures',
    tags,
    summary: 'Your disclosure register: relationships in the past 24 months, attestation status, statement',
    security: cookieAuth,
    responses: { 200: jsonContent(myDisclosuresSchema, 'Your register'), ...errorResponses(401) },
  }),
  add: createRoute({
    method: 'post',
    path: '/me/disclosures/relationships',
    tags,
    summary: 'Record a financial relationship with an ineligible company (then attest again)',
    security: cookieAuth,
    request: { body: jsonBody(relationshipCreateSchema) },
    responses: { 201: jsonContent(relationshipChangeSchema, 'Recorded'), ...errorResponses(400, 401) },
  }),
  update: createRoute({
    method: 'patch',
    path: '/me/disclosures/relationships/{relationshipId}',
    tags,
    summary: 'Change a relationship (then attest again)',
    security: cookieAuth,
    request: { params: z.object({ relationshipId: id }), body: jsonBody(relationshipUpdateSchema) },
    responses: { 200: jsonContent(relationshipChangeSchema, 'Changed'), ...errorResponses(400, 401, 404) },
  }),
  remove: createRoute({
    method: 'delete',
    path: '/me/disclosures/relationships/{relationshipId}',
    tags,
    summary: 'Remove a relationship from your register (then attest again)',
    security: cookieAuth,
    request: { params: z.object({ relationshipId: id }) },
    responses: { 204: { description: 'Removed' }, ...errorResponses(401, 404) },
  }),
  attest: createRoute({
    method: 'post',
    path: '/me/disclosures/attestations',
    tags,
    summary: 'Attest "none" or "my list is complete", for 12 months',
    security: cookieAuth,
    request: { body: jsonBody(attestationCreateSchema) },
    responses: {
      201: jsonContent(z.object({ attestation: attestationSchema }), 'Attested'),
      ...errorResponses(400, 401, 409),
    },
  }),
  statement: createRoute({
    method: 'get',
    path: '/me/disclosures/statement',
    tags,
    summary: 'Your plain-language disclosure statement',
    security: cookieAuth,
    responses: { 200: jsonContent(statementSchema, 'The statement'), ...errorResponses(401) },
  }),
  members: createRoute({
    method: 'get',
    path: '/orgs/{slug}/disclosures',
    tags,
    summary: "Members' disclosure status: attested, expiry, relationships and mitigations (editors, admins)",
    security: cookieAuth,
    request: { params: z.object({ slug: slugSchema }) },
    responses: { 200: jsonContent(memberDisclosuresSchema, 'Members'), ...errorResponses(401, 403, 404) },
  }),
  mitigate: createRoute({
    method: 'post',
    path: '/orgs/{slug}/members/{userId}/relationships/{relationshipId}/mitigations',
    tags,
    summary: "Record mitigation steps for a member's relevant relationship (editors)",
    security: cookieAuth,
    request: {
      params: z.object({ slug: slugSchema, userId: id, relationshipId: id }),
      body: jsonBody(mitigationCreateSchema),
    },
    responses: {
      201: jsonContent(z.object({ mitigation: mitigationSchema }), 'Recorded'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  declared: createRoute({
    method: 'get',
    path: '/me/declared-conflicts',
    tags,
    summary: 'Conflicts you declared as a reviewer',
    security: cookieAuth,
    responses: {
      200: jsonContent(z.object({ conflicts: z.array(declaredConflictSchema) }), 'Declared conflicts'),
      ...errorResponses(401),
    },
  }),
  declare: createRoute({
    method: 'post',
    path: '/me/declared-conflicts',
    tags,
    summary: 'Declare a conflict with an author, a company, or both (you will not review their items)',
    description:
      'With an author: name the organisation you chose them from and a category (personal_relationship, supervisor_trainee, financial, other); words are required only for other. The author is never told.',
    security: cookieAuth,
    request: { body: jsonBody(declaredConflictCreateSchema) },
    responses: {
      201: jsonContent(z.object({ conflict: declaredConflictSchema }), 'Declared'),
      ...errorResponses(400, 401, 404, 409),
    },
  }),
  authors: createRoute({
    method: 'get',
    path: '/orgs/{slug}/authors',
    tags,
    summary: "The organisation's authors, by name and profession (members; for declaring a conflict)",
    security: cookieAuth,
    request: { params: z.object({ slug: slugSchema }) },
    responses: {
      200: jsonContent(z.object({ authors: z.array(organisationAuthorSchema) }), 'Authors'),
      ...errorResponses(401, 404),
    },
  }),
  withdraw: createRoute({
    method: 'delete',
    path: '/me/declared-conflicts/{conflictId}',
    tags,
    summary: 'Withdraw a declared conflict',
    security: cookieAuth,
    request: { params: z.object({ conflictId: id }) },
    responses: { 204: { description: 'Withdrawn' }, ...errorResponses(401, 404) },
  }),
}

/** Thin edge: validate, call the use-case, shape the answer. */
export function disclosureRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.mine, async (c) => c.json(await getMyDisclosures(deps, c.get('actor')), 200))
  app.openapi(routes.add, async (c) =>
    c.json(await addRelationship(deps, c.get('actor'), c.req.valid('json')), 201),
  )
  app.openapi(routes.update, async (c) =>
    c.json(
      await updateRelationship(
        deps,
        c.get('actor'),
        c.req.valid('param').relationshipId,
        c.req.valid('json'),
      ),
      200,
    ),
  )
  app.openapi(routes.remove, async (c) => {
    await removeRelationship(deps, c.get('actor'), c.req.valid('param').relationshipId)
    return c.body(null, 204)
  })
  app.openapi(routes.attest, async (c) =>
    c.json({ attestation: await attest(deps, c.get('actor'), c.req.valid('json').kind) }, 201),
  )
  app.openapi(routes.statement, async (c) => c.json(await getMyStatement(deps, c.get('actor')), 200))
  app.openapi(routes.members, async (c) =>
    c.json(await listMemberDisclosures(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.mitigate, async (c) => {
    const { slug, userId, relationshipId } = c.req.valid('param')
    const mitigation = await recordMitigation(
      deps,
      c.get('actor'),
      slug,
      userId,
      relationshipId,
      c.req.valid('json').steps,
    )
    return c.json({ mitigation }, 201)
  })
  app.openapi(routes.declared, async (c) =>
    c.json({ conflicts: await listMyDeclaredConflicts(deps, c.get('actor')) }, 200),
  )
  app.openapi(routes.declare, async (c) =>
    c.json({ conflict: await declareConflict(deps, c.get('actor'), c.req.valid('json')) }, 201),
  )
  app.openapi(routes.authors, async (c) =>
    c.json({ authors: await listOrganisationAuthors(deps, c.get('actor'), c.req.valid('param').slug) }, 200),
  )
  app.openapi(routes.withdraw, async (c) => {
    await withdrawConflict(deps, c.get('actor'), c.req.valid('param').conflictId)
    return c.body(null, 204)
  })
  return app
}
