import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type { DeliveryStatus, PublicationStatus } from './publishing.schema.ts'

export type PublicationRow = {
  id: string
  organisationId: string
  itemId: string
  versionId: string
  versionNumber: number
  contentHash: string
  channel: ChannelId
  accountId: string | null
  status: PublicationStatus
  scheduledAt: string
  /** The rendered JSON exactly as previewed. */
  rendered: string
  renderHash: string
  error: string | null
  createdAt: string
  publishedAt: string | null
  withdrawnAt: string | null
}

export type DeliveryRow = {
  id: string
  publicationId: string
  kind: 'part' | 'correction'
  partIndex: number
  correctionId: string | null
  idempotencyKey: string
  status: DeliveryStatus
  attempts: number
  nextAttemptAt: string | null
  remoteId: string | null
  remoteRef: string | null
  remoteUrl: string | null
  lastError: string | null
  sentAt: string | null
  deletedAt: string | null
}

function publicationQuery(db: Executor) {
  return db
    .selectFrom('publication as p')
    .innerJoin('content_version as v', 'v.id', 'p.version_id')
    .select([
      'p.id',
      'p.organisation_id',
      'p.item_id',
      'p.version_id',
      'v.number as version_number',
      'p.content_hash',
      'p.channel',
      'p.account_id',
      'p.status',
      'p.scheduled_at',
      'p.rendered',
      'p.render_hash',
      'p.error',
      'p.created_at',
      'p.published_at',
      'p.withdrawn_at',
    ])
}

type PublicationSelect = Awaited<ReturnType<ReturnType<typeof publicationQuery>['execute']>>[number]

function mapPublication(r: PublicationSelect): PublicationRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    itemId: r.item_id,
    versionId: r.version_id,
    versionNumber: Number(r.version_number),
    contentHash: r.content_hash,
    channel: r.channel as ChannelId,
    accountId: r.account_id,
    status: r.status as PublicationStatus,
    scheduledAt: toIso(r.scheduled_at),
    rendered: r.rendered,
    renderHash: r.render_hash,
    error: r.error,
    createdAt: toIso(r.created_at),
    publishedAt: toIso(r.published_at),
    withdrawnAt: toIso(r.withdrawn_at),
  }
}

export async function findPublication(db: Executor, id: string): Promise<PublicationRow | null> {
  const r = await publicationQuery(db).where('p.id', '=', id).executeTakeFirst()
  return r ? mapPublication(r) : null
}

export async function listPublications(db: Executor, itemId: string): Promise<PublicationRow[]> {
  const rows = await publicationQuery(db)
    .where('p.item_id', '=', itemId)
    .orderBy('p.created_at')
    .orderBy('p.channel')
    .execute()
  return rows.map(mapPublication)
}

export async function insertPublication(
  db: Executor,
  row: Omit<PublicationRow, 'versionNumber' | 'error' | 'publishedAt' | 'withdrawnAt' | 'status'> & {
    createdBy: string
  },
): Promise<void> {
  await db
    .insertInto('publication')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      item_id: row.itemId,
      version_id: row.versionId,
      content_hash: row.contentHash,
      channel: row.channel,
      account_id: row.accountId,
      status: 'scheduled',
      scheduled_at: row.scheduledAt,
      rendered: row.rendered,
      render_hash: row.renderHash,
      error: null,
      claimed_by: null,
      claimed_until: null,
      created_by: row.createdBy,
      created_at: row.createdAt,
      updated_at: row.createdAt,
      published_at: null,
      withdrawn_at: null,
    })
    .execute()
}

