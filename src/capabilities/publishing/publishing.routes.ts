import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { channelIdSchema } from '#src/capabilities/screening/screening.schema.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  completeOAuth,
  connectChannel,
  disconnectChannel,
  listChannels,
  startOAuth,
} from './channels.service.ts'
import type { PublishingDeps } from './publishing.deps.ts'
import {
  channelAccountSchema,
  channelConnectSchema,
  channelListSchema,
  oauthCallbackSchema,
  oauthStartResultSchema,
  oauthStartSchema,
  previewSetSchema,
  publicationListSchema,
  publicationSchema,
  publishRequestSchema,
  rescheduleRequestSchema,
  withdrawRequestSchema,
} from './publishing.schema.ts'
import {
  cancelPublication,
  listItemPublications,
  postCorrectionsToChannels,
  previewItem,
  publishItem,
  reschedulePublication,
  retryPublication,
  withdrawEverywhere,
} from './publishing.service.ts'

const tags = ['Publishing']
const id = z.string().min(1).max(64)
const orgParams = z.object({ slug: slugSchema })
const channelParams = orgParams.extend({ channel: channelIdSchema })
const itemParams = orgParams.extend({ itemId: id })
const publicationParams = itemParams.extend({ publicationId: id })
const items = '/orgs/{slug}/items/{itemId}'

