import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { cueAt, parseCaptions } from './captions.ts'
import { compilePolicy, screen } from './evaluate.ts'
import { detectLanguage } from './language.ts'
import { redact } from './redact.ts'
import type { Rule } from './rule.ts'
import type { Finding } from './screening.schema.ts'
import { matchSpans, sentences, tokenize } from './text.ts'

/** A rule that flags the word "secret" wherever it appears, for testing the engine itself. */
const secretRule: Rule = {
  id: 'confidentiality.test-secret',
  pack: 'confidentiality',
  category: 'unique',
  severity: 'block',
  citation: 'Test citation',
  description: 'flags "secret"',
  detect(ctx) {
    return ctx.fields.flatMap((f) =>
      matchSpans(f.text, /secret/gi).map((m) => ({
        field: f.name,
        start: m.start,
        end: m.end,
        message: 'a secret',
        suggestion: '[x]',
      })),
    )
  },
}
const evidenceRule: Rule = {
  id: 'evidence.test-cure',
  pack: 'evidence',
  category: 'claim',
  severity: 'warn',
  citation: 'Evidence citation',
  description: 'flags "cure"',
  detect(ctx) {
    return ctx.fields.flatMap((f) =>
      matchSpans(f.text, /cure/g).map((m) => ({
        field: f.name,
        start: m.start,
        end: m.end,
        message: 'claim',
      })),
    )
  },
}
const rules = [secretRule, evidenceRule]

describe('screen', () => {
  it('reports findings with field offsets, text, citation and counts', () => {
    const r = screen({ title: 'A secret', body: 'It is a cure. Secret!' }, {}, rules)
    expect(r.findings.map((f) => [f.field, f.start, f.end, f.text, f.severity])).toEqual([
      ['title', 2, 8, 'secret', 'block'],
      ['body', 8, 12, 'cure', 'warn'],
      ['body', 14, 20, 'Secret', 'block'],
    ])
    expect(r.counts).toEqual({ block: 2, warn: 1, info: 0 })
    expect(r.findings[0]?.citation).toBe('Test citation')
    expect(r.policyVersion).toBe('default')
  })

  it('applies the policy: packs switched off, severities overridden, rules off', () => {
    const body = 'secret cure'
    expect(screen({ body }, { packs: ['evidence'] }, rules).findings.map((f) => f.ruleId)).toEqual([
      'evidence.test-cure',
    ])
    expect(
      screen({ body }, { severityOverrides: { 'evidence.test-cure': 'block' } }, rules).findings.map(
        (f) => f.severity,
      ),
    ).toEqual(['block', 'block'])
    expect(
      screen({ body }, { severityOverrides: { 'confidentiality.test-secret': 'off' } }, rules).counts.block,
    ).toBe(0)
    expect(screen({ body }, compilePolicy({ version: 'demo@v3' }), rules).policyVersion).toBe('demo@v3')
  })

  it('is deterministic', () => {
    const input = { body: 'secret cure secret', captions: 'a secret' }
    expect(screen(input, {}, rules)).toEqual(screen(input, {}, rules))
  })

  it('keeps caption cue timings on findings', () => {
    const srt =
      '1\n00:00:01,000 --> 00:00:03,500\nHello there\n\n2\n00:00:04,000 --> 00:00:06,000\nthe secret word\n'
    const [f] = screen({ captions: srt }, {}, rules).findings
    expect(f?.field).toBe('captions')
    expect(srt.slice(f?.start, f?.end)).toBe('secret')
    expect(f?.cue).toEqual({ index: 2, start: '00:00:04.000', end: '00:00:06.000' })
  })

  it('refuses malformed input and policies', () => {
    expect(() => screen({ body: 42 as unknown as string }, {}, rules)).toThrow()
    expect(() => compilePolicy({ packs: ['nonsense' as 'evidence'] })).toThrow()
  })

  it('never crashes and keeps every span inside its field (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (title, body, captions) => {
        const r = screen({ title, body, captions }, {}, rules)
        const fields: Record<string, string> = { title, body, captions }
        for (const f of r.findings) {
          const text = fields[f.field] ?? ''
          expect(f.start).toBeGreaterThanOrEqual(0)
          expect(f.end).toBeLessThanOrEqual(text.length)
          expect(text.slice(f.start, f.end)).toBe(f.text)
        }
      }),
    )
  })
})

