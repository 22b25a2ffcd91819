import type { Quiz, QuizKind, QuizQuestion } from './quiz.schema.ts'
import type { QuestionResult, QuizResult } from './quiz.scoring.ts'

/**
 * The xAPI statements Rounds writes for a learner's events on a public item page: pure
 * builders (no I/O). Activity ids are the public page's URL and paths under it, so a
 * statement names the same thing an external LRS or a researcher can open.
 */

export const VERBS = {
  experienced: { id: 'http://adlnet.gov/expapi/verbs/experienced', display: { 'en-US': 'experienced' } },
  answered: { id: 'http://adlnet.gov/expapi/verbs/answered', display: { 'en-US': 'answered' } },
  completed: { id: 'http://adlnet.gov/expapi/verbs/completed', display: { 'en-US': 'completed' } },
  passed: { id: 'http://adlnet.gov/expapi/verbs/passed', display: { 'en-US': 'passed' } },
  failed: { id: 'http://adlnet.gov/expapi/verbs/failed', display: { 'en-US': 'failed' } },
  played: { id: 'https://w3id.org/xapi/video/verbs/played', display: { 'en-US': 'played' } },
  paused: { id: 'https://w3id.org/xapi/video/verbs/paused', display: { 'en-US': 'paused' } },
  seeked: { id: 'https://w3id.org/xapi/video/verbs/seeked', display: { 'en-US': 'seeked' } },
} as const

export const VIDEO = {
  activityType: 'https://w3id.org/xapi/video/activity-type/video',
  time: 'https://w3id.org/xapi/video/extensions/time',
  timeFrom: 'https://w3id.org/xapi/video/extensions/time-from',
  timeTo: 'https://w3id.org/xapi/video/extensions/time-to',
  progress: 'https://w3id.org/xapi/video/extensions/progress',
  length: 'https://w3id.org/xapi/video/extensions/length',
  sessionId: 'https://w3id.org/xapi/video/extensions/session-id',
  category: 'https://w3id.org/xapi/video',
} as const

const ACTIVITY = {
  lesson: 'http://adlnet.gov/expapi/activities/lesson',
  assessment: 'http://adlnet.gov/expapi/activities/assessment',
  interaction: 'http://adlnet.gov/expapi/activities/cmi.interaction',
}

export type StatementContext = {
  actor: Record<string, unknown>
  /** The public page's absolute URL: the item activity's id. */
  itemUrl: string
  itemTitle: string
  /** The learning session's UUID. */
  registration: string
  timestamp: string
}

const en = (text: string) => ({ 'en-US': text.slice(0, 500) })

function itemActivity(ctx: StatementContext) {
  return {
    objectType: 'Activity',
    id: ctx.itemUrl,
    definition: { type: ACTIVITY.lesson, name: en(ctx.itemTitle) },
  }
}

export const quizActivityId = (itemUrl: string, kind: QuizKind) => `${itemUrl}/quiz/${kind}`

function quizActivity(ctx: StatementContext, kind: QuizKind) {
  return {
    objectType: 'Activity',
    id: quizActivityId(ctx.itemUrl, kind),
    definition: { type: ACTIVITY.assessment, name: en(`${kindName[kind]}: ${ctx.itemTitle}`) },
  }
}

const kindName: Record<QuizKind, string> = {
  pre: 'Quiz before the content',
  post: 'Quiz after the content',
  delayed: 'Delayed quiz',
}

function base(ctx: StatementContext, parent?: string) {
  return {
    actor: ctx.actor,
    timestamp: ctx.timestamp,
    context: {
      registration: ctx.registration,
      contextActivities: {
        ...(parent ? { parent: [{ objectType: 'Activity', id: parent }] } : {}),
        grouping: [{ objectType: 'Activity', id: ctx.itemUrl }],
      },
    },
  }
}

/** The learner was shown the item's content. */
export function experiencedStatement(ctx: StatementContext) {
  return { ...base(ctx), verb: VERBS.experienced, object: itemActivity(ctx) }
}

/** One `answered` per question (result.success and the response), then `completed` and passed/failed. */
export function quizStatements(ctx: StatementContext, kind: QuizKind, quiz: Quiz, result: QuizResult) {
  const quizId = quizActivityId(ctx.itemUrl, kind)
  const byId = new Map(quiz.questions.map((q) => [q.id, q]))
  const answered = result.questions.map((r) =>
    answeredStatement(ctx, quizId, byId.get(r.questionId) as QuizQuestion, r),
  )
  const score = { raw: result.raw, min: 0, max: result.max, scaled: round(result.scaled) }
  return [
    ...answered,
    {
      ...base(ctx),
      verb: VERBS.completed,
      object: quizActivity(ctx, kind),
      result: { completion: true, score },
    },
    {
      ...base(ctx),
      verb: result.passed ? VERBS.passed : VERBS.failed,
      object: quizActivity(ctx, kind),
      result: { success: result.passed, score },
    },
  ]
}

function answeredStatement(ctx: StatementContext, quizId: string, q: QuizQuestion, r: QuestionResult) {
  return {
    ...base(ctx, quizId),
    verb: VERBS.answered,
    object: {
      objectType: 'Activity',
      id: `${quizId}/questions/${q.id}`,
      definition: {
        type: ACTIVITY.interaction,
        name: en(q.prompt),
        ...(q.objective ? { description: en(`Objective: ${q.objective}`) } : {}),
        interactionType: 'choice',
        correctResponsesPattern: [r.correct.join('[,]')],
        choices: q.options.map((o) => ({ id: o.id, description: en(o.text) })),
      },
    },
    result: { success: r.success, response: r.chosen.join('[,]'), score: { scaled: round(r.partial) } },
  }
}

export type VideoEvent =
  | { type: 'played' | 'paused'; time: number; length?: number; progress?: number; sessionId: string }
  | { type: 'seeked'; timeFrom: number; timeTo: number; length?: number; sessionId: string }
  | { type: 'completed'; time: number; length?: number; progress?: number; sessionId: string }

/** xAPI Video Profile statements from the public page's player. */
export function videoStatement(ctx: StatementContext, videoUrl: string, videoName: string, e: VideoEvent) {
  const extensions: Record<string, number> = {}
  if (e.type === 'seeked') {
    extensions[VIDEO.timeFrom] = round(e.timeFrom, 3)
    extensions[VIDEO.timeTo] = round(e.timeTo, 3)
  } else {
    extensions[VIDEO.time] = round(e.time, 3)
    if (e.progress !== undefined) extensions[VIDEO.progress] = round(e.progress, 3)
  }
  const result = e.type === 'completed' ? { completion: true, extensions } : { extensions }
  return {
    actor: ctx.actor,
    timestamp: ctx.timestamp,
    verb: VERBS[e.type],
    object: {
      objectType: 'Activity',
      id: videoUrl,
      definition: { type: VIDEO.activityType, name: en(videoName) },
    },
    result,
    context: {
      registration: ctx.registration,
      contextActivities: {
        parent: [{ objectType: 'Activity', id: ctx.itemUrl }],
        category: [{ objectType: 'Activity', id: VIDEO.category }],
      },
      extensions: {
        [VIDEO.sessionId]: e.sessionId,
        ...(e.length !== undefined ? { [VIDEO.length]: round(e.length, 3) } : {}),
      },
    },
  }
}

function round(x: number, digits = 4): number {
  const f = 10 ** digits
  return Math.round(x * f) / f
}
