import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { findItem } from '#src/capabilities/content/content.repository.ts'
import { applyItemTransition } from '#src/capabilities/content/content.service.ts'
import { listCorrections } from '#src/capabilities/content/corrections.service.ts'
import { channelSpecs, splitIntoThread } from '#src/capabilities/screening/channels.ts'
import { backoffMs } from '#src/platform/jobs/queue.ts'
import { findAccount } from './channels.repository.ts'
import { credentialsFor, markNeedsReauth } from './channels.service.ts'
import {
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
  type DeliveryRow,
  findPublication,
  listDeliveries,
  listRecentSends,
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

const remoteOf = (d: DeliveryRow): RemotePost => ({
  remoteId: d.remoteId as string,
  ...(d.remoteRef ? { remoteRef: d.remoteRef } : {}),
  ...(d.remoteUrl ? { url: d.remoteUrl } : {}),
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
    const file = await deps.media.read(publication.itemId, m.slotId)
    if (!file)
      throw new ChannelError(publication.channel, 'A media file of this item is not available.', {
        permanent: true,
      })
    out.push({
      kind: m.kind,
      mimeType: file.mimeType,
      bytes: file.bytes,
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

/** When the platform's rate limit lets the next post go, or null for now. */
async function rateLimitWait(deps: PublishingDeps, l: Loaded): Promise<Date | null> {
  const { posts, windowMs } = l.registered.connector.capabilities.rateLimit
  const now = deps.clock.now()
  const sends = await listRecentSends(
    deps.db,
    {
      accountId: l.publication.accountId,
      organisationId: l.publication.organisationId,
      channel: l.publication.channel,
    },
    new Date(now.getTime() - windowMs).toISOString(),
  )
  if (sends.length < posts) return null
  const oldest = sends[sends.length - posts] as string
  return new Date(Date.parse(oldest) + windowMs + 1)
}

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
  // Only the approved version goes out: an approval voided or expired after scheduling stops it.
  if (p.status !== 'published') {
    const approval = await findActiveApproval(deps.db, p.itemId, deps.clock.now())
    if (!approval || approval.contentHash !== p.contentHash)
      return fail(
        deps,
        p,
        'The approval of this version ended (edited, withdrawn or expired) before it was sent; nothing was published.',
      )
  }
  const loaded = await loadForSending(deps, p)
  if ('error' in loaded) {
    if (loaded.reauth && p.accountId) await markNeedsReauth(deps, p.accountId, loaded.error)
    return fail(deps, p, loaded.error)
  }
  if (p.status === 'scheduled')
    await updatePublication(deps.db, p.id, { status: 'publishing', at: deps.clock.now().toISOString() }, [
      'scheduled',
    ])
  const post = JSON.parse(p.rendered) as RenderedPost
  const deliveries = await listDeliveries(deps.db, [p.id])
  const parts = deliveries.filter((d) => d.kind === 'part').sort((a, b) => a.partIndex - b.partIndex)
  const connector = loaded.registered.connector
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
    const wait = await rateLimitWait(deps, loaded)
    if (wait) {
      await deps.db.transaction().execute(async (tx) => {
        await updateDelivery(tx, d.id, {
          status: 'pending',
          nextAttemptAt: wait.toISOString(),
          lastError: `Waiting for ${label}'s rate limit; sending at ${wait.toISOString().slice(11, 16)} UTC.`,
          at: deps.clock.now().toISOString(),
        })
        await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id }, { runAt: wait })
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
    const outgoing: OutgoingPost = {
      ...outgoingBase,
      idempotencyKey: d.idempotencyKey,
      parts: [outgoingPart],
    }
    const ctx = { credentials: loaded.credentials }
    let remote: RemotePost | null = null
    try {
      // A `sending` left by a crash: ask the platform first when it cannot de-duplicate by key.
      if (d.status === 'sending' && connector.lookup)
        remote = await connector.lookup(ctx, outgoing, outgoingPart)
      if (!remote) {
        await markSending(deps.db, d.id, deps.clock.now().toISOString())
        remote = await connector.publishPart(ctx, outgoing, outgoingPart, replyTo())
      }
    } catch (error) {
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
      return fail(deps, p, next.message, d)
    }
    await markSent(deps.db, d.id, remote, deps.clock.now().toISOString())
    if (d.kind === 'part') {
      root ??= remote
      parent = remote
    }
  }
  await finishPublished(deps, p)
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
    .filter((d) => d.status === 'sent' || d.status === 'sending')
    .reverse()
  const at = () => deps.clock.now().toISOString()
  const registered = deps.connectors.get(p.channel)
  const connector: ChannelConnector | null = registered?.connector ?? null
  let failed: string | null = null
  let loaded: Loaded | { error: string } | null = null
  for (const d of deliveries) {
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
      await connector.delete({ credentials: loaded.credentials }, remoteOf(d))
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
