import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { OpenBadgeCredential } from '#src/capabilities/standards/certificate.badge.ts'
import { findValidCertificate } from '#src/capabilities/standards/certificate.repository.ts'
import { CERTIFICATE_REMINDERS_JOB, startTraining } from '#src/capabilities/standards/training.jobs.ts'
import { findAttemptById, findQuestionsByVersion } from '#src/capabilities/standards/training.repository.ts'
import type {
  Attempt,
  AttemptResult,
  AttemptState,
  Certificate,
  CertificateVerification,
  Lesson,
  LessonSummary,
  Question,
  TrainingStatus,
} from '#src/capabilities/standards/training.schema.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import {
  countAuditEvents,
  createOrgWithRoles,
  expectError,
  expectJson,
  expectValidationError,
  type SignedInUser,
} from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>
type Answers = Array<{ questionId: string; optionIds: string[] }>

const HOUR = 3_600_000

/** The drawn questions with their answers, read from the server's own record of the draw. */
async function drawnQuestions(rounds: TestRounds, attemptId: string) {
  const attempt = await findAttemptById(rounds.database.db, attemptId)
  if (!attempt) throw new Error(`no attempt ${attemptId}`)
  return findQuestionsByVersion(rounds.database.db, attempt.draw)
}

/** Right answers to the first `right` questions, a wrong one (one wrong option) to the rest. */
async function answersFor(rounds: TestRounds, attemptId: string, right: number): Promise<Answers> {
  return (await drawnQuestions(rounds, attemptId)).map((q, i) => ({
    questionId: q.id,
    optionIds:
      i < right
        ? q.options.filter((o) => o.correct).map((o) => o.id)
        : [q.options.find((o) => !o.correct)?.id ?? 'a'],
  }))
}

function lessonInput(overrides: Record<string, unknown> = {}) {
  return {
    topic: 'local',
    title: 'Our channel rules',
    summary: 'What this team expects before anything is posted.',
    bodyMd: '## Before you post\n\nAsk the editor on duty.',
    sources: [
      { title: 'Channel handbook', publisher: 'Demo Trust', year: 2026, url: 'https://example.org/handbook' },
    ],
    position: 60,
    ...overrides,
  }
}

function questionInput(overrides: Record<string, unknown> = {}) {
  return {
    topic: 'local',
    kind: 'single',
    prompt: 'Who approves a post before it goes out on the channel?',
    options: [
      {
        text: 'The editor on duty',
        correct: true,
        feedback: 'Right: the handbook says so.',
        citation: 'Handbook §2',
      },
      { text: 'Nobody', correct: false, feedback: 'Every post is approved first.' },
    ],
    ...overrides,
  }
}

