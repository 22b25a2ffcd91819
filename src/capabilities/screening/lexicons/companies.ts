/**
 * Company names, as FDA abbreviates them and as authors write them in disclosures, mapped to
 * the corporate parent that holds the interest today. Drugs@FDA lists the application holder
 * ("JANSSEN BIOTECH", "GENENTECH INC", "UPJOHN"), not the parent, so a disclosure of "Johnson &
 * Johnson" or "Roche" would otherwise never meet the brands they sell.
 *
 * Each pattern is a normalised name (see `normaliseCompanyName`) matched on whole leading words:
 * "JANSSEN" covers "JANSSEN BIOTECH" and "JANSSEN R AND D"; the longest pattern wins, so
 * "MERCK KGAA" beats "MERCK" and "MCNEIL CONSUMER" beats "MCNEIL".
 * Parents follow ownership as of 2025 (spin-offs such as Sandoz, Alcon, Organon, Kenvue, Haleon,
 * Viatris and Vantive are their own parents).
 */
export const companyParents: ReadonlyArray<readonly [parent: string, patterns: readonly string[]]> = [
  [
    'AbbVie',
    [
      'ABBVIE',
      'ALLERGAN',
      'PHARMACYCLICS',
      'FOREST LABS',
      'FOREST PHARMS',
      'WARNER CHILCOTT',
      'SOLVAY',
      'CEREVEL',
      'IMMUNOGEN',
    ],
  ],
  ['Abbott', ['ABBOTT']],
  ['Advanz Pharma', ['ADVANZ', 'CONCORDIA']],
  ['Alcon', ['ALCON']],
  ['Alkermes', ['ALKERMES']],
  ['Almirall', ['ALMIRALL']],
  ['Alnylam', ['ALNYLAM']],
  ['Amgen', ['AMGEN', 'ONYX', 'HORIZON', 'HORIZON THERAP', 'HORIZON THERAPEUTICS']],
  ['Amneal', ['AMNEAL', 'IMPAX']],
  ['ANI Pharmaceuticals', ['ANI']],
  ['Astellas', ['ASTELLAS']],
  ['AstraZeneca', ['ASTRAZENECA', 'ASTRA', 'ZENECA', 'ALEXION', 'MEDIMMUNE']],
  ['Aurobindo', ['AUROBINDO']],
  ['Azurity', ['AZURITY', 'ARBOR']],
  ['B. Braun', ['B BRAUN', 'BRAUN']],
  ['Bausch + Lomb', ['BAUSCH AND LOMB', 'BAUSCH LOMB']],
  ['Bausch Health', ['BAUSCH', 'BAUSCH HEALTH', 'VALEANT', 'SALIX']],
  ['Baxter', ['BAXTER']],
  ['Bayer', ['BAYER']],
  ['BeiGene', ['BEIGENE', 'BEONE']],
  ['Biocon', ['BIOCON']],
  ['Biogen', ['BIOGEN']],
  ['BioMarin', ['BIOMARIN']],
  ['Boehringer Ingelheim', ['BOEHRINGER', 'BOEHRINGER INGELHEIM']],
  ['Bracco', ['BRACCO']],
  [
    'Bristol Myers Squibb',
    [
      'BRISTOL',
      'BRISTOL MYERS',
      'BRISTOL MYERS SQUIBB',
      'BMS',
      'SQUIBB',
      'ER SQUIBB',
      'APOTHECON',
      'WESTWOOD SQUIBB',
      'CELGENE',
      'RECEPTOS',
      'MYOKARDIA',
      'KARUNA',
      'MIRATI',
    ],
  ],
  ['Chiesi', ['CHIESI']],
  ['Cipla', ['CIPLA']],
  ['Colgate-Palmolive', ['COLGATE', 'COLGATE PALMOLIVE']],
  ['CSL', ['CSL', 'CSL BEHRING', 'SEQIRUS', 'VIFOR']],
  ['Daiichi Sankyo', ['DAIICHI', 'DAIICHI SANKYO', 'SANKYO']],
  ["Dr. Reddy's", ['DR REDDYS', 'DR REDDY S', 'DR REDDY', 'REDDYS']],
  ['Eisai', ['EISAI']],
  ['Eli Lilly', ['LILLY', 'ELI LILLY', 'LILLY RES', 'LOXO']],
  ['Endo', ['ENDO', 'PAR', 'PAR PHARM', 'PAR STERILE']],
  ['Exelixis', ['EXELIXIS']],
  ['Ferring', ['FERRING']],
  ['Fresenius Kabi', ['FRESENIUS', 'FRESENIUS KABI', 'KABI']],
  ['Fresenius Medical Care', ['FRESENIUS MEDCL', 'FRESENIUS MEDICAL']],
  ['Galderma', ['GALDERMA']],
  ['GE HealthCare', ['GE HEALTHCARE', 'GE HLTHCARE', 'GE HEALTH']],
  ['Gilead', ['GILEAD', 'KITE', 'IMMUNOMEDICS']],
  ['Glenmark', ['GLENMARK']],
  [
    'GSK',
    [
      'GSK',
      'GLAXOSMITHKLINE',
      'GLAXO',
      'GLAXO GRP',
      'GLAXO WELLCOME',
      'SMITHKLINE',
      'SMITHKLINE BEECHAM',
      'BEECHAM',
      'BURROUGHS WELLCOME',
      'VIIV',
      'STIEFEL',
      'TESARO',
    ],
  ],
  ['Guerbet', ['GUERBET', 'LIEBEL FLARSHEIM']],
  ['Haleon', ['HALEON', 'GLAXOSMITHKLINE CONS', 'GSK CONSUMER']],
  ['Hikma', ['HIKMA', 'WEST WARD', 'WESTWARD', 'ROXANE']],
  ['ICU Medical', ['ICU MEDICAL', 'ICU MEDCL', 'OTSUKA ICU']],
  ['Incyte', ['INCYTE']],
  ['Ipsen', ['IPSEN']],
  ['Jazz', ['JAZZ', 'GW PHARMA']],
  [
    'Johnson & Johnson',
    [
      'JOHNSON AND JOHNSON',
      'J AND J',
      'JNJ',
      'JANSSEN',
      'ORTHO',
      'ORTHO MCNEIL',
      'MCNEIL',
      'MCNEIL PED',
      'ACTELION',
      'JOHNSON JOHNSON',
      'ABIOMED',
    ],
  ],
  ['Kenvue', ['KENVUE', 'MCNEIL CONS', 'MCNEIL CONSUMER']],
  ['Kyowa Kirin', ['KYOWA', 'KYOWA KIRIN']],
  ['Lannett', ['LANNETT']],
  ['Lantheus', ['LANTHEUS']],
  ['LEO Pharma', ['LEO PHARM', 'LEO PHARMA', 'LEO LABS']],
  ['Lundbeck', ['LUNDBECK']],
  ['Lupin', ['LUPIN']],
  ['Mallinckrodt', ['MALLINCKRODT', 'SPECGX']],
  ['Mayne Pharma', ['MAYNE']],
  [
    'Merck',
    [
      'MERCK',
      'MERCK AND',
      'MERCK SHARP',
      'MERCK SHARP DOHME',
      'MERCK SHARP AND DOHME',
      'MSD',
      'SCHERING',
      'SCHERING PLOUGH',
      'CUBIST',
      'ACCELERON',
      'PROMETHEUS BIOSCIENCES',
    ],
  ],
  ['Merck KGaA', ['MERCK KGAA', 'EMD SERONO', 'SERONO', 'EMD']],
  ['Neurocrine', ['NEUROCRINE']],
  [
    'Novartis',
    ['NOVARTIS', 'CIBA', 'CIBA GEIGY', 'GEIGY', 'SANDOZ NOVARTIS', 'AVEXIS', 'ADVANCED ACCELERATOR'],
  ],
  ['Novo Nordisk', ['NOVO', 'NOVO NORDISK', 'NOVONORDISK']],
  ['Organon', ['ORGANON']],
  ['Otsuka', ['OTSUKA']],
  ['Padagis', ['PADAGIS']],
  ['Perrigo', ['PERRIGO']],
  [
    'Pfizer',
    [
      'PFIZER',
      'PFIZER LABS',
      'PF PRISM',
      'PHARMACIA',
      'PHARMACIA AND UPJOHN',
      'PHARMACIA UPJOHN',
      'PARKE DAVIS',
      'WYETH',
      'WYETH AYERST',
      'LEDERLE',
      'ROBINS AH',
      'AH ROBINS',
      'GD SEARLE',
      'SEARLE',
      'HOSPIRA',
      'KING PHARMS',
      'KING PFIZER',
      'KING',
      'MONARCH PHARMS',
      'PARKEDALE',
      'MEDIVATION',
      'ARRAY BIOPHARMA',
      'SEAGEN',
      'ANACOR',
      'ARENA',
      'GLOBAL BLOOD',
      'BIOHAVEN',
    ],
  ],
  ['Procter & Gamble', ['PROCTER AND GAMBLE', 'P AND G']],
  ['Purdue Pharma', ['PURDUE']],
  ['Recordati', ['RECORDATI']],
  ['Regeneron', ['REGENERON']],
  [
    'Roche',
    ['ROCHE', 'HOFFMANN LA ROCHE', 'HOFFMAN LA ROCHE', 'HOFFMANN', 'GENENTECH', 'CHUGAI', 'SPARK THERAP'],
  ],
  ['Samsung Bioepis', ['SAMSUNG BIOEPIS', 'SAMSUNG']],
  ['Sandoz', ['SANDOZ', 'EBEWE', 'FOUGERA']],
  [
    'Sanofi',
    [
      'SANOFI',
      'SANOFI AVENTIS',
      'SANOFI SYNTHELABO',
      'AVENTIS',
      'HOECHST',
      'HOECHST MARION ROUSSEL',
      'GENZYME',
      'CHATTEM',
      'CHATTEM SANOFI',
      'BIOVERATIV',
      'PROVENTION',
    ],
  ],
  ['Servier', ['SERVIER']],
  ['Shionogi', ['SHIONOGI']],
  ['Sumitomo Pharma', ['SUMITOMO', 'SUNOVION', 'SEPRACOR']],
  ['Sun Pharma', ['SUN PHARM', 'SUN PHARMA', 'SUN PHARMACEUTICAL', 'RANBAXY', 'TARO', 'OHM']],
  ['Supernus', ['SUPERNUS']],
  ['Takeda', ['TAKEDA', 'SHIRE', 'BAXALTA', 'MILLENNIUM', 'TAP PHARM']],
  ['Teva', ['TEVA', 'BARR', 'WATSON', 'WATSON LABS', 'ACTAVIS', 'IVAX', 'CEPHALON', 'DURAMED', 'PLIVA']],
  ['UCB', ['UCB']],
  ['Vantive', ['VANTIVE']],
  ['Vertex', ['VERTEX']],
  ['Viatris', ['VIATRIS', 'MYLAN', 'UPJOHN', 'MEDA', 'MEDA PHARMS', 'MEDPOINTE']],
  ['Zydus', ['ZYDUS', 'CADILA']],
  ['3M', ['3M', 'THREE M']],
  // Smaller holders with ten or more FDA brands: their own parents.
  ['Alvogen', ['ALVOGEN']],
  ['Apil', ['APIL']],
  ['Casper Pharma', ['CASPER']],
  ['Chartwell', ['CHARTWELL']],
  ['Cheplapharm', ['CHEPLAPHARM']],
  ['Cosette', ['COSETTE']],
  ['Covis', ['COVIS']],
  ['Epic Pharma', ['EPIC PHARMA']],
  ['Ferndale', ['FERNDALE']],
  ['Halsey', ['HALSEY']],
  ['Harrow', ['HARROW']],
  ['Legacy Pharma', ['LEGACY PHARMA']],
  ['Norvium Bioscience', ['NORVIUM']],
  ['Novast', ['NOVAST']],
  ['PAI Pharma', ['PAI HOLDINGS', 'PAI PHARMA', 'PHARMACEUTICAL ASSOCIATES']],
  ['Pharmafair', ['PHARMAFAIR']],
  ['Savage Labs', ['SAVAGE LABS']],
  ['Upsher-Smith', ['UPSHER SMITH']],
  ['US Antibiotics', ['US ANTIBIOTICS']],
  ['Validus', ['VALIDUS']],
  ['Waylis', ['WAYLIS']],
  ['Xiromed', ['XIROMED']],
]

