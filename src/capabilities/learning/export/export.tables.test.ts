import { describe, expect, it } from 'vitest'
import type { ExportSnapshotRow } from './export.repository.ts'
import { coarsen } from './export.suppression.ts'
import { engagementTable } from './export.tables.learning.ts'
import type { ExportContext, ExportItem } from './export.tables.ts'

/** A context over fixed data: no database. */
function contextWith(snapshots: ExportSnapshotRow[], granularity: 'month' | 'day' = 'month'): ExportContext {
  const items: ExportItem[] = [
    {
      id: 'item-1',
      kind: 'thread',
      fields: {},
      seriesId: null,
      seriesTitle: null,
      channels: ['bluesky', 'mastodon'],
      firstPublishedAt: '2026-01-05T10:00:00.000Z',
      profession: null,
    },
  ]
  const data: Record<string, unknown> = { snapshots }
  return {
    db: null as never,
    organisationId: 'org',
    organisationSlug: 'org',
    publicBaseUrl: 'https://rounds.example',
    params: { k: 5, from: null, to: null, granularity },
    until: new Date('2026-03-31T23:59:59.999Z'),
    pseudonym: (id) => id,
    period: (at) => coarsen(at, granularity),
    items: async () => items,
    memo: async <T>(key: string) => data[key] as T,
  }
}

const snap = (
  remoteId: string,
  metric: string,
  value: number,
  at: string,
  o: { source?: string; itemId?: string; channel?: string } = {},
): ExportSnapshotRow => ({
  itemId: o.itemId ?? 'item-1',
  channel: o.channel ?? 'mastodon',
  remoteId,
  metric,
  value,
  source: o.source ?? 'api',
  at,
})

describe('engagement.csv', () => {
  it("sums a thread's posts at the end of each period, carrying a post's last value forward", async () => {
    const { rows } = await engagementTable.rows(
      contextWith([
        snap('p1', 'views', 100, '2026-01-10T00:00:00.000Z'),
        snap('p2', 'views', 40, '2026-01-12T00:00:00.000Z'),
        snap('p1', 'views', 150, '2026-01-20T00:00:00.000Z'),
        // Only p1 is read in February: p2's January value still counts.
        snap('p1', 'views', 210, '2026-02-03T00:00:00.000Z'),
      ]),
    )
    expect(rows).toEqual([
      {
        item_id: 'item-1',
        channel: 'mastodon',
        metric: 'views',
        period: '2026-01',
        value: 190,
        posts: 2,
        latest: false,
      },
      {
        item_id: 'item-1',
        channel: 'mastodon',
        metric: 'views',
        period: '2026-02',
        value: 250,
        posts: 2,
        latest: true,
      },
    ])
  })

  it('counts a value held by the API and an import at the same instant once (the API’s), and averages durations', async () => {
    const at = '2026-01-10T00:00:00.000Z'
    const { rows } = await engagementTable.rows(
      contextWith(
        [
          snap('p1', 'likes', 7, at),
          snap('p1', 'likes', 9, at, { source: 'import' }),
          snap('p1', 'averageViewSeconds', 30, at),
          snap('p2', 'averageViewSeconds', 10, at),
          // After the export's end: left out.
          snap('p1', 'likes', 99, '2026-04-02T00:00:00.000Z'),
          // Not an item in scope: left out.
          snap('x', 'likes', 5, at, { itemId: 'other' }),
        ],
        'day',
      ),
    )
    expect(rows.map((r) => [r.metric, r.period, r.value, r.posts])).toEqual([
      ['averageViewSeconds', '2026-01-10', 20, 2],
      ['likes', '2026-01-10', 7, 1],
    ])
  })
})
