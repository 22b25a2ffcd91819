import type { ScreenContext, ScreenField } from '../../../rule.ts'
import { fold } from '../../../text.ts'
import { detectAges } from './ages.ts'
import { Claims, type EsSpan } from './common.ts'
import { detectDates } from './dates.ts'
import { detectHeaders } from './header.ts'
import { detectIds } from './ids.ts'
import { detectNames, detectRelatives } from './names.ts'
import {
  detectCountries,
  detectFacilities,
  detectPlaces,
  detectPostcodes,
  detectSignatureAddresses,
  detectStreets,
  detectWards,
} from './places.ts'

/**
 * Runs every Spanish detector over one field once, in priority order (labelled header values
 * first, then identifiers, addresses, centres, dates, ages, names, places), and caches the
 * result for the rules that report each kind. Pure: the same text gives the same spans.
 */

function skipWords(ctx: ScreenContext): ReadonlySet<string> {
  return ctx.memo('es.skip-words', () => {
    const set = new Set<string>(ctx.authorNames)
    for (const n of ctx.lexicons.ignoreNames)
      for (const w of fold(n).split(/[^A-Za-zÀ-ÖØ-öø-ɏ0-9]+/u)) if (w.length > 1) set.add(w)
    return set
  })
}

export function analyzeSpanish(text: string, skip: ReadonlySet<string> = new Set()): EsSpan[] {
  const claims = new Claims(text)
  const regions = detectHeaders(text, claims)
  detectIds(text, claims, regions)
  detectStreets(text, claims)
  detectPostcodes(text, claims)
  detectFacilities(text, claims)
  detectSignatureAddresses(text, claims, regions)
  detectWards(text, claims)
  detectDates(text, claims)
  detectAges(text, claims)
  detectNames(text, claims, skip)
  detectPlaces(text, claims, regions)
  detectRelatives(text, claims)
  detectCountries(text, claims, regions)
  if (skip.size === 0) return claims.spans
  // The author's own name (a signature, "Médico: <author>") is never reported.
  return claims.spans.filter(
    (s) =>
      (s.kind !== 'clinician' && s.kind !== 'name') ||
      !fold(text.slice(s.start, s.end))
        .split(/[^A-Za-zÀ-ÖØ-öø-ɏ0-9]+/u)
        .filter((w) => w.length > 1)
        .every((w) => skip.has(w) || w === 'de' || w === 'del'),
  )
}

export function spansFor(ctx: ScreenContext, field: ScreenField): EsSpan[] {
  return ctx.memo(`es.spans:${field.name}`, () => analyzeSpanish(field.text, skipWords(ctx)))
}