/** Legal-form words dropped from the end of a name ("INC", "LTD", "A/S", "AND CO"). */
const LEGAL_SUFFIXES = new Set([
  'INC',
  'INCORPORATED',
  'LLC',
  'LTD',
  'LIMITED',
  'PLC',
  'CORP',
  'CORPORATION',
  'CO',
  'COMPANY',
  'COS',
  'AG',
  'SA',
  'SAS',
  'SPA',
  'SRL',
  'GMBH',
  'BV',
  'NV',
  'AB',
  'AS',
  'APS',
  'LP',
  'LLP',
  'DAC',
  'KK',
  'PTY',
  'SE',
  'ULC',
  'AND',
])

/** Descriptive words dropped from the end when comparing names with no entry in the table. */
const DESCRIPTIVE_SUFFIXES = new Set([
  'PHARM',
  'PHARMS',
  'PHARMA',
  'PHARMACEUTICAL',
  'PHARMACEUTICALS',
  'LAB',
  'LABS',
  'LABORATORIES',
  'LABORATORY',
  'HLTHCARE',
  'HEALTHCARE',
  'HEALTH',
  'THERAP',
  'THERAPS',
  'THERAPEUTICS',
  'BIOSCIENCE',
  'BIOSCIENCES',
  'BIOPHARMA',
  'BIOLOGICS',
  'INTL',
  'INTERNATIONAL',
  'USA',
  'US',
  'GLOBAL',
  'HOLDINGS',
  'HOLDING',
  'GROUP',
  'GRP',
  'INDS',
  'INDUSTRIES',
  'MEDCL',
  'MEDICAL',
  'PRODS',
  'PRODUCTS',
  'NA',
  'NORTH',
  'AMERICA',
  'AMERICAS',
  'SCIENCES',
  'SPECIALTY',
  'SPCLT',
  'RX',
])

