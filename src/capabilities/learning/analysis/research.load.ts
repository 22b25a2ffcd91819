import { metricNames } from '#src/capabilities/learning/metrics/metrics.schema.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { featuresOf, type ItemData, type MetricName } from './research.analysis.ts'
import { researchEngagement, researchGains, researchItems } from './research.repository.ts'
import type { ResearchOutcome } from './research.schema.ts'

/** Every item's learning gain, latest engagement and content features. */
export async function loadResearchItems(
  db: Executor,
  organisationId: string,
  outcome: ResearchOutcome,
): Promise<ItemData[]> {
  const gains = new Map<string, number>()
  for (const g of await researchGains(db, organisationId)) {
    const v = outcome === 'meanGain' ? g.meanGain : g.meanNormalisedGain
    if (v !== null) gains.set(g.itemId, v)
  }
  const metrics = new Map<string, Partial<Record<MetricName, number>>>()
  const known = new Set<string>(metricNames)
  for (const e of await researchEngagement(db, organisationId)) {
    if (!known.has(e.metric)) continue
    const m = metrics.get(e.itemId) ?? {}
    // A duration is averaged over an item's posts; counts are summed.
    m[e.metric as MetricName] = e.metric === 'averageViewSeconds' ? e.mean : e.total
    metrics.set(e.itemId, m)
  }
  const ids = [...new Set([...gains.keys(), ...metrics.keys()])]
  const rows = await researchItems(db, organisationId, ids)
  return rows.map(
    (r): ItemData => ({
      id: r.id,
      title: r.fields.title?.trim() || '(untitled)',
      features: featuresOf(r.kind, r.fields, r.profession),
      gain: gains.get(r.id) ?? null,
      metrics: metrics.get(r.id) ?? {},
    }),
  )
}
