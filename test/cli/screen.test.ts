import { execFile } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { beforeAll, describe, expect, it } from 'vitest'

const run = promisify(execFile)
type Result = { code: number; stdout: string; stderr: string }

/** `rounds screen` needs no database: these run with no DATABASE_URL at all. */
async function rounds(...args: string[]): Promise<Result> {
  try {
    const r = await run(process.execPath, ['bin/rounds.js', 'screen', ...args], {
      env: { PATH: process.env.PATH ?? '' },
      timeout: 60_000,
      maxBuffer: 64e6,
    })
    return { code: 0, stdout: r.stdout, stderr: r.stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return {
      code: typeof err.code === 'number' ? err.code : 1,
      stdout: err.stdout ?? '',
      stderr: err.stderr ?? '',
    }
  }
}

const CASE =
  'Fascinating case on Ward 7B today — Mrs Ellen Hartley, 93, from Little Snoring, admitted 3 March.'
const CLEAN =
  'Three signs of sepsis in any unwell adult: new confusion, respiratory rate of 22 or more, systolic pressure of 100 or less [1].'

describe('rounds screen', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rounds-screen-'))
    writeFileSync(join(dir, 'case.md'), `${CASE}\n`)
    writeFileSync(join(dir, 'clean.md'), `${CLEAN}\n`)
    writeFileSync(
      join(dir, 'talk.srt'),
      '1\n00:00:01,000 --> 00:00:03,000\nWelcome back.\n\n2\n00:00:04,000 --> 00:00:07,500\nMrs Ellen Hartley was admitted on 3 March.\n',
    )
    writeFileSync(join(dir, 'bad.json'), '{"body": 42}')
  })

  it('exit 1 with the offending text, message and citation when there are blocking findings', async () => {
    const r = await rounds(join(dir, 'case.md'))
    expect(r.code).toBe(1)
    expect(r.stdout).toMatch(/BLOCK/)
    expect(r.stdout).toContain('Ellen Hartley')
    expect(r.stdout).toContain('HIPAA 45 CFR 164.514(b)(2)')
  })

  it('exit 0 for a clean post', async () => {
    const r = await rounds(join(dir, 'clean.md'))
    expect(r.stdout).toMatch(/0 blocking/)
    expect(r.code).toBe(0)
  })

  it('exit 2 on bad input: a missing file, a malformed JSON input, no files', async () => {
    expect((await rounds(join(dir, 'missing.md'))).code).toBe(2)
    const bad = await rounds(join(dir, 'bad.json'))
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/body/)
    expect((await rounds()).code).toBe(2)
  })

  it('--json prints the report; caption findings carry their cue timing', async () => {
    const r = await rounds('--json', join(dir, 'talk.srt'))
    const report = JSON.parse(r.stdout) as {
      findings: Array<{ text: string; cue?: { index: number; start: string } }>
    }
    const name = report.findings.find((f) => f.text === 'Ellen Hartley')
    expect(name?.cue).toEqual(expect.objectContaining({ index: 2, start: '00:00:04.000' }))
  })

  it('--redact replaces blocking spans and keeps everything else', async () => {
    const r = await rounds('--redact', join(dir, 'case.md'))
    expect(r.stdout).toContain('[patient]')
    expect(r.stdout).not.toContain('Hartley')
    expect(r.stdout).not.toContain('3 March')
    expect(r.stdout.startsWith('Fascinating case on ')).toBe(true)
    expect(r.stdout.endsWith('.\n')).toBe(true)
  })

  it('--jsonl: one output line per input line, in order, streaming; bad lines reported with exit 2', async () => {
    const lines = Array.from({ length: 300 }, (_, i) =>
      JSON.stringify({ id: `d${i}`, text: i % 3 === 0 ? CASE : CLEAN, lang: 'en' }),
    )
    writeFileSync(join(dir, 'in.jsonl'), `${lines.join('\n')}\n`)
    const r = await rounds('--jsonl', join(dir, 'in.jsonl'))
    expect(r.code).toBe(1)
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { id: string; findings: Array<Record<string, unknown>> })
    expect(out.map((o) => o.id)).toEqual(lines.map((_, i) => `d${i}`))
    const first = out[0]?.findings.find((f) => f.text === 'Ellen Hartley')
    expect(first).toEqual(
      expect.objectContaining({
        ruleId: 'confidentiality.name',
        pack: 'confidentiality',
        category: 'name',
        severity: 'block',
      }),
    )
    for (const key of ['start', 'end', 'message', 'citation']) expect(first).toHaveProperty(key)
    expect(CASE.slice(first?.start as number, first?.end as number)).toBe('Ellen Hartley')

    writeFileSync(
      join(dir, 'mixed.jsonl'),
      `${JSON.stringify({ id: 'a', text: CLEAN })}\nnot json\n{"id":"c"}\n`,
    )
    const mixed = await rounds('--jsonl', join(dir, 'mixed.jsonl'))
    expect(mixed.code).toBe(2)
    const rows = mixed.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(rows).toEqual([
      expect.objectContaining({ id: 'a', findings: expect.any(Array) }),
      expect.objectContaining({ id: null, line: 2, error: expect.any(String) }),
      expect.objectContaining({ id: 'c', line: 3, error: expect.any(String) }),
    ])
  })
})

describe('rounds screen with a quiz', () => {
  it('names the question and part of a finding in a quiz given as a JSON screening input', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rounds-screen-quiz-'))
    const quiz = [
      {
        id: 'q1',
        prompt: 'Which sign of sepsis often comes first in older adults?',
        options: [
          { id: 'a', text: 'New confusion' },
          { id: 'b', text: 'Bradycardia' },
        ],
        explanation: 'Mrs Ellen Hartley showed new confusion first.',
      },
    ]
    writeFileSync(join(dir, 'quiz.json'), JSON.stringify({ body: CLEAN, quiz }))
    const r = await rounds(join(dir, 'quiz.json'))
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('BLOCK quiz question 1 explanation  confidentiality.name')
    expect(r.stdout).toContain('Mrs Ellen Hartley showed new confusion first.')
    const json = await rounds('--json', join(dir, 'quiz.json'))
    const report = JSON.parse(json.stdout) as {
      findings: Array<{ field: string; text: string; quiz?: unknown }>
    }
    expect(report.findings.find((f) => f.text === 'Ellen Hartley')).toMatchObject({
      field: 'quiz',
      quiz: { question: 1, questionId: 'q1', part: 'explanation' },
    })
    writeFileSync(
      join(dir, 'clean-quiz.json'),
      JSON.stringify({ body: CLEAN, quiz: [{ ...quiz[0], explanation: '' }] }),
    )
    expect((await rounds(join(dir, 'clean-quiz.json'))).code).toBe(0)
  })
})