/**
 * Upper case, accents and punctuation removed, "&" spelled "AND", legal-form suffixes dropped:
 * "Novo Nordisk A/S" → "NOVO NORDISK", "Eli Lilly and Company" → "ELI LILLY",
 * "Bristol-Myers Squibb Co." → "BRISTOL MYERS SQUIBB".
 */
export function normaliseCompanyName(name: string): string {
  const words = name
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/&/g, ' AND ')
    .replace(/\bA\/S\b/g, ' AS ')
    .replace(/['’]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter(Boolean)
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1] as string)) words.pop()
  return words.join(' ')
}

type Pattern = { words: string[]; parent: string }

const patternsByFirstWord: Map<string, Pattern[]> = (() => {
  const map = new Map<string, Pattern[]>()
  for (const [parent, patterns] of companyParents) {
    for (const p of patterns) {
      const words = normaliseCompanyName(p).split(' ')
      const first = words[0] as string
      const list = map.get(first) ?? []
      list.push({ words, parent })
      map.set(first, list)
    }
  }
  // Longest pattern first, so the first hit is the most specific.
  for (const list of map.values()) list.sort((a, b) => b.words.length - a.words.length)
  return map
})()

export type CanonicalCompany = {
  /** The parent's display name, or a tidied form of the name when no entry is known. */
  name: string
  /** Comparison key: the parent's name upper-cased, or the name with descriptive words dropped. */
  key: string
  /** True when the alias table knows the company. */
  known: boolean
}

