/**
 * Builds the brand lexicon module (src/capabilities/screening/lexicons/brands.generated.ts) from
 * the project's copy of the FDA drug-brands data (Source: U.S. FDA, Drugs@FDA).
 *
 *   node scripts/lexicons/brands/build-brands.ts          write the module
 *   node scripts/lexicons/brands/build-brands.ts --check  exit 1 if the committed module is stale
 *
 * For each FDA brand string it keeps the leading brand words ("ADVAIR DISKUS 100/50" → "advair
 * diskus", "MOUNJARO (AUTOINJECTOR)" → "mounjaro"), the generic name without salts ("ATORVASTATIN
 * CALCIUM" → "atorvastatin") and the FDA company strings (parents are resolved at run time by
 * lexicons/companies.ts, so the alias table can change without regenerating). Rows whose first
 * word is itself an ingredient or a descriptive word ("DEXTROSE 5% IN …", "VITAMIN D") are not
 * brands and are dropped.
 */
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = `${here}../../../`
const dataDir = `${root}src/capabilities/screening/data/drug-brands/`
export const outputPath = `${root}src/capabilities/screening/lexicons/brands.generated.ts`
export const brandsTsvPath = `${dataDir}brands.tsv`
export const genericsPath = `${dataDir}generics.txt`

/** Words that end the brand part of an FDA product name. */
const STOP_WORDS = new Set([
  'IN',
  'AND',
  'WITH',
  'W',
  'FOR',
  'OF',
  'OR',
  'KIT',
  'PLASTIC',
  'CONTAINER',
  'INJECTION',
  'TABLET',
  'TABLETS',
  'CAPSULE',
  'CAPSULES',
  'SOLUTION',
  'SUSPENSION',
  'CREAM',
  'OINTMENT',
  'GEL',
  'LOTION',
  'SPRAY',
  'POWDER',
  'SYRUP',
  'ELIXIR',
  'PRESERVATIVE',
  'FREE',
  'PHARMACY',
  'BULK',
  'PACKAGE',
  'VIAL',
  'SINGLE',
  'DOSE',
  'MULTIPLE',
  'IV',
  'IM',
  'ORAL',
  'TOPICAL',
  'OPHTHALMIC',
  'OTIC',
  'NASAL',
  'VAGINAL',
  'RECTAL',
  'EXTENDED',
  'DELAYED',
  'RELEASE',
  'CHEWABLE',
  'KIT',
])

/** Salt and ester words dropped from a generic name when something remains. */
const SALT_WORDS = new Set([
  'HYDROCHLORIDE',
  'HCL',
  'DIHYDROCHLORIDE',
  'HYDROBROMIDE',
  'SODIUM',
  'DISODIUM',
  'POTASSIUM',
  'CALCIUM',
  'MAGNESIUM',
  'MALEATE',
  'BESYLATE',
  'BESILATE',
  'MESYLATE',
  'MESILATE',
  'TARTRATE',
  'BITARTRATE',
  'SUCCINATE',
  'CITRATE',
  'SULFATE',
  'PHOSPHATE',
  'ACETATE',
  'FUMARATE',
  'HEMIFUMARATE',
  'TOSYLATE',
  'LACTATE',
  'GLUCONATE',
  'BROMIDE',
  'CHLORIDE',
  'NITRATE',
  'PROPIONATE',
  'DIPROPIONATE',
  'VALERATE',
  'MONOHYDRATE',
  'DIHYDRATE',
  'TRIHYDRATE',
  'HYDRATE',
  'ANHYDROUS',
  'MALATE',
  'OXALATE',
  'PAMOATE',
  'STEARATE',
  'DECANOATE',
  'ENANTHATE',
  'CYPIONATE',
  'HYCLATE',
  'XINAFOATE',
  'FUROATE',
  'TROMETHAMINE',
  'MEGLUMINE',
  'ERBUMINE',
  'ARGININE',
  'LYSINE',
  'HEMIHYDRATE',
  'SESQUIHYDRATE',
  'MEDOXOMIL',
  'AXETIL',
  'PIVOXIL',
  'PALMITATE',
  'BENZOATE',
  'SALICYLATE',
  'SODIUM,',
  'BICARBONATE',
  'CARBONATE',
  'LAURYL',
  'DIMEGLUMINE',
  'BISULFATE',
  'HEMISULFATE',
  'ACETONIDE',
])

type Row = { brand: string; generic: string; company: string }

