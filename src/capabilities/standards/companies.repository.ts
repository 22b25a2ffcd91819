import type { Executor } from '#src/platform/db/database.ts'
import type { Company } from './companies.schema.ts'

export type CompanyRow = Company & { normalisedName: string }

export type NewCompany = {
  id: string
  name: string
  normalisedName: string
  parent: string
  searchText: string
  source: Company['source']
  contributedBy: string | null
  createdAt: string
}

/**
 * Inserts the seed list, or refreshes the rows it already holds (a name someone typed before
 * the list knew it becomes the list's entry). Safe to run concurrently and repeatedly.
 */
export async function upsertSeedCompanies(db: Executor, rows: readonly NewCompany[]): Promise<void> {
  if (rows.length === 0) return
  await db
    .insertInto('company')
    .values(rows.map(toRow))
    .onConflict((oc) =>
      oc.column('normalised_name').doUpdateSet((eb) => ({
        name: eb.ref('excluded.name'),
        parent_name: eb.ref('excluded.parent_name'),
        search_text: eb.ref('excluded.search_text'),
        source: eb.ref('excluded.source'),
      })),
    )
    .execute()
}

/** Inserts a typed-in company unless one with the same normalised name exists; returns the row either way. */
export async function insertCompanyIfNew(db: Executor, company: NewCompany): Promise<CompanyRow> {
  await db
    .insertInto('company')
    .values(toRow(company))
    .onConflict((oc) => oc.column('normalised_name').doNothing())
    .execute()
  return (await findCompanyByNormalisedName(db, company.normalisedName)) as CompanyRow
}

export async function findCompanyById(db: Executor, id: string): Promise<CompanyRow | null> {
  const r = await db.selectFrom('company').selectAll().where('id', '=', id).executeTakeFirst()
  return r ? fromRow(r) : null
}

export async function findCompanyByNormalisedName(
  db: Executor,
  normalisedName: string,
): Promise<CompanyRow | null> {
  const r = await db
    .selectFrom('company')
    .selectAll()
    .where('normalised_name', '=', normalisedName)
    .executeTakeFirst()
  return r ? fromRow(r) : null
}

/**
 * Companies whose name or alias has a word starting with `query` (already normalised; empty
 * matches all), among those the user may see: the seed list, names they typed, names typed by
 * people who share an organisation with them, and companies on their own register.
 */
export async function searchCompanies(
  db: Executor,
  options: { query: string; userId: string; cap: number },
): Promise<Array<CompanyRow & { searchText: string }>> {
  const { query, userId } = options
  let q = db
    .selectFrom('company')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb('source', '=', 'seed'),
        eb('contributed_by', '=', userId),
        eb(
          'contributed_by',
          'in',
          eb
            .selectFrom('membership as theirs')
            .innerJoin('membership as mine', 'mine.organisation_id', 'theirs.organisation_id')
            .select('theirs.user_id')
            .where('mine.user_id', '=', userId),
        ),
        eb(
          'id',
          'in',
          eb
            .selectFrom('disclosure_relationship')
            .select('company_id')
            .where('user_id', '=', userId)
            .where('removed_at', 'is', null),
        ),
      ]),
    )
  if (query) {
    q = q.where((eb) =>
      eb.or([eb('search_text', 'like', `%|${query}%`), eb('search_text', 'like', `% ${query}%`)]),
    )
  }
  const rows = await q.orderBy('name').limit(options.cap).execute()
  return rows.map((r) => ({ ...fromRow(r), searchText: r.search_text }))
}

function toRow(c: NewCompany) {
  return {
    id: c.id,
    name: c.name,
    normalised_name: c.normalisedName,
    parent_name: c.parent,
    search_text: c.searchText,
    source: c.source,
    contributed_by: c.contributedBy,
    created_at: c.createdAt,
  }
}

function fromRow(r: {
  id: string
  name: string
  normalised_name: string
  parent_name: string
  source: string
}): CompanyRow {
  return {
    id: r.id,
    name: r.name,
    parent: r.parent_name,
    source: r.source as Company['source'],
    normalisedName: r.normalised_name,
  }
}
