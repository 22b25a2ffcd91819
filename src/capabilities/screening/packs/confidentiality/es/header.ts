import type { Severity } from '../../../screening.schema.ts'
import { type Claims, isCap, PARTICLES, type Tok, tokens } from './common.ts'

/**
 * Structured headers of Spanish clinical reports ("Nombre: …", "NHC: …", "Domicilio: …",
 * "Fecha de nacimiento: …", "Médico: …"). The label says what the value is, so the value is
 * reported whatever it looks like (typos and odd formats included).
 */

type HeaderKind =
  | 'name'
  | 'mrn'
  | 'episode'
  | 'health-plan'
  | 'ssn'
  | 'street'
  | 'locality'
  | 'cp'
  | 'date'
  | 'age'
  | 'clinician'
  | 'signature'
  | 'license'
  | 'country'
  | 'stop'

const LABELS: Array<[HeaderKind, string]> = [
  ['name', String.raw`nombre\s+y\s+apellidos|nombre\s+del\s+paciente|nombre|apellidos|apellido`],
  [
    'mrn',
    String.raw`n\.?\s?h\.?\s?c\.?|n[ºo°]\s*(?:de\s+)?historia(?:\s+cl[ií]nica)?|historia\s+cl[ií]nica|cipa|c\.?i\.?p\.?(?:\s+auton[oó]mico)?`,
  ],
  ['episode', String.raw`n[ºo°]\s*(?:de\s+)?episodio|episodio`],
  [
    'health-plan',
    String.raw`n\.?a\.?s\.?s\.?|n\.?u\.?s\.?s\.?|n[ºo°]\s*(?:de\s+)?(?:la\s+)?s\.\s?s\.|n[úu]mero\s+de\s+(?:la\s+)?seguridad\s+social|n[ºo°]\s*(?:de\s+)?(?:afiliaci[oó]n|seguridad\s+social)|tarjeta\s+sanitaria(?:\s+individual)?|t\.?s\.?i\.?|t\.?i\.?s\.?`,
  ],
  ['ssn', String.raw`d\.?n\.?i\.?|n\.?i\.?e\.?|n\.?i\.?f\.?|pasaporte|documento\s+de\s+identidad`],
  ['street', String.raw`domicilio|direcci[oó]n(?:\s+postal)?`],
  [
    'locality',
    String.raw`localidad\s*\/\s*provincia|localidad|provincia|municipio|ciudad|poblaci[oó]n|residencia`,
  ],
  ['cp', String.raw`c\.\s?p\.|cp|c[oó]digo\s+postal`],
  [
    'date',
    String.raw`fecha\s+de\s+(?:nacimiento|ingreso|alta|la\s+intervenci[oó]n|intervenci[oó]n|consulta|defunci[oó]n|exitus|cirug[ií]a|visita|la\s+visita|urgencias|traslado|biopsia|inicio)|f\.\s?(?:nac|ingreso|alta)\.?|fecha`,
  ],
  ['age', 'edad'],
  [
    'clinician',
    String.raw`m[eé]dico(?:\s+responsable|\s+remitente|\s+adjunto)?|facultativo(?:\s+responsable)?|firmado(?:\s+por)?`,
  ],
  [
    'signature',
    String.raw`remitido\s+por|responsable\s+cl[ií]nico|autor\s+para\s+correspondencia|correspondencia|direcci[oó]n\s+para\s+correspondencia`,
  ],
  [
    'license',
    String.raw`n[ºo°]\s*col(?:egiado)?\.?|n[úu]m(?:ero|\.)?\s+(?:de\s+)?colegiado|colegiado(?:\s+n[ºo°])?`,
  ],
  ['country', String.raw`pa[ií]s(?:\s+de\s+(?:nacimiento|origen|procedencia))?|nacionalidad`],
  [
    'stop',
    String.raw`sexo|servicio|especialidad|datos\s+asistenciales|datos\s+del\s+paciente|motivo\s+de\s+(?:ingreso|consulta)|historia\s+actual|antecedentes(?:\s+[A-Za-zÀ-ÖØ-öø-ɏ]+)?|informe(?:\s+(?:cl[ií]nico|m[eé]dico))?(?:\s+del\s+paciente)?|exploraci[oó]n(?:\s+f[ií]sica)?|diagn[oó]stico|tratamiento|evoluci[oó]n|correo\s+electr[oó]nico|e-?mail|correo|tel[eé]fono|tel[eé]fonos|telf?s?\.?|tfno\.?|tlfn?o?\.?|m[oó]vil|fax`,
  ],
]

