import type { ScreenContext, ScreenField } from '../../rule.ts'
import { analyse } from './analysis.ts'
import { execAll, SpanMask } from './scan.ts'

/**
 * Identifiers found by phrases rather than shapes: ward, bed and room numbers; "the only …"
 * and other unique characteristics; text saying an image shows a face, a wristband or a name;
 * and the clues (occupation, rare condition) the quasi-identifier rule adds up.
 */
export type PhraseHit = {
  kind: 'ward' | 'unique' | 'photo' | 'occupation' | 'rare'
  start: number
  end: number
  severity: 'block' | 'warn' | 'info'
  what: string
}

const WARD =
  /\b(?:ward|bay|bed|room|side[- ]room|cubicle|pod|resus|majors|minors|theatre|cot|incubator|unit|floor)\s*(?:no\.?\s*|number\s*|#\s*)?(?:[A-Z]?\d{1,3}[A-Z]?|[A-Z])\b/gi
const NAMED_WARD = /\b(?:[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)\s+(?:[Ww]ard|[Uu]nit)\b/g
const NAMED_WARD_SKIP =
  /^(?:The|This|That|Our|A|An|Acute|Medical|Surgical|General|Intensive|High|Coronary|Stroke|Renal|Neonatal|Maternity|Labour|Paediatric|Pediatric|Children's|Emergency|Assessment|Admissions|Short|Day|Covid|COVID|Respiratory|Cardiac|Burns|Trauma|Care|Side|Isolation|Private|Psychiatric|Mental|Dementia|Elderly|Frailty|Observation|Ambulatory|Clinical|Decisions|Dialysis|Oncology|Haematology|Cancer|Palliative|Rehab|Rehabilitation|Orthopaedic|Spinal|Neuro|Neurology|Cardiology|Gastro|Each|Every|Which|Whole|Same|Other|Different|New|Old|Busy|Quiet)\b/
const UNIQUE_ONLY =
  /\bthe only (?:[\p{L}'-]+\s+){0,3}?(?:patient|person|man|woman|boy|girl|child|baby|kid|one|resident|family|case|survivor|twin|triplets?|[\p{L}]{3,}(?:er|ist|or|ian))s?\b(?:[^.!?\n]{0,50}?\b(?:in|on|at|from|of|with|who|to)\b(?:\s+(?:the|our|this|my|their|his|her))?(?:\s+[\p{L}-]+){1,2})?/giu
const UNIQUE_IN_PLACE =
  /\bthe only\s+(?:[\p{L}'-]+\s+){1,4}?(?:in|on|at|from|of)\s+(?:the|our|this|my|their|his|her)?\s*(?:village|town|city|area|county|island|school|practice|country|world|uk|us|state|region|street|estate|ward|hospital|trust|parish|valley|district)\b/giu
const UNIQUE_PLACE =
  /\b(?:in|on|at|of|from)\s+(?:the|our|this|my|their|his|her)?\s*(?:village|town|city|area|county|island|school|practice|country|world|uk|us|state|region|street|estate|ward|hospital|trust|parish|valley|district)\b/i
const UNIQUE_RECORD =
  /\b(?:the|a)\s+(?:world'?s\s+)?(?:youngest|oldest|first|tallest|heaviest|smallest|last surviving)\s+(?:(?:known|recorded|living|ever|documented|reported)\s+)?(?:patient|person|man|woman|child|baby|case|survivor|recipient|mother|father)\b[^.!?\n]{0,30}?\b(?:in|to|ever|on record|since)\b/giu
const UNIQUE_FAME =
  /\b(?:famous|well[- ]known|a celebrity|local celebrity|local (?:mp|councillor|mayor|vicar|priest|footballer|news)|went viral|in the (?:local )?(?:news|papers|newspapers)|on the front page|(?:distinctive|unusual|large) (?:tattoo|birthmark|scar))\b/gi
const PHOTO =
  /\b(?:photos?|photographs?|pictures?|pics?|images?|selfies?|videos?|clips?|footage|x-?rays?|scans?|screenshots?|snaps?)\b[^.!?\n]{0,60}?\b(?:(?:his|her|their|the patient'?s|pt'?s|patient'?s)\s+(?:face|eyes|name|tattoo|wristband)|faces?|facial|wrist ?bands?|name ?bands?|id bands?|hospital bands?|name badges?|name tags?|tattoos?|full[- ]face|identifiable|recogni[sz]able|name (?:on|visible|shown)|nhs number|hospital number|address)\b/gi
const PHOTO_REVERSE =
  /\b(?:face|faces|wristband|name ?band|name badge|tattoo|name)\s+(?:is\s+|are\s+)?(?:clearly\s+)?(?:visible|shown|showing|in (?:the )?(?:photo|picture|image|shot|frame|video))\b/gi
const PHOTO_OF_PATIENT =
  /\b(?:photo|photograph|picture|pic|image|selfie|video)s?\s+(?:of|with)\s+(?:the |this |my |our |a )?(?:patient|pt|him|her|them|baby|child|kid|lady|gentleman|man|woman)\b/gi
const OCCUPATIONS = new Set(
  `vicar priest rabbi imam headteacher teacher mayor mp councillor postman postwoman footballer athlete farmer publican
landlord firefighter policeman soldier pilot judge lawyer solicitor barrister journalist actor actress singer musician
celebrity politician chef miner fisherman lifeguard shopkeeper butcher baker builder electrician plumber dentist vet
hairdresser`.split(/\s+/),
)
const OCCUPATION_PAIRS = new Set([
  'head teacher',
  'police officer',
  'taxi driver',
  'bus driver',
  'lorry driver',
  'truck driver',
])
const RARE =
  /\b(?:rare|very rare|extremely rare|ultra-?rare|unusual|one in a million|1 in (?:a )?(?:\d{1,3}[, ]?)?(?:\d{3}[, ]?)*(?:thousand|million|000)|first (?:case|reported)|only (?:a )?(?:handful|few) (?:cases|reported)|orphan disease|case report)\b/gi

const PHOTO_WORDS = /photo|pic|image|video|selfie|clip|footage|ray|scan|screenshot|snap/i

/**
 * The phrase hits of a field. The phrases are English; Spanish text has its own rules
 * (packs/confidentiality/es), so for it there are none here.
 */
export function phraseHits(ctx: ScreenContext, field: ScreenField): PhraseHit[] {
  if (ctx.language !== 'en') return []
  return ctx.memo(`confidentiality.phrases:${field.name}`, () => findPhrases(ctx, field))
}

function findPhrases(ctx: ScreenContext, field: ScreenField): PhraseHit[] {
  const text = field.text
  const out: PhraseHit[] = []
  const lower = text.toLowerCase()
  for (const m of /\d|ward|bay|bed|room|cubicle|resus|majors|minors|theatre|cot|pod/.test(lower)
    ? execAll(WARD, text)
    : []) {
    const word = (m[0].match(/^[\p{L}-]+/u)?.[0] ?? '').toLowerCase()
    const id = m[0].slice(m[0].search(/[A-Z0-9]+$/i))
    // "unit 5" and "floor 2" are addresses elsewhere; here only with a digit.
    if ((word === 'unit' || word === 'floor' || word === 'theatre') && !/\d/.test(id)) continue
    if (!/\d/.test(id) && !/^[A-Z]$/.test(id)) continue
    // "room 101" fine; "bed 1" fine; but "Ward" + single letter needs a capital W ("Ward B")
    if (!/\d/.test(id) && !/^[A-Z]/.test(m[0])) continue
    out.push({
      kind: 'ward',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'block',
      what: 'a ward, bed or room number',
    })
  }
  for (const m of lower.includes('ward') || lower.includes('unit') ? execAll(NAMED_WARD, text) : []) {
    if (NAMED_WARD_SKIP.test(m[0])) continue
    out.push({
      kind: 'ward',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'warn',
      what: 'a named ward',
    })
  }
  const taken = new SpanMask(text.length)
  for (const m of lower.includes('only') ? execAll(UNIQUE_IN_PLACE, text) : []) {
    out.push({
      kind: 'unique',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'block',
      what: 'a unique characteristic ("the only …")',
    })
    taken.add(m.index, m.index + m[0].length)
  }
  for (const m of lower.includes('only') ? execAll(UNIQUE_ONLY, text) : []) {
    if (taken.overlaps(m.index, m.index + m[0].length)) continue
    const place = UNIQUE_PLACE.test(m[0]) || /\b(?:in|at|from|of)\s+\p{Lu}/u.test(m[0])
    out.push({
      kind: 'unique',
      start: m.index,
      end: m.index + m[0].length,
      severity: place ? 'block' : 'warn',
      what: 'a unique characteristic ("the only …")',
    })
  }
  for (const m of /youngest|oldest|first|tallest|heaviest|smallest|surviving/.test(lower)
    ? execAll(UNIQUE_RECORD, text)
    : []) {
    out.push({
      kind: 'unique',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'warn',
      what: 'a record or a first that singles someone out',
    })
  }
  for (const m of /famous|known|celebrit|local|viral|news|paper|front page|tattoo|birthmark|scar/.test(lower)
    ? execAll(UNIQUE_FAME, text)
    : []) {
    out.push({
      kind: 'unique',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'warn',
      what: 'a detail that makes a person recognisable',
    })
  }
  const visual = PHOTO_WORDS.test(text)
  const shown = /visible|shown|showing|photo|picture|image|shot|frame|video/.test(lower)
  for (const re of visual ? [PHOTO, PHOTO_REVERSE] : shown ? [PHOTO_REVERSE] : []) {
    for (const m of execAll(re, text)) {
      out.push({
        kind: 'photo',
        start: m.index,
        end: m.index + m[0].length,
        severity: 'block',
        what: 'an image that shows a face, a wristband or a name',
      })
    }
  }
  for (const m of visual ? execAll(PHOTO_OF_PATIENT, text) : []) {
    out.push({
      kind: 'photo',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'warn',
      what: 'an image of a patient: a consent record is needed',
    })
  }
  const toks = analyse(ctx, field).toks
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k] as (typeof toks)[number]
    const f = t.f.endsWith('s') && OCCUPATIONS.has(t.f.slice(0, -1)) ? t.f.slice(0, -1) : t.f
    const nx = toks[k + 1]
    if (nx && nx.gap === ' ' && OCCUPATION_PAIRS.has(`${t.f} ${nx.f}`)) {
      out.push({
        kind: 'occupation',
        start: t.start,
        end: nx.end,
        severity: 'info',
        what: `an occupation (${t.text} ${nx.text})`,
      })
      k++
    } else if (OCCUPATIONS.has(f)) {
      out.push({
        kind: 'occupation',
        start: t.start,
        end: t.end,
        severity: 'info',
        what: `an occupation (${t.text})`,
      })
    }
  }
  for (const m of /rare|unusual|million|1 in|first|handful|few|orphan|case report/.test(lower)
    ? execAll(RARE, text)
    : [])
    out.push({
      kind: 'rare',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'info',
      what: `a rare condition (${m[0]})`,
    })
  return out
}
