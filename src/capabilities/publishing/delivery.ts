import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { findItem } from '#src/capabilities/content/content.repository.ts'
import { applyItemTransition } from '#src/capabilities/content/content.service.ts'
import { listCorrections } from '#src/capabilities/content/corrections.service.ts'
import { channelSpecs, splitIntoThread } from '#src/capabilities/screening/channels.ts'
import { backoffMs } from '#src/platform/jobs/queue.ts'
import { findAccount } from './channels.repository.ts'
import { credentialsFor, markNeedsReauth } from './channels.service.ts'
import {
  bytesBody,
  type ChannelConnector,
  type ChannelCredentials,
  ChannelError,
  type OutgoingMedia,
  type OutgoingPart,
  type OutgoingPost,
  type RemotePost,
} from './connector.ts'
import type { RegisteredChannel } from './connectors/index.ts'
import { signedMediaUrl } from './outbound-media.ts'
import type { PublishingDeps } from './publishing.deps.ts'
import {
  claimPublication,
  clearScheduled,
  type DeliveryRow,
  findPublication,
  listDeliveries,
  listRecentSends,
  markScheduled,
  markScheduling,
  markSending,
  markSent,
  type PublicationRow,
  releasePublication,
  updateDelivery,
  updatePublication,
} from './publishing.repository.ts'
import type { RenderedPost } from './publishing.schema.ts'
import { DELIVER_JOB, findActiveApproval, WITHDRAW_JOB } from './publishing.service.ts'

/**
 * Delivery: sends a publication's parts in order, exactly once each. Before each call the
 * delivery is marked `sending` (committed), carrying the idempotency key the platform sees;
 * a crash between the call and recording its result leaves `sending`, and the re-run sends
 * the same key again (Mastodon de-duplicates by Idempotency-Key) or asks the connector to
 * look it up first. Refusals with Retry-After (429) and server errors wait and try again by
 * re-queuing the job for that time; the per-platform rate limit is counted from what was sent.
 */

/** After this many attempts a part is failed and the editor retries by hand. */
export const MAX_ATTEMPTS = 6
const CLAIM_MS = 15 * 60_000

/** Over the platform's minimum lead for a native schedule: the call (an upload) takes time too. */
export const NATIVE_MARGIN_MS = 60_000
/** After the platform's time, how often Rounds looks for the live post, and for how long. */
export const RESOLVE_EVERY_MS = 60_000
export const RESOLVE_GIVE_UP_MS = 60 * 60_000

/**
 * Whether a publication is handed to the platform's own scheduler: the connector schedules
 * natively, the time is far enough ahead for the platform to accept it, and it is one post.
 * A thread is never scheduled natively: its later parts reply to the first, and Mastodon's
 * `in_reply_to_id` must name a status that exists, which a scheduled one does not until it is
 * posted; so threads wait in Rounds' queue and go out part by part at the time.
 */
export function usesNativeScheduling(
  connector: ChannelConnector,
  parts: number,
  scheduledAt: string,
  now: Date,
): boolean {
  const native = connector.capabilities.nativeScheduling ? connector.scheduling : undefined
  if (!native || parts !== 1) return false
  return Date.parse(scheduledAt) - now.getTime() >= native.minLeadMs + NATIVE_MARGIN_MS
}

/**
 * The platform's scheduler refused the time itself, so nothing was scheduled or moved there:
 * Mastodon's 422 (at most 25 scheduled posts a day and 300 in all) or a refusal the connector
 * marks `scheduleRefused` (YouTube's invalidPublishAt). Rounds' queue sends the post at its time.
 */
function refusedBySchedule(error: unknown): error is ChannelError {
  return (
    error instanceof ChannelError &&
    error.permanent &&
    !error.reauthorise &&
    (error.scheduleRefused || error.status === 422)
  )
}

/**
 * A delivery Rounds' queue keeps for exactly the publication's time after the platform's
 * scheduler refused it: not handed to the platform again (a reschedule to another time is).
 */
const keptForItsTime = (d: DeliveryRow, p: PublicationRow) =>
  d.status === 'pending' &&
  d.nextAttemptAt !== null &&
  Date.parse(d.nextAttemptAt) === Date.parse(p.scheduledAt)

