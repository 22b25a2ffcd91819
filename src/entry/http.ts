import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getConnInfo } from '@hono/node-server/conninfo'
import { serveStatic } from '@hono/node-server/serve-static'
import { createRoute } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { z } from 'zod'
import { accountsRoutes } from '#src/capabilities/accounts/accounts.routes.ts'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { CLIENT_IP_HEADER } from '#src/capabilities/accounts/auth.ts'
import { auditRoutes } from '#src/capabilities/audit/audit.routes.ts'
import { contentRoutes } from '#src/capabilities/content/content.routes.ts'
import { correctionRoutes } from '#src/capabilities/content/corrections.routes.ts'
import { timelineRoutes } from '#src/capabilities/content/timeline.routes.ts'
import { mountFederation } from '#src/capabilities/federation/federation.http.ts'
import { federationRoutes } from '#src/capabilities/federation/federation.routes.ts'
import { researchRoutes } from '#src/capabilities/learning/analysis/research.routes.ts'
import { researchExportRoutes } from '#src/capabilities/learning/export/export.routes.ts'
import { analyticsGroupRoutes } from '#src/capabilities/learning/groups/groups.routes.ts'
import { metricsRoutes } from '#src/capabilities/learning/metrics/metrics.routes.ts'
import { learningApiRoutes } from '#src/capabilities/learning/quizzes/learning.api.ts'
import { playerScript } from '#src/capabilities/learning/quizzes/learning.player.ts'
import { learnerRoutes } from '#src/capabilities/learning/quizzes/learning.routes.ts'
import { surveyLearnerRoutes } from '#src/capabilities/learning/surveys/survey.learner.ts'
import { surveyRoutes } from '#src/capabilities/learning/surveys/survey.routes.ts'
import { lrsRoutes } from '#src/capabilities/learning/xapi/lrs.routes.ts'
import { xapiHttp } from '#src/capabilities/learning/xapi/xapi.http.ts'
import { mediaRoutes } from '#src/capabilities/media/media.routes.ts'
import { notificationRoutes } from '#src/capabilities/notifications/notifications.routes.ts'
import { publicRoutes } from '#src/capabilities/public/public.routes.ts'
import { publishingRoutes } from '#src/capabilities/publishing/publishing.routes.ts'
import { reviewRoutes } from '#src/capabilities/review/review.routes.ts'
import { screeningRoutes } from '#src/capabilities/screening/screening.routes.ts'
import { authorCardRoutes } from '#src/capabilities/standards/author-card.routes.ts'
import { companiesRoutes } from '#src/capabilities/standards/companies.routes.ts'
import { credentialRoutes } from '#src/capabilities/standards/credential.routes.ts'
import { disclosureRoutes } from '#src/capabilities/standards/disclosure.routes.ts'
import { gateRoutes } from '#src/capabilities/standards/gate.routes.ts'
import { settingsRoutes } from '#src/capabilities/standards/settings.routes.ts'
import { trainingRoutes } from '#src/capabilities/standards/training.routes.ts'
import { AppError, type ErrorBody } from '#src/platform/errors.ts'
import { createHttpApp, createRouter, type HttpEnv, type Router } from '#src/platform/http/app.ts'
import { jsonContent } from '#src/platform/http/openapi.ts'
import { registerAuthPaths } from './auth-openapi.ts'
import type { Rounds } from './context.ts'

const webDist = resolve(dirname(fileURLToPath(import.meta.url)), '../../web/dist')

/** Every API route, mounted under /api. Exported so tests can walk them. */
export function apiRoutes(rounds: Rounds): Router {
  const api = createRouter()
  api.openapi(
    createRoute({
      method: 'get',
      path: '/health',
      tags: ['Operations'],
      summary: 'Liveness and database check',
      responses: { 200: jsonContent(z.object({ status: z.literal('ok') }), 'Healthy') },
    }),
    async (c) => {
      await rounds.database.db.selectFrom('audit_head').select('seq').executeTakeFirst()
      return c.json({ status: 'ok' as const }, 200)
    },
  )
  api.route('/', accountsRoutes(rounds.accounts))
  api.route('/', auditRoutes(rounds.accounts))
  api.route('/', screeningRoutes(rounds.accounts))
  api.route('/', settingsRoutes(rounds.accounts))
  api.route('/', trainingRoutes({ ...rounds.accounts, keyring: rounds.config.encryptionKeys }))
  api.route('/', credentialRoutes(rounds.accounts))
  api.route('/', disclosureRoutes(rounds.accounts))
  api.route('/', companiesRoutes(rounds.accounts))
  api.route('/', authorCardRoutes(rounds.accounts))
  api.route('/', gateRoutes(rounds.accounts))
  api.route('/', contentRoutes(rounds.accounts))
  api.route('/', mediaRoutes(rounds.media))
  api.route('/', reviewRoutes(rounds.accounts))
  api.route('/', notificationRoutes(rounds.accounts))
  api.route('/', correctionRoutes(rounds.accounts))
  api.route('/', timelineRoutes(rounds.accounts))
  api.route(
    '/',
    federationRoutes(() => ({
      deps: { ...rounds.accounts, keyring: rounds.config.encryptionKeys },
      federation: rounds.federation,
    })),
  )
  api.route('/', publishingRoutes(rounds.publishing))
  api.route('/', metricsRoutes(rounds.publishing))
  api.route('/', analyticsGroupRoutes(rounds.accounts))
  api.route('/', researchRoutes(rounds.accounts))
  api.route('/', researchExportRoutes({ ...rounds.accounts, storage: rounds.media.storage.derivatives }))
  api.route('/', surveyRoutes(rounds.accounts))
  api.route('/', lrsRoutes(rounds.learning))
  api.route(
    '/',
    learningApiRoutes(
      { ...rounds.accounts, ...rounds.learning },
      { clientKey: (c) => clientIp(c, rounds.config.trustProxy) },
    ),
  )
  return api
}

