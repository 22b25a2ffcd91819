import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  checkReference,
  findReferenceIds,
  isValidUrl,
  normaliseDoi,
  parseRetractionCsv,
} from './references.ts'

describe('normaliseDoi', () => {
  it.each([
    ['10.1056/NEJMoa2034577', '10.1056/nejmoa2034577'],
    ['doi:10.1056/NEJMoa2034577', '10.1056/nejmoa2034577'],
    ['https://doi.org/10.1016/S0140-6736(20)30183-5', '10.1016/s0140-6736(20)30183-5'],
    ['http://dx.doi.org/10.1001/jama.2020.1585.', '10.1001/jama.2020.1585'],
    ['https://doi.org/10.1002%2Fbjs.1234', '10.1002/bjs.1234'],
    ['10.123456789/x', '10.123456789/x'],
  ])('%s → %s', (raw, doi) => expect(normaliseDoi(raw)).toBe(doi))

  it.each([
    '10.123/abc',
    '10.1056',
    '10.1056/',
    '11.1056/abc',
    'doi: 10.1056 /abc',
    '10.1234567890/x',
    'NEJMoa2034577',
  ])('rejects %s', (raw) => expect(normaliseDoi(raw)).toBeNull())
})

describe('findReferenceIds', () => {
  it('finds DOIs, PMIDs, PMCIDs and URLs with their spans', () => {
    const text =
      'See doi:10.1056/NEJMoa2034577, PMID: 32109013 and PMC7092803 (https://www.nhs.uk/conditions/). Also https://pubmed.ncbi.nlm.nih.gov/123/'
    const found = findReferenceIds(text)
    expect(found.map((r) => [r.kind, r.id, text.slice(r.start, r.end)])).toEqual([
      ['doi', '10.1056/nejmoa2034577', 'doi:10.1056/NEJMoa2034577'],
      ['pmid', '32109013', 'PMID: 32109013'],
      ['pmcid', 'PMC7092803', 'PMC7092803'],
      ['url', 'https://www.nhs.uk/conditions/', 'https://www.nhs.uk/conditions/'],
      ['pmid', '123', 'https://pubmed.ncbi.nlm.nih.gov/123/'],
    ])
  })

  it('keeps a DOI link whole instead of reporting it as a URL too', () => {
    const found = findReferenceIds('https://doi.org/10.1016/S0140-6736(20)30183-5).')
    expect(found).toHaveLength(1)
    expect(found[0]?.id).toBe('10.1016/s0140-6736(20)30183-5')
  })

  it.each(['PMID: 123456789', 'PMC', 'dose 10.5/day', 'call 10.20 tomorrow'])('finds nothing in %s', (text) =>
    expect(findReferenceIds(text)).toEqual([]),
  )
})

