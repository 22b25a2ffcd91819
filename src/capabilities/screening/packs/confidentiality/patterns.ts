import type { ScreenContext, ScreenField } from '../../rule.ts'
import { ibanValid, luhnValid, nhsNumberValid, ssnPlausible, vinValid } from './checksums.ts'
import { execAll, SpanMask } from './scan.ts'

/**
 * Language-independent identifiers found by their shape (and a check digit where there is
 * one): e-mail, URL, IP, phone and fax, SSN, MRN and NHS number, payment card, IBAN and other
 * account numbers, health-plan, licence, vehicle and device numbers, postcodes. One pass per
 * field, memoised, so the separate rules (one per HIPAA category, for policy overrides) share it.
 */
export type PatternHit = {
  category:
    | 'email'
    | 'url'
    | 'ip'
    | 'phone'
    | 'fax'
    | 'ssn'
    | 'mrn'
    | 'account'
    | 'health-plan'
    | 'license'
    | 'vehicle'
    | 'device'
    | 'location'
  start: number
  end: number
  severity: 'block' | 'warn' | 'info'
  what: string
  suggestion: string
}

// The lookbehind makes a match start only where a run of address characters starts (linear, not quadratic).
const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu
const URL_RE =
  /\b(?:https?:\/\/|www\.)[^\s<>"'`]+|(?<![a-z0-9.-])(?:[a-z0-9-]{1,63}\.){1,10}(?:com|org|net|edu|gov|io|co|uk|us|de|fr|es|it|nl|be|se|dk|no|fi|ch|at|cz|pl|pt|br|ca|au|nz|ie|in|jp|cn|ru|info|biz|me|ly|app|dev|health|online|site|xyz|tv|uy|cy|hu|gr|ee|is)(?:\/[^\s<>"'`]*)?/gi
const SOCIAL_PROFILE =
  /(?:facebook|fb|instagram|twitter|x|tiktok|linkedin|youtube|threads|bsky|mastodon\.[a-z]+)\.(?:com|app|social|net)\/(?:@|in\/|user\/|profile)?[A-Za-z0-9_.-]{2,}/i
const IPV4 = /\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g
const IPV6 =
  /(?<![\w:])(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}(?![\w:])|(?<![\w:])(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}(?::[0-9a-f]{1,4}){0,5})?(?![\w:])/gi
// A run of digit groups: "+44 (0)20 7946 0958", "(37) 788-063", "780-999-2181", "4454794511390933".
const NUMBER_RUN =
  /(?<![\w.]|\d[,/:-])(?:\+\s?\d{1,3}[\s.-]?)?(?:\(\s?\d{1,5}\s?\)[\s.-]?)?\d[\d]*(?:(?:[ ]|[.\-/]|[ ]?-[ ]?)(?:\(0\))?[ ]?\d+){0,7}(?![\w]|[.,-]\d)/g
const SSN_RE = /(?<![\d-])(\d{3})-(\d{2})-(\d{4})(?![\d-])/g
const IBAN_RE = /\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Za-z0-9]{4}){2,7}(?:[ ]?[A-Za-z0-9]{1,4})?\b/g
const UK_POSTCODE = /\b(?:[A-Z]{1,2}\d[A-Z\d]?|GIR) ?\d[ABD-HJLNP-UW-Z]{2}\b/g
const CA_POSTCODE = /\b[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] ?\d[ABCEGHJ-NPRSTV-Z]\d\b/g
const UK_PLATE = /\b[A-Z]{2}\d{2} ?[A-Z]{3}\b/g
const VIN = /\b[A-HJ-NPR-Z0-9]{17}\b/gi
// Letters and digits mixed, 6 to 20 characters: an identifier when a cue word stands before it.
const ALNUM_ID = /\b(?=[A-Z0-9-]{0,19}\d)(?=[A-Z0-9-]{0,19}[A-Z])[A-Z0-9][A-Z0-9-]{4,18}[A-Z0-9]\b/gi

// Cue words, looked for in the 40 characters before a number.
const CUE_PHONE =
  /(?:phone|tel|telephone|mobile|mob|cell|call|ring|text|sms|whatsapp|contact|number|no|answering|reach|dial|landline|office|messages to|on)(?:\s+(?:me|us|him|her|them))?(?:\s+(?:at|on))?\W*$/i
