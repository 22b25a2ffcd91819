import { createHash } from 'node:crypto'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { everPublished, findItem } from '#src/capabilities/content/content.repository.ts'
import { findAccount } from '#src/capabilities/publishing/channels.repository.ts'
import { credentialsFor, markNeedsReauth } from '#src/capabilities/publishing/channels.service.ts'
import { ChannelError, type MetricName, type PostContext } from '#src/capabilities/publishing/connector.ts'
import type { PublishingDeps } from '#src/capabilities/publishing/publishing.deps.ts'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { AppError } from '#src/platform/errors.ts'
import { idsInUrl, parseMetricsCsv } from './csv-layouts.ts'
import {
  findPolls,
  insertImport,
  itemSnapshots,
  latestSnapshots,
  listDuePosts,
  listPosts,
  type PollRow,
  type PostRow,
  type SnapshotInput,
  type SnapshotRow,
  savePoll,
  upsertSnapshots,
} from './metrics.repository.ts'
import type {
  ImportPreview,
  ImportRow,
  ItemMetrics,
  ItemMetricsSummary,
  MetricsImportRequest,
  RefreshResult,
} from './metrics.schema.ts'

export type MetricsDeps = PublishingDeps

const HOUR = 3_600_000
/** Posts younger than this are pulled every few hours; older ones once a day. */
export const FIRST_WEEK_MS = 7 * 24 * HOUR
export const EARLY_INTERVAL_MS = 4 * HOUR
export const LATE_INTERVAL_MS = 24 * HOUR
/** How many due posts one sweep pulls; the rest wait for the next sweep. */
const SWEEP_LIMIT = 500

/**
 * Editors, admins and researchers (analytics.read) see the organisation's engagement; only
 * editors and admins (analytics.manage) change it, by importing or refreshing.
 */
async function metricsReader(
  deps: MetricsDeps,
  actor: Actor,
  slug: string,
  permission: 'analytics.read' | 'analytics.manage' = 'analytics.read',
) {
  const org = await resolveOrganisation(deps, actor, slug, permission)
  return { org, userId: (actor as Extract<Actor, { kind: 'user' }>).userId }
}

/** When a post is next due after a successful pull: every few hours in its first week, then daily. */
export function nextPullAt(now: Date, sentAt: string | null): Date {
  const age = sentAt ? now.getTime() - Date.parse(sentAt) : Number.POSITIVE_INFINITY
  return new Date(now.getTime() + (age < FIRST_WEEK_MS ? EARLY_INTERVAL_MS : LATE_INTERVAL_MS))
}

/** Backoff after an error that named no wait: 1 h, 2 h, 4 h … capped at a day. */
export function backoffMs(failures: number): number {
  return Math.min(LATE_INTERVAL_MS, HOUR * 2 ** Math.max(0, failures - 1))
}

type PullOutcome =
  | { kind: 'ok'; values: number }
  | { kind: 'failed'; message: string }
  | { kind: 'waiting'; until: string }
  | { kind: 'skipped' }

type ContextCache = Map<string, Promise<PostContext | { error: string; reauth?: boolean }>>

async function contextFor(
  deps: MetricsDeps,
  post: PostRow,
  cache: ContextCache,
): Promise<PostContext | { error: string; reauth?: boolean }> {
  const key = `${post.channel}:${post.accountId ?? ''}`
  let got = cache.get(key)
  if (!got) {
    got = (async () => {
      const registered = deps.connectors.get(post.channel)
      const label = channelSpecs[post.channel].label
      if (!registered) return { error: `Rounds has no ${label} connector installed.` }
      if (registered.connection === 'none')
        return { credentials: { serviceUrl: registered.baseUrl || deps.publicBaseUrl } }
      const account = post.accountId ? await findAccount(deps.db, post.accountId) : null
      if (!account || account.status === 'disconnected')
        return { error: `The ${label} account is not connected.` }
      const credentials = account.status === 'needs_reauth' ? null : await credentialsFor(deps, account)
      if (!credentials)
        return {
          error: `${label} no longer accepts Rounds' access to the account. Connect it again.`,
          reauth: true,
        }
      return { credentials }
    })()
    cache.set(key, got)
  }
  return got
}

