import type { Quiz, QuizAnswers, QuizQuestion } from './quiz.schema.ts'

/**
 * Quiz scoring and the learning-gain arithmetic: pure functions, no I/O.
 *
 * A single-answer question scores 1 when the one chosen option is the correct one. A
 * multiple-answer question scores 1 only for the exact set of correct options; the partial
 * credit (correct choices minus wrong choices, over the number of correct options, never
 * below 0) is reported so the learner sees how close they were, but it is not counted.
 */

export type QuestionResult = {
  questionId: string
  objective: string
  /** The option ids chosen, sorted. */
  chosen: string[]
  correct: string[]
  success: boolean
  /** 0–1; equals 1 or 0 for single-answer questions. */
  partial: number
}

export type QuizResult = {
  questions: QuestionResult[]
  /** Questions answered exactly right. */
  raw: number
  max: number
  /** raw / max, 0–1 (0 when the quiz has no questions). */
  scaled: number
  passed: boolean
}

export function scoreQuestion(question: QuizQuestion, chosenIds: readonly string[]): QuestionResult {
  const valid = new Set(question.options.map((o) => o.id))
  const chosen = [...new Set(chosenIds.filter((id) => valid.has(id)))].sort()
  const correct = question.options
    .filter((o) => o.correct)
    .map((o) => o.id)
    .sort()
  const correctSet = new Set(correct)
  let success: boolean
  let partial: number
  if (question.type === 'single') {
    success = chosen.length === 1 && correctSet.has(chosen[0] as string)
    partial = success ? 1 : 0
  } else {
    const right = chosen.filter((id) => correctSet.has(id)).length
    const wrong = chosen.length - right
    success = wrong === 0 && right === correct.length
    partial = correct.length === 0 ? 0 : Math.max(0, (right - wrong) / correct.length)
  }
  return { questionId: question.id, objective: question.objective, chosen, correct, success, partial }
}

export function scoreQuiz(quiz: Pick<Quiz, 'questions' | 'passScore'>, answers: QuizAnswers): QuizResult {
  const questions = quiz.questions.map((q) => scoreQuestion(q, answers[q.id] ?? []))
  const raw = questions.filter((q) => q.success).length
  const max = questions.length
  const scaled = max === 0 ? 0 : raw / max
  return { questions, raw, max, scaled, passed: max > 0 && scaled >= quiz.passScore }
}

/** Per-learner scores on the same quiz (raw, out of max); null where a step was not taken. */
export type LearnerScores = { pre: number | null; post: number | null; delayed: number | null }

/**
 * Normalised gain (post − pre) / (max − pre) of one learner (Hake's g). When pre = max
 * there is nothing left to gain: the gain is undefined (null), not 0 and not a division by
 * zero, and the learner is left out of the mean.
 */
export function normalisedGain(pre: number, post: number, max: number): number | null {
  if (!(max > 0)) return null
  if (pre >= max) return null
  return (post - pre) / (max - pre)
}

export type GainSummary = {
  /** Learners with a pre and a post score. */
  nPrePost: number
  /** Mean of (post − pre) over those learners; null when none. */
  meanGain: number | null
  /** Mean normalised gain over learners whose pre score was below max. */
  nNormalised: number
  meanNormalisedGain: number | null
  /** Learners with a post and a delayed score. */
  nRetention: number
  /** Mean of (delayed − post): negative when learners forgot. */
  meanRetention: number | null
  /** Learners who took each step. */
  n: { pre: number; post: number; delayed: number }
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null)

/** Gain and retention over learners, each learner paired with themself. */
export function summariseGain(learners: LearnerScores[], max: number): GainSummary {
  const gains: number[] = []
  const normalised: number[] = []
  const retention: number[] = []
  for (const l of learners) {
    if (l.pre !== null && l.post !== null) {
      gains.push(l.post - l.pre)
      const g = normalisedGain(l.pre, l.post, max)
      if (g !== null) normalised.push(g)
    }
    if (l.post !== null && l.delayed !== null) retention.push(l.delayed - l.post)
  }
  return {
    nPrePost: gains.length,
    meanGain: mean(gains),
    nNormalised: normalised.length,
    meanNormalisedGain: mean(normalised),
    nRetention: retention.length,
    meanRetention: mean(retention),
    n: {
      pre: learners.filter((l) => l.pre !== null).length,
      post: learners.filter((l) => l.post !== null).length,
      delayed: learners.filter((l) => l.delayed !== null).length,
    },
  }
}
