import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import type { ReceivedRow } from './federation.repository.ts'
import {
  federationSummarySchema,
  followingSchema,
  followRequestSchema,
  receivedListSchema,
  receivedPostSchema,
} from './federation.schema.ts'
import {
  type FederationRuntime,
  followRemoteActor,
  getFederationSummary,
  listInbox,
  reactToReceived,
} from './federation.service.ts'

const tags = ['Fediverse']
const params = z.object({ slug: slugSchema })
const receivedParams = params.extend({ receivedId: z.string().min(1).max(64) })

const routes = {
  summary: createRoute({
    method: 'get',
    path: '/orgs/{slug}/federation',
    tags,
    summary:
      "The organisation's fediverse handle, follower count and the accounts it follows (admins, editors)",
    security: cookieAuth,
    request: { params },
    responses: { 200: jsonContent(federationSummarySchema, 'Summary'), ...errorResponses(401, 403, 404) },
  }),
  follow: createRoute({
    method: 'post',
    path: '/orgs/{slug}/federation/following',
    tags,
    summary:
      'Follow a fediverse account as the organisation (admins): looked up, recorded and sent as a signed Follow; its posts then arrive in the inbox',
    security: cookieAuth,
    request: { params, body: jsonBody(followRequestSchema) },
    responses: {
      201: jsonContent(followingSchema, 'Follow sent'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  inbox: createRoute({
    method: 'get',
    path: '/orgs/{slug}/federation/inbox',
    tags,
    summary: 'Posts received from the accounts the organisation follows, newest first (admins, editors)',
    security: cookieAuth,
    request: { params },
    responses: { 200: jsonContent(receivedListSchema, 'Received posts'), ...errorResponses(401, 403, 404) },
  }),
  like: createRoute({
    method: 'post',
    path: '/orgs/{slug}/federation/inbox/{receivedId}/like',
    tags,
    summary: 'Like a received post as the organisation (editors); liking twice is one like',
    security: cookieAuth,
    request: { params: receivedParams },
    responses: { 200: jsonContent(receivedPostSchema, 'Liked'), ...errorResponses(401, 403, 404) },
  }),
  announce: createRoute({
    method: 'post',
    path: '/orgs/{slug}/federation/inbox/{receivedId}/announce',
    tags,
    summary: "Boost (Announce) a received post to the organisation's followers (editors); once per post",
    security: cookieAuth,
    request: { params: receivedParams },
    responses: { 200: jsonContent(receivedPostSchema, 'Boosted'), ...errorResponses(401, 403, 404) },
  }),
}

const present = (r: ReceivedRow) => ({
  id: r.id,
  objectUri: r.objectUri,
  actorUri: r.actorUri,
  objectType: r.objectType,
  content: r.content,
  url: r.url,
  publishedAt: r.publishedAt,
  receivedAt: r.receivedAt,
  liked: r.likeUri !== null,
  announced: r.announceUri !== null,
})

export function federationRoutes(runtime: () => FederationRuntime): Router {
  const app = createRouter()
  app.openapi(routes.summary, async (c) => {
    const s = await getFederationSummary(runtime(), c.get('actor'), c.req.valid('param').slug)
    return c.json(
      {
        ...s,
        following: s.following.map((f) => ({
          id: f.id,
          actorUri: f.actorUri,
          handle: f.handle,
          acceptedAt: f.acceptedAt,
          createdAt: f.createdAt,
        })),
      },
      200,
    )
  })
  app.openapi(routes.follow, async (c) => {
    const f = await followRemoteActor(
      runtime(),
      c.get('actor'),
      c.req.valid('param').slug,
      c.req.valid('json').account,
    )
    return c.json(
      { id: f.id, actorUri: f.actorUri, handle: f.handle, acceptedAt: f.acceptedAt, createdAt: f.createdAt },
      201,
    )
  })
  app.openapi(routes.inbox, async (c) => {
    const rows = await listInbox(runtime(), c.get('actor'), c.req.valid('param').slug)
    return c.json({ posts: rows.map(present) }, 200)
  })
  for (const kind of ['like', 'announce'] as const) {
    app.openapi(routes[kind], async (c) => {
      const p = c.req.valid('param')
      return c.json(
        present(await reactToReceived(runtime(), c.get('actor'), p.slug, p.receivedId, kind)),
        200,
      )
    })
  }
  return app
}
