import type { Detection, Rule, ScreenContext, ScreenField } from '../../rule.ts'
import { type PhraseHit, phraseHits } from './context-rules.ts'
import { dateHits } from './dates.ts'
import { entities } from './entities.ts'
import { type PatternHit, patternHits } from './patterns.ts'

/**
 * The confidentiality pack: the 18 HIPAA Safe Harbor identifiers that text can carry
 * (45 CFR 164.514(b)(2)(i)), one rule per category so a policy can tune each, and the GMC's
 * "sum of details" as a quasi-identifier rule. The references field is not screened: it holds
 * citations (DOIs, authors, journal URLs), not patients.
 */

const hipaa = (letter: string) => `HIPAA 45 CFR 164.514(b)(2)(i)(${letter})`
const GMC_SUM =
  "GMC: Confidentiality: disclosing patients' personal information (2017), para 'sum of details'"
const PACK = 'confidentiality' as const

function screened(ctx: ScreenContext): ScreenField[] {
  return ctx.fields.filter((f) => f.name !== 'references')
}

type Spec = {
  name: string
  category: string
  letter: string
  severity: Rule['severity']
  description: string
  detect: (ctx: ScreenContext) => Detection[]
}

const rule = (s: Spec): Rule => ({
  id: `confidentiality.${s.name}`,
  pack: PACK,
  category: s.category,
  severity: s.severity,
  citation: hipaa(s.letter),
  description: s.description,
  detect: s.detect,
})

function fromPatterns(category: PatternHit['category'], label: string) {
  return (ctx: ScreenContext): Detection[] => {
    const out: Detection[] = []
    for (const field of screened(ctx)) {
      for (const h of patternHits(ctx, field)) {
        if (h.category !== category) continue
        out.push({
          field: field.name,
          start: h.start,
          end: h.end,
          severity: h.severity,
          message: `${label}: ${h.what}.`,
          suggestion: h.suggestion,
        })
      }
    }
    return out
  }
}

const nameRule = rule({
  name: 'name',
  category: 'name',
  letter: 'A',
  severity: 'block',
  description:
    "Names of patients and their relatives (not eponyms, trials, guideline bodies or the author's own name).",
  detect(ctx) {
    const out: Detection[] = []
    for (const field of screened(ctx)) {
      for (const e of entities(ctx, field)) {
        if (e.kind !== 'name') continue
        out.push({
          field: field.name,
          start: e.start,
          end: e.end,
          severity: e.severity,
          message: `Possible name: ${e.reason}.`,
          suggestion: '[patient]',
        })
      }
    }
    return out
  },
})

const locationRule = rule({
  name: 'location',
  category: 'location',
  letter: 'B',
  severity: 'block',
  description:
    'Street addresses, towns and villages, postcodes, ward, bed and room numbers, named practices.',
  detect(ctx) {
    const out: Detection[] = []
    for (const field of screened(ctx)) {
      for (const e of entities(ctx, field)) {
        if (e.kind !== 'location') continue
        out.push({
          field: field.name,
          start: e.start,
          end: e.end,
          severity: e.severity,
          message: `Location: ${e.reason}.`,
          suggestion: '[place]',
        })
      }
      for (const h of patternHits(ctx, field)) {
        if (h.category !== 'location') continue
        out.push({
          field: field.name,
          start: h.start,
          end: h.end,
          severity: h.severity,
          message: `Location: ${h.what}.`,
          suggestion: h.suggestion,
        })
      }
      for (const h of phraseHits(ctx, field)) {
        if (h.kind !== 'ward') continue
        out.push({
          field: field.name,
          start: h.start,
          end: h.end,
          severity: h.severity,
          message: `Location: ${h.what}, which with a date points to one patient.`,
          suggestion: '[ward]',
          citation: hipaa('R'),
        })
      }
    }
    return out
  },
})