describe('parseCaptions', () => {
  it('reads WEBVTT with hours omitted and cue settings', () => {
    const vtt =
      'WEBVTT\n\n00:01.000 --> 00:02.000 align:start\nfirst line\nsecond line\n\n01:02:03.250 --> 01:02:04.000\nlast'
    const { format, cues } = parseCaptions(vtt)
    expect(format).toBe('vtt')
    expect(cues.map((c) => [c.start, c.end, vtt.slice(c.textStart, c.textEnd)])).toEqual([
      ['00:00:01.000', '00:00:02.000', 'first line\nsecond line'],
      ['01:02:03.250', '01:02:04.000', 'last'],
    ])
    expect(cueAt(cues, vtt.indexOf('second'))?.index).toBe(1)
    expect(cueAt(cues, 3)).toBeUndefined()
  })
  it('reads SRT with CRLF line ends', () => {
    const srt =
      '1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nBye\r\n'
    const { format, cues } = parseCaptions(srt)
    expect(format).toBe('srt')
    expect(cues.map((c) => srt.slice(c.textStart, c.textEnd))).toEqual(['Hi', 'Bye'])
  })
  it('treats other text as plain', () => {
    expect(parseCaptions('just a transcript').format).toBe('plain')
  })
})

describe('redact', () => {
  const f = (
    start: number,
    end: number,
    severity: Finding['severity'] = 'block',
    suggestion?: string,
  ): Finding => ({
    ruleId: 'r',
    pack: 'confidentiality',
    category: 'name',
    severity,
    field: 'body',
    start,
    end,
    text: '',
    message: '',
    citation: '',
    ...(suggestion ? { suggestion } : {}),
  })
  it('replaces blocking spans with suggestions and keeps the rest', () => {
    expect(redact('Mrs Ellen Hartley, 93', [f(4, 17, 'block', '[patient]'), f(19, 21, 'warn')])).toBe(
      'Mrs [patient], 93',
    )
  })
  it('merges overlapping spans', () => {
    expect(redact('abcdefgh', [f(1, 4, 'block', '[a]'), f(3, 6, 'block', '[b]')])).toBe('a[a]gh')
  })
  it('removes every blocked span and nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 80 }),
        fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 6 }),
        (text, pairs) => {
          const spans = pairs.map(([a, b]) => {
            const s = a % (text.length + 1)
            const e = s + (b % (text.length - s + 1))
            return f(s, e, 'block', '\u0000')
          })
          const out = redact(text, spans)
          // Characters outside every span survive, in order; inside ones are gone.
          const covered = new Array(text.length).fill(false)
          for (const s of spans) for (let i = s.start; i < s.end; i++) covered[i] = true
          const kept = text
            .split('')
            .filter((_, i) => !covered[i])
            .join('')
          expect(out.replaceAll('\u0000', '')).toBe(kept.replaceAll('\u0000', ''))
        },
      ),
    )
  })
})

describe('text helpers', () => {
  it('splits sentences but not after abbreviations, initials or decimals', () => {
    const t = 'Dr. Smith gave 2.5 mg. It worked! J. Doe agreed.\n\nNew para'
    expect(sentences(t).map((s) => t.slice(s.start, s.end))).toEqual([
      'Dr. Smith gave 2.5 mg. It worked!',
      'J. Doe agreed.',
      'New para',
    ])
  })
  it('tokenizes with offsets', () => {
    expect(tokenize("O'Neil's ward-7B, 2.5").map((t) => t.text)).toEqual(["O'Neil's", 'ward-7B', '2.5'])
  })
  it('detects Spanish and English', () => {
    expect(detectLanguage('El paciente de 53 años ingresa con dolor torácico')).toBe('es')
    expect(detectLanguage('The patient was admitted with chest pain')).toBe('en')
  })
})