const cache = new Map<string, CanonicalCompany>()

/** The corporate parent of a company name (FDA abbreviation or free text). */
export function canonicalCompany(name: string): CanonicalCompany {
  const hit = cache.get(name)
  if (hit) return hit
  const normal = normaliseCompanyName(name)
  const words = normal.split(' ')
  let result: CanonicalCompany | undefined
  for (const p of patternsByFirstWord.get(words[0] as string) ?? []) {
    if (p.words.length <= words.length && p.words.every((w, i) => words[i] === w)) {
      result = { name: p.parent, key: p.parent.toUpperCase(), known: true }
      break
    }
  }
  if (!result) {
    const core = [...words]
    while (core.length > 1 && DESCRIPTIVE_SUFFIXES.has(core[core.length - 1] as string)) core.pop()
    result = { name: titleCase(core.join(' ')), key: core.join(' '), known: false }
  }
  if (cache.size < 10_000) cache.set(name, result)
  return result
}

/**
 * Whether two company names refer to the same company: the same parent, or, for companies the
 * table does not know, one name's leading words are the other's ("HARROW" and "HARROW EYE").
 */
export function sameCompany(a: string, b: string): boolean {
  const ca = canonicalCompany(a)
  const cb = canonicalCompany(b)
  if (!ca.key || !cb.key) return false
  if (ca.key === cb.key) return true
  if (ca.known && cb.known) return false
  const wa = ca.key.split(' ')
  const wb = cb.key.split(' ')
  const [short, long] = wa.length <= wb.length ? [wa, wb] : [wb, wa]
  if ((short[0] as string).length < 3) return false
  return short.every((w, i) => long[i] === w)
}

function titleCase(s: string): string {
  return s.toLowerCase().replace(/(^|\s)(\p{L})/gu, (_, sp: string, c: string) => sp + c.toUpperCase())
}
