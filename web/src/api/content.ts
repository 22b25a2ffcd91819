import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  Item as SchemaItem,
  ItemCreate as SchemaItemCreate,
  ItemKind as SchemaItemKind,
  ItemListEntry as SchemaItemListEntry,
  ItemState as SchemaItemState,
  ItemUpdate as SchemaItemUpdate,
  OverrideCreate as SchemaOverrideCreate,
  ScreeningRecord as SchemaScreeningRecord,
  Series as SchemaSeries,
  Version as SchemaVersion,
  VersionDiff as SchemaVersionDiff,
  VersionSummary as SchemaVersionSummary,
} from '../../../src/capabilities/content/content.schema.ts'
import { api } from './client.ts'
import { queryKeys } from './queries.ts'
import { standardsKeys } from './standards.ts'

/** Content items, their versions and the author's side of the workflow. */

export type Item = SchemaItem
export type ItemKind = SchemaItemKind
export type ItemState = SchemaItemState
export type ItemListEntry = SchemaItemListEntry
export type ItemCreate = SchemaItemCreate
export type ItemUpdate = SchemaItemUpdate
export type ItemFields = Item['fields']
export type Series = SchemaSeries
export type Version = SchemaVersion
export type VersionSummary = SchemaVersionSummary
export type ScreeningRecord = SchemaScreeningRecord
export type VersionDiff = SchemaVersionDiff
export type OverrideCreate = SchemaOverrideCreate

export const itemKinds = [
  'post',
  'thread',
  'video',
  'image',
  'carousel',
] as const satisfies readonly ItemKind[]
export const itemStates = [
  'draft',
  'submitted',
  'in_review',
  'changes_requested',
  'approved',
  'scheduled',
  'published',
  'corrected',
  'withdrawn',
  'expired',
  'rejected',
] as const satisfies readonly ItemState[]

const org = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}`
const seg = encodeURIComponent

export const contentKeys = {
  items: (slug: string) => ['orgs', slug, 'items'] as const,
  list: (slug: string, state: ItemState | null) => ['orgs', slug, 'items', 'list', state ?? 'all'] as const,
  item: (slug: string, id: string) => ['orgs', slug, 'items', id] as const,
  versions: (slug: string, id: string) => ['orgs', slug, 'items', id, 'versions'] as const,
  version: (slug: string, id: string, n: number) => ['orgs', slug, 'items', id, 'versions', n] as const,
  diff: (slug: string, id: string, from: number, to: number) =>
    ['orgs', slug, 'items', id, 'versions', 'diff', from, to] as const,
  series: (slug: string) => ['orgs', slug, 'series'] as const,
}

export function useItems(slug: string, state: ItemState | null = null) {
  return useQuery({
    queryKey: contentKeys.list(slug, state),
    queryFn: () =>
      api<{ items: ItemListEntry[] }>('GET', `${org(slug)}/items${state ? `?state=${seg(state)}` : ''}`),
  })
}

export function useItem(slug: string, itemId: string, enabled = true) {
  return useQuery({
    queryKey: contentKeys.item(slug, itemId),
    queryFn: () => api<Item>('GET', `${org(slug)}/items/${seg(itemId)}`),
    enabled,
  })
}

export function useItemVersions(slug: string, itemId: string) {
  return useQuery({
    queryKey: contentKeys.versions(slug, itemId),
    queryFn: () => api<{ versions: VersionSummary[] }>('GET', `${org(slug)}/items/${seg(itemId)}/versions`),
  })
}

export function useCreateItem(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: ItemCreate) => api<Item>('POST', `${org(slug)}/items`, input),
    onSuccess: (item) => {
      queryClient.setQueryData(contentKeys.item(slug, item.id), item)
      void queryClient.invalidateQueries({ queryKey: contentKeys.items(slug) })
    },
  })
}

function useItemChanged(slug: string) {
  const queryClient = useQueryClient()
  return (item: Item) => {
    queryClient.setQueryData(contentKeys.item(slug, item.id), item)
    void queryClient.invalidateQueries({
      predicate: (q) =>
        q.queryKey[0] === 'orgs' &&
        q.queryKey[1] === slug &&
        q.queryKey[2] === 'items' &&
        (q.queryKey[3] === 'list' || (q.queryKey[3] === item.id && q.queryKey[4] === 'versions')),
    })
    void queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) })
  }
}

export function useUpdateItem(slug: string, itemId: string) {
  const changed = useItemChanged(slug)
  return useMutation({
    mutationFn: (patch: ItemUpdate) => api<Item>('PATCH', `${org(slug)}/items/${seg(itemId)}`, patch),
    onSuccess: changed,
  })
}

export function useSubmitItem(slug: string, itemId: string) {
  const changed = useItemChanged(slug)
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () =>
      api<{ item: Item; screening: ScreeningRecord }>('POST', `${org(slug)}/items/${seg(itemId)}/submit`, {}),
    onSuccess: (result) => {
      changed(result.item)
      // A resubmission may have opened a new review round.
      void queryClient.invalidateQueries({ queryKey: [...contentKeys.item(slug, itemId), 'review'] })
    },
    onError: () => {
      // A refusal may be the gate: what the person still needs may have changed.
      void queryClient.invalidateQueries({ queryKey: standardsKeys.readiness(slug) })
    },
  })
}

export function useWithdrawItem(slug: string, itemId: string) {
  const changed = useItemChanged(slug)
  return useMutation({
    mutationFn: (reason: string) =>
      api<Item>('POST', `${org(slug)}/items/${seg(itemId)}/withdraw`, { reason }),
    onSuccess: changed,
  })
}

/** One version with its screening report and the overrides on it (author and editors). */
export function useItemVersion(slug: string, itemId: string, n: number | null) {
  return useQuery({
    queryKey: contentKeys.version(slug, itemId, n ?? 0),
    queryFn: () => api<Version>('GET', `${org(slug)}/items/${seg(itemId)}/versions/${n}`),
    enabled: n !== null,
  })
}

/** What changed from one version to another (author and editors). */
export function useItemDiff(slug: string, itemId: string, from: number | null, to: number | null) {
  return useQuery({
    queryKey: contentKeys.diff(slug, itemId, from ?? 0, to ?? 0),
    queryFn: () => api<VersionDiff>('GET', `${org(slug)}/items/${seg(itemId)}/diff?from=${from}&to=${to}`),
    enabled: from !== null && to !== null && from !== to,
  })
}

/** An editor overrides one blocking finding on one version, with a written reason. */
export function useOverrideFinding(slug: string, itemId: string, n: number) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (input: OverrideCreate) =>
      api<unknown>('POST', `${org(slug)}/items/${seg(itemId)}/versions/${n}/overrides`, input),
    // The override stays pending until the item and its findings are read again, so the form
    // closes on a list without the finding (not on the old list for a moment).
    onSuccess: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: contentKeys.item(slug, itemId) }),
        queryClient.invalidateQueries({ queryKey: queryKeys.audit(slug) }),
      ]),
  })
}
