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
import { decryptJson } from '#src/platform/secrets.ts'
import { startYouTubeFake, type YouTubeFake } from '#test/fakes/youtube.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember } from '#test/support/factories.ts'
import { completeReview } from '#test/support/review-flow.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectJson } from './helpers.ts'

/**
 * A video item to YouTube through the real routes and delivery jobs: the editor signs in with
 * Google (offline access, so a refresh token is kept), the sanitised video (never the
 * quarantined original) is uploaded with the resumable protocol, the item's captions go up as
 * WebVTT, and withdrawal deletes the video.
 */
describe.each(testDialects)('publishing a video to YouTube on %s', (dialect) => {
  let rounds: TestRounds
  let yt: YouTubeFake
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  const video = Buffer.alloc(300_000, 5)
  const channels = () => `/api/orgs/${w.org.slug}/channels`
  const item = (id: string) => `/api/orgs/${w.org.slug}/items/${id}`

  beforeAll(async () => {
    yt = await startYouTubeFake()
    rounds = await createTestRounds(dialect, {
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `youtube=${yt.url}`,
        ROUNDS_OAUTH_YOUTUBE_CLIENT_ID: yt.state.clientId,
        ROUNDS_OAUTH_YOUTUBE_CLIENT_SECRET: yt.state.clientSecret,
      },
    })
    w = await createOrgWithRoles(rounds, { name: 'Video Teaching' })
    await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
    await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  })
  afterAll(async () => {
    await rounds?.close()
    await yt?.close()
  })

  async function approvedVideo(uploadId: string): Promise<string> {
    const author = await loadActor(rounds.accounts, w.author.id)
    const created = await createItem(rounds.accounts, author, w.org.slug, {
      kind: 'video',
      title: 'Inserting a cannula',
      body: 'A short demonstration on a model arm.',
      hashtags: ['procedures'],
      media: [{ id: uploadId, kind: 'video', altText: 'Hands inserting a cannula into a model arm' }],
      captions: '1\n00:00:01,000 --> 00:00:03,500\nClean the skin first.\n',
    })
    const now = new Date().toISOString()
    await rounds.database.db
      .insertInto('media_upload')
      .values({
        id: uploadId,
        organisation_id: w.org.id,
        item_id: created.id,
        uploaded_by: w.author.id,
        kind: 'video',
        filename: 'cannula.mp4',
        mime: 'video/mp4',
        size: video.length,
        received: video.length,
        status: 'ready',
        stage: 'done',
        progress: 1,
        error_code: null,
        error_message: null,
        width: 640,
        height: 360,
        duration: 4,
        metadata: '[]',
        findings: '[]',
        derivatives: JSON.stringify({
          derivatives: [
            { name: 'sanitised', mime: 'video/mp4', size: video.length, width: 640, height: 360 },
          ],
          frames: [],
        }),
        created_at: now,
        updated_at: now,
        screened_at: now,
      })
      .execute()
    await rounds.media.storage.derivatives.put(`${uploadId}/sanitised`, video)
    await rounds.media.storage.quarantine.put(`${uploadId}/original`, Buffer.from('the original'))
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

  it('connects with Google, uploads the sanitised video with its captions, and withdrawal deletes it', async () => {
    const start = await expectJson<{ authorizeUrl: string; state: string }>(
      await call(rounds, 'POST', `${channels()}/youtube/oauth/start`, {
        cookie: w.editor.cookie,
        body: { redirectUri: 'http://localhost:3000/publishing/callback/youtube' },
      }),
      200,
    )
    const code = new URL(
      (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location') as string,
    ).searchParams.get('code') as string
    const account = await expectJson<ChannelAccount>(
      await call(rounds, 'POST', `${channels()}/youtube/oauth/callback`, {
        cookie: w.editor.cookie,
        body: { state: start.state, code },
      }),
      200,
    )
    expect(account).toMatchObject({ channel: 'youtube', name: '@roundsmed', status: 'connected' })
    const row = await rounds.database.db
      .selectFrom('channel_account')
      .select('credentials')
      .where('id', '=', account.id)
      .executeTakeFirstOrThrow()
    const stored = decryptJson<{ refreshToken?: string }>(
      rounds.config.encryptionKeys,
      row.credentials as string,
      `channel_account:${account.id}`,
    )
    expect(stored.refreshToken).toMatch(/^1\/\//)

    const id = await approvedVideo(`vid-${Date.now()}`)
    const preview = await expectJson<PreviewSet>(
      await call(rounds, 'GET', `${item(id)}/publishing/preview`, { cookie: w.editor.cookie }),
      200,
    )
    const p = preview.previews.find((v) => v.channel === 'youtube')
    expect(p?.problems ?? []).toEqual([])
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publications`, {
        cookie: w.editor.cookie,
        body: {
          contentHash: preview.contentHash,
          channels: [{ channel: 'youtube', previewHash: p?.previewHash }],
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
    const uploaded = yt.live()
    expect(uploaded).toHaveLength(1)
    expect(uploaded[0]).toMatchObject({
      title: 'Inserting a cannula',
      bytes: video.length,
      privacyStatus: 'public',
    })
    expect(uploaded[0]?.captions[0]?.vtt).toMatch(
      /^WEBVTT[\s\S]*00:00:01\.000 --> 00:00:03\.500[\s\S]*Clean the skin first\./,
    )

    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'The gauge chart was wrong' },
      }),
      200,
    )
    await rounds.createWorker().drain()
    expect(yt.live()).toHaveLength(0)
  }, 30_000)
})