/** "Mastodon's", "Threads'". */
const possessive = (label: string) => (label.endsWith('s') ? `${label}'` : `${label}'s`)
const hhmm = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`

const remoteOf = (d: DeliveryRow): RemotePost => ({
  remoteId: d.remoteId as string,
  ...(d.remoteRef ? { remoteRef: d.remoteRef } : {}),
  ...(d.remoteUrl ? { url: d.remoteUrl } : {}),
  ...(d.status === 'scheduled' && d.nextAttemptAt ? { scheduledAt: d.nextAttemptAt } : {}),
})

/** A correction reply: the notice and the link to the corrected page, within the channel's limit. */
export function renderCorrection(
  notice: string,
  canonicalUrl: string,
  channel: RegisteredChannel['channel'],
): string {
  const text = `Correction: ${notice.trim()}\n\n${canonicalUrl}`
  const parts = splitIntoThread(text, channel, { numbered: false })
  if (parts.length <= 1) return parts[0] ?? text
  // Too long for one post: keep the link, shorten the notice.
  const room = splitIntoThread(`Correction: ${notice.trim()}`, channel, {
    numbered: false,
    maxLength: Math.max(20, channelSpecs[channel].maxLength - 30),
  })
  return `${(room[0] ?? '').replace(/[.,;:]?$/, '…')}\n\n${canonicalUrl}`
}

type Loaded = {
  publication: PublicationRow
  registered: RegisteredChannel
  credentials: ChannelCredentials
}

async function loadForSending(
  deps: PublishingDeps,
  publication: PublicationRow,
): Promise<Loaded | { error: string; reauth?: boolean }> {
  const registered = deps.connectors.get(publication.channel)
  const label = channelSpecs[publication.channel].label
  if (!registered) return { error: `Rounds has no ${label} connector installed any more.` }
  if (registered.connection === 'none')
    return { publication, registered, credentials: { serviceUrl: registered.baseUrl || deps.publicBaseUrl } }
  const account = publication.accountId ? await findAccount(deps.db, publication.accountId) : null
  if (!account || account.status === 'disconnected')
    return { error: `The ${label} account is not connected. Connect it, then retry.` }
  if (account.status === 'needs_reauth')
    return {
      error: `${label} no longer accepts Rounds' access to the account. Connect it again, then retry.`,
      reauth: true,
    }
  const credentials = await credentialsFor(deps, account)
  if (!credentials)
    return {
      error: `${label} no longer accepts Rounds' access to the account. Connect it again, then retry.`,
      reauth: true,
    }
  return { publication, registered, credentials }
}

async function mediaFor(
  deps: PublishingDeps,
  publication: PublicationRow,
  post: RenderedPost,
  index: number,
) {
  const out: OutgoingMedia[] = []
  for (const m of post.parts[index]?.media ?? []) {
    // Connectors read the file by range as they send it; it is never loaded whole.
    const file = deps.media.open
      ? await deps.media.open(publication.itemId, m.slotId)
      : await deps.media
          .read(publication.itemId, m.slotId)
          .then((f) => f && { mimeType: f.mimeType, body: bytesBody(f.bytes) })
    if (!file)
      throw new ChannelError(publication.channel, 'A media file of this item is not available.', {
        permanent: true,
      })
    out.push({
      kind: m.kind,
      mimeType: file.mimeType,
      body: file.body,
      ...(m.altText ? { altText: m.altText } : {}),
      ...(m.captions && post.captionsVtt ? { captionsVtt: post.captionsVtt } : {}),
      publicUrl: signedMediaUrl(
        deps.keyring,
        `${post.canonicalUrl}/media/${encodeURIComponent(m.slotId)}`,
        deps.clock.now(),
      ),
    })
  }
  return out
}

/** What to do after a refusal: wait and try again, or stop and tell the editor. */
function afterError(
  error: unknown,
  attempts: number,
  now: Date,
  label: string,
): { retryAt: Date | null; message: string; reauth: boolean } {
  if (error instanceof ChannelError) {
    if (error.reauthorise)
      return {
        retryAt: null,
        reauth: true,
        message: `${label} no longer accepts Rounds' access to the account (${error.message}). Connect it again, then retry.`,
      }
    if (!error.permanent && attempts < MAX_ATTEMPTS) {
      const wait = error.retryAfterMs ?? backoffMs(attempts)
      const retryAt = new Date(now.getTime() + Math.max(1_000, wait))
      return {
        retryAt,
        reauth: false,
        message: `${error.message} Rounds will try again at ${retryAt.toISOString().slice(11, 16)} UTC.`,
      }
    }
    return { retryAt: null, reauth: false, message: error.message }
  }
  if (attempts < MAX_ATTEMPTS) {
    const retryAt = new Date(now.getTime() + backoffMs(attempts))
    return {
      retryAt,
      reauth: false,
      message: `Sending to ${label} failed unexpectedly. Rounds will try again at ${retryAt.toISOString().slice(11, 16)} UTC.`,
    }
  }
  return { retryAt: null, reauth: false, message: `Sending to ${label} kept failing. Retry later.` }
}

