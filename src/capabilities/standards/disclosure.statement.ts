import { type Nature, natures } from './disclosure.schema.ts'

/** What the statement needs to know about one relationship. */
export type StatementRelationship = {
  company: string
  nature: Nature
  natureDetail?: string | null | undefined
  startDate: string
  endDate: string | null
}

/** How each nature reads: `ongoing` in the present tense, `ended` in the present perfect. */
const phrases: Record<Nature, { ongoing: string; ended: string }> = {
  salary: { ongoing: 'is employed by', ended: 'has received a salary from' },
  consulting: { ongoing: 'receives consulting fees from', ended: 'has received consulting fees from' },
  speaker: { ongoing: 'receives speaker fees from', ended: 'has received speaker fees from' },
  advisory_board: {
    ongoing: 'serves on an advisory board for',
    ended: 'has served on an advisory board for',
  },
  research_grant: { ongoing: 'receives research funding from', ended: 'has received research funding from' },
  ownership: { ongoing: 'holds stock in', ended: 'has held stock in' },
  royalties: { ongoing: 'receives royalties from', ended: 'has received royalties from' },
  other: { ongoing: 'has a financial relationship with', ended: 'has had a financial relationship with' },
}

/**
 * The plain-language disclosure statement for a person's relevant relationships:
 * "Dr Priya Shah has received speaker fees from Example Pharma (2025–2026) and holds stock in
 * Acme Devices (ongoing)." or, with none, "Dr Priya Shah has no relevant financial
 * relationships with ineligible companies." Pure: the caller picks the relationships (the
 * 24-month window) and the name. Relationships of one nature share a clause ("from A (2024)
 * and B (2025)"); the same company twice lists both periods.
 */
export function disclosureStatement(name: string, relationships: readonly StatementRelationship[]): string {
  const who = name.trim() || 'The author'
  if (relationships.length === 0) {
    return `${who} has no relevant financial relationships with ineligible companies.`
  }
  const sorted = [...relationships].sort(
    (a, b) =>
      natures.indexOf(a.nature) - natures.indexOf(b.nature) ||
      Number(b.endDate === null) - Number(a.endDate === null) ||
      a.company.localeCompare(b.company) ||
      a.startDate.localeCompare(b.startDate),
  )
  // clause key -> (company + detail) -> periods
  const clauses = new Map<
    string,
    { phrase: string; items: Map<string, { label: string; periods: string[] }> }
  >()
  for (const r of sorted) {
    const tense = r.endDate === null ? 'ongoing' : 'ended'
    const clauseKey = `${r.nature}:${tense}`
    const clause = clauses.get(clauseKey) ?? { phrase: phrases[r.nature][tense], items: new Map() }
    clauses.set(clauseKey, clause)
    const detail = r.natureDetail?.trim() || null
    const itemKey = `${r.company}\u0000${detail ?? ''}`
    const item = clause.items.get(itemKey) ?? { label: r.company.trim(), periods: detail ? [detail] : [] }
    clause.items.set(itemKey, item)
    const p = period(r.startDate, r.endDate)
    if (!item.periods.includes(p)) item.periods.push(p)
  }
  const parts = [...clauses.values()].map((c) => {
    const items = [...c.items.values()].map((i) => `${i.label} (${i.periods.join(', ')})`)
    return { text: `${c.phrase} ${joinList(items, ', ', ' and ')}`, listed: items.length > 1 }
  })
  // A clause that is itself a list ("from A and B") would blur into the next with a comma.
  const nested = parts.slice(0, -1).some((p) => p.listed)
  const body = nested
    ? joinList(
        parts.map((p) => p.text),
        '; ',
        '; and ',
      )
    : joinList(
        parts.map((p) => p.text),
        ', ',
        ' and ',
      )
  return `${who} ${body}.`
}

/** "2025", "2025–2026" (en dash), or "ongoing". */
function period(startDate: string, endDate: string | null): string {
  if (endDate === null) return 'ongoing'
  const from = startDate.slice(0, 4)
  const to = endDate.slice(0, 4)
  return from === to ? from : `${from}–${to}`
}

/** "A", "A and B", "A, B and C" (no serial comma). */
export function joinList(items: readonly string[], separator: string, last: string): string {
  if (items.length <= 1) return items[0] ?? ''
  return `${items.slice(0, -1).join(separator)}${last}${items[items.length - 1]}`
}

/** A short noun for a nature, for reasons and labels: "speaker fees", "stock". */
export const natureNouns: Record<Nature, string> = {
  salary: 'salary',
  consulting: 'consulting fees',
  speaker: 'speaker fees',
  advisory_board: 'advisory board',
  research_grant: 'research funding',
  ownership: 'stock or ownership',
  royalties: 'royalties',
  other: 'other financial relationship',
}
