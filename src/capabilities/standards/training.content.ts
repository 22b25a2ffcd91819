import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import {
  type Option,
  type QuestionKind,
  questionKindSchema,
  type Source,
  sourceSchema,
  type TrainingTopic,
  trainingTopicSchema,
} from './training.schema.ts'

/**
 * The built-in training content: Markdown lessons with YAML front matter and YAML question
 * banks in `training-content/`, citing guidance from `sources.yaml` by key. Read and
 * checked here; `syncBuiltInTraining` stores a new version of whatever changed.
 */
export const TRAINING_CONTENT_DIR = fileURLToPath(new URL('./training-content/', import.meta.url))

export type BuiltInLesson = {
  id: string
  topic: TrainingTopic
  title: string
  summary: string
  bodyMd: string
  sources: Source[]
  position: number
}

export type BuiltInQuestion = {
  id: string
  topic: TrainingTopic
  kind: QuestionKind
  prompt: string
  options: Option[]
  sources: Source[]
}

export type BuiltInContent = { lessons: BuiltInLesson[]; questions: BuiltInQuestion[] }

const builtInId = z.string().regex(/^rounds\.[a-z0-9.-]+$/, 'built-in ids start with "rounds."')

const lessonFrontMatterSchema = z.strictObject({
  id: builtInId,
  title: z.string().min(3),
  topic: trainingTopicSchema,
  position: z.number().int(),
  summary: z.string().min(1),
  sources: z.array(z.string()).min(1),
})

const questionFileSchema = z.array(
  z.strictObject({
    id: builtInId,
    kind: questionKindSchema,
    prompt: z.string().min(10),
    options: z
      .array(
        z.strictObject({
          text: z.string().min(1),
          correct: z.boolean(),
          feedback: z.string().min(1),
          cite: z.string(),
        }),
      )
      .min(2)
      .max(8),
  }),
)

/** Reads and checks every built-in lesson and question; throws naming the file on any problem. */
export function loadBuiltInContent(dir: string = TRAINING_CONTENT_DIR): BuiltInContent {
  const sources = parseOrThrow(
    z.record(z.string(), sourceSchema),
    parseYaml(readFileSync(join(dir, 'sources.yaml'), 'utf8')),
    'sources.yaml',
  )
  const cite = (key: string, file: string): Source => {
    const s = sources[key]
    if (!s) throw new Error(`${file}: unknown source "${key}" (add it to sources.yaml)`)
    return s
  }

  const lessons = markdownFiles(join(dir, 'lessons')).map((file): BuiltInLesson => {
    const { frontMatter, body } = splitFrontMatter(readFileSync(join(dir, 'lessons', file), 'utf8'), file)
    const fm = parseOrThrow(lessonFrontMatterSchema, frontMatter, `lessons/${file}`)
    return {
      id: fm.id,
      topic: fm.topic,
      title: fm.title,
      summary: fm.summary,
      bodyMd: body,
      sources: fm.sources.map((k) => cite(k, `lessons/${file}`)),
      position: fm.position,
    }
  })

  const questions = readdirSync(join(dir, 'questions'))
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .flatMap((file) => {
      const topic = parseOrThrow(trainingTopicSchema, file.replace(/\.yaml$/, ''), `questions/${file} (name)`)
      const items = parseOrThrow(
        questionFileSchema,
        parseYaml(readFileSync(join(dir, 'questions', file), 'utf8')),
        `questions/${file}`,
      )
      return items.map((q): BuiltInQuestion => {
        const where = `questions/${file} ${q.id}`
        const right = q.options.filter((o) => o.correct).length
        if (q.kind === 'single' ? right !== 1 : right < 1)
          throw new Error(`${where}: ${q.kind} question with ${right} correct options`)
        const cited = q.options.map((o) => cite(o.cite, where))
        return {
          id: q.id,
          topic,
          kind: q.kind,
          prompt: q.prompt.trim(),
          options: q.options.map((o, i) => ({
            id: optionId(i),
            text: o.text.trim(),
            correct: o.correct,
            feedback: o.feedback.trim(),
            citation: formatCitation(cited[i] as Source),
          })),
          sources: [...new Map(cited.map((s) => [s.url, s])).values()],
        }
      })
    })

  for (const list of [lessons, questions]) {
    const ids = list.map((x) => x.id)
    const duplicate = ids.find((id, i) => ids.indexOf(id) !== i)
    if (duplicate) throw new Error(`training content: ${duplicate} is defined twice`)
  }
  return { lessons, questions }
}

/** Option ids are letters in authored order: a, b, c … */
export function optionId(index: number): string {
  return String.fromCharCode(97 + index)
}

/** "Title — Publisher, Year": the short citation shown with each option's feedback. */
export function formatCitation(s: Source): string {
  return `${s.title} — ${s.publisher}, ${s.year}`
}

function markdownFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
}

function splitFrontMatter(text: string, file: string): { frontMatter: unknown; body: string } {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n([\s\S]*)$/.exec(text)
  if (!m) throw new Error(`lessons/${file}: no front matter (--- … ---) at the top`)
  return { frontMatter: parseYaml(m[1] ?? ''), body: (m[2] ?? '').trim() }
}

function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, where: string): T {
  const r = schema.safeParse(value)
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new Error(`training content ${where}: ${issues.join('; ')}`)
  }
  return r.data
}