describe('checkReference', () => {
  it.each([
    ['10.1056/NEJMoa2034577', 'doi', '10.1056/nejmoa2034577'],
    ['32109013', 'pmid', '32109013'],
    [' 00123 ', 'pmid', '123'],
    ['PMC7092803', 'pmcid', 'PMC7092803'],
    ['PMCID: PMC7092803', 'pmcid', 'PMC7092803'],
    [
      'https://www.cochranelibrary.com/cdsr/doi/10.1002/14651858.CD013587/full',
      'doi',
      '10.1002/14651858.cd013587/full',
    ],
    ['https://www.nice.org.uk/guidance/ng28', 'url', 'https://www.nice.org.uk/guidance/ng28'],
    ['Smith J, et al. N Engl J Med 2020;382:1-10. doi:10.1056/NEJMoa2001017', 'doi', '10.1056/nejmoa2001017'],
  ])('accepts %s as %s', (value, kind, id) => {
    const r = checkReference(value)
    expect(r.problems).toEqual([])
    expect(r.reference?.kind).toBe(kind)
    expect(r.reference?.id).toBe(id)
  })

  it.each([
    ['10.123/abc', 'prefix after "10."'],
    ['doi:10.1056', 'not a valid DOI'],
    ['123456789', '1 to 8 digits'],
    ['0', '1 to 8 digits'],
    ['PMID: 1234567890', '1 to 8 digits'],
    ['PMCabc', 'PMC followed by digits'],
    ['htp://example.com/paper', 'not a valid web address'],
    ['https://localhost/x', 'not a valid web address'],
    ['www.nice.org.uk/guidance/ng28', 'not a valid web address'],
    ['Smith J. Some paper. Journal 2020.', 'no DOI, PMID, PMCID or link'],
    ['', 'empty'],
  ])('flags %s', (value, message) => {
    const r = checkReference(value)
    expect(r.problems.map((p) => p.message).join(' ')).toContain(message)
    for (const p of r.problems) {
      expect(p.start).toBeGreaterThanOrEqual(0)
      expect(p.end).toBeLessThanOrEqual(value.length)
    }
  })

  it('suggests https:// for a bare www address', () => {
    expect(checkReference('www.nice.org.uk/guidance/ng28').problems[0]?.suggestion).toBe(
      'https://www.nice.org.uk/guidance/ng28',
    )
  })

  it('never throws and keeps spans inside the value', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (value) => {
        const r = checkReference(value)
        for (const s of [...r.problems, ...(r.reference ? [r.reference] : [])]) {
          expect(s.start).toBeGreaterThanOrEqual(0)
          expect(s.end).toBeLessThanOrEqual(value.length)
          expect(s.start).toBeLessThanOrEqual(s.end)
        }
      }),
    )
  })
})

describe('isValidUrl', () => {
  it.each([
    ['https://www.bmj.com/content/384/bmj.q1', true],
    ['http://127.0.0.1:8080/x', true],
    ['https://nice.org.uk', true],
    ['ftp://nice.org.uk', false],
    ['https://nice', false],
    ['https://exa mple.com', false],
  ])('%s → %s', (url, ok) => expect(isValidUrl(url)).toBe(ok))
})

describe('parseRetractionCsv', () => {
  it('reads the OriginalPaperDOI column of a Retraction Watch export', () => {
    const csv = [
      'Record ID,Title,Subject,Institution,Journal,Publisher,Country,Author,URLS,ArticleType,RetractionDate,RetractionDOI,RetractionPubMedID,OriginalPaperDate,OriginalPaperDOI,OriginalPaperPubMedID,RetractionNature,Reason,Paywalled,Notes',
      '1,"Hydroxychloroquine, a ""cure""",(HSC),Inst,Lancet,Elsevier,USA,"A; B",,Research Article;,6/4/2020,10.1016/S0140-6736(20)31324-6,32511943,5/22/2020,10.1016/S0140-6736(20)31180-6,32450107,Retraction,+Concerns,No,"multi',
      'line note"',
      '2,Other,,,,,,,,,,10.1000/ret,,,https://doi.org/10.1056/NEJMoa2007621,,,,,',
      '3,No DOI,,,,,,,,,,,,,unavailable,,,,,',
      '4,Duplicate,,,,,,,,,,,,,10.1016/s0140-6736(20)31180-6,,,,,',
    ].join('\r\n')
    expect(parseRetractionCsv(csv)).toEqual(['10.1016/s0140-6736(20)31180-6', '10.1056/nejmoa2007621'])
  })

  it('reads a plain list with one DOI a line', () => {
    expect(
      parseRetractionCsv('\uFEFF10.1056/NEJMoa2007621\n\nnot a doi\ndoi:10.1016/j.ijantimicag.2020.105949\n'),
    ).toEqual(['10.1056/nejmoa2007621', '10.1016/j.ijantimicag.2020.105949'])
  })

  it('reads a CSV whose DOI column is named doi', () => {
    expect(parseRetractionCsv('title,doi\nx,10.1234/ABC\n')).toEqual(['10.1234/abc'])
  })
})