/**
 * Reads one post's metrics from its platform and writes them as snapshots, then sets when
 * it is next due. Each post is written on its own, so an error on one never loses the
 * snapshots already taken of others; a Retry-After is kept and respected by manual refreshes.
 */
async function pullPost(
  deps: MetricsDeps,
  post: PostRow,
  poll: PollRow | undefined,
  cache: ContextCache,
  blocked: Map<string, string>,
): Promise<PullOutcome> {
  const now = deps.clock.now()
  const nowIso = now.toISOString()
  const registered = deps.connectors.get(post.channel)
  if (!registered?.connector.metrics) {
    // Nothing to read on this channel (Rounds' own pages): look again in a day.
    await savePoll(deps.db, {
      deliveryId: post.deliveryId,
      nextAt: new Date(now.getTime() + LATE_INTERVAL_MS).toISOString(),
      blockedUntil: null,
      failures: 0,
      lastPolledAt: poll?.lastPolledAt ?? null,
      lastError: null,
    })
    return { kind: 'skipped' }
  }
  const accountKey = `${post.channel}:${post.accountId ?? ''}`
  const until = [poll?.blockedUntil, blocked.get(accountKey)]
    .filter((x): x is string => !!x && x > nowIso)
    .sort()
    .at(-1)
  if (until) {
    await savePoll(deps.db, { ...pollBase(post, poll), nextAt: until, blockedUntil: until })
    return { kind: 'waiting', until }
  }
  const failures = (poll?.failures ?? 0) + 1
  const fail = async (message: string, nextAt: Date, blockedUntil: string | null = null) => {
    await savePoll(deps.db, {
      ...pollBase(post, poll),
      nextAt: nextAt.toISOString(),
      blockedUntil,
      failures,
      lastError: message,
    })
  }
  const ctx = await contextFor(deps, post, cache)
  if ('error' in ctx) {
    await fail(ctx.error, new Date(now.getTime() + LATE_INTERVAL_MS))
    return { kind: 'failed', message: ctx.error }
  }
  let metrics: Partial<Record<MetricName, number>>
  try {
    metrics = await registered.connector.metrics(ctx, {
      remoteId: post.remoteId,
      ...(post.remoteRef ? { remoteRef: post.remoteRef } : {}),
      ...(post.remoteUrl ? { url: post.remoteUrl } : {}),
    })
  } catch (error) {
    if (error instanceof ChannelError) {
      if (error.retryAfterMs !== null) {
        const at = new Date(now.getTime() + Math.max(error.retryAfterMs, 60_000))
        blocked.set(accountKey, at.toISOString())
        await fail(error.message, at, at.toISOString())
        return { kind: 'waiting', until: at.toISOString() }
      }
      if (error.reauthorise && post.accountId) await markNeedsReauth(deps, post.accountId, error.message)
      const next = error.permanent || error.reauthorise ? LATE_INTERVAL_MS : backoffMs(failures)
      await fail(error.message, new Date(now.getTime() + next))
      return { kind: 'failed', message: error.message }
    }
    deps.log.warn({ err: error, deliveryId: post.deliveryId }, 'metrics pull failed')
    const message = `${channelSpecs[post.channel].label} could not be read just now.`
    await fail(message, new Date(now.getTime() + backoffMs(failures)))
    return { kind: 'failed', message }
  }
  const rows: SnapshotInput[] = Object.entries(metrics)
    .filter(([, v]) => typeof v === 'number' && Number.isFinite(v))
    .map(([metric, value]) => ({
      id: deps.ids.next(),
      organisationId: post.organisationId,
      itemId: post.itemId,
      channel: post.channel,
      remoteId: post.remoteId,
      metric: metric as MetricName,
      value: value as number,
      source: 'api' as const,
      period: nowIso,
      capturedAt: nowIso,
      importId: null,
    }))
  await deps.db.transaction().execute(async (tx) => {
    await upsertSnapshots(tx, rows)
    await savePoll(tx, {
      deliveryId: post.deliveryId,
      nextAt: nextPullAt(now, post.sentAt).toISOString(),
      blockedUntil: null,
      failures: 0,
      lastPolledAt: nowIso,
      lastError: null,
    })
  })
  return { kind: 'ok', values: rows.length }
}

