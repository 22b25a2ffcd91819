import { useQuery } from '@tanstack/react-query'
import type { ItemLearningSummaryBody } from '../../../src/capabilities/learning/quizzes/learning.schema.ts'
import { api } from './client.ts'

/** An item's learning summary: scores at each quiz step, gain, retention, completion. */

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