/** How long to wait when the platform says its quota is used up but not when it frees up. */
export const QUOTA_RECHECK_MS = 60 * 60_000

/**
 * When the platform's documented limits let the next send go (and why it waits), or null for
 * now. Every applicable limit is counted from the sends Rounds recorded; a platform that
 * reports its own quota use (posts made elsewhere count there) is asked too.
 */
async function rateLimitWait(
  deps: PublishingDeps,
  l: Loaded,
  d: DeliveryRow,
): Promise<{ at: Date; message: string } | null> {
  const capabilities = l.registered.connector.capabilities
  const label = channelSpecs[l.publication.channel].label
  const reply = d.kind === 'correction' || d.partIndex > 0
  const now = deps.clock.now()
  let wait: { at: Date; message: string } | null = null
  const later = (at: Date, why: string) => {
    if (!wait || at.getTime() > wait.at.getTime())
      wait = { at, message: `Waiting for ${why}; sending at ${hhmm(at.toISOString())}.` }
  }
  for (const limit of [capabilities.rateLimit, ...(capabilities.moreLimits ?? [])]) {
    const counts = limit.counts ?? 'all'
    if ((counts === 'posts' && reply) || (counts === 'replies' && !reply)) continue
    const sends = await listRecentSends(
      deps.db,
      {
        accountId: l.publication.accountId,
        organisationId: l.publication.organisationId,
        channel: l.publication.channel,
      },
      new Date(now.getTime() - limit.windowMs).toISOString(),
      counts,
    )
    if (sends.length < limit.posts) continue
    const oldest = sends[sends.length - limit.posts] as string
    later(
      new Date(Date.parse(oldest) + limit.windowMs + 1),
      `${possessive(label)} ${limit.name ?? 'rate limit'} (${limit.posts.toLocaleString('en')} ${counts === 'replies' ? 'replies' : 'posts'} ${windowWords(limit.windowMs)})`,
    )
  }
  const quota = l.registered.connector.quota
    ? await l.registered.connector
        .quota({ credentials: l.credentials }, reply ? 'reply' : 'post')
        .catch(() => null)
    : null
  if (quota && quota.used >= quota.total)
    later(
      new Date(now.getTime() + QUOTA_RECHECK_MS),
      `${possessive(label)} ${reply ? 'reply' : 'post'} limit (${quota.total.toLocaleString('en')} ${reply ? 'replies' : 'posts'} ${windowWords(quota.windowMs)}, counting posts made outside Rounds), which ${label} says is used up`,
    )
  return wait
}

const windowWords = (ms: number) =>
  ms % 86_400_000 === 0
    ? ms === 86_400_000
      ? 'in 24 hours'
      : `in ${ms / 86_400_000} days`
    : ms % 3_600_000 === 0
      ? ms === 3_600_000
        ? 'an hour'
        : `in ${ms / 3_600_000} hours`
      : `in ${Math.round(ms / 1000)} seconds`

/**
 * The delivery job: sends every pending part (then pending correction replies) of one
 * publication. Safe to run twice: one job holds the publication's claim at a time, and each
 * part carries its idempotency key.
 */
export async function deliverPublication(
  deps: PublishingDeps,
  publicationId: string,
  claimant: string,
): Promise<void> {
  const first = await findPublication(deps.db, publicationId)
  if (!first || !['scheduled', 'publishing', 'published'].includes(first.status)) return
  const now = () => deps.clock.now()
  if (
    !(await claimPublication(
      deps.db,
      first.id,
      claimant,
      now().toISOString(),
      new Date(now().getTime() + CLAIM_MS).toISOString(),
    ))
  )
    return
  try {
    await deliverClaimed(deps, first)
  } finally {
    await releasePublication(deps.db, first.id, claimant)
  }
}

async function fail(deps: PublishingDeps, p: PublicationRow, message: string, delivery?: DeliveryRow) {
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    if (delivery)
      await updateDelivery(tx, delivery.id, { status: 'failed', lastError: message, nextAttemptAt: null, at })
    if (p.status !== 'published') await updatePublication(tx, p.id, { status: 'failed', error: message, at })
    await recordAudit(tx, deps, {
      actorId: null,
      action: 'publishing.failed',
      resourceType: 'content_item',
      resourceId: p.itemId,
      organisationId: p.organisationId,
      summary: { publicationId: p.id, channel: p.channel, part: delivery?.partIndex ?? null },
    })
  })
}

