import { execAll } from '../../../text.ts'
import type { Claims } from './common.ts'
import type { SignatureRegion } from './header.ts'

/**
 * Identifier numbers and contact details in Spanish text: DNI/NIE with their check letter,
 * NASS/NUSS with its modulus-97 check, labelled NHC, tarjeta sanitaria, colegiado numbers,
 * Spanish telephone and fax numbers, and e-mail addresses after a Spanish label or in a
 * report's signature line.
 */

const DNI_LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE'

/** The DNI check letter: the number modulo 23 indexes DNI_LETTERS. NIE: X=0, Y=1, Z=2 first. */
export function validDniOrNie(value: string): boolean {
  const v = value.toUpperCase().replace(/[\s-]/g, '')
  const m = v.match(/^([XYZ]?)(\d{7,8})([A-Z])$/)
  if (!m) return false
  const [, prefix = '', digits = '', letter] = m
  if (prefix && digits.length !== 7) return false
  if (!prefix && digits.length !== 8) return false
  const n = Number(`${prefix ? 'XYZ'.indexOf(prefix) : ''}${digits}`)
  return DNI_LETTERS[n % 23] === letter
}

/** NASS/NUSS (12 digits: province 2, number 8, control 2): control = number mod 97. */
export function validNass(value: string): boolean {
  const d = value.replace(/\D/g, '')
  if (d.length !== 12) return false
  const prov = Number(d.slice(0, 2))
  const num = Number(d.slice(2, 10))
  const control = Number(d.slice(10))
  const base = num < 10_000_000 ? prov * 10_000_000 + num : Number(d.slice(0, 10))
  return base % 97 === control
}

const DNI = /(?<![A-Za-zÀ-ÖØ-öø-ɏ0-9])(?:[XYZxyz][\s-]?\d{7}|\d{8})[\s-]?[A-Za-z](?![A-Za-zÀ-ÖØ-öø-ɏ0-9])/gu
const NASS = /(?<![\d])\d{2}[\s/-]?\d{8}[\s/-]?\d{2}(?!\d)/g
const LABELLED_ID =
  /(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:(NHC|N\.H\.C\.|[Hh]istoria\s+[Cc]l[ií]nica|n[ºo°]\s*(?:de\s+)?historia|CIPA|CIP)|(NASS|NUSS|[Nn][ºo°]\s*(?:de\s+)?(?:la\s+)?S\.?\s?S\.?|[Tt]arjeta\s+[Ss]anitaria|TSI)|(DNI|NIE|NIF|[Pp]asaporte)|(n[ºo°]\s*(?:de\s+)?col(?:egiado)?\.?|[Cc]olegiad[oa]\s*(?:n[ºo°]\.?)?|[Nn][úu]m(?:ero|\.)?\s+de\s+colegiad[oa]))\s*(?:n[ºo°]\.?|n[úu]mero|num\.)?\s*[:.]?\s*(((?:[A-Z]{1,4}[-\s]?)?\d[\d\s/.-]{2,18}\d(?:[-\s]?[A-Z](?![A-Za-zÀ-ÖØ-öø-ɏ]))?|[A-Z]{4}\d{6,12}))/g
const PHONE = String.raw`(?:\+\s?\d{2,3}[\s.-]?|\(\+?\d{2,4}\)\s?)?\d(?:[\s.-]?\d){5,12}(?!\d)`
const LABELLED_PHONE = new RegExp(
  String.raw`(?<=(?<![A-Za-zÀ-ÖØ-öø-ɏ])(?:(fax)|tel[eé]fonos?(?:\s+m[oó]vil)?|tel[fs]?\.?|tfnos?\.?|tlfn?o?s?\.?|m[oó]vil|n[úu]mero\s+de\s+(?:tel[eé]fono|m[oó]vil)|al\s+n[uú]mero(?:\s+de\s+m[oó]vil)?|llamar\s+al)\s*(?:de\s+contacto)?\s*[:.]?\s*)${PHONE}`,
  'giu',
)
const SPANISH_PHONE =
  /(?<![\dA-Za-zÀ-ÖØ-öø-ɏ+])(?:\+\s?34[\s.-]?|0034[\s.-]?)?[6789]\d{2}(?:[\s.-]?\d{2}[\s.-]?\d{2}[\s.-]?\d{2}|[\s.-]?\d{3}[\s.-]?\d{3})(?![\d])/gu
const EMAIL_LABEL_BEFORE = /(?:e-?mail|correo(?:\s+electr[oó]nico)?)(?:\s+(?:del\s+)?autor)?\s*[:.]?\s*$/i
const EMAIL_LOCAL = /[A-Za-zÀ-ÖØ-öø-ɏ0-9._%+-]/
const EMAIL_AT = /^@[A-Za-zÀ-ÖØ-öø-ɏ0-9-]+(?:\.[A-Za-zÀ-ÖØ-öø-ɏ0-9-]+)*\.[A-Za-zÀ-ÖØ-öø-ɏ]{2,}/

/** E-mail addresses, found from their "@" (a scan for the local part first is slow on long words). */
function findEmails(text: string): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let at = text.indexOf('@'); at >= 0; at = text.indexOf('@', at + 1)) {
    let s = at
    while (s > 0 && EMAIL_LOCAL.test(text[s - 1] as string)) s--
    if (s === at) continue
    const domain = text.slice(at, at + 255).match(EMAIL_AT)
    if (!domain) continue
    out.push([s, at + domain[0].length])
  }
  return out
}

function digitCount(s: string): number {
  let n = 0
  for (const c of s) if (c >= '0' && c <= '9') n++
  return n
}

export function detectIds(text: string, claims: Claims, regions: SignatureRegion[]): void {
  for (const m of execAll(LABELLED_ID, text)) {
    const value = m[5] as string
    const start = m.index + m[0].lastIndexOf(value)
    const category = m[1] ? 'mrn' : m[2] ? 'health-plan' : m[3] ? 'ssn' : 'license'
    claims.add({ kind: 'id', start, end: start + value.length, category, severity: 'block' })
  }
  for (const m of execAll(DNI, text)) {
    if (!validDniOrNie(m[0])) continue
    claims.add({ kind: 'id', start: m.index, end: m.index + m[0].length, category: 'ssn', severity: 'block' })
  }
  for (const m of execAll(NASS, text)) {
    if (!validNass(m[0])) continue
    claims.add({
      kind: 'id',
      start: m.index,
      end: m.index + m[0].length,
      category: 'health-plan',
      severity: 'block',
    })
  }
  for (const [start, end] of findEmails(text)) {
    const inRegion = regions.some((r) => start >= r.start && end <= r.end)
    if (!inRegion && !EMAIL_LABEL_BEFORE.test(text.slice(Math.max(0, start - 30), start))) continue
    claims.add({ kind: 'contact', start, end, category: 'email', severity: 'block' })
  }
  for (const m of execAll(LABELLED_PHONE, text)) {
    const value = m[0]
    const n = digitCount(value)
    if (n < 6 || n > 14) continue
    const start = m.index
    claims.add({
      kind: 'contact',
      start,
      end: start + value.length,
      category: m[1] ? 'fax' : 'phone',
      severity: 'block',
    })
  }
  for (const m of execAll(SPANISH_PHONE, text)) {
    claims.add({
      kind: 'contact',
      start: m.index,
      end: m.index + m[0].length,
      category: 'phone',
      severity: 'block',
    })
  }
}
