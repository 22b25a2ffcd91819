import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findOrganisationBySlug, findUserByEmail } from '#src/capabilities/accounts/accounts.repository.ts'
import { loadActor, removeMember } from '#src/capabilities/accounts/accounts.service.ts'
import { DEMO_ORGANISATION, seedDemo } from '#src/capabilities/accounts/operator.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { findValidCertificate } from './certificate.repository.ts'
import { issueCertificateAsOperator, sendCertificateReminders } from './certificate.service.ts'
import { loadBuiltInContent, TRAINING_CONTENT_DIR } from './training.content.ts'
import { CERTIFICATE_REMINDERS_JOB, scheduleCertificateReminders } from './training.jobs.ts'
import {
  findAttemptById,
  findQuestionsByVersion,
  listLessonVersions,
  listQuestionVersions,
} from './training.repository.ts'
import type { QuestionInput } from './training.schema.ts'
import {
  createQuestion,
  getAttempt,
  startAttempt,
  submitAttempt,
  syncBuiltInTraining,
  updateQuestion,
  withdrawQuestion,
} from './training.service.ts'

const DAY = 86_400_000

async function auditCount(rounds: TestRounds): Promise<number> {
  const r = await rounds.database.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

/** A copy of the built-in content to edit. */
function contentCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rounds-training-'))
  cpSync(TRAINING_CONTENT_DIR, dir, { recursive: true })
  return dir
}

const localQuestion: QuestionInput = {
  topic: 'local',
  kind: 'single',
  prompt: 'Who approves a post before it goes out on our channel?',
  options: [
    { text: 'The editor on duty', correct: true, feedback: 'Right: see the handbook.', citation: '' },
    { text: 'Nobody', correct: false, feedback: 'Every post is approved first.', citation: '' },
  ],
  sources: [],
  status: 'published',
}