const dateRule = rule({
  name: 'date',
  category: 'date',
  letter: 'C',
  severity: 'block',
  description:
    'Dates more specific than a year (admission, birth, death, discharge); years alone and times of day are not flagged.',
  detect(ctx) {
    const out: Detection[] = []
    for (const field of screened(ctx)) {
      for (const h of dateHits(ctx, field)) {
        if (h.kind !== 'date') continue
        const why = h.severity === 'block' ? 'tied to a patient' : 'check it is not tied to a patient'
        out.push({
          field: field.name,
          start: h.start,
          end: h.end,
          severity: h.severity,
          message: `Date: ${h.what}, ${why}; give the year only.`,
          suggestion: '[date]',
        })
      }
    }
    return out
  },
})

const ageRule = rule({
  name: 'age',
  category: 'age',
  letter: 'C',
  severity: 'block',
  description: 'Ages over 89, which must be given as "90 or older".',
  detect(ctx) {
    const out: Detection[] = []
    for (const field of screened(ctx)) {
      for (const h of dateHits(ctx, field)) {
        if (h.kind !== 'age') continue
        out.push({
          field: field.name,
          start: h.start,
          end: h.end,
          severity: 'block',
          message: `Age: ${h.what}; write "90 or older".`,
          suggestion: '[age 90+]',
        })
      }
    }
    return out
  },
})

function fromPhrases(kind: PhraseHit['kind'], label: string, suggestion: string) {
  return (ctx: ScreenContext): Detection[] => {
    const out: Detection[] = []
    for (const field of screened(ctx)) {
      for (const h of phraseHits(ctx, field)) {
        if (h.kind !== kind) continue
        out.push({
          field: field.name,
          start: h.start,
          end: h.end,
          severity: h.severity,
          message: `${label}: ${h.what}.`,
          suggestion,
        })
      }
    }
    return out
  }
}

const QUASI_KINDS = ['age', 'place', 'date', 'rare', 'occupation'] as const
type QuasiKind = (typeof QUASI_KINDS)[number]

const quasiRule: Rule = {
  id: 'confidentiality.quasi-identifier',
  pack: PACK,
  category: 'quasi-identifier',
  severity: 'warn',
  citation: GMC_SUM,
  description:
    'Age, a rare condition, a place, a date and an occupation together can identify a patient even when none does alone.',
  detect(ctx) {
    const found = new Map<
      QuasiKind,
      { field: ScreenField['name']; start: number; end: number; text: string }
    >()
    const note = (k: QuasiKind, field: ScreenField, start: number, end: number) => {
      if (!found.has(k)) found.set(k, { field: field.name, start, end, text: field.text.slice(start, end) })
    }
    for (const field of screened(ctx)) {
      for (const h of dateHits(ctx, field)) {
        if (h.kind === 'age' || h.kind === 'any-age') note('age', field, h.start, h.end)
        else note('date', field, h.start, h.end)
      }
      for (const e of entities(ctx, field)) if (e.kind === 'location') note('place', field, e.start, e.end)
      for (const h of patternHits(ctx, field))
        if (h.category === 'location') note('place', field, h.start, h.end)
      for (const h of phraseHits(ctx, field)) {
        if (h.kind === 'ward') note('place', field, h.start, h.end)
        if (h.kind === 'rare') note('rare', field, h.start, h.end)
        if (h.kind === 'occupation') note('occupation', field, h.start, h.end)
      }
    }
    if (found.size < 3) return []
    const anchor =
      found.get('rare') ??
      found.get('occupation') ??
      found.get('age') ??
      found.get('place') ??
      found.get('date')
    if (!anchor) return []
    const parts = QUASI_KINDS.filter((k) => found.has(k)).map((k) => `${k} ("${found.get(k)?.text}")`)
    return [
      {
        field: anchor.field,
        start: anchor.start,
        end: anchor.end,
        message: `Together these details could identify the patient: ${parts.join(', ')}. Remove or blur some of them.`,
        suggestion: 'Generalise the details (an age band, the region, the year)',
      },
    ]
  },
}

