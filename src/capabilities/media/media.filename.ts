import { type CompiledPolicy, compilePolicy, screen } from '#src/capabilities/screening/evaluate.ts'
import type { Finding } from '#src/capabilities/screening/screening.schema.ts'

/**
 * Identifiers in a file's name ("Ellen_Hartley_wrist.jpg"). The name is never published (the
 * published files are Rounds' own), but the author, editors and reviewers see it, so it is
 * screened like text and reported as a warning.
 */
export function fileNameFindings(filename: string, policy: CompiledPolicy): Finding[] {
  const stem = filename.replace(/\.[A-Za-z0-9]{1,5}$/, '')
  const text = stem
    .replace(/[_+.]+/g, ' ')
    .replace(/(?<=[a-z])(?=[A-Z])/g, ' ')
    .trim()
  if (!text) return []
  const compiled = compilePolicy({ ...policy.policy, packs: ['confidentiality'] })
  return screen({ body: text, language: 'auto' }, compiled)
    .findings.filter((f) => f.severity === 'block' && f.field === 'body')
    .map((f) => ({
      ...f,
      severity: 'warn' as const,
      message: `In the file name: ${f.message} The name is not published, but everyone who reviews the item sees it; rename the file before uploading.`,
    }))
}
