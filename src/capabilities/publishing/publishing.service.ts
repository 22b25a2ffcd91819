import { createHash } from 'node:crypto'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { findItem, type ItemRow, type VersionRow } from '#src/capabilities/content/content.repository.ts'
import { applyItemTransition } from '#src/capabilities/content/content.service.ts'
import { nextState } from '#src/capabilities/content/content.state.ts'
import { listCorrections } from '#src/capabilities/content/corrections.service.ts'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { findCurrentStatement } from '#src/capabilities/standards/disclosure.service.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { findAccountFor } from './channels.repository.ts'
import { usesNativeScheduling } from './delivery.ts'
import type { PublishingDeps } from './publishing.deps.ts'
import {
  type DeliveryRow,
  findPublication,
  insertDelivery,
  insertPublication,
  listDeliveries,
  listPublications,
  type PublicationRow,
  updateDelivery,
  updatePublication,
} from './publishing.repository.ts'
import type {
  ChannelPreview,
  PreviewProblem,
  PreviewSet,
  Publication,
  PublishRequest,
  RenderedPost,
  RescheduleRequest,
} from './publishing.schema.ts'
import { canonicalUrlFor, renderForChannel } from './render.ts'

export const DELIVER_JOB = 'publish.deliver'
export const WITHDRAW_JOB = 'publish.withdraw'

type UserActor = Extract<Actor, { kind: 'user' }>

/** The version an active, unexpired approval binds to, or null. */
export async function findActiveApproval(
  db: Executor,
  itemId: string,
  now: Date,
): Promise<{ id: string; versionId: string; contentHash: string } | null> {
  const row = await db
    .selectFrom('review_approval')
    .select(['id', 'version_id', 'content_hash', 'expires_at'])
    .where('item_id', '=', itemId)
    .where('status', '=', 'active')
    .orderBy('approved_at', 'desc')
    .executeTakeFirst()
  if (!row) return null
  const expires = row.expires_at instanceof Date ? row.expires_at : new Date(row.expires_at)
  if (expires.getTime() <= now.getTime()) return null
  return { id: row.id, versionId: row.version_id, contentHash: row.content_hash }
}

async function findVersionById(db: Executor, versionId: string): Promise<VersionRow | null> {
  const r = await db.selectFrom('content_version').selectAll().where('id', '=', versionId).executeTakeFirst()
  if (!r) return null
  return {
    id: r.id,
    itemId: r.item_id,
    number: Number(r.number),
    kind: r.kind as VersionRow['kind'],
    fields: JSON.parse(r.fields) as VersionRow['fields'],
    contentHash: r.content_hash,
    createdAt: String(r.created_at),
    createdBy: null,
  }
}

/**
 * Loads an item for publishing. 'read': its author or an editor; 'manage': an editor
 * (publishing.manage). Outsiders learn nothing (ORGANISATION_NOT_FOUND / ITEM_NOT_FOUND).
 */
async function loadItem(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  access: 'read' | 'manage',
): Promise<{ user: UserActor; item: ItemRow }> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const user = actor as UserActor
  const item = await findItem(deps.db, itemId)
  if (!item || item.organisationId !== org.id)
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
  const manager = can(user, 'publishing.manage', { organisationId: org.id })
  if (access === 'manage' ? !manager : !manager && item.authorId !== user.userId)
    throw new AppError('FORBIDDEN', {
      message: access === 'manage' ? 'only editors publish' : "you may not see this item's publishing",
    })
  return { user, item }
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/** The SHA-256 the preview shows and publishing checks: of the exact JSON stored and sent. */
export function previewHashOf(post: RenderedPost): string {
  return sha256(JSON.stringify(post))
}

/** The idempotency key of one post: stable for (item, approved version hash, channel, part or correction). */
export function idempotencyKeyFor(
  itemId: string,
  contentHash: string,
  channel: ChannelId,
  what: { part: number } | { correction: string },
): string {
  const tail = 'part' in what ? `part:${what.part}` : `correction:${what.correction}`
  return `rounds-${sha256(`${itemId}\u0000${contentHash}\u0000${channel}\u0000${tail}`).slice(0, 40)}`
}

