import type { Context } from 'hono'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { getCookie, setCookie } from 'hono/cookie'
import { surveyLinksHtml } from '#src/capabilities/learning/surveys/survey.html.ts'
import { surveysShownWith } from '#src/capabilities/learning/surveys/survey.service.ts'
import { errorPageHtml } from '#src/capabilities/public/public.html.ts'
import { AppError } from '#src/platform/errors.ts'
import type { HttpEnv } from '#src/platform/http/app.ts'
import {
  consentPageHtml,
  delayedNotOpenHtml,
  learnerErrorHtml,
  learnPath,
  messagePageHtml,
  progressPageHtml,
  quizFormHtml,
  resultsPageHtml,
} from './learning.html.ts'
import { findLearnerForUser, type LearnerRow } from './learning.repository.ts'
import {
  giveConsent,
  type LearningDeps,
  learnerFromCookie,
  learnerProgress,
  type QuizPage,
  quizItem,
  sessionByToken,
  submitQuiz,
} from './learning.service.ts'
import { type QuizAnswers, type QuizKind, quizKindSchema } from './quiz.schema.ts'

export const LEARNER_COOKIE = 'rounds_learner'
const YEAR_S = 365 * 24 * 60 * 60

/** Who is signed in (their user id), from the request's cookies; null when nobody. */
export type SessionUser = (headers: Headers) => Promise<string | null>

/**
 * The learner's pages under a public item page (/orgs/{slug}/items/{id}/learn…): consent,
 * the pre and post quizzes, results with feedback, and the delayed quiz reached through the
 * kept link. HTML forms (POST, then a redirect), never cached; a cross-site form is refused.
 */