describe.each(testDialects)('training use-cases on %s', (dialect) => {
  const clock = manualClock(new Date('2026-01-10T06:00:00.000Z'))
  let rounds: TestRounds
  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
  })
  afterAll(() => rounds?.close())

  describe('loading the built-in content', () => {
    it('writes every lesson and question once; loading again changes nothing', async () => {
      const content = loadBuiltInContent()
      expect(await syncBuiltInTraining(rounds.accounts)).toEqual({
        lessonVersions: content.lessons.length,
        questionVersions: content.questions.length,
        withdrawn: 0,
      })
      const audit = await auditCount(rounds)
      expect(await syncBuiltInTraining(rounds.accounts)).toEqual({
        lessonVersions: 0,
        questionVersions: 0,
        withdrawn: 0,
      })
      expect(await auditCount(rounds)).toBe(audit)
    })

    it('adds a version only for a file whose content changed, and withdraws built-ins whose file is gone', async () => {
      const org = await createTestOrganisation(rounds)
      const dir = contentCopy()
      const lessonFile = join(dir, 'lessons/03-voice.md')
      writeFileSync(lessonFile, `${readFileSync(lessonFile, 'utf8')}\nOne more paragraph.\n`)
      const questionsFile = join(dir, 'questions/voice.yaml')
      const questions = readFileSync(questionsFile, 'utf8')
      // Drop the last question of the file.
      writeFileSync(questionsFile, questions.slice(0, questions.lastIndexOf('\n- id: ')))

      expect(await syncBuiltInTraining(rounds.accounts, loadBuiltInContent(dir))).toEqual({
        lessonVersions: 1,
        questionVersions: 0,
        withdrawn: 1,
      })
      const voice = (await listLessonVersions(rounds.database.db, org.id, 'learner')).find(
        (l) => l.id === 'rounds.lesson.voice',
      )
      expect(voice).toMatchObject({ version: 2 })
      expect(voice?.bodyMd).toMatch(/One more paragraph\.$/)
      const live = await listQuestionVersions(rounds.database.db, org.id, 'learner')
      expect(live.map((q) => q.id)).not.toContain('rounds.q.voice.separate-accounts')

      // Back to the files as shipped: the lesson gets a third version, the question returns.
      expect(await syncBuiltInTraining(rounds.accounts)).toEqual({
        lessonVersions: 1,
        questionVersions: 1,
        withdrawn: 0,
      })
      const back = await listQuestionVersions(rounds.database.db, org.id, 'learner')
      expect(back.find((q) => q.id === 'rounds.q.voice.separate-accounts')).toMatchObject({
        version: 3,
        status: 'published',
      })
    })
  })

  describe('the draw', () => {
    it("includes the organisation's published questions and covers their topic too; never drafts or withdrawn ones", async () => {
      const org = await createTestOrganisation(rounds)
      const admin = await loadActor(rounds.accounts, (await createTestMember(rounds, org.id, ['admin'])).id)
      const author = await loadActor(rounds.accounts, (await createTestMember(rounds, org.id, ['author'])).id)
      const live = await createQuestion(rounds.accounts, admin, org.slug, localQuestion)
      const draft = await createQuestion(rounds.accounts, admin, org.slug, {
        ...localQuestion,
        status: 'draft',
      })
      const gone = await createQuestion(rounds.accounts, admin, org.slug, localQuestion)
      await withdrawQuestion(rounds.accounts, admin, org.slug, gone.id)
      // A draft edit of a live question leaves the published version in the draw.
      await updateQuestion(rounds.accounts, admin, org.slug, live.id, {
        ...localQuestion,
        prompt: 'Draft wording of the approval question',
        status: 'draft',
      })

      const seen = new Set<string>()
      for (let i = 0; i < 15; i++) {
        const attempt = await startAttempt(rounds.accounts, author, org.slug)
        expect(attempt.questions.some((q) => q.topic === 'local')).toBe(true)
        for (const q of attempt.questions) seen.add(`${q.id}:${q.prompt}`)
      }
      expect(seen).toContain(`${live.id}:${localQuestion.prompt}`)
      expect([...seen].some((k) => k.startsWith(draft.id) || k.startsWith(gone.id))).toBe(false)
      expect([...seen].some((k) => k.includes('Draft wording'))).toBe(false)

      // Another organisation's members never draw them.
      const other = await createTestOrganisation(rounds)
      const stranger = await loadActor(
        rounds.accounts,
        (await createTestMember(rounds, other.id, ['author'])).id,
      )
      const elsewhere = await startAttempt(rounds.accounts, stranger, other.slug)
      expect(elsewhere.questions.some((q) => q.topic === 'local')).toBe(false)
    })
  })

  describe('certificates', () => {
    it('findValidCertificate: none, then the one lasting longest, only in its own organisation', async () => {
      const org = await createTestOrganisation(rounds)
      const other = await createTestOrganisation(rounds)
      const user = await createTestMember(rounds, org.id, ['author'])
      const now = clock.now()
      expect(await findValidCertificate(rounds.database.db, user.id, org.id, now)).toBeNull()

      const first = await issueCertificateAsOperator(rounds.accounts, {
        email: user.email,
        organisationId: org.id,
      })
      expect(first.expiresAt).toBe('2027-01-10T06:00:00.000Z')
      // Idempotent while it is valid.
      expect(
        await issueCertificateAsOperator(rounds.accounts, { email: user.email, organisationId: org.id }),
      ).toEqual(first)
      expect(await findValidCertificate(rounds.database.db, user.id, org.id, now)).toEqual(first)
      expect(await findValidCertificate(rounds.database.db, user.id, other.id, now)).toBeNull()
      expect(
        await findValidCertificate(
          rounds.database.db,
          user.id,
          org.id,
          new Date(Date.parse(first.issuedAt) - 1),
        ),
      ).toBeNull()

      // The seeded attempt behind it is not an attempt anyone can open.
      const seeded = await rounds.database.db
        .selectFrom('training_attempt')
        .select(['id', 'status'])
        .where('user_id', '=', user.id)
        .executeTakeFirstOrThrow()
      expect(seeded.status).toBe('seeded')
      await expect(
        getAttempt(rounds.accounts, await loadActor(rounds.accounts, user.id), org.slug, seeded.id),
      ).rejects.toMatchObject({ code: 'ATTEMPT_NOT_FOUND' })
    })

    it('reminders: once per certificate, not for holders who renewed or left the organisation', async () => {
      clock.set(new Date('2026-02-01T06:00:00.000Z'))
      const org = await createTestOrganisation(rounds)
      const admin = await createTestMember(rounds, org.id, ['admin'])
      const staying = await createTestMember(rounds, org.id, ['author'])
      const renewing = await createTestMember(rounds, org.id, ['author'])
      const leaving = await createTestMember(rounds, org.id, ['author'])
      for (const u of [staying, renewing, leaving])
        await issueCertificateAsOperator(rounds.accounts, { email: u.email, organisationId: org.id })

      // 27 days before they expire: `renewing` has just passed the assessment again, and
      // `leaving` has left the organisation.
      clock.set(new Date('2027-01-05T06:00:00.000Z'))
      const actor = await loadActor(rounds.accounts, renewing.id)
      const attempt = await startAttempt(rounds.accounts, actor, org.slug)
      const drawn = await findQuestionsByVersion(
        rounds.database.db,
        (await findAttemptById(rounds.database.db, attempt.id))?.draw ?? [],
      )
      const renewed = await submitAttempt(rounds.accounts, actor, org.slug, attempt.id, {
        answers: drawn.map((q) => ({
          questionId: q.id,
          optionIds: q.options.filter((o) => o.correct).map((o) => o.id),
        })),
      })
      expect(renewed.certificate?.expiresAt).toBe('2028-01-05T06:00:00.000Z')
      await removeMember(rounds.accounts, await loadActor(rounds.accounts, admin.id), org.slug, leaving.id)

      const before = rounds.sentMail.length
      expect(await sendCertificateReminders(rounds.accounts)).toBeGreaterThanOrEqual(1)
      expect(await sendCertificateReminders(rounds.accounts)).toBe(0)
      await rounds.createWorker().drain()
      const to = rounds.sentMail
        .slice(before)
        .filter((m) => /expires/.test(m.subject))
        .map((m) => m.to)
      expect(to.filter((a) => a === staying.email)).toHaveLength(1)
      expect(to).not.toContain(renewing.email)
      expect(to).not.toContain(leaving.email)
    })
  })

  describe('demo data', () => {
    it('the demo author holds a valid certificate, the new author none; seeding again issues no second', async () => {
      const seed = () =>
        seedDemo(rounds.operator, { env: 'development', explicit: false, password: 'demo-password-123' })
      await seed()
      await seed()
      const org = await findOrganisationBySlug(rounds.database.db, DEMO_ORGANISATION.slug)
      const author = await findUserByEmail(rounds.database.db, 'author@demo.example')
      const newcomer = await findUserByEmail(rounds.database.db, 'newauthor@demo.example')
      if (!org || !author || !newcomer) throw new Error('demo data missing')
      expect(await findValidCertificate(rounds.database.db, author.id, org.id, clock.now())).not.toBeNull()
      expect(await findValidCertificate(rounds.database.db, newcomer.id, org.id, clock.now())).toBeNull()
      const certificates = await rounds.database.db
        .selectFrom('training_certificate')
        .select('id')
        .where('user_id', '=', author.id)
        .execute()
      expect(certificates).toHaveLength(1)
    })
  })

  describe('the daily schedule', () => {
    it('keeps exactly one future run, even after duplicates were queued', async () => {
      const pending = () =>
        rounds.database.db
          .selectFrom('job')
          .select(['id', 'run_at'])
          .where('name', '=', CERTIFICATE_REMINDERS_JOB)
          .where('status', '=', 'queued')
          .execute()
      clock.set(new Date('2027-03-01T10:00:00.000Z'))
      await scheduleCertificateReminders(rounds.accounts)
      expect(await scheduleCertificateReminders(rounds.accounts)).toBe(false)
      // Two processes that raced at start-up: two runs queued.
      await rounds.queue.enqueue(rounds.database.db, CERTIFICATE_REMINDERS_JOB, {})
      expect((await pending()).length).toBe(2)
      await rounds.createWorker().drain()
      const next = await pending()
      expect(next).toHaveLength(1)
      expect(new Date(next[0]?.run_at ?? 0).toISOString()).toBe('2027-03-02T06:00:00.000Z')
      clock.advance(DAY)
      await rounds.createWorker().drain()
      expect((await pending()).map((j) => new Date(j.run_at).toISOString())).toEqual([
        '2027-03-03T06:00:00.000Z',
      ])
    })
  })
})
