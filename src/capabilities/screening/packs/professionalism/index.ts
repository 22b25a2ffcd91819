import { type DerogatoryTerm, derogatoryTerms } from '../../lexicons/derogatory.ts'
import { type Detection, itemAnchor, type Rule, type ScreenField } from '../../rule.ts'
import type { FieldName } from '../../screening.schema.ts'
import { execAll, fold } from '../../text.ts'

/**
 * Professionalism: identify yourself by name when you identify as a clinician; no derogatory
 * language about patients or colleagues; no individual advice to the public; personal opinion
 * labelled as such. English and Spanish.
 */

const GMC_NAME =
  'GMC Doctors\' use of social media (2013) para 17: "If you identify yourself as a doctor in publicly accessible social media, you should also identify yourself by name"'
const RESPECT =
  "GMC Good medical practice (2024) para 'treat colleagues fairly and with respect'; GMC Doctors' use of social media (2013); NMC Code (2018) 20.2 and 20.10"
const ADVICE =
  "GMC Doctors' use of social media (2013) para 'give advice to individual patients'; AMA Code of Medical Ethics Op. 2.3.2"
const OPINION =
  'AMA Code of Medical Ethics Op. 2.3.2 (separate personal and professional content online); FSMB Social Media and Electronic Communications (2019)'

const PROSE_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>([
  'title',
  'body',
  'captions',
  'altText',
  'quiz',
])
const HUMAN_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>([
  'title',
  'body',
  'captions',
  'hashtags',
  'altText',
  'quiz',
])

const CLINICIAN =
  '(?:doctor|physician|medic|nurse|surgeon|GP|general practitioner|consultant|registrar|resident|intern|house officer|FY[12]|foundation doctor|junior doctor|med(?:ical)? student|paramedic|pharmacist|midwife|anaesthetist|anesthetist|anesthesiologist|psychiatrist|radiologist|pathologist|paediatrician|pediatrician|obstetrician|oncologist|cardiologist|neurologist|dermatologist|[a-z]+ologist|clinician|physio(?:therapist)?|dentist|NP|nurse practitioner|PA|physician associate|physician assistant|HCA)'
