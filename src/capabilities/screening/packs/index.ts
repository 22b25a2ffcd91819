import type { Rule } from '../rule.ts'
import { confidentialityRules } from './confidentiality/index.ts'
import { spanishConfidentialityRules } from './confidentiality/es/index.ts'

/**
 * Every rule, pack by pack. The engine runs them in this order; findings are sorted after.
 * Each pack lives in its own folder and exports its rules as an array.
 */
export const rules: readonly Rule[] = [...confidentialityRules, ...spanishConfidentialityRules]
