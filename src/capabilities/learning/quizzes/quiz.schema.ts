import { z } from 'zod'

/**
 * Quizzes attached to an item: shapes shared by the API, the public learner pages and the
 * web editor. Nothing here imports Node modules.
 *
 * An item has one set of questions, asked as each enabled kind of quiz: before the content
 * (pre), after it (post) and some days later (delayed). Asking the same questions each time
 * is what makes the pre → post gain and the post → delayed retention comparable.
 */

export const quizKinds = ['pre', 'post', 'delayed'] as const
export const quizKindSchema = z.enum(quizKinds)
export type QuizKind = z.infer<typeof quizKindSchema>

export const quizOptionSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, 'an option id is 1-40 letters, digits, - or _'),
  text: z.string().trim().min(1).max(1000),
  correct: z.boolean().default(false),
})

export const quizQuestionSchema = z
  .object({
    id: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_-]{1,40}$/, 'a question id is 1-40 letters, digits, - or _'),
    /** single: exactly one correct option; multiple: one or more, answered as an exact set. */
    type: z.enum(['single', 'multiple']),
    prompt: z.string().trim().min(1).max(2000),
    options: z.array(quizOptionSchema).min(2).max(8),
    /** Shown with the feedback after the post and delayed quizzes. */
    explanation: z.string().trim().max(4000).default(''),
    /** The learning objective (its text, as in the item's learningObjectives) the question tests. */
    objective: z.string().trim().max(500).default(''),
  })
  .superRefine((q, ctx) => {
    const correct = q.options.filter((o) => o.correct).length
    if (q.type === 'single' && correct !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'a single-answer question has exactly one correct option',
      })
    if (q.type === 'multiple' && correct < 1)
      ctx.addIssue({
        code: 'custom',
        path: ['options'],
        message: 'a multiple-answer question has at least one correct option',
      })
    const ids = new Set(q.options.map((o) => o.id))
    if (ids.size !== q.options.length)
      ctx.addIssue({ code: 'custom', path: ['options'], message: 'option ids are unique within a question' })
  })
export type QuizQuestion = z.output<typeof quizQuestionSchema>

export const DEFAULT_DELAY_DAYS = 14

export const quizSchema = z
  .object({
    questions: z.array(quizQuestionSchema).max(30),
    /** Which quizzes learners take; at least post when there are questions. */
    kinds: z.array(quizKindSchema).max(3).default(['pre', 'post', 'delayed']),
    /** Days after the post quiz when the delayed quiz opens. */
    delayDays: z.number().int().min(1).max(365).default(DEFAULT_DELAY_DAYS),
    /** The scaled score (0–1) that counts as passed. */
    passScore: z.number().min(0).max(1).default(0.7),
  })
  .superRefine((quiz, ctx) => {
    const ids = new Set(quiz.questions.map((q) => q.id))
    if (ids.size !== quiz.questions.length)
      ctx.addIssue({ code: 'custom', path: ['questions'], message: 'question ids are unique within a quiz' })
    if (new Set(quiz.kinds).size !== quiz.kinds.length)
      ctx.addIssue({ code: 'custom', path: ['kinds'], message: 'each kind of quiz is listed once' })
    if (quiz.questions.length > 0 && !quiz.kinds.includes('post'))
      ctx.addIssue({
        code: 'custom',
        path: ['kinds'],
        message: 'a quiz with questions includes the post quiz',
      })
  })
  .meta({ id: 'ItemQuiz' })
export type Quiz = z.output<typeof quizSchema>
export type QuizInput = z.input<typeof quizSchema>

/** True when the item has a quiz a learner can take. */
export function hasQuiz(quiz: Quiz | null | undefined): quiz is Quiz {
  return !!quiz && quiz.questions.length > 0
}

/** A learner's answer to one question: the option ids they chose. */
export const quizAnswersSchema = z.record(z.string().max(40), z.array(z.string().max(40)).max(8))
export type QuizAnswers = z.infer<typeof quizAnswersSchema>
