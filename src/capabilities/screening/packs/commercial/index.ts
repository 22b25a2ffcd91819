import { type BrandMatch, findBrands } from '../../lexicons/brands.ts'
import { canonicalCompany, normaliseCompanyName, sameCompany } from '../../lexicons/companies.ts'
import {
  affiliateHosts,
  affiliateParams,
  affiliateUtmMedia,
  hypeTerms,
  salesTerms,
  superlativeTerms,
} from '../../lexicons/promotional.ts'
import type { Detection, Rule, ScreenContext, ScreenField } from '../../rule.ts'
import type { DisclosureInput } from '../../screening.schema.ts'
import { execAll, type Span, sentences, type Token, tokenize } from '../../text.ts'
import { findUrls } from '../../urls.ts'

/**
 * Commercial interests: brand names mapped to their companies; a relationship with the maker
 * that the author declared but the post does not show blocks; generic names are preferred;
 * promotional language and affiliate links warn.
 */

const DISCLOSURE =
  'ACCME Standards for Integrity and Independence, Standard 3 (identify, mitigate and disclose relevant financial relationships)'
const GENERIC_NAMES =
  'ACCME Standards for Integrity and Independence, Standard 2 (prevent commercial bias: use generic names; formerly Standards for Commercial Support 5.2)'
const PROMOTION =
  "ACCME Standards for Integrity and Independence, Standard 2 (accredited education must not promote ineligible companies' products) and Standard 5 (keep marketing separate from education)"
const AFFILIATE =
  'FTC Guides Concerning the Use of Endorsements and Testimonials in Advertising, 16 CFR 255.5 (disclose material connections)'

const TEXT_FIELDS = new Set(['title', 'body', 'captions', 'hashtags', 'altText', 'quiz'])

type BrandHit = BrandMatch & { field: ScreenField }

function tokensOf(ctx: ScreenContext, field: ScreenField): Token[] {
  return ctx.memo(`commercial.tokens:${field.name}`, () => tokenize(field.text))
}

/** Brand mentions in every text field, found once per screen and shared by the rules. */
function brandHits(ctx: ScreenContext): BrandHit[] {
  return ctx.memo('commercial.brands', () => {
    const out: BrandHit[] = []
    for (const field of ctx.fields) {
      if (!TEXT_FIELDS.has(field.name)) continue
      for (const m of findBrands(field.text, ctx.lexicons.brands, tokensOf(ctx, field)))
        out.push({ ...m, field })
    }
    return out
  })
}

function companyNames(m: BrandMatch): string[] {
  return [...new Set(m.entry.companies.map((c) => canonicalCompany(c).name))]
}

function disclosureFor(ctx: ScreenContext, companies: readonly string[]): DisclosureInput | undefined {
  return ctx.input.disclosures.find((d) => companies.some((c) => sameCompany(d.company, c)))
}

/**
 * The example disclosure for the message. Not a `suggestion`: redaction pastes a blocking
 * finding's suggestion over its span, and the fix here is to show a disclosure, not to edit the
 * brand name away.
 */
function disclosureExample(d: DisclosureInput): string {
  const nature = d.nature ? ` (${d.nature})` : ''
  return `Show your disclosure with the post, e.g. "Disclosure: I have a financial relationship with ${d.company}${nature}."`
}

