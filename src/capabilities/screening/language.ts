import { execAll } from './text.ts'

const EN = new Set([
  'the',
  'and',
  'of',
  'to',
  'is',
  'in',
  'with',
  'was',
  'for',
  'on',
  'this',
  'that',
  'patient',
  'he',
  'she',
  'his',
  'her',
  'a',
  'an',
  'it',
  'are',
  'be',
  'at',
  'by',
  'from',
  'we',
  'you',
  'i',
])
const ES = new Set([
  'el',
  'la',
  'de',
  'que',
  'y',
  'en',
  'los',
  'las',
  'del',
  'se',
  'con',
  'por',
  'un',
  'una',
  'para',
  'es',
  'al',
  'paciente',
  'años',
  'su',
  'lo',
  'como',
  'más',
  'pero',
  'sin',
  'fue',
  'presenta',
])

/** English or Spanish, by counting common words; English when unsure. */
export function detectLanguage(text: string): 'en' | 'es' {
  let en = 0
  let es = 0
  const sample = text.length > 20_000 ? text.slice(0, 20_000) : text
  for (const m of execAll(/\p{L}+/gu, sample.toLowerCase())) {
    const w = m[0]
    if (EN.has(w)) en++
    if (ES.has(w)) es++
  }
  if (/[ñ¿¡]|ción\b/i.test(sample)) es += 2
  return es > en ? 'es' : 'en'
}
