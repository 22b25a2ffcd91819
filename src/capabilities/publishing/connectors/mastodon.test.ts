import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type MastodonFake, startMastodonFake } from '#test/fakes/mastodon.ts'
import { bytesBody, ChannelError, type OutgoingPost, type PostContext } from '../connector.ts'
import { createMastodonConnector, statusPlainText } from './mastodon.ts'

const NOW = new Date('2026-11-27T10:00:00.000Z')

describe('Mastodon connector (masto.js against an HTTP fake of the documented API)', () => {
  let fake: MastodonFake
  let ctx: PostContext
  const connector = createMastodonConnector({
    baseUrl: '',
    fetch,
    now: () => NOW,
    publicBaseUrl: 'https://r',
  })
  const post = (key: string, extra: Partial<OutgoingPost> = {}): OutgoingPost => ({
    idempotencyKey: key,
    parts: [],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
    ...extra,
  })
  const part = (text: string, index = 0) => ({ index, text, media: [] })

  beforeAll(async () => {
    fake = await startMastodonFake({ token: 'sekret-9f2c' })
    ctx = { credentials: { serviceUrl: fake.url, accessToken: 'sekret-9f2c' } }
  })
  afterAll(() => fake?.close())

  it('verifies the account and names it @user@host', async () => {
    const v = await connector.verify?.({ serviceUrl: fake.url, accessToken: 'sekret-9f2c' })
    expect(v).toEqual({ name: `@rounds@${new URL(fake.url).host}`, accountId: '1' })
    await expect(connector.verify?.({ serviceUrl: fake.url, accessToken: 'wrong' })).rejects.toMatchObject({
      reauthorise: true,
      status: 401,
    })
  })

  it('posts a thread with replies and sends the Idempotency-Key; a repeat returns the same status', async () => {
    const first = await connector.publishPart(ctx, post('key-a'), part('One. 1/2'), null)
    const second = await connector.publishPart(ctx, post('key-b'), part('Two. 2/2', 1), {
      root: first,
      parent: first,
    })
    expect(fake.statuses.find((s) => s.id === second.remoteId)?.inReplyToId).toBe(first.remoteId)
    expect(fake.requests.filter((r) => r.path === '/api/v1/statuses').map((r) => r.idempotencyKey)).toEqual([
      'key-a',
      'key-b',
    ])
    const again = await connector.publishPart(ctx, post('key-a'), part('One. 1/2'), null)
    expect(again.remoteId).toBe(first.remoteId)
    expect(fake.statuses.filter((s) => s.text === 'One. 1/2')).toHaveLength(1)
    expect(first.url).toMatch(/\/@rounds\/\d+$/)
  })

  it('uploads media with alt text, waits for processing (202, then 206, then 200), then attaches it', async () => {
    fake.mediaProcessingPolls = 2
    const remote = await connector.publishPart(
      ctx,
      post('key-media'),
      {
        index: 0,
        text: 'An x-ray.',
        media: [
          {
            kind: 'image',
            mimeType: 'image/png',
            body: bytesBody(new Uint8Array([137, 80, 78, 71])),
            altText: 'Chest x-ray',
          },
        ],
      },
      null,
    )
    const status = fake.statuses.find((s) => s.id === remote.remoteId)
    const media = fake.media.find((m) => m.id === status?.mediaIds[0])
    expect(media).toMatchObject({ description: 'Chest x-ray', bytes: 4, mimeType: 'image/png' })
    expect(media?.polls).toBeGreaterThanOrEqual(2)
    fake.mediaProcessingPolls = 1
  }, 15_000)

  it('schedules natively with scheduled_at and cancels the scheduled post', async () => {
    const remote = await connector.publishPart(
      ctx,
      post('key-sched', { scheduledAt: '2026-12-01T09:00:00.000Z' }),
      part('Later.'),
      null,
    )
    expect(remote.remoteId).toMatch(/^scheduled:/)
    await connector.delete(ctx, remote)
    expect(fake.scheduled.at(-1)?.deleted).toBe(true)
  })

  it('deletes, and a second delete is a 404', async () => {
    const remote = await connector.publishPart(ctx, post('key-del'), part('Gone soon.'), null)
    await connector.delete(ctx, remote)
    expect(fake.statuses.find((s) => s.id === remote.remoteId)?.deleted).toBe(true)
    await expect(connector.delete(ctx, remote)).rejects.toMatchObject({ status: 404, permanent: true })
  })

  it('reads likes, reposts and replies', async () => {
    const remote = await connector.publishPart(ctx, post('key-metrics'), part('Count me.'), null)
    const s = fake.statuses.find((x) => x.id === remote.remoteId)
    if (s) Object.assign(s, { favourites: 7, reblogs: 3 })
    expect(await connector.metrics?.(ctx, remote)).toEqual({ likes: 7, reposts: 3, replies: 0 })
  })

  it.each([
    {
      scripted: { status: 429, headers: { 'retry-after': '30' } },
      expected: { status: 429, retryAfterMs: 30_000, permanent: false },
    },
    {
      scripted: { status: 429, headers: { 'x-ratelimit-reset': '2026-11-27T10:05:00.000Z' } },
      expected: { status: 429, retryAfterMs: 300_000, permanent: false },
    },
    { scripted: { status: 503 }, expected: { status: 503, retryAfterMs: null, permanent: false } },
    {
      scripted: { status: 422, body: { error: 'Validation failed: Text character limit of 500 exceeded' } },
      expected: { status: 422, permanent: true },
    },
    {
      scripted: { status: 401, body: { error: 'The access token was revoked' } },
      expected: { status: 401, reauthorise: true },
    },
  ])('translates HTTP $scripted.status into a ChannelError', async ({ scripted, expected }) => {
    fake.failNext({ ...(scripted as Parameters<MastodonFake['failNext']>[0]), path: /^\/api\/v1\/statuses$/ })
    const error = await connector
      .publishPart(ctx, post(`key-${Math.random()}`), part('x'), null)
      .catch((e) => e)
    expect(error).toBeInstanceOf(ChannelError)
    expect(error).toMatchObject(expected)
    expect((error as Error).message).not.toContain('sekret-9f2c')
  })
})

