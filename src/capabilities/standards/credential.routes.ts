import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { slugSchema } from '#src/capabilities/accounts/accounts.schema.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import { createRouter, type Router } from '#src/platform/http/app.ts'
import { errorResponses, jsonBody, jsonContent } from '#src/platform/http/openapi.ts'
import {
  achievementSchema,
  credentialVerificationSchema,
  credentialVerifyRequestSchema,
  issuerProfileSchema,
  jwksSchema,
} from './credential.schema.ts'
import { getAchievement, getIssuerJwks, getIssuerProfile, verifyCredential } from './credential.service.ts'

const tags = ['Credentials']
const org = z.object({ slug: slugSchema })

const routes = {
  issuer: createRoute({
    method: 'get',
    path: '/public/orgs/{slug}/issuer',
    tags,
    summary: "The organisation's Open Badges issuer profile (public): the `issuer.id` of its credentials",
    request: { params: org },
    responses: { 200: jsonContent(issuerProfileSchema, 'Profile'), ...errorResponses(404) },
  }),
  jwks: createRoute({
    method: 'get',
    path: '/public/orgs/{slug}/jwks.json',
    tags,
    summary: 'The public keys the organisation signs its credentials with (public, JWKS; Ed25519)',
    request: { params: org },
    responses: { 200: jsonContent(jwksSchema, 'JSON Web Key Set'), ...errorResponses(404) },
  }),
  achievement: createRoute({
    method: 'get',
    path: '/public/orgs/{slug}/achievement',
    tags,
    summary: 'The achievement its training certificates attest (public, Open Badges Achievement)',
    request: { params: org },
    responses: { 200: jsonContent(achievementSchema, 'Achievement'), ...errorResponses(404) },
  }),
  verify: createRoute({
    method: 'post',
    path: '/public/credentials/verify',
    tags,
    summary:
      "Check a credential (public): the issuer's signature, then whether the certificate is valid, expired or revoked",
    description:
      'Always 200 for a well-formed request: `verified` says whether the credential holds, `problems` why not.',
    request: { body: jsonBody(credentialVerifyRequestSchema) },
    responses: { 200: jsonContent(credentialVerificationSchema, 'Result'), ...errorResponses(400) },
  }),
}

/** Open Badges issuer documents and credential verification: public, no sign-in. */
export function credentialRoutes(deps: AccountsDeps): Router {
  const app = createRouter()
  app.openapi(routes.issuer, async (c) => {
    c.header('cache-control', 'public, max-age=300')
    return c.json(await getIssuerProfile(deps, c.req.valid('param').slug), 200)
  })
  app.openapi(routes.jwks, async (c) => {
    c.header('cache-control', 'public, max-age=300')
    const jwks = await getIssuerJwks(deps, c.req.valid('param').slug)
    return c.json({ keys: jwks.keys.map((k) => ({ ...k, kty: k.kty ?? 'OKP' })) }, 200)
  })
  app.openapi(routes.achievement, async (c) => {
    c.header('cache-control', 'public, max-age=300')
    return c.json(await getAchievement(deps, c.req.valid('param').slug), 200)
  })
  app.openapi(routes.verify, async (c) =>
    c.json(await verifyCredential(deps, c.req.valid('json').credential), 200),
  )
  return app
}