async function deliverClaimed(deps: PublishingDeps, p: PublicationRow): Promise<void> {
  const label = channelSpecs[p.channel].label
  const deliveries = await listDeliveries(deps.db, [p.id])
  const parts = deliveries.filter((d) => d.kind === 'part').sort((a, b) => a.partIndex - b.partIndex)
  const handedOver = parts.filter((d) => d.status === 'scheduled' || d.status === 'scheduling')
  // Only the approved version goes out: an approval voided or expired after scheduling stops it.
  if (p.status !== 'published') {
    const approval = await findActiveApproval(deps.db, p.itemId, deps.clock.now())
    if (!approval || approval.contentHash !== p.contentHash) {
      const message =
        'The approval of this version ended (edited, withdrawn or expired) before it was sent; nothing was published.'
      // A post the platform already holds is cancelled there first, by the withdrawal job.
      if (handedOver.length > 0) return handBackForWithdrawal(deps, p, message)
      return fail(deps, p, message)
    }
  }
  const loaded = await loadForSending(deps, p)
  if ('error' in loaded) {
    if (loaded.reauth && p.accountId) await markNeedsReauth(deps, p.accountId, loaded.error)
    return fail(deps, p, loaded.error)
  }
  const connector = loaded.registered.connector
  const now = deps.clock.now()
  const native =
    p.status === 'scheduled' &&
    !parts.some((d) => d.status === 'sent' || d.status === 'sending' || keptForItsTime(d, p)) &&
    usesNativeScheduling(connector, parts.length, p.scheduledAt, now)
  // A job early for its time (queued for the platform's scheduler, which now cannot take it):
  // Rounds' queue waits for the time instead.
  if (
    p.status === 'scheduled' &&
    !native &&
    handedOver.length === 0 &&
    Date.parse(p.scheduledAt) > now.getTime()
  ) {
    await deps.queue.enqueue(
      deps.db,
      DELIVER_JOB,
      { publicationId: p.id },
      { runAt: new Date(p.scheduledAt) },
    )
    return
  }
  if (p.status === 'scheduled' && !native && handedOver.length === 0)
    await updatePublication(deps.db, p.id, { status: 'publishing', at: deps.clock.now().toISOString() }, [
      'scheduled',
    ])
  const post = JSON.parse(p.rendered) as RenderedPost
  const outgoingBase: Omit<OutgoingPost, 'parts'> = {
    idempotencyKey: '',
    ...(post.title ? { title: post.title } : {}),
    hashtags: post.hashtags,
    canonicalUrl: post.canonicalUrl,
    ...(post.language ? { language: post.language } : {}),
    scheduledAt: null,
  }
  let root: RemotePost | null = null
  let parent: RemotePost | null = null
  const corrections = deliveries.filter(
    (d) => d.kind === 'correction' && (d.status === 'pending' || d.status === 'sending'),
  )
  const notices = corrections.length ? await listCorrections(deps.db, p.itemId) : []

  const queue: {
    d: DeliveryRow
    part: () => Promise<OutgoingPart>
    replyTo: () => { root: RemotePost; parent: RemotePost } | null
  }[] = []
  for (const d of parts) {
    const index = d.partIndex
    queue.push({
      d,
      part: async () => ({
        index,
        text: post.parts[index]?.text ?? '',
        media: await mediaFor(deps, p, post, index),
      }),
      replyTo: () => (root && parent ? { root, parent } : null),
    })
  }
  for (const d of corrections) {
    const notice = notices.find((n) => n.id === d.correctionId)
    queue.push({
      d,
      part: async () => ({
        index: 0,
        text: renderCorrection(notice?.notice ?? '', post.canonicalUrl, p.channel),
        media: [],
      }),
      // A correction answers the first post, where readers of the thread start.
      replyTo: () => (root ? { root, parent: root } : null),
    })
  }

  /** Waits for a refusal that can succeed later, or fails the part. */
  const refused = async (d: DeliveryRow, error: unknown, keepStatus?: 'scheduled'): Promise<void> => {
    const attempts = d.attempts + 1
    const next = afterError(error, attempts, deps.clock.now(), label)
    if (!(error instanceof ChannelError))
      deps.log.warn(
        {
          publicationId: p.id,
          deliveryId: d.id,
          channel: p.channel,
          err: { name: (error as Error)?.name },
        },
        'delivery failed unexpectedly',
      )
    if (next.reauth && p.accountId) await markNeedsReauth(deps, p.accountId, next.message)
    if (next.retryAt) {
      const retryAt = next.retryAt
      await deps.db.transaction().execute(async (tx) => {
        if (keepStatus)
          // The platform still holds the post at its time: only count the attempt and say why.
          await tx
            .updateTable('delivery')
            .set((eb) => ({
              attempts: eb('attempts', '+', 1),
              last_error: next.message,
              updated_at: deps.clock.now().toISOString(),
            }))
            .where('id', '=', d.id)
            .execute()
        else
          await updateDelivery(tx, d.id, {
            status: 'pending',
            lastError: next.message,
            nextAttemptAt: retryAt.toISOString(),
            at: deps.clock.now().toISOString(),
          })
        await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: retryAt })
      })
      return
    }
    // A post the platform still holds keeps its delivery (a retry looks for it again, never re-sends).
    return fail(deps, p, next.message, keepStatus ? undefined : d)
  }

  for (const { d, part, replyTo } of queue) {
    if (d.status === 'sent' || d.status === 'deleted') {
      if (d.kind === 'part') {
        const remote = remoteOf(d)
        root ??= remote
        parent = remote
      }
      continue
    }
    if (d.status === 'failed') return
    if (d.kind === 'correction' && !root) return
    const ctx = { credentials: loaded.credentials }
    if (d.status === 'scheduled') {
      let outgoingPart: OutgoingPart
      try {
        outgoingPart = await part()
      } catch (error) {
        return refused(d, error, 'scheduled')
      }
      const outgoing: OutgoingPost = {
        ...outgoingBase,
        idempotencyKey: d.idempotencyKey,
        parts: [outgoingPart],
      }
      let live: RemotePost | null
      try {
        live = await followScheduled(deps, loaded, p, d, outgoing, outgoingPart)
      } catch (error) {
        return refused(d, error, 'scheduled')
      }
      if (!live) return
      const remote = live
      await deps.db.transaction().execute(async (tx) => {
        await markSent(tx, d.id, remote, deps.clock.now().toISOString())
        await updatePublication(tx, p.id, { status: 'publishing', at: deps.clock.now().toISOString() }, [
          'scheduled',
        ])
      })
      root ??= remote
      parent = remote
      continue
    }
    const wait = await rateLimitWait(deps, loaded, d)
    if (wait) {
      const { at, message } = wait
      await deps.db.transaction().execute(async (tx) => {
        await updateDelivery(tx, d.id, {
          // A part cut off mid-call stays `sending`: the next run still looks it up first.
          status: d.status === 'sending' || d.status === 'scheduling' ? d.status : 'pending',
          nextAttemptAt: at.toISOString(),
          lastError: message,
          at: deps.clock.now().toISOString(),
        })
        await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: at })
      })
      return
    }
    let outgoingPart: OutgoingPart
    try {
      outgoingPart = await part()
    } catch (error) {
      return fail(
        deps,
        p,
        error instanceof ChannelError ? error.message : 'The post could not be prepared.',
        d,
      )
    }
    const schedule = native && d.kind === 'part' ? p.scheduledAt : null
    const outgoing: OutgoingPost = {
      ...outgoingBase,
      idempotencyKey: d.idempotencyKey,
      parts: [outgoingPart],
      scheduledAt: schedule,
    }
    let remote: RemotePost | null = null
    try {
      // A `scheduling` left by a crash: find what the cut-off call gave the platform's scheduler.
      if (d.status === 'scheduling' && connector.scheduling)
        remote = await connector.scheduling.lookup(
          ctx,
          { ...outgoing, scheduledAt: p.scheduledAt },
          outgoingPart,
        )
      // A `sending` left by a crash: ask the platform first when it cannot de-duplicate by key.
      else if (d.status === 'sending' && connector.lookup)
        remote = await connector.lookup(ctx, outgoing, outgoingPart)
      if (!remote) {
        if (schedule) await markScheduling(deps.db, d.id, deps.clock.now().toISOString())
        else await markSending(deps.db, d.id, deps.clock.now().toISOString())
        remote = await connector.publishPart(ctx, outgoing, outgoingPart, replyTo())
      }
    } catch (error) {
      // The platform's scheduler refused the post itself: nothing was created, so Rounds'
      // queue sends it at the time instead.
      if (schedule && refusedBySchedule(error)) {
        const note = `${label} would not hold it for its time (${error.message.replace(/\.$/, '')}); Rounds sends it at ${hhmm(p.scheduledAt)} instead.`
        await deps.db.transaction().execute(async (tx) => {
          await updateDelivery(tx, d.id, {
            status: 'pending',
            lastError: note,
            nextAttemptAt: p.scheduledAt,
            at: deps.clock.now().toISOString(),
          })
          await deps.queue.enqueue(
            tx,
            DELIVER_JOB,
            { publicationId: p.id },
            { runAt: new Date(p.scheduledAt) },
          )
        })
        return
      }
      return refused(d, error)
    }
    if (remote.scheduledAt) {
      await recordScheduled(deps, p, d, remote)
      return
    }
    await markSent(deps.db, d.id, remote, deps.clock.now().toISOString())
    if (d.kind === 'part') {
      root ??= remote
      parent = remote
    }
  }
  await finishPublished(deps, p)
}