/** Renders every registered channel for the approved version, with what blocks each. */
async function previewsFor(
  deps: PublishingDeps,
  item: ItemRow,
  version: VersionRow,
  channels: readonly ChannelId[] | null,
): Promise<ChannelPreview[]> {
  const now = deps.clock.now()
  const statement = await findCurrentStatement(deps.db, item.authorId, now)
  const canonicalUrl = canonicalUrlFor(deps.publicBaseUrl, item.organisationSlug, item.id)
  let mediaMissing = false
  for (const slot of version.fields.media) {
    // Opened, not read: a missing file is found without loading a video of gigabytes.
    const file = deps.media.open
      ? await deps.media.open(item.id, slot.id)
      : await deps.media.read(item.id, slot.id)
    if (!file) mediaMissing = true
  }
  const out: ChannelPreview[] = []
  for (const r of deps.connectors.list()) {
    if (channels && !channels.includes(r.channel)) continue
    const { post, problems } = renderForChannel({
      channel: r.channel,
      kind: version.kind,
      fields: version.fields,
      canonicalUrl,
      disclosure: statement?.statement ?? null,
      capabilities: r.connector.capabilities,
    })
    const extra: PreviewProblem[] = []
    if (r.connection !== 'none') {
      const account = await findAccountFor(deps.db, item.organisationId, r.channel)
      if (account?.status !== 'connected')
        extra.push({
          code: 'NO_ACCOUNT',
          message: account
            ? `The ${channelSpecs[r.channel].label} account needs connecting again.`
            : `No ${channelSpecs[r.channel].label} account is connected.`,
        })
    }
    if (mediaMissing)
      extra.push({
        code: 'MEDIA_UNAVAILABLE',
        message: "This item's media files are not available for publishing yet.",
      })
    out.push({
      channel: r.channel,
      label: channelSpecs[r.channel].label,
      post,
      previewHash: previewHashOf(post),
      problems: [...problems, ...extra],
    })
  }
  return out
}

async function approvedVersion(deps: PublishingDeps, item: ItemRow) {
  const approval = await findActiveApproval(deps.db, item.id, deps.clock.now())
  if (!approval)
    throw new AppError('VERSION_NOT_APPROVED', {
      message: 'This item has no current approval; only an approved version is published.',
      details: { state: item.state },
    })
  const version = await findVersionById(deps.db, approval.versionId)
  if (!version) throw new AppError('VERSION_NOT_FOUND', { message: 'the approved version is missing' })
  return { approval, version }
}

