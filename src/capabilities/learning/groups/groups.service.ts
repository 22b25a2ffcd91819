import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { listPosts } from '#src/capabilities/learning/metrics/metrics.repository.ts'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { aggregateGroup, type GroupInput, postKey, REACH_METRICS } from './groups.aggregate.ts'
import {
  countOrgSessions,
  listOrgAttempts,
  listOrgItems,
  listOrgSeries,
  listOrgSnapshots,
} from './groups.repository.ts'
import type { AnalyticsGroups } from './groups.schema.ts'

/**
 * Learning and reach per series and per channel, for editors and admins (analytics.read).
 * An item published on two channels counts in both channel groups, with all its learners:
 * a learner's channel is not recorded, so the channel view compares where items went, not
 * where each learner came from.
 */
export async function analyticsByGroup(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  by: 'series' | 'channel',
): Promise<AnalyticsGroups> {
  const org = await resolveOrganisation(deps, actor, slug, 'analytics.read')
  const [items, posts, attempts, sessionCounts, snapshots] = await Promise.all([
    listOrgItems(deps.db, org.id),
    listPosts(deps.db, org.id),
    listOrgAttempts(deps.db, org.id),
    countOrgSessions(deps.db, org.id),
    listOrgSnapshots(deps.db, org.id, REACH_METRICS),
  ])
  const sessions = new Map(sessionCounts.map((r) => [r.itemId, r.n]))
  const measured = new Set([...posts.map((p) => p.itemId), ...sessions.keys()])
  const data = { attempts, sessions, snapshots, now: deps.clock.now() }

  const groups: GroupInput[] = []
  if (by === 'series') {
    const series = await listOrgSeries(deps.db, org.id)
    const inSeries = (seriesId: string | null) =>
      items.filter((i) => i.seriesId === seriesId && measured.has(i.id)).map((i) => i.id)
    const postsOf = (ids: string[]) => {
      const set = new Set(ids)
      return new Set(
        posts.filter((p) => set.has(p.itemId)).map((p) => postKey(p.itemId, p.channel, p.remoteId)),
      )
    }
    for (const s of series) {
      const ids = inSeries(s.id)
      if (ids.length) groups.push({ key: s.id, label: s.title, itemIds: ids, postKeys: postsOf(ids) })
    }
    const loose = inSeries(null)
    if (loose.length)
      groups.push({ key: 'none', label: 'Not in a series', itemIds: loose, postKeys: postsOf(loose) })
  } else {
    const byChannel = new Map<ChannelId, { items: Set<string>; posts: Set<string> }>()
    for (const p of posts) {
      const g = byChannel.get(p.channel) ?? { items: new Set(), posts: new Set() }
      g.items.add(p.itemId)
      g.posts.add(postKey(p.itemId, p.channel, p.remoteId))
      byChannel.set(p.channel, g)
    }
    for (const [channel, g] of [...byChannel].sort(([a], [b]) => a.localeCompare(b)))
      groups.push({
        key: channel,
        label: channelSpecs[channel]?.label ?? channel,
        itemIds: [...g.items],
        postKeys: g.posts,
      })
  }
  return { by, groups: groups.map((g) => aggregateGroup(g, data)) }
}
