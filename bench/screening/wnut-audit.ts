/**
 * A hand audit of the WNUT-17 findings the benchmark counts as wrong.
 *
 * WNUT-17 annotates six kinds of named entity, and its annotators missed some: a finding on a
 * name nobody labelled counts against the screener's precision. This script measures how
 * often that happens, on a random sample the benchmark cannot choose.
 *
 *   node bench/screening/wnut-audit.ts --draw 150 [--seed S]
 *       draw a sample of the false findings in bench/out/wnut17-false-positives.txt (run the
 *       benchmark first) into wnut17-audit.tsv, keeping verdicts already given for the same
 *       findings and leaving the others blank for a person to fill in
 *   node bench/screening/wnut-audit.ts              summarise the filled-in verdicts
 *
 * Verdicts: `person` (a person's name, nickname or the name in a hashtag), `place` (a named
 * place), `entity` (another of WNUT's kinds: a group, company, product or creative work),
 * `none` (not a named entity: shouting, an ordinary or foreign word, a part of an address).
 * The draw is seeded, so the same false findings always give the same sample. The audit file
 * quotes WNUT-17 text: CC BY 4.0, Derczynski et al. 2017 (see bench/data/wnut17/README.md).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { seededRandom } from '../../src/capabilities/learning/analysis/statistics.ts'

const here = dirname(fileURLToPath(import.meta.url))
const falsePath = join(here, '../out/wnut17-false-positives.txt')
export const auditPath = join(here, 'wnut17-audit.tsv')
const VERDICTS = ['person', 'place', 'entity', 'none'] as const
type Verdict = (typeof VERDICTS)[number]

type FalseFinding = { doc: string; rule: string; text: string; context: string }

function readFalseFindings(): FalseFinding[] {
  const out: FalseFinding[] = []
  for (const block of readFileSync(falsePath, 'utf8').split(/\n(?=## )/)) {
    const [head, context, ...lines] = block.split('\n')
    if (!head?.startsWith('## ') || context === undefined) continue
    for (const line of lines) {
      const m = /^ {2}FALSE (\S+) ("(?:[^"\\]|\\.)*")$/.exec(line)
      if (m) out.push({ doc: head.slice(3), rule: m[1] as string, text: JSON.parse(m[2] as string), context })
    }
  }
  return out
}

const clean = (s: string) => s.replace(/[\t\n]+/g, ' ')

/**
 * Draws a fresh sample from the false findings of the engine as it is now. Verdicts already given
 * for the same finding in the same document are kept; the rest are left blank to be judged.
 */
function draw(n: number, seed: number): void {
  const judged = new Map<string, [string, string]>()
  if (existsSync(auditPath)) {
    for (const line of readFileSync(auditPath, 'utf8').trim().split('\n').slice(1)) {
      const [doc, , finding, verdict, why] = line.split('\t')
      if (verdict) judged.set(`${doc}\t${finding}`, [verdict, why ?? ''])
    }
  }
  const all = readFalseFindings()
  const next = seededRandom(seed)
  // Partial Fisher–Yates: the first n of a seeded shuffle.
  const pool = [...all]
  for (let i = 0; i < Math.min(n, pool.length); i++) {
    const j = i + Math.floor(next() * (pool.length - i))
    ;[pool[i], pool[j]] = [pool[j] as FalseFinding, pool[i] as FalseFinding]
  }
  let kept = 0
  const rows = pool.slice(0, n).map((f) => {
    const [verdict, why] = judged.get(`${f.doc}\t${clean(f.text)}`) ?? ['', '']
    if (verdict) kept++
    return [f.doc, f.rule, clean(f.text), verdict, why, clean(f.context)].join('\t')
  })
  writeFileSync(
    auditPath,
    `${['doc', 'rule', 'finding', 'verdict', 'why', 'text'].join('\t')}\n${rows.join('\n')}\n`,
  )
  console.log(`drew ${rows.length} of ${all.length} false findings into ${auditPath}; ${kept} already judged`)
}

/** Wilson score interval for a proportion, 95%. */
function wilson(k: number, n: number): [number, number] {
  const z = 1.96
  const p = k / n
  const d = 1 + (z * z) / n
  const c = p + (z * z) / (2 * n)
  const h = z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))
  return [(c - h) / d, (c + h) / d]
}

type Share = { share: number; low: number; high: number }

export type AuditSummary = {
  sampled: number
  /** Audited findings the engine still makes (the sample was drawn from an earlier run). */
  current: number
  counts: Record<Verdict, number>
  /** Share of the sampled "wrong" findings that are in fact person or place names, with its 95% interval. */
  personOrPlace: Share
  /** Share that are any of WNUT's six kinds of entity, with its 95% interval. */
  anyEntity: Share
  /** The same two shares among the findings the engine still makes. */
  currentPersonOrPlace: Share
  currentAnyEntity: Share
}

function share(k: number, n: number): Share {
  const [low, high] = wilson(k, n)
  return { share: k / n, low, high }
}

export function summarise(): AuditSummary {
  const still = existsSync(falsePath)
    ? new Set(readFalseFindings().map((f) => `${f.doc}\t${clean(f.text)}`))
    : undefined
  const all = { person: 0, place: 0, entity: 0, none: 0 } as Record<Verdict, number>
  const now = { person: 0, place: 0, entity: 0, none: 0 } as Record<Verdict, number>
  const lines = readFileSync(auditPath, 'utf8').trim().split('\n').slice(1)
  for (const [i, line] of lines.entries()) {
    const [doc, , finding, verdict] = line.split('\t') as [string, string, string, Verdict]
    if (!VERDICTS.includes(verdict))
      throw new Error(`line ${i + 2}: verdict "${verdict}" is not one of ${VERDICTS.join(', ')}`)
    all[verdict]++
    if (!still || still.has(`${doc}\t${finding}`)) now[verdict]++
  }
  const total = (c: Record<Verdict, number>) => c.person + c.place + c.entity + c.none
  return {
    sampled: lines.length,
    current: total(now),
    counts: all,
    personOrPlace: share(all.person + all.place, lines.length),
    anyEntity: share(all.person + all.place + all.entity, lines.length),
    currentPersonOrPlace: share(now.person + now.place, total(now)),
    currentAnyEntity: share(now.person + now.place + now.entity, total(now)),
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf('--draw')
  const seedAt = process.argv.indexOf('--seed')
  if (at >= 0)
    draw(Number(process.argv[at + 1] ?? 150), Number(seedAt >= 0 ? process.argv[seedAt + 1] : 2017))
  else {
    const s = summarise()
    const pct = (x: Share) =>
      `${(x.share * 100).toFixed(0)}% (95% CI ${(x.low * 100).toFixed(0)}–${(x.high * 100).toFixed(0)}%)`
    console.log(`audited ${s.sampled} false findings: ${JSON.stringify(s.counts)}`)
    console.log(`  person or place names left unannotated: ${pct(s.personOrPlace)}`)
    console.log(`  any of WNUT's entity kinds left unannotated: ${pct(s.anyEntity)}`)
    console.log(`of these, the engine still makes ${s.current} (bench/out/wnut17-false-positives.txt):`)
    console.log(`  person or place names left unannotated: ${pct(s.currentPersonOrPlace)}`)
    console.log(`  any of WNUT's entity kinds left unannotated: ${pct(s.currentAnyEntity)}`)
  }
}