/**
 * The platform took the post for its time: the delivery keeps the scheduled post, and two
 * jobs follow: one just before the time (the approval is checked while the platform can
 * still cancel the post) and one at the time, which looks for the live post.
 */
async function recordScheduled(deps: PublishingDeps, p: PublicationRow, d: DeliveryRow, remote: RemotePost) {
  const at = remote.scheduledAt as string
  const label = channelSpecs[p.channel].label
  await deps.db.transaction().execute(async (tx) => {
    await markScheduled(tx, d.id, remote, at, deps.clock.now().toISOString(), null)
    await recordAudit(tx, deps, {
      actorId: null,
      action: 'publishing.scheduled_on_platform',
      resourceType: 'content_item',
      resourceId: p.itemId,
      organisationId: p.organisationId,
      summary: { publicationId: p.id, channel: p.channel, platform: label, scheduledAt: at },
    })
    const check = new Date(Date.parse(at) - NATIVE_MARGIN_MS / 2)
    if (check.getTime() > deps.clock.now().getTime())
      await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: check })
    await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: new Date(at) })
  })
}

/**
 * A post the platform holds: moves it when the publication's time changed, waits until the
 * time, then asks the platform for the live post. Returns the live post, or null when the
 * job is done for now (a follow-up is queued or the part failed).
 */
