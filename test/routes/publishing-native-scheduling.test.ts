import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { postCorrection } from '#src/capabilities/content/corrections.service.ts'
import type { Publication } from '#src/capabilities/publishing/publishing.schema.ts'
import { DELIVER_JOB, WITHDRAW_JOB } from '#src/capabilities/publishing/publishing.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { startYouTubeFake, type YouTubeFake } from '#test/fakes/youtube.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { expectError, expectJson } from './helpers.ts'
import {
  connectByOAuth,
  createApprovedItem,
  createPublishingWorld,
  type PublishingWorld,
  publicationsOf,
  publishThroughRoutes,
  storeScreenedMedia,
} from './publishing-world.ts'

/**
 * Native scheduling end to end: a single post scheduled for later is handed at once to the
 * platform's own scheduler (Mastodon scheduled_at, YouTube private + publishAt), shown as
 * "scheduled on the platform", moved there when rescheduled, cancelled there when withdrawn,
 * and, after its time, resolved to the live post whose address metrics, corrections and
 * withdrawal then use. A thread, or a time too soon for the platform, waits in Rounds' queue.
 * Crashes between a call and its record are replayed by putting the database back to the
 * state a killed worker leaves.
 */
const MINUTE = 60_000
const TOKEN = 'masto-token-native-4c1d'

