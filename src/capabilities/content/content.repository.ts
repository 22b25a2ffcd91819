import type { Report } from '#src/capabilities/screening/screening.schema.ts'
import { type Executor, toIso } from '#src/platform/db/database.ts'
import type { ItemFields, ItemKind, ItemState, Override, Series, VersionSummary } from './content.schema.ts'

export type ItemRow = {
  id: string
  organisationId: string
  organisationSlug: string
  authorId: string
  authorName: string
  seriesId: string | null
  kind: ItemKind
  state: ItemState
  fields: ItemFields
  contentHash: string
  createdAt: string
  updatedAt: string
}

export type VersionRow = VersionSummary & {
  id: string
  itemId: string
  kind: ItemKind
  fields: ItemFields
}

const person = (id: string | null, name: string | null) =>
  id ? { id, name: name ?? '(deleted user)' } : null

function itemQuery(db: Executor) {
  return db
    .selectFrom('content_item as i')
    .innerJoin('organisation as o', 'o.id', 'i.organisation_id')
    .innerJoin('auth_user as u', 'u.id', 'i.author_id')
    .select([
      'i.id',
      'i.organisation_id',
      'o.slug as organisation_slug',
      'i.author_id',
      'u.name as author_name',
      'i.series_id',
      'i.kind',
      'i.state',
      'i.fields',
      'i.content_hash',
      'i.created_at',
      'i.updated_at',
    ])
}

type ItemSelect = Awaited<ReturnType<ReturnType<typeof itemQuery>['execute']>>[number]

function mapItem(r: ItemSelect): ItemRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    organisationSlug: r.organisation_slug,
    authorId: r.author_id,
    authorName: r.author_name,
    seriesId: r.series_id,
    kind: r.kind as ItemKind,
    state: r.state as ItemState,
    fields: JSON.parse(r.fields) as ItemFields,
    contentHash: r.content_hash,
    createdAt: toIso(r.created_at),
    updatedAt: toIso(r.updated_at),
  }
}

export async function findItem(db: Executor, id: string): Promise<ItemRow | null> {
  const r = await itemQuery(db).where('i.id', '=', id).executeTakeFirst()
  return r ? mapItem(r) : null
}

/** Items in the organisation, newest change first; only the author's when `authorId` is given. */
export async function listItems(
  db: Executor,
  organisationId: string,
  filter: { authorId?: string; state?: ItemState },
): Promise<ItemRow[]> {
  let q = itemQuery(db).where('i.organisation_id', '=', organisationId)
  if (filter.authorId) q = q.where('i.author_id', '=', filter.authorId)
  if (filter.state) q = q.where('i.state', '=', filter.state)
  const rows = await q.orderBy('i.updated_at', 'desc').orderBy('i.id').limit(500).execute()
  return rows.map(mapItem)
}

export async function insertItem(
  db: Executor,
  row: Omit<ItemRow, 'organisationSlug' | 'authorName' | 'updatedAt'>,
): Promise<void> {
  await db
    .insertInto('content_item')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      author_id: row.authorId,
      series_id: row.seriesId,
      kind: row.kind,
      state: row.state,
      fields: JSON.stringify(row.fields),
      content_hash: row.contentHash,
      created_at: row.createdAt,
      updated_at: row.createdAt,
    })
    .execute()
}

export async function updateItemFields(
  db: Executor,
  id: string,
  values: { fields: ItemFields; contentHash: string; seriesId: string | null; updatedAt: string },
): Promise<void> {
  await db
    .updateTable('content_item')
    .set({
      fields: JSON.stringify(values.fields),
      content_hash: values.contentHash,
      series_id: values.seriesId,
      updated_at: values.updatedAt,
    })
    .where('id', '=', id)
    .execute()
}

/**
 * Moves the item from `from` to `to`; returns false when the state was no longer `from`
 * (a concurrent transition won), so the caller refuses rather than overwrite it.
 */
