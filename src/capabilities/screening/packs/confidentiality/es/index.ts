import type { Rule } from '../../../rule.ts'
import { spansFor } from './analyze.ts'
import { citationFor, type EsKind, GDPR, HIPAA } from './common.ts'

/**
 * Spanish confidentiality rules. Each acts only when the input is Spanish (`ctx.language ===
 * 'es'`) and reports one kind of span found by the shared analysis (see analyze.ts), so a
 * policy can switch each off or change its severity on its own.
 */

type Def = {
  id: string
  kind: EsKind
  category: string
  severity: Rule['severity']
  citation: string
  description: string
}

function spanishRule(def: Def): Rule {
  return {
    id: `confidentiality.${def.id}`,
    pack: 'confidentiality',
    category: def.category,
    severity: def.severity,
    citation: def.citation,
    description: def.description,
    detect(ctx) {
      if (ctx.language !== 'es') return []
      const out = []
      for (const field of ctx.fields) {
        for (const s of spansFor(ctx, field)) {
          if (s.kind !== def.kind) continue
          out.push({
            field: field.name,
            start: s.start,
            end: s.end,
            message: s.message,
            suggestion: s.suggestion,
            category: s.category,
            severity: s.severity,
            citation: citationFor[s.category] ?? def.citation,
          })
        }
      }
      return out
    },
  }
}

export const spanishConfidentialityRules: Rule[] = [
  spanishRule({
    id: 'es-report-header',
    kind: 'header',
    category: 'name',
    severity: 'block',
    citation: `${HIPAA}(A)-(K); ${GDPR}`,
    description:
      'Valores de la cabecera de un informe clínico: Nombre, Apellidos, NHC, NASS, Domicilio, Localidad, CP, fechas, Edad, NºCol.',
  }),
  spanishRule({
    id: 'es-clinician-name',
    kind: 'clinician',
    category: 'name',
    severity: 'warn',
    citation: citationFor.name as string,
    description:
      'Nombre del médico tras "Médico:", "Remitido por:" o "Responsable clínico:" en la cabecera o la firma de un informe.',
  }),
  spanishRule({
    id: 'es-id-number',
    kind: 'id',
    category: 'ssn',
    severity: 'block',
    citation: `${HIPAA}(G)-(K); ${GDPR}`,
    description:
      'DNI/NIE con letra de control, NASS con control módulo 97, NHC, tarjeta sanitaria y número de colegiado.',
  }),
  spanishRule({
    id: 'es-contact',
    kind: 'contact',
    category: 'phone',
    severity: 'block',
    citation: `${HIPAA}(D)-(F); ${GDPR}`,
    description:
      'Teléfonos españoles, fax y correos electrónicos tras una etiqueta en español o en la firma de un informe.',
  }),
  spanishRule({
    id: 'es-address',
    kind: 'address',
    category: 'location',
    severity: 'block',
    citation: citationFor.location as string,
    description: 'Direcciones (Calle, C/, Avda., Plaza, Paseo… y número) y códigos postales.',
  }),
  spanishRule({
    id: 'es-facility',
    kind: 'facility',
    category: 'location',
    severity: 'warn',
    citation: citationFor.location as string,
    description: 'Hospitales, centros de salud, clínicas e instituciones con nombre propio.',
  }),
  spanishRule({
    id: 'es-place',
    kind: 'place',
    category: 'location',
    severity: 'block',
    citation: citationFor.location as string,
    description:
      'Municipios y provincias en contexto ("natural de", "28029 Madrid", "Aranjuez (Madrid)", firma del informe).',
  }),
  spanishRule({
    id: 'es-date',
    kind: 'date',
    category: 'date',
    severity: 'block',
    citation: citationFor.date as string,
    description:
      'Fechas en español ("3 de marzo de 2016", "marzo de 2016", "18-junio-2004"); años de un episodio como info.',
  }),
  spanishRule({
    id: 'es-age',
    kind: 'age',
    category: 'age',
    severity: 'warn',
    citation: citationFor.age as string,
    description:
      'Edad del paciente ("varón de 53 años"): bloquea por encima de 89 años, avisa en los demás casos.',
  }),
  spanishRule({
    id: 'es-name',
    kind: 'name',
    category: 'name',
    severity: 'block',
    citation: citationFor.name as string,
    description:
      'Nombres de pacientes y familiares: tras tratamiento (Sr., Sra., D.), tras parentesco o nombres de pila conocidos.',
  }),
  spanishRule({
    id: 'es-relative',
    kind: 'relative',
    category: 'unique',
    severity: 'info',
    citation: `GMC: Confidentiality: good practice in handling patient information (the sum of details); ${GDPR}`,
    description:
      'Menciones de familiares del paciente ("su madre", "un hermano"), como información: suman detalles.',
  }),
  spanishRule({
    id: 'es-country',
    kind: 'country',
    category: 'location',
    severity: 'info',
    citation: `GMC: Confidentiality: good practice in handling patient information (the sum of details); ${GDPR}`,
    description:
      'País de nacimiento o nacionalidad del paciente y país de la firma de un informe, como información.',
  }),
]
