import { useQuery } from '@tanstack/react-query'
import type { AnalyticsGroups as SchemaAnalyticsGroups } from '../../../src/capabilities/learning/groups/groups.schema.ts'
import type { ItemLearningSummaryBody } from '../../../src/capabilities/learning/quizzes/learning.schema.ts'
import { api } from './client.ts'

/** An item's learning summary (scores at each quiz step, gain, retention, completion), and the same per series and channel. */

export type ItemLearningSummary = ItemLearningSummaryBody

export const itemLearningKeys = {
  summary: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'learning'] as const,
}

export function useItemLearningSummary(slug: string, itemId: string | null) {
  return useQuery({
    queryKey: itemLearningKeys.summary(slug, itemId ?? ''),
    queryFn: () =>
      api<ItemLearningSummary>(
        'GET',
        `/api/orgs/${encodeURIComponent(slug)}/items/${encodeURIComponent(itemId ?? '')}/learning`,
      ),
    enabled: !!itemId,
  })
}

export type AnalyticsGroups = SchemaAnalyticsGroups
export type AnalyticsGroup = AnalyticsGroups['groups'][number]

/** Learning and reach per series or per channel. */
export function useAnalyticsGroups(slug: string, by: 'series' | 'channel') {
  return useQuery({
    queryKey: ['orgs', slug, 'analytics', by] as const,
    queryFn: () =>
      api<AnalyticsGroups>(
        'GET',
        `/api/orgs/${encodeURIComponent(slug)}/analytics/${by === 'series' ? 'series' : 'channels'}`,
      ),
  })
}
