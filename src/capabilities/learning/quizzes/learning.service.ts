import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import type { OrganisationRow } from '#src/capabilities/accounts/accounts.repository.ts'
import { getItem } from '#src/capabilities/content/content.service.ts'
import {
  anonymousLearnerActor,
  roundsAuthority,
  userLearnerActor,
} from '#src/capabilities/learning/xapi/xapi.actors.ts'
import { recordStatements, type XapiDeps } from '#src/capabilities/learning/xapi/xapi.service.ts'
import { notify } from '#src/capabilities/notifications/notifications.service.ts'
import { itemPath, itemTitle } from '#src/capabilities/public/public.html.ts'
import { getPublicItem, type PublicDeps, type PublicItem } from '#src/capabilities/public/public.service.ts'
import { AppError } from '#src/platform/errors.ts'
import {
  type AttemptRow,
  countItemSessions,
  dueReminders,
  ensureSession,
  findLearner,
  findSession,
  findSessionByToken,
  insertAttempt,
  insertLearner,
  itemAttempts,
  type LearnerRow,
  listAttempts,
  markReminded,
  type SessionRow,
  setDelayed,
  setLearnerUser,
} from './learning.repository.ts'
import {
  experiencedStatement,
  quizStatements,
  type StatementContext,
  type VideoEvent,
  videoStatement,
} from './learning.statements.ts'
import { hasQuiz, type Quiz, type QuizAnswers, type QuizKind } from './quiz.schema.ts'
import { type GainSummary, type QuizResult, scoreQuiz, summariseGain } from './quiz.scoring.ts'

export type LearningDeps = PublicDeps & XapiDeps

/** Bumped whenever CONSENT_TEXT changes in substance; stored with each learner's consent. */
export const CONSENT_VERSION = '2026-11-27'
export const CONSENT_TEXT = [
  'If you agree, Rounds records what you do on this organisation’s pages so the publisher can find out whether their teaching works: your answers to the quizzes and whether they were right, your scores, that you opened the content, and when you play, pause, skip or finish its video.',
  'You are identified only by a random code kept in a cookie on this device (and, if you are signed in to Rounds, by your account, so we can remind you of the later quiz). We record no name, e-mail address or other personal details about you, and nothing at all until you agree.',
  'The records are kept as xAPI learning records by the publishing organisation, which may share them with researchers without anything that identifies you. You can stop at any time by leaving the page; clearing your cookies ends the link between you and your records.',
]

const DAY_MS = 24 * 60 * 60 * 1000
const LEARNER_ID = /^[A-Za-z0-9_-]{32}$/

export const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')

export type ItemPage = {
  organisation: OrganisationRow
  item: PublicItem
  itemUrl: string
  path: string
}
export type QuizPage = ItemPage & { quiz: Quiz }

/** A published item (its public page). */
export async function publicItemPage(deps: LearningDeps, slug: string, itemId: string): Promise<ItemPage> {
  const { organisation, item } = await getPublicItem(deps, slug, itemId)
  const path = itemPath(organisation.slug, item.id)
  return { organisation, item, path, itemUrl: `${deps.publicBaseUrl.replace(/\/+$/, '')}${path}` }
}

/** The published item and its quiz; NOT_FOUND when the published version has no quiz. */
export async function quizItem(deps: LearningDeps, slug: string, itemId: string): Promise<QuizPage> {
  const page = await publicItemPage(deps, slug, itemId)
  const quiz = page.item.version.fields.quiz
  if (!hasQuiz(quiz)) throw new AppError('NOT_FOUND', { message: 'this item has no quiz' })
  return { ...page, quiz }
}

/** The consenting learner behind a cookie value, or null (no cookie, unknown or malformed). */
export async function learnerFromCookie(
  deps: LearningDeps,
  cookie: string | undefined,
): Promise<LearnerRow | null> {
  if (!cookie || !LEARNER_ID.test(cookie)) return null
  return findLearner(deps.db, cookie)
}

/**
 * Records consent and returns the learner: a new random pseudonymous id, or the existing
 * learner (linked to the signed-in user when there is one).
 */
export async function giveConsent(
  deps: LearningDeps,
  existing: LearnerRow | null,
  userId: string | null,
): Promise<LearnerRow> {
  if (existing) {
    if (userId && !existing.userId) await setLearnerUser(deps.db, existing.id, userId)
    return { ...existing, userId: existing.userId ?? userId }
  }
  const learner: LearnerRow = {
    id: randomBytes(24).toString('base64url'),
    userId,
    consentVersion: CONSENT_VERSION,
    consentedAt: deps.clock.now().toISOString(),
  }
  await insertLearner(deps.db, learner)
  return learner
}

function actorFor(deps: LearningDeps, learner: LearnerRow) {
  return learner.userId
    ? userLearnerActor(deps.publicBaseUrl, learner.userId)
    : anonymousLearnerActor(deps.publicBaseUrl, learner.id)
}

