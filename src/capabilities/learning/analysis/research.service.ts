import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { databaseUrlOf } from '#src/platform/db/database.ts'
import { loadResearchItems } from './research.load.ts'
import { computeViewJson } from './research.offthread.ts'
import {
  keptResearchViews,
  organisationsWithResearchData,
  researchDataVersion,
  storedView,
  storedViewVersion,
  storeView,
} from './research.repository.ts'
import type { ResearchOutcome } from './research.schema.ts'

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

/**
 * How long a kept view counts as current while the data version is unchanged. The version sees
 * every added or removed row and every later capture or edit time; this bounds how long an edit it
 * cannot see (one that changes no count and no latest time) may go unseen.
 */
export const RESEARCH_CACHE_MAX_AGE_MS = 10 * 60 * 1000

type Kept = { computedAt: number; json: string }
/** The kept view's JSON, per database (test databases never share), organisation and outcome. */
const keptJson = new WeakMap<object, Map<string, Kept>>()
/** Refreshes in flight: concurrent requests and the sweep wait for one computation. */
const inFlight = new WeakMap<object, Map<string, { version: string; promise: Promise<Kept> }>>()

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
 * be as new or newer, so the kept version never claims more than the figures include. The reading
 * and the analysis run on a worker thread with its own connection (research.offthread.ts).
 * Requests for a version already being computed in this process wait for that computation.
 */
export function refreshResearchView(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  organisationId: string,
  outcome: ResearchOutcome,
  version: string,
): Promise<Kept> {
  const key = keyOf(organisationId, outcome)
  const pending = mapOf(inFlight, deps.db)
  const running = pending.get(key)
  if (running?.version === version) return running.promise
  const at = deps.clock.now()
  const promise = (async () => {
    const task = { organisationId, outcome, computedAt: at.toISOString() }
    const databaseUrl = databaseUrlOf(deps.db)
    const json = await computeViewJson(
      databaseUrl
        ? { ...task, databaseUrl }
        : { ...task, items: await loadResearchItems(deps.db, organisationId, outcome) },
    )
    await storeView(deps.db, { organisationId, outcome, dataVersion: version, computedAt: at, view: json })
    const kept = { computedAt: at.getTime(), json }
    const memos = mapOf(keptJson, deps.db)
    if ((memos.get(key)?.computedAt ?? -1) < kept.computedAt) memos.set(key, kept)
    return kept
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

/** The kept view's JSON, read from the database once per computation in this process. */
async function keptView(
  deps: Pick<AccountsDeps, 'db'>,
  organisationId: string,
  outcome: ResearchOutcome,
  computedAt: Date,
): Promise<Kept | undefined> {
  const key = keyOf(organisationId, outcome)
  const memo = mapOf(keptJson, deps.db).get(key)
  if (memo && memo.computedAt === computedAt.getTime()) return memo
  const row = await storedView(deps.db, organisationId, outcome)
  if (!row) return undefined
  const kept = { computedAt: row.computedAt.getTime(), json: row.view }
  mapOf(keptJson, deps.db).set(key, kept)
  return kept
}

/**
 * Reads every kept view into this process's memory (called at server start), so the first request
 * after a restart is answered like any other: no multi-megabyte read, and the database connections
 * already open. Returns how many views it read.
 */
export async function loadKeptResearchViews(deps: Pick<AccountsDeps, 'db'>): Promise<number> {
  const kept = await keptResearchViews(deps.db)
  const memos = mapOf(keptJson, deps.db)
  for (const k of kept)
    memos.set(keyOf(k.organisationId, k.outcome as ResearchOutcome), {
      computedAt: k.computedAt.getTime(),
      json: k.view,
    })
  // The version read runs five queries at once; open the connections it will use now.
  await Promise.all(kept.map((k) => researchDataVersion(deps.db, k.organisationId)))
  return kept.length
}

/** A research view as the route sends it: the JSON text, and a validator for conditional requests. */
export type ResearchViewBody = { json: string; etag: string; refreshing: boolean }

/**
 * The research view of an organisation's items, for editors, admins and researchers
 * (analytics.read), answered from the kept computation. When the organisation's data version has
 * moved on, or the kept view is older than RESEARCH_CACHE_MAX_AGE_MS, the kept figures are
 * served at once with `refreshing` set while a recomputation runs in the background; the next
 * request after it shows the new figures. Only an organisation with no kept view waits for a
 * computation. `computedAt` says when the figures were computed: they include every change the
 * data version shows up to that instant. The kept JSON is sent as it is (no parse, no
 * re-serialisation), with `refreshing` added.
 */
export async function getResearchView(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  outcome: ResearchOutcome = 'meanGain',
): Promise<ResearchViewBody> {
  const org = await resolveOrganisation(deps, actor, slug, 'analytics.read')
  const [version, stored] = await Promise.all([
    researchDataVersion(deps.db, org.id),
    storedViewVersion(deps.db, org.id, outcome),
  ])
  const kept = stored && (await keptView(deps, org.id, outcome, stored.computedAt))
  let view: Kept
  let refreshing = false
  if (!stored || !kept) view = await refreshResearchView(deps, org.id, outcome, version)
  else {
    view = kept
    refreshing =
      stored.dataVersion !== version ||
      deps.clock.now().getTime() - stored.computedAt.getTime() >= RESEARCH_CACHE_MAX_AGE_MS
    if (refreshing)
      refreshResearchView(deps, org.id, outcome, version).catch((error: unknown) =>
        deps.log.error({ err: error, organisationId: org.id }, 'research view refresh failed'),
      )
  }
  return {
    json: `{"refreshing":${refreshing},${view.json.slice(1)}`,
    etag: `W/"${outcome}-${view.computedAt}-${refreshing ? 1 : 0}"`,
    refreshing,
  }
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