async function followScheduled(
  deps: PublishingDeps,
  l: Loaded,
  p: PublicationRow,
  d: DeliveryRow,
  outgoing: OutgoingPost,
  part: OutgoingPart,
): Promise<RemotePost | null> {
  const scheduling = l.registered.connector.scheduling as NonNullable<ChannelConnector['scheduling']>
  const label = channelSpecs[p.channel].label
  const ctx = { credentials: l.credentials }
  const now = deps.clock.now()
  const platformAt = d.nextAttemptAt as string
  const remote = remoteOf(d)
  const nowIso = () => deps.clock.now().toISOString()
  if (Date.parse(platformAt) > now.getTime() && Date.parse(p.scheduledAt) !== Date.parse(platformAt)) {
    // Rescheduled before the platform posted it: move it there, or take it back into Rounds' queue
    // when the new time is too soon for the platform's scheduler.
    // When the platform refuses the new time, or no longer holds the post, the post is
    // cancelled there (a YouTube video uploaded private is deleted, never left behind) and
    // Rounds' queue sends it at the new time, saying why.
    let note: string | null = null
    if (usesNativeScheduling(l.registered.connector, 1, p.scheduledAt, now)) {
      try {
        const moved = await scheduling.reschedule(ctx, remote, p.scheduledAt)
        await recordScheduled(deps, p, d, { ...moved, scheduledAt: moved.scheduledAt ?? p.scheduledAt })
        return null
      } catch (error) {
        if (refusedBySchedule(error))
          note = `${label} would not move it to its new time (${error.message.replace(/\.$/, '')}); Rounds sends it at ${hhmm(p.scheduledAt)} instead.`
        else if (error instanceof ChannelError && error.status === 404) {
          // Gone from the platform's schedule: cancelled by a run cut off below, or on the
          // platform itself. Posted meanwhile is kept as posted; otherwise Rounds sends it.
          const found = await scheduling.resolve(ctx, remote, outgoing, part)
          if (found && !found.scheduledAt) return found
          if (found) throw error
          note = `${label} no longer holds the scheduled post; Rounds sends it at ${hhmm(p.scheduledAt)} instead.`
        } else throw error
      }
    }
    try {
      await l.registered.connector.delete(ctx, remote)
    } catch (error) {
      if (!(error instanceof ChannelError && error.status === 404)) throw error
    }
    await deps.db.transaction().execute(async (tx) => {
      await clearScheduled(tx, d.id, nowIso())
      if (note)
        await updateDelivery(tx, d.id, {
          status: 'pending',
          lastError: note,
          nextAttemptAt: p.scheduledAt,
          at: nowIso(),
        })
      await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: new Date(p.scheduledAt) })
    })
    return null
  }
  // Before the time (the check just before it): the approval was confirmed above; nothing else to do.
  if (Date.parse(platformAt) > now.getTime()) return null
  const found = await scheduling.resolve(ctx, remote, outgoing, part)
  if (found && !found.scheduledAt) return found
  const late = now.getTime() - Date.parse(platformAt)
  if (late > RESOLVE_GIVE_UP_MS) {
    // Still held by the platform: the delivery stays scheduled (a retry looks again). Gone: the
    // part fails, and a retry sends it anew.
    if (found)
      await fail(
        deps,
        p,
        `${label} still has not posted the post scheduled for ${hhmm(platformAt)}; check the account, then retry.`,
      )
    else
      await fail(
        deps,
        p,
        `The post scheduled on ${label} for ${hhmm(platformAt)} is no longer there (it may have been deleted on ${label}).`,
        d,
      )
    return null
  }
  const again = new Date(now.getTime() + RESOLVE_EVERY_MS)
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .updateTable('delivery')
      .set({
        last_error: `Waiting for ${label} to post it (scheduled there for ${hhmm(platformAt)}); Rounds looks again at ${again.toISOString().slice(11, 16)} UTC.`,
        updated_at: nowIso(),
      })
      .where('id', '=', d.id)
      .execute()
    await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: again })
  })
  return null
}