function statementContext(
  deps: LearningDeps,
  page: ItemPage,
  learner: LearnerRow,
  session: SessionRow,
): StatementContext {
  return {
    actor: actorFor(deps, learner),
    itemUrl: page.itemUrl,
    itemTitle: itemTitle(page.item),
    registration: session.id,
    timestamp: deps.clock.now().toISOString(),
  }
}

async function record(deps: LearningDeps, organisationId: string, statements: unknown[]): Promise<void> {
  await recordStatements(deps, {
    organisationId,
    statements,
    authority: roundsAuthority(deps.publicBaseUrl),
    version: '1.0.3',
  })
}

async function sessionFor(deps: LearningDeps, page: ItemPage, learner: LearnerRow): Promise<SessionRow> {
  return ensureSession(deps.db, {
    id: randomUUID(),
    organisationId: page.organisation.id,
    itemId: page.item.id,
    versionId: page.item.version.id,
    learnerId: learner.id,
    delayedTokenHash: null,
    delayedDueAt: null,
    createdAt: deps.clock.now().toISOString(),
  })
}

export type LearnerProgress = {
  session: SessionRow | null
  attempts: Map<QuizKind, AttemptRow>
}

export async function learnerProgress(
  deps: LearningDeps,
  itemId: string,
  learner: LearnerRow,
): Promise<LearnerProgress> {
  const session = await findSession(deps.db, itemId, learner.id)
  const attempts = new Map<QuizKind, AttemptRow>()
  if (session) for (const a of await listAttempts(deps.db, session.id)) attempts.set(a.kind, a)
  return { session, attempts }
}

/** The kept link's session, or NOT_FOUND. */
export async function sessionByToken(deps: LearningDeps, token: string) {
  const session = /^[A-Za-z0-9_-]{20,100}$/.test(token)
    ? await findSessionByToken(deps.db, sha256(token))
    : null
  const learner = session ? await findLearner(deps.db, session.learnerId) : null
  if (!session || !learner)
    throw new AppError('NOT_FOUND', { message: 'this link to a delayed quiz is not valid' })
  return { session, learner }
}

export type SubmitResult = {
  result: QuizResult
  /** The kept link's token, when the post quiz opened a delayed quiz. */
  delayedToken: string | null
  delayedDueAt: string | null
}

/**
 * Scores a quiz and records it: one `answered` statement per question, `completed`, and
 * `passed` or `failed`, then the attempt. Each kind is taken once per learner and item;
 * the pre quiz only before the post quiz; the delayed quiz once it is due. Statement ids
 * are derived from the session and kind, so a resubmission never stores a second set.
 */
export async function submitQuiz(
  deps: LearningDeps,
  page: QuizPage,
  learner: LearnerRow,
  kind: QuizKind,
  answers: QuizAnswers,
): Promise<SubmitResult> {
  if (!page.quiz.kinds.includes(kind))
    throw new AppError('NOT_FOUND', { message: `this item has no ${kind} quiz` })
  const session = await sessionFor(deps, page, learner)
  const taken = new Map((await listAttempts(deps.db, session.id)).map((a) => [a.kind, a]))
  if (taken.has(kind)) throw new AppError('CONFLICT', { message: `you have already taken the ${kind} quiz` })
  if (kind === 'pre' && taken.has('post'))
    throw new AppError('CONFLICT', {
      message: 'the pre quiz comes before the content; you have taken the post quiz',
    })
  if (kind === 'delayed') {
    if (!taken.has('post') || !session.delayedDueAt)
      throw new AppError('CONFLICT', { message: 'the delayed quiz follows the post quiz' })
    if (session.delayedDueAt > deps.clock.now().toISOString())
      throw new AppError('CONFLICT', { message: 'the delayed quiz is not open yet' })
  }
  for (const id of Object.keys(answers))
    if (!page.quiz.questions.some((q) => q.id === id))
      throw new AppError('VALIDATION_FAILED', { message: `there is no question ${id} in this quiz` })

  const result = scoreQuiz(page.quiz, answers)
  const statements = quizStatements(
    statementContext(deps, page, learner, session),
    kind,
    page.quiz,
    result,
  ).map((s, i) => ({ ...s, id: derivedUuid(`${session.id}:${kind}:${i}`) }))
  await record(deps, page.organisation.id, statements)
  const inserted = await insertAttempt(deps.db, {
    id: randomUUID(),
    sessionId: session.id,
    kind,
    answers: Object.fromEntries(result.questions.map((q) => [q.questionId, q.chosen])),
    raw: result.raw,
    max: result.max,
    passed: result.passed,
    createdAt: deps.clock.now().toISOString(),
  })
  if (!inserted) throw new AppError('CONFLICT', { message: `you have already taken the ${kind} quiz` })

  let delayedToken: string | null = null
  let delayedDueAt: string | null = null
  if (kind === 'post' && page.quiz.kinds.includes('delayed')) {
    delayedToken = randomBytes(24).toString('base64url')
    delayedDueAt = new Date(deps.clock.now().getTime() + page.quiz.delayDays * DAY_MS).toISOString()
    await setDelayed(deps.db, session.id, sha256(delayedToken), delayedDueAt)
  }
  return { result, delayedToken, delayedDueAt }
}

