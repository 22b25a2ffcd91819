import type { Severity } from '../../../screening.schema.ts'
import { execAll } from '../../../text.ts'

/**
 * Shared shapes and helpers for the Spanish confidentiality detectors. Every detector writes
 * into one `Claims` per field, in priority order, so the same characters are reported once
 * (a date inside a header value is the header's; a town inside a hospital name is the
 * hospital's).
 */

export type EsKind =
  | 'header'
  | 'clinician'
  | 'id'
  | 'contact'
  | 'address'
  | 'place'
  | 'facility'
  | 'date'
  | 'age'
  | 'name'
  | 'relative'
  | 'country'

export type EsSpan = {
  kind: EsKind
  start: number
  end: number
  category: string
  severity: Severity
  message: string
  suggestion: string
}

export const HIPAA = 'HIPAA 45 CFR 164.514(b)(2)(i)'
export const GDPR = 'Reglamento (UE) 2016/679 (RGPD) art. 9; Ley Orgánica 3/2018'

/** The Safe Harbor paragraph for each category, with the Spanish data-protection law. */
export const citationFor: Record<string, string> = {
  name: `${HIPAA}(A); ${GDPR}`,
  location: `${HIPAA}(B); ${GDPR}`,
  date: `${HIPAA}(C); ${GDPR}`,
  age: `${HIPAA}(C); ${GDPR}`,
  phone: `${HIPAA}(D); ${GDPR}`,
  fax: `${HIPAA}(E); ${GDPR}`,
  email: `${HIPAA}(F); ${GDPR}`,
  ssn: `${HIPAA}(G); ${GDPR}`,
  mrn: `${HIPAA}(H); ${GDPR}`,
  'health-plan': `${HIPAA}(I); ${GDPR}`,
  account: `${HIPAA}(J); ${GDPR}`,
  license: `${HIPAA}(K); ${GDPR}`,
  unique: `${HIPAA}(R); ${GDPR}`,
}

export const suggestionFor: Record<string, string> = {
  name: '[paciente]',
  location: '[lugar]',
  date: '[fecha]',
  age: '[edad]',
  phone: '[teléfono]',
  fax: '[fax]',
  email: '[correo]',
  ssn: '[documento]',
  mrn: '[historia]',
  'health-plan': '[afiliación]',
  account: '[cuenta]',
  license: '[colegiado]',
  unique: '[dato]',
}

/** Marks which characters of a field are already reported, and collects the spans. */
export class Claims {
  readonly spans: EsSpan[] = []
  readonly text: string
  private readonly mask: Uint8Array
  constructor(text: string) {
    this.text = text
    this.mask = new Uint8Array(text.length)
  }
  free(start: number, end: number): boolean {
    for (let i = start; i < end; i++) if (this.mask[i]) return false
    return true
  }
  /** Adds the span unless it overlaps one already claimed; returns whether it was added. */
  add(span: Omit<EsSpan, 'suggestion' | 'message'> & { message?: string; suggestion?: string }): boolean {
    const [start, end] = trimSpan(this.text, span.start, span.end)
    if (end <= start || !this.free(start, end)) return false
    this.mask.fill(1, start, end)
    this.spans.push({
      ...span,
      start,
      end,
      message: span.message ?? defaultMessage[span.category] ?? 'Posible identificador del paciente.',
      suggestion: span.suggestion ?? suggestionFor[span.category] ?? '[dato]',
    })
    return true
  }
  /** Like add, but a span running into one already claimed is cut short where that one starts. */
  addUpTo(span: Parameters<Claims['add']>[0]): boolean {
    let end = span.start
    while (end < span.end && !this.mask[end]) end++
    return this.add({ ...span, end })
  }
  /** Claims characters without reporting them (text that must never be reported by a later detector). */
  reserve(start: number, end: number): void {
    this.mask.fill(1, start, end)
  }
}

