import { accessSync, constants, createReadStream, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, extname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { z } from 'zod'
import { AppError } from '#src/platform/errors.ts'
import { type CompiledPolicy, composeQuiz, screen } from './evaluate.ts'
import { redact } from './redact.ts'
import { type Finding, type Report, type ScreenInput, screenInputSchema } from './screening.schema.ts'

/**
 * The `rounds screen` presenter: turns files and JSONL streams into engine inputs and
 * reports into terminal output. Exit codes: 0 no blockers, 1 blockers, 2 bad input.
 */

export type ScreenOutcome = { exitCode: 0 | 1 | 2 }

type Out = { write(chunk: string): boolean; once(event: 'drain', cb: () => void): unknown; isTTY?: boolean }

/** Reads one file as an engine input: JSON (a ScreenInput), SRT/VTT captions, or Markdown/text body. */
export function readScreenFile(path: string, language: 'en' | 'es' | 'auto'): ScreenInput {
  let raw: string
  try {
    raw = path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8')
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', {
      message: `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
    })
  }
  const ext = extname(path).toLowerCase()
  if (ext === '.json') {
    let data: unknown
    try {
      data = JSON.parse(raw)
    } catch {
      throw new AppError('MALFORMED_JSON', { message: `${path} is not valid JSON` })
    }
    const parsed = screenInputSchema.safeParse(data)
    if (!parsed.success) {
      throw new AppError('VALIDATION_FAILED', {
        message: `${path} is not a valid screening input`,
        details: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      })
    }
    return { ...parsed.data, language: parsed.data.language === 'auto' ? language : parsed.data.language }
  }
  if (ext === '.srt' || ext === '.vtt') return { captions: raw, language }
  return { body: raw, language }
}

/** What the media capability adds about a file it screened (metadata removed, files written). */
export type MediaSummary = {
  kind: string
  metadataRemoved: Array<{ description: string }>
  written: string[]
} & Record<string, unknown>

/**
 * Screens image, DICOM and video files (src/capabilities/media/media.cli.ts); `detect` says
 * whether a file is one, from its bytes.
 */
export type MediaScreener = {
  detect(path: string): Promise<unknown | null>
  screen(
    path: string,
    detected: unknown,
    outDir: string | undefined,
  ): Promise<{ report: Report; media: MediaSummary }>
}

/**
 * Screens files and prints findings (or JSON, or redacted text). With `redactDir`, redacted
 * copies are written there instead (text with blocking findings replaced; for media, the
 * sanitised and redacted derivatives) and the findings are printed as usual.
 */
export async function screenFiles(
  paths: string[],
  options: {
    json: boolean
    redact: boolean
    redactDir?: string | undefined
    language: 'en' | 'es' | 'auto'
    policy: CompiledPolicy
    media?: MediaScreener | undefined
  },
  out: Out,
): Promise<ScreenOutcome> {
  const results: Array<{ file: string; report: Report; input: ScreenInput; media?: MediaSummary }> = []
  for (const path of paths) {
    const detected = options.media ? await options.media.detect(path) : null
    if (options.media && detected) {
      const r = await options.media.screen(path, detected, options.redactDir)
      results.push({ file: path, report: r.report, input: {}, media: r.media })
      continue
    }
    const input = readScreenFile(path, options.language)
    results.push({ file: path, report: screen(input, options.policy), input })
  }
  const blockers = results.some((r) => r.report.counts.block > 0)
  const redactedText = (r: (typeof results)[number]) => {
    const field = r.input.captions && !r.input.body ? 'captions' : 'body'
    const text = (field === 'captions' ? r.input.captions : r.input.body) ?? ''
    return redact(text, r.report.findings, field)
  }
  if (options.redactDir) {
    mkdirSync(options.redactDir, { recursive: true })
    for (const r of results) {
      if (r.media || r.file === '-') continue
      const file = join(options.redactDir, `${basename(r.file, extname(r.file))}.redacted${extname(r.file)}`)
      writeFileSync(file, redactedText(r))
    }
  }
  if (options.redact && !options.redactDir) {
    for (const r of results) if (!r.media) await write(out, redactedText(r))
  } else if (options.json) {
    const entry = (r: (typeof results)[number]) => (r.media ? { ...r.report, media: r.media } : r.report)
    const payload =
      results.length === 1 && results[0]
        ? entry(results[0])
        : results.map((r) => ({ file: r.file, report: entry(r) }))
    await write(out, `${JSON.stringify(payload, null, 2)}\n`)
  } else {
    for (const r of results) {
      await write(out, formatReport(r.file, r.input, r.report, !!out.isTTY))
      for (const m of r.media?.metadataRemoved ?? []) await write(out, `  metadata: ${m.description}\n`)
      for (const w of r.media?.written ?? []) await write(out, `  wrote ${w}\n`)
    }
  }
  return { exitCode: blockers ? 1 : 0 }
}

const jsonlLineSchema = z.object({
  id: z.union([z.string(), z.number()]),
  text: z.string(),
  lang: z.enum(['en', 'es', 'auto']).optional(),
})

/**
 * Streams JSONL: each input line `{"id","text","lang"?}` gives one output line
 * `{"id","findings":[…]}`, in order. A bad line gives `{"id","line","error"}` and exit code 2.
 */
export async function screenJsonl(
  inputPath: string,
  options: { language: 'en' | 'es' | 'auto'; policy: CompiledPolicy },
  out: Out,
): Promise<ScreenOutcome> {
  if (inputPath !== '-') {
    try {
      accessSync(inputPath, constants.R_OK)
    } catch (e) {
      throw new AppError('VALIDATION_FAILED', {
        message: `cannot read ${inputPath}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`,
      })
    }
  }
  const stream = inputPath === '-' ? process.stdin : createReadStream(inputPath, { encoding: 'utf8' })
  let failed = false
  let blockers = false
  let lineNo = 0
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY })
  for await (const line of lines) {
    lineNo++
    if (line.trim() === '') continue
    let parsed: z.infer<typeof jsonlLineSchema> | null = null
    let id: unknown = null
    try {
      const data = JSON.parse(line) as { id?: unknown }
      id = data?.id ?? null
      const r = jsonlLineSchema.safeParse(data)
      if (r.success) parsed = r.data
    } catch {
      /* reported below */
    }
    if (!parsed) {
      failed = true
      await write(out, `${JSON.stringify({ id, line: lineNo, error: 'expected {"id","text","lang"?}' })}\n`)
      continue
    }
    const report = screen({ body: parsed.text, language: parsed.lang ?? options.language }, options.policy)
    if (report.counts.block > 0) blockers = true
    await write(out, `${JSON.stringify({ id: parsed.id, findings: report.findings.map(withoutField) })}\n`)
  }
  return { exitCode: failed ? 2 : blockers ? 1 : 0 }
}

function withoutField(f: Finding) {
  const { field: _field, ...rest } = f
  return rest
}

function write(out: Out, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (out.write(chunk)) resolve()
    else out.once('drain', resolve)
  })
}

const colour = {
  block: (s: string) => `\u001b[1;31m${s}\u001b[0m`,
  warn: (s: string) => `\u001b[1;33m${s}\u001b[0m`,
  info: (s: string) => `\u001b[1;36m${s}\u001b[0m`,
  mark: (s: string) => `\u001b[7m${s}\u001b[27m`,
  dim: (s: string) => `\u001b[2m${s}\u001b[0m`,
}

/** Human-readable findings: position, severity, rule, the text in its line, message, citation. */
export function formatReport(file: string, input: ScreenInput, report: Report, tty: boolean): string {
  const lines: string[] = []
  const i = screenInputSchema.parse(input)
  const fieldText = (f: Finding) => {
    switch (f.field) {
      case 'title':
        return i.title
      case 'body':
        return i.body
      case 'captions':
        return i.captions
      case 'quiz':
        return composeQuiz(i.quiz).text
      default:
        return ''
    }
  }
  lines.push(
    `${file}: ${report.counts.block} blocking, ${report.counts.warn} warnings, ${report.counts.info} notes`,
  )
  for (const f of report.findings) {
    const text = fieldText(f)
    const { line, column, lineText, lineStart } = position(text, f.start)
    const sev = f.severity.toUpperCase().padEnd(5)
    const time = f.time !== undefined ? ` at ${f.time}s` : ''
    const where = f.box
      ? `box ${f.box.x},${f.box.y} ${f.box.width}×${f.box.height}${time}`
      : f.cue
        ? `cue ${f.cue.index} ${f.cue.start}`
        : f.time !== undefined
          ? `${f.field}${time}`
          : f.field === 'media'
            ? 'metadata'
            : f.quiz
              ? `quiz question ${f.quiz.question} ${f.quiz.part === 'option' ? `option ${f.quiz.optionId ?? ''}`.trim() : f.quiz.part}`
              : `${f.field} ${line}:${column}`
    lines.push(`  ${tty ? colour[f.severity](sev) : sev} ${where}  ${f.ruleId}`)
    if (lineText) {
      const a = f.start - lineStart
      const b = Math.min(f.end - lineStart, lineText.length)
      const shown = tty
        ? `${lineText.slice(0, a)}${colour.mark(lineText.slice(a, b))}${lineText.slice(b)}`
        : `${lineText}\n      ${' '.repeat(a)}${'^'.repeat(Math.max(1, b - a))}`
      lines.push(`      ${shown}`)
    }
    if (f.field === 'media' && f.text)
      lines.push(`      "${f.text.length > 120 ? `${f.text.slice(0, 120)}…` : f.text}"`)
    lines.push(`      ${f.message}${f.suggestion ? ` → ${f.suggestion}` : ''}`)
    lines.push(`      ${tty ? colour.dim(f.citation) : f.citation}`)
  }
  return `${lines.join('\n')}\n`
}

function position(text: string, offset: number) {
  const before = text.slice(0, offset)
  const line = before.split('\n').length
  const lineStart = before.lastIndexOf('\n') + 1
  const lineEnd = text.indexOf('\n', offset)
  const lineText = text.slice(lineStart, lineEnd === -1 ? text.length : lineEnd)
  return {
    line,
    column: offset - lineStart + 1,
    lineStart,
    lineText: lineText.length > 300 ? lineText.slice(0, 300) : lineText,
  }
}