/** The approval ended while the platform holds the post: the withdrawal job cancels it there. */
async function handBackForWithdrawal(deps: PublishingDeps, p: PublicationRow, message: string) {
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    await updatePublication(tx, p.id, { status: 'withdrawing', error: message, at }, [
      'scheduled',
      'publishing',
    ])
    await deps.queue.enqueue(tx, WITHDRAW_JOB, { publicationId: p.id })
  })
}

async function finishPublished(deps: PublishingDeps, p: PublicationRow): Promise<void> {
  const fresh = await findPublication(deps.db, p.id)
  if (!fresh || fresh.status === 'published') return
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    if (
      !(await updatePublication(tx, p.id, { status: 'published', error: null, publishedAt: at, at }, [
        'publishing',
        'scheduled',
      ]))
    )
      return
    const item = await findItem(tx, p.itemId)
    if (item?.state === 'scheduled')
      await applyItemTransition(tx, deps, p.itemId, 'publish', null, {
        versionId: p.versionId,
        version: p.versionNumber,
      })
    await recordAudit(tx, deps, {
      actorId: null,
      action: 'publishing.published',
      resourceType: 'content_item',
      resourceId: p.itemId,
      organisationId: p.organisationId,
      summary: {
        publicationId: p.id,
        channel: p.channel,
        contentHash: p.contentHash,
        renderHash: p.renderHash,
      },
    })
  })
}

/**
 * The withdrawal job: deletes every sent post of the publication (corrections first, then
 * the thread from its last part), marks what the platform cannot delete for removal by hand,
 * and retries refusals that can succeed later.
 */
export async function withdrawPublication(
  deps: PublishingDeps,
  publicationId: string,
  claimant: string,
): Promise<void> {
  const p = await findPublication(deps.db, publicationId)
  if (p?.status !== 'withdrawing') return
  const now = () => deps.clock.now()
  if (
    !(await claimPublication(
      deps.db,
      p.id,
      claimant,
      now().toISOString(),
      new Date(now().getTime() + CLAIM_MS).toISOString(),
    ))
  )
    return
  try {
    await withdrawClaimed(deps, p)
  } finally {
    await releasePublication(deps.db, p.id, claimant)
  }
}

