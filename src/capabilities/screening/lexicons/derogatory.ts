/**
 * Derogatory and mocking terms for patients and colleagues, English and Spanish. Maintained by
 * hand from medical-slang literature (e.g. Fox AT et al., "Medical slang in British hospitals",
 * Ethics & Behavior 2003; Coombs RH et al., "Medical slang and its functions", Soc Sci Med 1993)
 * and professional-body guidance on respectful language. Organisations add their own terms
 * through the policy (`lexicons.derogatory`).
 *
 * `pattern` is a regular-expression fragment matched case-insensitively on word boundaries.
 * `severity` is `block` for dehumanising slurs and `warn` for mocking or stigmatising labels.
 */

export type DerogatoryTerm = {
  pattern: string
  about: 'patients' | 'colleagues' | 'people'
  severity: 'block' | 'warn'
  /** A neutral way to say what is meant. */
  instead?: string
  /** Acronyms match only in capitals ("FLK", not "flk"). */
  caseSensitive?: boolean
}

export const derogatoryTerms: readonly DerogatoryTerm[] = [
  // patients: English
  {
    pattern: 'frequent[- ]fl(?:y|i)ers?',
    about: 'patients',
    severity: 'warn',
    instead: 'patient who attends often',
  },
  {
    pattern: 'bed[- ]?block(?:er|ers|ing)',
    about: 'patients',
    severity: 'warn',
    instead: 'patient awaiting discharge',
  },
  { pattern: 'gomers?', about: 'patients', severity: 'block' },
  { pattern: 'crumbl(?:y|ies)', about: 'patients', severity: 'warn', instead: 'older patient' },
  { pattern: 'acopia', about: 'patients', severity: 'warn', instead: 'not coping at home' },
  { pattern: 'hypochondriacs?', about: 'patients', severity: 'warn', instead: 'patient with health anxiety' },
  {
    pattern: 'drug[- ]seek(?:er|ers)',
    about: 'patients',
    severity: 'warn',
    instead: 'patient requesting opioids',
  },
  { pattern: 'time[- ]?wasters?', about: 'patients', severity: 'warn' },
  { pattern: 'heart[- ]?sink(?: patients?)?', about: 'patients', severity: 'warn' },
  { pattern: 'status dramaticus', about: 'patients', severity: 'warn' },
  // Acronyms that are also clinical terms (PFO, GPO, TEETH) are left out on purpose.
  { pattern: 'LOL ?in ?NAD|LOLINAD', about: 'patients', severity: 'warn', caseSensitive: true },
  { pattern: 'good for parts only', about: 'patients', severity: 'block' },
  { pattern: 'FLK', about: 'patients', severity: 'block', caseSensitive: true },
  { pattern: 'funny[- ]looking kids?', about: 'patients', severity: 'block' },
  { pattern: 'pissed,? fell over', about: 'patients', severity: 'warn' },
  { pattern: 'SHPOS|shpos', about: 'patients', severity: 'block', caseSensitive: true },
  { pattern: 'sub-?human', about: 'people', severity: 'block' },
  { pattern: 'junkies?|junky', about: 'people', severity: 'block', instead: 'person who uses drugs' },
  { pattern: 'crack ?heads?', about: 'people', severity: 'block', instead: 'person who uses drugs' },
  { pattern: 'druggies?', about: 'people', severity: 'block', instead: 'person who uses drugs' },
  {
    pattern: 'alk(?:y|ie|ies)|winos?',
    about: 'people',
    severity: 'block',
    instead: 'person with alcohol dependence',
  },
  { pattern: 'scumbags?|dirtbags?|lowlifes?', about: 'people', severity: 'block' },
  { pattern: 'nutters?|nut ?jobs?|loon(?:y|ies)|fruit ?loops?|psychos', about: 'people', severity: 'block' },
  {
    pattern: 'retards?|retarded',
    about: 'people',
    severity: 'block',
    instead: 'person with a learning disability',
  },
  { pattern: 'vegetables?(?= in bed| on the ward)', about: 'patients', severity: 'block' },
  { pattern: 'whales?(?= in bed| on the ward)|beached whales?', about: 'patients', severity: 'block' },
  { pattern: 'fatties', about: 'people', severity: 'block', instead: 'people with obesity' },
  { pattern: 'attention[- ]seek(?:er|ers)', about: 'patients', severity: 'warn' },
  {
    pattern: 'non-?compliant idiots?|idiot patients?|stupid patients?|dumb patients?',
    about: 'patients',
    severity: 'block',
  },
  // colleagues: English
  {
    pattern:
      '(?:useless|lazy|incompetent|stupid|idiot|clueless|thick|dumb) (?:nurses?|doctors?|GPs?|consultants?|registrars?|juniors?|residents?|interns?|surgeons?|physicians?|midwives|midwife|paramedics?|pharmacists?|porters?|HCAs?|radiologists?|anaesthetists?|anesthesiologists?|managers?)',
    about: 'colleagues',
    severity: 'warn',
  },
  { pattern: '(?:just|only) an? (?:nurse|HCA|PA|GP)', about: 'colleagues', severity: 'warn' },
  {
    pattern: 'glorified (?:nurses?|secretar(?:y|ies)|pill[- ]pushers?)',
    about: 'colleagues',
    severity: 'warn',
  },
  { pattern: 'muppets?', about: 'colleagues', severity: 'warn' },
  { pattern: 'gas ?passers?', about: 'colleagues', severity: 'warn' },
  { pattern: 'bone[- ]idle', about: 'colleagues', severity: 'warn' },
  // Spanish
  {
    pattern: 'hipocondr[ií]ac[oa]s?',
    about: 'patients',
    severity: 'warn',
    instead: 'paciente con ansiedad por la salud',
  },
  {
    pattern: 'yonquis?|drogatas?',
    about: 'people',
    severity: 'block',
    instead: 'persona que consume drogas',
  },
  {
    pattern: 'borrach[oa]s?',
    about: 'people',
    severity: 'warn',
    instead: 'persona con dependencia del alcohol',
  },
  { pattern: 'viej[oa]s? choch[oa]s?', about: 'patients', severity: 'block', instead: 'paciente mayor' },
  { pattern: 'pacientes? (?:pesad[oa]s?|plastas?|cansin[oa]s?)', about: 'patients', severity: 'warn' },
  { pattern: 'carne de hospital', about: 'patients', severity: 'block' },
  { pattern: 'retrasad[oa]s? mentales?|subnormales?', about: 'people', severity: 'block' },
  {
    pattern: '(?:enfermer[oa]s|médic[oa]s|residentes|adjuntos) (?:inútiles|vag[oa]s|incompetentes)',
    about: 'colleagues',
    severity: 'warn',
  },
  {
    pattern: '(?:enfermer[oa]|médic[oa]|residente|adjunto) (?:inútil|vag[oa]|incompetente)',
    about: 'colleagues',
    severity: 'warn',
  },
]
