import type { MetricName } from '#src/capabilities/publishing/connector.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type { MetricSource } from './metrics.schema.ts'

/** A delivered part of a post on a platform: what metrics are read for. */
export type PostRow = {
  deliveryId: string
  organisationId: string
  itemId: string
  itemTitle: string
  channel: ChannelId
  accountId: string | null
  remoteId: string
  remoteRef: string | null
  remoteUrl: string | null
  sentAt: string | null
}

export type PollRow = {
  deliveryId: string
  nextAt: string
  blockedUntil: string | null
  failures: number
  lastPolledAt: string | null
  lastError: string | null
}

export type SnapshotInput = {
  id: string
  organisationId: string
  itemId: string
  channel: ChannelId
  remoteId: string
  metric: MetricName
  value: number
  source: MetricSource
  period: string
  capturedAt: string
  importId: string | null
}

export type SnapshotRow = Omit<SnapshotInput, 'id' | 'organisationId' | 'period' | 'importId'>

function titleOf(fields: string): string {
  try {
    const t = (JSON.parse(fields) as { title?: unknown }).title
    return typeof t === 'string' && t.trim() ? t : '(untitled)'
  } catch {
    return '(untitled)'
  }
}

function postQuery(db: Executor) {
  return db
    .selectFrom('delivery as d')
    .innerJoin('publication as p', 'p.id', 'd.publication_id')
    .innerJoin('content_item as i', 'i.id', 'p.item_id')
    .select([
      'd.id as delivery_id',
      'p.organisation_id',
      'p.item_id',
      'i.fields',
      'p.channel',
      'p.account_id',
      'd.remote_id',
      'd.remote_ref',
      'd.remote_url',
      'd.sent_at',
    ])
    .where('d.kind', '=', 'part')
    .where('d.status', '=', 'sent')
    .where('d.remote_id', 'is not', null)
}

type PostSelect = Awaited<ReturnType<ReturnType<typeof postQuery>['execute']>>[number]

function mapPost(r: PostSelect): PostRow {
  return {
    deliveryId: r.delivery_id,
    organisationId: r.organisation_id,
    itemId: r.item_id,
    itemTitle: titleOf(r.fields),
    channel: r.channel as ChannelId,
    accountId: r.account_id,
    remoteId: r.remote_id as string,
    remoteRef: r.remote_ref,
    remoteUrl: r.remote_url,
    sentAt: r.sent_at === null ? null : toIso(r.sent_at),
  }
}

/** Every live delivered part of the organisation's posts (optionally of one item). */
export async function listPosts(db: Executor, organisationId: string, itemId?: string): Promise<PostRow[]> {
  let q = postQuery(db).where('p.organisation_id', '=', organisationId)
  if (itemId) q = q.where('p.item_id', '=', itemId)
  const rows = await q.orderBy('p.item_id').orderBy('p.channel').orderBy('d.part_index').execute()
  return rows.map(mapPost)
}

/** Live delivered parts (any organisation) whose metrics pull is due: never pulled, or next_at passed. */
export async function listDuePosts(db: Executor, now: string, limit: number): Promise<PostRow[]> {
  const rows = await postQuery(db)
    .leftJoin('metric_poll as m', 'm.delivery_id', 'd.id')
    .where((eb) => eb.or([eb('m.next_at', 'is', null), eb('m.next_at', '<=', now)]))
    .orderBy('m.next_at')
    .orderBy('d.id')
    .limit(limit)
    .execute()
  return rows.map(mapPost)
}

export async function findPolls(db: Executor, deliveryIds: string[]): Promise<Map<string, PollRow>> {
  if (deliveryIds.length === 0) return new Map()
  const rows = await db
    .selectFrom('metric_poll')
    .selectAll()
    .where('delivery_id', 'in', deliveryIds)
    .execute()
  return new Map(
    rows.map((r) => [
      r.delivery_id,
      {
        deliveryId: r.delivery_id,
        nextAt: toIso(r.next_at),
        blockedUntil: r.blocked_until === null ? null : toIso(r.blocked_until),
        failures: Number(r.failures),
        lastPolledAt: r.last_polled_at === null ? null : toIso(r.last_polled_at),
        lastError: r.last_error,
      },
    ]),
  )
}

