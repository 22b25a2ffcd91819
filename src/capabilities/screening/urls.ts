/**
 * URL finding in linear time. Hostile text ("1.1.1.1…" repeated for 200 kB) made the
 * obvious regular expressions backtrack quadratically; here the text is cut into
 * whitespace-delimited tokens once, and each token is classified with plain string work.
 */

const TOKEN = /[^\s<>"'`[\]{}]+/g
const MAX_URL = 2048
const LABEL = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i
const ALPHA_TLD = /^[a-z]{2,24}$/i
const TRAILING = /[.,;:!?'"”’\]]+$/

/** The top-level domains a bare host must end in to count as a link when written without a scheme. */
export const COMMON_TLDS: ReadonlySet<string> = new Set(
  'com org net edu gov int io co uk us ly me info health ca au de fr es nl eu app dev ai'.split(' '),
)

export type UrlSpan = { start: number; end: number; url: string }

/**
 * Links in the text: anything starting with http(s)://, and bare hosts ("nice.org.uk/guidance").
 * `bareHosts: 'common'` accepts bare hosts only on COMMON_TLDS (how the channels count links);
 * `'any'` accepts any alphabetic top-level domain.
 */
export function findUrls(text: string, options: { bareHosts: 'common' | 'any' }): UrlSpan[] {
  const out: UrlSpan[] = []
  TOKEN.lastIndex = 0
  for (let m = TOKEN.exec(text); m !== null; m = TOKEN.exec(text)) {
    const token = m[0]
    if (token.length > MAX_URL || token.length < 4) continue
    // Both kinds of link need a dotted host: most words stop here, before any string is made.
    if (token.indexOf('.') === -1) continue
    const lower = token.toLowerCase()
    let offset = lower.indexOf('http://')
    if (offset === -1) offset = lower.indexOf('https://')
    let candidate: string
    if (offset !== -1) {
      candidate = token.slice(offset)
      const afterScheme = candidate.slice(candidate.indexOf('//') + 2)
      if (!hostOf(afterScheme)) continue
    } else {
      offset = 0
      while (offset < token.length && /[.,;:!?*_~(]/.test(token[offset] as string)) offset++
      candidate = token.slice(offset)
      const host = hostOf(candidate)
      if (!host || !isBareHost(host, options.bareHosts)) continue
    }
    const trimmed = trimUrlEnd(candidate)
    if (trimmed.length < 4) continue
    const start = m.index + offset
    out.push({ start, end: start + trimmed.length, url: trimmed })
  }
  return out
}

/** Drops sentence punctuation after a link, and a closing parenthesis the link did not open. */
function trimUrlEnd(url: string): string {
  let end = url.length
  for (;;) {
    const before = end
    const t = url.slice(0, end).replace(TRAILING, '')
    end = t.length
    if (url[end - 1] === ')') {
      const body = url.slice(0, end)
      if ((body.match(/\(/g)?.length ?? 0) < (body.match(/\)/g)?.length ?? 0)) end--
    }
    if (end === before) return url.slice(0, end)
  }
}

const HOST_ENDS = ['/', '?', '#', ':'] as const

/** The host part of "host/path?query", or null when it is not a dotted host name. */
function hostOf(rest: string): string | null {
  let end = rest.length
  for (const sep of HOST_ENDS) {
    const i = rest.indexOf(sep)
    if (i !== -1 && i < end) end = i
  }
  const host = rest.slice(0, end).replace(/\.$/, '')
  return host.includes('.') ? host : null
}

function isBareHost(host: string, mode: 'common' | 'any'): boolean {
  const labels = host.split('.')
  if (labels.length < 2 || labels.length > 10) return false
  for (const l of labels) if (!LABEL.test(l)) return false
  const tld = (labels[labels.length - 1] as string).toLowerCase()
  return mode === 'common' ? COMMON_TLDS.has(tld) : ALPHA_TLD.test(tld)
}
