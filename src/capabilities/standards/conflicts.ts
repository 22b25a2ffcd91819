import { canonicalCompany, sameCompany } from '#src/capabilities/screening/lexicons/companies.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { listDeclaredConflicts, listRelevantRelationships } from './disclosure.repository.ts'
import {
  type ConflictCategory,
  conflictCategoryLabels,
  conflictCategorySchema,
  type Nature,
} from './disclosure.schema.ts'
import { joinList, natureNouns } from './disclosure.statement.ts'
import { relevanceWindowStart } from './disclosure.window.ts'

/**
 * Whether a candidate reviewer is conflicted for an item, and why (ACCME Standard 3 asks that
 * relevant relationships be identified and mitigated; the review workflow excludes
 * conflicted reviewers). Companies are compared through the screening engine's alias →
 * parent table, so a reviewer paid by "Janssen" is conflicted for an item naming Johnson &
 * Johnson's brands.
 */

export type ReviewerRelationship = { id?: string | undefined; company: string; nature: Nature }
export type DeclaredConflict = {
  authorId?: string | undefined
  company?: string | undefined
  category?: ConflictCategory | undefined
  reason: string
}
export type ReviewerConflictFacts = {
  id: string
  /** Relationships in the past 24 months (see `loadReviewerConflictFacts`). */
  relationships: readonly ReviewerRelationship[]
  declaredConflicts: readonly DeclaredConflict[]
}
export type ReviewerConflict = { kind: 'same-person' | 'company-relationship' | 'declared'; reason: string }

/**
 * Every reason the reviewer may not review the item; empty when there is none.
 * `companiesMentioned` holds parent company names (from screening's commercial findings or
 * brand lexicon); any alias works, as it is mapped to its parent first.
 */
export function findReviewerConflicts(input: {
  authorId: string
  companiesMentioned: readonly string[]
  reviewer: ReviewerConflictFacts
}): ReviewerConflict[] {
  const { authorId, reviewer } = input
  const out: ReviewerConflict[] = []
  if (reviewer.id === authorId)
    out.push({ kind: 'same-person', reason: 'the reviewer is the author of the item' })

  // One mention per parent: "Janssen" and "Johnson & Johnson" in one item are one company.
  const mentioned = new Map<string, string>()
  for (const name of input.companiesMentioned) {
    const c = canonicalCompany(name)
    if (c.key && !mentioned.has(c.key)) mentioned.set(c.key, c.name)
  }

  for (const company of mentioned.values()) {
    const related = reviewer.relationships.filter((r) => sameCompany(r.company, company))
    if (related.length === 0) continue
    const byName = new Map<string, Set<string>>()
    for (const r of related) {
      const natures = byName.get(r.company) ?? new Set<string>()
      natures.add(natureNouns[r.nature])
      byName.set(r.company, natures)
    }
    const held = [...byName].map(([name, natures]) => `${name} (${[...natures].join(', ')})`)
    out.push({
      kind: 'company-relationship',
      reason: `the reviewer has a financial relationship with ${joinList(held, ', ', ' and ')}, and the item names ${company}`,
    })
  }

  for (const d of reviewer.declaredConflicts) {
    if (!d.authorId && !d.company) continue
    const authorMatches = d.authorId === undefined || d.authorId === authorId
    const company = d.company
      ? [...mentioned.values()].find((m) => sameCompany(d.company as string, m))
      : undefined
    const companyMatches = d.company === undefined || company !== undefined
    if (!authorMatches || !companyMatches) continue
    const what = [d.authorId ? 'this author' : null, company ?? null].filter(Boolean).join(' and ')
    const kind = d.category ? ` (${conflictCategoryLabels[d.category]})` : ''
    const note = d.reason.trim() ? `: ${d.reason.trim()}` : ''
    out.push({ kind: 'declared', reason: `the reviewer declared a conflict with ${what}${kind}${note}` })
  }
  return out
}

/**
 * What `findReviewerConflicts` needs to know about a reviewer, from the database: their
 * relationships in the 24 months before `now` (attested or not: an unattested relationship
 * is still a relationship) and the conflicts they declared and have not withdrawn.
 */
export async function loadReviewerConflictFacts(
  db: Executor,
  reviewerId: string,
  now: Date,
): Promise<ReviewerConflictFacts> {
  const relationships = await listRelevantRelationships(db, [reviewerId], relevanceWindowStart(now))
  const declared = await listDeclaredConflicts(db, reviewerId)
  return {
    id: reviewerId,
    relationships: relationships.map((r) => ({ id: r.id, company: r.company.name, nature: r.nature })),
    declaredConflicts: declared.map((d) => {
      const category = conflictCategorySchema.safeParse(d.category).data
      return {
        ...(d.author ? { authorId: d.author.id } : {}),
        ...(d.company ? { company: d.company.name } : {}),
        ...(category ? { category } : {}),
        reason: d.reason,
      }
    }),
  }
}

/** What an item's author is told about a reviewer left out for a conflict they declared. */
export const UNDISCLOSED_CONFLICT = 'the reviewer is not available for this item'

/**
 * The reasons to show a viewer. A reviewer's declaration about an author is theirs to make in
 * confidence: when the viewer is the item's author (an editor managing review of their own
 * item), a declared conflict reads only as "not available", so the author cannot learn who
 * declared what about them.
 */
export function conflictReasonsFor(
  conflicts: readonly ReviewerConflict[],
  viewer: { isAuthor: boolean },
): string[] {
  const out = conflicts.map((c) =>
    c.kind === 'declared' && viewer.isAuthor ? UNDISCLOSED_CONFLICT : c.reason,
  )
  return [...new Set(out)]
}
