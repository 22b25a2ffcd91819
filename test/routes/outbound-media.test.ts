import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signedMediaUrl } from '#src/capabilities/publishing/outbound-media.ts'
import { createKeyring, generateKey } from '#src/platform/secrets.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createItemInState } from '#test/support/published.ts'
import { createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

/**
 * Instagram and Facebook fetch media by URL while the item is still being delivered (not yet
 * public): delivery signs the item's public media address; the route serves the sanitised
 * file only with a valid, unexpired signature and never for a withdrawn item.
 */
describe.each(testDialects)('signed media addresses for platforms that fetch by URL on %s', (dialect) => {
  let rounds: TestRounds
  let org: { id: string; slug: string }
  const png = Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
    'base64',
  )
  const ids: Record<string, string> = {}

  const path = (item: string) => `/orgs/${org.slug}/items/${item}/media/slot-${item}`
  const signed = (item: string, now = new Date(), ttl?: number) => {
    const url = new URL(
      signedMediaUrl(rounds.config.encryptionKeys, `${TEST_BASE_URL}${path(item)}`, now, ttl),
    )
    return `${url.pathname}${url.search}`
  }

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    org = await createTestOrganisation(rounds)
    const author = await createTestMember(rounds, org.id, ['author'])
    for (const state of ['scheduled', 'withdrawn'] as const) {
      const slot = `slot-pending-${state}-${Date.now()}`
      const item = await createItemInState(rounds, {
        organisationId: org.id,
        authorId: author.id,
        state,
        published: false,
        fields: {
          title: `Being delivered (${state})`,
          media: [{ id: slot, kind: 'image', altText: 'A film' }],
        },
      })
      ids[state] = item.id
      const now = new Date().toISOString()
      await rounds.database.db
        .insertInto('media_upload')
        .values({
          id: `slot-${item.id}`,
          organisation_id: org.id,
          item_id: item.id,
          uploaded_by: author.id,
          kind: 'image',
          filename: 'film.png',
          mime: 'image/png',
          size: png.length,
          received: png.length,
          status: 'ready',
          stage: 'done',
          progress: 1,
          error_code: null,
          error_message: null,
          width: 1,
          height: 1,
          duration: null,
          metadata: '[]',
          findings: '[]',
          derivatives: JSON.stringify({
            derivatives: [{ name: 'sanitised', mime: 'image/png', size: png.length, width: 1, height: 1 }],
            frames: [],
          }),
          created_at: now,
          updated_at: now,
          screened_at: now,
        })
        .execute()
      await rounds.media.storage.derivatives.put(`slot-${item.id}/sanitised`, png)
      await rounds.media.storage.quarantine.put(`slot-${item.id}/original`, Buffer.from('never served'))
    }
  })
  afterAll(() => rounds.close())

  it('serves the sanitised file of an item being delivered only with a valid signature', async () => {
    const ok = await rounds.app.request(signed(ids.scheduled as string))
    expect(ok.status).toBe(200)
    expect(Buffer.from(await ok.arrayBuffer()).equals(png)).toBe(true)
    // Unsigned: the item is not public yet.
    expect((await rounds.app.request(path(ids.scheduled as string))).status).toBe(404)
  })

  it('refuses an expired, tampered, foreign-key or misplaced signature', async () => {
    const item = ids.scheduled as string
    expect((await rounds.app.request(signed(item, new Date(Date.now() - 2 * 86_400_000)))).status).toBe(404)
    const good = signed(item)
    expect(
      (
        await rounds.app.request(
          good.replace(/sig=[^.]+\.(.)/, (m, c) => m.slice(0, -1) + (c === 'A' ? 'B' : 'A')),
        )
      ).status,
    ).toBe(404)
    expect((await rounds.app.request(good.replace(/expires=\d+/, (m) => `${m}9`))).status).toBe(404)
    // The signature names one path: it does not open another item's file.
    const other = good
      .replace(`/items/${item}/`, `/items/${ids.withdrawn}/`)
      .replace(`slot-${item}`, `slot-${ids.withdrawn}`)
    expect((await rounds.app.request(other)).status).toBe(404)
    const foreign = new URL(
      signedMediaUrl(createKeyring([generateKey()]), `${TEST_BASE_URL}${path(item)}`, new Date()),
    )
    expect((await rounds.app.request(`${foreign.pathname}${foreign.search}`)).status).toBe(404)
  })

  it('never serves a withdrawn item, signed or not', async () => {
    expect((await rounds.app.request(signed(ids.withdrawn as string))).status).toBe(404)
  })
})
