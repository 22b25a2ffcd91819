import {
  findOrganisationBySlug,
  findUserById,
  type OrganisationRow,
} from '#src/capabilities/accounts/accounts.repository.ts'
import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import type { Correction } from '#src/capabilities/content/corrections.schema.ts'
import { listCorrections } from '#src/capabilities/content/corrections.service.ts'
import type { AuthorCard } from '#src/capabilities/standards/author-card.schema.ts'
import { getAuthorCard } from '#src/capabilities/standards/author-card.service.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  findItemState,
  findPublicSeries,
  listPublicItems,
  listSeriesTitles,
  type PublicItemRow,
} from './public.repository.ts'

/**
 * Rounds' own public pages: read-only, no sign-in. Only the version an item was published
 * with is ever shown, and only while the item is published or corrected. A withdrawn item
 * that had been public answers ITEM_GONE (410) so caches and readers learn it was taken down.
 */
export type PublicDeps = AccountsDeps

export type PublicItem = PublicItemRow & {
  author: AuthorCard | { name: string; line: string; disclosure: null; userId: string }
  corrections: Correction[]
  series: { id: string; title: string } | null
}

export type OrganisationPage = {
  organisation: OrganisationRow
  items: PublicItemRow[]
  series: { id: string; title: string }[]
  /** The hashtag the list is filtered by (links from fediverse posts), lower case. */
  tag: string | null
}

async function publicOrganisation(deps: PublicDeps, slug: string): Promise<OrganisationRow> {
  const org = await findOrganisationBySlug(deps.db, slug)
  if (!org) throw new AppError('NOT_FOUND', { message: `no organisation ${slug}` })
  return org
}

/** The organisation's page: its published items, newest first, and its series. */
export async function getOrganisationPage(
  deps: PublicDeps,
  slug: string,
  options: { limit?: number; tag?: string } = {},
): Promise<OrganisationPage> {
  const organisation = await publicOrganisation(deps, slug)
  const tag = options.tag?.replace(/^#/, '').trim().toLowerCase() || null
  const [all, series] = await Promise.all([
    listPublicItems(deps.db, organisation.id, tag ? {} : { limit: options.limit ?? 100 }),
    listSeriesTitles(deps.db, organisation.id),
  ])
  const items = tag
    ? all
        .filter((i) => i.version.fields.hashtags.some((h) => h.replace(/^#/, '').toLowerCase() === tag))
        .slice(0, options.limit ?? 100)
    : all
  return { organisation, items, series, tag }
}

/** One published item with its author card, correction notices and series. */
export async function getPublicItem(
  deps: PublicDeps,
  slug: string,
  itemId: string,
): Promise<{ organisation: OrganisationRow; item: PublicItem }> {
  const organisation = await publicOrganisation(deps, slug)
  const [row] = await listPublicItems(deps.db, organisation.id, { itemId })
  if (!row) {
    const state = await findItemState(deps.db, organisation.id, itemId)
    if (state?.state === 'withdrawn' && state.everPublished)
      throw new AppError('ITEM_GONE', { message: 'this item was withdrawn by its publisher' })
    throw new AppError('ITEM_NOT_FOUND', { message: `no published item ${itemId}` })
  }
  const [author, corrections, series] = await Promise.all([
    authorOf(deps, row.authorId, organisation.slug),
    listCorrections(deps.db, row.id),
    row.seriesId ? findPublicSeries(deps.db, organisation.id, row.seriesId) : Promise.resolve(null),
  ])
  return {
    organisation,
    item: { ...row, author, corrections, series: series ? { id: series.id, title: series.title } : null },
  }
}

/** A series page: the series and its published items. */
export async function getSeriesPage(deps: PublicDeps, slug: string, seriesId: string) {
  const organisation = await publicOrganisation(deps, slug)
  const series = await findPublicSeries(deps.db, organisation.id, seriesId)
  if (!series) throw new AppError('NOT_FOUND', { message: `no series ${seriesId}` })
  const items = await listPublicItems(deps.db, organisation.id, { seriesId })
  return { organisation, series, items }
}

async function authorOf(deps: PublicDeps, userId: string, slug: string): Promise<PublicItem['author']> {
  try {
    return await getAuthorCard(deps, userId, slug)
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'NOT_FOUND') throw error
    // The author has left the organisation: the item stays, with their name only.
    const user = await findUserById(deps.db, userId)
    const name = user?.name ?? 'Former member'
    return { userId, name, line: name, disclosure: null }
  }
}
