import { createServer, type Server } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { Writable } from 'node:stream'
import { type ServerType, serve } from '@hono/node-server'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import type { FederationRuntime } from '#src/capabilities/federation/federation.service.ts'
import {
  followRemoteActor,
  listInbox,
  reactToReceived,
} from '#src/capabilities/federation/federation.service.ts'
import type { ChannelConnector, RemotePost } from '#src/capabilities/publishing/connector.ts'
import { createFediverseConnector } from '#src/capabilities/publishing/connectors/fediverse.ts'
import { openRounds, type Rounds } from '#src/entry/context.ts'
import { buildHttpApp } from '#src/entry/http.ts'
import { loadConfig } from '#src/platform/config.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import type { JobWorker } from '#src/platform/jobs/worker.ts'
import { createTestDatabaseUrl, type TestDatabase, testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'

/**
 * Two organisations on ONE Rounds, served on 127.0.0.1 in the default configuration (Fedify
 * refuses private addresses). Their activities are signed and verified like any other; the
 * keys and actors they check are this Rounds' own, read in process rather than fetched.
 */

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 20_000,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

describe.each(testDialects)('two organisations on one Rounds federate on %s', (dialect) => {
  let database: TestDatabase
  let rounds: Rounds
  let server: ServerType
  let worker: JobWorker
  let base: string
  let runtime: FederationRuntime
  let connector: ChannelConnector
  const warnings: Array<{ msg: string }> = []
  let orgA: { id: string; slug: string }
  let orgB: { id: string; slug: string }
  let adminB: Awaited<ReturnType<typeof loadActor>>
  let post: RemotePost

  beforeAll(async () => {
    database = await createTestDatabaseUrl(dialect)
    const port = await freePort()
    base = `http://127.0.0.1:${port}`
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: database.url,
      SESSION_SECRET: 'one-instance-secret-0123456789abcdef',
      ROUNDS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32, 7).toString('base64')}`,
      PUBLIC_BASE_URL: base,
    })
    // Warnings are kept: a refused signature or a failed delivery is logged as one.
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of String(chunk).split('\n').filter(Boolean))
          warnings.push(JSON.parse(line) as { msg: string })
        done()
      },
    })
    rounds = openRounds(config, { log: pino({ level: 'warn' }, sink) })
    await migrateToLatest(rounds.database.db)
    server = serve({ fetch: buildHttpApp(rounds).fetch, port, hostname: '127.0.0.1' })
    worker = rounds.createWorker({ pollMs: 50 })
    worker.start()
    runtime = { deps: { ...rounds.accounts, keyring: config.encryptionKeys }, federation: rounds.federation }
    connector = createFediverseConnector(() => runtime)
    orgA = await createTestOrganisation(rounds, { name: 'Teaching channel A' })
    orgB = await createTestOrganisation(rounds, { name: 'Learners B' })
    const admin = await createTestMember(rounds, orgB.id, ['admin', 'editor'])
    adminB = await loadActor(rounds.accounts, admin.id)
  }, 60_000)
  afterAll(async () => {
    await worker?.stop()
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))
    await rounds?.close()
    await database?.drop()
  })

  it('B follows A by handle: the signed Follow is verified at once and answered with Accept', async () => {
    const host = new URL(base).host
    await followRemoteActor(runtime, adminB, orgB.slug, `@${orgA.slug}@${host}`)
    const follower = await eventually('A to store B as a follower', () =>
      rounds.database.db
        .selectFrom('federation_follower')
        .selectAll()
        .where('organisation_id', '=', orgA.id)
        .executeTakeFirst(),
    )
    expect(follower).toMatchObject({ actor_uri: `${base}/orgs/${orgB.slug}` })
    await eventually(
      'B to receive the Accept',
      async () =>
        (
          await rounds.database.db
            .selectFrom('federation_following')
            .select('accepted_at')
            .where('organisation_id', '=', orgB.id)
            .executeTakeFirst()
        )?.accepted_at,
    )
  }, 30_000)

  it('A publishes; B receives it, likes and boosts it, and A counts both', async () => {
    const part = { index: 0, text: 'Sepsis six, one step at a time.', media: [] }
    post = await connector.publishPart(
      { credentials: { serviceUrl: base } },
      {
        idempotencyKey: 'item-1:v1:fediverse:0',
        parts: [part],
        hashtags: [],
        canonicalUrl: `${base}/orgs/${orgA.slug}/items/item-1`,
      },
      part,
      null,
    )
    const received = await eventually('B to receive the post', async () =>
      (await listInbox(runtime, adminB, orgB.slug)).find((r) => r.objectUri === post.remoteId),
    )
    expect(received.actorUri).toBe(`${base}/orgs/${orgA.slug}`)
    await reactToReceived(runtime, adminB, orgB.slug, received.id, 'like')
    await reactToReceived(runtime, adminB, orgB.slug, received.id, 'announce')
    const ctx = { credentials: { serviceUrl: base } }
    expect(
      await eventually('A to count the like and the boost', async () => {
        const m = await connector.metrics?.(ctx, post)
        return m && m.likes === 1 && m.reposts === 1 ? m : null
      }),
    ).toEqual({ likes: 1, reposts: 1, replies: 0 })
  }, 30_000)

  it('A deletes the post: B drops it (the Delete follows its Create, one ordering key per post)', async () => {
    await connector.delete({ credentials: { serviceUrl: base } }, post)
    await eventually(
      'B to drop the post',
      async () => !(await listInbox(runtime, adminB, orgB.slug)).some((r) => r.objectUri === post.remoteId),
    )
    const keyed = await rounds.database.db
      .selectFrom('job')
      .select('ordering_key')
      .where('name', '=', 'federation.task')
      .where('ordering_key', 'like', `federation:${post.remoteId}%`)
      .execute()
    // One delivery of each to this Rounds' shared inbox, under the post's key for that server.
    expect(keyed.map((k) => k.ordering_key)).toEqual([
      `federation:${post.remoteId}\n${base}`,
      `federation:${post.remoteId}\n${base}`,
    ])
  }, 30_000)

  it('no delivery was refused or retried, and no federation job failed', async () => {
    await eventually('the federation jobs to finish', async () => {
      const pending = await rounds.database.db
        .selectFrom('job')
        .select('id')
        .where('name', '=', 'federation.task')
        .where('status', 'in', ['queued', 'running'])
        .execute()
      return pending.length === 0
    })
    const failed = await rounds.database.db
      .selectFrom('job')
      .select(['status', 'attempts'])
      .where('name', '=', 'federation.task')
      .where((eb) => eb.or([eb('status', '=', 'dead'), eb('attempts', '>', 1)]))
      .execute()
    expect(failed).toEqual([])
    expect(warnings.map((w) => w.msg)).toEqual([])
  })

  it('an address on a private network is still refused (no request leaves Rounds)', async () => {
    let hits = 0
    const decoy: Server = createServer((_req, res) => {
      hits += 1
      res.writeHead(200, { 'content-type': 'application/activity+json' })
      res.end(
        JSON.stringify({
          '@context': 'https://www.w3.org/ns/activitystreams',
          id: 'http://127.0.0.1/actor',
          type: 'Person',
          inbox: 'http://127.0.0.1/inbox',
        }),
      )
    })
    const decoyPort = await freePort()
    await new Promise<void>((resolve) => decoy.listen(decoyPort, '127.0.0.1', () => resolve()))
    try {
      const ctx = rounds.federation.createContext(new URL(base), undefined)
      const url = `http://127.0.0.1:${decoyPort}/actor`
      await expect(ctx.documentLoader(url)).rejects.toThrow()
      expect(await ctx.lookupObject(url).catch(() => null)).toBeNull()
      await expect(followRemoteActor(runtime, adminB, orgB.slug, url)).rejects.toMatchObject({
        code: 'NOT_FOUND',
      })
      expect(hits).toBe(0)
      // This Rounds' own documents are read in process, whatever address it is served on.
      const own = await ctx.documentLoader(`${base}/orgs/${orgA.slug}#main-key`)
      expect(own.document).toMatchObject({ id: `${base}/orgs/${orgA.slug}`, type: 'Organization' })
    } finally {
      await new Promise<void>((resolve) => decoy.close(() => resolve()))
    }
  })
})
