import { useQuery } from '@tanstack/react-query'
import type {
  ResearchOutcome as SchemaResearchOutcome,
  ResearchView as SchemaResearchView,
} from '../../../../src/capabilities/learning/analysis/research.schema.ts'
import { api } from '../../api/client.ts'

/** Research view: engagement against learning across the organisation's items. */

export type ResearchView = SchemaResearchView
export type ResearchOutcome = SchemaResearchOutcome

export const researchKeys = {
  view: (slug: string, outcome: ResearchOutcome) => ['orgs', slug, 'research', outcome] as const,
}

export function useResearchView(slug: string, outcome: ResearchOutcome) {
  return useQuery({
    queryKey: researchKeys.view(slug, outcome),
    queryFn: () =>
      api<ResearchView>(
        'GET',
        `/api/orgs/${encodeURIComponent(slug)}/analytics/research?outcome=${encodeURIComponent(outcome)}`,
      ),
    // While newer data is being included, ask again until the new figures are there.
    refetchInterval: (query) => (query.state.data?.refreshing ? 3000 : false),
  })
}
