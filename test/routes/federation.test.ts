import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActorKeyPairs } from '#src/capabilities/federation/federation.keys.ts'
import { storedSecretColumns } from '#src/entry/stored-secrets.ts'
import { createKeyring, decryptSecret, rotateSecrets } from '#src/platform/secrets.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestOrganisation } from '#test/support/factories.ts'
import { createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

const AP = 'application/activity+json'

describe.each(testDialects)('the organisation as a fediverse actor on %s', (dialect) => {
  let rounds: TestRounds
  let org: { id: string; slug: string; name: string }
  const host = new URL(TEST_BASE_URL).host
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    org = await createTestOrganisation(rounds, { name: 'Cardiology <Teaching> Rounds' })
  })
  afterAll(() => rounds.close())

  const get = (path: string, accept = AP) => rounds.app.request(path, { headers: { accept } })

  it('WebFinger finds acct:<slug>@<host> and links the actor; unknown accounts are 404', async () => {
    const res = await get(`/.well-known/webfinger?resource=acct:${org.slug}@${host}`, 'application/jrd+json')
    expect(res.status).toBe(200)
    const body = (await res.json()) as {
      subject: string
      links: { rel: string; type?: string; href: string }[]
    }
    expect(body.subject).toBe(`acct:${org.slug}@${host}`)
    const self = body.links.find((l) => l.rel === 'self')
    expect(self).toMatchObject({ type: AP, href: `${TEST_BASE_URL}/orgs/${org.slug}` })
    expect((await get(`/.well-known/webfinger?resource=acct:nobody-here@${host}`)).status).toBe(404)
    expect((await get(`/.well-known/webfinger?resource=acct:${org.slug}@elsewhere.example`)).status).toBe(404)
  })

  it('serves the actor with inbox, outbox, followers, a shared inbox and both keys; keys are stored encrypted', async () => {
    const res = await get(`/orgs/${org.slug}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toMatch(/activity\+json|ld\+json/)
    const actor = (await res.json()) as Record<string, unknown> & {
      publicKey: { publicKeyPem: string; owner: string }
      assertionMethod: unknown
      endpoints: { sharedInbox: string }
    }
    expect(actor).toMatchObject({
      id: `${TEST_BASE_URL}/orgs/${org.slug}`,
      type: 'Organization',
      preferredUsername: org.slug,
      name: org.name,
      inbox: `${TEST_BASE_URL}/orgs/${org.slug}/inbox`,
      outbox: `${TEST_BASE_URL}/orgs/${org.slug}/outbox`,
      followers: `${TEST_BASE_URL}/orgs/${org.slug}/followers`,
    })
    expect(actor.endpoints.sharedInbox).toBe(`${TEST_BASE_URL}/inbox`)
    expect(actor.publicKey.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/)
    expect(actor.publicKey.owner).toBe(actor.id)
    expect(actor.assertionMethod).toBeTruthy()

    const keys = await rounds.database.db
      .selectFrom('federation_actor_key')
      .selectAll()
      .where('organisation_id', '=', org.id)
      .execute()
    expect(keys.map((k) => k.algorithm).sort()).toEqual(['Ed25519', 'RSASSA-PKCS1-v1_5'])
    for (const k of keys) {
      expect(k.private_jwk).toMatch(/^v1\./)
      expect(k.private_jwk).not.toContain('"d"')
      const jwk = JSON.parse(
        decryptSecret(rounds.config.encryptionKeys, k.private_jwk, `federation_actor_key:${k.id}`),
      ) as { d?: string }
      expect(jwk.d).toBeTruthy()
    }
    // The same keys on the next request: made once, kept.
    const again = (await (await get(`/orgs/${org.slug}`)).json()) as typeof actor
    expect(again.publicKey.publicKeyPem).toBe(actor.publicKey.publicKeyPem)
  })

  it('rounds secrets rotate moves the actor keys to the new key, and they still load', async () => {
    const before = (await (await get(`/orgs/${org.slug}`)).json()) as { publicKey: { publicKeyPem: string } }
    const current = rounds.config.encryptionKeys.keys
    const newKey = { id: 'next', key: Buffer.alloc(32, 9) }
    const report = await rotateSecrets(
      rounds.database.db,
      createKeyring([newKey, ...current]),
      storedSecretColumns,
    )
    expect(report.byColumn.find((c) => c.table === 'federation_actor_key')?.rotated).toBeGreaterThanOrEqual(2)
    try {
      // Only the new key is needed now.
      const pairs = await loadActorKeyPairs(
        { db: rounds.database.db, clock: rounds.clock, ids: rounds.ids, keyring: createKeyring([newKey]) },
        org.id,
      )
      expect(pairs).toHaveLength(2)
      const spki = Buffer.from(
        await crypto.subtle.exportKey('spki', pairs[0]?.publicKey as CryptoKey),
      ).toString('base64')
      expect(before.publicKey.publicKeyPem.replace(/-----[A-Z ]+-----|\s/g, '')).toBe(spki)
    } finally {
      // Back to the key this test server runs with.
      await rotateSecrets(rounds.database.db, createKeyring([...current, newKey]), storedSecretColumns)
    }
  })

  it('serves the outbox and followers collections (empty at first)', async () => {
    const outbox = (await (await get(`/orgs/${org.slug}/outbox`)).json()) as {
      type: string
      totalItems: number
    }
    expect(outbox).toMatchObject({ type: 'OrderedCollection', totalItems: 0 })
    const followers = (await (await get(`/orgs/${org.slug}/followers`)).json()) as { totalItems: number }
    expect(followers.totalItems).toBe(0)
    expect((await get('/orgs/no-such-org/outbox')).status).toBe(404)
    expect((await get('/orgs/no-such-org')).status).toBe(404)
  })

  it('refuses an unsigned activity at the inbox', async () => {
    const res = await rounds.app.request(`/orgs/${org.slug}/inbox`, {
      method: 'POST',
      headers: { 'content-type': AP },
      body: JSON.stringify({
        '@context': 'https://www.w3.org/ns/activitystreams',
        id: 'https://attacker.example/likes/1',
        type: 'Follow',
        actor: 'https://attacker.example/users/mallory',
        object: `${TEST_BASE_URL}/orgs/${org.slug}`,
      }),
    })
    expect(res.status).toBe(401)
    const followers = await rounds.database.db.selectFrom('federation_follower').selectAll().execute()
    expect(followers).toEqual([])
  })

  it('answers NodeInfo, and keeps other /.well-known paths a JSON 404', async () => {
    const links = (await (await get('/.well-known/nodeinfo', 'application/json')).json()) as {
      links: { href: string }[]
    }
    expect(links.links[0]?.href).toBe(`${TEST_BASE_URL}/nodeinfo/2.1`)
    const info = (await (await get('/nodeinfo/2.1', 'application/json')).json()) as { protocols: string[] }
    expect(info.protocols).toEqual(['activitypub'])
    const other = await get('/.well-known/security.txt', 'text/plain')
    expect(other.status).toBe(404)
    expect(other.headers.get('content-type')).toMatch(/^application\/json/)
  })
})