describe.each(testDialects)('training routes on %s', (dialect) => {
  const clock = manualClock(new Date('2026-03-15T10:00:00.000Z'))
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    await startTraining(rounds.accounts)
    w = await createOrgWithRoles(rounds, { name: 'Training Teaching' })
  })
  afterAll(() => rounds?.close())
  const base = () => `/api/orgs/${w.org.slug}/training`

  async function start(user: SignedInUser): Promise<Attempt> {
    return expectJson<Attempt>(await call(rounds, 'POST', `${base()}/attempts`, { cookie: user.cookie }), 201)
  }
  async function submit(user: SignedInUser, attemptId: string, answers: Answers) {
    return call(rounds, 'POST', `${base()}/attempts/${attemptId}/submit`, {
      cookie: user.cookie,
      body: { answers },
    })
  }

  describe('refusals', () => {
    it('401 when signed out', async () => {
      for (const [method, path] of [
        ['GET', `${base()}/lessons`],
        ['POST', `${base()}/attempts`],
        ['GET', '/api/me/certificates'],
        ['GET', `/api/orgs/${w.org.slug}/certificates/x/pdf`],
      ] as const) {
        await expectError(await call(rounds, method, path), 401, 'UNAUTHENTICATED')
      }
    })

    it('403 for members managing content or the question bank; 404 for outsiders', async () => {
      await expectError(
        await call(rounds, 'POST', `${base()}/lessons`, { cookie: w.author.cookie, body: lessonInput() }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'GET', `${base()}/questions`, { cookie: w.editor.cookie }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'POST', `${base()}/questions`, {
          cookie: w.reviewer.cookie,
          body: questionInput(),
        }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'GET', `${base()}/lessons`, { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectError(
        await call(rounds, 'POST', `${base()}/attempts`, { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
    })

    it('400 for invalid lessons, questions and answers, naming the field', async () => {
      await expectValidationError(
        await call(rounds, 'POST', `${base()}/lessons`, {
          cookie: w.admin.cookie,
          body: lessonInput({ title: '', topic: 'astrology', sources: [{ title: 'x', url: 'ftp://x' }] }),
        }),
        ['title', 'topic', 'sources.0.url', 'sources.0.publisher'],
      )
      const twoRight = questionInput({
        options: [
          { text: 'A', correct: true, feedback: 'yes' },
          { text: 'B', correct: true, feedback: 'yes' },
        ],
      })
      await expectValidationError(
        await call(rounds, 'POST', `${base()}/questions`, { cookie: w.admin.cookie, body: twoRight }),
        ['options'],
      )
      const attempt = await start(w.author)
      const first = attempt.questions[0]
      if (!first) throw new Error('no questions drawn')
      await expectValidationError(
        await submit(w.author, attempt.id, [
          { questionId: 'rounds.q.not-drawn', optionIds: ['a'] },
          { questionId: first.id, optionIds: ['z'] },
        ]),
        ['answers.0.questionId', 'answers.1.optionIds'],
      )
      // A refused submission leaves the attempt open.
      const state = await expectJson<AttemptState>(
        await call(rounds, 'GET', `${base()}/attempts/${attempt.id}`, { cookie: w.author.cookie }),
        200,
      )
      expect(state.status).toBe('draft')
    })
  })

  describe('lessons', () => {
    it('members read the built-in lessons in order, each citing its sources', async () => {
      const lessons = await expectJson<LessonSummary[]>(
        await call(rounds, 'GET', `${base()}/lessons`, { cookie: w.reviewer.cookie }),
        200,
      )
      expect(lessons.map((l) => l.topic)).toEqual([
        'confidentiality',
        'professionalism',
        'voice',
        'commercial',
        'evidence',
      ])
      expect(lessons.every((l) => l.builtIn && l.status === 'published' && l.version === 1)).toBe(true)
      const lesson = await expectJson<Lesson>(
        await call(rounds, 'GET', `${base()}/lessons/rounds.lesson.confidentiality`, {
          cookie: w.author.cookie,
        }),
        200,
      )
      expect(lesson.bodyMd).toMatch(/motivated intruder/)
      expect(lesson.sources.length).toBeGreaterThan(3)
      for (const s of lesson.sources) {
        expect(s.title.length).toBeGreaterThan(0)
        expect(s.publisher.length).toBeGreaterThan(0)
        expect(s.year).toBeGreaterThan(1990)
        expect(s.url).toMatch(/^https:\/\//)
      }
      await expectError(
        await call(rounds, 'GET', `${base()}/lessons/rounds.lesson.nothing`, { cookie: w.author.cookie }),
        404,
        'LESSON_NOT_FOUND',
      )
    })

    it('admins add, edit (a new version each time) and withdraw their own lessons; learners see the latest published version', async () => {
      const audit = await countAuditEvents(rounds)
      const created = await expectJson<Lesson>(
        await call(rounds, 'POST', `${base()}/lessons`, { cookie: w.admin.cookie, body: lessonInput() }),
        201,
      )
      expect(created).toMatchObject({ version: 1, builtIn: false, status: 'published', topic: 'local' })
      const path = `${base()}/lessons/${created.id}`

      // A draft edit: the admin sees version 2, learners keep version 1.
      const draft = await expectJson<Lesson>(
        await call(rounds, 'PUT', path, {
          cookie: w.admin.cookie,
          body: lessonInput({ title: 'Our channel rules (2027)', status: 'draft' }),
        }),
        200,
      )
      expect(draft).toMatchObject({ version: 2, status: 'draft', title: 'Our channel rules (2027)' })
      expect(
        await expectJson<Lesson>(await call(rounds, 'GET', path, { cookie: w.author.cookie }), 200),
      ).toMatchObject({ version: 1, title: 'Our channel rules' })

      // Published: learners now see version 3.
      await call(rounds, 'PUT', path, {
        cookie: w.admin.cookie,
        body: lessonInput({ title: 'Our channel rules (2027)', status: 'published' }),
      })
      expect(
        await expectJson<Lesson>(await call(rounds, 'GET', path, { cookie: w.author.cookie }), 200),
      ).toMatchObject({ version: 3, title: 'Our channel rules (2027)', status: 'published' })
      // Saving the same content again is not a new version.
      const same = await expectJson<Lesson>(
        await call(rounds, 'PUT', path, {
          cookie: w.admin.cookie,
          body: lessonInput({ title: 'Our channel rules (2027)' }),
        }),
        200,
      )
      expect(same.version).toBe(3)

      // Other organisations never see it.
      const elsewhere = await expectJson<LessonSummary[]>(
        await call(rounds, 'GET', `/api/orgs/${w.other.slug}/training/lessons`, {
          cookie: w.outsider.cookie,
        }),
        200,
      )
      expect(elsewhere.map((l) => l.id)).not.toContain(created.id)

      const withdrawn = await expectJson<Lesson>(
        await call(rounds, 'DELETE', path, { cookie: w.admin.cookie }),
        200,
      )
      expect(withdrawn).toMatchObject({ version: 4, status: 'withdrawn' })
      await expectError(await call(rounds, 'GET', path, { cookie: w.author.cookie }), 404, 'LESSON_NOT_FOUND')
      const list = await expectJson<LessonSummary[]>(
        await call(rounds, 'GET', `${base()}/lessons`, { cookie: w.author.cookie }),
        200,
      )
      expect(list.map((l) => l.id)).not.toContain(created.id)
      expect(await countAuditEvents(rounds)).toBe(audit + 4)

      await expectError(
        await call(rounds, 'PUT', `${base()}/lessons/rounds.lesson.voice`, {
          cookie: w.admin.cookie,
          body: lessonInput(),
        }),
        409,
        'BUILT_IN_READ_ONLY',
      )
    })
  })

  describe('question bank', () => {
    it('admins see every question with its answers and add, edit and withdraw their own', async () => {
      const bank = await expectJson<Question[]>(
        await call(rounds, 'GET', `${base()}/questions`, { cookie: w.admin.cookie }),
        200,
      )
      expect(bank.length).toBeGreaterThanOrEqual(30)
      expect(new Set(bank.map((q) => q.topic))).toEqual(
        new Set(['confidentiality', 'professionalism', 'voice', 'commercial', 'evidence']),
      )
      const created = await expectJson<Question>(
        await call(rounds, 'POST', `${base()}/questions`, { cookie: w.admin.cookie, body: questionInput() }),
        201,
      )
      expect(created.options.map((o) => [o.id, o.correct])).toEqual([
        ['a', true],
        ['b', false],
      ])
      const edited = await expectJson<Question>(
        await call(rounds, 'PUT', `${base()}/questions/${created.id}`, {
          cookie: w.admin.cookie,
          body: questionInput({ prompt: 'Who signs off a post before it is published on the channel?' }),
        }),
        200,
      )
      expect(edited.version).toBe(2)
      await expectError(
        await call(rounds, 'PUT', `${base()}/questions/rounds.q.conf.xray-date`, {
          cookie: w.admin.cookie,
          body: questionInput(),
        }),
        409,
        'BUILT_IN_READ_ONLY',
      )
      const withdrawn = await expectJson<Question>(
        await call(rounds, 'DELETE', `${base()}/questions/${created.id}`, { cookie: w.admin.cookie }),
        200,
      )
      expect(withdrawn).toMatchObject({ version: 3, status: 'withdrawn' })
    })
  })

  describe('the assessment', () => {
    it('draws 12 questions covering every topic and never sends answers before submission', async () => {
      const res = await call(rounds, 'POST', `${base()}/attempts`, { cookie: w.editor.cookie })
      const text = await res.text()
      expect(res.status).toBe(201)
      const attempt = JSON.parse(text) as Attempt
      expect(attempt.questions).toHaveLength(12)
      expect(attempt.passMarkPercent).toBe(80)
      expect(new Set(attempt.questions.map((q) => q.topic))).toEqual(
        new Set(['confidentiality', 'professionalism', 'voice', 'commercial', 'evidence']),
      )
      expect(Date.parse(attempt.expiresAt) - Date.parse(attempt.startedAt)).toBe(24 * HOUR)
      expect(text).not.toMatch(/"correct"|"feedback"|"citation"|"sources"/)
      for (const q of attempt.questions)
        for (const o of q.options) expect(Object.keys(o).sort()).toEqual(['id', 'text'])

      // Reading the attempt back before submitting leaks nothing either.
      const again = await call(rounds, 'GET', `${base()}/attempts/${attempt.id}`, { cookie: w.editor.cookie })
      const againText = await again.text()
      expect(again.status).toBe(200)
      expect(againText).not.toMatch(/"correct"|"feedback"|"citation"/)
      expect((JSON.parse(againText) as AttemptState).result).toBeNull()
    })

    it('a failed attempt shows the score and feedback on every question, issues no certificate, and cannot be submitted twice', async () => {
      const attempt = await start(w.reviewer)
      const audit = await countAuditEvents(rounds)
      const result = await expectJson<AttemptResult>(
        await submit(w.reviewer, attempt.id, await answersFor(rounds, attempt.id, 9)),
        200,
      )
      expect(result).toMatchObject({ score: 9, total: 12, percent: 75, passed: false, certificate: null })
      expect(result.feedback).toHaveLength(12)
      expect(result.feedback.filter((f) => f.correct)).toHaveLength(9)
      for (const f of result.feedback) {
        expect(f.correctOptionIds.length).toBeGreaterThan(0)
        for (const o of f.options) expect(o.feedback.length).toBeGreaterThan(10)
        expect(f.options.some((o) => o.citation.length > 0)).toBe(true)
        expect(f.sources.length).toBeGreaterThan(0)
      }
      expect(await countAuditEvents(rounds)).toBe(audit + 1)

      await expectError(
        await submit(w.reviewer, attempt.id, await answersFor(rounds, attempt.id, 12)),
        409,
        'ATTEMPT_ALREADY_SUBMITTED',
      )
      expect(
        await expectJson(
          await call(rounds, 'GET', '/api/me/certificates', { cookie: w.reviewer.cookie }),
          200,
        ),
      ).toEqual([])
      const state = await expectJson<AttemptState>(
        await call(rounds, 'GET', `${base()}/attempts/${attempt.id}`, { cookie: w.reviewer.cookie }),
        200,
      )
      expect(state.status).toBe('submitted')
      expect(state.result).toMatchObject({ score: 9, passed: false })
    })

    it("another member cannot read or submit someone else's attempt", async () => {
      const attempt = await start(w.author)
      await expectError(
        await call(rounds, 'GET', `${base()}/attempts/${attempt.id}`, { cookie: w.admin.cookie }),
        404,
        'ATTEMPT_NOT_FOUND',
      )
      await expectError(
        await submit(w.editor, attempt.id, await answersFor(rounds, attempt.id, 12)),
        404,
        'ATTEMPT_NOT_FOUND',
      )
    })

    it('an attempt left open for 24 hours expires', async () => {
      const attempt = await start(w.author)
      clock.advance(24 * HOUR)
      await expectError(
        await submit(w.author, attempt.id, await answersFor(rounds, attempt.id, 12)),
        410,
        'ATTEMPT_EXPIRED',
      )
    })

    it("passing (10 of 12) issues a certificate that lasts as long as the organisation's setting says", async () => {
      await expectJson(
        await call(rounds, 'PATCH', `/api/orgs/${w.org.slug}/settings`, {
          cookie: w.admin.cookie,
          body: { trainingValidityMonths: 6 },
        }),
        200,
      )
      clock.set(new Date('2026-08-31T09:30:00.000Z'))
      const attempt = await start(w.author)
      const result = await expectJson<AttemptResult>(
        await submit(w.author, attempt.id, await answersFor(rounds, attempt.id, 10)),
        200,
      )
      expect(result).toMatchObject({ score: 10, percent: 83, passed: true })
      // 31 August + 6 months: the last day of February.
      expect(result.certificate).toMatchObject({
        issuedAt: '2026-08-31T09:30:00.000Z',
        expiresAt: '2027-02-28T09:30:00.000Z',
        validityMonths: 6,
        status: 'valid',
        holder: { id: w.author.id },
        organisation: { slug: w.org.slug },
      })
      const certificate = result.certificate as Certificate
      expect(await findValidCertificate(rounds.database.db, w.author.id, w.org.id, clock.now())).toEqual({
        id: certificate.id,
        issuedAt: certificate.issuedAt,
        expiresAt: certificate.expiresAt,
      })
      const mine = await expectJson<Certificate[]>(
        await call(rounds, 'GET', '/api/me/certificates', { cookie: w.author.cookie }),
        200,
      )
      expect(mine.map((c) => c.id)).toEqual([certificate.id])
      const status = await expectJson<TrainingStatus>(
        await call(rounds, 'GET', base(), { cookie: w.author.cookie }),
        200,
      )
      expect(status).toMatchObject({
        certificate: { id: certificate.id },
        validityMonths: 6,
        questionsPerAttempt: 12,
      })
      // Expired the moment the validity ends.
      expect(
        await findValidCertificate(
          rounds.database.db,
          w.author.id,
          w.org.id,
          new Date(certificate.expiresAt),
        ),
      ).toBeNull()
    })
  })

  describe('certificate downloads', () => {
    let certificate: Certificate
    beforeAll(async () => {
      const mine = await expectJson<Certificate[]>(
        await call(rounds, 'GET', '/api/me/certificates', { cookie: w.author.cookie }),
        200,
      )
      certificate = mine[0] as Certificate
    })
    const path = (format: string) => `/api/orgs/${w.org.slug}/certificates/${certificate.id}/${format}`

    it('the holder and admins may download; other members may not; outsiders cannot see it', async () => {
      await expectError(await call(rounds, 'GET', path('pdf'), { cookie: w.editor.cookie }), 403, 'FORBIDDEN')
      await expectError(
        await call(rounds, 'GET', path('credential'), { cookie: w.reviewer.cookie }),
        403,
        'FORBIDDEN',
      )
      await expectError(
        await call(rounds, 'GET', path('html'), { cookie: w.outsider.cookie }),
        404,
        'ORGANISATION_NOT_FOUND',
      )
      await expectError(
        await call(rounds, 'GET', `/api/orgs/${w.org.slug}/certificates/no-such-id/pdf`, {
          cookie: w.admin.cookie,
        }),
        404,
        'CERTIFICATE_NOT_FOUND',
      )
      expect((await call(rounds, 'GET', path('pdf'), { cookie: w.admin.cookie })).status).toBe(200)
    })

    it('a PDF', async () => {
      const res = await call(rounds, 'GET', path('pdf'), { cookie: w.author.cookie })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toBe('application/pdf')
      expect(res.headers.get('content-disposition')).toMatch(
        /attachment; filename="rounds-certificate-.+\.pdf"/,
      )
      const bytes = Buffer.from(await res.arrayBuffer())
      expect(bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-')
      expect(bytes.subarray(-6).toString('latin1')).toMatch(/%%EOF/)
    })

    it('a printable page', async () => {
      const res = await call(rounds, 'GET', path('html'), { cookie: w.author.cookie })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      const html = await res.text()
      expect(html).toContain(w.author.name)
      expect(html).toContain('Training Teaching')
      expect(html).toContain('28 February 2027')
      expect(html).toContain(certificate.verificationUrl)
      expect(html).not.toMatch(/<script/i)
    })

    it('an Open Badges 3.0 credential, signed (VC-JWT)', async () => {
      const res = await call(rounds, 'GET', path('credential'), { cookie: w.author.cookie })
      expect(res.status).toBe(200)
      const jwt = await res.text()
      const vc = JSON.parse(
        Buffer.from(jwt.split('.')[1] as string, 'base64url').toString('utf8'),
      ) as OpenBadgeCredential
      expect(vc['@context']).toEqual([
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ])
      expect(vc.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential'])
      expect(vc.issuer).toEqual({
        id: `http://localhost:3000/api/public/orgs/${w.org.slug}/issuer`,
        type: ['Profile'],
        name: 'Training Teaching',
        url: `http://localhost:3000/orgs/${w.org.slug}`,
      })
      expect(vc.validFrom).toBe(certificate.issuedAt)
      expect(vc.validUntil).toBe(certificate.expiresAt)
      expect(vc.id).toBe(certificate.verificationUrl)
      const subject = vc.credentialSubject
      expect(subject.type).toEqual(['AchievementSubject'])
      expect(subject.identifier[0]).toMatchObject({
        type: 'IdentityObject',
        identityType: 'emailAddress',
        hashed: true,
      })
      expect(subject.identifier[0]?.identityHash).toMatch(/^sha256\$[0-9a-f]{64}$/)
      expect(JSON.stringify(vc)).not.toContain(w.author.email)
      expect(subject.achievement).toMatchObject({ type: ['Achievement'], name: expect.any(String) })
      expect(subject.achievement.id).toMatch(/^http/)
      expect(subject.achievement.description.length).toBeGreaterThan(20)
      expect(subject.achievement.criteria.narrative).toMatch(/80%/)
    })

    it('anyone can check a certificate by its id', async () => {
      const check = await expectJson<CertificateVerification>(
        await call(rounds, 'GET', `/api/certificates/${certificate.id}`),
        200,
      )
      expect(check).toMatchObject({
        id: certificate.id,
        status: 'valid',
        holderName: w.author.name,
        organisation: { slug: w.org.slug, name: 'Training Teaching' },
        expiresAt: certificate.expiresAt,
      })
      await expectError(await call(rounds, 'GET', '/api/certificates/nope'), 404, 'CERTIFICATE_NOT_FOUND')
    })
  })
})

describe.each(testDialects)('certificate reminders on %s', (dialect) => {
  // Issued at 06:00 UTC on 10 January 2026 for 12 months: expires 10 January 2027 06:00,
  // so the daily 06:00 run on 11 December 2026 is the first at most 30 days before expiry.
  const clock = manualClock(new Date('2026-01-10T06:00:00.000Z'))
  let rounds: TestRounds
  let w: World
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    await startTraining(rounds.accounts)
    w = await createOrgWithRoles(rounds, { name: 'Reminder Teaching' })
  })
  afterAll(() => rounds?.close())

  async function pendingReminderRuns() {
    return rounds.database.db
      .selectFrom('job')
      .select(['run_at'])
      .where('name', '=', CERTIFICATE_REMINDERS_JOB)
      .where('status', '=', 'queued')
      .execute()
  }
  const remindersTo = (email: string) =>
    rounds.sentMail.filter((m) => m.to === email && /expires/.test(m.subject))

  it('mails the holder once, on the first daily run within 30 days of expiry', async () => {
    const attempt = await expectJson<Attempt>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/training/attempts`, { cookie: w.author.cookie }),
      201,
    )
    const passed = await expectJson<AttemptResult>(
      await call(rounds, 'POST', `/api/orgs/${w.org.slug}/training/attempts/${attempt.id}/submit`, {
        cookie: w.author.cookie,
        body: { answers: await answersFor(rounds, attempt.id, 12) },
      }),
      200,
    )
    expect(passed.certificate?.expiresAt).toBe('2027-01-10T06:00:00.000Z')

    const worker = rounds.createWorker()
    await worker.drain()
    expect(remindersTo(w.author.email)).toHaveLength(0)
    // The run scheduled itself for the next day, once.
    expect((await pendingReminderRuns()).map((j) => new Date(j.run_at).toISOString())).toEqual([
      '2026-01-11T06:00:00.000Z',
    ])

    // 31 days before expiry: not yet.
    clock.set(new Date('2026-12-10T06:00:00.000Z'))
    await worker.drain()
    expect(remindersTo(w.author.email)).toHaveLength(0)

    // 30 days before: one reminder.
    clock.set(new Date('2026-12-11T06:00:00.000Z'))
    await worker.drain()
    const reminders = remindersTo(w.author.email)
    expect(reminders).toHaveLength(1)
    expect(reminders[0]?.subject).toContain('10 January 2027')
    expect(reminders[0]?.text).toContain('in 30 days')
    // The web app's training page (there is no /orgs/{slug}/training page).
    expect(reminders[0]?.text).toContain(
      'Renew it by taking the training again in Reminder Teaching: http://localhost:3000/training',
    )

    // The next days: no second reminder for the same certificate.
    clock.set(new Date('2026-12-12T06:00:00.000Z'))
    await worker.drain()
    clock.set(new Date('2027-01-09T06:00:00.000Z'))
    await worker.drain()
    expect(remindersTo(w.author.email)).toHaveLength(1)
    expect(await pendingReminderRuns()).toHaveLength(1)
  })
})