/** Per-channel previews of the approved version (editors): exactly what each channel would receive. */
export async function previewItem(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<PreviewSet> {
  const { item } = await loadItem(deps, actor, slug, itemId, 'manage')
  const { version } = await approvedVersion(deps, item)
  return {
    itemId: item.id,
    versionNumber: version.number,
    contentHash: version.contentHash,
    previews: await previewsFor(deps, item, version, null),
  }
}

const LIVE: readonly string[] = [
  'scheduled',
  'publishing',
  'published',
  'withdrawing',
  'withdraw_failed',
  'failed',
]

/**
 * Schedules the approved version on each chosen channel, now or at a time. Refuses a content
 * hash other than the active approval's (VERSION_NOT_APPROVED), a preview that no longer
 * matches (PREVIEW_STALE) and a channel whose preview has problems (PUBLISH_BLOCKED). Writes
 * the publication with the previewed bytes, one delivery per part with its idempotency key,
 * moves the item approved → scheduled and queues the delivery jobs, in one transaction.
 */
export async function publishItem(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  request: PublishRequest,
): Promise<Publication[]> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'manage')
  const { approval, version } = await approvedVersion(deps, item)
  if (request.contentHash !== approval.contentHash)
    throw new AppError('VERSION_NOT_APPROVED', {
      message:
        'This is not the approved version: only the exact version the editor approved can be published.',
      details: { approvedHash: approval.contentHash, requestedHash: request.contentHash },
    })
  const seen = new Set<ChannelId>()
  for (const c of request.channels) {
    if (seen.has(c.channel))
      throw new AppError('VALIDATION_FAILED', {
        message: 'the request is not valid',
        details: [{ path: 'channels', message: `${c.channel} is listed twice` }],
      })
    seen.add(c.channel)
    if (!deps.connectors.get(c.channel))
      throw new AppError('CHANNEL_UNAVAILABLE', {
        message: `Rounds cannot publish to ${channelSpecs[c.channel].label} yet`,
        details: { channel: c.channel },
      })
  }
  const previews = await previewsFor(deps, item, version, [...seen])
  const blocked = previews.filter((p) => p.problems.length > 0)
  if (blocked.length > 0)
    throw new AppError('PUBLISH_BLOCKED', {
      message: `Cannot publish to ${blocked.map((p) => p.label).join(', ')}: ${blocked.flatMap((p) => p.problems.map((x) => x.message)).join(' ')}`,
      details: blocked.map((p) => ({ channel: p.channel, problems: p.problems })),
    })
  for (const c of request.channels) {
    const p = previews.find((x) => x.channel === c.channel) as ChannelPreview
    if (p.previewHash !== c.previewHash)
      throw new AppError('PREVIEW_STALE', {
        message: `The ${p.label} post has changed since you previewed it (for example the author's disclosure was updated). Look at the preview again.`,
        details: { channel: c.channel, previewHash: p.previewHash },
      })
  }
  const now = deps.clock.now()
  const at = now.toISOString()
  const ids: string[] = []
  await deps.db.transaction().execute(async (tx) => {
    const current = await findItem(tx, item.id)
    if (
      !current ||
      current.contentHash !== approval.contentHash ||
      !['approved', 'scheduled', 'published', 'corrected'].includes(current.state)
    )
      throw new AppError('VERSION_NOT_APPROVED', {
        message: 'The item changed while you were publishing; only the approved version is published.',
      })
    const existing = await listPublications(tx, item.id)
    for (const c of request.channels) {
      const p = previews.find((x) => x.channel === c.channel) as ChannelPreview
      const before = existing.find((e) => e.versionId === version.id && e.channel === c.channel)
      if (before && LIVE.includes(before.status))
        throw new AppError('CONFLICT', {
          message: `This version is already ${before.status.replace('_', ' ')} on ${p.label}.`,
          details: { channel: c.channel, publicationId: before.id },
        })
      if (before) await tx.deleteFrom('publication').where('id', '=', before.id).execute()
      const r = deps.connectors.get(c.channel)
      const account =
        r?.connection === 'none' ? null : await findAccountFor(tx, item.organisationId, c.channel)
      const asked = c.scheduledAt ? new Date(c.scheduledAt) : now
      // A time in the past means now.
      const scheduledAt = asked.getTime() < now.getTime() ? now : asked
      const id = deps.ids.next()
      ids.push(id)
      await insertPublication(tx, {
        id,
        organisationId: item.organisationId,
        itemId: item.id,
        versionId: version.id,
        contentHash: version.contentHash,
        channel: c.channel,
        accountId: account?.id ?? null,
        scheduledAt: scheduledAt.toISOString(),
        rendered: JSON.stringify(p.post),
        renderHash: p.previewHash,
        createdAt: at,
        createdBy: user.userId,
      })
      for (const part of p.post.parts)
        await insertDelivery(tx, {
          id: deps.ids.next(),
          publicationId: id,
          kind: 'part',
          partIndex: part.index,
          correctionId: null,
          idempotencyKey: idempotencyKeyFor(item.id, version.contentHash, c.channel, { part: part.index }),
          at,
        })
      // Handed to the platform's own scheduler at once when it can hold the post; else Rounds' queue waits.
      const native = r
        ? usesNativeScheduling(r.connector, p.post.parts.length, scheduledAt.toISOString(), now)
        : false
      await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: id }, { runAt: native ? now : scheduledAt })
      await recordAudit(tx, deps, {
        actorId: user.userId,
        action: 'publishing.scheduled',
        resourceType: 'content_item',
        resourceId: item.id,
        organisationId: item.organisationId,
        summary: {
          publicationId: id,
          channel: c.channel,
          version: version.number,
          contentHash: version.contentHash,
          renderHash: p.previewHash,
          scheduledAt: scheduledAt.toISOString(),
        },
      })
    }
    if (current.state === 'approved')
      await applyItemTransition(tx, deps, item.id, 'schedule', user.userId, {
        versionId: version.id,
        version: version.number,
      })
  })
  const all = await listItemPublicationsRaw(deps, item.id)
  return all.filter((p) => ids.includes(p.id))
}

