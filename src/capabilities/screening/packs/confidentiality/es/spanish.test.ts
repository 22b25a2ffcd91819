import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { screen } from '../../../evaluate.ts'
import type { Finding } from '../../../screening.schema.ts'
import { validDniOrNie, validNass } from './ids.ts'
import { spanishConfidentialityRules } from './index.ts'

function findings(body: string, extra: { authorName?: string; ignoreNames?: string[] } = {}): Finding[] {
  return screen(
    {
      body,
      language: 'es',
      ...(extra.authorName ? { author: { displayName: extra.authorName, aliases: [] } } : {}),
    },
    { lexicons: { ignoreNames: extra.ignoreNames ?? [] } },
    spanishConfidentialityRules,
  ).findings
}

/** The text of every finding in `body`, as "ruleId:category:text". */
function flagged(body: string): string[] {
  return findings(body).map((f) => `${f.ruleId.replace('confidentiality.', '')}:${f.category}:${f.text}`)
}

type Case = [description: string, text: string, expected: string[]]

describe('Spanish confidentiality rules: what they flag', () => {
  const cases: Case[] = [
    // Report headers: the label says what the value is.
    [
      'patient name header',
      'Nombre:  Ernesto.\nApellidos: Rivera Bueno.',
      ['es-report-header:name:Ernesto', 'es-report-header:name:Rivera Bueno'],
    ],
    [
      'NHC and NASS',
      'NHC: 368503.\nNASS: 26 63514095.',
      ['es-report-header:mrn:368503', 'es-report-header:health-plan:26 63514095'],
    ],
    ['episode number', 'Episodio: 3629184.', ['es-report-header:mrn:3629184']],
    [
      'home address header',
      'Domicilio:  Calle Miguel Benitez 90.',
      ['es-report-header:location:Calle Miguel Benitez 90'],
    ],
    [
      'town and postcode',
      'Localidad/ Provincia: Madrid.\nCP: 28016.',
      ['es-report-header:location:Madrid', 'es-report-header:location:28016'],
    ],
    ['date of birth', 'Fecha de nacimiento: 03/03/1946.', ['es-report-header:date:03/03/1946']],
    ['admission date with a typo', 'Fecha de Ingreso: 26708/2017.', ['es-report-header:date:26708/2017']],
    ['age and sex on one line', 'Edad: 70 años Sexo: H.', ['es-report-header:age:70 años']],
    [
      'clinician and licence',
      'Médico:  Ignacio Navarro Cuéllar NºCol: 28 28 70973.',
      ['es-clinician-name:name:Ignacio Navarro Cuéllar', 'es-report-header:license:28 28 70973'],
    ],
    // Signature line: clinician, centre, address, postcode, town, e-mail.
    [
      'signature line',
      'Remitido por: Dr. Luis Moyano Calvo C/ Eduardo Rivas, 3 28018 Madrid. España. e-mail: joseluis@ya.com',
      [
        'es-clinician-name:name:Luis Moyano Calvo',
        'es-address:location:C/ Eduardo Rivas, 3',
        'es-address:location:28018',
        'es-place:location:Madrid',
        'es-contact:email:joseluis@ya.com',
      ],
    ],
    [
      'signature line with a street that has no type word',
      'Responsable clínico: Dr. Jaime Ortega. Los Alisos, 10. 13002 Ciudad Real.',
      [
        'es-clinician-name:name:Jaime Ortega',
        'es-address:location:Los Alisos, 10',
        'es-address:location:13002',
        'es-place:location:Ciudad Real',
      ],
    ],
    [
      'hospital',
      'Ingresó en el Hospital Universitario La Paz por disnea.',
      ['es-facility:location:Hospital Universitario La Paz'],
    ],
    [
      'primary care centre blocks',
      'Remitida desde el Centro de Salud Chantrea.',
      ['es-facility:location:Centro de Salud Chantrea'],
    ],
    [
      'hospital with a number in its name',
      'Trasladado al Hospital 12 de Octubre.',
      ['es-facility:location:Hospital 12 de Octubre'],
    ],
    // Identifiers with check digits.
    ['DNI with a valid letter', 'Su DNI 12345678Z consta en la historia.', ['es-id-number:ssn:12345678Z']],
    ['NIE with a valid letter', 'Documento X1234567L aportado.', ['es-id-number:ssn:X1234567L']],
    ['labelled NHC without a colon', 'Paciente con NHC 4763954 ingresado.', ['es-id-number:mrn:4763954']],
    ['colegiado number', 'Firmado por el colegiado nº 28/12345.', ['es-id-number:license:28/12345']],
    ['Spanish mobile phone', 'avisando al número de móvil 618 98 76 54.', ['es-contact:phone:618 98 76 54']],
    [
      'labelled fax',
      'Tel.: 942202528 Fax: 942202726',
      ['es-contact:phone:942202528', 'es-contact:fax:942202726'],
    ],
    // Dates.
    [
      'fax with an area code in brackets',
      'Montevideo. Fax: (5982) 487-3837',
      ['es-contact:fax:(5982) 487-3837'],
    ],
    ['long date', 'Intervenido el 3 de marzo de 2016 sin incidencias.', ['es-date:date:3 de marzo de 2016']],
    ['month and year', 'En abril de 2003 comenzó con dolor.', ['es-date:date:abril de 2003']],
    ['dashed date', 'Se realizó el 18-junio-2004.', ['es-date:date:18-junio-2004']],
    ['month with a two-digit year', 'En diciembre-08 nuevo episodio.', ['es-date:date:diciembre-08']],
    ['month alone', 'Consulta en junio por tumoración.', ['es-date:date:junio']],
    ['numeric date in prose', 'falleciendo el 21-03-07.', ['es-date:date:21-03-07']],
    ['year of an event is info', 'En 2009 sufre una hemorragia.', ['es-date:date:2009']],
    // Ages.
    ['age after a person word', 'Varón de 53 años con dolor torácico.', ['es-age:age:53 años']],
    ['age in words', 'Niña de tres años y medio que consulta.', ['es-age:age:tres años y medio']],
    ['age in days of life', 'Varón de 26 días de vida sin antecedentes.', ['es-age:age:26 días']],
    ['age at an event', 'operado a los 6 años.', ['es-age:age:6 años']],
    [
      'age after a name',
      'la Sra. Carmen Hidalgo, 93 años, de Lugo.',
      ['es-name:name:Carmen Hidalgo', 'es-age:age:93 años', 'es-place:location:Lugo'],
    ],
    [
      'ward and bed',
      'Ingresada en la planta 7B, cama 4.',
      ['es-address:location:planta 7B', 'es-address:location:cama 4'],
    ],
    // Names in prose.
    [
      'relative named',
      'Acude con su madre Teresa Rodríguez a consulta.',
      ['es-relative:unique:madre', 'es-name:name:Teresa Rodríguez'],
    ],
    ['courtesy title', 'La Sra. López refiere mejoría.', ['es-name:name:López']],
    [
      'given name with surnames',
      'administrado por Ana Jesús Vidal Sotillo en casa.',
      ['es-name:name:Ana Jesús Vidal Sotillo'],
    ],
    [
      'lone given name mid-sentence',
      'Las dos abuelas de Paula tuvieron cáncer.',
      ['es-relative:unique:abuelas', 'es-name:name:Paula'],
    ],
    // Relatives, as info.
    [
      'relatives mentioned',
      'Su hermano menor y la familia rechazan la cirugía.',
      ['es-relative:unique:hermano menor', 'es-relative:unique:familia'],
    ],
    // Places in prose.
    ['birthplace', 'Varón natural de Casablanca que consulta.', ['es-place:location:Casablanca']],
    ['country of origin, as info', 'Paciente procedente de Marruecos.', ['es-country:location:Marruecos']],
    ['country of birth header', 'País de nacimiento: España.', ['es-country:location:España']],
    [
      'town with province in brackets',
      'Vive en Aranjuez (Madrid) desde niño.',
      ['es-place:location:Aranjuez', 'es-place:location:Madrid'],
    ],
    [
      'street in prose',
      'Reside en la Avda. de Elvas s/n desde 2010.',
      ['es-address:location:Avda. de Elvas s/n', 'es-date:date:2010'],
    ],
  ]
  it.each(cases)('%s', (_d, text, expected) => {
    expect(flagged(text)).toEqual(expected)
  })
})