/** The whole HTTP surface: API, auth, OpenAPI document, API reference, web UI. */
export function buildHttpApp(rounds: Rounds): Router {
  const { config, log, auth } = rounds
  const app = createHttpApp({ log, bodyLimitBytes: config.bodyLimitBytes })

  // The fediverse: WebFinger, NodeInfo, the organisations' actors, inboxes and outboxes.
  mountFederation(app, rounds.federation)

  // The built-in Learning Record Store (HTTP Basic per LRS client; outside /api and its cookies).
  app.route(
    '/xapi',
    xapiHttp(rounds.learning, { bodyLimitBytes: Math.max(config.bodyLimitBytes, 8 * 1024 * 1024) }),
  )

  // A browser always names the page that sent a state-changing request; a page on another
  // site may not act with our users' cookies. (Clients without an Origin, such as curl or
  // server-to-server calls, carry no ambient cookies to abuse.)
  app.use('/api/*', async (c, next) => {
    const origin = c.req.header('origin')
    if (
      origin &&
      !['GET', 'HEAD', 'OPTIONS'].includes(c.req.method) &&
      !config.trustedOrigins.includes(origin)
    ) {
      throw new AppError('FORBIDDEN', { message: 'requests from other sites are not accepted' })
    }
    await next()
  })

  // better-auth owns /api/auth/*. The client address is set here from the socket (or the
  // proxy's header when configured), never from a header the client could forge.
  app.on(['GET', 'POST'], '/api/auth/*', async (c) => {
    const headers = new Headers(c.req.raw.headers)
    headers.set(CLIENT_IP_HEADER, clientIp(c, config.trustProxy))
    let body: string | undefined
    if (c.req.method === 'POST') {
      body = await c.req.text()
      if (body.length > 0) {
        try {
          JSON.parse(body)
        } catch {
          throw new AppError('MALFORMED_JSON', { message: 'the request body is not valid JSON' })
        }
      }
    }
    const request = new Request(c.req.raw.url, {
      method: c.req.method,
      headers,
      ...(body !== undefined ? { body } : {}),
    })
    const response = await auth.handler(request)
    return response.status >= 400 ? authErrorResponse(c, response) : response
  })

  // Every other API request: who is asking?
  app.use('/api/*', async (c, next) => {
    const session = await auth.api.getSession({ headers: c.req.raw.headers })
    c.set('actor', await loadActor(rounds.accounts, session?.user.id ?? null))
    await next()
  })

  const api = apiRoutes(rounds)
  app.route('/api', api)

  registerAuthPaths(app)
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'better-auth.session_token',
  })
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Rounds API',
      version: '0.1.0',
      description: 'Publish medical education on social media safely, and find out whether it teaches.',
      license: { name: 'MIT' },
    },
    servers: [{ url: config.publicBaseUrl }],
  })
  app.get('/api/docs', (c) => c.html(apiReferencePage()))
  app.get('/api/docs/reference.js', (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8')
    c.header('cache-control', 'public, max-age=86400')
    return c.body(scalarBundle())
  })
  app.all('/api/*', (c) => {
    throw new AppError('ROUTE_NOT_FOUND', {
      message: `no route ${c.req.method} ${new URL(c.req.url).pathname}`,
    })
  })

  // Well-known endpoints are machine-read; an unknown one is a 404, never the web UI's page.
  app.all('/.well-known/*', (c) => {
    throw new AppError('ROUTE_NOT_FOUND', {
      message: `no route ${c.req.method} ${new URL(c.req.url).pathname}`,
    })
  })

  // Learners' quiz pages beside the public item pages, and the public player's script.
  app.get('/learning/player.js', (c) => {
    c.header('content-type', 'text/javascript; charset=utf-8')
    c.header('cache-control', 'public, max-age=300')
    return c.body(playerScript)
  })
  app.route(
    '/',
    learnerRoutes(
      { ...rounds.accounts, ...rounds.learning },
      async (headers) => (await auth.api.getSession({ headers }))?.user.id ?? null,
      config.trustedOrigins,
    ),
  )
  app.route(
    '/',
    surveyLearnerRoutes(
      { ...rounds.accounts, ...rounds.learning },
      async (headers) => (await auth.api.getSession({ headers }))?.user.id ?? null,
      config.trustedOrigins,
    ),
  )

  // Rounds' own public pages and feeds (server-rendered; never the web UI's page).
  app.route('/', publicRoutes(rounds.accounts, rounds.media, rounds.config.encryptionKeys))

  // The web UI: built files, and index.html for every client-side route.
  if (existsSync(webDist)) {
    app.use('/assets/*', serveStatic({ root: relativeToCwd(webDist) }))
    app.use('/favicon.svg', serveStatic({ root: relativeToCwd(webDist) }))
    // Read on each request (it is small) so a rebuilt UI is served without a restart.
    app.get('*', (c) => c.html(readFileSync(join(webDist, 'index.html'), 'utf8')))
  } else {
    app.get('/', (c) =>
      c.text(
        'Rounds API is running. The web UI has not been built: run `npm run build` (npm start does this).',
      ),
    )
  }
  return app
}

