import { describe, expect, it } from 'vitest'
import { anonymousLearnerActor } from '#src/capabilities/learning/xapi/xapi.actors.ts'
import { validateStatement } from '#src/capabilities/learning/xapi/xapi.statement.ts'
import { derivedUuid } from './learning.service.ts'
import { experiencedStatement, quizStatements, VERBS, VIDEO, videoStatement } from './learning.statements.ts'
import { quizSchema } from './quiz.schema.ts'
import { scoreQuiz } from './quiz.scoring.ts'

const ctx = {
  actor: anonymousLearnerActor('https://rounds.example', 'abcdefgh12345678'),
  itemUrl: 'https://rounds.example/orgs/demo/items/item-1',
  itemTitle: 'Anaphylaxis',
  registration: '0b9d6f2e-7f1c-4d7e-9c55-0f4b8f1f2a10',
  timestamp: '2026-12-01T09:00:00.000Z',
}

const quiz = quizSchema.parse({
  questions: [
    {
      id: 'q1',
      type: 'multiple',
      prompt: 'Signs?',
      objective: 'Recognise anaphylaxis',
      options: [
        { id: 'a', text: 'Stridor', correct: true },
        { id: 'b', text: 'Hypotension', correct: true },
        { id: 'c', text: 'Bradycardia' },
      ],
    },
  ],
})

describe('learning statements', () => {
  it('are valid xAPI, with the response, success and scaled score', () => {
    const result = scoreQuiz(quiz, { q1: ['b', 'a'] })
    const statements = quizStatements(ctx, 'post', quiz, result)
    expect(statements.map((s) => s.verb.id)).toEqual([VERBS.answered.id, VERBS.completed.id, VERBS.passed.id])
    for (const s of statements) validateStatement(s)
    expect(statements[0]).toMatchObject({
      object: {
        id: `${ctx.itemUrl}/quiz/post/questions/q1`,
        definition: { interactionType: 'choice', correctResponsesPattern: ['a[,]b'] },
      },
      result: { success: true, response: 'a[,]b' },
      context: { registration: ctx.registration },
    })
    expect(statements[2]).toMatchObject({ result: { success: true, score: { raw: 1, max: 1, scaled: 1 } } })
  })

  it('say failed below the pass mark', () => {
    const statements = quizStatements(ctx, 'pre', quiz, scoreQuiz(quiz, { q1: ['c'] }))
    expect(statements.at(-1)?.verb.id).toBe(VERBS.failed.id)
    expect(statements.at(-1)).toMatchObject({ result: { success: false, score: { scaled: 0 } } })
  })

  it('experienced and the Video Profile verbs are valid xAPI with time and progress', () => {
    validateStatement(experiencedStatement(ctx))
    const video = `${ctx.itemUrl}/media/v1`
    const played = videoStatement(ctx, video, 'Demo', {
      type: 'played',
      time: 1.23456,
      sessionId: 's1234567',
      length: 90,
    })
    const seeked = videoStatement(ctx, video, 'Demo', {
      type: 'seeked',
      timeFrom: 3,
      timeTo: 50,
      sessionId: 's1234567',
    })
    const done = videoStatement(ctx, video, 'Demo', {
      type: 'completed',
      time: 90,
      progress: 0.95,
      sessionId: 's1234567',
    })
    for (const s of [played, seeked, done]) validateStatement(s)
    expect(played.result.extensions).toEqual({ [VIDEO.time]: 1.235 })
    expect(played.context.extensions).toEqual({ [VIDEO.sessionId]: 's1234567', [VIDEO.length]: 90 })
    expect(seeked.result.extensions).toEqual({ [VIDEO.timeFrom]: 3, [VIDEO.timeTo]: 50 })
    expect(done.result).toEqual({
      completion: true,
      extensions: { [VIDEO.time]: 90, [VIDEO.progress]: 0.95 },
    })
    expect(done.object.definition.type).toBe(VIDEO.activityType)
  })

  it('derives stable version-4 UUIDs', () => {
    const id = derivedUuid('session:post:0')
    expect(id).toBe(derivedUuid('session:post:0'))
    expect(id).not.toBe(derivedUuid('session:post:1'))
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe('RateLimiter', () => {
  it('allows the limit per key in a sliding window', async () => {
    const { RateLimiter } = await import('./rate-limit.ts')
    const limiter = new RateLimiter(2, 1000)
    expect(limiter.take('a', 0)).toBe(true)
    expect(limiter.take('a', 10)).toBe(true)
    expect(limiter.take('a', 20)).toBe(false)
    expect(limiter.take('b', 20)).toBe(true)
    expect(limiter.take('a', 1001)).toBe(true)
    expect(limiter.take('a', 1011)).toBe(true)
    expect(limiter.take('a', 1012)).toBe(false)
  })
})
