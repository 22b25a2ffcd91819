import { existsSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getConnInfo } from '@hono/node-server/conninfo'
import { serveStatic } from '@hono/node-server/serve-static'
import { createRoute } from '@hono/zod-openapi'
import { z } from 'zod'
import { accountsRoutes } from '#src/capabilities/accounts/accounts.routes.ts'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { CLIENT_IP_HEADER } from '#src/capabilities/accounts/auth.ts'
import { auditRoutes } from '#src/capabilities/audit/audit.routes.ts'
import { AppError } from '#src/platform/errors.ts'
import { createHttpApp, createRouter, type Router } from '#src/platform/http/app.ts'
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
  return api
}

/** The whole HTTP surface: API, auth, OpenAPI document, API reference, web UI. */
export function buildHttpApp(rounds: Rounds): Router {
  const { config, log, auth } = rounds
  const app = createHttpApp({ log, bodyLimitBytes: config.bodyLimitBytes })

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
    const request = new Request(c.req.raw.url, { method: c.req.method, headers, ...(body !== undefined ? { body } : {}) })
    const response = await auth.handler(request)
    if (response.status === 429) {
      throw new AppError('RATE_LIMITED', { message: 'too many attempts; wait a minute and try again' })
    }
    return response
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
    throw new AppError('ROUTE_NOT_FOUND', { message: `no route ${c.req.method} ${new URL(c.req.url).pathname}` })
  })

  // The web UI: built files, and index.html for every client-side route.
  if (existsSync(webDist)) {
    app.use('/assets/*', serveStatic({ root: relativeToCwd(webDist) }))
    app.use('/favicon.svg', serveStatic({ root: relativeToCwd(webDist) }))
    const index = readFileSync(join(webDist, 'index.html'), 'utf8')
    app.get('*', (c) => c.html(index))
  } else {
    app.get('/', (c) =>
      c.text('Rounds API is running. The web UI has not been built: run `npm run build` (npm start does this).'),
    )
  }
  return app
}

function clientIp(c: Parameters<typeof getConnInfo>[0], trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',')[0]?.trim()
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