export async function updateItemState(
  db: Executor,
  id: string,
  from: ItemState,
  to: ItemState,
  at: string,
): Promise<boolean> {
  const r = await db
    .updateTable('content_item')
    .set({ state: to, updated_at: at })
    .where('id', '=', id)
    .where('state', '=', from)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Whether the item has ever gone out: a transition into `published` is recorded. */
export async function everPublished(db: Executor, itemId: string): Promise<boolean> {
  const row = await db
    .selectFrom('content_transition')
    .select('id')
    .where('item_id', '=', itemId)
    .where('to_state', '=', 'published')
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

export async function insertTransition(
  db: Executor,
  row: {
    id: string
    itemId: string
    event: string
    from: ItemState
    to: ItemState
    versionId: string | null
    reason: string
    actorId: string | null
    occurredAt: string
  },
): Promise<void> {
  await db
    .insertInto('content_transition')
    .values({
      id: row.id,
      item_id: row.itemId,
      event: row.event,
      from_state: row.from,
      to_state: row.to,
      version_id: row.versionId,
      reason: row.reason,
      actor_id: row.actorId,
      occurred_at: row.occurredAt,
    })
    .execute()
}

function versionQuery(db: Executor) {
  return db
    .selectFrom('content_version as v')
    .leftJoin('auth_user as u', 'u.id', 'v.created_by')
    .select([
      'v.id',
      'v.item_id',
      'v.number',
      'v.kind',
      'v.fields',
      'v.content_hash',
      'v.created_by',
      'u.name as created_by_name',
      'v.created_at',
    ])
}

type VersionSelect = Awaited<ReturnType<ReturnType<typeof versionQuery>['execute']>>[number]

function mapVersion(r: VersionSelect): VersionRow {
  return {
    id: r.id,
    itemId: r.item_id,
    number: Number(r.number),
    kind: r.kind as ItemKind,
    fields: JSON.parse(r.fields) as ItemFields,
    contentHash: r.content_hash,
    createdBy: person(r.created_by, r.created_by_name),
    createdAt: toIso(r.created_at),
  }
}

export async function findLatestVersion(db: Executor, itemId: string): Promise<VersionRow | null> {
  const r = await versionQuery(db)
    .where('v.item_id', '=', itemId)
    .orderBy('v.number', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r ? mapVersion(r) : null
}

export async function findVersion(db: Executor, itemId: string, number: number): Promise<VersionRow | null> {
  const r = await versionQuery(db)
    .where('v.item_id', '=', itemId)
    .where('v.number', '=', number)
    .executeTakeFirst()
  return r ? mapVersion(r) : null
}

export async function listVersions(db: Executor, itemId: string): Promise<VersionRow[]> {
  const rows = await versionQuery(db).where('v.item_id', '=', itemId).orderBy('v.number', 'desc').execute()
  return rows.map(mapVersion)
}

/** Appends a version; the unique (item, number) constraint refuses a concurrent duplicate. */
export async function insertVersion(
  db: Executor,
  row: {
    id: string
    itemId: string
    number: number
    kind: ItemKind
    fields: ItemFields
    contentHash: string
    createdBy: string | null
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('content_version')
    .values({
      id: row.id,
      item_id: row.itemId,
      number: row.number,
      kind: row.kind,
      fields: JSON.stringify(row.fields),
      content_hash: row.contentHash,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

export async function insertScreening(
  db: Executor,
  row: {
    id: string
    versionId: string
    report: Report
    blocking: number
    screenedBy: string | null
    screenedAt: string
  },
): Promise<void> {
  await db
    .insertInto('content_screening')
    .values({
      id: row.id,
      version_id: row.versionId,
      engine_version: row.report.engineVersion,
      policy_version: row.report.policyVersion,
      report: JSON.stringify(row.report),
      blocking: row.blocking,
      screened_by: row.screenedBy,
      screened_at: row.screenedAt,
    })
    .execute()
}

/** The newest screening of a version, or null if it was never screened. */
export async function findLatestScreening(
  db: Executor,
  versionId: string,
): Promise<{ report: Report; screenedAt: string } | null> {
  const r = await db
    .selectFrom('content_screening')
    .select(['report', 'screened_at'])
    .where('version_id', '=', versionId)
    .orderBy('screened_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r ? { report: JSON.parse(r.report) as Report, screenedAt: toIso(r.screened_at) } : null
}

/**
 * For each of these items whose latest version was stopped at screening: that version and
 * the newest screening report that found blocking problems on it.
 */
export async function listBlockedLatestScreenings(
  db: Executor,
  itemIds: readonly string[],
): Promise<Map<string, { versionId: string; versionNumber: number; report: Report }>> {
  const out = new Map<string, { versionId: string; versionNumber: number; report: Report }>()
  if (itemIds.length === 0) return out
  const rows = await db
    .selectFrom('content_screening as s')
    .innerJoin('content_version as v', 'v.id', 's.version_id')
    .select(['v.item_id', 'v.id as version_id', 'v.number', 's.report'])
    .where('v.item_id', 'in', [...itemIds])
    .where('s.blocking', '>', 0)
    .where('v.number', '=', (eb) =>
      eb
        .selectFrom('content_version as latest')
        .select((x) => x.fn.max('latest.number').as('n'))
        .whereRef('latest.item_id', '=', 'v.item_id'),
    )
    .orderBy('s.screened_at', 'desc')
    .orderBy('s.id', 'desc')
    .execute()
  for (const r of rows)
    if (!out.has(r.item_id))
      out.set(r.item_id, {
        versionId: r.version_id,
        versionNumber: Number(r.number),
        report: JSON.parse(r.report) as Report,
      })
  return out
}

export async function listOverrides(
  db: Executor,
  versionId: string,
  versionNumber: number,
): Promise<Override[]> {
  const rows = await db
    .selectFrom('content_finding_override as o')
    .leftJoin('auth_user as u', 'u.id', 'o.created_by')
    .select([
      'o.id',
      'o.rule_id',
      'o.field',
      'o.start_offset',
      'o.end_offset',
      'o.text',
      'o.reason',
      'o.created_by',
      'u.name as created_by_name',
      'o.created_at',
    ])
    .where('o.version_id', '=', versionId)
    .orderBy('o.field')
    .orderBy('o.start_offset')
    .orderBy('o.rule_id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    version: versionNumber,
    ruleId: r.rule_id,
    field: r.field as Override['field'],
    start: Number(r.start_offset),
    end: Number(r.end_offset),
    text: r.text,
    reason: r.reason,
    createdBy: person(r.created_by, r.created_by_name),
    createdAt: toIso(r.created_at),
  }))
}

export async function insertOverride(
  db: Executor,
  row: Omit<Override, 'version' | 'createdBy'> & { versionId: string; createdBy: string | null },
): Promise<void> {
  await db
    .insertInto('content_finding_override')
    .values({
      id: row.id,
      version_id: row.versionId,
      rule_id: row.ruleId,
      field: row.field,
      start_offset: row.start,
      end_offset: row.end,
      text: row.text,
      reason: row.reason,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

export async function insertSeries(
  db: Executor,
  row: {
    id: string
    organisationId: string
    title: string
    description: string
    createdBy: string
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('content_series')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      title: row.title,
      description: row.description,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

export async function listSeries(db: Executor, organisationId: string, id?: string): Promise<Series[]> {
  let q = db
    .selectFrom('content_series as s')
    .leftJoin('auth_user as u', 'u.id', 's.created_by')
    .select(['s.id', 's.title', 's.description', 's.created_by', 'u.name as created_by_name', 's.created_at'])
    .where('s.organisation_id', '=', organisationId)
  if (id) q = q.where('s.id', '=', id)
  const rows = await q.orderBy('s.title').orderBy('s.id').execute()
  return rows.map((r) => ({
    id: r.id,
    title: r.title,
    description: r.description,
    createdBy: person(r.created_by, r.created_by_name),
    createdAt: toIso(r.created_at),
  }))
}
