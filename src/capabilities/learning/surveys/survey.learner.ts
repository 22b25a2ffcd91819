import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { getCookie, setCookie } from 'hono/cookie'
import { learnerErrorHtml } from '#src/capabilities/learning/quizzes/learning.html.ts'
import {
  findLearnerForUser,
  type LearnerRow,
} from '#src/capabilities/learning/quizzes/learning.repository.ts'
import {
  LEARNER_COOKIE,
  type SessionUser,
  sameSiteForm,
} from '#src/capabilities/learning/quizzes/learning.routes.ts'
import { type LearningDeps, learnerFromCookie } from '#src/capabilities/learning/quizzes/learning.service.ts'
import { errorPageHtml } from '#src/capabilities/public/public.html.ts'
import { AppError } from '#src/platform/errors.ts'
import type { HttpEnv } from '#src/platform/http/app.ts'
import type { FormValues } from './survey.answers.ts'
import { surveyFormHtml, surveyThanksHtml } from './survey.html.ts'
import { hasResponded, type SurveyPage, submitSurvey, surveyPage } from './survey.service.ts'

const YEAR_S = 365 * 24 * 60 * 60

/**
 * The learner's survey pages under a public item page (/orgs/{slug}/items/{id}/surveys/{attachmentId}):
 * the form, then a thank-you page. Beside the quiz pages and built the same way (decision 014).
 */
export function surveyLearnerRoutes(
  deps: LearningDeps,
  sessionUser: SessionUser,
  trustedOrigins: string[],
): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>()
  const secure = deps.publicBaseUrl.startsWith('https:')
  const path = '/orgs/:slug/items/:id/surveys/:attachmentId'

  app.use(path, async (c, next) => {
    c.header('cache-control', 'no-store')
    if (c.req.method === 'POST' && !sameSiteForm(c, deps.publicBaseUrl, trustedOrigins))
      throw new AppError('FORBIDDEN', { message: 'requests from other sites are not accepted' })
    await next()
  })
  app.use(
    path,
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', { message: 'survey answers are limited to 64 KB' })
      },
    }),
  )

  app.onError((error, c) => {
    if (!(error instanceof AppError) || error.status >= 500) throw error
    c.header('cache-control', 'no-store')
    const status = error.code === 'ITEM_GONE' ? 410 : error.status === 404 ? 404 : null
    if (status) return c.html(errorPageHtml(status, error.message), status)
    return c.html(learnerErrorHtml(error.message), error.status as 400)
  })

  const load = (c: Context<HttpEnv>) =>
    surveyPage(deps, c.req.param('slug') ?? '', c.req.param('id') ?? '', c.req.param('attachmentId') ?? '')

  async function learnerOf(c: Context<HttpEnv>, p: SurveyPage): Promise<LearnerRow | null> {
    const fromCookie = await learnerFromCookie(deps, getCookie(c, LEARNER_COOKIE))
    if (fromCookie) return fromCookie
    const userId = await sessionUser(c.req.raw.headers)
    return userId ? findLearnerForUser(deps.db, userId, p.item.id) : null
  }

  app.get(path, async (c) => {
    const p = await load(c)
    const learner = await learnerOf(c, p)
    if (c.req.query('done') !== undefined && learner && (await hasResponded(deps, p, learner)))
      return c.html(surveyThanksHtml(p, c.req.query('done') === 'again'))
    return c.html(
      surveyFormHtml(p, {
        action: c.req.path,
        needsConsent: !learner,
        answeredBefore: await hasResponded(deps, p, learner),
      }),
    )
  })

  app.post(path, async (c) => {
    const p = await load(c)
    const existing = await learnerOf(c, p)
    const { form, consent } = await formValues(c)
    try {
      const { learner, replaced } = await submitSurvey(deps, p, existing, {
        consent,
        userId: await sessionUser(c.req.raw.headers),
        form,
      })
      if (!existing)
        setCookie(c, LEARNER_COOKIE, learner.id, {
          path: '/',
          httpOnly: true,
          sameSite: 'Lax',
          secure,
          maxAge: YEAR_S,
        })
      return c.redirect(`${c.req.path}?done=${replaced ? 'again' : 'new'}`, 303)
    } catch (error) {
      if (error instanceof AppError && error.code === 'VALIDATION_FAILED')
        return c.html(
          surveyFormHtml(p, {
            action: c.req.path,
            needsConsent: !existing,
            answeredBefore: await hasResponded(deps, p, existing),
            error: error.message,
          }),
          400,
        )
      throw error
    }
  })

  return app
}

/** Form fields `q.<questionId>` (and `q.<questionId>.other`), and the consent box. */
async function formValues(c: Context<HttpEnv>): Promise<{ form: FormValues; consent: boolean }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'send the answers as a form' })
  const body = await c.req.parseBody({ all: true })
  const form: FormValues = {}
  let fields = 0
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith('q.')) continue
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')
    if (++fields > 100 || values.length > 20)
      throw new AppError('VALIDATION_FAILED', { message: 'too many answers in this form' })
    form[key.slice(2, 90)] = values
  }
  const consent = body.consent
  return { form, consent: consent === 'yes' || (Array.isArray(consent) && consent.includes('yes')) }
}
