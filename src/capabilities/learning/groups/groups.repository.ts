import { type Executor, toIso } from '#src/platform/db/database.ts'

/** Reads for the series and channel views: everything of one organisation, in a few queries. */

export type GroupItemRow = { id: string; seriesId: string | null }
export type SeriesRow = { id: string; title: string }
export type SessionScoreRow = { sessionId: string; itemId: string; kind: string; raw: number; max: number }
export type SessionCountRow = { itemId: string; n: number }
export type GroupSnapshotRow = {
  itemId: string
  channel: string
  remoteId: string
  metric: string
  value: number
  capturedAt: string
}

export async function listOrgItems(db: Executor, organisationId: string): Promise<GroupItemRow[]> {
  const rows = await db
    .selectFrom('content_item')
    .select(['id', 'series_id'])
    .where('organisation_id', '=', organisationId)
    .execute()
  return rows.map((r) => ({ id: r.id, seriesId: r.series_id }))
}

export async function listOrgSeries(db: Executor, organisationId: string): Promise<SeriesRow[]> {
  return db
    .selectFrom('content_series')
    .select(['id', 'title'])
    .where('organisation_id', '=', organisationId)
    .orderBy('title')
    .orderBy('id')
    .execute()
}

export async function listOrgAttempts(db: Executor, organisationId: string): Promise<SessionScoreRow[]> {
  const rows = await db
    .selectFrom('quiz_attempt as a')
    .innerJoin('learning_session as s', 's.id', 'a.session_id')
    .select(['s.id as session_id', 's.item_id', 'a.kind', 'a.raw', 'a.max'])
    .where('s.organisation_id', '=', organisationId)
    .execute()
  return rows.map((r) => ({
    sessionId: r.session_id,
    itemId: r.item_id,
    kind: r.kind,
    raw: Number(r.raw),
    max: Number(r.max),
  }))
}

export async function countOrgSessions(db: Executor, organisationId: string): Promise<SessionCountRow[]> {
  const rows = await db
    .selectFrom('learning_session')
    .select((eb) => ['item_id', eb.fn.countAll().as('n')])
    .where('organisation_id', '=', organisationId)
    .groupBy('item_id')
    .execute()
  return rows.map((r) => ({ itemId: r.item_id, n: Number(r.n) }))
}

export async function listOrgSnapshots(
  db: Executor,
  organisationId: string,
  metrics: readonly string[],
): Promise<GroupSnapshotRow[]> {
  const rows = await db
    .selectFrom('metric_snapshot')
    .select(['item_id', 'channel', 'remote_id', 'metric', 'value', 'captured_at'])
    .where('organisation_id', '=', organisationId)
    .where('metric', 'in', [...metrics])
    .orderBy('captured_at')
    .execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    channel: r.channel,
    remoteId: r.remote_id,
    metric: r.metric,
    value: Number(r.value),
    capturedAt: toIso(r.captured_at),
  }))
}