const SELF_IDENTIFICATION = new RegExp(
  [
    `\\bas an? (?:[\\p{L}-]+ ){0,2}${CLINICIAN}\\b`,
    `\\bI(?:'m|’m| am) (?:an? |the )?(?:[\\p{L}-]+ ){0,2}${CLINICIAN}\\b`,
    `\\bI work as an? (?:[\\p{L}-]+ ){0,2}${CLINICIAN}\\b`,
    `\\b(?:como|soy) (?:un[ao]? )?(?:médic[oa]|enfermer[oa]|cirujan[oa]|pediatra|residente|matron[ae]|farmacéutic[oa]|MIR|EIR|psiquiatra|anestesista|internista|cardiólog[oa]|oncólog[oa]|neurólog[oa]|dermatólog[oa]|fisioterapeuta|odontólog[oa]|dentista|sanitari[oa])\\b`,
    `\\bmy patients\\b`,
    `\\bmis pacientes\\b|\\bmi guardia\\b`,
  ].join('|'),
  'giu',
)
const CLINICAL_TITLE =
  /(?:^|[\s(])(?:Dr|Dra|Doctor|Doctora|Prof|Professor|Nurse|Enf|Enfermera|Enfermero)\.?(?=\s|$)|\b(?:MD|DO|MBBS|MBChB|MRCP|FRCP|FRCS|MRCGP|FRCA|RN|RGN|RM|NP|BSN|MSN|DNP|PharmD|FACP|FACS)\b/
const NOT_A_NAME = new Set([
  'dr',
  'dra',
  'doctor',
  'doctora',
  'doc',
  'prof',
  'professor',
  'nurse',
  'enfermera',
  'enfermero',
  'anonymous',
  'anon',
  'medica',
  'medico',
  'anonimo',
  'anonima',
  'md',
  'rn',
  'the',
  'a',
  'an',
  'icu',
  'er',
  'ed',
  'a&e',
  'gp',
  'medic',
  'médico',
  'médica',
  'surgeon',
  'resident',
  'junior',
  'tired',
  'sleepy',
  'mbbs',
  'frcp',
  'frcs',
  'official',
])

/**
 * Whether a display name identifies a person: at least one word of two or more letters that is
 * not a title, a role or "anonymous", and not a handle made of digits ("icu_doc_99").
 */
export function isPersonalName(displayName: string): boolean {
  const words = displayName
    .split(/[\s,._@-]+/u)
    .map((w) => w.replace(/[^\p{L}'’]/gu, ''))
    .filter((w) => w.length >= 2)
  return words.some((w) => !NOT_A_NAME.has(fold(w)) && !/^\p{Lu}{2,6}$/u.test(w))
}

export const anonymousClinician: Rule = {
  id: 'professionalism.anonymous-clinician',
  pack: 'professionalism',
  category: 'anonymous-clinician',
  severity: 'warn',
  citation: GMC_NAME,
  description:
    'The author identifies as a doctor, nurse or other clinician (in the post, the profession or a title) but gives no name.',
  detect(ctx) {
    const { displayName, aliases, profession } = ctx.input.author
    if (isPersonalName(displayName)) return []
    // The first self-identification in the text, if any: that is where the finding points.
    let where: { field: FieldName; start: number; end: number } | null = null
    for (const f of ctx.fields) {
      if (!PROSE_FIELDS.has(f.name)) continue
      SELF_IDENTIFICATION.lastIndex = 0
      const m = SELF_IDENTIFICATION.exec(f.text)
      if (m) {
        where = { field: f.name, start: m.index, end: m.index + m[0].length }
        break
      }
    }
    const titled = [displayName, ...aliases].some((n) => CLINICAL_TITLE.test(n))
    const declared = Boolean(profession?.trim())
    if (!where && !titled && !declared) return []
    const anchor = where ?? itemAnchor(ctx)
    if (!anchor) return []
    const how = where
      ? 'this post says you are a clinician'
      : titled
        ? 'your display name carries a clinical title'
        : `your profile says you are a ${profession}`
    return [
      {
        ...anchor,
        message: `You identify as a clinician (${how}) but the account shows no name. Clinicians who identify themselves should also say who they are.`,
        suggestion: 'Add your real name to your display name, or remove the professional identification.',
      },
    ]
  },
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

type CompiledTerm = { re: RegExp; term: DerogatoryTerm }

function compileTerm(term: DerogatoryTerm): CompiledTerm {
  return {
    re: new RegExp(
      `(?<![\\p{L}\\p{N}])(?:${term.pattern})(?![\\p{L}\\p{N}])`,
      term.caseSensitive ? 'gu' : 'giu',
    ),
    term,
  }
}

/**
 * The built-in lexicon as two expressions (case-insensitive terms, and acronyms that must be in
 * capitals), one capture group per term, so a field is read once rather than once per term.
 */
function combine(
  terms: readonly DerogatoryTerm[],
  flags: string,
): { re: RegExp; terms: readonly DerogatoryTerm[] } {
  const groups = terms.map((t) => `(${t.pattern.replace(/\((?!\?)/g, '(?:')})`).join('|')
  return { re: new RegExp(`(?<![\\p{L}\\p{N}])(?:${groups})(?![\\p{L}\\p{N}])`, flags), terms }
}
const BUILT_IN = [
  combine(
    derogatoryTerms.filter((t) => !t.caseSensitive),
    'giu',
  ),
  combine(
    derogatoryTerms.filter((t) => t.caseSensitive),
    'gu',
  ),
]

const extraCache = new Map<string, CompiledTerm[]>()

function organisationTerms(words: readonly string[]): CompiledTerm[] {
  if (!words.length) return []
  const key = words.join('\u0000')
  const hit = extraCache.get(key)
  if (hit) return hit
  const compiled = words
    .map((w) => w.trim())
    .filter(Boolean)
    .map((w) =>
      compileTerm({ pattern: escapeRegExp(w).replace(/\s+/g, '[\\s-]+'), about: 'people', severity: 'warn' }),
    )
  if (extraCache.size > 50) extraCache.clear()
  extraCache.set(key, compiled)
  return compiled
}

export const derogatory: Rule = {
  id: 'professionalism.derogatory',
  pack: 'professionalism',
  category: 'derogatory',
  severity: 'warn',
  citation: RESPECT,
  description:
    'Derogatory or mocking language about patients or colleagues ("frequent flyer", "bed blocker", "gomer", "useless nurses"); dehumanising slurs block.',
  detect(ctx) {
    const extra = organisationTerms(ctx.lexicons.derogatory)
    const out: Detection[] = []
    for (const f of ctx.fields) {
      if (!HUMAN_FIELDS.has(f.name)) continue
      const taken: Array<[number, number]> = []
      const report = (m: RegExpMatchArray & { index: number }, term: DerogatoryTerm) => {
        const start = m.index
        const end = start + m[0].length
        if (taken.some(([s, e]) => start < e && s < end)) return
        taken.push([start, end])
        // A term in quotation marks is being discussed, not used ("stop saying 'bed blocker'").
        const quoted =
          /["'“‘«]$/.test(f.text.slice(Math.max(0, start - 1), start)) &&
          /^["'”’»]/.test(f.text.slice(end, end + 1))
        out.push({
          field: f.name,
          start,
          end,
          severity: quoted ? 'info' : term.severity,
          message: quoted
            ? `"${m[0]}" is a derogatory term; if you are discussing it, make that clear.`
            : `"${m[0]}" is derogatory language about ${term.about}. Describe people with respect.`,
          ...(term.instead ? { suggestion: term.instead } : {}),
        })
      }
      for (const { re, terms } of BUILT_IN) {
        re.lastIndex = 0
        for (const m of execAll(re, f.text)) {
          const i = m.findIndex((g, k) => k > 0 && g !== undefined)
          const term = terms[i - 1]
          if (term) report(m, term)
        }
      }
      for (const { re, term } of extra) {
        re.lastIndex = 0
        for (const m of execAll(re, f.text)) report(m, term)
      }
    }
    return out
  },
}

const ADVICE_PATTERNS = new RegExp(
  [
    String.raw`\b(?:DM|PM|message|inbox|email|e-mail|text|whatsapp|send|dm)\s+me\s+(?:with\s+)?(?:your|a (?:photo|picture|pic) of your|pics? of your)\s+(?:symptoms|results?|scans?|bloods|blood (?:tests?|results)|labs?|lab results|x-?rays?|MRIs?|CTs?|ECGs?|EKGs?|reports?|meds|medications?|prescriptions?|rash(?:es)?|moles?|photos?|pictures?|pics|questions?|case|history|biopsy)\b`,
    String.raw`\b(?:DM|PM|message|inbox)\s+me\b(?=(?:[^.!?\n\uD800-\uDBFF]|[\uD800-\uDBFF][\uDC00-\uDFFF]?){0,60}\b(?:symptoms|results?|diagnos\w*|advice|treatment|second opinion|scan|bloods|meds)\b)`,
    String.raw`\b(?:drop|post|share|leave|comment|put)\s+(?:me\s+)?your\s+(?:symptoms|results?|scans?|bloods|lab results|meds|medications?)\s+(?:below|in the comments|here)\b`,
    String.raw`\b(?:happy|glad|willing) to (?:advise|review|look at|check|interpret|read)\s+(?:your|anyone's|any)\s+(?:symptoms|results?|scans?|bloods|x-?rays?|ECGs?|case|meds|medications?)\b`,
    String.raw`\byou should (?:stop|start|double|halve|reduce|increase|come off|switch|skip|quit)\s+(?:taking\s+)?your\s+(?:meds|medications?|medicines?|tablets|pills|insulin|dose|statins?|antidepressants?|inhalers?|treatment)\b`,
    String.raw`\b(?:stop|quit|don't|do not) tak(?:e|ing) your\s+(?:meds|medications?|medicines?|tablets|pills|insulin|statins?|antidepressants?|blood thinners?)\b`,
    String.raw`\b(?:escr[ií]beme|m[aá]ndame|env[ií]ame|p[aá]same)\s+(?:por\s+(?:privado|DM|MD|mensaje)\s+)?(?:tus|tu)\s+(?:s[ií]ntomas|resultados|an[aá]lisis|anal[ií]ticas?|fotos?|radiograf[ií]as?|informes?|recetas?|dudas|caso)\b`,
    String.raw`\b(?:escr[ií]beme|cons[uú]ltame)\s+(?:por|al)\s+(?:privado|DM|MD)\b`,
    String.raw`\bdeja de tomar\s+(?:tu|tus|la|las|el|los)\s+(?:medicaci[oó]n|medicamentos?|pastillas|insulina|tratamiento|pastilla)\b`,
  ].join('|'),
  // No `u` flag: nothing here needs it, and without it the scan takes half the time. The one
  // negated class counts a surrogate pair as one character, as `u` would.
  'gi',
)

export const individualAdvice: Rule = {
  id: 'professionalism.individual-advice',
  pack: 'professionalism',
  category: 'individual-advice',
  severity: 'warn',
  citation: ADVICE,
  description:
    'The post offers individual medical advice to the public ("DM me your symptoms", "you should stop your meds").',
  detect(ctx) {
    const out: Detection[] = []
    for (const f of ctx.fields) {
      if (!PROSE_FIELDS.has(f.name)) continue
      ADVICE_PATTERNS.lastIndex = 0
      for (const m of execAll(ADVICE_PATTERNS, f.text)) {
        out.push({
          field: f.name,
          start: m.index,
          end: m.index + m[0].length,
          message: `"${m[0]}" offers individual advice to members of the public, who are not your patients.`,
          suggestion:
            'Give general information, and point people to their own clinician or to NHS 111 / emergency services.',
        })
      }
    }
    return out
  },
}

const FIRST_PERSON_OPINION =
  /\bI (?:think|believe|feel|reckon|suspect)\b|\bin my (?:view|opinion|humble opinion)\b|\bpersonally\b|\bIMO\b|\bIMHO\b|\bmy (?:personal )?(?:take|view|opinion) (?:is|on)\b|\bcreo que\b|\ben mi opini[oó]n\b|\bpersonalmente\b|\bopino que\b|\ba mi juicio\b|\bdesde mi punto de vista\b/gi
const PERSONAL_LABEL =
  /\b(?:views?|opinions?|thoughts?|tweets?|posts?) (?:are |is )?(?:my )?own\b|\bpersonal (?:views?|opinions?|capacity)\b|\bnot (?:the views|medical advice)\b|#personalview|#myview|\bopini[oó]n(?:es)? personal(?:es)?\b|\ba t[ií]tulo personal\b/i

export const unlabelledOpinion: Rule = {
  id: 'professionalism.unlabelled-opinion',
  pack: 'professionalism',
  category: 'unlabelled-opinion',
  severity: 'warn',
  citation: OPINION,
  description:
    'In professional voice, a first-person opinion ("I think", "in my view", "creo que") with no label saying it is personal.',
  detect(ctx) {
    if (ctx.input.voice !== 'professional') return []
    const fields = ctx.fields.filter((f: ScreenField) => PROSE_FIELDS.has(f.name) || f.name === 'hashtags')
    if (fields.some((f) => PERSONAL_LABEL.test(f.text))) return []
    const out: Detection[] = []
    for (const f of fields) {
      if (f.name === 'hashtags') continue
      FIRST_PERSON_OPINION.lastIndex = 0
      for (const m of execAll(FIRST_PERSON_OPINION, f.text)) {
        out.push({
          field: f.name,
          start: m.index,
          end: m.index + m[0].length,
          message: `"${m[0]}" gives a personal opinion in a post published in your professional voice.`,
          suggestion:
            'Label it as your personal view ("Personal view, not my employer\'s"), or publish in personal voice.',
        })
      }
    }
    return out
  },
}

/** The professionalism pack, in the order the engine runs it. */
export const rules: readonly Rule[] = [anonymousClinician, derogatory, individualAdvice, unlabelledOpinion]
