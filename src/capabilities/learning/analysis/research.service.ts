import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { metricNames } from '#src/capabilities/learning/metrics/metrics.schema.ts'
import { featuresOf, type ItemData, type MetricName } from './research.analysis.ts'
import { analyseOffThread } from './research.offthread.ts'
import {
  organisationsWithResearchData,
  researchDataVersion,
  researchEngagement,
  researchGains,
  researchItems,
  storedView,
  storedViewVersion,
  storeView,
} from './research.repository.ts'
import type { ResearchOutcome, ResearchView } from './research.schema.ts'

export {
  analyse,
  BOOTSTRAP_SEED,
  correlationCaption,
  FEW_ITEMS,
  featureColumns,
  featuresOf,
  type ItemFeatures,
  resamplesFor,
} from './research.analysis.ts'

/** Every item's learning gain, latest engagement and content features. */
async function loadItems(deps: Pick<AccountsDeps, 'db'>, organisationId: string, outcome: ResearchOutcome) {
  const gains = new Map<string, number>()
  for (const g of await researchGains(deps.db, organisationId)) {
    const v = outcome === 'meanGain' ? g.meanGain : g.meanNormalisedGain
    if (v !== null) gains.set(g.itemId, v)
  }
  const metrics = new Map<string, Partial<Record<MetricName, number>>>()
  const known = new Set<string>(metricNames)
  for (const e of await researchEngagement(deps.db, organisationId)) {
    if (!known.has(e.metric)) continue
    const m = metrics.get(e.itemId) ?? {}
    // A duration is averaged over an item's posts; counts are summed.
    m[e.metric as MetricName] = e.metric === 'averageViewSeconds' ? e.mean : e.total
    metrics.set(e.itemId, m)
  }
  const ids = [...new Set([...gains.keys(), ...metrics.keys()])]
  const rows = await researchItems(deps.db, organisationId, ids)
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

/**
 * How long a kept view counts as current while the data version is unchanged. The version sees
 * every added or removed row and every later capture or edit time; this bounds how long an edit it
 * cannot see (one that changes no count and no latest time) may go unseen.
 */
export const RESEARCH_CACHE_MAX_AGE_MS = 10 * 60 * 1000

type Computed = Omit<ResearchView, 'refreshing'>
type Memo = { computedAt: number; view: Computed }
/** The parsed kept view, per database (test databases never share), organisation and outcome. */
const parsed = new WeakMap<object, Map<string, Memo>>()
/** Refreshes in flight: concurrent requests and the sweep wait for one computation. */
const inFlight = new WeakMap<object, Map<string, { version: string; promise: Promise<Computed> }>>()

function mapOf<T>(store: WeakMap<object, Map<string, T>>, db: object): Map<string, T> {
  let m = store.get(db)
  if (!m) {
    m = new Map()
    store.set(db, m)
  }
  return m
}

const keyOf = (organisationId: string, outcome: ResearchOutcome) => `${organisationId}\u0000${outcome}`

/**
 * Computes the view of one organisation and outcome and keeps it (table research_view), labelled
 * with `version`, the data version the caller read just before: the data read afterwards can only
 * be as new or newer, so the kept version never claims more than the figures include. Requests
 * for a version already being computed in this process wait for that computation.
 */
export function refreshResearchView(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  organisationId: string,
  outcome: ResearchOutcome,
  version: string,
): Promise<Computed> {
  const key = keyOf(organisationId, outcome)
  const pending = mapOf(inFlight, deps.db)
  const running = pending.get(key)
  if (running?.version === version) return running.promise
  const at = deps.clock.now()
  const promise = (async () => {
    const view: Computed = {
      ...(await analyseOffThread(await loadItems(deps, organisationId, outcome), outcome)),
      computedAt: at.toISOString(),
    }
    await storeView(deps.db, {
      organisationId,
      outcome,
      dataVersion: version,
      computedAt: at,
      view: JSON.stringify(view),
    })
    const memos = mapOf(parsed, deps.db)
    if ((memos.get(key)?.computedAt ?? -1) < at.getTime()) memos.set(key, { computedAt: at.getTime(), view })
    return view
  })()
  const entry = { version, promise }
  pending.set(key, entry)
  const all = allRunning(deps.db)
  all.add(promise)
  const settle = () => {
    all.delete(promise)
    if (pending.get(key) === entry) pending.delete(key)
  }
  promise.then(settle, settle)
  return promise
}

const running = new WeakMap<object, Set<Promise<unknown>>>()
function allRunning(db: object): Set<Promise<unknown>> {
  let set = running.get(db)
  if (!set) {
    set = new Set()
    running.set(db, set)
  }
  return set
}

/** Resolves once every refresh running in this process for this database has finished. */
export async function researchRefreshesSettled(db: object): Promise<void> {
  await Promise.allSettled([...allRunning(db)])
}

/** The kept view, parsed once per computation in this process. */
async function keptView(
  deps: Pick<AccountsDeps, 'db'>,
  organisationId: string,
  outcome: ResearchOutcome,
  computedAt: Date,
): Promise<Computed | undefined> {
  const key = keyOf(organisationId, outcome)
  const memo = mapOf(parsed, deps.db).get(key)
  if (memo && memo.computedAt === computedAt.getTime()) return memo.view
  const row = await storedView(deps.db, organisationId, outcome)
  if (!row) return undefined
  const view = JSON.parse(row.view) as Computed
  mapOf(parsed, deps.db).set(key, { computedAt: row.computedAt.getTime(), view })
  return view
}

/**
 * The research view of an organisation's items, for editors and admins (analytics.read), answered
 * from the kept computation. When the organisation's data version has moved on, or the kept view is
 * older than RESEARCH_CACHE_MAX_AGE_MS, the kept figures are served at once with `refreshing` set
 * while a recomputation runs in the background; the next request after it shows the new figures.
 * Only an organisation with no kept view waits for a computation. `computedAt` says when the
 * figures were computed: they include every change the data version shows up to that instant.
 */
export async function getResearchView(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  outcome: ResearchOutcome = 'meanGain',
): Promise<ResearchView> {
  const org = await resolveOrganisation(deps, actor, slug, 'analytics.read')
  const [version, kept] = await Promise.all([
    researchDataVersion(deps.db, org.id),
    storedViewVersion(deps.db, org.id, outcome),
  ])
  const view = kept && (await keptView(deps, org.id, outcome, kept.computedAt))
  if (!kept || !view)
    return { ...(await refreshResearchView(deps, org.id, outcome, version)), refreshing: false }
  const current =
    kept.dataVersion === version &&
    deps.clock.now().getTime() - kept.computedAt.getTime() < RESEARCH_CACHE_MAX_AGE_MS
  if (!current)
    refreshResearchView(deps, org.id, outcome, version).catch((error: unknown) =>
      deps.log.error({ err: error, organisationId: org.id }, 'research view refresh failed'),
    )
  return { ...view, refreshing: !current }
}

/**
 * The sweep's work: recomputes the kept view of every organisation whose data version has moved on
 * (the mean-gain view always, other outcomes once someone has asked for them), so requests after a
 * change find the new figures already computed. Returns how many views it recomputed.
 */
export async function refreshStaleResearchViews(
  deps: Pick<AccountsDeps, 'db' | 'clock' | 'log'>,
): Promise<number> {
  let refreshed = 0
  for (const { organisationId, outcomes } of await organisationsWithResearchData(deps.db)) {
    const version = await researchDataVersion(deps.db, organisationId)
    const wanted = new Set<ResearchOutcome>(['meanGain'])
    for (const o of outcomes) if (o === 'meanGain' || o === 'meanNormalisedGain') wanted.add(o)
    for (const outcome of wanted) {
      const kept = await storedViewVersion(deps.db, organisationId, outcome)
      if (kept?.dataVersion === version) continue
      try {
        await refreshResearchView(deps, organisationId, outcome, version)
        refreshed++
      } catch (error) {
        deps.log.error({ err: error, organisationId }, 'research view refresh failed')
      }
    }
  }
  return refreshed
}
