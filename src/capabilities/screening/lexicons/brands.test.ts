import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import {
  brandsTsvPath,
  buildBrandLexicon,
  genericsPath,
} from '../../../../scripts/lexicons/brands/build-brands.ts'
import { fdaBrands, fdaCompanies } from './brands.generated.ts'
import { findBrands, lookupBrand } from './brands.ts'
import { canonicalCompany, normaliseCompanyName, sameCompany } from './companies.ts'

describe('brand lexicon', () => {
  it('is up to date with the FDA data it is generated from', () => {
    const fresh = buildBrandLexicon(readFileSync(brandsTsvPath, 'utf8'), readFileSync(genericsPath, 'utf8'))
    expect(fdaCompanies).toEqual(fresh.companies)
    expect(fdaBrands).toBe(fresh.brands)
  })

  it.each([
    ['Ozempic', 'semaglutide', 'Novo Nordisk'],
    ['Keytruda', 'pembrolizumab', 'Merck'],
    ['Eliquis', 'apixaban', 'Bristol Myers Squibb'],
    ['Humira', 'adalimumab', 'AbbVie'],
    ['Zepbound', 'tirzepatide', 'Eli Lilly'],
    ['Lipitor', 'atorvastatin', 'Viatris'],
    ['Xarelto', 'rivaroxaban', 'Johnson & Johnson'],
    ['Advair', 'fluticasone/salmeterol', 'GSK'],
  ])('%s → %s by %s', (brand, generic, company) => {
    const entry = lookupBrand(brand)
    expect(entry?.generics[0]).toBe(generic)
    expect(entry?.companies.map((c) => canonicalCompany(c).name)).toContain(company)
  })
})

describe('findBrands', () => {
  const cases: Array<[string, string[]]> = [
    ['Ozempic is better than MOUNJARO', ['Ozempic', 'MOUNJARO']],
    ['she takes advil pm at night', ['advil pm']],
    ["Children's Advil 100 mg", ["Children's Advil"]],
    ["Ozempic's maker", ['Ozempic']],
    ['Ask about Plan B at the pharmacy', ['Plan B']],
    ['We started Soma 350 mg last week.', ['Soma']],
    ['Soma® is carisoprodol', ['Soma']],
    // ordinary words and names are not brands in prose
    ['Focus on patient care today.', []],
    ['Today we talk about sleep.', []],
    ['soma is a cell body', []],
    ['Camila came to clinic', []],
    ['Give IV fluids and iron', []],
    ['Check the dial and the compound interest', []],
    ['atorvastatin 20 mg daily', []],
  ]
  it.each(cases)('%s', (text, expected) => {
    expect(findBrands(text).map((m) => text.slice(m.start, m.end))).toEqual(expected)
  })

  it('matches organisation brands (devices, non-US brands), multi-word and case-insensitive', () => {
    const text = 'We switched to the freestyle libre 3 and Nurofen.'
    const found = findBrands(text, [
      { brand: 'FreeStyle Libre', company: 'Abbott' },
      { brand: 'Nurofen', company: 'Reckitt', generic: 'Ibuprofen' },
    ])
    expect(found.map((m) => [text.slice(m.start, m.end), m.entry.source, m.entry.generics[0]])).toEqual([
      ['freestyle libre', 'organisation', undefined],
      ['Nurofen', 'organisation', 'ibuprofen'],
    ])
  })
})

describe('companies', () => {
  it.each([
    ['Novo Nordisk A/S', 'NOVO NORDISK'],
    ['Eli Lilly and Company', 'ELI LILLY'],
    ['Bristol-Myers Squibb Co.', 'BRISTOL MYERS SQUIBB'],
    ['Johnson & Johnson', 'JOHNSON AND JOHNSON'],
    ["Dr. Reddy's Laboratories Ltd", 'DR REDDYS LABORATORIES'],
  ])('normalises %s', (name, normal) => expect(normaliseCompanyName(name)).toBe(normal))

  it.each([
    ['NOVO', 'Novo Nordisk'],
    ['NOVO NORDISK INC', 'Novo Nordisk'],
    ['BRISTOL', 'Bristol Myers Squibb'],
    ['BRISTOL-MYERS', 'Bristol Myers Squibb'],
    ['BRISTOL MYERS SQUIBB', 'Bristol Myers Squibb'],
    ['JANSSEN BIOTECH', 'Johnson & Johnson'],
    ['JANSSEN R AND D', 'Johnson & Johnson'],
    ['GENENTECH INC', 'Roche'],
    ['UPJOHN', 'Viatris'],
    ['PFIZER LABS', 'Pfizer'],
    ['PHARMACIA AND UPJOHN', 'Pfizer'],
    ['ELI LILLY AND CO', 'Eli Lilly'],
    ['MERCK SHARP DOHME', 'Merck'],
    ['EMD SERONO INC', 'Merck KGaA'],
    ['ABBVIE INC', 'AbbVie'],
    ['ALLERGAN', 'AbbVie'],
    ['MCNEIL CONSUMER', 'Kenvue'],
    ['GLAXOSMITHKLINE LLC', 'GSK'],
    ['VIIV HLTHCARE', 'GSK'],
    ['SANOFI AVENTIS US', 'Sanofi'],
    ['GENZYME CORP', 'Sanofi'],
    ['ALEXION PHARMS INC', 'AstraZeneca'],
    ['HARROW EYE', 'Harrow'],
    ['SOME NEW PHARMS INC', 'Some New'],
  ])('%s belongs to %s', (fda, parent) => expect(canonicalCompany(fda).name).toBe(parent))

  it('maps every company with ten or more FDA brands to a parent', () => {
    const tsv = readFileSync(brandsTsvPath, 'utf8').trim().split('\n').slice(1)
    const counts = new Map<string, number>()
    for (const line of tsv) {
      const company = line.split('\t')[2] ?? ''
      counts.set(company, (counts.get(company) ?? 0) + 1)
    }
    const unknown = [...counts].filter(([c, n]) => n >= 10 && !canonicalCompany(c).known).map(([c]) => c)
    expect(unknown).toEqual([])
  })

  it.each([
    ['Novo Nordisk A/S', 'NOVO', true],
    ['novo nordisk', 'NOVO NORDISK INC', true],
    ['Johnson & Johnson', 'JANSSEN BIOTECH', true],
    ['Janssen', 'ORTHO MCNEIL PHARM', true],
    ['Roche', 'GENENTECH INC', true],
    ['Hoffmann-La Roche Ltd', 'GENENTECH', true],
    ['MSD', 'MERCK SHARP DOHME', true],
    ['Merck & Co., Inc.', 'SCHERING', true],
    ['Harrow', 'HARROW EYE', true],
    ['Merck KGaA', 'MERCK SHARP DOHME', false],
    ['Pfizer', 'NOVO', false],
    ['Kenvue', 'JANSSEN BIOTECH', false],
    ['AB', 'AB SCIENCE', false],
  ])('%s vs %s: same company %s', (a, b, same) => expect(sameCompany(a, b)).toBe(same))
})
