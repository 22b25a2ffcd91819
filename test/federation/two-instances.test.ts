import { createServer } from 'node:net'
import { Create, Follow, isActor, Like, Note, Undo } from '@fedify/vocab'
import { type ServerType, serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import type { FederationRuntime } from '#src/capabilities/federation/federation.service.ts'
import {
  followRemoteActor,
  listInbox,
  reactToReceived,
} from '#src/capabilities/federation/federation.service.ts'
import {
  bytesBody,
  type ChannelConnector,
  type OutgoingPost,
  type RemotePost,
} from '#src/capabilities/publishing/connector.ts'
import { createFediverseConnector } from '#src/capabilities/publishing/connectors/fediverse.ts'
import { openRounds, type Rounds } from '#src/entry/context.ts'
import { buildHttpApp } from '#src/entry/http.ts'
import { loadConfig } from '#src/platform/config.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import type { JobWorker } from '#src/platform/jobs/worker.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { createTestDatabaseUrl, testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'

/**
 * Two Rounds instances on loopback, each with its own database, HTTP server and job worker.
 * Every activity between them is signed and verified (Fedify's allowPrivateAddress only lets
 * them fetch each other's documents on 127.0.0.1).
 */
type Instance = {
  dialect: 'sqlite' | 'postgres'
  keyByte: number
  databaseUrl: string
  port: number
  rounds: Rounds
  base: string
  runtime: FederationRuntime
  server: ServerType
  worker: JobWorker
  /** Stops the server, worker and database connection, keeping the database. */
  stop(): Promise<void>
  drop(): Promise<void>
  close(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.on('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function startInstance(
  dialect: 'sqlite' | 'postgres',
  keyByte: number,
  existing?: { databaseUrl: string; port: number; drop: () => Promise<void> },
): Promise<Instance> {
  const database = existing
    ? { url: existing.databaseUrl, drop: existing.drop }
    : await createTestDatabaseUrl(dialect)
  const port = existing?.port ?? (await freePort())
  const base = `http://127.0.0.1:${port}`
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SESSION_SECRET: `two-instances-secret-${keyByte}-0123456789abcdef`,
    ROUNDS_ENCRYPTION_KEYS: `k${keyByte}:${Buffer.alloc(32, keyByte).toString('base64')}`,
    PUBLIC_BASE_URL: base,
  })
  const rounds = openRounds(config, { log: createSilentLogger(), federation: { allowPrivateAddress: true } })
  await migrateToLatest(rounds.database.db)
  const app = buildHttpApp(rounds)
  const server = serve({ fetch: app.fetch, port, hostname: '127.0.0.1' })
  const worker = rounds.createWorker({ pollMs: 50 })
  worker.start()
  let stopped = false
  const stop = async () => {
    if (stopped) return
    stopped = true
    await worker.stop()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    await rounds.close()
  }
  return {
    dialect,
    keyByte,
    databaseUrl: database.url,
    port,
    rounds,
    base,
    runtime: { deps: { ...rounds.accounts, keyring: config.encryptionKeys }, federation: rounds.federation },
    server,
    worker,
    stop,
    drop: database.drop,
    async close() {
      await stop()
      await database.drop()
    },
  }
}

async function eventually<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  ms = 30_000,
): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
)

