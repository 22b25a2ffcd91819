import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type { Correction as SchemaCorrection } from '../../../src/capabilities/content/corrections.schema.ts'
import type {
  Timeline as SchemaTimeline,
  TimelineEntry as SchemaTimelineEntry,
} from '../../../src/capabilities/content/timeline.schema.ts'
import { api } from './client.ts'
import { contentKeys } from './content.ts'

/** An item's history: its timeline (from the audit trail) and its correction notices. */

export type Correction = SchemaCorrection
export type Timeline = SchemaTimeline
export type TimelineEntry = SchemaTimelineEntry

const item = (slug: string, itemId: string) =>
  `/api/orgs/${encodeURIComponent(slug)}/items/${encodeURIComponent(itemId)}`

export const historyKeys = {
  timeline: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'timeline'] as const,
  corrections: (slug: string, itemId: string) => ['orgs', slug, 'items', itemId, 'corrections'] as const,
}

export function useTimeline(slug: string, itemId: string) {
  return useQuery({
    queryKey: historyKeys.timeline(slug, itemId),
    queryFn: () => api<Timeline>('GET', `${item(slug, itemId)}/timeline`),
    retry: false,
  })
}

export function useCorrections(slug: string, itemId: string, enabled = true) {
  return useQuery({
    queryKey: historyKeys.corrections(slug, itemId),
    queryFn: () => api<{ corrections: Correction[] }>('GET', `${item(slug, itemId)}/corrections`),
    enabled,
  })
}

export function usePostCorrection(slug: string, itemId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (notice: string) => api<Correction>('POST', `${item(slug, itemId)}/corrections`, { notice }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: historyKeys.corrections(slug, itemId) })
      void queryClient.invalidateQueries({ queryKey: historyKeys.timeline(slug, itemId) })
      void queryClient.invalidateQueries({ queryKey: contentKeys.item(slug, itemId) })
      void queryClient.invalidateQueries({ queryKey: contentKeys.items(slug), exact: false })
    },
  })
}