/** The leading brand words of an FDA brand string, lower case; null when it is not brand-like. */
export function brandLead(brand: string, genericWords: ReadonlySet<string>): string | null {
  const words = brand
    .replace(/\s*\(.*$/, '')
    .trim()
    .split(/\s+/)
    .filter(Boolean)
  const rawHead = words[0]
  if (!rawHead || !/[A-Z]/.test(rawHead) || /[^A-Z0-9'’\-.+/]/.test(rawHead)) return null
  // "ISOVUE-300", "MYCELEX-7": the strength is not part of the name people write.
  const head = rawHead.replace(/^([A-Z][A-Z'’.-]*?)-\d[\d.]*$/, '$1').replace(/\.$/, '')
  const headWord = head.replace(/[^A-Z]/g, '')
  if (genericWords.has(head) || genericWords.has(headWord) || STOP_WORDS.has(head)) return null
  const lead = [head]
  for (const w of words.slice(1)) {
    if (lead.length === 3) break
    if (!/^[A-Z][A-Z'’-]*$/.test(w) || STOP_WORDS.has(w) || genericWords.has(w)) break
    lead.push(w)
  }
  return lead.join(' ').toLowerCase()
}

/** "ATORVASTATIN CALCIUM; AMLODIPINE BESYLATE | …" → "atorvastatin/amlodipine". */
export function cleanGeneric(generic: string): string {
  const first = (generic.split(' | ')[0] ?? '').trim()
  return first
    .split(/;\s*/)
    .map((part) => {
      const words = part.trim().split(/\s+/).filter(Boolean)
      const kept = words.filter((w) => !SALT_WORDS.has(w))
      return (kept.length ? kept : words).join(' ').toLowerCase()
    })
    .filter(Boolean)
    .join('/')
}

export type BrandLexicon = { companies: string[]; brands: string }

/** The lexicon's data, from the TSV and the generics list. */
export function buildBrandLexicon(brandsTsv: string, genericsTxt: string): BrandLexicon {
  const genericWords = new Set<string>()
  for (const line of genericsTxt.split('\n')) {
    for (const w of line.toUpperCase().split(/[^A-Z]+/)) if (w.length > 2) genericWords.add(w)
  }
  const rows: Row[] = brandsTsv
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [brand = '', generic = '', company = ''] = line.split('\t')
      return { brand: brand.trim(), generic: generic.trim(), company: company.trim() }
    })
    .filter((r) => r.brand && r.company)
  const byLead = new Map<string, { generics: Set<string>; companies: Set<string> }>()
  for (const r of rows) {
    const lead = brandLead(r.brand, genericWords)
    if (!lead) continue
    const entry = byLead.get(lead) ?? { generics: new Set(), companies: new Set() }
    const g = cleanGeneric(r.generic)
    if (g) entry.generics.add(g)
    entry.companies.add(r.company)
    byLead.set(lead, entry)
  }
  const companies = [...new Set([...byLead.values()].flatMap((e) => [...e.companies]))].sort()
  const companyIndex = new Map(companies.map((c, i) => [c, i]))
  const lines = [...byLead.keys()].sort().map((lead) => {
    const e = byLead.get(lead) as { generics: Set<string>; companies: Set<string> }
    // The two shortest spellings are enough for a suggestion.
    const gens = [...e.generics]
      .sort((a, b) => a.length - b.length || (a < b ? -1 : 1))
      .slice(0, 2)
      .join('|')
    const cos = [...e.companies]
      .map((c) => companyIndex.get(c) as number)
      .sort((a, b) => a - b)
      .join(',')
    return `${lead}\t${gens}\t${cos}`
  })
  return { companies, brands: lines.join('\n') }
}

/** The generated module's source, formatted as the repository's formatter would. */
export function renderBrandModule(lexicon: BrandLexicon): string {
  const source = [
    '// Generated by scripts/lexicons/brands/build-brands.ts from src/capabilities/screening/data/drug-brands.',
    '// Source: U.S. FDA, Drugs@FDA (public domain). Do not edit; run the script instead.',
    '',
    '/** FDA application holders as FDA abbreviates them; brands refer to them by index. */',
    `export const fdaCompanies: readonly string[] = ${JSON.stringify(lexicon.companies)}`,
    '',
    '/** One brand a line: lead words (lower case) TAB generic names joined by | TAB company indexes joined by ",". */',
    `export const fdaBrands: string = ${JSON.stringify(lexicon.brands)}`,
    '',
  ].join('\n')
  const biome = spawnSync(`${root}node_modules/.bin/biome`, ['format', `--stdin-file-path=${outputPath}`], {
    input: source,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (biome.status !== 0) throw new Error(`biome format failed: ${biome.stderr}`)
  return biome.stdout
}

function main(): void {
  const source = renderBrandModule(
    buildBrandLexicon(
      readFileSync(`${dataDir}brands.tsv`, 'utf8'),
      readFileSync(`${dataDir}generics.txt`, 'utf8'),
    ),
  )
  if (process.argv.includes('--check')) {
    let current = ''
    try {
      current = readFileSync(outputPath, 'utf8')
    } catch {}
    if (current !== source) {
      console.error('brands.generated.ts is stale: run node scripts/lexicons/brands/build-brands.ts')
      process.exit(1)
    }
    console.log('brands.generated.ts is up to date')
    return
  }
  writeFileSync(outputPath, source)
  console.log(`wrote ${outputPath} (${source.length} bytes)`)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main()