describe('Spanish confidentiality rules: look-alikes they leave alone', () => {
  const cases: Array<[string, string]> = [
    ['doses and lab values', 'Glucemia de 169 mg/dl, PSA de 1.16 ng/ml y 20 cigarrillos al día.'],
    ['durations are not ages', 'A los 3 meses la ecografía era normal; falleció 3 semanas después.'],
    ['years of evolution', 'Dolor de 10 años de evolución.'],
    ['eponyms', 'Enfermedad de Crohn, signo de Murphy y síndrome de Down.'],
    ['acronyms that spell names', 'ANA, EMA y ELISA negativos; PIO de 16 mmHg.'],
    ['a clinician in prose is a colleague', 'Agradecemos al Dr. Javier Ayerbe su ayuda.'],
    ['services are not places', 'Servicio de Urología. Unidad de Cuidados Intensivos.'],
    ['a country in general prose', 'Las guías de España y de México recomiendan el cribado.'],
    ['a DNI-like number with a wrong letter', 'Lote 12345678A del reactivo.'],
    ['a NASS-like number without its check', 'Referencia 12 34567890 12 del envío.'],
    ['a generic hospital', 'Fue trasladado al hospital de referencia.'],
    ['a time of day', 'A las 4,30 horas de la madrugada.'],
    ['Gleason and GCS scores', 'Gleason 3+4, Glasgow 15, T4N2M1.'],
    ['a sentence ending in "C."', 'Niega hepatitis B o C. Medicado con 160 mg/día de verapamilo.'],
    ['a label-like word in prose', 'Presión menor de 45 mmHg (percentil 5 para su edad: 43 mmHg).'],
    ['eponymous tests and acronyms after "de"', 'Prueba de Allen negativa y leve elevación de CEA.'],
    [
      'family history as an adjective',
      'Sin antecedentes familiares de interés; trasplante de células madre.',
    ],
  ]
  it.each(cases)('%s', (_d, text) => {
    expect(flagged(text)).toEqual([])
  })
})

