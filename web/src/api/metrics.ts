import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  EngagementOverview as SchemaEngagementOverview,
  ImportPreview as SchemaImportPreview,
  ItemMetrics as SchemaItemMetrics,
  MetricsImportRequest as SchemaMetricsImportRequest,
  RefreshResult as SchemaRefreshResult,
} from '../../../src/capabilities/learning/metrics/metrics.schema.ts'
import { api } from './client.ts'

/** Engagement metrics: the latest figures per item, each item's series, CSV import. */

export type EngagementOverview = SchemaEngagementOverview
export type ImportPreview = SchemaImportPreview
export type ItemMetrics = SchemaItemMetrics
export type MetricsImportRequest = SchemaMetricsImportRequest
export type RefreshResult = SchemaRefreshResult

const org = (slug: string) => `/api/orgs/${encodeURIComponent(slug)}`

export const metricsKeys = {
  overview: (slug: string) => ['orgs', slug, 'metrics'] as const,
  item: (slug: string, itemId: string) => ['orgs', slug, 'metrics', itemId] as const,
}

export function useEngagementOverview(slug: string) {
  return useQuery({
    queryKey: metricsKeys.overview(slug),
    queryFn: () => api<EngagementOverview>('GET', `${org(slug)}/metrics`),
  })
}

export function useItemMetrics(slug: string, itemId: string | null) {
  return useQuery({
    queryKey: metricsKeys.item(slug, itemId ?? ''),
    queryFn: () => api<ItemMetrics>('GET', `${org(slug)}/items/${encodeURIComponent(itemId ?? '')}/metrics`),
    enabled: !!itemId,
  })
}

export function useRefreshItemMetrics(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (itemId: string) =>
      api<RefreshResult>('POST', `${org(slug)}/items/${encodeURIComponent(itemId)}/metrics/refresh`),
    onSuccess: (r, itemId) => {
      queryClient.setQueryData(metricsKeys.item(slug, itemId), r.item)
      void queryClient.invalidateQueries({ queryKey: metricsKeys.overview(slug), exact: true })
    },
  })
}

export function usePreviewMetricsImport(slug: string) {
  return useMutation({
    mutationFn: (body: MetricsImportRequest) =>
      api<ImportPreview>('POST', `${org(slug)}/metrics/imports/preview`, body),
  })
}

export function useImportMetrics(slug: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: MetricsImportRequest) =>
      api<ImportPreview>('POST', `${org(slug)}/metrics/imports`, body),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: metricsKeys.overview(slug) }),
  })
}