async function listItemPublicationsRaw(deps: PublishingDeps, itemId: string): Promise<Publication[]> {
  const pubs = await listPublications(deps.db, itemId)
  const deliveries = await listDeliveries(
    deps.db,
    pubs.map((p) => p.id),
  )
  return pubs.map((p) =>
    presentPublication(
      p,
      deliveries.filter((d) => d.publicationId === p.id),
    ),
  )
}

export function presentPublication(p: PublicationRow, deliveries: readonly DeliveryRow[]): Publication {
  return {
    id: p.id,
    itemId: p.itemId,
    versionNumber: p.versionNumber,
    contentHash: p.contentHash,
    channel: p.channel,
    label: channelSpecs[p.channel].label,
    status: p.status,
    scheduledAt: p.scheduledAt,
    publishedAt: p.publishedAt,
    withdrawnAt: p.withdrawnAt,
    platformScheduledAt:
      deliveries.find((d) => d.kind === 'part' && d.status === 'scheduled')?.nextAttemptAt ?? null,
    error: p.error,
    removeByHand: deliveries
      .filter((d) => (d.status === 'not_deletable' || d.status === 'delete_failed') && d.remoteUrl)
      .map((d) => d.remoteUrl as string),
    deliveries: deliveries.map((d) => ({
      id: d.id,
      kind: d.kind,
      partIndex: d.partIndex,
      status: d.status,
      attempts: d.attempts,
      nextAttemptAt: d.nextAttemptAt,
      remoteUrl: d.remoteUrl,
      error: d.lastError,
      sentAt: d.sentAt,
    })),
    post: JSON.parse(p.rendered) as RenderedPost,
  }
}

/** The item's publications with per-channel status (its author and editors). */
export async function listItemPublications(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Publication[]> {
  const { item } = await loadItem(deps, actor, slug, itemId, 'read')
  return listItemPublicationsRaw(deps, item.id)
}

async function loadPublication(
  deps: PublishingDeps,
  item: ItemRow,
  publicationId: string,
): Promise<PublicationRow> {
  const p = await findPublication(deps.db, publicationId)
  if (!p || p.itemId !== item.id)
    throw new AppError('PUBLICATION_NOT_FOUND', { message: `no publication ${publicationId} for this item` })
  return p
}

async function presentOne(deps: PublishingDeps, id: string): Promise<Publication> {
  const p = (await findPublication(deps.db, id)) as PublicationRow
  return presentPublication(p, await listDeliveries(deps.db, [id]))
}

/**
 * Tries a failed publication (or a failed withdrawal) again: failed deliveries go back to
 * pending with their attempts reset and keep their idempotency keys, so nothing sent twice.
 */
export async function retryPublication(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  publicationId: string,
): Promise<Publication> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'manage')
  const p = await loadPublication(deps, item, publicationId)
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const deliveries = await listDeliveries(tx, [p.id])
    if (
      p.status === 'failed' ||
      (p.status === 'published' && deliveries.some((d) => d.status === 'failed'))
    ) {
      const approval = await findActiveApproval(tx, item.id, deps.clock.now())
      if (!approval || approval.contentHash !== p.contentHash)
        throw new AppError('VERSION_NOT_APPROVED', {
          message: 'The approval of this version has ended; it can no longer be published.',
        })
      for (const d of deliveries)
        if (d.status === 'failed')
          await updateDelivery(tx, d.id, {
            status: 'pending',
            lastError: null,
            nextAttemptAt: null,
            resetAttempts: true,
            at,
          })
      if (p.status === 'failed')
        await updatePublication(tx, p.id, { status: 'publishing', error: null, at }, ['failed'])
      await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id })
    } else if (p.status === 'withdraw_failed') {
      for (const d of deliveries)
        if (d.status === 'delete_failed')
          await updateDelivery(tx, d.id, {
            status: 'sent',
            lastError: null,
            nextAttemptAt: null,
            resetAttempts: true,
            at,
          })
      await updatePublication(tx, p.id, { status: 'withdrawing', error: null, at }, ['withdraw_failed'])
      await deps.queue.enqueue(tx, WITHDRAW_JOB, { publicationId: p.id })
    } else {
      throw new AppError('CONFLICT', {
        message: `Nothing to retry: the ${channelSpecs[p.channel].label} publication is ${p.status.replace('_', ' ')}.`,
      })
    }
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'publishing.retried',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: { publicationId: p.id, channel: p.channel, status: p.status },
    })
  })
  return presentOne(deps, p.id)
}

