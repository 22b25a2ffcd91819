import type { MiddlewareHandler } from 'hono'
import type { HttpEnv, Router } from '#src/platform/http/app.ts'
import type { RoundsFederation } from './federation.ts'

/** The paths Fedify may answer; everything else never reaches it. */
export const federationMountPaths = [
  '/.well-known/webfinger',
  '/.well-known/nodeinfo',
  '/nodeinfo/*',
  '/orgs/*',
  '/inbox',
]

/**
 * Puts Fedify in front of the app for the fediverse's paths: WebFinger, NodeInfo, actors,
 * inboxes, outboxes, followers and post objects. A request Fedify does not serve (an unknown
 * path, or a browser asking /orgs/{slug} for HTML rather than activity+json) falls through to
 * the public pages behind it.
 */
export function mountFederation(app: Router, federation: RoundsFederation): void {
  const handler: MiddlewareHandler<HttpEnv> = async (c, next) => {
    const fallThrough = async () => {
      await next()
      return c.res
    }
    return federation.fetch(c.req.raw, {
      contextData: undefined,
      onNotFound: fallThrough,
      onNotAcceptable: fallThrough,
    })
  }
  for (const path of federationMountPaths) app.use(path, handler)
}
