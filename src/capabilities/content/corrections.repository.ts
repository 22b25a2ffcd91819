import type { Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'
import type { Correction } from './corrections.schema.ts'

export async function insertCorrection(
  db: Executor,
  c: { id: string; itemId: string; versionId: string; notice: string; postedBy: string; postedAt: string },
): Promise<void> {
  await db
    .insertInto('correction_notice')
    .values({
      id: c.id,
      item_id: c.itemId,
      version_id: c.versionId,
      notice: c.notice,
      posted_by: c.postedBy,
      posted_at: c.postedAt,
    })
    .execute()
}

/** The item's correction notices, oldest first. */
export async function listCorrectionRows(db: Executor, itemId: string): Promise<Correction[]> {
  const rows = await db
    .selectFrom('correction_notice as c')
    .innerJoin('content_version as v', 'v.id', 'c.version_id')
    .select(['c.id', 'c.item_id', 'c.notice', 'c.posted_at', 'v.number', 'v.content_hash'])
    .where('c.item_id', '=', itemId)
    .orderBy('c.posted_at', 'asc')
    .orderBy('c.id', 'asc')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    itemId: r.item_id,
    version: Number(r.number),
    contentHash: r.content_hash,
    notice: r.notice,
    postedAt: toIso(r.posted_at),
  }))
}