export async function updatePublication(
  db: Executor,
  id: string,
  values: {
    status?: PublicationStatus
    error?: string | null
    publishedAt?: string | null
    withdrawnAt?: string | null
    scheduledAt?: string
    at: string
  },
  onlyFrom?: readonly PublicationStatus[],
): Promise<boolean> {
  let q = db
    .updateTable('publication')
    .set({
      updated_at: values.at,
      ...(values.status !== undefined ? { status: values.status } : {}),
      ...(values.error !== undefined ? { error: values.error } : {}),
      ...(values.publishedAt !== undefined ? { published_at: values.publishedAt } : {}),
      ...(values.withdrawnAt !== undefined ? { withdrawn_at: values.withdrawnAt } : {}),
      ...(values.scheduledAt !== undefined ? { scheduled_at: values.scheduledAt } : {}),
    })
    .where('id', '=', id)
  if (onlyFrom) q = q.where('status', 'in', [...onlyFrom])
  const r = await q.executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

/**
 * Claims the publication for one worker until `until`: only one job sends a publication's
 * parts at a time (a thread's parts go in order). The same claimant may claim again (its
 * job re-run after a crash); anyone may take over an expired claim.
 */
export async function claimPublication(
  db: Executor,
  id: string,
  claimant: string,
  now: string,
  until: string,
): Promise<boolean> {
  const r = await db
    .updateTable('publication')
    .set({ claimed_by: claimant, claimed_until: until })
    .where('id', '=', id)
    .where((eb) =>
      eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', claimant), eb('claimed_until', '<', now)]),
    )
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function releasePublication(db: Executor, id: string, claimant: string): Promise<void> {
  await db
    .updateTable('publication')
    .set({ claimed_by: null, claimed_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', claimant)
    .execute()
}

// ── deliveries ───────────────────────────────────────────────────────────────────────────

function mapDelivery(r: {
  id: string
  publication_id: string
  kind: string
  part_index: number
  correction_id: string | null
  idempotency_key: string
  status: string
  attempts: number
  next_attempt_at: Date | string | null
  remote_id: string | null
  remote_ref: string | null
  remote_url: string | null
  last_error: string | null
  sent_at: Date | string | null
  deleted_at: Date | string | null
}): DeliveryRow {
  return {
    id: r.id,
    publicationId: r.publication_id,
    kind: r.kind as DeliveryRow['kind'],
    partIndex: Number(r.part_index),
    correctionId: r.correction_id,
    idempotencyKey: r.idempotency_key,
    status: r.status as DeliveryStatus,
    attempts: Number(r.attempts),
    nextAttemptAt: toIso(r.next_attempt_at),
    remoteId: r.remote_id,
    remoteRef: r.remote_ref,
    remoteUrl: r.remote_url,
    lastError: r.last_error,
    sentAt: toIso(r.sent_at),
    deletedAt: toIso(r.deleted_at),
  }
}

/** The publication's deliveries: parts in order, then corrections in the order they were posted. */
export async function listDeliveries(
  db: Executor,
  publicationIds: readonly string[],
): Promise<DeliveryRow[]> {
  if (publicationIds.length === 0) return []
  const rows = await db
    .selectFrom('delivery')
    .selectAll()
    .where('publication_id', 'in', [...publicationIds])
    .orderBy('publication_id')
    .orderBy('kind', 'desc')
    .orderBy('part_index')
    .execute()
  return rows.map(mapDelivery)
}

export async function insertDelivery(
  db: Executor,
  row: {
    id: string
    publicationId: string
    kind: 'part' | 'correction'
    partIndex: number
    correctionId: string | null
    idempotencyKey: string
    at: string
  },
): Promise<void> {
  await db
    .insertInto('delivery')
    .values({
      id: row.id,
      publication_id: row.publicationId,
      kind: row.kind,
      part_index: row.partIndex,
      correction_id: row.correctionId,
      idempotency_key: row.idempotencyKey,
      status: 'pending',
      attempts: 0,
      next_attempt_at: null,
      remote_id: null,
      remote_ref: null,
      remote_url: null,
      last_error: null,
      sent_at: null,
      deleted_at: null,
      updated_at: row.at,
    })
    .execute()
}

/** Marks a delivery as being sent (attempts + 1), before the platform is called. */
export async function markSending(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('delivery')
    .set((eb) => ({
      status: 'sending',
      attempts: eb('attempts', '+', 1),
      updated_at: at,
      next_attempt_at: null,
    }))
    .where('id', '=', id)
    .execute()
}

/** Marks a delivery as being handed to the platform's scheduler (attempts + 1), before the call. */
export async function markScheduling(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('delivery')
    .set((eb) => ({
      status: 'scheduling',
      attempts: eb('attempts', '+', 1),
      updated_at: at,
      next_attempt_at: null,
    }))
    .where('id', '=', id)
    .execute()
}

/**
 * The platform holds the post until `platformAt` (native scheduling): the scheduled post's id
 * is kept, and `next_attempt_at` carries the platform's time (when Rounds looks for the live post).
 */
export async function markScheduled(
  db: Executor,
  id: string,
  remote: { remoteId: string; remoteRef?: string | undefined; url?: string | undefined },
  platformAt: string,
  at: string,
  note: string | null = null,
): Promise<void> {
  await db
    .updateTable('delivery')
    .set({
      status: 'scheduled',
      remote_id: remote.remoteId,
      remote_ref: remote.remoteRef ?? null,
      remote_url: remote.url ?? null,
      next_attempt_at: platformAt,
      last_error: note,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute()
}

/** Back to Rounds' queue: the platform's scheduled post was cancelled, nothing of it is kept. */
export async function clearScheduled(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('delivery')
    .set({
      status: 'pending',
      remote_id: null,
      remote_ref: null,
      remote_url: null,
      next_attempt_at: null,
      last_error: null,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute()
}

export async function markSent(
  db: Executor,
  id: string,
  remote: { remoteId: string; remoteRef?: string | undefined; url?: string | undefined },
  at: string,
): Promise<void> {
  await db
    .updateTable('delivery')
    .set({
      status: 'sent',
      remote_id: remote.remoteId,
      remote_ref: remote.remoteRef ?? null,
      remote_url: remote.url ?? null,
      last_error: null,
      sent_at: at,
      updated_at: at,
    })
    .where('id', '=', id)
    .execute()
}

export async function updateDelivery(
  db: Executor,
  id: string,
  values: {
    status: DeliveryStatus
    lastError?: string | null
    nextAttemptAt?: string | null
    deletedAt?: string | null
    resetAttempts?: boolean
    at: string
  },
): Promise<void> {
  await db
    .updateTable('delivery')
    .set({
      status: values.status,
      updated_at: values.at,
      ...(values.lastError !== undefined ? { last_error: values.lastError } : {}),
      ...(values.nextAttemptAt !== undefined ? { next_attempt_at: values.nextAttemptAt } : {}),
      ...(values.deletedAt !== undefined ? { deleted_at: values.deletedAt } : {}),
      ...(values.resetAttempts ? { attempts: 0 } : {}),
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Sent times of the account's (or, without an account, the organisation's on that channel)
 * posts since `since`, oldest first: the rate limiter counts them against the platform's window.
 * `counts` keeps first posts only or replies only (a thread's later parts, corrections).
 */
export async function listRecentSends(
  db: Executor,
  scope: { accountId: string | null; organisationId: string; channel: string },
  since: string,
  counts: 'all' | 'posts' | 'replies' = 'all',
): Promise<string[]> {
  let q = db
    .selectFrom('delivery as d')
    .innerJoin('publication as p', 'p.id', 'd.publication_id')
    .select('d.sent_at')
    .where('d.sent_at', '>=', since)
  q = scope.accountId
    ? q.where('p.account_id', '=', scope.accountId)
    : q.where('p.organisation_id', '=', scope.organisationId).where('p.channel', '=', scope.channel)
  if (counts === 'posts') q = q.where('d.kind', '=', 'part').where('d.part_index', '=', 0)
  if (counts === 'replies')
    q = q.where((eb) => eb.or([eb('d.kind', '=', 'correction'), eb('d.part_index', '>', 0)]))
  const rows = await q.orderBy('d.sent_at').execute()
  return rows.map((r) => toIso(r.sent_at) as string)
}