const routes = {
  channels: createRoute({
    method: 'get',
    path: '/orgs/{slug}/channels',
    tags,
    summary:
      "The channels Rounds can publish to, how each connects, and the organisation's account on it (editors and admins; never tokens)",
    security: cookieAuth,
    request: { params: orgParams },
    responses: { 200: jsonContent(channelListSchema, 'Channels'), ...errorResponses(401, 403, 404) },
  }),
  connect: createRoute({
    method: 'post',
    path: '/orgs/{slug}/channels/{channel}/connect',
    tags,
    summary:
      'Connect an account by app password (Bluesky) or server URL and access token (Mastodon); the platform checks it first, the credentials are stored encrypted',
    security: cookieAuth,
    request: { params: channelParams, body: jsonBody(channelConnectSchema) },
    responses: {
      200: jsonContent(channelAccountSchema, 'Connected'),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  oauthStart: createRoute({
    method: 'post',
    path: '/orgs/{slug}/channels/{channel}/oauth/start',
    tags,
    summary:
      "Start connecting through the platform's sign-in page (OAuth 2.0 with PKCE): returns the URL to open",
    security: cookieAuth,
    request: { params: channelParams, body: jsonBody(oauthStartSchema) },
    responses: {
      200: jsonContent(oauthStartResultSchema, 'Authorize URL'),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  oauthCallback: createRoute({
    method: 'post',
    path: '/orgs/{slug}/channels/{channel}/oauth/callback',
    tags,
    summary: 'Finish connecting: the state and code the platform sent back; the tokens are stored encrypted',
    security: cookieAuth,
    request: { params: channelParams, body: jsonBody(oauthCallbackSchema) },
    responses: {
      200: jsonContent(channelAccountSchema, 'Connected'),
      ...errorResponses(400, 401, 403, 404, 422),
    },
  }),
  disconnect: createRoute({
    method: 'delete',
    path: '/orgs/{slug}/channels/{channel}',
    tags,
    summary: "Disconnect the organisation's account: its credentials are deleted; published posts stay",
    security: cookieAuth,
    request: { params: channelParams },
    responses: {
      200: jsonContent(channelAccountSchema, 'Disconnected'),
      ...errorResponses(401, 403, 404, 409),
    },
  }),
  preview: createRoute({
    method: 'get',
    path: `${items}/publishing/preview`,
    tags,
    summary:
      'Per-channel previews of the approved version (editors): the exact text of each part, media with alt text, and what stops publishing',
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(previewSetSchema, 'Previews'), ...errorResponses(401, 403, 404, 409) },
  }),
  list: createRoute({
    method: 'get',
    path: `${items}/publications`,
    tags,
    summary:
      "Where the item is published or scheduled, per channel: status, each part's delivery, errors in plain words",
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(publicationListSchema, 'Publications'), ...errorResponses(401, 403, 404) },
  }),
  publish: createRoute({
    method: 'post',
    path: `${items}/publications`,
    tags,
    summary:
      'Publish the approved version now or at a time, per channel (editors). Refuses any other content hash (VERSION_NOT_APPROVED) and a preview that changed (PREVIEW_STALE)',
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(publishRequestSchema) },
    responses: {
      201: jsonContent(publicationListSchema, 'Scheduled'),
      ...errorResponses(400, 401, 403, 404, 409, 422),
    },
  }),
  retry: createRoute({
    method: 'post',
    path: `${items}/publications/{publicationId}/retry`,
    tags,
    summary: 'Retry a failed publication or a failed withdrawal (editors); idempotency keys stop duplicates',
    security: cookieAuth,
    request: { params: publicationParams },
    responses: { 200: jsonContent(publicationSchema, 'Queued again'), ...errorResponses(401, 403, 404, 409) },
  }),
  cancel: createRoute({
    method: 'post',
    path: `${items}/publications/{publicationId}/cancel`,
    tags,
    summary: 'Cancel a publication that has not started sending (editors)',
    security: cookieAuth,
    request: { params: publicationParams },
    responses: { 200: jsonContent(publicationSchema, 'Cancelled'), ...errorResponses(401, 403, 404, 409) },
  }),
  reschedule: createRoute({
    method: 'post',
    path: `${items}/publications/{publicationId}/reschedule`,
    tags,
    summary:
      'Move a publication that has not gone out to another time (editors); a post the platform already holds is moved there',
    security: cookieAuth,
    request: { params: publicationParams, body: jsonBody(rescheduleRequestSchema) },
    responses: {
      200: jsonContent(publicationSchema, 'Moved'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  withdraw: createRoute({
    method: 'post',
    path: `${items}/publishing/withdraw`,
    tags,
    summary:
      'Withdraw the item everywhere (editors): deletes the posts on every channel that can, lists those to remove by hand',
    security: cookieAuth,
    request: { params: itemParams, body: jsonBody(withdrawRequestSchema) },
    responses: {
      200: jsonContent(publicationListSchema, 'Withdrawing'),
      ...errorResponses(400, 401, 403, 404, 409),
    },
  }),
  corrections: createRoute({
    method: 'post',
    path: `${items}/publishing/corrections`,
    tags,
    summary:
      "Post the item's correction notices as replies on every published channel that allows replies (editors)",
    security: cookieAuth,
    request: { params: itemParams },
    responses: { 200: jsonContent(publicationListSchema, 'Queued'), ...errorResponses(401, 403, 404, 409) },
  }),
}

export function publishingRoutes(deps: PublishingDeps): Router {
  const app = createRouter()
  app.openapi(routes.channels, async (c) =>
    c.json({ channels: await listChannels(deps, c.get('actor'), c.req.valid('param').slug) }, 200),
  )
  app.openapi(routes.connect, async (c) => {
    const p = c.req.valid('param')
    return c.json(await connectChannel(deps, c.get('actor'), p.slug, p.channel, c.req.valid('json')), 200)
  })
  app.openapi(routes.oauthStart, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      await startOAuth(deps, c.get('actor'), p.slug, p.channel, c.req.valid('json').redirectUri),
      200,
    )
  })
  app.openapi(routes.oauthCallback, async (c) => {
    const p = c.req.valid('param')
    return c.json(await completeOAuth(deps, c.get('actor'), p.slug, p.channel, c.req.valid('json')), 200)
  })
  app.openapi(routes.disconnect, async (c) => {
    const p = c.req.valid('param')
    return c.json(await disconnectChannel(deps, c.get('actor'), p.slug, p.channel), 200)
  })
  app.openapi(routes.preview, async (c) => {
    const p = c.req.valid('param')
    return c.json(await previewItem(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  app.openapi(routes.list, async (c) => {
    const p = c.req.valid('param')
    return c.json({ publications: await listItemPublications(deps, c.get('actor'), p.slug, p.itemId) }, 200)
  })
  app.openapi(routes.publish, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      { publications: await publishItem(deps, c.get('actor'), p.slug, p.itemId, c.req.valid('json')) },
      201,
    )
  })
  app.openapi(routes.retry, async (c) => {
    const p = c.req.valid('param')
    return c.json(await retryPublication(deps, c.get('actor'), p.slug, p.itemId, p.publicationId), 200)
  })
  app.openapi(routes.cancel, async (c) => {
    const p = c.req.valid('param')
    return c.json(await cancelPublication(deps, c.get('actor'), p.slug, p.itemId, p.publicationId), 200)
  })
  app.openapi(routes.reschedule, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      await reschedulePublication(
        deps,
        c.get('actor'),
        p.slug,
        p.itemId,
        p.publicationId,
        c.req.valid('json'),
      ),
      200,
    )
  })
  app.openapi(routes.withdraw, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      {
        publications: await withdrawEverywhere(
          deps,
          c.get('actor'),
          p.slug,
          p.itemId,
          c.req.valid('json').reason,
        ),
      },
      200,
    )
  })
  app.openapi(routes.corrections, async (c) => {
    const p = c.req.valid('param')
    return c.json(
      { publications: await postCorrectionsToChannels(deps, c.get('actor'), p.slug, p.itemId) },
      200,
    )
  })
  return app
}