/** Mentions of a disclosed company by name ("Novo Nordisk", "Janssen"): word sequences, any case. */
function companyMentions(
  ctx: ScreenContext,
): Array<{ field: ScreenField; start: number; end: number; d: DisclosureInput }> {
  if (!ctx.input.disclosures.length) return []
  const names = ctx.input.disclosures.flatMap((d) => {
    const variants = new Set([
      normaliseCompanyName(d.company),
      canonicalCompany(d.company).name.toUpperCase(),
    ])
    return [...variants]
      .map((v) => ({ words: normaliseCompanyName(v).split(' ').filter(Boolean), d }))
      .filter((n) => n.words.length > 0 && (n.words.length > 1 || (n.words[0] as string).length >= 3))
  })
  const firstWords = new Set(names.map((n) => n.words[0] as string))
  const out: Array<{ field: ScreenField; start: number; end: number; d: DisclosureInput }> = []
  for (const field of ctx.fields) {
    if (!TEXT_FIELDS.has(field.name)) continue
    const tokens = tokensOf(ctx, field)
    const upper = (t: Token): string => {
      const plain = t.text.toUpperCase()
      return plain.endsWith("'S") || plain.endsWith('’S') ? plain.slice(0, -2) : plain
    }
    for (let i = 0; i < tokens.length; i++) {
      if (!firstWords.has(upper(tokens[i] as Token))) continue
      for (const n of names) {
        if (i + n.words.length > tokens.length) continue
        if (!n.words.every((w, k) => upper(tokens[i + k] as Token) === w)) continue
        const last = tokens[i + n.words.length - 1] as Token
        const end = /['’]s$/i.test(last.text) ? last.end - 2 : last.end
        out.push({ field, start: (tokens[i] as Token).start, end, d: n.d })
        break
      }
    }
  }
  return out
}

export const undisclosedInterest: Rule = {
  id: 'commercial.undisclosed-interest',
  pack: 'commercial',
  category: 'undisclosed-interest',
  severity: 'block',
  citation: DISCLOSURE,
  description:
    'The post names a product (or the company) of a company the author has a declared financial relationship with, and no disclosure is shown.',
  detect(ctx) {
    if (ctx.input.disclosureShown || !ctx.input.disclosures.length) return []
    const out: Detection[] = []
    for (const m of brandHits(ctx)) {
      const companies = companyNames(m)
      const d = disclosureFor(ctx, [...m.entry.companies, ...companies])
      if (!d) continue
      out.push({
        field: m.field.name,
        start: m.start,
        end: m.end,
        message: `${m.entry.brand} is made by ${companies.join(' / ')}, and you have declared a relationship with ${d.company}. ${disclosureExample(d)}`,
        // Showing the disclosure is the fix; replacing the brand with its generic name is the
        // other (and what redaction does), so redacted text never keeps the undisclosed brand.
        ...(m.entry.generics[0] ? { suggestion: m.entry.generics[0].toLowerCase() } : {}),
      })
    }
    for (const c of companyMentions(ctx)) {
      if (out.some((o) => o.field === c.field.name && o.start < c.end && c.start < o.end)) continue
      out.push({
        field: c.field.name,
        start: c.start,
        end: c.end,
        message: `You have declared a relationship with ${c.d.company}. ${disclosureExample(c.d)}`,
      })
    }
    return out
  },
}

export const brandName: Rule = {
  id: 'commercial.brand-name',
  pack: 'commercial',
  category: 'brand-name',
  severity: 'info',
  citation: GENERIC_NAMES,
  description: 'A brand name is used where a generic name exists; the generic name is suggested.',
  detect(ctx) {
    const out: Detection[] = []
    for (const m of brandHits(ctx)) {
      const generic = m.entry.generics[0]
      if (!generic) continue
      const companies = companyNames(m)
      out.push({
        field: m.field.name,
        start: m.start,
        end: m.end,
        message: `${m.entry.brand} is a brand name (${companies.join(' / ')}). Prefer the generic name: ${generic}.`,
        suggestion: m.field.name === 'hashtags' ? `#${generic.replace(/[^\p{L}\p{N}]+/gu, '')}` : generic,
      })
    }
    return out
  },
}

function alternation(terms: readonly string[]): string {
  return terms.map((t) => `(?:${t})`).join('|')
}

const HYPE = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation(hypeTerms)})(?![\\p{L}\\p{N}])`, 'giu')
const SUPERLATIVE = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${alternation(superlativeTerms)})(?![\\p{L}\\p{N}])`,
  'giu',
)
const SALES = new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternation(salesTerms)})(?![\\p{L}\\p{N}])`, 'giu')
const PRODUCT_WORDS =
  /\b(?:products?|supplements?|brand|formula|device|app|kit|pills?|gumm(?:y|ies)|cream|serum|shop|store|buy|order|deal|offer|price|producto|suplemento|marca|tienda|comprar|oferta)\b/i

/** The span containing an offset, in a sorted list of disjoint spans (binary search). */
function spanAt(spans: readonly Span[], offset: number): Span | undefined {
  let lo = 0
  let hi = spans.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const s = spans[mid] as Span
    if (offset < s.start) hi = mid - 1
    else if (offset >= s.end) lo = mid + 1
    else return s
  }
  return undefined
}

export const promotionalLanguage: Rule = {
  id: 'commercial.promotional-language',
  pack: 'commercial',
  category: 'promotion',
  severity: 'warn',
  citation: PROMOTION,
  description:
    'Hype ("miracle", "breakthrough", "game-changer"), superlatives about a product, discount codes and calls to buy.',
  detect(ctx) {
    const out: Detection[] = []
    const brands = brandHits(ctx)
    for (const field of ctx.fields) {
      if (!TEXT_FIELDS.has(field.name) || field.name === 'hashtags') continue
      const text = field.text
      const push = (m: RegExpMatchArray & { index: number }, message: string) =>
        out.push({ field: field.name, start: m.index, end: m.index + m[0].length, message })
      for (const m of execAll(HYPE, text)) {
        push(m, `"${m[0]}" is promotional language; education states what the evidence shows.`)
      }
      for (const m of execAll(SALES, text)) {
        push(m, `"${m[0]}" is a call to buy or a discount: this is marketing, not education.`)
      }
      let spans: Span[] | undefined
      const fieldBrands = brands.filter((b) => b.field === field)
      for (const m of execAll(SUPERLATIVE, text)) {
        spans ??= sentences(text)
        const s = spanAt(spans, m.index)
        if (!s) continue
        const aboutProduct =
          fieldBrands.some((b) => b.start >= s.start && b.end <= s.end) ||
          PRODUCT_WORDS.test(text.slice(s.start, s.end))
        if (aboutProduct) push(m, `"${m[0]}" praises a product; describe it neutrally and with evidence.`)
      }
    }
    return out
  },
}

const AFFILIATE_HOSTS = new Set(affiliateHosts)
const AFFILIATE_PARAMS = new Set(affiliateParams)
const AFFILIATE_MEDIA = new Set(affiliateUtmMedia)

/** Why a URL is an affiliate or referral link, or null. */
export function affiliateReason(url: string): string | null {
  const m = /^(?:https?:\/\/)?([^/?#\s]+)([^?#\s]*)(?:\?([^#\s]*))?/i.exec(url)
  if (!m) return null
  const host = (m[1] as string).toLowerCase().replace(/^www\./, '')
  if (AFFILIATE_HOSTS.has(host)) return `${host} is an affiliate link service`
  const path = m[2] ?? ''
  if (/amazon\./.test(host) && /\/ref=|\/tag=/.test(path)) return 'an Amazon associate link'
  const query = m[3] ?? ''
  if (!query) return /\/(?:ref|aff|affiliate|referral)\/[\w-]+/i.test(path) ? 'a referral path' : null
  for (const pair of query.split('&')) {
    const [rawKey = '', rawValue = ''] = pair.split('=')
    const key = rawKey.toLowerCase()
    if (!rawValue) continue
    if (key === 'tag' && /amazon\./.test(host)) return 'an Amazon associate tag'
    if (AFFILIATE_PARAMS.has(key)) return `the "${rawKey}" parameter identifies a referrer`
    if (key === 'utm_medium' && AFFILIATE_MEDIA.has(rawValue.toLowerCase())) return `utm_medium=${rawValue}`
    if (
      (key === 'utm_source' || key === 'utm_campaign') &&
      /affiliate|referral|influencer|partner/i.test(rawValue)
    ) {
      return `${rawKey}=${rawValue}`
    }
  }
  return null
}

export const affiliateLink: Rule = {
  id: 'commercial.affiliate-link',
  pack: 'commercial',
  category: 'affiliate-link',
  severity: 'warn',
  citation: AFFILIATE,
  description:
    'An affiliate or referral link (amzn.to, ?ref=, ?tag=, utm_medium=affiliate …): a material connection.',
  detect(ctx) {
    const out: Detection[] = []
    for (const field of ctx.fields) {
      if (field.name === 'hashtags') continue
      for (const { start, end, url } of findUrls(field.text, { bareHosts: 'any' })) {
        const reason = affiliateReason(url)
        if (!reason) continue
        out.push({
          field: field.name,
          start,
          end,
          message: `This is an affiliate or referral link (${reason}). Links that earn you money are a material connection.`,
          suggestion: 'Link to the source without the referral code, or disclose the connection clearly.',
        })
      }
    }
    return out
  },
}

/** The commercial-interests pack, in the order the engine runs it. */
export const rules: readonly Rule[] = [undisclosedInterest, brandName, promotionalLanguage, affiliateLink]