export async function savePoll(db: Executor, poll: PollRow): Promise<void> {
  const values = {
    next_at: poll.nextAt,
    blocked_until: poll.blockedUntil,
    failures: poll.failures,
    last_polled_at: poll.lastPolledAt,
    last_error: poll.lastError,
  }
  await db
    .insertInto('metric_poll')
    .values({ delivery_id: poll.deliveryId, ...values })
    .onConflict((oc) => oc.column('delivery_id').doUpdateSet(values))
    .execute()
}

/**
 * Writes snapshots; a row with the same (item, channel, post, metric, source, period)
 * is replaced, never added to, so re-importing a file changes nothing.
 */
export async function upsertSnapshots(db: Executor, rows: SnapshotInput[]): Promise<number> {
  for (const r of rows) {
    await db
      .insertInto('metric_snapshot')
      .values({
        id: r.id,
        organisation_id: r.organisationId,
        item_id: r.itemId,
        channel: r.channel,
        remote_id: r.remoteId,
        metric: r.metric,
        value: r.value,
        source: r.source,
        period: r.period,
        captured_at: r.capturedAt,
        import_id: r.importId,
      })
      .onConflict((oc) =>
        oc
          .columns(['item_id', 'channel', 'remote_id', 'metric', 'source', 'period'])
          .doUpdateSet({ value: r.value, captured_at: r.capturedAt, import_id: r.importId }),
      )
      .execute()
  }
  return rows.length
}

function mapSnapshot(r: {
  item_id: string
  channel: string
  remote_id: string
  metric: string
  value: number | string
  source: string
  captured_at: Date | string
}): SnapshotRow {
  return {
    itemId: r.item_id,
    channel: r.channel as ChannelId,
    remoteId: r.remote_id,
    metric: r.metric as MetricName,
    value: Number(r.value),
    source: r.source as MetricSource,
    capturedAt: toIso(r.captured_at),
  }
}

const snapshotColumns = [
  'item_id',
  'channel',
  'remote_id',
  'metric',
  'value',
  'source',
  'captured_at',
] as const

/** The latest value of each metric of each post (of the organisation, or of one item). */
export async function latestSnapshots(
  db: Executor,
  organisationId: string,
  itemId?: string,
): Promise<SnapshotRow[]> {
  let latest = db
    .selectFrom('metric_snapshot')
    .select(['item_id', 'channel', 'remote_id', 'metric'])
    .select((eb) => eb.fn.max('captured_at').as('at'))
    .where('organisation_id', '=', organisationId)
    .groupBy(['item_id', 'channel', 'remote_id', 'metric'])
  if (itemId) latest = latest.where('item_id', '=', itemId)
  const rows = await db
    .selectFrom('metric_snapshot as s')
    .innerJoin(latest.as('l'), (j) =>
      j
        .onRef('l.item_id', '=', 's.item_id')
        .onRef('l.channel', '=', 's.channel')
        .onRef('l.remote_id', '=', 's.remote_id')
        .onRef('l.metric', '=', 's.metric')
        .onRef('l.at', '=', 's.captured_at'),
    )
    .select(snapshotColumns.map((c) => `s.${c}` as const))
    .where('s.organisation_id', '=', organisationId)
    .orderBy('s.item_id')
    .orderBy('s.source')
    .execute()
  return rows.map(mapSnapshot)
}

/** Every snapshot of one item, oldest first (the chart's series). */
export async function itemSnapshots(db: Executor, itemId: string): Promise<SnapshotRow[]> {
  const rows = await db
    .selectFrom('metric_snapshot')
    .select([...snapshotColumns])
    .where('item_id', '=', itemId)
    .orderBy('captured_at')
    .orderBy('channel')
    .orderBy('metric')
    .execute()
  return rows.map(mapSnapshot)
}

export async function insertImport(
  db: Executor,
  row: {
    id: string
    organisationId: string
    layout: string
    filename: string
    fileHash: string
    asOf: string
    matchedRows: number
    valuesWritten: number
    createdBy: string
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('metric_import')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      layout: row.layout,
      filename: row.filename,
      file_hash: row.fileHash,
      as_of: row.asOf,
      matched_rows: row.matchedRows,
      values_written: row.valuesWritten,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}
