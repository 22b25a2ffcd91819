import { everPublished } from '#src/capabilities/content/content.repository.ts'
import type { ItemFields, ItemKind, ItemState } from '#src/capabilities/content/content.schema.ts'
import { type Executor, toIso } from '#src/platform/db/database.ts'

/** The states in which an item's published version is public. */
export const PUBLIC_STATES: readonly ItemState[] = ['published', 'corrected']

export type PublicItemRow = {
  id: string
  organisationId: string
  authorId: string
  seriesId: string | null
  kind: ItemKind
  state: ItemState
  /** The version that went out (the last one published), and when the item was first published. */
  version: { id: string; number: number; contentHash: string; fields: ItemFields }
  publishedAt: string
  updatedAt: string
}

/**
 * Items of an organisation whose published version is public, newest first. An item counts
 * only once it has been published (a transition into `published` exists); the version shown
 * is the one that transition names, never the working copy.
 */
export async function listPublicItems(
  db: Executor,
  organisationId: string,
  filter: { seriesId?: string; itemId?: string; states?: readonly ItemState[]; limit?: number } = {},
): Promise<PublicItemRow[]> {
  let q = db
    .selectFrom('content_item')
    .select(['id', 'organisation_id', 'author_id', 'series_id', 'kind', 'state', 'updated_at'])
    .where('organisation_id', '=', organisationId)
    .where('state', 'in', [...(filter.states ?? PUBLIC_STATES)])
  if (filter.seriesId) q = q.where('series_id', '=', filter.seriesId)
  if (filter.itemId) q = q.where('id', '=', filter.itemId)
  const items = await q.execute()
  if (items.length === 0) return []
  const ids = items.map((i) => i.id)
  const published = await db
    .selectFrom('content_transition')
    .select(['item_id', 'version_id', 'occurred_at'])
    .where('item_id', 'in', ids)
    .where('to_state', '=', 'published')
    .orderBy('occurred_at')
    .execute()
  const first = new Map<string, string>()
  const lastVersion = new Map<string, string>()
  for (const t of published) {
    if (!first.has(t.item_id)) first.set(t.item_id, toIso(t.occurred_at))
    if (t.version_id) lastVersion.set(t.item_id, t.version_id)
  }
  // A publish recorded without its version (older data): the item's newest version, which is
  // the approved one (a published item cannot be edited).
  for (const id of first.keys()) {
    if (lastVersion.has(id)) continue
    const latest = await db
      .selectFrom('content_version')
      .select('id')
      .where('item_id', '=', id)
      .orderBy('number', 'desc')
      .limit(1)
      .executeTakeFirst()
    if (latest) lastVersion.set(id, latest.id)
  }
  const versionIds = [...lastVersion.values()]
  const versions = versionIds.length
    ? await db
        .selectFrom('content_version')
        .select(['id', 'item_id', 'number', 'fields', 'content_hash'])
        .where('id', 'in', versionIds)
        .execute()
    : []
  const byItem = new Map(versions.map((v) => [v.item_id, v]))
  const rows: PublicItemRow[] = []
  for (const i of items) {
    const publishedAt = first.get(i.id)
    const v = byItem.get(i.id)
    if (!publishedAt || !v) continue
    rows.push({
      id: i.id,
      organisationId: i.organisation_id,
      authorId: i.author_id,
      seriesId: i.series_id,
      kind: i.kind as ItemKind,
      state: i.state as ItemState,
      version: {
        id: v.id,
        number: Number(v.number),
        contentHash: v.content_hash,
        fields: JSON.parse(v.fields) as ItemFields,
      },
      publishedAt,
      updatedAt: toIso(i.updated_at),
    })
  }
  rows.sort((a, b) => (a.publishedAt < b.publishedAt ? 1 : a.publishedAt > b.publishedAt ? -1 : 0))
  return filter.limit ? rows.slice(0, filter.limit) : rows
}

/** An item's state, when it belongs to the organisation (public pages tell withdrawn from unknown). */
export async function findItemState(
  db: Executor,
  organisationId: string,
  itemId: string,
): Promise<{ state: ItemState; everPublished: boolean } | null> {
  const item = await db
    .selectFrom('content_item')
    .select(['state'])
    .where('organisation_id', '=', organisationId)
    .where('id', '=', itemId)
    .executeTakeFirst()
  if (!item) return null
  return { state: item.state as ItemState, everPublished: await everPublished(db, itemId) }
}

export async function findPublicSeries(
  db: Executor,
  organisationId: string,
  id: string,
): Promise<{ id: string; title: string; description: string } | null> {
  return (
    (await db
      .selectFrom('content_series')
      .select(['id', 'title', 'description'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()) ?? null
  )
}

export async function listSeriesTitles(
  db: Executor,
  organisationId: string,
): Promise<{ id: string; title: string }[]> {
  return db
    .selectFrom('content_series')
    .select(['id', 'title'])
    .where('organisation_id', '=', organisationId)
    .orderBy('title')
    .execute()
}
