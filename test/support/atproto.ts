import { createHmac, randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { AtpAgent } from '@atproto/api'
import { TestNetwork, TestNetworkNoAppView } from '@atproto/dev-env'
import pg from 'pg'

/**
 * A real AT Protocol network on loopback, in this process (@atproto/dev-env): a PLC
 * directory and a PDS always; with PostgreSQL (ROUNDS_TEST_POSTGRES_URL) and Redis
 * (ROUNDS_TEST_REDIS_HOST, else 127.0.0.1:6379 when it answers) also the Bluesky AppView,
 * so likes and reposts are counted by the real indexer.
 */
export type LocalBluesky = {
  pdsUrl: string
  /** Whether an AppView indexes the PDS (metrics can be read). */
  appView: boolean
  /** Why there is no AppView, when there is none. */
  appViewMissing: string | null
  /** Creates an account; returns a signed-in agent and an app password for it. */
  createAccount(
    handle: string,
  ): Promise<{ agent: AtpAgent; did: string; handle: string; appPassword: string }>
  /** Waits until the AppView has indexed everything written so far (no-op without one). */
  processAll(): Promise<void>
  /** An unauthenticated agent for reading records back. */
  reader(): AtpAgent
  /** An access token for `did` signed by this PDS that expired an hour ago. */
  expiredAccessToken(did: string): string
  close(): Promise<void>
}

async function redisAnswers(host: string): Promise<boolean> {
  const [hostname, port] = host.split(':')
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port ?? 6379) })
    const done = (ok: boolean) => {
      socket.destroy()
      resolve(ok)
    }
    socket.setTimeout(1000, () => done(false))
    socket.on('error', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => done(d.toString().startsWith('+PONG')))
  })
}

async function dropSchemas(url: string, schemas: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const s of schemas) await client.query(`drop schema if exists "${s}" cascade`)
  } finally {
    await client.end()
  }
}

export async function startLocalBluesky(
  options: {
    appView?: boolean /** The PDS's documented rate limits, off unless asked for. */
    rateLimits?: boolean
  } = {},
): Promise<LocalBluesky> {
  const postgresUrl = process.env.ROUNDS_TEST_POSTGRES_URL
  const redisHost = process.env.ROUNDS_TEST_REDIS_HOST ?? '127.0.0.1:6379'
  let appViewMissing: string | null = null
  if (options.appView === false) appViewMissing = 'not requested'
  else if (!postgresUrl) appViewMissing = 'ROUNDS_TEST_POSTGRES_URL is not set (the AppView needs PostgreSQL)'
  else if (!(await redisAnswers(redisHost))) appViewMissing = `Redis does not answer at ${redisHost}`

  let net: TestNetworkNoAppView
  let full: TestNetwork | null = null
  let schemas: string[] = []
  if (!appViewMissing && postgresUrl) {
    // The AppView's schema names allow letters and underscores only.
    const suffix = Array.from(randomBytes(10), (b) => String.fromCharCode(97 + (b % 26))).join('')
    schemas = [`bsync_${suffix}`, `appview_${suffix}`, `ozone_${suffix}`]
    // dev-env reads the Redis host from the environment only.
    process.env.REDIS_HOST = redisHost
    full = await TestNetwork.create({
      dbPostgresUrl: postgresUrl,
      dbPostgresSchema: suffix,
      ...(options.rateLimits ? { pds: { rateLimitsEnabled: true } } : {}),
    })
    net = full
  } else {
    net = await TestNetworkNoAppView.create(options.rateLimits ? { pds: { rateLimitsEnabled: true } } : {})
  }
  const pdsUrl = net.pds.url

  return {
    pdsUrl,
    appView: full !== null,
    appViewMissing,
    async createAccount(handle) {
      const agent = new AtpAgent({ service: pdsUrl })
      const name = handle.replace(/\.test$/, '')
      await agent.createAccount({ email: `${name}@example.test`, handle, password: `${name}-main-password` })
      const did = agent.session?.did
      if (!did) throw new Error('no session after createAccount')
      const app = await agent.com.atproto.server.createAppPassword({ name: 'Rounds' })
      return { agent, did, handle, appPassword: app.data.password }
    },
    async processAll() {
      if (full) await full.processAll()
    },
    reader: () => new AtpAgent({ service: pdsUrl }),
    expiredAccessToken(did) {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url')
      const now = Math.floor(Date.now() / 1000)
      const body = `${part({ typ: 'at+jwt', alg: 'HS256' })}.${part({
        scope: 'com.atproto.access',
        aud: net.pds.ctx.cfg.service.did,
        sub: did,
        iat: now - 7200,
        exp: now - 3600,
      })}`
      const signature = createHmac('sha256', net.pds.jwtSecretKey()).update(body).digest('base64url')
      return `${body}.${signature}`
    },
    async close() {
      await net.close()
      if (postgresUrl && schemas.length) await dropSchemas(postgresUrl, schemas)
    },
  }
}