// A label starts a line or follows a blank or a full stop; it ends at the colon.
// Labels are found back from each colon (there are few colons, and many places a label could start).
const LABEL_BEFORE_COLON = new RegExp(
  `(?<=^|[\\s.;,])(?:${LABELS.map(([, p]) => `(${p})`).join('|')})\\s*$`,
  'iu',
)

export type SignatureRegion = { start: number; end: number }

const TITLE = /^(?:dr|dra|dr\.|dra\.|prof|prof\.|profa\.|d\.|dña\.|doña|don|lcdo\.|lcda\.|lic\.)$/i

/** Words that end a clinician's name in a signature line (services, facilities, addresses). */
const NAME_STOP = new Set(
  (
    'servicio sección seccion unidad departamento dpto dpto. hospital clínica clinica complejo centro calle c/ avda avda. av av. avenida paseo plaza fundación fundacion instituto universidad facultad médico medico jefe adjunto adjunta residente especialista profesor profesora consultorio policlínica correo e-mail email tel tel. tfno tfno. tlf fax nºcol servei unitat área area sanatorio ' +
    'urología urologia oftalmología oftalmologia cirugía cirugia medicina neurología neurologia pediatría pediatria nefrología nefrologia cardiología cardiologia oncología oncologia radiología radiologia digestivo dermatología dermatologia ginecología ginecologia traumatología traumatologia anatomía anatomia patología patologia endocrinología endocrinologia neumología neumologia hematología hematologia psiquiatría psiquiatria rehabilitación rehabilitacion urgencias anestesiología anestesiologia otorrinolaringología otorrinolaringologia ' +
    'españa spain madrid barcelona'
  ).split(' '),
)

/**
 * Scans a person's name from `from` to `limit`: optional title, then capitalised words and
 * the particles between them. Returns the name's bounds (title excluded) or null.
 */
export function scanName(text: string, from: number, limit: number, maxWords = 7): [number, number] | null {
  const toks = tokens(text, from, limit)
  let i = 0
  // "Dr.", "Prof. Dr.", "Dra:" — titles and the punctuation after them.
  while (toks[i] && (TITLE.test((toks[i] as Tok).text) || /^[.:]$/.test((toks[i] as Tok).text))) i++
  let start = -1
  let end = -1
  let words = 0
  for (; i < toks.length && words < maxWords; i++) {
    const t = toks[i] as (typeof toks)[number]
    const w = t.text
    const lower = w.toLowerCase()
    if (NAME_STOP.has(lower) || NAME_STOP.has(lower.replace(/\.$/, ''))) break
    // "C/ Eduardo Rivas": a street abbreviation, not an initial.
    if (toks[i + 1]?.text === '/' && toks[i + 1]?.start === t.end) break
    if (isCap(w) && !/\d/.test(w)) {
      // An initial ("M.") or a word; a word ending in "." ends the name after it.
      if (start < 0) start = t.start
      end = t.end
      words++
      if (w.endsWith('.') && w.length > 2) {
        end = t.end - 1
        break
      }
      continue
    }
    if (
      start >= 0 &&
      PARTICLES.has(lower) &&
      toks[i + 1] &&
      isCap((toks[i + 1] as (typeof toks)[number]).text)
    )
      continue
    if (w === '-' && start >= 0) continue
    break
  }
  return start >= 0 ? [start, end] : null
}

function ageSeverity(value: string): Severity {
  const m = value.match(/\d{1,3}/)
  if (!m) return 'warn'
  const n = Number(m[0])
  return /mes|d[ií]a|sem/i.test(value) ? 'warn' : n > 89 ? 'block' : 'warn'
}

