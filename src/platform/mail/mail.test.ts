import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualClock, randomIds } from '#src/platform/clock.ts'
import { toIso } from '#src/platform/db/database.ts'
import { createDbQueue } from '#src/platform/jobs/db-queue.ts'
import { countJobsByStatus } from '#src/platform/jobs/job.repository.ts'
import { createJobRegistry } from '#src/platform/jobs/queue.ts'
import { createWorker } from '#src/platform/jobs/worker.ts'
import { createSilentLogger } from '#src/platform/logger.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import { findLatestMailTo, type MailMessage, type MailTransport, mailJobs, queueMail } from './mail.ts'

const FROM = 'Rounds <no-reply@rounds.test>'
const message: MailMessage = { to: 'ada@example.org', subject: 'Your invitation', text: 'Follow the link.' }

describe.each(testDialects)('mail on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('job').execute()
    await database.db.deleteFrom('mail_outbox').execute()
  })

  /** The mail job wired to a transport that records what it is given, or fails while told to. */
  function harness() {
    const clock = manualClock()
    const sent: (MailMessage & { from: string })[] = []
    const transport: MailTransport & { failing: boolean } = {
      failing: false,
      async send(m) {
        if (this.failing) throw Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' })
        sent.push(m)
      },
    }
    const registry = createJobRegistry(mailJobs({ db: database.db, clock, transport, from: FROM }))
    const queue = createDbQueue({ clock, ids: randomIds, registry })
    const worker = createWorker({
      db: database.db,
      dialect: database.dialect,
      clock,
      log: createSilentLogger(),
      registry,
      workerId: 'mail-worker',
    })
    const deps = { clock, ids: randomIds, queue }
    return { clock, sent, transport, queue, worker, deps }
  }

  const outbox = (id: string) =>
    database.db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  it('leaves no message and no job when the transaction rolls back', async () => {
    const { sent, worker, deps } = harness()
    const attempt = database.db.transaction().execute(async (tx) => {
      await queueMail(tx, deps, message)
      throw new Error('the invitation failed')
    })
    await expect(attempt).rejects.toThrow('the invitation failed')

    expect(await database.db.selectFrom('mail_outbox').selectAll().execute()).toEqual([])
    expect(await countJobsByStatus(database.db)).toEqual({})
    expect(await worker.drain()).toBe(0)
    expect(sent).toEqual([])
  })

  it('delivers a committed message once and marks it sent', async () => {
    const { clock, sent, worker, deps } = harness()
    const id = await database.db.transaction().execute((tx) => queueMail(tx, deps, message))
    expect(await findLatestMailTo(database.db, message.to)).toEqual(message)
    expect((await outbox(id)).sent_at).toBeNull()

    clock.advance(5_000)
    expect(await worker.drain()).toBe(1)
    expect(sent).toEqual([{ ...message, from: FROM }])
    expect(toIso((await outbox(id)).sent_at)).toBe(clock.now().toISOString())

    expect(await worker.drain()).toBe(0)
    expect(sent).toHaveLength(1)
  })

  it('does not send a message again when its job runs again', async () => {
    const { sent, worker, queue, deps } = harness()
    const id = await database.db.transaction().execute((tx) => queueMail(tx, deps, message))
    await worker.drain()
    // A second delivery of the same message: what a retry after a lost lease looks like.
    await queue.enqueue(database.db, 'mail.deliver', { outboxId: id })
    expect(await worker.drain()).toBe(1)
    expect(sent).toHaveLength(1)
  })

  it('retries a failed delivery and sends once the transport recovers', async () => {
    const { clock, sent, transport, worker, deps } = harness()
    const id = await database.db.transaction().execute((tx) => queueMail(tx, deps, message))
    transport.failing = true
    expect(await worker.drain()).toBe(1)
    expect((await outbox(id)).sent_at).toBeNull()
    expect(await countJobsByStatus(database.db)).toEqual({ queued: 1 })

    transport.failing = false
    clock.advance(60_000)
    expect(await worker.drain()).toBe(1)
    expect(sent).toEqual([{ ...message, from: FROM }])
    expect((await outbox(id)).sent_at).not.toBeNull()
    expect(await countJobsByStatus(database.db)).toEqual({ done: 1 })
  })
})
