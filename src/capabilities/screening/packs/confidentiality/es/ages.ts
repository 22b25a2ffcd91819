import type { Severity } from '../../../screening.schema.ts'
import { execAll } from '../../../text.ts'
import type { Claims } from './common.ts'

/**
 * Ages of the patient: "varón de 53 años", "Mujer de 44 años de edad", "a los 6 años",
 * "26 días de vida", "tres años y medio". HIPAA treats only ages over 89 as identifiers, so
 * those block; a clinical report states every age, and every age narrows who the patient is,
 * so the rest warn.
 */

const NUMBER_WORDS: Record<string, number> = {
  un: 1,
  una: 1,
  uno: 1,
  dos: 2,
  tres: 3,
  cuatro: 4,
  cinco: 5,
  seis: 6,
  siete: 7,
  ocho: 8,
  nueve: 9,
  diez: 10,
  once: 11,
  doce: 12,
  trece: 13,
  catorce: 14,
  quince: 15,
  dieciséis: 16,
  dieciseis: 16,
  diecisiete: 17,
  dieciocho: 18,
  diecinueve: 19,
  veinte: 20,
  veintiuno: 21,
  veintiún: 21,
  veintidós: 22,
  veintitrés: 23,
  veinticuatro: 24,
  veinticinco: 25,
  veintiséis: 26,
  veintisiete: 27,
  veintiocho: 28,
  veintinueve: 29,
  treinta: 30,
  cuarenta: 40,
  cincuenta: 50,
  sesenta: 60,
  setenta: 70,
  ochenta: 80,
  noventa: 90,
  cien: 100,
}
const NUM = String.raw`(?:\d{1,3}(?:[.,]5)?|(?:treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)(?:\s+y\s+(?:un|uno|dos|tres|cuatro|cinco|seis|siete|ocho|nueve))?|${Object.keys(
  NUMBER_WORDS,
)
  .sort((a, b) => b.length - a.length)
  .join('|')})`
const UNIT = String.raw`(?:a[ñn]os|a\.|meses|mes|d[ií]as|semanas|horas)`

const PERSON =
  'paciente|pacientes|var[oó]n|mujer|hombre|ni[ñn]o|ni[ñn]a|lactante|neonato|reci[eé]n\\s+nacid[oa]|adolescente|joven|chic[oa]|se[ñn]or|se[ñn]ora|ancian[oa]|beb[eé]|masculino|femenin[oa]|gestante|embarazada|primigesta|secundigesta|primípara|nulípara|hermano|hermana|hijo|hija|gemel[oa]|sujeto|individuo|caso|muchach[oa]|caucásic[oa]|negr[oa]|blanc[oa]|raza\\s+[A-Za-zÀ-ÖØ-öø-ɏ]+|origen\\s+[A-Za-zÀ-ÖØ-öø-ɏ]+|nacionalidad\\s+[A-Za-zÀ-ÖØ-öø-ɏ]+'

const L = 'A-Za-zÀ-ÖØ-öø-ɏ'
// Ages are found from their unit ("años", "meses"…), then the number before it and the words
// around it decide: scanning for units first keeps the detector fast on long texts.
const UNIT_G = new RegExp(String.raw`(?:a[ñn]os|meses|mes|d[ií]as|semanas|horas|a\.)(?![${L}])`, 'giu')
const NUM_BEFORE = new RegExp(String.raw`(?<![${L}0-9])(${NUM})\s+$`, 'iu')
const MORE_AFTER = new RegExp(String.raw`^(?:\s+y\s+(?:medio|${NUM}\s+${UNIT}))?`, 'iu')
const DE_EDAD = /^\s+de\s+(?:edad|vida)/i
// "Mujer de raza caucasiana de 61 años": a person word, up to three words, then "de".
const PERSON_BEFORE = new RegExp(
  String.raw`(?<![${L}])(?:${PERSON})(?:[\s,]+(?!de\s)[${L}]+){0,3}[\s,]+(?:de\s+|con\s+|,\s*)?$`,
  'iu',
)
const AT_BEFORE =
  /(?:^|[^A-Za-zÀ-ÖØ-öø-ɏ])(?:a\s+los|a\s+las|a\s+la\s+edad\s+de|con|desde\s+los|hasta\s+los|edad\s+de|edad:?|los)\s+$/iu
const NOT_AN_AGE_AFTER =
  /^\s*(?:de\s+(?:evoluci|seguimiento|tratamiento|duraci|diagn|la\s+intervenci|la\s+cirug|iniciad|antig|ingreso|hospital|control|latencia)|del?\s+(?:diagn|trasplante|ingreso|tratamiento|inicio|alta|la\s+intervenci|la\s+cirug|primer)|despu|antes(?![a-zñ])|tras(?![a-zñ])|m[aá]s\s+tarde|posterior|siguiente|previo|anterior|transcurrid|de\s+haber|desde)/iu
const YEARS = /a[ñn]os|a\./i
const NAME_COMMA_BEFORE = /[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿ]+\s*,\s*$/u

function severityOf(age: string): Severity {
  if (!/a[ñn]os|a\./i.test(age)) return 'warn'
  const first = age.toLowerCase().match(/\d+|[A-Za-zÀ-ÖØ-öø-ɏ]+/u)?.[0] ?? ''
  let n = /\d/.test(first) ? Number(first) : (NUMBER_WORDS[first] ?? 0)
  const tens = age
    .toLowerCase()
    .match(/^(treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa)\s+y\s+([A-Za-zÀ-ÖØ-öø-ɏ]+)/u)
  if (tens) n = (NUMBER_WORDS[tens[1] as string] ?? 0) + (NUMBER_WORDS[tens[2] as string] ?? 0)
  return n > 89 ? 'block' : 'warn'
}

export function detectAges(text: string, claims: Claims): void {
  UNIT_G.lastIndex = 0
  for (const u of execAll(UNIT_G, text)) {
    const windowStart = Math.max(0, u.index - 40)
    const num = text.slice(windowStart, u.index).match(NUM_BEFORE)
    if (!num) continue
    const start = windowStart + (num.index ?? 0) + num[0].indexOf(num[1] as string)
    let end = u.index + u[0].length
    end += text.slice(end, end + 40).match(MORE_AFTER)?.[0].length ?? 0
    const after = text.slice(end, end + 40)
    const lineStart = text.lastIndexOf('\n', start - 1) + 1
    const before = text.slice(Math.max(lineStart, start - 80), start)
    const years = YEARS.test(u[0])
    const ok =
      DE_EDAD.test(after) ||
      (!NOT_AN_AGE_AFTER.test(after) &&
        ((years && before.endsWith('(') && after.startsWith(')')) ||
          (years && AT_BEFORE.test(before)) ||
          /a\s+la\s+edad\s+de\s+$/i.test(before) ||
          (PERSON_BEFORE.test(before) && (years || /(?:de|con)\s+$/.test(before))) ||
          // An appositive after a name: "la Sra. Carmen Hidalgo, 93 años, de …".
          (years && NAME_COMMA_BEFORE.test(before) && /^\s*[,.)]/.test(after))))
    if (!ok) continue
    const age = text.slice(start, end)
    const sev = severityOf(age)
    claims.add({
      kind: 'age',
      start,
      end,
      category: 'age',
      severity: sev,
      message:
        sev === 'block'
          ? 'Edad superior a 89 años: identificador según HIPAA.'
          : 'Edad del paciente (HIPAA solo la exige por encima de 89 años; junto a otros datos ayuda a identificarlo).',
    })
  }
}
