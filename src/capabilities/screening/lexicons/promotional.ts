/**
 * Promotional language: hype words, discount codes, calls to buy and affiliate links, in
 * English and Spanish. Maintained by hand. Each list is compiled once into one expression.
 */

/** Hype that has no place in education, whatever it is about. */
export const hypeTerms: readonly string[] = [
  'miracle',
  'miracle cure',
  'miracle drug',
  'wonder drug',
  'magic bullet',
  'breakthrough',
  'game[- ]?changer',
  'game[- ]?changing',
  'revolutionary',
  'life[- ]?changing results',
  'amazing results',
  'unbeatable',
  'must[- ]have',
  'holy grail',
  'milagro(?:so|sa)?',
  'revolucionari[oa]',
  'increíble',
]

/** Superlatives that are promotional when a brand or product is in the same sentence. */
export const superlativeTerms: readonly string[] = [
  'the best',
  '(?:the )?number one',
  '#1',
  'the only (?:one|product|drug|treatment) that',
  'best[- ]selling',
  'top[- ]rated',
  'most (?:powerful|advanced|effective)',
  'el mejor',
  'la mejor',
]

/** Calls to buy, discount codes and sales language. */
export const salesTerms: readonly string[] = [
  'use (?:my |our |the )?(?:promo |discount |coupon )?code\\s+[A-Z0-9][A-Z0-9_-]{2,}',
  '(?:promo|discount|coupon|voucher|referral) code',
  '\\d{1,2}\\s?% off',
  '(?:buy|order|shop|get yours|subscribe|sign up|book) now',
  'buy (?:it|yours|them) (?:here|now|today)',
  'limited[- ]time (?:offer|only)',
  'while (?:stocks|supplies) last',
  'free (?:trial|sample)s?',
  'ask your doctor (?:about|for)',
  'available (?:now )?(?:at|on) (?:amazon|boots|cvs|walgreens|walmart)',
  'tap the link to (?:buy|shop|order)',
  'código(?: de descuento)?\\s+[A-Z0-9][A-Z0-9_-]{2,}',
  'c[oó]digo de descuento',
  '\\d{1,2}\\s?% de descuento',
  'c[oó]mpr(?:alo|ala|a) (?:ya|ahora|aquí)',
  'oferta (?:limitada|exclusiva)',
]

/** Hosts that only exist to carry affiliate or tracking redirects. */
export const affiliateHosts: readonly string[] = [
  'amzn.to',
  'amzn.eu',
  'a.co',
  'rstyle.me',
  'shareasale.com',
  'awin1.com',
  'go.skimresources.com',
  'click.linksynergy.com',
  'anrdoezrs.net',
  'jdoqocy.com',
  'tkqlhce.com',
  'dpbolvw.net',
  'kqzyfj.com',
  'go.magik.ly',
  'shop-links.co',
  'howl.me',
  'geni.us',
  'ltk.app',
  'liketk.it',
]

/** Query parameters that identify an affiliate or referrer ("tag" only counts on Amazon). */
export const affiliateParams: readonly string[] = [
  'ref',
  'ref_',
  'referral',
  'referrer',
  'aff',
  'aff_id',
  'affid',
  'affiliate',
  'affiliate_id',
  'partner',
  'partnerid',
  'irclickid',
  'clickid',
  'coupon',
  'discount',
  'code',
]

/** utm_medium values that say a link is paid or an endorsement. */
export const affiliateUtmMedia: readonly string[] = [
  'affiliate',
  'affiliates',
  'referral',
  'influencer',
  'partner',
  'partnership',
  'sponsored',
  'paid',
  'ambassador',
]