const CUE_FAX = /fax\W*$/i
const CUE_SSN = /(?:ssn|social security|social-security|ss#|ss no)\W*(?:number|no|#)?\W*(?:is)?\W*$/i
const CUE_MRN =
  /(?:mrn|medical record|record number|record no|hospital number|hospital no|hosp no|patient id|patient number|pt id|case number|nhs number|nhs no|chi number|chi no|nhc|unit number|hn|ur number|urn)\W*(?:is|was|:|#)?\W*$/i
const CUE_PLAN =
  /(?:health plan|insurance|insurer|policy|member|membership|medicare|medicaid|beneficiary|subscriber|group|plan)\W*(?:id|number|no|#)?\W*(?:is)?\W*$/i
const CUE_ACCOUNT =
  /(?:account|acct|a\/c|card|cc|iban|sort code|routing|bank|billing|invoice)\W*(?:number|no|#)?\W*(?:is)?\W*$/i
const CUE_REGISTRATION =
  /(?:gmc|nmc|npi|dea|hcpc|gphc|ahpra)\W*(?:number|no|#|reg(?:istration)?)?\W*(?:is)?\W*$/i
const CUE_LICENSE =
  /(?:licen[cs]e|driver'?s?|driving|dl|permit|registration|gmc|nmc|dea|npi|hcpc|certificate|cert)\W*(?:number|no|#)?\W*(?:is)?\W*$/i
const CUE_DEVICE =
  /(?:serial|s\/n|sn|device|imei|udi|pacemaker|implant|lot|model)\W*(?:number|no|id|#)?\W*(?:is)?\W*$/i
const CUE_VEHICLE =
  /(?:plate|number plate|licen[cs]e plate|reg|registration|vin|vehicle|car)\W*(?:number|no|#)?\W*(?:is)?\W*$/i
const CUE_ZIP = /(?:zip|zip code|postcode|post code|postal code|cp|c\.p\.)\W*(?:is)?\W*$/i
const CUE_DOSE_AFTER =
  /^\s*(?:mg|mcg|µg|ug|g|kg|ml|mL|l|L|mmol|mol|iu|IU|units?|%|mmhg|mmHg|bpm|cm|mm|km|m|min|mins|h|hr|hrs|hours?|days?|weeks?|months?|years?|yrs?|x|°|kcal|cc)\b/

const ID_CUE_WINDOW = 40

function before(text: string, i: number): string {
  return text.slice(Math.max(0, i - ID_CUE_WINDOW), i)
}

/** All the shape-found identifiers in a field. */
export function patternHits(ctx: ScreenContext, field: ScreenField): PatternHit[] {
  return ctx.memo(`confidentiality.patterns:${field.name}`, () => findPatterns(field.text))
}

function findPatterns(text: string): PatternHit[] {
  const out: PatternHit[] = []
  const mask = new SpanMask(text.length)
  const overlaps = (s: number, e: number) => mask.overlaps(s, e)
  const add = (h: PatternHit) => {
    out.push(h)
    mask.add(h.start, h.end)
  }

  // Cheap tests first: most texts have no '@', no ':' and few digits.
  const hasDigit = /\d/.test(text)
  const hasAt = text.includes('@')
  const hasColon = text.includes(':') && /[0-9a-f]{1,4}:[0-9a-f]{0,4}:/i.test(text)
  // Letters and digits side by side: IBANs, VINs, postcodes, plates and coded IDs need them.
  const mixed = hasDigit && /\d[A-Za-z]|[A-Za-z]\d/.test(text)
  const hasDot = text.includes('.')
  for (const m of hasAt ? execAll(EMAIL, text) : []) {
    add({
      category: 'email',
      start: m.index,
      end: m.index + m[0].length,
      severity: 'block',
      what: 'an e-mail address',
      suggestion: '[email]',
    })
  }
  for (const m of hasDot ? execAll(URL_RE, text) : []) {
    let s = m[0].replace(/[.,;:!?)\]]+$/, '')
    const start = m.index
    if (overlaps(start, start + s.length)) continue
    if (/^(?:https?:\/\/)?(?:dx\.)?doi\.org\//i.test(s) || /^10\.\d{4,9}\//.test(s)) continue
    // Bare "e.g" or "i.e" and file names are not domains.
    if (!/[/:]/.test(s) && !/^www\./i.test(s) && /^[a-z]{1,2}\.[a-z]{1,2}$/i.test(s)) continue
    if (!/^(?:https?:|www\.)/i.test(s) && /\.(?:png|jpe?g|gif|pdf|docx?|txt)$/i.test(s)) continue
    const profile = SOCIAL_PROFILE.test(s)
    s = s.replace(/\s+$/, '')
    add({
      category: 'url',
      start,
      end: start + s.length,
      severity: profile ? 'block' : 'warn',
      what: profile
        ? "a link to a person's social-media profile"
        : 'a web address: check it does not lead to the patient',
      suggestion: '[link]',
    })
  }
  for (const re of hasDigit ? (hasColon ? [IPV4, IPV6] : [IPV4]) : []) {
    for (const m of execAll(re, text)) {
      const start = m.index
      const end = start + m[0].length
      if (overlaps(start, end)) continue
      if (re === IPV6 && !/\d/.test(m[0])) continue
      if (re === IPV6 && m[0].split(':').filter(Boolean).length < 3) continue
      add({
        category: 'ip',
        start,
        end,
        severity: 'block',
        what: 'an IP address',
        suggestion: '[IP address]',
      })
    }
  }
  for (const m of mixed ? execAll(IBAN_RE, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end) || !ibanValid(m[0])) continue
    add({
      category: 'account',
      start,
      end,
      severity: 'block',
      what: 'a bank account number (IBAN)',
      suggestion: '[account]',
    })
  }
  for (const m of hasDigit ? execAll(SSN_RE, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end)) continue
    const cue = CUE_SSN.test(before(text, start))
    if (!cue && !ssnPlausible(m[1] as string, m[2] as string, m[3] as string)) continue
    add({
      category: 'ssn',
      start,
      end,
      severity: 'block',
      what: 'a Social Security number',
      suggestion: '[SSN]',
    })
  }
  for (const m of mixed ? execAll(VIN, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end) || !/\d/.test(m[0]) || !/[A-Z]/i.test(m[0])) continue
    if (vinValid(m[0]) || CUE_VEHICLE.test(before(text, start))) {
      add({
        category: 'vehicle',
        start,
        end,
        severity: 'block',
        what: 'a vehicle identification number',
        suggestion: '[vehicle]',
      })
    }
  }
  if (hasDigit) numberRuns(text, overlaps, add)
  // Alphanumeric identifiers after a cue word: "MRN A1234567", "licence F162823540116".
  for (const m of hasDigit ? execAll(ALNUM_ID, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end)) continue
    const b = before(text, start)
    const cat = cueCategory(b)
    if (cat) add({ ...cat, start, end })
  }
  for (const m of mixed ? execAll(UK_POSTCODE, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end)) continue
    // "A1 1AA" shapes collide with a few clinical shorthands ("HbA1c 7"), so insist on the
    // full outward + inward shape with letters.
    add({ category: 'location', start, end, severity: 'block', what: 'a postcode', suggestion: '[postcode]' })
  }
  for (const m of mixed ? execAll(CA_POSTCODE, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end)) continue
    add({
      category: 'location',
      start,
      end,
      severity: 'block',
      what: 'a postal code',
      suggestion: '[postcode]',
    })
  }
  for (const m of mixed ? execAll(UK_PLATE, text) : []) {
    const start = m.index
    const end = start + m[0].length
    if (overlaps(start, end)) continue
    if (
      !CUE_VEHICLE.test(before(text, start)) &&
      !/\b(?:car|drive|drives|driving|parked|vehicle|van|taxi)\b/i.test(
        text.slice(Math.max(0, start - 80), end + 40),
      )
    )
      continue
    add({
      category: 'vehicle',
      start,
      end,
      severity: 'block',
      what: 'a vehicle registration',
      suggestion: '[vehicle]',
    })
  }
  out.sort((a, b) => a.start - b.start || a.end - b.end)
  return out
}

function cueCategory(b: string): Omit<PatternHit, 'start' | 'end'> | undefined {
  if (CUE_MRN.test(b))
    return { category: 'mrn', severity: 'block', what: 'a medical record number', suggestion: '[MRN]' }
  if (CUE_SSN.test(b))
    return { category: 'ssn', severity: 'block', what: 'a Social Security number', suggestion: '[SSN]' }
  // A clinician's professional registration (GMC, NMC, NPI, DEA) is often the author's own,
  // and is no patient identifier: it warns. A driving licence or permit number blocks.
  if (CUE_REGISTRATION.test(b))
    return {
      category: 'license',
      severity: 'warn',
      what: 'a professional registration number (fine if it is your own)',
      suggestion: '[registration]',
    }
  if (CUE_LICENSE.test(b))
    return {
      category: 'license',
      severity: 'block',
      what: 'a licence or registration number',
      suggestion: '[licence]',
    }
  if (CUE_DEVICE.test(b))
    return {
      category: 'device',
      severity: 'block',
      what: 'a device identifier or serial number',
      suggestion: '[device]',
    }
  if (CUE_VEHICLE.test(b))
    return { category: 'vehicle', severity: 'block', what: 'a vehicle identifier', suggestion: '[vehicle]' }
  if (CUE_PLAN.test(b))
    return {
      category: 'health-plan',
      severity: 'block',
      what: 'a health-plan or insurance number',
      suggestion: '[health plan]',
    }
  if (CUE_ACCOUNT.test(b))
    return { category: 'account', severity: 'block', what: 'an account number', suggestion: '[account]' }
  return undefined
}

function numberRuns(
  text: string,
  overlaps: (s: number, e: number) => boolean,
  add: (h: PatternHit) => void,
): void {
  for (const m of execAll(NUMBER_RUN, text)) {
    let raw = m[0]
    const start = m.index
    // Drop a trailing separator group that is really the start of something else.
    raw = raw.replace(/[\s.\-/]+$/, '')
    const end = start + raw.length
    if (overlaps(start, end)) continue
    const digits = raw.replace(/\D/g, '')
    const nd = digits.length
    const b = before(text, start)
    if (nd >= 3 && nd <= 9 && CUE_ZIP.test(b)) {
      add({
        category: 'location',
        start,
        end,
        severity: 'block',
        what: 'a postal code',
        suggestion: '[postcode]',
      })
      continue
    }
    if (nd < 5) continue
    const after = text.slice(end, end + 12)
    const hasPlus = raw.startsWith('+')
    const groups = raw.split(/[^\d]+/).filter(Boolean)
    const seps = raw.replace(/[\d+()]/g, '')
    const cued = cueCategory(b)
    // Dates and times belong to the date rule; decimals and ranges to nobody (unless a cue
    // such as "licence number" says what the digits are).
    if (!cued && /^\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}$/.test(raw)) continue
    if (/^\d+\.\d+$/.test(raw) || /^\d+\/\d+$/.test(raw)) continue
    if (groups.every((g) => /^(?:19|20)\d{2}$/.test(g))) continue
    if (CUE_DOSE_AFTER.test(after) && !hasPlus && nd < 9) continue
    if (cued && cued.category !== 'account') {
      add({ ...cued, start, end })
      continue
    }
    // NHS number: ten digits, 3-3-4, with its check digit; or after an NHS cue.
    if (
      nd === 10 &&
      nhsNumberValid(digits) &&
      /^\d{3}[ -]?\d{3}[ -]?\d{4}$/.test(raw) &&
      !CUE_PHONE.test(b)
    ) {
      add({
        category: 'mrn',
        start,
        end,
        severity: 'block',
        what: 'an NHS number',
        suggestion: '[NHS number]',
      })
      continue
    }
    // Payment cards: 12-19 digits passing Luhn, written whole or in groups of four.
    if (
      nd >= 12 &&
      nd <= 19 &&
      !hasPlus &&
      luhnValid(digits) &&
      (groups.length === 1 || groups.every((g) => g.length === 4 || g.length <= 6))
    ) {
      const phoneLike = /^\(?\d{3,5}\)?[ -]\d{3}[ -]\d{3,4}$/.test(raw) && CUE_PHONE.test(b)
      if (!phoneLike) {
        add({
          category: 'account',
          start,
          end,
          severity: 'block',
          what: 'a payment card number',
          suggestion: '[card]',
        })
        continue
      }
    }
    if (cued) {
      add({ ...cued, start, end })
      continue
    }
    const fax = CUE_FAX.test(b) || /^\s*[-(]?\s*fax\b/i.test(after)
    const phoneCue = CUE_PHONE.test(b) || /^\s*[-(]?\s*(?:office|mobile|cell|home|work|tel)\b/i.test(after)
    // Phones: 9-15 digits with phone-like grouping, or a leading +; 7-8 digits only with a cue.
    const phoneShape = groups.length >= 2 || hasPlus || raw.includes('(')
    // "60-56-85-91", "71 33 52 22": four pairs
    const pairs = /^\d{2}([ .-])\d{2}\1\d{2}\1\d{2}$/.test(raw)
    if (
      (nd >= 9 && nd <= 15 && (phoneShape || phoneCue || fax)) ||
      (hasPlus && nd >= 7 && nd <= 15) ||
      (nd >= 7 && nd <= 8 && phoneShape && (phoneCue || fax || pairs || /^\d{3}[ -]\d{4}$/.test(raw)))
    ) {
      if (fax)
        add({ category: 'fax', start, end, severity: 'block', what: 'a fax number', suggestion: '[fax]' })
      else
        add({
          category: 'phone',
          start,
          end,
          severity: 'block',
          what: 'a telephone number',
          suggestion: '[phone]',
        })
      continue
    }
    if (CUE_ZIP.test(b) && nd >= 3 && nd <= 9) {
      add({
        category: 'location',
        start,
        end,
        severity: 'block',
        what: 'a postal code',
        suggestion: '[postcode]',
      })
      continue
    }
    // Long bare digit strings (8+) are some identifier: an account, a record, a card.
    if (nd >= 8 && groups.length === 1 && seps === '') {
      add({
        category: 'account',
        start,
        end,
        severity: 'warn',
        what: 'a long number that may identify a person or account',
        suggestion: '[number]',
      })
    }
  }
}