export const confidentialityRules: readonly Rule[] = [
  nameRule,
  locationRule,
  dateRule,
  ageRule,
  rule({
    name: 'phone',
    category: 'phone',
    letter: 'D',
    severity: 'block',
    description: 'Telephone numbers.',
    detect: fromPatterns('phone', 'Telephone number'),
  }),
  rule({
    name: 'fax',
    category: 'fax',
    letter: 'E',
    severity: 'block',
    description: 'Fax numbers.',
    detect: fromPatterns('fax', 'Fax number'),
  }),
  rule({
    name: 'email',
    category: 'email',
    letter: 'F',
    severity: 'block',
    description: 'E-mail addresses.',
    detect: fromPatterns('email', 'E-mail address'),
  }),
  rule({
    name: 'ssn',
    category: 'ssn',
    letter: 'G',
    severity: 'block',
    description: 'US Social Security numbers.',
    detect: fromPatterns('ssn', 'Social Security number'),
  }),
  rule({
    name: 'mrn',
    category: 'mrn',
    letter: 'H',
    severity: 'block',
    description:
      'Medical record numbers, hospital numbers and NHS numbers (checked with their modulus-11 digit).',
    detect: fromPatterns('mrn', 'Medical record number'),
  }),
  rule({
    name: 'health-plan',
    category: 'health-plan',
    letter: 'I',
    severity: 'block',
    description: 'Health-plan beneficiary and insurance numbers.',
    detect: fromPatterns('health-plan', 'Health-plan number'),
  }),
  rule({
    name: 'account',
    category: 'account',
    letter: 'J',
    severity: 'block',
    description: 'Account numbers: bank accounts and IBANs (mod-97 checked), payment cards (Luhn checked).',
    detect: fromPatterns('account', 'Account number'),
  }),
  rule({
    name: 'license',
    category: 'license',
    letter: 'K',
    severity: 'block',
    description: 'Certificate and licence numbers (driving licence, professional registration).',
    detect: fromPatterns('license', 'Licence number'),
  }),
  rule({
    name: 'vehicle',
    category: 'vehicle',
    letter: 'L',
    severity: 'block',
    description: 'Vehicle registrations and VINs.',
    detect: fromPatterns('vehicle', 'Vehicle identifier'),
  }),
  rule({
    name: 'device',
    category: 'device',
    letter: 'M',
    severity: 'block',
    description: 'Device identifiers and serial numbers.',
    detect: fromPatterns('device', 'Device identifier'),
  }),
  rule({
    name: 'url',
    category: 'url',
    letter: 'N',
    severity: 'warn',
    description: 'Web addresses; links to personal profiles block.',
    detect: fromPatterns('url', 'Web address'),
  }),
  rule({
    name: 'ip',
    category: 'ip',
    letter: 'O',
    severity: 'block',
    description: 'IP addresses.',
    detect: fromPatterns('ip', 'IP address'),
  }),
  rule({
    name: 'photo',
    category: 'photo',
    letter: 'Q',
    severity: 'block',
    description: 'Text saying an attached image shows a face, a wristband or a name.',
    detect: fromPhrases('photo', 'Image', 'Crop or blur the face, band or name, or attach a consent record'),
  }),
  rule({
    name: 'unique',
    category: 'unique',
    letter: 'R',
    severity: 'block',
    description:
      'Unique characteristics: "the only …", records and firsts, fame, distinctive marks, an occupation in a small place.',
    detect(ctx) {
      const out = fromPhrases('unique', 'Unique characteristic', 'Describe it less specifically')(ctx)
      // "the retired vicar from Little Snoring": an occupation with a named town or village
      // close after it can point to one person.
      for (const field of screened(ctx)) {
        const places = entities(ctx, field).filter((e) => e.kind === 'location' && e.severity !== 'info')
        if (!places.length) continue
        for (const h of phraseHits(ctx, field)) {
          if (h.kind !== 'occupation') continue
          const place = places.find((p) => p.start >= h.end && p.start - h.end <= 40)
          if (!place || /[.!?\n]/.test(field.text.slice(h.end, place.start))) continue
          out.push({
            field: field.name,
            start: h.start,
            end: place.end,
            severity: 'warn',
            message: `Unique characteristic: ${h.what} in a named place can point to one person.`,
            suggestion: 'Describe the job or the place less specifically',
          })
        }
      }
      return out
    },
  }),
  quasiRule,
]