/** Cancels a publication that has not started sending; the item goes back to approved when none is left. */
export async function cancelPublication(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  publicationId: string,
): Promise<Publication> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'manage')
  const p = await loadPublication(deps, item, publicationId)
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const deliveries = await listDeliveries(tx, [p.id])
    const started = deliveries.some((d) => d.status !== 'pending' && d.status !== 'failed')
    const label = channelSpecs[p.channel].label
    if (deliveries.some((d) => d.status === 'scheduled' || d.status === 'scheduling'))
      throw new AppError('CONFLICT', {
        message: `${label} already holds this post for its time; withdraw the item to cancel it there, or move the time.`,
      })
    if (!['scheduled', 'failed'].includes(p.status) || started)
      throw new AppError('CONFLICT', {
        message: `Too late to cancel: the ${label} publication is ${p.status.replace('_', ' ')}. Withdraw the item instead.`,
      })
    if (!(await updatePublication(tx, p.id, { status: 'cancelled', at }, ['scheduled', 'failed'])))
      throw new AppError('CONFLICT', {
        message: 'The publication started sending meanwhile; withdraw it instead.',
      })
    const live = (await listPublications(tx, item.id)).filter((x) => x.id !== p.id && LIVE.includes(x.status))
    const fresh = await findItem(tx, item.id)
    if (live.length === 0 && fresh?.state === 'scheduled')
      await applyItemTransition(tx, deps, item.id, 'unschedule', user.userId, { version: p.versionNumber })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'publishing.cancelled',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: { publicationId: p.id, channel: p.channel },
    })
  })
  return presentOne(deps, p.id)
}

/**
 * Moves a publication that has not gone out to another time. A post the platform already
 * holds (native scheduling) is moved there, or taken back into Rounds' queue when the new
 * time is too soon for the platform, by the delivery job queued here.
 */
export async function reschedulePublication(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  publicationId: string,
  request: RescheduleRequest,
): Promise<Publication> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'manage')
  const p = await loadPublication(deps, item, publicationId)
  const now = deps.clock.now()
  const at = now.toISOString()
  const label = channelSpecs[p.channel].label
  const asked = new Date(request.scheduledAt)
  const scheduledAt = (asked.getTime() < now.getTime() ? now : asked).toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const deliveries = (await listDeliveries(tx, [p.id])).filter((d) => d.kind === 'part')
    const held = deliveries.find((d) => d.status === 'scheduled')
    const due = held?.nextAttemptAt ?? p.scheduledAt
    if (p.status !== 'scheduled' || Date.parse(due) <= now.getTime())
      throw new AppError('CONFLICT', {
        message: `Too late to move: the ${label} publication is ${p.status === 'scheduled' ? 'due now' : p.status.replace('_', ' ')}.`,
      })
    if (deliveries.some((d) => d.status !== 'pending' && d.status !== 'scheduled'))
      throw new AppError('CONFLICT', {
        message: `The ${label} post is being handed over right now; try again in a moment.`,
      })
    if (!(await updatePublication(tx, p.id, { scheduledAt, at }, ['scheduled'])))
      throw new AppError('CONFLICT', { message: 'The publication started sending meanwhile.' })
    await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id })
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'publishing.rescheduled',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: { publicationId: p.id, channel: p.channel, from: p.scheduledAt, to: scheduledAt },
    })
  })
  return presentOne(deps, p.id)
}