const defaultMessage: Record<string, string> = {
  name: 'Nombre de una persona (paciente o familiar): identifica al paciente.',
  location:
    'Dato geográfico más preciso que una comunidad autónoma (dirección, localidad, código postal o centro).',
  date: 'Fecha ligada al paciente (más precisa que el año).',
  age: 'Edad del paciente.',
  phone: 'Número de teléfono.',
  fax: 'Número de fax.',
  email: 'Dirección de correo electrónico.',
  ssn: 'Documento nacional de identidad (DNI/NIE) o pasaporte.',
  mrn: 'Número de historia clínica o de episodio.',
  'health-plan': 'Número de afiliación a la Seguridad Social o de tarjeta sanitaria.',
  license: 'Número de colegiado o de licencia.',
}

const TRIM_START = /[\s,;:.\-–—"“”'«»(]/
const TRIM_END = /[\s,;:.\-–—"“”'«»)]/

/** Drops surrounding blanks and punctuation, keeping a closing dot that ends an abbreviation. */
export function trimSpan(text: string, start: number, end: number): [number, number] {
  let s = start
  let e = end
  while (s < e && TRIM_START.test(text[s] as string)) {
    // Keep a bracket the span closes: "(5982) 487-3837".
    if (text[s] === '(' && text.indexOf(')', s) > s && text.indexOf(')', s) < e) break
    s++
  }
  while (e > s && TRIM_END.test(text[e - 1] as string)) {
    // Keep "Avda." or "Dr." whole when the dot ends a short abbreviation inside the span.
    if (
      text[e - 1] === '.' &&
      e - s > 1 &&
      /\b[A-Za-zÀ-ÖØ-öø-ɏ]{1,4}$/u.test(text.slice(Math.max(s, e - 6), e - 1)) &&
      e - s < 6
    )
      break
    e--
  }
  // Unbalanced quotes or brackets left inside the span are fine; leading ones are not.
  return [s, e]
}

/** Line bounds around an offset. */
export function lineAt(text: string, index: number): [number, number] {
  const s = text.lastIndexOf('\n', index - 1) + 1
  let e = text.indexOf('\n', index)
  if (e < 0) e = text.length
  return [s, e]
}

export const PARTICLES = new Set([
  'de',
  'del',
  'la',
  'las',
  'los',
  'y',
  'i',
  'da',
  'do',
  'dos',
  'das',
  'di',
  'van',
  'von',
  'le',
  'san',
  'santa',
])

/** A capitalised word (all-caps allowed), with inner hyphens and apostrophes. */
export const CAP_WORD = /^[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ɏ]*(?:['’-][A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ]*)*$/u

/** Words and their offsets on one line segment, for name and place scanning. */
export type Tok = { start: number; end: number; text: string }
const TOKEN = /[A-Za-zÀ-ÖØ-öø-ɏ][A-Za-zÀ-ÖØ-öø-ɏ'’-]*\.?|\d+|[^\sA-Za-zÀ-ÖØ-öø-ɏ\d]/gu

export function tokens(text: string, start: number, end: number): Tok[] {
  const out: Tok[] = []
  const seg = text.slice(start, end)
  for (const m of execAll(TOKEN, seg)) {
    out.push({ start: start + m.index, end: start + m.index + m[0].length, text: m[0] })
  }
  return out
}

export function isCap(word: string): boolean {
  return CAP_WORD.test(word.endsWith('.') ? word.slice(0, -1) : word)
}

const foldMemo = new Map<string, string>()
const ASCII_LOWER = /^[a-z0-9 .'-]*$/

/** fold() for short words, memoised (the same names and towns recur in every document). */
export function foldWord(word: string): string {
  const lower = word.toLowerCase()
  if (ASCII_LOWER.test(lower)) return lower
  let f = foldMemo.get(lower)
  if (f === undefined) {
    f = lower.normalize('NFD').replace(/\p{M}+/gu, '')
    if (foldMemo.size > 20_000) foldMemo.clear()
    foldMemo.set(lower, f)
  }
  return f
}

/** True when text[i - 1] is not a letter or digit (a word may start at i). */
export function wordStartAt(text: string, i: number): boolean {
  if (i === 0) return true
  return !LETTER_OR_DIGIT.test(text[i - 1] as string)
}
const LETTER_OR_DIGIT = /[A-Za-zÀ-ÖØ-öø-ɏ0-9]/
