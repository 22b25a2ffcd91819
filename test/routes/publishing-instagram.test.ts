import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { createItem, submitItem } from '#src/capabilities/content/content.service.ts'
import type {
  ChannelAccount,
  PreviewSet,
  Publication,
} from '#src/capabilities/publishing/publishing.schema.ts'
import {
  assignReviewers,
  decideReview,
  saveReview,
  submitReview,
} from '#src/capabilities/review/review.service.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { type MetaFake, startMetaFake } from '#test/fakes/meta.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import { completeReview } from '#test/support/review-flow.ts'
import { call, createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectJson } from './helpers.ts'

/**
 * Delivery to a platform that fetches media by URL, end to end: Rounds listens on loopback,
 * the Instagram fake fetches the signed media address delivery hands it (the item is not
 * public yet) and gets the sanitised file — never the quarantined original; withdrawal then
 * lists the Instagram post to remove by hand.
 */
describe.each(testDialects)('publishing an image to Instagram on %s', (dialect) => {
  let rounds: TestRounds
  let meta: MetaFake
  let server: Server
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  const jpeg = Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
    Buffer.alloc(2000, 7),
    Buffer.from([0xff, 0xd9]),
  ])
  const channels = () => `/api/orgs/${w.org.slug}/channels`
  const item = (id: string) => `/api/orgs/${w.org.slug}/items/${id}`

  beforeAll(async () => {
    meta = await startMetaFake()
    // Rounds must answer real HTTP: the fake fetches media from it as Instagram would.
    let handler: ReturnType<typeof getRequestListener> | null = null
    server = createServer((req, res) => (handler ? handler(req, res) : res.writeHead(503).end()))
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `instagram=${meta.url}`,
        ROUNDS_OAUTH_INSTAGRAM_CLIENT_ID: meta.state.appId,
        ROUNDS_OAUTH_INSTAGRAM_CLIENT_SECRET: meta.state.appSecret,
      },
    })
    handler = getRequestListener(rounds.app.fetch)
    // Rounds' public address, as the platform's servers would resolve it.
    meta.state.resolve = (url) => url.replace(TEST_BASE_URL, base)
    w = await createOrgWithRoles(rounds, { name: 'Instagram Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  })
  afterAll(async () => {
    await rounds?.close()
    await meta?.close()
    server?.closeAllConnections()
    await new Promise((r) => server?.close(r))
  })

  async function approvedWithImage(uploadId: string): Promise<string> {
    const author = await loadActor(rounds.accounts, w.author.id)
    const created = await createItem(rounds.accounts, author, w.org.slug, {
      kind: 'post',
      title: 'Reading a chest film',
      body: 'Start with the airway, then breathing, then circulation. Check the costophrenic angles.',
      hashtags: ['radiology'],
      media: [{ id: uploadId, kind: 'image', altText: 'A chest film with a left lower lobe opacity' }],
    })
    const now = new Date().toISOString()
    await rounds.database.db
      .insertInto('media_upload')
      .values({
        id: uploadId,
        organisation_id: w.org.id,
        item_id: created.id,
        uploaded_by: w.author.id,
        kind: 'image',
        filename: 'film.jpg',
        mime: 'image/jpeg',
        size: jpeg.length,
        received: jpeg.length,
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
          derivatives: [{ name: 'sanitised', mime: 'image/jpeg', size: jpeg.length, width: 1, height: 1 }],
          frames: [],
        }),
        created_at: now,
        updated_at: now,
        screened_at: now,
      })
      .execute()
    await rounds.media.storage.derivatives.put(`${uploadId}/sanitised`, jpeg)
    await rounds.media.storage.quarantine.put(
      `${uploadId}/original`,
      Buffer.from('the original with the patient label'),
    )
    await submitItem(rounds.accounts, author, w.org.slug, created.id)
    const other = await createTestMember(rounds, w.org.id, ['reviewer'])
    const editor = await loadActor(rounds.accounts, w.editor.id)
    const round = await assignReviewers(rounds.accounts, editor, w.org.slug, created.id, {
      reviewerIds: [w.reviewer.id, other.id],
    })
    for (const r of round.reviews) {
      const reviewer = await loadActor(rounds.accounts, r.reviewer.id as string)
      await saveReview(
        rounds.accounts,
        reviewer,
        w.org.slug,
        created.id,
        r.assignmentId as string,
        completeReview,
      )
      await submitReview(rounds.accounts, reviewer, w.org.slug, created.id, r.assignmentId as string)
    }
    await decideReview(rounds.accounts, editor, w.org.slug, created.id, {
      decision: 'accept',
      message: 'Good.',
    })
    return created.id
  }

  it('connects, publishes the sanitised image through a signed address, and withdrawal lists the post to remove by hand', async () => {
    const start = await expectJson<{ authorizeUrl: string; state: string }>(
      await call(rounds, 'POST', `${channels()}/instagram/oauth/start`, {
        cookie: w.editor.cookie,
        body: { redirectUri: 'http://localhost:3000/publishing/callback/instagram' },
      }),
      200,
    )
    const code = new URL(
      (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location') as string,
    ).searchParams.get('code') as string
    const account = await expectJson<ChannelAccount>(
      await call(rounds, 'POST', `${channels()}/instagram/oauth/callback`, {
        cookie: w.editor.cookie,
        body: { state: start.state, code },
      }),
      200,
    )
    expect(account).toMatchObject({ channel: 'instagram', name: '@roundsmed', status: 'connected' })
    // The short-lived token from the code was exchanged for a long-lived one (about 60 days).
    expect(meta.state.exchanges).toBe(1)
    expect(new Date(account.expiresAt as string).getTime() - Date.now()).toBeGreaterThan(50 * 86_400_000)

    const id = await approvedWithImage(`up-${Date.now()}`)
    const preview = await expectJson<PreviewSet>(
      await call(rounds, 'GET', `${item(id)}/publishing/preview`, { cookie: w.editor.cookie }),
      200,
    )
    const ig = preview.previews.find((v) => v.channel === 'instagram')
    expect(ig?.problems ?? []).toEqual([])
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publications`, {
        cookie: w.editor.cookie,
        body: {
          contentHash: preview.contentHash,
          channels: [{ channel: 'instagram', previewHash: ig?.previewHash }],
        },
      }),
      201,
    )
    await rounds.createWorker().drain()
    const { publications } = await expectJson<{ publications: Publication[] }>(
      await call(rounds, 'GET', `${item(id)}/publications`, { cookie: w.editor.cookie }),
      200,
    )
    expect(publications[0]?.status).toBe('published')
    const post = meta.posts.find((p) => p.channel === 'instagram')
    expect(post?.container).toMatchObject({
      kind: 'IMAGE',
      fetchedBytes: jpeg.length,
      altText: 'A chest film with a left lower lobe opacity',
    })
    expect(post?.container?.url).toMatch(/\/media\/up-\d+\?expires=\d+&sig=/)

    const withdrawn = await expectJson<{ removeByHand: string[] }>(
      await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Wrong side labelled' },
      }),
      200,
    )
    await rounds.createWorker().drain()
    const after = await expectJson<{ publications: Publication[] }>(
      await call(rounds, 'GET', `${item(id)}/publications`, { cookie: w.editor.cookie }),
      200,
    )
    const text = JSON.stringify({ withdrawn, after })
    expect(text).toContain(`https://www.instagram.com/p/${post?.id}/`)
    expect(text).toMatch(/remove it by hand/)
  }, 30_000)
})
