import { type Answer, PASS_MARK_PERCENT, type Question, type QuestionFeedback } from './training.schema.ts'

export type Score = {
  score: number
  total: number
  percent: number
  passed: boolean
  feedback: QuestionFeedback[]
}

/**
 * Problems with a submission, as validation details: answers to questions that were not
 * drawn, options that do not exist, a question answered twice, or more than one option
 * for a single-answer question. An empty list means the answers can be scored.
 */
export function checkAnswers(
  questions: readonly Question[],
  answers: readonly Answer[],
): Array<{ path: string; message: string }> {
  const byId = new Map(questions.map((q) => [q.id, q]))
  const seen = new Set<string>()
  const problems: Array<{ path: string; message: string }> = []
  answers.forEach((a, i) => {
    const q = byId.get(a.questionId)
    if (!q) {
      problems.push({ path: `answers.${i}.questionId`, message: 'not a question in this attempt' })
      return
    }
    if (seen.has(a.questionId))
      problems.push({ path: `answers.${i}.questionId`, message: 'this question is answered twice' })
    seen.add(a.questionId)
    const optionIds = new Set(q.options.map((o) => o.id))
    if (a.optionIds.some((id) => !optionIds.has(id)))
      problems.push({
        path: `answers.${i}.optionIds`,
        message: 'names an option this question does not have',
      })
    if (new Set(a.optionIds).size !== a.optionIds.length)
      problems.push({ path: `answers.${i}.optionIds`, message: 'names an option twice' })
    if (q.kind === 'single' && a.optionIds.length > 1)
      problems.push({ path: `answers.${i}.optionIds`, message: 'choose one option for this question' })
  })
  return problems
}

/**
 * Scores answers against the drawn questions. A question is right only when the options
 * chosen are exactly the correct ones: for a multiple-answer question, missing one right
 * option or adding one wrong option makes it wrong (no partial credit). Unanswered
 * questions are wrong. Passing needs at least PASS_MARK_PERCENT of the questions right.
 */
export function scoreAnswers(questions: readonly Question[], answers: readonly Answer[]): Score {
  const chosen = new Map(answers.map((a) => [a.questionId, new Set(a.optionIds)]))
  const feedback = questions.map((q): QuestionFeedback => {
    const selected = chosen.get(q.id) ?? new Set<string>()
    const correctIds = q.options.filter((o) => o.correct).map((o) => o.id)
    const correct = selected.size === correctIds.length && correctIds.every((id) => selected.has(id))
    return {
      questionId: q.id,
      topic: q.topic,
      kind: q.kind,
      prompt: q.prompt,
      correct,
      selectedOptionIds: q.options.filter((o) => selected.has(o.id)).map((o) => o.id),
      correctOptionIds: correctIds,
      options: q.options.map((o) => ({ ...o, selected: selected.has(o.id) })),
      sources: q.sources,
    }
  })
  const total = questions.length
  const score = feedback.filter((f) => f.correct).length
  return {
    score,
    total,
    percent: total === 0 ? 0 : Math.floor((score * 100) / total),
    passed: total > 0 && score * 100 >= PASS_MARK_PERCENT * total,
    feedback,
  }
}