export function learnerRoutes(
  deps: LearningDeps,
  sessionUser: SessionUser,
  trustedOrigins: string[],
): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>()
  const secure = deps.publicBaseUrl.startsWith('https:')

  app.use('/orgs/:slug/items/:id/learn/*', async (c, next) => {
    c.header('cache-control', 'no-store')
    if (c.req.method === 'POST' && !sameSiteForm(c, deps.publicBaseUrl, trustedOrigins))
      throw new AppError('FORBIDDEN', { message: 'requests from other sites are not accepted' })
    await next()
  })
  app.use(
    '/orgs/:slug/items/:id/learn/*',
    bodyLimit({
      maxSize: 64 * 1024,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', { message: 'quiz answers are limited to 64 KB' })
      },
    }),
  )

  // A learner sees a page, not JSON: gone, missing, refused or malformed, in plain words.
  app.onError((error, c) => {
    if (!(error instanceof AppError) || error.status >= 500) throw error
    c.header('cache-control', 'no-store')
    const status = error.code === 'ITEM_GONE' ? 410 : error.status === 404 ? 404 : null
    if (status) return c.html(errorPageHtml(status, error.message), status)
    return c.html(learnerErrorHtml(error.message), error.status as 400)
  })

  const load = (c: Context<HttpEnv>) => quizItem(deps, c.req.param('slug') ?? '', c.req.param('id') ?? '')

  async function learnerOf(c: Context<HttpEnv>, p: QuizPage): Promise<LearnerRow | null> {
    const fromCookie = await learnerFromCookie(deps, getCookie(c, LEARNER_COOKIE))
    if (fromCookie) return fromCookie
    const userId = await sessionUser(c.req.raw.headers)
    return userId ? findLearnerForUser(deps.db, userId, p.item.id) : null
  }

  app.get('/orgs/:slug/items/:id/learn', async (c) => {
    const p = await load(c)
    c.header('cache-control', 'no-store')
    const learner = await learnerOf(c, p)
    if (!learner) return c.html(consentPageHtml(p))
    const { session, attempts } = await learnerProgress(deps, p.item.id, learner)
    return c.html(progressPageHtml(p, attempts, session?.delayedDueAt ?? null))
  })

  app.post('/orgs/:slug/items/:id/learn/consent', async (c) => {
    const p = await load(c)
    const existing = await learnerFromCookie(deps, getCookie(c, LEARNER_COOKIE))
    const learner = await giveConsent(deps, existing, await sessionUser(c.req.raw.headers))
    setCookie(c, LEARNER_COOKIE, learner.id, {
      path: '/',
      httpOnly: true,
      sameSite: 'Lax',
      secure,
      maxAge: YEAR_S,
    })
    return c.redirect(p.quiz.kinds.includes('pre') ? `${learnPath(p)}/pre` : p.path, 303)
  })

  app.get('/orgs/:slug/items/:id/learn/results', async (c) => {
    const p = await load(c)
    const learner = await learnerOf(c, p)
    if (!learner) return c.redirect(learnPath(p), 303)
    const { session, attempts } = await learnerProgress(deps, p.item.id, learner)
    const link = c.req.query('link')
    const show: QuizKind = attempts.has('delayed') ? 'delayed' : 'post'
    if (!attempts.has('post')) return c.redirect(learnPath(p), 303)
    const surveys = await surveysShownWith(
      deps,
      p,
      show === 'delayed' ? 'with_delayed_quiz' : 'after_post_quiz',
    )
    return c.html(
      resultsPageHtml(p, attempts, {
        show,
        surveys: surveyLinksHtml(surveys),
        delayedLink:
          link && /^[A-Za-z0-9_-]{20,100}$/.test(link)
            ? `${deps.publicBaseUrl.replace(/\/+$/, '')}${learnPath(p)}/delayed/${link}`
            : null,
        delayedDueAt: session?.delayedDueAt ?? null,
      }),
    )
  })

  app.get('/orgs/:slug/items/:id/learn/delayed/:token', async (c) => {
    const p = await load(c)
    const { session, learner } = await sessionByToken(deps, c.req.param('token'))
    if (session.itemId !== p.item.id)
      throw new AppError('NOT_FOUND', { message: 'this link to a delayed quiz is not valid' })
    const { attempts } = await learnerProgress(deps, p.item.id, learner)
    if (attempts.has('delayed')) {
      const surveys = surveyLinksHtml(await surveysShownWith(deps, p, 'with_delayed_quiz'))
      return c.html(
        resultsPageHtml(p, attempts, { show: 'delayed', delayedLink: null, delayedDueAt: null, surveys }),
      )
    }
    if (session.delayedDueAt && session.delayedDueAt > deps.clock.now().toISOString())
      return c.html(delayedNotOpenHtml(p, session.delayedDueAt))
    return c.html(quizFormHtml(p, 'delayed', c.req.path))
  })

  app.post('/orgs/:slug/items/:id/learn/delayed/:token', async (c) => {
    const p = await load(c)
    const { session, learner } = await sessionByToken(deps, c.req.param('token'))
    if (session.itemId !== p.item.id)
      throw new AppError('NOT_FOUND', { message: 'this link to a delayed quiz is not valid' })
    const outcome = await submitOrExplain(c, p, learner, 'delayed', c.req.path)
    if (outcome instanceof Response) return outcome
    return c.redirect(c.req.path, 303)
  })

  app.get('/orgs/:slug/items/:id/learn/:kind', async (c) => {
    const p = await load(c)
    const kind = quizKind(c.req.param('kind'), p)
    const learner = await learnerOf(c, p)
    if (!learner) return c.redirect(learnPath(p), 303)
    const { attempts } = await learnerProgress(deps, p.item.id, learner)
    if (attempts.has(kind) || (kind === 'pre' && attempts.has('post')))
      return c.redirect(attempts.has('post') ? `${learnPath(p)}/results` : p.path, 303)
    return c.html(quizFormHtml(p, kind, c.req.path))
  })

  app.post('/orgs/:slug/items/:id/learn/:kind', async (c) => {
    const p = await load(c)
    const kind = quizKind(c.req.param('kind'), p)
    const learner = await learnerOf(c, p)
    if (!learner) return c.redirect(learnPath(p), 303)
    const outcome = await submitOrExplain(c, p, learner, kind, c.req.path)
    if (outcome instanceof Response) return outcome
    if (kind === 'pre') return c.redirect(`${p.path}#main`, 303)
    const link = outcome.delayedToken ? `?link=${outcome.delayedToken}` : ''
    return c.redirect(`${learnPath(p)}/results${link}`, 303)
  })

  async function submitOrExplain(
    c: Context<HttpEnv>,
    p: QuizPage,
    learner: LearnerRow,
    kind: QuizKind,
    action: string,
  ) {
    const answers = await formAnswers(c)
    if (Object.keys(answers).length < p.quiz.questions.length)
      return c.html(quizFormHtml(p, kind, action, 'Answer every question, then submit.'), 400)
    try {
      return await submitQuiz(deps, p, learner, kind, answers)
    } catch (error) {
      if (error instanceof AppError && error.code === 'CONFLICT')
        return c.html(
          messagePageHtml(p, 'Already done', error.message, {
            href: learnPath(p),
            text: 'Back to your progress',
          }),
          409,
        )
      throw error
    }
  }

  return app
}

/**
 * A form from our own pages. The pages send no referrer, so a browser's Origin on their
 * forms is "null"; Sec-Fetch-Site (sent by current browsers) then tells a same-origin form
 * from another site's. A named Origin must be ours.
 */
export function sameSiteForm(c: Context<HttpEnv>, publicBaseUrl: string, trustedOrigins: string[]): boolean {
  const site = c.req.header('sec-fetch-site')
  if (site && site !== 'same-origin' && site !== 'none') return false
  const origin = c.req.header('origin')
  if (!origin || origin === 'null') return true
  return origin === new URL(publicBaseUrl).origin || trustedOrigins.includes(origin)
}

function quizKind(raw: string | undefined, p: QuizPage): Exclude<QuizKind, 'delayed'> {
  const kind = quizKindSchema.safeParse(raw)
  if (!kind.success || kind.data === 'delayed' || !p.quiz.kinds.includes(kind.data))
    throw new AppError('NOT_FOUND', { message: 'no such quiz on this item' })
  return kind.data
}

/** Form fields `q.<questionId>` (one value for a radio, several for checkboxes). */
async function formAnswers(c: Context<HttpEnv>): Promise<QuizAnswers> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase()
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data')
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', { message: 'send the answers as a form' })
  const body = await c.req.parseBody({ all: true })
  const answers: QuizAnswers = {}
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith('q.')) continue
    const values = (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string')
    if (values.length > 8 || values.some((v) => v.length > 40))
      throw new AppError('VALIDATION_FAILED', { message: 'an answer is too long' })
    answers[key.slice(2).slice(0, 40)] = values
  }
  return answers
}
