import { VERBS } from '#src/capabilities/learning/quizzes/learning.statements.ts'
import { OTHER_OPTION } from './survey.answers.ts'
import type { SurveyAnswers, SurveyQuestion } from './survey.schema.ts'

/**
 * The xAPI statements for one survey response: one `answered` per answered question (result.response
 * in the xAPI interaction format: the Likert point's id, the chosen option ids joined with "[,]",
 * or the screened text), then one `responded` for the survey. Pure builders, like the quizzes'.
 */

export const RESPONDED = { id: 'http://adlnet.gov/expapi/verbs/responded', display: { 'en-US': 'responded' } }
const SURVEY_TYPE = 'http://id.tincanapi.com/activitytype/survey'
const INTERACTION = 'http://adlnet.gov/expapi/activities/cmi.interaction'

export type SurveyStatementContext = {
  actor: Record<string, unknown>
  itemUrl: string
  itemTitle: string
  registration: string
  timestamp: string
  /** The survey activity's id: `{itemUrl}/surveys/{attachmentId}`. */
  surveyUrl: string
  surveyTitle: string
  version: number
  /** Where Rounds' own extension IRIs live: `{publicBaseUrl}/xapi/extensions`. */
  extensionBase: string
}

const en = (text: string) => ({ 'en-US': text.slice(0, 500) })

export const surveyActivityId = (itemUrl: string, attachmentId: string) =>
  `${itemUrl}/surveys/${attachmentId}`

function base(ctx: SurveyStatementContext, parent?: string) {
  return {
    actor: ctx.actor,
    timestamp: ctx.timestamp,
    context: {
      registration: ctx.registration,
      contextActivities: {
        ...(parent ? { parent: [{ objectType: 'Activity', id: parent }] } : {}),
        grouping: [{ objectType: 'Activity', id: ctx.itemUrl }],
      },
      extensions: { [`${ctx.extensionBase}/survey-version`]: ctx.version },
    },
  }
}

function definition(q: SurveyQuestion) {
  if (q.kind === 'likert')
    return {
      type: INTERACTION,
      name: en(q.stem),
      interactionType: 'likert',
      scale: q.anchors.map((a, i) => ({ id: String(i + 1), description: en(a) })),
    }
  if (q.kind === 'choice')
    return {
      type: INTERACTION,
      name: en(q.stem),
      interactionType: 'choice',
      choices: [
        ...q.options.map((o) => ({ id: o.id, description: en(o.text) })),
        ...(q.allowOther ? [{ id: OTHER_OPTION, description: en('Other') }] : []),
      ],
    }
  return { type: INTERACTION, name: en(q.stem), interactionType: 'long-fill-in' }
}

export function surveyStatements(
  ctx: SurveyStatementContext,
  questions: readonly SurveyQuestion[],
  answers: SurveyAnswers,
) {
  const answered = questions.flatMap((q) => {
    const a = answers[q.id]
    if (!a) return []
    const response =
      a.kind === 'likert' ? String(a.value) : a.kind === 'choice' ? a.chosen.join('[,]') : a.text
    return [
      {
        ...base(ctx, ctx.surveyUrl),
        verb: VERBS.answered,
        object: {
          objectType: 'Activity',
          id: `${ctx.surveyUrl}/questions/${q.id}`,
          definition: definition(q),
        },
        result: {
          response,
          ...(a.kind === 'choice' && a.other
            ? { extensions: { [`${ctx.extensionBase}/other`]: a.other } }
            : {}),
        },
      },
    ]
  })
  return [
    ...answered,
    {
      ...base(ctx),
      verb: RESPONDED,
      object: {
        objectType: 'Activity',
        id: ctx.surveyUrl,
        definition: { type: SURVEY_TYPE, name: en(`${ctx.surveyTitle}: ${ctx.itemTitle}`) },
      },
      result: { completion: true, response: `${answered.length} of ${questions.length} questions answered` },
    },
  ]
}