/**
 * better-auth answers errors as `{ code, message }` (or an empty body); Rounds answers every
 * error in its one shape. Its codes are kept (clients match on INVALID_EMAIL_OR_PASSWORD,
 * PASSWORD_TOO_SHORT, ...), except where Rounds has its own name for the same thing. A 5xx
 * becomes our plain INTERNAL answer, logged with the request id; the retry delay of a 429
 * is passed on as Retry-After.
 */
async function authErrorResponse(c: Context<HttpEnv>, response: Response): Promise<Response> {
  if (response.status >= 500)
    throw new Error(`better-auth answered ${response.status} ${await response.text()}`)
  if (response.status === 429) {
    const retryAfter = response.headers.get('x-retry-after')
    if (retryAfter) c.header('retry-after', retryAfter)
    throw new AppError('RATE_LIMITED', {
      message: `too many attempts; try again in ${retryAfter ?? 60} seconds`,
    })
  }
  let body: { code?: unknown; message?: unknown } = {}
  try {
    body = (await response.json()) as typeof body
  } catch {
    // An empty body (e.g. better-auth's 404 for an unknown path): the status says it all.
  }
  const theirCode = typeof body.code === 'string' && body.code ? body.code : undefined
  const code =
    (theirCode && (authCodeNames[theirCode] ?? theirCode)) ??
    statusCodeNames[response.status] ??
    'BAD_REQUEST'
  const message =
    typeof body.message === 'string' && body.message
      ? body.message
      : response.statusText || 'the request was refused'
  for (const [name, value] of response.headers) {
    if (name === 'set-cookie') c.header(name, value, { append: true })
  }
  const error: ErrorBody = { error: { code, message, requestId: c.get('requestId') } }
  return c.json(error, response.status as 400)
}

const authCodeNames: Record<string, string> = { VALIDATION_ERROR: 'VALIDATION_FAILED' }
const statusCodeNames: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'ROUTE_NOT_FOUND',
}

/**
 * The address sign-in rate limits are counted against. Behind a proxy (TRUST_PROXY) it is
 * the last X-Forwarded-For entry: the one our proxy appended. Earlier entries come from the
 * client and could be varied at will to escape the limit.
 */
function clientIp(c: Parameters<typeof getConnInfo>[0], trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim()
    if (forwarded) return forwarded
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'local' // app.request() in tests has no socket
  }
}

function relativeToCwd(path: string): string {
  const rel = path.startsWith(process.cwd()) ? path.slice(process.cwd().length + 1) : path
  return rel || '.'
}

let scalarCache: string | null = null
function scalarBundle(): string {
  if (scalarCache === null) {
    // The package exports no package.json; its entry sits in dist/, beside browser/.
    const entry = fileURLToPath(import.meta.resolve('@scalar/api-reference'))
    scalarCache = readFileSync(join(dirname(entry), 'browser/standalone.js'), 'utf8')
  }
  return scalarCache
}

// Everything served locally: no web fonts, no hosted agent, no telemetry, no SDK upsell.
const scalarConfiguration = {
  withDefaultFonts: false,
  hideClientButton: true,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
  telemetry: false,
  hideDarkModeToggle: false,
  documentDownloadType: 'json',
}

function apiReferencePage(): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Rounds API reference</title>
  </head>
  <body>
    <noscript>The API reference needs JavaScript. The raw document is at <a href="/api/openapi.json">/api/openapi.json</a>.</noscript>
    <script id="api-reference" data-url="/api/openapi.json" data-configuration='${JSON.stringify(scalarConfiguration)}'></script>
    <script src="/api/docs/reference.js"></script>
  </body>
</html>`
}