function pollBase(post: PostRow, poll: PollRow | undefined): PollRow {
  return {
    deliveryId: post.deliveryId,
    nextAt: poll?.nextAt ?? new Date(0).toISOString(),
    blockedUntil: poll?.blockedUntil ?? null,
    failures: poll?.failures ?? 0,
    lastPolledAt: poll?.lastPolledAt ?? null,
    lastError: poll?.lastError ?? null,
  }
}

/** The scheduled sweep: pulls every post whose turn has come. Returns how many were read. */
export async function pullDueMetrics(deps: MetricsDeps): Promise<{ pulled: number; failed: number }> {
  const due = await listDuePosts(deps.db, deps.clock.now().toISOString(), SWEEP_LIMIT)
  const polls = await findPolls(
    deps.db,
    due.map((p) => p.deliveryId),
  )
  const cache: ContextCache = new Map()
  const blocked = new Map<string, string>()
  let pulled = 0
  let failed = 0
  for (const post of due) {
    const r = await pullPost(deps, post, polls.get(post.deliveryId), cache, blocked)
    if (r.kind === 'ok') pulled++
    else if (r.kind === 'failed') failed++
  }
  if (due.length > 0) deps.log.info({ due: due.length, pulled, failed }, 'metrics sweep')
  return { pulled, failed }
}

