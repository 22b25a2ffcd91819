import { execAll } from './text.ts'
/**
 * References: DOIs, PubMed ids (PMID), PubMed Central ids (PMCID) and URLs, as authors write them
 * ("doi:10.1056/NEJMoa2034577", "https://doi.org/…", "PMID: 12345678", "PMC7654321",
 * "https://pubmed.ncbi.nlm.nih.gov/12345678/"). Parsing, validation and normalisation live here so
 * the evidence rules, the content workflow and the policy import agree on what a reference is.
 * Pure and browser-safe.
 */

export type ReferenceKind = 'doi' | 'pmid' | 'pmcid' | 'url'

export type ParsedReference = {
  kind: ReferenceKind
  /** Canonical form: DOI lower-case without resolver ("10.1056/nejmoa2034577"), PMID digits, "PMC123", URL as written. */
  id: string
  /** A link a reader can follow. */
  href: string
  /** UTF-16 offsets of the identifier within the string it was found in. */
  start: number
  end: number
}

export type ReferenceProblem = {
  /** What the author wrote that looks like an identifier but is not a valid one. */
  start: number
  end: number
  message: string
  suggestion?: string
}

export type ReferenceCheck = {
  /** The identifier the value resolves to, when it has a valid one. */
  reference?: ParsedReference
  problems: ReferenceProblem[]
}

const DOI_SYNTAX = /^10\.\d{4,9}\/\S+$/
/** A DOI in running text, with an optional resolver or "doi:" prefix. Trailing punctuation is trimmed after. */
const DOI_IN_TEXT = /(?:https?:\/\/(?:dx\.)?doi\.org\/|\bdoi:\s?)?\b(10\.\d{4,9}\/[^\s"'<>\]}]+)/gi
/** Things that announce a DOI but are not valid ones ("doi: 10.123/x", "doi:10.1056"). */
const DOI_LIKE = /(?:https?:\/\/(?:dx\.)?doi\.org\/|\bdoi:\s?)(\S*)/gi
const PMID_IN_TEXT =
  /\bPMID:?\s*(\d+)\b|https?:\/\/(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov\/pubmed)\/(\d+)\/?/gi
const PMCID_IN_TEXT =
  /\b(?:PMCID:?\s*)?(PMC\s?\d+)\b|https?:\/\/(?:www\.)?(?:ncbi\.nlm\.nih\.gov\/pmc\/articles|pmc\.ncbi\.nlm\.nih\.gov\/articles)\/(PMC\d+)\/?/gi
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'\]}]+/gi
const TRAILING_PUNCT = /[.,;:!?)\]}>'"’”]+$/

/** "https://doi.org/10.1056/NEJMoa2034577." → "10.1056/nejmoa2034577"; null when not a DOI. */
export function normaliseDoi(value: string): string | null {
  let v = value.trim()
  v = v.replace(/^(?:https?:\/\/(?:dx\.)?doi\.org\/|doi:\s?)/i, '')
  if (/%[0-9a-f]{2}/i.test(v)) {
    try {
      v = decodeURIComponent(v)
    } catch {
      return null
    }
  }
  v = v.replace(TRAILING_PUNCT, '')
  return DOI_SYNTAX.test(v) ? v.toLowerCase() : null
}

/** PMIDs are 1 to 8 digits, not zero. */
export function isValidPmid(digits: string): boolean {
  return /^\d{1,8}$/.test(digits) && !/^0+$/.test(digits)
}

