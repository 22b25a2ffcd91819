import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  identitySchema,
  identityUpdateSchema,
  invitationAcceptSchema,
  invitationCreateSchema,
  invitationPreviewSchema,
  invitationSchema,
  memberSchema,
  membersResponseSchema,
  meSchema,
  organisationCreateSchema,
  organisationSchema,
  roleSchema,
  rolesUpdateSchema,
  slugSchema,
  verificationCreateSchema,
} from './accounts.schema.ts'
import {
  type AccountsDeps,
  acceptInvitation,
  createOrganisation,
  getMe,
  inviteMember,
  listOrganisationMembers,
  previewInvitation,
  removeMember,
  unverifyIdentity,
  updateIdentity,
  updateMemberRoles,
  verifyIdentity,
} from './accounts.service.ts'

const orgParams = z.object({ slug: slugSchema })
const memberParams = z.object({ slug: slugSchema, userId: z.string().min(1).max(64) })

const routes = {
  me: createRoute({
    method: 'get',
    path: '/me',
    tags: ['Accounts'],
    summary: 'The signed-in user, their identity, organisations, roles and permissions',
    security: cookieAuth,
    responses: { 200: jsonContent(meSchema, 'The signed-in user'), ...errorResponses(401) },
  }),
  updateIdentity: createRoute({
    method: 'put',
    path: '/me/identity',
    tags: ['Accounts'],
    summary: 'Update your professional identity (a changed registration needs verifying again)',
    security: cookieAuth,
    request: { body: jsonBody(identityUpdateSchema) },
    responses: { 200: jsonContent(identitySchema, 'The saved identity'), ...errorResponses(400, 401) },
  }),
  createOrganisation: createRoute({
    method: 'post',
    path: '/orgs',
    tags: ['Organisations'],
    summary: 'Create an organisation; you become its admin',
    security: cookieAuth,
    request: { body: jsonBody(organisationCreateSchema) },
    responses: {
      201: jsonContent(z.object({ organisation: organisationSchema }), 'Created'),
      ...errorResponses(400, 401, 409),
    },
  }),
  listMembers: createRoute({
    method: 'get',
    path: '/orgs/{slug}/members',
    tags: ['Organisations'],
    summary: 'Members with roles and identity, and open invitations',
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(membersResponseSchema, 'Members'), ...errorResponses(401, 403, 404) },
  }),
  updateRoles: createRoute({
    method: 'put',
    path: '/orgs/{slug}/members/{userId}/roles',
    tags: ['Organisations'],
    summary: "Replace a member's roles",
    security: cookieAuth,
    request: { params: memberParams, body: jsonBody(rolesUpdateSchema) },
    responses: {
      200: jsonContent(z.object({ member: memberSchema }), 'The member'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  removeMember: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/members/{userId}',
    tags: ['Organisations'],
    summary: 'Remove a member from the organisation',
    security: cookieAuth,
    request: { params: memberParams },
    responses: { 204: { description: 'Removed' }, ...errorResponses(401, 403, 404, 409) },
  }),
  invite: createRoute({
    method: 'post',
    path: '/orgs/{slug}/invitations',
    tags: ['Organisations'],
    summary: 'Invite someone by email with roles',
    security: cookieAuth,
    request: { params: orgParams, body: jsonBody(invitationCreateSchema) },
    responses: {
      201: jsonContent(z.object({ invitation: invitationSchema }), 'Invited'),
      ...errorResponses(400, 401, 403, 404),
    },
  }),
  previewInvitation: createRoute({
    method: 'get',
    path: '/invitations/{token}',
    tags: ['Organisations'],
    summary: 'What an invitation offers (anyone holding the link)',
    request: { params: z.object({ token: z.string().min(20).max(200) }) },
    responses: { 200: jsonContent(invitationPreviewSchema, 'The invitation'), ...errorResponses(404, 410) },
  }),
  acceptInvitation: createRoute({
    method: 'post',
    path: '/invitations/accept',
    tags: ['Organisations'],
    summary: 'Accept an invitation as the signed-in user',
    security: cookieAuth,
    request: { body: jsonBody(invitationAcceptSchema) },
    responses: {
      200: jsonContent(
        z.object({
          organisation: z.object({ slug: z.string(), name: z.string() }),
          roles: z.array(roleSchema),
        }),
        'Joined',
      ),
      ...errorResponses(400, 401, 404, 410),
    },
  }),
  verify: createRoute({
    method: 'post',
    path: '/orgs/{slug}/members/{userId}/identity/verification',
    tags: ['Organisations'],
    summary: "Verify a member's professional registration, noting the evidence seen",
    security: cookieAuth,
    request: { params: memberParams, body: jsonBody(verificationCreateSchema) },
    responses: { 200: jsonContent(identitySchema, 'Verified'), ...errorResponses(400, 401, 403, 404, 409) },
  }),
  unverify: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/members/{userId}/identity/verification',
    tags: ['Organisations'],
    summary: 'Withdraw a verification',
    security: cookieAuth,
    request: { params: memberParams },
    responses: { 200: jsonContent(identitySchema, 'Unverified'), ...errorResponses(401, 403, 404) },
  }),
}

/** Thin edge: validate, call the use-case, shape the answer. */
export function accountsRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.me, async (c) => c.json(await getMe(deps, c.get('actor')), 200))
  app.openapi(routes.updateIdentity, async (c) =>
    c.json(await updateIdentity(deps, c.get('actor'), c.req.valid('json')), 200),
  )
  app.openapi(routes.createOrganisation, async (c) => {
    const organisation = await createOrganisation(deps, c.get('actor'), c.req.valid('json'))
    return c.json({ organisation }, 201)
  })
  app.openapi(routes.listMembers, async (c) =>
    c.json(await listOrganisationMembers(deps, c.get('actor'), c.req.valid('param').slug), 200),
  )
  app.openapi(routes.updateRoles, async (c) => {
    const { slug, userId } = c.req.valid('param')
    const member = await updateMemberRoles(deps, c.get('actor'), slug, userId, c.req.valid('json').roles)
    return c.json({ member }, 200)
  })
  app.openapi(routes.removeMember, async (c) => {
    const { slug, userId } = c.req.valid('param')
    await removeMember(deps, c.get('actor'), slug, userId)
    return c.body(null, 204)
  })
  app.openapi(routes.invite, async (c) => {
    const invitation = await inviteMember(
      deps,
      c.get('actor'),
      c.req.valid('param').slug,
      c.req.valid('json'),
    )
    return c.json({ invitation }, 201)
  })
  app.openapi(routes.previewInvitation, async (c) =>
    c.json(await previewInvitation(deps, c.req.valid('param').token), 200),
  )
  app.openapi(routes.acceptInvitation, async (c) =>
    c.json(await acceptInvitation(deps, c.get('actor'), c.req.valid('json').token), 200),
  )
  app.openapi(routes.verify, async (c) => {
    const { slug, userId } = c.req.valid('param')
    return c.json(await verifyIdentity(deps, c.get('actor'), slug, userId, c.req.valid('json').note), 200)
  })
  app.openapi(routes.unverify, async (c) => {
    const { slug, userId } = c.req.valid('param')
    return c.json(await unverifyIdentity(deps, c.get('actor'), slug, userId), 200)
  })
  return app
}
