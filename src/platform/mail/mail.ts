import nodemailer from 'nodemailer'
import { z } from 'zod'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db, Executor } from '#src/platform/db/database.ts'
import { defineJob, type JobDefinition, type Queue } from '#src/platform/jobs/queue.ts'
import type { Logger } from '#src/platform/logger.ts'

export type MailMessage = { to: string; subject: string; text: string }

/**
 * Outgoing mail is written to the outbox in the caller's transaction and delivered by a
 * job, so a message exists exactly when the change that caused it committed.
 */
export async function queueMail(
  tx: Executor,
  deps: { clock: Clock; ids: Ids; queue: Queue },
  message: MailMessage,
): Promise<string> {
  const id = deps.ids.next()
  await tx
    .insertInto('mail_outbox')
    .values({
      id,
      to_address: message.to,
      subject: message.subject,
      text_body: message.text,
      created_at: deps.clock.now().toISOString(),
    })
    .execute()
  await deps.queue.enqueue(tx, 'mail.deliver', { outboxId: id })
  return id
}

export type MailTransport = { send(message: MailMessage & { from: string }): Promise<void> }

/** SMTP when configured; otherwise the outbox row is the delivery (and development logs it). */
export function createMailTransport(options: {
  smtpUrl: string | undefined
  env: string
  log: Logger
}): MailTransport {
  if (options.smtpUrl) {
    const transporter = nodemailer.createTransport(options.smtpUrl)
    return {
      async send(m) {
        await transporter.sendMail({ from: m.from, to: m.to, subject: m.subject, text: m.text })
      },
    }
  }
  return {
    async send(m) {
      // Only in development: the body can hold a sign-in or reset link.
      if (options.env === 'development') options.log.info({ mail: m }, 'mail (development: not sent)')
    },
  }
}

export function mailJobs(deps: {
  db: Db
  clock: Clock
  transport: MailTransport
  from: string
}): JobDefinition<unknown>[] {
  return [
    defineJob({
      name: 'mail.deliver',
      schema: z.object({ outboxId: z.string() }),
      maxAttempts: 8,
      async handler({ outboxId }) {
        const row = await deps.db
          .selectFrom('mail_outbox')
          .selectAll()
          .where('id', '=', outboxId)
          .executeTakeFirst()
        if (!row || row.sent_at) return
        await deps.transport.send({
          from: deps.from,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
        })
        await deps.db
          .updateTable('mail_outbox')
          .set({ sent_at: deps.clock.now().toISOString() })
          .where('id', '=', outboxId)
          .execute()
      },
    }),
  ]
}

/** The newest message to an address; used by tests and the development mailbox. */
export async function findLatestMailTo(db: Executor, to: string): Promise<MailMessage | null> {
  const row = await db
    .selectFrom('mail_outbox')
    .select(['to_address', 'subject', 'text_body'])
    .where('to_address', '=', to)
    .orderBy('created_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return row ? { to: row.to_address, subject: row.subject, text: row.text_body } : null
}
