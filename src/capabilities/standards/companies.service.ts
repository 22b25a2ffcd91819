import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, authorize } from '#src/capabilities/accounts/accounts.service.ts'
import {
  canonicalCompany,
  companyParents,
  normaliseCompanyName,
} from '#src/capabilities/screening/lexicons/companies.ts'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db, Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  type CompanyRow,
  findCompanyById,
  findCompanyByNormalisedName,
  insertCompanyIfNew,
  type NewCompany,
  searchCompanies,
  upsertSeedCompanies,
} from './companies.repository.ts'
import type { Company } from './companies.schema.ts'

/**
 * The shared list of ineligible companies. Its seed is the screening engine's alias table
 * (`screening/lexicons/companies.ts`), so a company picked here is compared with brand
 * mentions through the same parent mapping; anything else a member types is added once per
 * normalised name ("Acme Devices Ltd" and "ACME devices" are one company).
 */

/** One row per parent in the screening engine's table; aliases are searchable. */
export function seedCompanyRows(createdAt: string): NewCompany[] {
  return companyParents.map(([parent, patterns]) => {
    const normalisedName = normaliseCompanyName(parent)
    const aliases = [...new Set(patterns.map(normaliseCompanyName))].filter((a) => a !== normalisedName)
    return {
      id: `company-${normalisedName.toLowerCase().replace(/\s+/g, '-')}`,
      name: parent,
      normalisedName,
      parent,
      searchText: `|${[normalisedName, ...aliases].join('|')}|`,
      source: 'seed' as const,
      contributedBy: null,
      createdAt,
    }
  })
}

const seeded = new WeakMap<Db, Promise<void>>()

/**
 * Makes sure the seed list is in this database, once per process and database handle.
 * Call it with the database itself, before opening a transaction (on SQLite a transaction
 * holds the only connection). A new parent in the screening table arrives on the next start.
 */
export function ensureCompanyList(deps: { db: Db; clock: Clock }): Promise<void> {
  let done = seeded.get(deps.db)
  if (!done) {
    done = upsertSeedCompanies(deps.db, seedCompanyRows(deps.clock.now().toISOString())).catch((e) => {
      seeded.delete(deps.db)
      throw e
    })
    seeded.set(deps.db, done)
  }
  return done
}

/**
 * The company a request names: an id from the list, or a typed name (found by its normalised
 * form, or added as contributed by the user). `field` names the request field in errors.
 */
export async function resolveCompany(
  tx: Executor,
  deps: { clock: Clock; ids: Ids },
  userId: string,
  ref: { companyId?: string | undefined; companyName?: string | undefined },
): Promise<{ company: CompanyRow; contributed: boolean }> {
  if (ref.companyId) {
    const company = await findCompanyById(tx, ref.companyId)
    if (!company) {
      throw new AppError('VALIDATION_FAILED', {
        message: 'the request is not valid',
        details: [{ path: 'companyId', message: 'no such company' }],
      })
    }
    return { company, contributed: false }
  }
  const name = (ref.companyName ?? '').replace(/\s+/g, ' ').trim()
  const normalisedName = normaliseCompanyName(name)
  if (normalisedName.length < 2) {
    throw new AppError('VALIDATION_FAILED', {
      message: 'the request is not valid',
      details: [{ path: 'companyName', message: 'a company name needs letters or digits' }],
    })
  }
  const existing = await findCompanyByNormalisedName(tx, normalisedName)
  if (existing) return { company: existing, contributed: false }
  const id = deps.ids.next()
  const company = await insertCompanyIfNew(tx, {
    id,
    name,
    normalisedName,
    parent: canonicalCompany(name).name,
    searchText: `|${normalisedName}|`,
    source: 'contributed',
    contributedBy: userId,
    createdAt: deps.clock.now().toISOString(),
  })
  // Someone else may have added the same name a moment ago: then theirs is used.
  return { company, contributed: company.id === id }
}

/**
 * Autocomplete for the disclosure form: word-prefix matches on names and known aliases,
 * best first (exact name, then name prefix, then any word or alias), then by name.
 */
export async function searchCompaniesForActor(
  deps: AccountsDeps,
  actor: Actor,
  query: { q?: string | undefined; limit: number },
): Promise<Company[]> {
  if (actor.kind !== 'user') throw new AppError('UNAUTHENTICATED', { message: 'sign in first' })
  authorize(actor, 'profile.read', { userId: actor.userId })
  await ensureCompanyList(deps)
  const q = query.q ? normaliseCompanyName(query.q) : ''
  const rows = await searchCompanies(deps.db, { query: q, userId: actor.userId, cap: q ? 500 : query.limit })
  const rank = (r: { normalisedName: string; searchText: string }) => {
    if (!q) return 0
    if (r.normalisedName === q) return 0
    if (r.normalisedName.startsWith(q)) return 1
    if (` ${r.normalisedName}`.includes(` ${q}`)) return 2
    return 3
  }
  return rows
    .map((r) => ({ r, rank: rank(r) }))
    .sort((a, b) => a.rank - b.rank || a.r.name.localeCompare(b.r.name))
    .slice(0, query.limit)
    .map(({ r }) => ({ id: r.id, name: r.name, parent: r.parent, source: r.source }))
}
