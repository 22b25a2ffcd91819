import { sql } from 'kysely'
import type { Identity } from '#src/capabilities/accounts/accounts.schema.ts'
import type { ItemFields } from '#src/capabilities/content/content.schema.ts'
import type { Executor } from '#src/platform/db/database.ts'

export type ResearchGain = { itemId: string; meanGain: number; meanNormalisedGain: number | null }

/**
 * Each item's learning gain, aggregated in the database: over the item's learners who took both
 * the pre and the post quiz, the mean of (post − pre) as fractions of the maximum, and the mean
 * normalised gain (post − pre) / (1 − pre) over those whose pre score was below the maximum (as
 * summariseGain). A session holds at most one attempt of each kind (a retake replaces it), so each
 * learner counts once. Items without such a learner are absent.
 */
export async function researchGains(db: Executor, organisationId: string): Promise<ResearchGain[]> {
  const scaled = (a: string) =>
    sql<number>`case when ${sql.ref(`${a}.max`)} > 0 then cast(${sql.ref(`${a}.raw`)} as double precision) / ${sql.ref(`${a}.max`)} else 0 end`
  const pairs = db
    .selectFrom('learning_session as s')
    .innerJoin('quiz_attempt as pre', (j) =>
      j.onRef('pre.session_id', '=', 's.id').on('pre.kind', '=', 'pre'),
    )
    .innerJoin('quiz_attempt as post', (j) =>
      j.onRef('post.session_id', '=', 's.id').on('post.kind', '=', 'post'),
    )
    .select(['s.item_id'])
    .select([scaled('pre').as('pre'), scaled('post').as('post')])
    .where('s.organisation_id', '=', organisationId)
  const rows = await db
    .selectFrom(pairs.as('p'))
    .select([
      'p.item_id',
      sql<number>`avg(p.post - p.pre)`.as('gain'),
      sql<number | null>`avg(case when p.pre < 1 then (p.post - p.pre) / (1 - p.pre) end)`.as('normalised'),
    ])
    .groupBy('p.item_id')
    .execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    meanGain: Number(r.gain),
    meanNormalisedGain: r.normalised === null ? null : Number(r.normalised),
  }))
}

export type ResearchItem = {
  id: string
  kind: string
  fields: Partial<ItemFields>
  /** The author's (presenter's) profession from their professional identity; null when not given. */
  profession: Identity['profession']
}

/** The named items of the organisation with their kind, current fields and the author's profession. */
export async function researchItems(
  db: Executor,
  organisationId: string,
  ids: string[],
): Promise<ResearchItem[]> {
  const out: ResearchItem[] = []
  // In chunks: PostgreSQL and SQLite both cap the number of bound parameters.
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('content_item as c')
      .leftJoin('professional_identity as pi', 'pi.user_id', 'c.author_id')
      .select(['c.id', 'c.kind', 'c.fields', 'pi.profession'])
      .where('c.organisation_id', '=', organisationId)
      .where('c.id', 'in', ids.slice(i, i + 500))
      .execute()
    for (const r of rows)
      out.push({
        id: r.id,
        kind: r.kind,
        fields: JSON.parse(r.fields) as Partial<ItemFields>,
        profession: (r.profession ?? null) as Identity['profession'],
      })
  }
  return out.sort((a, b) => a.id.localeCompare(b.id))
}

/**
 * A cheap fingerprint of everything the research view reads: it changes when a quiz attempt of
 * the organisation's learning sessions is added or removed (a session counts only through its
 * attempts, and removing one removes them; another organisation's learners do not move it),
 * when the organisation's snapshots gain a row or a later
 * capture, when a metric import is recorded, when an item is added, removed or edited (its
 * updated_at), and when one of the organisation's members edits their professional identity.
 * Counts and latest times only, read from indexes where there are any: it cannot see an edit that
 * changes neither (the view's cache bounds its age for that reason).
 */
export async function researchDataVersion(db: Executor, organisationId: string): Promise<string> {
  const [attempts, snapshots, imports, items, identities] = await Promise.all([
    db
      .selectFrom('quiz_attempt as a')
      .innerJoin('learning_session as s', 's.id', 'a.session_id')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('s.organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('metric_snapshot')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('captured_at').as('at')])
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('metric_import')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('created_at').as('at')])
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('content_item')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('updated_at').as('at')])
      .where('organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('professional_identity as pi')
      .innerJoin('membership as m', 'm.user_id', 'pi.user_id')
      .select((eb) => [eb.fn.countAll().as('n'), eb.fn.max('pi.updated_at').as('at')])
      .where('m.organisation_id', '=', organisationId)
      .executeTakeFirstOrThrow(),
  ])
  const part = (r: { n: unknown; at?: unknown }) =>
    `${Number(r.n)}@${r.at instanceof Date ? r.at.toISOString() : String(r.at ?? '')}`
  return [attempts, snapshots, imports, items, identities].map(part).join('|')
}

