import { type CompiledPolicy, compilePolicy, screen } from '#src/capabilities/screening/evaluate.ts'
import type { Finding, PolicyInput } from '#src/capabilities/screening/screening.schema.ts'
import { imageTextPolicy } from './image-text.ts'

/**
 * A video's captions, screened cue by cue. The screening engine reads SRT and VTT (the
 * `captions` field) and gives each finding its cue; here each finding also gets `time`, the
 * cue's start in seconds, so a player can jump to it. No captions at all gives the
 * accessibility finding (platform.captions).
 */

/** "00:01:02.500" → 62.5 */
export function cueSeconds(t: string): number {
  const [hms = '0', ms = '0'] = t.split('.')
  const [h = 0, m = 0, s = 0] = hms.split(':').map((x) => Number.parseInt(x, 10) || 0)
  return h * 3600 + m * 60 + s + (Number.parseInt(ms.padEnd(3, '0').slice(0, 3), 10) || 0) / 1000
}

function basePolicy(policy: PolicyInput | CompiledPolicy): PolicyInput {
  return 'policy' in policy && typeof policy.policy === 'object' ? policy.policy : (policy as PolicyInput)
}

export function screenCaptions(
  raw: string | undefined,
  policy: PolicyInput | CompiledPolicy = {},
): { findings: Finding[] } {
  const base = basePolicy(policy)
  if (!raw?.trim()) {
    if (!(base.packs ?? ['platform']).includes('platform')) return { findings: [] }
    const report = screen(
      { media: [{ kind: 'video', hasCaptions: false }] },
      compilePolicy({ ...base, packs: ['platform'] }),
    )
    return { findings: report.findings.filter((f) => f.ruleId === 'platform.captions') }
  }
  const report = screen({ captions: raw, language: 'auto' }, imageTextPolicy(policy).compiled)
  return {
    findings: report.findings
      .filter((f) => f.field === 'captions')
      .map((f) => (f.cue ? { ...f, time: cueSeconds(f.cue.start) } : f)),
  }
}