/** Finds labelled header values; returns the signature regions for the place and address detectors. */
export function detectHeaders(text: string, claims: Claims): SignatureRegion[] {
  const regions: SignatureRegion[] = []
  const found: Array<{ kind: HeaderKind; labelStart: number; valueStart: number }> = []
  for (let c = text.indexOf(':'); c >= 0; c = text.indexOf(':', c + 1)) {
    const lineStart = text.lastIndexOf('\n', c - 1) + 1
    const from = Math.max(lineStart, c - 60)
    // Mid-line, a leading letter stops "^" from matching inside a word.
    const pad = from > lineStart ? 'x' : ''
    const m = (pad + text.slice(from, c)).match(LABEL_BEFORE_COLON)
    if (!m) continue
    let g = 1
    while (g <= LABELS.length && m[g] === undefined) g++
    const kind = LABELS[g - 1]?.[0] ?? 'stop'
    found.push({ kind, labelStart: from - pad.length + (m.index ?? 0), valueStart: c + 1 })
  }
  for (let k = 0; k < found.length; k++) {
    const f = found[k] as (typeof found)[number]
    let lineEnd = text.indexOf('\n', f.valueStart)
    if (lineEnd < 0) lineEnd = text.length
    const next = found[k + 1]
    const end = next && next.labelStart < lineEnd ? next.labelStart : lineEnd
    const value = text.slice(f.valueStart, end)
    if (!/[A-Za-zÀ-ÖØ-öø-ɏ0-9]/u.test(value)) continue
    // In prose ("para su edad: 43 mmHg") a label-like word is not a header: a header label
    // starts its line, follows a full stop, or follows another label's value on the line.
    if (PROSE_PRONE.has(f.kind) && !labelStartsField(text, f.labelStart, found[k - 1]?.labelStart ?? -1))
      continue
    switch (f.kind) {
      case 'name':
        // "Nombre: Ernesto." — the value up to the line's end (or the next label).
        claims.add({
          kind: 'header',
          start: f.valueStart,
          end: cap(f.valueStart, end, 80),
          category: 'name',
          severity: 'block',
        })
        break
      case 'mrn':
      case 'episode':
        claims.add({
          kind: 'header',
          start: f.valueStart,
          end: cap(f.valueStart, end, 40),
          category: 'mrn',
          severity: 'block',
          ...(f.kind === 'episode' ? { message: 'Número de episodio asistencial.' } : {}),
        })
        break
      case 'health-plan':
        claims.add({
          kind: 'header',
          start: f.valueStart,
          end: cap(f.valueStart, end, 40),
          category: 'health-plan',
          severity: 'block',
        })
        break
      case 'ssn':
        claims.add({
          kind: 'header',
          start: f.valueStart,
          end: cap(f.valueStart, end, 30),
          category: 'ssn',
          severity: 'block',
        })
        break
      case 'street':
      case 'locality':
      case 'cp':
        claims.add({
          kind: 'header',
          start: f.valueStart,
          end: cap(f.valueStart, end, 100),
          category: 'location',
          severity: 'block',
        })
        break
      case 'date':
        if (
          /\d|enero|febrero|marzo|abril|mayo|junio|julio|agosto|sep|octubre|noviembre|diciembre/i.test(value)
        ) {
          claims.add({
            kind: 'header',
            start: f.valueStart,
            end: cap(f.valueStart, end, 40),
            category: 'date',
            severity: 'block',
          })
        }
        break
      case 'age':
        // "Edad:  años" has no age in it.
        if (
          /\d|\b(?:un|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien)/iu.test(
            value,
          )
        ) {
          claims.add({
            kind: 'header',
            start: f.valueStart,
            end: cap(f.valueStart, end, 30),
            category: 'age',
            severity: ageSeverity(value),
            message:
              'Edad del paciente (HIPAA solo la exige por encima de 89 años; en un informe clínico se avisa siempre).',
          })
        }
        break
      case 'license':
        claims.add({
          kind: 'header',
          start: f.valueStart,
          end: cap(f.valueStart, end, 30),
          category: 'license',
          severity: 'block',
        })
        break
      case 'clinician':
      case 'signature': {
        const name = scanName(text, f.valueStart, end)
        if (name) {
          claims.add({
            kind: 'clinician',
            start: name[0],
            end: name[1],
            category: 'name',
            severity: 'warn',
            message:
              'Nombre del médico responsable en la cabecera de un informe: junto con el centro acota quién es el paciente.',
            suggestion: '[médico]',
          })
        }
        if (f.kind === 'signature') regions.push({ start: f.valueStart, end: lineEnd })
        break
      }
      case 'country':
        claims.add({
          kind: 'country',
          start: f.valueStart,
          end: cap(f.valueStart, end, 40),
          category: 'location',
          severity: 'info',
          message:
            'País de nacimiento o nacionalidad del paciente: no identifica por sí solo, pero suma detalles.',
          suggestion: '[país]',
        })
        break
      case 'stop':
        break
    }
  }
  return regions
}

const PROSE_PRONE = new Set<HeaderKind>(['name', 'age', 'date', 'locality', 'street', 'clinician'])

function labelStartsField(text: string, labelStart: number, previousLabel: number): boolean {
  const lineStart = text.lastIndexOf('\n', labelStart - 1) + 1
  if (/^[\s\-•*]*$/.test(text.slice(lineStart, labelStart))) return true
  if (/[.;]\s*$/.test(text.slice(Math.max(lineStart, labelStart - 3), labelStart))) return true
  return previousLabel >= lineStart
}

function cap(start: number, end: number, max: number): number {
  return Math.min(end, start + max)
}
