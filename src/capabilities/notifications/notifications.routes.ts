import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonContent } from '#src/platform/http/openapi.ts'
import {
  notificationListQuerySchema,
  notificationPageSchema,
  notificationsReadSchema,
} from './notifications.schema.ts'
import {
  listMyNotifications,
  markAllNotificationsRead,
  markNotificationRead,
} from './notifications.service.ts'

const tags = ['Notifications']

const routes = {
  list: createRoute({
    method: 'get',
    path: '/me/notifications',
    tags,
    summary:
      'Your notifications, newest first, a page at a time (limit, offset, unread=true), with your unread count',
    security: cookieAuth,
    request: { query: notificationListQuerySchema },
    responses: { 200: jsonContent(notificationPageSchema, 'Notifications'), ...errorResponses(400, 401) },
  }),
  readOne: createRoute({
    method: 'post',
    path: '/me/notifications/{notificationId}/read',
    tags,
    summary: 'Mark one of your notifications read',
    security: cookieAuth,
    request: { params: z.object({ notificationId: z.string().min(1).max(64) }) },
    responses: { 200: jsonContent(notificationsReadSchema, 'Marked'), ...errorResponses(401, 404) },
  }),
  readAll: createRoute({
    method: 'post',
    path: '/me/notifications/read-all',
    tags,
    summary: 'Mark all your notifications read',
    security: cookieAuth,
    responses: { 200: jsonContent(notificationsReadSchema, 'Marked'), ...errorResponses(401) },
  }),
}

export function notificationRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.list, async (c) =>
    c.json(await listMyNotifications(deps, c.get('actor'), c.req.valid('query')), 200),
  )
  app.openapi(routes.readAll, async (c) => c.json(await markAllNotificationsRead(deps, c.get('actor')), 200))
  app.openapi(routes.readOne, async (c) =>
    c.json(await markNotificationRead(deps, c.get('actor'), c.req.valid('param').notificationId), 200),
  )
  return app
}