describe.each(testDialects)('two Rounds instances federate on %s', (dialect) => {
  let a: Instance
  let b: Instance
  let connector: ChannelConnector
  const remote: RemotePost[] = []
  let orgA: { id: string; slug: string }
  let orgB: { id: string; slug: string }
  let adminB: Awaited<ReturnType<typeof loadActor>>

  beforeAll(async () => {
    ;[a, b] = await Promise.all([startInstance(dialect, 11), startInstance(dialect, 22)])
    orgA = await createTestOrganisation(a.rounds, { name: 'Cardiology teaching (A)' })
    orgB = await createTestOrganisation(b.rounds, { name: 'Learners on B' })
    const admin = await createTestMember(b.rounds, orgB.id, ['admin', 'editor'])
    adminB = await loadActor(b.rounds.accounts, admin.id)
    connector = createFediverseConnector(() => a.runtime)
  }, 60_000)
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()])
  })

  it('B follows A: a signed Follow, stored as A’s follower, answered with Accept', async () => {
    const following = await followRemoteActor(b.runtime, adminB, orgB.slug, `${a.base}/orgs/${orgA.slug}`)
    expect(following).toMatchObject({ actorUri: `${a.base}/orgs/${orgA.slug}`, acceptedAt: null })
    const follower = await eventually('A to store the follower', () =>
      a.rounds.database.db
        .selectFrom('federation_follower')
        .selectAll()
        .where('organisation_id', '=', orgA.id)
        .executeTakeFirst(),
    )
    expect(follower).toMatchObject({
      actor_uri: `${b.base}/orgs/${orgB.slug}`,
      inbox_url: `${b.base}/orgs/${orgB.slug}/inbox`,
      shared_inbox_url: `${b.base}/inbox`,
    })
    await eventually(
      'B to receive the Accept',
      async () =>
        (
          await b.rounds.database.db
            .selectFrom('federation_following')
            .select('accepted_at')
            .executeTakeFirst()
        )?.accepted_at,
    )
    const followers = (await (
      await fetch(`${a.base}/orgs/${orgA.slug}/followers`, {
        headers: { accept: 'application/activity+json' },
      })
    ).json()) as { totalItems: number }
    expect(followers.totalItems).toBe(1)
  }, 60_000)

  it('A publishes a two-part thread with an image; B receives both in its inbox', async () => {
    const post: OutgoingPost = {
      idempotencyKey: 'item-1:v1:fediverse:0',
      title: 'Rate or rhythm in AF',
      parts: [],
      hashtags: ['MedEd'],
      canonicalUrl: `${a.base}/orgs/${orgA.slug}/items/item-1`,
      language: 'en',
    }
    const first = {
      index: 0,
      text: '1/ Rate or rhythm control in AF? <b>Early</b> rhythm control helped in EAST-AFNET 4. #MedEd',
      media: [
        {
          kind: 'image' as const,
          mimeType: 'image/png',
          body: bytesBody(PNG),
          altText: 'An ECG strip in AF',
        },
      ],
    }
    remote.push(
      await connector.publishPart(
        { credentials: { serviceUrl: a.base } },
        { ...post, parts: [first] },
        first,
        null,
      ),
    )
    const second = { index: 1, text: `2/ Details: ${post.canonicalUrl}`, media: [] }
    remote.push(
      await connector.publishPart(
        { credentials: { serviceUrl: a.base } },
        { ...post, idempotencyKey: 'item-1:v1:fediverse:1', parts: [second] },
        second,
        { root: remote[0] as RemotePost, parent: remote[0] as RemotePost },
      ),
    )
    // Publishing again with the same key is the same post (a retried delivery never duplicates).
    const again = await connector.publishPart(
      { credentials: { serviceUrl: a.base } },
      { ...post, parts: [first] },
      first,
      null,
    )
    expect(again.remoteId).toBe(remote[0]?.remoteId)

    const inbox = await eventually('B to receive both posts', async () => {
      const rows = await listInbox(b.runtime, adminB, orgB.slug)
      return rows.length === 2 ? rows : null
    })
    const firstReceived = inbox.find((r) => r.objectUri === remote[0]?.remoteId)
    expect(firstReceived).toMatchObject({ actorUri: `${a.base}/orgs/${orgA.slug}`, objectType: 'Note' })
    expect(firstReceived?.content).toContain('&lt;b&gt;Early&lt;/b&gt;')
    expect(firstReceived?.content).toContain('rel="tag"')

    // The object as anyone fetches it: public, a reply chain, the image with its alt text.
    const note = (await (
      await fetch(remote[1]?.remoteId as string, { headers: { accept: 'application/activity+json' } })
    ).json()) as { inReplyTo: string; to: string; cc: string }
    expect(note.inReplyTo).toBe(remote[0]?.remoteId)
    expect(note.to).toBe('as:Public')
    expect(note.cc).toBe(`${a.base}/orgs/${orgA.slug}/followers`)
    const firstNote = (await (
      await fetch(remote[0]?.remoteId as string, { headers: { accept: 'application/activity+json' } })
    ).json()) as { attachment: { type: string; name: string; url: string } }
    expect(firstNote.attachment).toMatchObject({ type: 'Image', name: 'An ECG strip in AF' })
    const image = await fetch(firstNote.attachment.url)
    expect(image.headers.get('content-type')).toBe('image/png')
    expect(Buffer.from(await image.arrayBuffer()).equals(PNG)).toBe(true)
    // An image has no captions, and the Note lists none.
    expect((await fetch(`${firstNote.attachment.url}/captions.vtt`)).status).toBe(404)
    expect(firstNote).not.toHaveProperty('subtitleLanguage')

    const outbox = (await (
      await fetch(`${a.base}/orgs/${orgA.slug}/outbox`, { headers: { accept: 'application/activity+json' } })
    ).json()) as { totalItems: number }
    expect(outbox.totalItems).toBe(2)
  }, 60_000)

  it('a video item goes out as a Video with its file and alt text; B receives it', async () => {
    const mp4 = Buffer.from('000000186674797069736f6d0000020069736f6d69736f32', 'hex')
    const part = {
      index: 0,
      text: 'How to insert a cannula, in 60 seconds.',
      media: [
        {
          kind: 'video' as const,
          mimeType: 'video/mp4',
          body: bytesBody(mp4),
          altText: 'Hands inserting a cannula into a model arm',
          captionsVtt: 'WEBVTT\n\n00:00.000 --> 00:02.000\nClean the skin first.\n',
        },
      ],
    }
    const video = await connector.publishPart(
      { credentials: { serviceUrl: a.base } },
      {
        idempotencyKey: 'item-3:v1:fediverse:0',
        title: 'Cannulation',
        parts: [part],
        hashtags: [],
        canonicalUrl: `${a.base}/orgs/${orgA.slug}/items/item-3`,
      },
      part,
      null,
    )
    remote.push(video)
    expect(video.remoteId).toContain('/videos/')
    const object = (await (
      await fetch(video.remoteId, { headers: { accept: 'application/activity+json' } })
    ).json()) as {
      '@context': unknown[]
      type: string
      name: string
      attachment: { type: string; mediaType: string; name: string; url: string }
      subtitleLanguage: Array<{ identifier: string; name: string; url: string }>
    }
    expect(object).toMatchObject({ type: 'Video', name: 'Cannulation' })
    // Its captions as PeerTube lists them, the WebVTT served by Rounds beside the video file.
    expect(object['@context']).toContainEqual(
      expect.objectContaining({ subtitleLanguage: 'sc:subtitleLanguage', sc: 'http://schema.org/' }),
    )
    expect(object.subtitleLanguage).toEqual([
      { identifier: 'en', name: 'English', url: `${object.attachment.url}/captions.vtt` },
    ])
    const vtt = await fetch(object.subtitleLanguage[0]?.url as string)
    expect(vtt.status).toBe(200)
    expect(vtt.headers.get('content-type')).toBe('text/vtt; charset=utf-8')
    expect(await vtt.text()).toContain('Clean the skin first.')
    expect(object.attachment).toMatchObject({
      type: 'Document',
      mediaType: 'video/mp4',
      name: 'Hands inserting a cannula into a model arm',
    })
    expect(Buffer.from(await (await fetch(object.attachment.url)).arrayBuffer()).equals(mp4)).toBe(true)
    const received = await eventually('B to receive the video', async () =>
      (await listInbox(b.runtime, adminB, orgB.slug)).find((r) => r.objectUri === video.remoteId),
    )
    expect(received.objectType).toBe('Video')
  }, 60_000)

  it('B likes, boosts and replies to the first post, then takes the like back; the counts follow in A’s metrics', async () => {
    const received = (await listInbox(b.runtime, adminB, orgB.slug)).find(
      (r) => r.objectUri === remote[0]?.remoteId,
    )
    expect(received).toBeTruthy()
    await reactToReceived(b.runtime, adminB, orgB.slug, received?.id as string, 'like')
    await reactToReceived(b.runtime, adminB, orgB.slug, received?.id as string, 'announce')
    // Liking twice is still one like.
    const liked = await reactToReceived(b.runtime, adminB, orgB.slug, received?.id as string, 'like')
    expect(liked.likeUri).toBeTruthy()
    const ctx = { credentials: { serviceUrl: a.base } }
    const metrics = await eventually('A to count the like and the boost', async () => {
      const m = await connector.metrics?.(ctx, remote[0] as RemotePost)
      return m && m.likes === 1 && m.reposts === 1 ? m : null
    })
    expect(metrics).toEqual({ likes: 1, reposts: 1, replies: 0 })

    // A reply from B, then B takes its like back: both signed by B's actor, as any server would.
    const ctxB = b.rounds.federation.createContext(new URL(b.base), undefined)
    const meB = ctxB.getActorUri(orgB.slug)
    const actorA = await ctxB.lookupObject(`${a.base}/orgs/${orgA.slug}`)
    if (!actorA || !isActor(actorA)) throw new Error('A’s actor could not be fetched from B')
    const replyId = new URL(`${b.base}/orgs/${orgB.slug}/posts/reply-1`)
    await ctxB.sendActivity(
      { identifier: orgB.slug },
      actorA,
      new Create({
        id: new URL(`${replyId.href}#create`),
        actor: meB,
        object: new Note({
          id: replyId,
          attribution: meB,
          replyTarget: new URL(remote[0]?.remoteId as string),
          content: '<p>Thanks, useful!</p>',
        }),
      }),
    )
    await ctxB.sendActivity(
      { identifier: orgB.slug },
      actorA,
      new Undo({
        id: new URL(`${meB.href}#undo-like`),
        actor: meB,
        object: new Like({
          id: new URL(liked.likeUri as string),
          actor: meB,
          object: new URL(remote[0]?.remoteId as string),
        }),
      }),
    )
    expect(
      await eventually('A to count the reply and drop the like', async () => {
        const m = await connector.metrics?.(ctx, remote[0] as RemotePost)
        return m && m.replies === 1 && m.likes === 0 ? m : null
      }),
    ).toEqual({ likes: 0, reposts: 1, replies: 1 })
    expect(await connector.metrics?.(ctx, remote[1] as RemotePost)).toEqual({
      likes: 0,
      reposts: 0,
      replies: 0,
    })
  }, 60_000)

  it('a delivery queued when A stops is sent after A restarts (the queue is in A’s database)', async () => {
    await a.worker.stop()
    const part = { index: 0, text: 'Queued before a restart.', media: [] }
    const queued = await connector.publishPart(
      { credentials: { serviceUrl: a.base } },
      {
        idempotencyKey: 'item-2:v1:fediverse:0',
        parts: [part],
        hashtags: [],
        canonicalUrl: `${a.base}/orgs/${orgA.slug}/items/item-2`,
      },
      part,
      null,
    )
    const pending = await a.rounds.database.db
      .selectFrom('job')
      .select('payload')
      .where('name', '=', 'federation.task')
      .execute()
    expect(pending.length).toBeGreaterThan(0)
    // The sealed task carries no private key in clear.
    for (const job of pending) expect(job.payload).not.toContain('privateKey')
    const first = a
    await first.stop()
    a = await startInstance(dialect, first.keyByte, {
      databaseUrl: first.databaseUrl,
      port: first.port,
      drop: first.drop,
    })
    connector = createFediverseConnector(() => a.runtime)
    remote.push(queued)
    await eventually('B to receive the queued post', async () =>
      (await listInbox(b.runtime, adminB, orgB.slug)).some((r) => r.objectUri === queued.remoteId),
    )
  }, 60_000)

  it('A deletes the thread: B drops the posts, the objects are gone', async () => {
    for (const r of [...remote].reverse()) await connector.delete({ credentials: { serviceUrl: a.base } }, r)
    await eventually(
      'B to drop both posts',
      async () => (await listInbox(b.runtime, adminB, orgB.slug)).length === 0,
    )
    const res = await fetch(remote[0]?.remoteId as string, {
      headers: { accept: 'application/activity+json' },
    })
    expect(res.status).toBe(404)
  }, 60_000)

  it('B unfollows (Undo Follow): A no longer counts it as a follower', async () => {
    const ctxB = b.rounds.federation.createContext(new URL(b.base), undefined)
    const meB = ctxB.getActorUri(orgB.slug)
    const actorA = await ctxB.lookupObject(`${a.base}/orgs/${orgA.slug}`)
    if (!actorA || !isActor(actorA)) throw new Error('A’s actor could not be fetched from B')
    const following = await b.rounds.database.db
      .selectFrom('federation_following')
      .select('follow_uri')
      .executeTakeFirstOrThrow()
    await ctxB.sendActivity(
      { identifier: orgB.slug },
      actorA,
      new Undo({
        id: new URL(`${meB.href}#undo-follow`),
        actor: meB,
        object: new Follow({ id: new URL(following.follow_uri), actor: meB, object: actorA.id }),
      }),
    )
    await eventually('A to drop the follower', async () => {
      const res = await fetch(`${a.base}/orgs/${orgA.slug}/followers`, {
        headers: { accept: 'application/activity+json' },
      })
      return ((await res.json()) as { totalItems: number }).totalItems === 0
    })
  }, 60_000)
})
