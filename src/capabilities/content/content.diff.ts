import type { Hunk, ItemFields } from './content.schema.ts'

type Op = { op: ' ' | '-' | '+'; text: string }

/** Line operations turning `a` into `b` (longest common subsequence; fine for item-sized texts). */
function lineOps(a: string[], b: string[]): Op[] {
  // Trim the common head and tail first: most revisions touch a few lines.
  let head = 0
  while (head < a.length && head < b.length && a[head] === b[head]) head++
  let tail = 0
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++
  const am = a.slice(head, a.length - tail)
  const bm = b.slice(head, b.length - tail)
  const n = am.length
  const m = bm.length
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] as Uint32Array
    const below = lcs[i + 1] as Uint32Array
    for (let j = m - 1; j >= 0; j--) {
      row[j] =
        am[i] === bm[j] ? (below[j + 1] as number) + 1 : Math.max(below[j] as number, row[j + 1] as number)
    }
  }
  const ops: Op[] = a.slice(0, head).map((text) => ({ op: ' ', text }))
  let i = 0
  let j = 0
  while (i < n || j < m) {
    if (i < n && j < m && am[i] === bm[j]) {
      ops.push({ op: ' ', text: am[i] as string })
      i++
      j++
    } else if (i < n && (j === m || (lcs[i + 1]?.[j] ?? 0) >= (lcs[i]?.[j + 1] ?? 0))) {
      ops.push({ op: '-', text: am[i] as string })
      i++
    } else {
      ops.push({ op: '+', text: bm[j] as string })
      j++
    }
  }
  for (const text of a.slice(a.length - tail)) ops.push({ op: ' ', text })
  return ops
}

/** Unified-diff hunks (1-based line numbers, `context` lines around each change). */
export function diffText(before: string, after: string, context = 3): Hunk[] {
  if (before === after) return []
  const ops = lineOps(before.split('\n'), after.split('\n'))
  const changed = ops.map((o, k) => (o.op !== ' ' ? k : -1)).filter((k) => k >= 0)
  const hunks: Hunk[] = []
  let k = 0
  while (k < changed.length) {
    const first = changed[k] as number
    let last = first
    while (k + 1 < changed.length && (changed[k + 1] as number) - last <= 2 * context + 1)
      last = changed[++k] as number
    k++
    const from = Math.max(0, first - context)
    const to = Math.min(ops.length, last + context + 1)
    // Line numbers where the hunk starts in each text.
    let oldLine = 1
    let newLine = 1
    for (const o of ops.slice(0, from)) {
      if (o.op !== '+') oldLine++
      if (o.op !== '-') newLine++
    }
    const lines = ops.slice(from, to)
    const oldLines = lines.filter((o) => o.op !== '+').length
    const newLines = lines.filter((o) => o.op !== '-').length
    hunks.push({
      oldStart: oldLines ? oldLine : oldLine - 1,
      oldLines,
      newStart: newLines ? newLine : newLine - 1,
      newLines,
      lines,
    })
  }
  return hunks
}

const textFields = ['title', 'body', 'captions'] as const

/** What changed between two versions' fields: text as hunks, everything else before/after. */
export function diffFields(before: ItemFields & { kind?: string }, after: ItemFields & { kind?: string }) {
  const text: Array<{ field: string; hunks: Hunk[] }> = []
  for (const f of textFields) {
    const hunks = diffText(before[f], after[f])
    if (hunks.length) text.push({ field: f, hunks })
  }
  const partCount = Math.max(before.parts.length, after.parts.length)
  for (let p = 0; p < partCount; p++) {
    const hunks = diffText(before.parts[p] ?? '', after.parts[p] ?? '')
    if (hunks.length) text.push({ field: `parts[${p}]`, hunks })
  }
  const fields: Array<{ field: string; before: unknown; after: unknown }> = []
  const others = Object.keys({ ...before, ...after }).filter(
    (f) => !(textFields as readonly string[]).includes(f) && f !== 'parts',
  )
  for (const f of others.sort()) {
    const b = (before as Record<string, unknown>)[f]
    const a = (after as Record<string, unknown>)[f]
    if (JSON.stringify(b ?? null) !== JSON.stringify(a ?? null))
      fields.push({ field: f, before: b ?? null, after: a ?? null })
  }
  return { text, fields }
}