describe("Mastodon connector: the server's own scheduler (scheduled_at)", () => {
  let fake: MastodonFake
  let now = new Date('2026-11-27T10:00:00.000Z')
  const connector = createMastodonConnector({
    baseUrl: '',
    fetch,
    now: () => now,
    publicBaseUrl: 'https://r',
  })
  const scheduling = connector.scheduling as NonNullable<typeof connector.scheduling>
  let ctx: PostContext
  const text = 'Sepsis: give antibiotics within the hour.\n\nhttps://r/orgs/a/items/1 #FOAMed'
  const part = { index: 0, text, media: [] }
  const post = (scheduledAt: string): OutgoingPost => ({
    idempotencyKey: 'key-scheduled',
    parts: [part],
    hashtags: [],
    canonicalUrl: 'https://r/orgs/a/items/1',
    scheduledAt,
  })
  const at = '2026-11-27T10:30:00.000Z'

  beforeAll(async () => {
    fake = await startMastodonFake({ token: 'sekret-5e1a', now: () => now })
    ctx = { credentials: { serviceUrl: fake.url, accessToken: 'sekret-5e1a' } }
  })
  afterAll(() => fake?.close())

  it('declares the 5-minute lead Mastodon requires; a time sooner than that is refused by the server', async () => {
    expect(scheduling.minLeadMs).toBe(5 * 60_000)
    const error = await connector
      .publishPart(ctx, { ...post('2026-11-27T10:03:00.000Z'), idempotencyKey: 'too-soon' }, part, null)
      .catch((e) => e)
    expect(error).toBeInstanceOf(ChannelError)
    expect(error).toMatchObject({ status: 422, permanent: true })
  })

  it('schedules, finds the scheduled status again by text and time, moves it, and after the time resolves the live status', async () => {
    const held = await connector.publishPart(ctx, post(at), part, null)
    expect(held).toEqual({ remoteId: `scheduled:${fake.scheduled[0]?.id}`, scheduledAt: at })
    expect(fake.statuses).toHaveLength(0)
    // A repeat with the key answers the same scheduled status; a lookup finds it by text and time.
    expect(await connector.publishPart(ctx, post(at), part, null)).toEqual(held)
    expect(await scheduling.lookup(ctx, post(at), part)).toEqual(held)
    expect(await scheduling.lookup(ctx, post('2026-11-27T11:00:00.000Z'), part)).toBeNull()
    // Still waiting: resolve answers the scheduled post.
    expect(await scheduling.resolve(ctx, held, post(at), part)).toEqual(held)

    const later = '2026-11-27T11:00:00.000Z'
    const moved = await scheduling.reschedule(ctx, held, later)
    expect(moved).toEqual({ remoteId: held.remoteId, scheduledAt: later })
    expect(fake.scheduled[0]?.scheduledAt).toBe(later)

    // The time comes: the server posts it as a new status (without the key); resolve finds it by text.
    now = new Date('2026-11-27T11:00:30.000Z')
    const live = await scheduling.resolve(ctx, moved, post(later), part)
    expect(fake.statuses).toHaveLength(1)
    expect(live).toEqual({
      remoteId: fake.statuses[0]?.id,
      url: `${fake.url}/@rounds/${fake.statuses[0]?.id}`,
    })
    // A cut-off scheduling call looked up after the time finds the live status too.
    expect(await scheduling.lookup(ctx, post(later), part)).toEqual(live)
  })

  it('cancels a scheduled status with DELETE /api/v1/scheduled_statuses/:id; resolve then finds nothing', async () => {
    const held = await connector.publishPart(
      ctx,
      { ...post('2026-11-27T12:00:00.000Z'), idempotencyKey: 'key-cancel' },
      { ...part, text: 'Another point.' },
      null,
    )
    await connector.delete(ctx, held)
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/api/v1/scheduled_statuses/${held.remoteId.slice(10)}`,
    })
    now = new Date('2026-11-27T12:05:00.000Z')
    expect(
      await scheduling.resolve(ctx, held, post('2026-11-27T12:00:00.000Z'), {
        ...part,
        text: 'Another point.',
      }),
    ).toBeNull()
  })

  it('reads plain text from the HTML Mastodon answers', () => {
    expect(
      statusPlainText(
        '<p>One &amp; two<br />three</p><p><a href="https://r/x"><span class="invisible">https://</span><span class="">r/x</span></a> <a href="https://m/tags/FOAMed" class="mention hashtag">#<span>FOAMed</span></a></p>',
      ),
    ).toBe('One & two\nthree\n\nhttps://r/x #FOAMed')
  })
})