describe.each(testDialects)('native scheduling on %s', (dialect) => {
  let rounds: TestRounds
  let w: PublishingWorld
  let mastodon: MastodonFake
  let yt: YouTubeFake
  const clock = manualClock(new Date())
  const drain = () => rounds.createWorker().drain()
  const item = (id: string) => `/api/orgs/${w.org.slug}/items/${id}`
  const later = (ms: number) => new Date(clock.now().getTime() + ms).toISOString()
  const db = () => rounds.database.db

  beforeAll(async () => {
    mastodon = await startMastodonFake({ token: TOKEN, now: () => clock.now() })
    yt = await startYouTubeFake({ now: () => clock.now() })
    rounds = await createTestRounds(dialect, {
      clock,
      env: {
        ROUNDS_CHANNEL_BASE_URLS: `youtube=${yt.url}`,
        ROUNDS_OAUTH_YOUTUBE_CLIENT_ID: yt.state.clientId,
        ROUNDS_OAUTH_YOUTUBE_CLIENT_SECRET: yt.state.clientSecret,
      },
    })
    w = await createPublishingWorld(rounds, 'Native Scheduling Teaching')
    await expectJson(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/channels/mastodon/connect`, {
        cookie: w.editor.cookie,
        body: { method: 'server-token', serviceUrl: mastodon.url, accessToken: TOKEN },
      }),
      200,
    )
  })
  afterAll(async () => {
    await rounds?.close()
    await mastodon?.close()
    await yt?.close()
  })

  let n = 0
  const onePost = () =>
    createApprovedItem(rounds, w, {
      title: `Sepsis bundle ${++n}`,
      body: `Point ${n}: give antibiotics within the first hour of septic shock.`,
      hashtags: ['sepsis'],
    })
  const mastodonPublication = async (itemId: string) =>
    (await publicationsOf(rounds, w, itemId)).find((p) => p.channel === 'mastodon') as Publication
  const statusPosts = () =>
    mastodon.requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/statuses')
  const jobsOf = (publicationId: string) =>
    db()
      .selectFrom('job')
      .select(['id'])
      .where('payload', 'like', `%${publicationId}%`)
      .where('status', 'in', ['queued', 'running'])
      .execute()

  it('schedules on Mastodon, moves it when rescheduled, resolves the live status, and metrics, corrections and withdrawal use it', async () => {
    const id = await onePost()
    const first = later(30 * MINUTE)
    const { publications } = await publishThroughRoutes(rounds, w, id, 'mastodon', first)
    expect(publications[0]).toMatchObject({ status: 'scheduled', platformScheduledAt: null })

    await drain()
    expect(mastodon.statuses).toHaveLength(0)
    const held = mastodon.scheduled.filter((s) => !s.deleted)
    expect(held).toHaveLength(1)
    expect(held[0]).toMatchObject({ scheduledAt: first, text: expect.stringContaining(`Point ${n}`) })
    let p = await mastodonPublication(id)
    expect(p).toMatchObject({ status: 'scheduled', platformScheduledAt: first })
    expect(p.deliveries[0]).toMatchObject({ status: 'scheduled', remoteUrl: null })
    // Cancel is refused: the platform holds it; withdrawal or moving the time are the ways.
    const refused = await expectError(
      await call(rounds, 'POST', `${item(id)}/publications/${p.id}/cancel`, { cookie: w.editor.cookie }),
      409,
      'CONFLICT',
    )
    expect(refused.error.message).toMatch(/Mastodon already holds this post/)

    // Rescheduling: 401/403/400 first, then the same scheduled status moves.
    const reschedule = `${item(id)}/publications/${p.id}/reschedule`
    await expectError(
      await call(rounds, 'POST', reschedule, { body: { scheduledAt: first } }),
      401,
      'UNAUTHENTICATED',
    )
    await expectError(
      await call(rounds, 'POST', reschedule, { cookie: w.author.cookie, body: { scheduledAt: first } }),
      403,
      'FORBIDDEN',
    )
    await expectError(
      await call(rounds, 'POST', reschedule, { cookie: w.editor.cookie, body: { scheduledAt: 'tomorrow' } }),
      400,
      'VALIDATION_FAILED',
    )
    const second = later(60 * MINUTE)
    await expectJson(
      await call(rounds, 'POST', reschedule, { cookie: w.editor.cookie, body: { scheduledAt: second } }),
      200,
    )
    await drain()
    expect(
      mastodon.requests.some(
        (r) => r.method === 'PUT' && r.path === `/api/v1/scheduled_statuses/${held[0]?.id}`,
      ),
    ).toBe(true)
    expect(mastodon.scheduled.filter((s) => !s.deleted)).toEqual([
      expect.objectContaining({ id: held[0]?.id, scheduledAt: second }),
    ])
    p = await mastodonPublication(id)
    expect(p.platformScheduledAt).toBe(second)

    // The first time passes: nothing is posted, the follow-up jobs for it find nothing to do.
    clock.advance(45 * MINUTE)
    await drain()
    expect(mastodon.statuses).toHaveLength(0)
    expect((await mastodonPublication(id)).status).toBe('scheduled')

    // The new time comes: the server posts it; Rounds finds the status and records its address.
    clock.set(new Date(Date.parse(second) + 1000))
    await drain()
    expect(mastodon.statuses).toHaveLength(1)
    const live = mastodon.statuses[0]
    p = await mastodonPublication(id)
    expect(p).toMatchObject({ status: 'published', platformScheduledAt: null })
    expect(p.deliveries[0]).toMatchObject({
      status: 'sent',
      remoteUrl: `${mastodon.url}/@rounds/${live?.id}`,
    })
    expect(statusPosts()).toHaveLength(1)

    // Metrics read the live status.
    if (live) live.favourites = 7
    const metrics = await expectJson<{
      item: { summary: { posts: { channel: string; metrics: { likes?: number } }[] } }
    }>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/items/${id}/metrics/refresh`, {
        cookie: w.editor.cookie,
      }),
      200,
    )
    expect(metrics.item.summary.posts.find((x) => x.channel === 'mastodon')?.metrics.likes).toBe(7)

    // A correction replies to the live status.
    const editor = await loadActor(rounds.accounts, w.editor.id)
    await postCorrection(rounds.accounts, editor, w.org.slug, id, {
      notice: 'The first hour starts at recognition, not at triage.',
    })
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publishing/corrections`, { cookie: w.editor.cookie }),
      200,
    )
    await drain()
    const reply = mastodon.statuses.find((s) => s.text.startsWith('Correction:'))
    expect(reply?.inReplyToId).toBe(live?.id)

    // Withdrawal deletes the live status and the correction.
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Superseded' },
      }),
      200,
    )
    await drain()
    expect(mastodon.live()).toHaveLength(0)
    expect((await mastodonPublication(id)).status).toBe('withdrawn')
  }, 60_000)

  it('withdrawal before the time cancels the scheduled status on Mastodon; nothing is posted later', async () => {
    const id = await onePost()
    await publishThroughRoutes(rounds, w, id, 'mastodon', later(20 * MINUTE))
    await drain()
    const held = mastodon.scheduled.filter((s) => !s.deleted && s.text.includes(`Point ${n}:`))
    expect(held).toHaveLength(1)
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Not yet' },
      }),
      200,
    )
    await drain()
    expect(
      mastodon.requests.some(
        (r) => r.method === 'DELETE' && r.path === `/api/v1/scheduled_statuses/${held[0]?.id}`,
      ),
    ).toBe(true)
    expect(held[0]?.deleted).toBe(true)
    const p = await mastodonPublication(id)
    expect(p.status).toBe('withdrawn')
    clock.advance(30 * MINUTE)
    await drain()
    expect(mastodon.statuses.some((s) => s.text.includes(`Point ${n}:`))).toBe(false)
  }, 60_000)

  it('a thread, and a time too soon for Mastodon, wait in Rounds queue instead', async () => {
    const thread = await createApprovedItem(rounds, w, {
      title: 'A thread',
      body: 'Early antibiotics in septic shock save lives, and every hour of delay costs more of them. '
        .repeat(8)
        .trim(),
    })
    const soon = await onePost()
    const at = later(20 * MINUTE)
    await publishThroughRoutes(rounds, w, thread, 'mastodon', at)
    await publishThroughRoutes(rounds, w, soon, 'mastodon', later(4 * MINUTE))
    const scheduledBefore = mastodon.scheduled.length
    await drain()
    expect(mastodon.scheduled.length).toBe(scheduledBefore)
    const threadPub = await mastodonPublication(thread)
    expect(threadPub.deliveries.length).toBeGreaterThan(1)
    expect(threadPub).toMatchObject({ status: 'scheduled', platformScheduledAt: null })
    expect(threadPub.deliveries.every((d) => d.status === 'pending')).toBe(true)
    clock.set(new Date(Date.parse(at) + 1000))
    await drain()
    const after = await mastodonPublication(thread)
    expect(after.status).toBe('published')
    const posted = after.deliveries.map((d) => d.remoteUrl?.split('/').at(-1))
    for (const [i, remote] of posted.entries())
      if (i > 0) expect(mastodon.statuses.find((s) => s.id === remote)?.inReplyToId).toBe(posted[i - 1])
    expect((await mastodonPublication(soon)).status).toBe('published')
    expect(mastodon.scheduled.length).toBe(scheduledBefore)
  }, 60_000)

  it("a post Mastodon's scheduler refuses (its daily limit) waits in Rounds' queue instead, and goes at the time", async () => {
    const id = await onePost()
    const at = later(30 * MINUTE)
    await publishThroughRoutes(rounds, w, id, 'mastodon', at)
    const before = mastodon.scheduled.length
    mastodon.failNext({
      status: 422,
      path: /^\/api\/v1\/statuses$/,
      body: { error: 'Validation failed: You have exceeded the limit of 25 scheduled posts for today' },
    })
    await drain()
    expect(mastodon.scheduled.length).toBe(before)
    let p = await mastodonPublication(id)
    expect(p).toMatchObject({ status: 'scheduled', platformScheduledAt: null })
    expect(p.deliveries[0]?.status).toBe('pending')
    expect(p.deliveries[0]?.error).toMatch(
      /^Mastodon would not hold it for its time \(.*25 scheduled posts.*\); Rounds sends it at /,
    )
    clock.set(new Date(Date.parse(at) + 1000))
    await drain()
    p = await mastodonPublication(id)
    expect(p.status).toBe('published')
    expect(mastodon.statuses.filter((s) => s.text.includes(`Point ${n}:`))).toHaveLength(1)
  }, 60_000)

  it('stays exactly once across a crash at each step (scheduling, moving, resolving, cancelling)', async () => {
    const id = await onePost()
    const at = later(30 * MINUTE)
    const [pub] = (await publishThroughRoutes(rounds, w, id, 'mastodon', at)).publications
    const pid = (pub as Publication).id
    const mine = () => mastodon.scheduled.filter((s) => s.text.includes(`Point ${n}:`))
    const delivery = () =>
      db().selectFrom('delivery').selectAll().where('publication_id', '=', pid).executeTakeFirstOrThrow()
    /** The database as a worker killed at that moment leaves it: the job to run again, and `state`. */
    const crashed = async (state: Record<string, unknown>, job: string = DELIVER_JOB, pubStatus?: string) => {
      for (const j of await jobsOf(pid)) await db().deleteFrom('job').where('id', '=', j.id).execute()
      await db().updateTable('delivery').set(state).where('publication_id', '=', pid).execute()
      if (pubStatus)
        await db().updateTable('publication').set({ status: pubStatus }).where('id', '=', pid).execute()
      await rounds.publishing.queue.enqueue(db(), job, { publicationId: pid })
    }

    // 1. Killed after Mastodon took the scheduled status, before Rounds recorded it.
    await drain()
    expect(mine()).toHaveLength(1)
    const posts = statusPosts().length
    await crashed({ status: 'scheduling', remote_id: null, remote_url: null, next_attempt_at: null })
    await drain()
    expect(mine()).toHaveLength(1)
    expect(statusPosts()).toHaveLength(posts) // found among the scheduled statuses, not sent again
    expect(await delivery()).toMatchObject({ status: 'scheduled', remote_id: `scheduled:${mine()[0]?.id}` })

    // 2. Killed after Mastodon moved it, before Rounds recorded the new time.
    const moved = later(40 * MINUTE)
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publications/${pid}/reschedule`, {
        cookie: w.editor.cookie,
        body: { scheduledAt: moved },
      }),
      200,
    )
    await drain()
    await crashed({ next_attempt_at: at })
    await drain()
    expect(mine()).toEqual([expect.objectContaining({ scheduledAt: moved, deleted: false })])
    const d = await delivery()
    expect(new Date(d.next_attempt_at as string).toISOString()).toBe(moved)

    // 3. Killed after finding the live status, before recording it: found again, posted once.
    clock.set(new Date(Date.parse(moved) + 1000))
    await drain()
    expect((await delivery()).status).toBe('sent')
    const liveId = (await delivery()).remote_id
    await crashed(
      {
        status: 'scheduled',
        remote_id: `scheduled:${mine()[0]?.id}`,
        next_attempt_at: moved,
        remote_url: null,
      },
      DELIVER_JOB,
      'scheduled',
    )
    await drain()
    expect((await delivery()).remote_id).toBe(liveId)
    expect(mastodon.statuses.filter((s) => s.text.includes(`Point ${n}:`))).toHaveLength(1)
    expect((await mastodonPublication(id)).status).toBe('published')

    // 4. A second item: withdrawn before its time, killed after Mastodon cancelled it, before Rounds recorded that.
    const other = await onePost()
    const [second] = (await publishThroughRoutes(rounds, w, other, 'mastodon', later(30 * MINUTE)))
      .publications
    const sid = (second as Publication).id
    await drain()
    await expectJson(
      await call(rounds, 'POST', `${item(other)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Held back' },
      }),
      200,
    )
    await drain()
    const cancelled = mastodon.scheduled.find((s) => s.text.includes(`Point ${n}:`))
    expect(cancelled?.deleted).toBe(true)
    for (const j of await jobsOf(sid)) await db().deleteFrom('job').where('id', '=', j.id).execute()
    await db()
      .updateTable('delivery')
      .set({ status: 'scheduled', deleted_at: null })
      .where('publication_id', '=', sid)
      .execute()
    await db().updateTable('publication').set({ status: 'withdrawing' }).where('id', '=', sid).execute()
    await rounds.publishing.queue.enqueue(db(), WITHDRAW_JOB, { publicationId: sid })
    await drain()
    const again = (await publicationsOf(rounds, w, other))[0] as Publication
    expect(again.status).toBe('withdrawn')
    expect(again.deliveries[0]?.status).toBe('deleted')
    clock.advance(40 * MINUTE)
    await drain()
    expect(mastodon.statuses.some((s) => s.text.includes(`Point ${n}:`))).toBe(false)
  }, 60_000)

  let youtubeAccount: Promise<unknown> | null = null
  const connectYouTube = () => {
    youtubeAccount ??= connectByOAuth(rounds, w, 'youtube')
    return youtubeAccount
  }
  const youtubePublication = async (itemId: string) =>
    (await publicationsOf(rounds, w, itemId)).find((p) => p.channel === 'youtube') as Publication
  const titled = (title: string) => yt.videos.filter((v) => v.title === title)
  const video = Buffer.alloc(300_000, 5)
  const videoItem = (title: string) =>
    createApprovedItem(
      rounds,
      w,
      {
        kind: 'video',
        title,
        body: 'A short demonstration on a model arm.',
        captions: '1\n00:00:01,000 --> 00:00:03,500\nClean the skin first.\n',
        media: [{ id: `vid-${title.length}-${Date.now()}`, kind: 'video', altText: 'Hands on a model arm' }],
      },
      async (itemId) => {
        const row = await db()
          .selectFrom('content_item')
          .select('fields')
          .where('id', '=', itemId)
          .executeTakeFirstOrThrow()
        const slot = (JSON.parse(row.fields) as { media: { id: string }[] }).media[0]?.id as string
        await storeScreenedMedia(rounds, w, itemId, {
          id: slot,
          kind: 'video',
          filename: 'arm.mp4',
          mime: 'video/mp4',
          bytes: video,
          width: 640,
          height: 360,
          duration: 4,
          original: 'the original',
        })
      },
    )

  it('schedules a YouTube video private with publishAt, moves it, and resolves it public at the time; withdrawal before then deletes it', async () => {
    await connectYouTube()
    const id = await videoItem('Inserting a cannula')
    const at = later(30 * MINUTE)
    const [pub] = (await publishThroughRoutes(rounds, w, id, 'youtube', at)).publications
    await drain()
    const [v] = yt.live()
    expect(v).toMatchObject({ privacyStatus: 'private', publishAt: at })
    let p = (await publicationsOf(rounds, w, id)).find((x) => x.channel === 'youtube') as Publication
    expect(p).toMatchObject({ status: 'scheduled', platformScheduledAt: at })

    const moved = later(90 * MINUTE)
    await expectJson(
      await call(rounds, 'POST', `${item(id)}/publications/${pub?.id}/reschedule`, {
        cookie: w.editor.cookie,
        body: { scheduledAt: moved },
      }),
      200,
    )
    await drain()
    expect(yt.live()).toEqual([
      expect.objectContaining({ id: v?.id, privacyStatus: 'private', publishAt: moved }),
    ])

    clock.set(new Date(Date.parse(moved) + 1000))
    await drain()
    p = (await publicationsOf(rounds, w, id)).find((x) => x.channel === 'youtube') as Publication
    expect(p).toMatchObject({ status: 'published', platformScheduledAt: null })
    expect(p.deliveries[0]?.remoteUrl).toBe(`https://www.youtube.com/watch?v=${v?.id}`)
    expect(yt.live()).toEqual([expect.objectContaining({ id: v?.id, privacyStatus: 'public' })])

    // A worker killed after YouTube took a scheduled upload, before Rounds recorded it: the
    // re-run finds the private video in the uploads playlist instead of uploading it again.
    const cut = await videoItem('Securing a cannula')
    const [cutPub] = (await publishThroughRoutes(rounds, w, cut, 'youtube', later(30 * MINUTE))).publications
    await drain()
    expect(yt.live()).toHaveLength(2)
    const uploads = yt.state.chunkPuts
    await db()
      .updateTable('delivery')
      .set({ status: 'scheduling', remote_id: null, remote_url: null, next_attempt_at: null })
      .where('publication_id', '=', cutPub?.id as string)
      .execute()
    await rounds.publishing.queue.enqueue(db(), DELIVER_JOB, { publicationId: cutPub?.id as string })
    await drain()
    expect(yt.state.chunkPuts).toBe(uploads)
    expect(yt.live()).toHaveLength(2)
    const recovered = (await publicationsOf(rounds, w, cut))[0] as Publication
    expect(recovered.deliveries[0]).toMatchObject({ status: 'scheduled' })
    expect(recovered.platformScheduledAt).not.toBeNull()
    await expectJson(
      await call(rounds, 'POST', `${item(cut)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Re-filming' },
      }),
      200,
    )
    await drain()
    expect(yt.live()).toHaveLength(1)

    const early = await videoItem('Removing a cannula safely')
    await publishThroughRoutes(rounds, w, early, 'youtube', later(30 * MINUTE))
    await drain()
    expect(yt.live()).toHaveLength(2)
    await expectJson(
      await call(rounds, 'POST', `${item(early)}/publishing/withdraw`, {
        cookie: w.editor.cookie,
        body: { reason: 'Re-filming' },
      }),
      200,
    )
    await drain()
    expect(yt.live().map((x) => x.id)).toEqual([v?.id])
  }, 60_000)

  it("a publishAt YouTube refuses waits in Rounds' queue instead, and is uploaded public once at the time", async () => {
    await connectYouTube()
    const title = 'Flushing a cannula'
    const id = await videoItem(title)
    const at = later(30 * MINUTE)
    await publishThroughRoutes(rounds, w, id, 'youtube', at)
    const starts = yt.state.sessionStarts
    const refusals = yt.state.publishAtRefusals
    yt.state.refusePublishAt = 'The request metadata specifies an invalid scheduled publishing time.'
    try {
      await drain()
      // Refused with the metadata: no session opened, no bytes sent, no video.
      expect(yt.state.publishAtRefusals).toBe(refusals + 1)
      expect(yt.state.sessionStarts).toBe(starts)
      expect(titled(title)).toEqual([])
      let p = await youtubePublication(id)
      expect(p).toMatchObject({ status: 'scheduled', platformScheduledAt: null })
      expect(p.deliveries[0]?.status).toBe('pending')
      expect(p.deliveries[0]?.error).toBe(
        `YouTube would not hold it for its time (YouTube refused the time to publish the video (The request metadata specifies an invalid scheduled publishing time.)); Rounds sends it at ${at.slice(0, 10)} ${at.slice(11, 16)} UTC instead.`,
      )

      // A stray delivery job before the time does not hand it to YouTube again.
      await rounds.publishing.queue.enqueue(db(), DELIVER_JOB, { publicationId: p.id })
      clock.advance(10 * MINUTE)
      await drain()
      expect(yt.state.publishAtRefusals).toBe(refusals + 1)
      expect(yt.state.sessionStarts).toBe(starts)
      expect((await youtubePublication(id)).status).toBe('scheduled')

      // At the time Rounds uploads it public, once.
      clock.set(new Date(Date.parse(at) + 1000))
      await drain()
      await drain()
      const uploaded = titled(title)
      expect(uploaded).toEqual([
        expect.objectContaining({ privacyStatus: 'public', publishAt: null, deleted: false }),
      ])
      expect(yt.state.sessionStarts).toBe(starts + 1)
      p = await youtubePublication(id)
      expect(p).toMatchObject({ status: 'published', platformScheduledAt: null })
      expect(p.deliveries[0]).toMatchObject({
        status: 'sent',
        error: null,
        remoteUrl: `https://www.youtube.com/watch?v=${uploaded[0]?.id}`,
      })
    } finally {
      yt.state.refusePublishAt = null
    }
  }, 60_000)

  it('a move YouTube refuses deletes the private video and Rounds uploads it public once at the new time, also after a crash between the two', async () => {
    await connectYouTube()
    const title = 'Dressing a cannula site'
    const crashTitle = 'Changing a cannula dressing'
    const id = await videoItem(title)
    const other = await videoItem(crashTitle)
    const at = later(30 * MINUTE)
    const [pub] = (await publishThroughRoutes(rounds, w, id, 'youtube', at)).publications
    const [otherPub] = (await publishThroughRoutes(rounds, w, other, 'youtube', at)).publications
    await drain()
    const [held] = titled(title)
    const [otherHeld] = titled(crashTitle)
    expect(held).toMatchObject({ privacyStatus: 'private', publishAt: at })
    expect(otherHeld).toMatchObject({ privacyStatus: 'private', publishAt: at })
    const scheduledRow = await db()
      .selectFrom('delivery')
      .selectAll()
      .where('publication_id', '=', otherPub?.id as string)
      .executeTakeFirstOrThrow()

    const refusals = yt.state.publishAtRefusals
    yt.state.refusePublishAt = 'The request metadata specifies an invalid scheduled publishing time.'
    try {
      const moved = later(90 * MINUTE)
      for (const [itemId, p] of [
        [id, pub],
        [other, otherPub],
      ] as const)
        await expectJson(
          await call(rounds, 'POST', `${item(itemId)}/publications/${p?.id}/reschedule`, {
            cookie: w.editor.cookie,
            body: { scheduledAt: moved },
          }),
          200,
        )
      await drain()
      expect(yt.state.publishAtRefusals).toBe(refusals + 2)
      // YouTube refused the move: the private video is deleted, not left to go public at the old time.
      expect(titled(title)).toEqual([expect.objectContaining({ id: held?.id, deleted: true })])
      expect(titled(crashTitle)).toEqual([expect.objectContaining({ id: otherHeld?.id, deleted: true })])
      const p = await youtubePublication(id)
      expect(p).toMatchObject({ status: 'scheduled', platformScheduledAt: null })
      expect(p.deliveries[0]?.status).toBe('pending')
      expect(p.deliveries[0]?.error).toBe(
        `YouTube would not move it to its new time (YouTube refused the time to publish the video (The request metadata specifies an invalid scheduled publishing time.)); Rounds sends it at ${moved.slice(0, 10)} ${moved.slice(11, 16)} UTC instead.`,
      )

      // The other one as a worker killed after the delete, before its record, leaves it.
      for (const j of await jobsOf(otherPub?.id as string))
        await db().deleteFrom('job').where('id', '=', j.id).execute()
      await db()
        .updateTable('delivery')
        .set({
          status: 'scheduled',
          remote_id: scheduledRow.remote_id,
          remote_url: scheduledRow.remote_url,
          next_attempt_at: new Date(scheduledRow.next_attempt_at as string).toISOString(),
          last_error: null,
        })
        .where('id', '=', scheduledRow.id)
        .execute()
      await rounds.publishing.queue.enqueue(db(), DELIVER_JOB, { publicationId: otherPub?.id as string })
      await drain()
      const replayed = await youtubePublication(other)
      expect(replayed).toMatchObject({ status: 'scheduled', platformScheduledAt: null })
      expect(replayed.deliveries[0]?.status).toBe('pending')
      expect(replayed.deliveries[0]?.error).toMatch(
        /^YouTube no longer holds the scheduled post; Rounds sends it at /,
      )

      // The old time passes: nothing goes public, nothing is uploaded.
      const starts = yt.state.sessionStarts
      clock.set(new Date(Date.parse(at) + 1000))
      await drain()
      expect(yt.state.sessionStarts).toBe(starts)
      expect(yt.state.publishAtRefusals).toBe(refusals + 2)
      expect(yt.live().filter((v) => v.title === title || v.title === crashTitle)).toEqual([])

      // The new time: each is uploaded public, once.
      clock.set(new Date(Date.parse(moved) + 1000))
      await drain()
      await drain()
      for (const [t, itemId] of [
        [title, id],
        [crashTitle, other],
      ] as const) {
        const live = yt.live().filter((v) => v.title === t)
        expect(live).toEqual([expect.objectContaining({ privacyStatus: 'public', publishAt: null })])
        const done = await youtubePublication(itemId)
        expect(done).toMatchObject({ status: 'published' })
        expect(done.deliveries[0]?.remoteUrl).toBe(`https://www.youtube.com/watch?v=${live[0]?.id}`)
      }
      expect(yt.state.sessionStarts).toBe(starts + 2)
    } finally {
      yt.state.refusePublishAt = null
    }
  }, 60_000)
})