async function itemInOrg(deps: MetricsDeps, orgId: string, itemId: string) {
  const item = await findItem(deps.db, itemId)
  if (!item || item.organisationId !== orgId)
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId} in this organisation` })
  return item
}

/** "Refresh metrics now": pulls every post of the item at once (a platform's Retry-After still holds). */
export async function refreshItemMetrics(
  deps: MetricsDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<RefreshResult> {
  const { org } = await metricsReader(deps, actor, slug, 'analytics.manage')
  await itemInOrg(deps, org.id, itemId)
  const posts = await listPosts(deps.db, org.id, itemId)
  const polls = await findPolls(
    deps.db,
    posts.map((p) => p.deliveryId),
  )
  const cache: ContextCache = new Map()
  const blocked = new Map<string, string>()
  const result: Omit<RefreshResult, 'item'> = { refreshed: 0, failed: [], waiting: [] }
  for (const post of posts) {
    const r = await pullPost(deps, post, polls.get(post.deliveryId), cache, blocked)
    if (r.kind === 'ok') result.refreshed++
    else if (r.kind === 'failed') result.failed.push({ channel: post.channel, message: r.message })
    else if (r.kind === 'waiting') result.waiting.push({ channel: post.channel, until: r.until })
  }
  return { ...result, item: await loadItemMetrics(deps, org.id, itemId) }
}

const averages: ReadonlySet<MetricName> = new Set(['averageViewSeconds'])

function summarise(
  itemId: string,
  title: string,
  posts: PostRow[],
  latest: SnapshotRow[],
  polls: Map<string, PollRow>,
): ItemMetricsSummary {
  const byPost = new Map<string, ItemMetricsSummary['posts'][number]>()
  const key = (channel: string, remoteId: string) => `${channel}\u0000${remoteId}`
  for (const p of posts)
    byPost.set(key(p.channel, p.remoteId), {
      channel: p.channel,
      remoteId: p.remoteId,
      url: p.remoteUrl,
      capturedAt: null,
      metrics: {},
      lastError: polls.get(p.deliveryId)?.lastError ?? null,
    })
  for (const s of latest) {
    const k = key(s.channel, s.remoteId)
    let entry = byPost.get(k)
    if (!entry) {
      entry = {
        channel: s.channel,
        remoteId: s.remoteId,
        url: null,
        capturedAt: null,
        metrics: {},
        lastError: null,
      }
      byPost.set(k, entry)
    }
    // Both sources may hold a value captured at the same instant; the API's comes first.
    if (entry.metrics[s.metric] === undefined) entry.metrics[s.metric] = s.value
    if (!entry.capturedAt || s.capturedAt > entry.capturedAt) entry.capturedAt = s.capturedAt
  }
  const totals: Partial<Record<MetricName, number>> = {}
  for (const post of byPost.values())
    for (const [m, v] of Object.entries(post.metrics) as [MetricName, number][])
      if (!averages.has(m)) totals[m] = (totals[m] ?? 0) + v
  return { itemId, title, posts: [...byPost.values()], totals }
}

async function loadItemMetrics(deps: MetricsDeps, orgId: string, itemId: string): Promise<ItemMetrics> {
  const posts = await listPosts(deps.db, orgId, itemId)
  const latest = await latestSnapshots(deps.db, orgId, itemId)
  const polls = await findPolls(
    deps.db,
    posts.map((p) => p.deliveryId),
  )
  const item = await itemInOrg(deps, orgId, itemId)
  const title = posts[0]?.itemTitle ?? (item.fields.title || '(untitled)')
  const points = await itemSnapshots(deps.db, itemId)
  return { summary: summarise(itemId, title, posts, latest, polls), points }
}

/** One item's latest metrics per post and every snapshot (the chart). */
export async function getItemMetrics(
  deps: MetricsDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<ItemMetrics> {
  const { org } = await metricsReader(deps, actor, slug)
  await itemInOrg(deps, org.id, itemId)
  // Readers who do not manage review (researchers, admins without it) see only items that have
  // gone out: an unpublished item's title is not theirs to read (decision 026).
  if (!can(actor, 'review.manage', { organisationId: org.id }) && !(await everPublished(deps.db, itemId)))
    throw new AppError('ITEM_NOT_FOUND', { message: `no published item ${itemId} in this organisation` })
  return loadItemMetrics(deps, org.id, itemId)
}

/** Every published item of the organisation with the latest metrics of each of its posts. */
export async function getEngagementOverview(
  deps: MetricsDeps,
  actor: Actor,
  slug: string,
): Promise<{ items: ItemMetricsSummary[] }> {
  const { org } = await metricsReader(deps, actor, slug)
  const posts = await listPosts(deps.db, org.id)
  const latest = await latestSnapshots(deps.db, org.id)
  const polls = await findPolls(
    deps.db,
    posts.map((p) => p.deliveryId),
  )
  const items = new Map<string, { title: string; posts: PostRow[]; latest: SnapshotRow[] }>()
  for (const p of posts) {
    const e = items.get(p.itemId) ?? { title: p.itemTitle, posts: [], latest: [] }
    e.posts.push(p)
    items.set(p.itemId, e)
  }
  for (const s of latest) items.get(s.itemId)?.latest.push(s)
  return {
    items: [...items.entries()].map(([id, e]) => summarise(id, e.title, e.posts, e.latest, polls)),
  }
}

// ── CSV import ───────────────────────────────────────────────────────────────────────────

type Match = { post: PostRow }

/** Looks rows up among the organisation's posts by remote id, by link, or by an id in the link. */
function matcher(posts: PostRow[]) {
  const byId = new Map<string, PostRow[]>()
  const byUrl = new Map<string, PostRow>()
  const add = (k: string, p: PostRow) => {
    const list = byId.get(k) ?? []
    if (!list.includes(p)) list.push(p)
    byId.set(k, list)
  }
  for (const p of posts) {
    add(p.remoteId, p)
    // Meta's Graph ids are "{page id}_{post id}"; its exports show the post id alone.
    const underscore = p.remoteId.lastIndexOf('_')
    if (underscore > 0) add(p.remoteId.slice(underscore + 1), p)
    if (p.remoteUrl) {
      const u = idsInUrl(p.remoteUrl)
      if (u) byUrl.set(u.url, p)
    }
  }
  return (id: string | null, url: string | null, channels: readonly ChannelId[] | null): Match | null => {
    const allowed = (p: PostRow) => !channels || channels.includes(p.channel)
    const candidates: PostRow[] = []
    if (id) candidates.push(...(byId.get(id) ?? []))
    if (url) {
      const u = idsInUrl(url)
      const hit = u ? byUrl.get(u.url) : undefined
      if (hit) candidates.push(hit)
      for (const i of u?.ids ?? []) candidates.push(...(byId.get(i) ?? []))
    }
    const post = candidates.find(allowed)
    return post ? { post } : null
  }
}

type Prepared = ImportPreview & { matches: Map<number, PostRow> }

async function prepareImport(
  deps: MetricsDeps,
  orgId: string,
  input: MetricsImportRequest,
): Promise<Prepared> {
  const parsed = parseMetricsCsv(input.csv, input.mapping ?? null)
  const today = deps.clock.now().toISOString().slice(0, 10)
  const asOf = input.asOf ?? today
  if (asOf > today)
    throw new AppError('VALIDATION_FAILED', {
      message: 'The figures cannot be as of a day still to come',
      details: [{ path: 'asOf', message: `must be ${today} or earlier` }],
    })
  const match = matcher(await listPosts(deps.db, orgId))
  const rows: ImportRow[] = []
  const matches = new Map<number, PostRow>()
  const seen = new Map<string, number>()
  for (const r of parsed.rows) {
    const m = r.errors.length === 0 ? match(r.id, r.url, parsed.channels) : null
    const errors = [...r.errors]
    if (m) {
      const k = `${m.post.channel}\u0000${m.post.remoteId}`
      const earlier = seen.get(k)
      if (earlier !== undefined) errors.push(`is the same post as row ${earlier}`)
      else seen.set(k, r.row)
      if (Object.keys(r.metrics).length === 0 && errors.length === 0) errors.push('has no figures')
    }
    const status = errors.length > 0 ? 'error' : m ? 'matched' : 'unmatched'
    if (status === 'matched' && m) matches.set(r.row, m.post)
    rows.push({
      row: r.row,
      status,
      postId: r.id,
      url: r.url,
      itemId: m?.post.itemId ?? null,
      itemTitle: m?.post.itemTitle ?? null,
      channel: m?.post.channel ?? null,
      metrics: r.metrics,
      errors,
    })
  }
  const count = (s: ImportRow['status']) => rows.filter((r) => r.status === s).length
  return {
    layout: parsed.layout,
    label: parsed.label,
    headers: parsed.headers,
    mapping: parsed.mapping,
    asOf,
    rows,
    counts: { matched: count('matched'), unmatched: count('unmatched'), errors: count('error') },
    matches,
  }
}

/** What an import of this file would do, row by row; writes nothing. */
export async function previewMetricsImport(
  deps: MetricsDeps,
  actor: Actor,
  slug: string,
  input: MetricsImportRequest,
): Promise<ImportPreview> {
  const { org } = await metricsReader(deps, actor, slug, 'analytics.manage')
  const { matches: _matches, ...preview } = await prepareImport(deps, org.id, input)
  return preview
}

/**
 * Imports the matched rows as snapshots dated `asOf` (source import). All or nothing, in one
 * transaction; the same file imported again replaces its own values instead of adding to them.
 */
export async function importMetrics(
  deps: MetricsDeps,
  actor: Actor,
  slug: string,
  input: MetricsImportRequest,
): Promise<ImportPreview> {
  const { org, userId } = await metricsReader(deps, actor, slug, 'analytics.manage')
  const { matches, ...preview } = await prepareImport(deps, org.id, input)
  if (preview.layout === null)
    throw new AppError('CSV_LAYOUT_UNKNOWN', {
      message:
        'Rounds does not recognise this file’s columns. Choose the id or link column and the metric columns, then import.',
      details: { headers: preview.headers },
    })
  const importId = deps.ids.next()
  const capturedAt = `${preview.asOf}T00:00:00.000Z`
  const snapshots: SnapshotInput[] = []
  for (const row of preview.rows) {
    const post = matches.get(row.row)
    if (!post) continue
    for (const [metric, value] of Object.entries(row.metrics) as [MetricName, number][])
      snapshots.push({
        id: deps.ids.next(),
        organisationId: org.id,
        itemId: post.itemId,
        channel: post.channel,
        remoteId: post.remoteId,
        metric,
        value,
        source: 'import',
        period: preview.asOf,
        capturedAt,
        importId,
      })
  }
  const at = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    await upsertSnapshots(tx, snapshots)
    await insertImport(tx, {
      id: importId,
      organisationId: org.id,
      layout: preview.layout as string,
      filename: input.filename,
      fileHash: createHash('sha256').update(input.csv).digest('hex'),
      asOf: preview.asOf,
      matchedRows: preview.counts.matched,
      valuesWritten: snapshots.length,
      createdBy: userId,
      createdAt: at,
    })
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'metrics.imported',
      resourceType: 'metric_import',
      resourceId: importId,
      organisationId: org.id,
      summary: {
        layout: preview.layout,
        asOf: preview.asOf,
        matched: preview.counts.matched,
        unmatched: preview.counts.unmatched,
        errors: preview.counts.errors,
        values: snapshots.length,
      },
    })
  })
  return { ...preview, valuesWritten: snapshots.length, importId }
}
