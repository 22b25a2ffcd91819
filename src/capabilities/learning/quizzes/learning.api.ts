import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { createRouter, type HttpEnv, type Router } from '#src/platform/http/app.ts'
import { cookieAuth, errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import { LEARNER_COOKIE } from './learning.routes.ts'
import {
  itemLearningSummarySchema,
  learningEventResultSchema,
  learningEventSchema,
} from './learning.schema.ts'
import {
  itemLearningSummary,
  type LearningDeps,
  learnerFromCookie,
  publicItemPage,
  recordVideo,
  recordViewed,
} from './learning.service.ts'
import { RateLimiter } from './rate-limit.ts'

const params = z.object({ slug: slugSchema, itemId: z.string().min(1).max(64) })

const eventRoute = createRoute({
  method: 'post',
  path: '/orgs/{slug}/items/{itemId}/learning/events',
  tags: ['Learning'],
  summary:
    "A learner's event on a published item's public page (the content was shown; the video was played, paused, sought or finished), recorded as an xAPI statement when the learner has consented (their pseudonymous cookie); nothing is recorded otherwise",
  request: { params, body: jsonBody(learningEventSchema) },
  responses: {
    200: jsonContent(learningEventResultSchema, 'Whether the event was recorded'),
    ...errorResponses(400, 404, 410, 429),
  },
})

const summaryRoute = createRoute({
  method: 'get',
  path: '/orgs/{slug}/items/{itemId}/learning',
  tags: ['Learning'],
  summary:
    "The item's quiz results over its learners: n at each step, mean gain (post − pre), normalised gain, retention (delayed − post) and pass rates, on scores as proportions",
  security: cookieAuth,
  request: { params },
  responses: { 200: jsonContent(itemLearningSummarySchema, 'The summary'), ...errorResponses(401, 403, 404) },
})

/** Events per learner (and per address, for learners without a cookie) in a sliding minute. */
export const EVENTS_PER_MINUTE = 60

export function learningApiRoutes(
  deps: LearningDeps,
  options: {
    /** The caller's address as the server trusts it (never a header a client could forge). */
    clientKey: (c: Context<HttpEnv>) => string
    limiter?: RateLimiter
  },
): Router {
  const limiter = options.limiter ?? new RateLimiter(EVENTS_PER_MINUTE, 60_000)
  const app = createRouter()
  app.openapi(eventRoute, async (c) => {
    const p = c.req.valid('param')
    const event = c.req.valid('json')
    const learner = await learnerFromCookie(deps, getCookie(c, LEARNER_COOKIE))
    const key = learner ? `l:${learner.id}` : `a:${options.clientKey(c)}`
    if (!limiter.take(key, deps.clock.now().getTime()))
      throw new AppError('RATE_LIMITED', { message: `at most ${EVENTS_PER_MINUTE} events a minute` })
    const page = await publicItemPage(deps, p.slug, p.itemId)
    if (!learner) return c.json({ recorded: false }, 200)
    if (event.type === 'viewed') await recordViewed(deps, page, learner)
    else {
      const { mediaId, ...rest } = event
      await recordVideo(deps, page, learner, mediaId, rest)
    }
    return c.json({ recorded: true }, 200)
  })
  app.openapi(summaryRoute, async (c) => {
    const p = c.req.valid('param')
    return c.json(await itemLearningSummary(deps, c.get('actor'), p.slug, p.itemId), 200)
  })
  return app
}