/** The learner was shown the content (the public page's script reports it). */
export async function recordViewed(deps: LearningDeps, page: ItemPage, learner: LearnerRow): Promise<void> {
  const session = await sessionFor(deps, page, learner)
  await record(deps, page.organisation.id, [
    experiencedStatement(statementContext(deps, page, learner, session)),
  ])
}

/** A video player event on the public page. The media id must be a video of the published version. */
export async function recordVideo(
  deps: LearningDeps,
  page: ItemPage,
  learner: LearnerRow,
  mediaId: string,
  event: VideoEvent,
): Promise<void> {
  const video = page.item.version.fields.media.find((m) => m.id === mediaId && m.kind === 'video')
  if (!video) throw new AppError('NOT_FOUND', { message: 'no such video on this item' })
  const session = await sessionFor(deps, page, learner)
  const url = `${page.itemUrl}/media/${encodeURIComponent(mediaId)}`
  await record(deps, page.organisation.id, [
    videoStatement(
      statementContext(deps, page, learner, session),
      url,
      video.altText || itemTitle(page.item),
      event,
    ),
  ])
}

/** A UUID (version-4 layout) derived from a string: the same input gives the same id. */
export function derivedUuid(input: string): string {
  const h = createHash('sha256').update(input).digest()
  h[6] = ((h[6] as number) & 0x0f) | 0x40
  h[8] = ((h[8] as number) & 0x3f) | 0x80
  const x = h.subarray(0, 16).toString('hex')
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

export type ItemLearningSummary = {
  hasQuiz: boolean
  questions: number
  gain: GainSummary
  /** Share of learners who passed each quiz, null when nobody took it. */
  passRate: { pre: number | null; post: number | null; delayed: number | null }
  /** Mean score (0–1) at each step over the learners who took it, null when nobody did. */
  meanScore: { pre: number | null; post: number | null; delayed: number | null }
  /** Learners who opened the item's learning page (a session), and the share of them who took the post quiz. */
  learners: number
  completionRate: number | null
}

/** Gain and retention over an item's learners, for those who may read the item. */
export async function itemLearningSummary(
  deps: LearningDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<ItemLearningSummary> {
  const item = await getItem(deps, actor, slug, itemId)
  const rows = await itemAttempts(deps.db, item.id)
  const bySession = new Map<string, { pre: number | null; post: number | null; delayed: number | null }>()
  const passed = { pre: [0, 0], post: [0, 0], delayed: [0, 0] } as Record<QuizKind, [number, number]>
  let max = 0
  for (const r of rows) {
    const kind = r.kind as QuizKind
    const entry = bySession.get(r.session_id) ?? { pre: null, post: null, delayed: null }
    // Scores are compared as proportions, so a quiz changed by a later version stays comparable.
    entry[kind] = r.max > 0 ? r.raw / r.max : 0
    bySession.set(r.session_id, entry)
    passed[kind][0] += Number(r.passed) === 1 ? 1 : 0
    passed[kind][1] += 1
    max = 1
  }
  const rate = (k: QuizKind) => (passed[k][1] ? passed[k][0] / passed[k][1] : null)
  const quiz = item.fields.quiz
  const sessions = await countItemSessions(deps.db, item.id)
  const scores = [...bySession.values()]
  const meanOf = (k: QuizKind) => {
    const xs = scores.map((e) => e[k]).filter((x): x is number => x !== null)
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null
  }
  const completed = scores.filter((e) => e.post !== null).length
  return {
    hasQuiz: hasQuiz(quiz),
    questions: quiz?.questions.length ?? 0,
    gain: summariseGain([...bySession.values()], max || 1),
    passRate: { pre: rate('pre'), post: rate('post'), delayed: rate('delayed') },
    meanScore: { pre: meanOf('pre'), post: meanOf('post'), delayed: meanOf('delayed') },
    learners: sessions,
    completionRate: sessions ? completed / sessions : null,
  }
}

/**
 * Reminds signed-in learners whose delayed quiz has opened (once per session). Anonymous
 * learners have only the link they kept.
 */
export async function sendDelayedQuizReminders(deps: LearningDeps): Promise<number> {
  const now = deps.clock.now().toISOString()
  let sent = 0
  for (const s of await dueReminders(deps.db, now)) {
    await deps.db.transaction().execute(async (tx) => {
      await markReminded(tx, s.id, now)
      const ok = await notify(tx, deps, {
        userId: s.user_id as string,
        // The learner need not be a member of the publishing organisation.
        organisationId: null,
        itemId: null,
        kind: 'quiz.delayed_due',
        title: 'Your follow-up quiz is open',
        body: 'A few questions on what you learned, to see what stayed with you. It takes a minute or two.',
        link: `${itemPath(s.slug, s.item_id)}/learn`,
        dedupeKey: `quiz.delayed_due:${s.id}`,
      })
      if (ok) sent++
    })
  }
  return sent
}