describe('Spanish confidentiality rules: severities, citations and scope', () => {
  it('blocks ages over 89 and warns below', () => {
    const [old] = findings('Mujer de 92 años de edad.')
    const [young] = findings('Mujer de 44 años de edad.')
    expect(old?.severity).toBe('block')
    expect(young?.severity).toBe('warn')
    expect(old?.citation).toContain('164.514(b)(2)(i)(C)')
  })

  it('warns (not blocks) for the treating clinician in a header', () => {
    const [f] = findings('Médico: Marta López Sánchez NºCol: 28 28 12345.')
    expect(f).toMatchObject({
      ruleId: 'confidentiality.es-clinician-name',
      severity: 'warn',
      category: 'name',
    })
  })

  it('cites HIPAA and the Spanish data-protection law', () => {
    const [f] = findings('Nombre: Ernesto.')
    expect(f?.citation).toMatch(/HIPAA 45 CFR 164\.514\(b\)\(2\)\(i\)\(A\).*RGPD.*Ley Orgánica 3\/2018/)
    expect(f?.suggestion).toBe('[paciente]')
  })

  it('reports relatives only as info', () => {
    const [f] = findings('Su madre falleció de cáncer de mama.')
    expect(f).toMatchObject({ ruleId: 'confidentiality.es-relative', category: 'unique', severity: 'info' })
  })

  it('reports a year alone only as info', () => {
    const [f] = findings('Trasplante renal en 2005.')
    expect(f).toMatchObject({ category: 'date', severity: 'info' })
  })

  it('does nothing on English input', () => {
    const report = screen(
      { body: 'Nombre: Ernesto.\nVarón de 53 años.', language: 'en' },
      {},
      spanishConfidentialityRules,
    )
    expect(report.findings).toEqual([])
  })

  it("never flags the author's own name, nor names the organisation ignores", () => {
    expect(flagged('Médico: Lucía Pérez Gómez NºCol: 28 28 1.')).toContain(
      'es-clinician-name:name:Lucía Pérez Gómez',
    )
    const own = findings('Médico: Lucía Pérez Gómez NºCol: 28 28 1.', { authorName: 'Lucía Pérez Gómez' })
    expect(own.map((f) => f.ruleId)).not.toContain('confidentiality.es-clinician-name')
    const ignored = findings('Acude con su madre Teresa Rodríguez.', { ignoreNames: ['Teresa Rodríguez'] })
    expect(ignored.map((f) => f.ruleId)).toEqual(['confidentiality.es-relative'])
  })

  it('screens every field, with offsets into that field', () => {
    const report = screen(
      { title: 'Caso de la Sra. López', body: 'Varón de 53 años.', language: 'es' },
      {},
      spanishConfidentialityRules,
    )
    const byField = Object.fromEntries(report.findings.map((f) => [f.field, f.text]))
    expect(byField).toEqual({ title: 'López', body: '53 años' })
  })
})

describe('check digits', () => {
  it.each([
    ['12345678Z', true],
    ['12345678-z', true],
    ['12345678A', false],
    ['X1234567L', true],
    ['Y1234567X', true],
    ['X1234567A', false],
  ])('DNI/NIE %s valid: %s', (value, ok) => {
    expect(validDniOrNie(value)).toBe(ok)
  })

  it('accepts a NASS whose control is the number modulo 97, and rejects others', () => {
    // 28 12345678: 2812345678 mod 97 = 40
    expect(validNass('28 12345678 40')).toBe(true)
    expect(validNass('28 12345678 41')).toBe(false)
    expect(validNass('28/12345678/40')).toBe(true)
    // Below 10,000,000 the number is read as province × 10^7 + number: 281234567 mod 97 = 42.
    expect(validNass('28 01234567 42')).toBe(true)
  })
})

describe('robustness', () => {
  it('never crashes and keeps every span inside its field', () => {
    const alphabet = fc.constantFrom(
      ...'abcdeñáéíóú ABCÑÁÉ0123456789.,:;/-()\n'.split(''),
      'Calle ',
      'C/ ',
      'Nombre: ',
      'Remitido por: ',
      ' de marzo de ',
      ' años',
      'Hospital ',
      'Madrid',
      '28029 ',
      'su madre ',
    )
    fc.assert(
      fc.property(
        fc.array(alphabet, { maxLength: 80 }).map((a) => a.join('')),
        (body) => {
          for (const f of findings(body)) {
            expect(f.start).toBeGreaterThanOrEqual(0)
            expect(f.end).toBeLessThanOrEqual(body.length)
            expect(f.end).toBeGreaterThan(f.start)
            expect(body.slice(f.start, f.end)).toBe(f.text)
          }
        },
      ),
      { numRuns: 300 },
    )
  })
})