async function withdrawClaimed(deps: PublishingDeps, p: PublicationRow): Promise<void> {
  const label = channelSpecs[p.channel].label
  const deliveries = (await listDeliveries(deps.db, [p.id]))
    .filter((d) => ['sent', 'sending', 'scheduled', 'scheduling'].includes(d.status))
    .reverse()
  const at = () => deps.clock.now().toISOString()
  const registered = deps.connectors.get(p.channel)
  const connector: ChannelConnector | null = registered?.connector ?? null
  let failed: string | null = null
  let loaded: Loaded | { error: string } | null = null
  for (const d of deliveries) {
    if (d.status === 'scheduling' && connector?.scheduling) {
      // Cut off while handing it to the platform's scheduler: find what it holds, if anything.
      loaded ??= await loadForSending(deps, p)
      const found = 'error' in loaded ? null : await findHandedOver(p, loaded, d).catch(() => undefined)
      if (found === null) {
        await updateDelivery(deps.db, d.id, { status: 'deleted', deletedAt: at(), lastError: null, at: at() })
        continue
      }
      if (found) d.remoteId = found.remoteId
    }
    if (!d.remoteId) {
      // Never confirmed sent: nothing known to delete; the editor checks by hand.
      await updateDelivery(deps.db, d.id, {
        status: 'not_deletable',
        lastError: `Rounds cannot tell whether this ${label} post was created; check the account.`,
        at: at(),
      })
      continue
    }
    if (!connector?.capabilities.delete) {
      await updateDelivery(deps.db, d.id, {
        status: 'not_deletable',
        lastError: `${label} does not let Rounds delete posts; remove it by hand.`,
        at: at(),
      })
      continue
    }
    loaded ??= await loadForSending(deps, p)
    if ('error' in loaded) {
      await updateDelivery(deps.db, d.id, { status: 'delete_failed', lastError: loaded.error, at: at() })
      failed = loaded.error
      continue
    }
    try {
      const ctx = { credentials: loaded.credentials }
      try {
        await connector.delete(ctx, remoteOf(d))
      } catch (error) {
        // A scheduled post gone from the platform's schedule may have just been posted: delete that.
        if (!(error instanceof ChannelError && error.status === 404 && d.status === 'scheduled')) throw error
        const live = await findHandedOver(p, loaded, d)
        if (live && !live.scheduledAt) await connector.delete(ctx, live)
      }
      await updateDelivery(deps.db, d.id, { status: 'deleted', deletedAt: at(), lastError: null, at: at() })
    } catch (error) {
      if (error instanceof ChannelError && error.status === 404) {
        await updateDelivery(deps.db, d.id, { status: 'deleted', deletedAt: at(), lastError: null, at: at() })
        continue
      }
      const next = afterError(error, d.attempts + 1, deps.clock.now(), label)
      if (next.retryAt) {
        const retryAt = next.retryAt
        await deps.db.transaction().execute(async (tx) => {
          await tx
            .updateTable('delivery')
            .set((eb) => ({
              attempts: eb('attempts', '+', 1),
              last_error: next.message,
              next_attempt_at: retryAt.toISOString(),
              updated_at: at(),
            }))
            .where('id', '=', d.id)
            .execute()
          await deps.queue.enqueue(tx, WITHDRAW_JOB, { publicationId: p.id }, { runAt: retryAt })
        })
        return
      }
      await updateDelivery(deps.db, d.id, { status: 'delete_failed', lastError: next.message, at: at() })
      failed = next.message
    }
  }
  await deps.db.transaction().execute(async (tx) => {
    await updatePublication(
      tx,
      p.id,
      failed
        ? {
            status: 'withdraw_failed',
            error: `Some ${label} posts could not be deleted: ${failed}`,
            at: at(),
          }
        : { status: 'withdrawn', error: null, withdrawnAt: at(), at: at() },
      ['withdrawing'],
    )
    await recordAudit(tx, deps, {
      actorId: null,
      action: failed ? 'publishing.withdraw_failed' : 'publishing.removed',
      resourceType: 'content_item',
      resourceId: p.itemId,
      organisationId: p.organisationId,
      summary: { publicationId: p.id, channel: p.channel },
    })
  })
}

/** What the platform holds for a delivery handed to its scheduler: the scheduled or the live post, or null. */
async function findHandedOver(p: PublicationRow, l: Loaded, d: DeliveryRow): Promise<RemotePost | null> {
  const scheduling = l.registered.connector.scheduling
  if (!scheduling) return null
  const post = JSON.parse(p.rendered) as RenderedPost
  const part: OutgoingPart = { index: d.partIndex, text: post.parts[d.partIndex]?.text ?? '', media: [] }
  const outgoing: OutgoingPost = {
    idempotencyKey: d.idempotencyKey,
    ...(post.title ? { title: post.title } : {}),
    parts: [part],
    hashtags: post.hashtags,
    canonicalUrl: post.canonicalUrl,
    scheduledAt: d.nextAttemptAt ?? p.scheduledAt,
  }
  const ctx = { credentials: l.credentials }
  if (d.status === 'scheduled' && d.remoteId) return scheduling.resolve(ctx, remoteOf(d), outgoing, part)
  return scheduling.lookup(ctx, outgoing, part)
}
