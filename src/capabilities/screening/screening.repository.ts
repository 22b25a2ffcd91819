import type { Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'

export type PolicyRow = {
  version: number
  policy: string
  note: string
  createdBy: string | null
  createdAt: string
}

export async function findLatestPolicy(db: Executor, organisationId: string): Promise<PolicyRow | null> {
  const r = await db
    .selectFrom('screening_policy')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r ? mapRow(r) : null
}

export async function listPolicyVersions(
  db: Executor,
  organisationId: string,
): Promise<
  Array<{ version: number; note: string; createdBy: { id: string; name: string } | null; createdAt: string }>
> {
  const rows = await db
    .selectFrom('screening_policy')
    .leftJoin('auth_user', 'auth_user.id', 'screening_policy.created_by')
    .select([
      'screening_policy.version',
      'screening_policy.note',
      'screening_policy.created_by',
      'screening_policy.created_at',
      'auth_user.name as created_by_name',
    ])
    .where('screening_policy.organisation_id', '=', organisationId)
    .orderBy('screening_policy.version', 'desc')
    .execute()
  return rows.map((r) => ({
    version: Number(r.version),
    note: r.note,
    createdBy: r.created_by ? { id: r.created_by, name: r.created_by_name ?? '(deleted user)' } : null,
    createdAt: toIso(r.created_at),
  }))
}

/** Inserts the next version; the primary key refuses a concurrent duplicate. */
export async function insertPolicyVersion(
  db: Executor,
  row: {
    organisationId: string
    version: number
    policy: string
    note: string
    createdBy: string | null
    createdAt: string
  },
): Promise<void> {
  await db
    .insertInto('screening_policy')
    .values({
      organisation_id: row.organisationId,
      version: row.version,
      policy: row.policy,
      note: row.note,
      created_by: row.createdBy,
      created_at: row.createdAt,
    })
    .execute()
}

function mapRow(r: {
  version: number
  policy: string
  note: string
  created_by: string | null
  created_at: Date | string
}): PolicyRow {
  return {
    version: Number(r.version),
    policy: r.policy,
    note: r.note,
    createdBy: r.created_by,
    createdAt: toIso(r.created_at),
  }
}
