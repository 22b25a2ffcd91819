import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createOrgWithRoles, expectJson } from '#test/routes/helpers.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import { approvedItem } from '#test/support/review-flow.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

/**
 * The 'fediverse' channel through the publishing API: an approved item published to the
 * organisation's own actor appears in its outbox as a Create(Note) linking to the public
 * page; withdrawing deletes it (Tombstone) and the page answers 410.
 */
describe.each(testDialects)('publishing to the organisation’s fediverse actor on %s', (dialect) => {
  let rounds: TestRounds
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  const ap = { accept: 'application/activity+json' }
  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
  })
  afterAll(() => rounds.close())

  it('publishes, shows in the outbox and on the public page, and withdraws everywhere', async () => {
    const other = await createTestMember(rounds, w.org.id, ['reviewer'])
    const { itemId } = await approvedItem(rounds, {
      org: w.org,
      author: w.author,
      editor: w.editor,
      reviewers: [w.reviewer, other],
    })
    const item = `/api/orgs/${w.org.slug}/items/${itemId}`
    const preview = await expectJson<{
      contentHash: string
      previews: { channel: string; previewHash: string }[]
    }>(await call(rounds, 'GET', `${item}/publishing/preview`, { cookie: w.editor.cookie }), 200)
    expect(preview.previews.map((p) => p.channel)).toContain('fediverse')
    await expectJson(
      await call(rounds, 'POST', `${item}/publications`, {
        cookie: w.editor.cookie,
        body: {
          contentHash: preview.contentHash,
          channels: ['fediverse', 'rounds'].map((channel) => ({
            channel,
            previewHash: preview.previews.find((p) => p.channel === channel)?.previewHash,
          })),
        },
      }),
      201,
    )
    await rounds.createWorker().drain()

    const outbox = (await (
      await rounds.app.request(`/orgs/${w.org.slug}/outbox?cursor=0`, { headers: ap })
    ).json()) as {
      orderedItems: { type: string; object: { type: string; content: string; url: string; id: string } }[]
    }
    expect(outbox.orderedItems).toHaveLength(1)
    const create = outbox.orderedItems[0]
    expect(create?.type).toBe('Create')
    expect(create?.object.type).toBe('Note')
    expect(create?.object.content).toContain('Five moments for hand hygiene.')
    expect(create?.object.url).toBe(`${TEST_BASE_URL}/orgs/${w.org.slug}/items/${itemId}`)

    // A browser opening the post is sent to the item's page.
    const opened = await rounds.app.request(new URL(create?.object.id as string).pathname, {
      headers: { accept: 'text/html' },
    })
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toBe(create?.object.url)
    const page = await rounds.app.request(`/orgs/${w.org.slug}/items/${itemId}`, {
      headers: { accept: 'text/html' },
    })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Hand hygiene')

    await expectJson(
      await call(rounds, 'POST', `${item}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Out of date' },
      }),
      200,
    )
    await rounds.createWorker().drain()
    const after = (await (
      await rounds.app.request(`/orgs/${w.org.slug}/outbox`, { headers: ap })
    ).json()) as { totalItems: number }
    expect(after.totalItems).toBe(0)
    expect(
      (await rounds.app.request(new URL(create?.object.id as string).pathname, { headers: ap })).status,
    ).toBe(404)
    const gone = await rounds.app.request(`/orgs/${w.org.slug}/items/${itemId}`, {
      headers: { accept: 'text/html' },
    })
    expect(gone.status).toBe(410)
  }, 60_000)
})