/** A URL with a scheme we link to and a host with a dot (or localhost-free), without spaces. */
export function isValidUrl(value: string): boolean {
  const m = /^https?:\/\/([^/?#\s:@]+)(?::\d+)?(?:[/?#]\S*)?$/i.exec(value)
  if (!m) return false
  const host = (m[1] as string).toLowerCase()
  return (
    /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(host) ||
    /^\d{1,3}(?:\.\d{1,3}){3}$/.test(host)
  )
}

/** The host of a URL, lower-case, without "www.". */
export function urlHost(url: string): string {
  const m = /^https?:\/\/([^/?#\s:@]+)/i.exec(url)
  return m ? (m[1] as string).toLowerCase().replace(/^www\./, '') : ''
}

/** The end of an identifier without trailing punctuation; a ")" stays when it closes a "(" inside. */
function trimmedEnd(text: string, start: number, end: number): number {
  let e = end
  while (e > start) {
    const c = text[e - 1] as string
    if ('.,;:!?\'"’”>]}'.includes(c)) e--
    else if (c === ')') {
      const s = text.slice(start, e)
      if ((s.match(/\)/g) ?? []).length > (s.match(/\(/g) ?? []).length) e--
      else break
    } else break
  }
  return e
}

type SpanLike = { start: number; end: number }

/** Whether [start, end) overlaps a span of a list sorted by start whose spans do not overlap (binary search). */
function overlaps(spans: readonly SpanLike[], start: number, end: number): boolean {
  let lo = 0
  let hi = spans.length
  // First span whose end is after start.
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((spans[mid] as SpanLike).end <= start) lo = mid + 1
    else hi = mid
  }
  const s = spans[lo]
  return s !== undefined && s.start < end
}

/** Adds a span to a sorted, non-overlapping list, keeping it sorted. */
function insertSorted<T extends SpanLike>(spans: T[], span: T): void {
  let lo = 0
  let hi = spans.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if ((spans[mid] as SpanLike).start < span.start) lo = mid + 1
    else hi = mid
  }
  spans.splice(lo, 0, span)
}

/**
 * Every valid identifier in a text (a post body, a reference value): DOIs first, then PubMed
 * and PMC ids and links, then other URLs; spans never overlap.
 */
export function findReferenceIds(text: string): ParsedReference[] {
  const out: ParsedReference[] = []
  for (const m of execAll(DOI_IN_TEXT, text)) {
    const start = m.index
    const end = trimmedEnd(text, start, start + m[0].length)
    const doi = normaliseDoi(text.slice(start + m[0].indexOf(m[1] as string), end))
    if (doi) insertSorted(out, { kind: 'doi', id: doi, href: `https://doi.org/${doi}`, start, end })
  }
  for (const m of execAll(PMID_IN_TEXT, text)) {
    const digits = (m[1] ?? m[2]) as string
    const start = m.index
    const end = trimmedEnd(text, start, start + m[0].length)
    if (!isValidPmid(digits) || overlaps(out, start, end)) continue
    insertSorted(out, {
      kind: 'pmid',
      id: String(Number(digits)),
      href: `https://pubmed.ncbi.nlm.nih.gov/${Number(digits)}/`,
      start,
      end,
    })
  }
  for (const m of execAll(PMCID_IN_TEXT, text)) {
    const id = ((m[1] ?? m[2]) as string).replace(/\s/g, '').toUpperCase()
    const start = m.index
    const end = trimmedEnd(text, start, start + m[0].length)
    if (!/^PMC\d{1,9}$/.test(id) || overlaps(out, start, end)) continue
    insertSorted(out, { kind: 'pmcid', id, href: `https://pmc.ncbi.nlm.nih.gov/articles/${id}/`, start, end })
  }
  for (const m of execAll(URL_IN_TEXT, text)) {
    const start = m.index
    const end = trimmedEnd(text, start, start + m[0].length)
    const url = text.slice(start, end)
    if (!isValidUrl(url) || overlaps(out, start, end)) continue
    insertSorted(out, { kind: 'url', id: url, href: url, start, end })
  }
  return out
}

/**
 * Things that announce an identifier but are not valid ones: "doi:10.1056", "10.123/x",
 * "PMID: 1234567890", "PMCabc", "htp://…", "www.…" without a scheme. `found` are the valid
 * identifiers already found in the text (they are never reported).
 */
export function findMalformedIds(
  text: string,
  found: readonly ParsedReference[] = findReferenceIds(text),
  options: { prose?: boolean } = {},
): ReferenceProblem[] {
  const problems: ReferenceProblem[] = []
  // In prose ("10.5/day", "www.nhs.uk", "PMCs") only identifiers announced as such are checked.
  const prose = options.prose === true
  // Look-alikes that announce an identifier but are not valid ones.
  for (const m of execAll(DOI_LIKE, text)) {
    if (overlaps(found, m.index, m.index + m[0].length)) continue
    insertSorted(problems, {
      start: m.index,
      end: m.index + m[0].trimEnd().length,
      message:
        'This is not a valid DOI: a DOI looks like 10.NNNN/suffix (a prefix of 4 to 9 digits, a slash, then the suffix).',
    })
  }
  for (const m of prose ? [] : execAll(/\b10\.\d{1,3}\/\S+/g, text)) {
    if (overlaps(found, m.index, m.index + m[0].length) || overlaps(problems, m.index, m.index + m[0].length))
      continue
    insertSorted(problems, {
      start: m.index,
      end: m.index + m[0].length,
      message: 'This is not a valid DOI: the prefix after "10." must have 4 to 9 digits.',
    })
  }
  for (const m of execAll(/\bPMID:?\s*(\d{9,})\b/gi, text)) {
    insertSorted(problems, {
      start: m.index,
      end: m.index + m[0].length,
      message: 'A PubMed id (PMID) has 1 to 8 digits.',
    })
  }
  for (const m of text.matchAll(
    prose ? /\bPMCID:?\s*(?!PMC\s?\d)\S+/gi : /\bPMCID:?\s*(?!PMC\s?\d)\S+|\bPMC(?![\s]?\d)\w*/gi,
  )) {
    if (overlaps(found, m.index, m.index + m[0].length)) continue
    insertSorted(problems, {
      start: m.index,
      end: m.index + m[0].length,
      message: 'A PubMed Central id looks like PMC followed by digits, e.g. PMC7654321.',
    })
  }
  for (const m of text.matchAll(
    prose ? /\b(?:https?|htps?|ttps?):\/+\S*/gi : /\b(?:https?|htps?|ttps?|hxxps?):\/*\S*|\bwww\.\S+/gi,
  )) {
    if (overlaps(found, m.index, m.index + m[0].length) || overlaps(problems, m.index, m.index + m[0].length))
      continue
    const end = trimmedEnd(text, m.index, m.index + m[0].length)
    const raw = text.slice(m.index, end)
    const fixed = /^www\./i.test(raw) ? `https://${raw}` : undefined
    insertSorted(problems, {
      start: m.index,
      end,
      message: 'This link is not a valid web address: it needs http:// or https:// and a full host name.',
      ...(fixed && isValidUrl(fixed) ? { suggestion: fixed } : {}),
    })
  }
  return problems
}

/**
 * Checks one reference value as the author entered it. A value may be a bare identifier
 * ("10.1056/…", "12345678", "PMC123") or a formatted citation that contains one.
 */
export function checkReference(value: string): ReferenceCheck {
  const text = value
  const trimmedStart = text.length - text.trimStart().length
  const bare = text.trim()
  const problems: ReferenceProblem[] = []
  if (!bare) return { problems: [{ start: 0, end: 0, message: 'The reference is empty.' }] }
  // A bare PMID: digits only.
  if (/^\d+$/.test(bare)) {
    if (isValidPmid(bare)) {
      const id = String(Number(bare))
      return {
        reference: {
          kind: 'pmid',
          id,
          href: `https://pubmed.ncbi.nlm.nih.gov/${id}/`,
          start: trimmedStart,
          end: trimmedStart + bare.length,
        },
        problems,
      }
    }
    return {
      problems: [
        {
          start: trimmedStart,
          end: trimmedStart + bare.length,
          message: 'A PubMed id (PMID) has 1 to 8 digits and is not zero.',
        },
      ],
    }
  }
  const found = findReferenceIds(text)
  problems.push(...findMalformedIds(text, found))
  const reference = found[0]
  if (!reference && problems.length === 0) {
    problems.push({
      start: trimmedStart,
      end: trimmedStart + bare.length,
      message: 'The reference has no DOI, PMID, PMCID or link that a reader can follow.',
      suggestion: 'Add the DOI (10.xxxx/…) or PubMed id of the source.',
    })
  }
  return { ...(reference ? { reference } : {}), problems: problems.sort((a, b) => a.start - b.start) }
}

/**
 * Reads a list of retracted DOIs for the policy import: a Retraction Watch CSV export (the
 * column named like "OriginalPaperDOI") or a plain file with one DOI a line. Returns distinct
 * DOIs, lower-case, without resolver, in file order. Rows without a valid DOI are skipped.
 */
export function parseRetractionCsv(csv: string): string[] {
  const text = csv.replace(/^\uFEFF/, '')
  const rows = parseCsv(text)
  const header = rows[0] ?? []
  const column = header.findIndex((h) => /original\s*_?paper\s*_?doi/i.test(h.replace(/\s+/g, '')))
  const doiColumn = column >= 0 ? column : header.findIndex((h) => /^\s*doi\s*$/i.test(h))
  const out: string[] = []
  const seen = new Set<string>()
  const add = (value: string | undefined) => {
    for (const part of (value ?? '').split(/[;\s]+/)) {
      const doi = normaliseDoi(part)
      if (doi && !seen.has(doi)) {
        seen.add(doi)
        out.push(doi)
      }
    }
  }
  if (doiColumn >= 0) for (const row of rows.slice(1)) add(row[doiColumn])
  else for (const line of text.split(/\r?\n/)) add(line.split(/[,\t]/)[0])
  return out
}

/** RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}