/**
 * Withdraws the item everywhere: the item moves to withdrawn (its approval ends), posts are
 * deleted on every channel that can delete them (by jobs), publications not yet sent are
 * cancelled, and posts a platform cannot delete are listed to remove by hand.
 */
export async function withdrawEverywhere(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  reason: string,
): Promise<Publication[]> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'manage')
  if (!nextState(item.state, 'withdraw'))
    throw new AppError('ILLEGAL_TRANSITION', {
      message: `cannot withdraw an item that is ${item.state.replace('_', ' ')}`,
      details: { state: item.state, event: 'withdraw' },
    })
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    await applyItemTransition(tx, deps, item.id, 'withdraw', user.userId, { reason })
    const pubs = await listPublications(tx, item.id)
    const deliveries = await listDeliveries(
      tx,
      pubs.map((p) => p.id),
    )
    for (const p of pubs) {
      if (['cancelled', 'withdrawn', 'withdrawing'].includes(p.status)) continue
      const sent = deliveries.some(
        (d) => d.publicationId === p.id && ['sent', 'sending', 'scheduled', 'scheduling'].includes(d.status),
      )
      if (sent) {
        await updatePublication(tx, p.id, { status: 'withdrawing', error: null, at })
        await deps.queue.enqueue(tx, WITHDRAW_JOB, { publicationId: p.id })
      } else {
        await updatePublication(tx, p.id, { status: 'cancelled', at })
      }
    }
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'publishing.withdrawn',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: { publications: pubs.length },
    })
  })
  return listItemPublicationsRaw(deps, item.id)
}

/**
 * Posts the item's correction notices as replies on every published channel that allows
 * replies (one delivery per notice and channel, each with its own idempotency key).
 * Channels that cannot reply show the notice on the item's page only.
 */
export async function postCorrectionsToChannels(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Publication[]> {
  const { user, item } = await loadItem(deps, actor, slug, itemId, 'manage')
  const corrections = await listCorrections(deps.db, item.id)
  if (corrections.length === 0)
    throw new AppError('CONFLICT', { message: 'This item has no correction notice to post.' })
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const pubs = (await listPublications(tx, item.id)).filter((p) => p.status === 'published')
    const deliveries = await listDeliveries(
      tx,
      pubs.map((p) => p.id),
    )
    let queued = 0
    for (const p of pubs) {
      if (!deps.connectors.get(p.channel)?.connector.capabilities.reply) continue
      let added = false
      for (const c of corrections) {
        if (deliveries.some((d) => d.publicationId === p.id && d.correctionId === c.id)) continue
        await insertDelivery(tx, {
          id: deps.ids.next(),
          publicationId: p.id,
          kind: 'correction',
          partIndex: corrections.indexOf(c),
          correctionId: c.id,
          idempotencyKey: idempotencyKeyFor(item.id, p.contentHash, p.channel, { correction: c.id }),
          at,
        })
        added = true
      }
      if (added) {
        queued++
        await deps.queue.enqueue(tx, DELIVER_JOB, { publicationId: p.id })
      }
    }
    await recordAudit(tx, deps, {
      actorId: user.userId,
      action: 'publishing.corrections_queued',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: { channels: queued, corrections: corrections.length },
    })
  })
  return listItemPublicationsRaw(deps, item.id)
}