export type ResearchEngagement = { itemId: string; metric: string; total: number; mean: number }

/**
 * Each item's latest engagement per metric, aggregated in the database: the latest capture of each
 * post's metric (when the API and an import hold a value captured at the same instant, the API's
 * counts once), summed over the item's posts, with the mean over its posts alongside (for a
 * duration, which is averaged rather than summed).
 */
export async function researchEngagement(
  db: Executor,
  organisationId: string,
): Promise<ResearchEngagement[]> {
  const latest = db
    .selectFrom('metric_snapshot')
    .select([
      'item_id',
      'metric',
      'value',
      sql<number>`row_number() over (partition by item_id, channel, remote_id, metric order by captured_at desc, source asc)`.as(
        'rank',
      ),
    ])
    .where('organisation_id', '=', organisationId)
  const rows = await db
    .selectFrom(latest.as('l'))
    .select([
      'l.item_id',
      'l.metric',
      sql<number>`sum(l.value)`.as('total'),
      sql<number>`avg(l.value)`.as('mean'),
    ])
    .where('l.rank', '=', 1)
    .groupBy(['l.item_id', 'l.metric'])
    .execute()
  return rows.map((r) => ({
    itemId: r.item_id,
    metric: r.metric,
    total: Number(r.total),
    mean: Number(r.mean),
  }))
}

export type StoredResearchView = { dataVersion: string; computedAt: Date }

const asDate = (v: Date | string) => (v instanceof Date ? v : new Date(v))

/** When the kept view of (organisation, outcome) was computed and at which data version; no view text. */
export async function storedViewVersion(
  db: Executor,
  organisationId: string,
  outcome: string,
): Promise<StoredResearchView | undefined> {
  const row = await db
    .selectFrom('research_view')
    .select(['data_version', 'computed_at'])
    .where('organisation_id', '=', organisationId)
    .where('outcome', '=', outcome)
    .executeTakeFirst()
  return row && { dataVersion: row.data_version, computedAt: asDate(row.computed_at) }
}

/** The kept view of (organisation, outcome) as JSON, with when it was computed. */
export async function storedView(
  db: Executor,
  organisationId: string,
  outcome: string,
): Promise<(StoredResearchView & { view: string }) | undefined> {
  const row = await db
    .selectFrom('research_view')
    .select(['data_version', 'computed_at', 'view'])
    .where('organisation_id', '=', organisationId)
    .where('outcome', '=', outcome)
    .executeTakeFirst()
  return row && { dataVersion: row.data_version, computedAt: asDate(row.computed_at), view: row.view }
}

/** Every kept view, with its organisation and outcome. */
export async function keptResearchViews(
  db: Executor,
): Promise<(StoredResearchView & { organisationId: string; outcome: string; view: string })[]> {
  const rows = await db
    .selectFrom('research_view')
    .select(['organisation_id', 'outcome', 'data_version', 'computed_at', 'view'])
    .execute()
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    outcome: r.outcome,
    dataVersion: r.data_version,
    computedAt: asDate(r.computed_at),
    view: r.view,
  }))
}

/**
 * Keeps a computed view unless a later computation is already kept (two processes may refresh at
 * once; the one that started later, and so read later data, wins).
 */
export async function storeView(
  db: Executor,
  row: { organisationId: string; outcome: string; dataVersion: string; computedAt: Date; view: string },
): Promise<void> {
  const at = row.computedAt.toISOString()
  await db
    .insertInto('research_view')
    .values({
      organisation_id: row.organisationId,
      outcome: row.outcome,
      data_version: row.dataVersion,
      computed_at: at,
      view: row.view,
    })
    .onConflict((oc) =>
      oc
        .columns(['organisation_id', 'outcome'])
        .doUpdateSet({ data_version: row.dataVersion, computed_at: at, view: row.view })
        .where('research_view.computed_at', '<', at),
    )
    .execute()
}

/**
 * Organisations with anything the research view reads (learning sessions or engagement snapshots)
 * or with a kept view, and the outcomes kept for each.
 */
export async function organisationsWithResearchData(
  db: Executor,
): Promise<{ organisationId: string; outcomes: string[] }[]> {
  const [sessions, snapshots, kept] = await Promise.all([
    db.selectFrom('learning_session').select('organisation_id').distinct().execute(),
    db.selectFrom('metric_snapshot').select('organisation_id').distinct().execute(),
    db.selectFrom('research_view').select(['organisation_id', 'outcome']).execute(),
  ])
  const out = new Map<string, Set<string>>()
  for (const r of [...sessions, ...snapshots])
    out.set(r.organisation_id, out.get(r.organisation_id) ?? new Set())
  for (const r of kept) {
    const s = out.get(r.organisation_id) ?? new Set()
    s.add(r.outcome)
    out.set(r.organisation_id, s)
  }
  return [...out.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([organisationId, outcomes]) => ({ organisationId, outcomes: [...outcomes].sort() }))
}
