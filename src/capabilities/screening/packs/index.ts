import type { Rule } from '../rule.ts'
import { rules as commercialRules } from './commercial/index.ts'
import { spanishConfidentialityRules } from './confidentiality/es/index.ts'
import { confidentialityRules } from './confidentiality/index.ts'
import { rules as evidenceRules } from './evidence/index.ts'
import { rules as platformRules } from './platform/index.ts'
import { rules as professionalismRules } from './professionalism/index.ts'

/**
 * Every rule, pack by pack. The engine runs them in this order; findings are sorted after.
 * Each pack lives in its own folder and exports its rules as an array.
 */
export const rules: readonly Rule[] = [
  ...confidentialityRules,
  ...spanishConfidentialityRules,
  ...evidenceRules,
  ...commercialRules,
  ...professionalismRules,
  ...platformRules,
]
