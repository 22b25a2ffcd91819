/**
 * Quick MEDDOCAN check for the Spanish confidentiality rules (a developer tool; the project's
 * benchmark is bench/screening). Scores as the screening benchmark does: a gold span is
 * found when any confidentiality finding overlaps it; precision = findings overlapping any gold
 * span / all findings. Labels that are not identifiers in Rounds (see
 * src/capabilities/screening/packs/confidentiality/es/README.md) are left out of recall.
 *
 * usage: node scripts/lexicons/es/eval-meddocan.ts [train|dev ...] [--es-only] [--dump DIR]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { screen } from '../../../src/capabilities/screening/evaluate.ts'
import { spanishConfidentialityRules } from '../../../src/capabilities/screening/packs/confidentiality/es/index.ts'
import { rules as allRules } from '../../../src/capabilities/screening/packs/index.ts'

type Span = { start: number; end: number; label: string; text: string }
type Doc = { id: string; text: string; spans: Span[] }

/** MEDDOCAN labels scored for recall (the rest still count as true positives for precision). */
export const UNSCORED = new Set(['SEXO_SUJETO_ASISTENCIA', 'PAIS'])

const args = process.argv.slice(2)
const splits = args.filter((a) => a === 'train' || a === 'dev')
const esOnly = args.includes('--es-only')
const dumpAt = args.indexOf('--dump')
const dumpDir = dumpAt >= 0 ? args[dumpAt + 1] : undefined
const dataDir = process.env.MEDDOCAN_DIR ?? 'bench/data/meddocan'
const rules = esOnly ? spanishConfidentialityRules : [...allRules]

for (const split of splits.length ? splits : ['train', 'dev']) {
  const docs = readFileSync(join(dataDir, `meddocan_${split}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Doc)
  const perLabel: Record<string, { n: number; hit: number }> = {}
  const perRule: Record<string, { n: number; tp: number }> = {}
  let gold = 0
  let hit = 0
  let goldAll = 0
  let hitAll = 0
  let goldNoSex = 0
  let hitNoSex = 0
  let findings = 0
  let tp = 0
  let bytes = 0
  const misses: string[] = []
  const falsePositives: string[] = []
  const t0 = performance.now()
  for (const doc of docs) {
    bytes += Buffer.byteLength(doc.text)
    const report = screen({ body: doc.text, language: 'es' }, {}, rules)
    const fs = report.findings.filter((f) => f.pack === 'confidentiality' && f.field === 'body')
    for (const s of doc.spans) {
      const ok = fs.some((f) => f.start < s.end && f.end > s.start)
      perLabel[s.label] ??= { n: 0, hit: 0 }
      const pl = perLabel[s.label] as { n: number; hit: number }
      pl.n++
      goldAll++
      if (ok) {
        pl.hit++
        hitAll++
      }
      if (s.label !== 'SEXO_SUJETO_ASISTENCIA') {
        goldNoSex++
        if (ok) hitNoSex++
      }
      if (UNSCORED.has(s.label)) continue
      gold++
      if (ok) hit++
      else {
        const ctx = doc.text.slice(Math.max(0, s.start - 50), s.end + 30).replace(/\n/g, '⏎')
        misses.push(`${doc.id}\t${s.label}\t${s.text}\t${ctx}`)
      }
    }
    for (const f of fs) {
      findings++
      const ok = doc.spans.some((s) => f.start < s.end && f.end > s.start)
      perRule[f.ruleId] ??= { n: 0, tp: 0 }
      const pr = perRule[f.ruleId] as { n: number; tp: number }
      pr.n++
      if (ok) {
        tp++
        pr.tp++
      } else {
        const ctx = doc.text.slice(Math.max(0, f.start - 50), f.end + 30).replace(/\n/g, '⏎')
        falsePositives.push(`${doc.id}\t${f.ruleId}\t${f.category}\t${f.text}\t${ctx}`)
      }
    }
  }
  const ms = performance.now() - t0
  const recall = gold ? hit / gold : 0
  const precision = findings ? tp / findings : 0
  const f2 = precision + recall ? (5 * precision * recall) / (4 * precision + recall) : 0
  const fmt = (x: number) => x.toFixed(3)
  console.log(`\n== meddocan ${split} (${docs.length} docs, ${esOnly ? 'Spanish rules only' : 'all rules'})`)
  console.log(
    `recall ${fmt(recall)} (${hit}/${gold}, scored labels)  recall-all-but-sex ${fmt(hitNoSex / goldNoSex)}  recall-all-labels ${fmt(hitAll / goldAll)}  precision ${fmt(precision)} (${tp}/${findings})  F2 ${fmt(f2)}  ${(bytes / 1e6 / (ms / 1000)).toFixed(2)} MB/s`,
  )
  for (const [label, v] of Object.entries(perLabel).sort((a, b) => b[1].n - a[1].n)) {
    console.log(
      `  ${label.padEnd(34)} ${fmt(v.hit / v.n)}  ${v.hit}/${v.n}${UNSCORED.has(label) ? '  (not scored)' : ''}`,
    )
  }
  console.log('  per rule (precision):')
  for (const [id, v] of Object.entries(perRule).sort((a, b) => b[1].n - a[1].n)) {
    console.log(`  ${id.padEnd(40)} ${fmt(v.tp / v.n)}  ${v.tp}/${v.n}`)
  }
  if (dumpDir) {
    mkdirSync(dumpDir, { recursive: true })
    writeFileSync(join(dumpDir, `${split}-misses.tsv`), `${misses.join('\n')}\n`)
    writeFileSync(join(dumpDir, `${split}-false-positives.tsv`), `${falsePositives.join('\n')}\n`)
  }
}
