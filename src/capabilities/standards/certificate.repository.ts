import { sql } from 'kysely'
import { type Executor, toIso } from '#src/platform/db/database.ts'

/** A certificate with what is needed to show it: holder, organisation, dates. */
export type CertificateRecord = {
  id: string
  userId: string
  organisationId: string
  attemptId: string
  issuedAt: string
  expiresAt: string
  validityMonths: number
  reminderSentAt: string | null
  revokedAt: string | null
  revocationReason: string | null
  holderName: string
  holderEmail: string
  organisation: { id: string; slug: string; name: string }
}

/**
 * The certificate that makes a user trained for an organisation at `now`: issued at or
 * before `now` and expiring after it. With several (a renewal before expiry), the one
 * lasting longest. The submission gate calls exactly this.
 */
export async function findValidCertificate(
  db: Executor,
  userId: string,
  organisationId: string,
  now: Date,
): Promise<{ id: string; issuedAt: string; expiresAt: string } | null> {
  const at = now.toISOString()
  const r = await db
    .selectFrom('training_certificate')
    .select(['id', 'issued_at', 'expires_at'])
    .where('user_id', '=', userId)
    .where('organisation_id', '=', organisationId)
    .where('issued_at', '<=', at)
    .where('expires_at', '>', at)
    .where('revoked_at', 'is', null)
    .orderBy('expires_at', 'desc')
    .limit(1)
    .executeTakeFirst()
  return r ? { id: r.id, issuedAt: toIso(r.issued_at), expiresAt: toIso(r.expires_at) } : null
}

export async function insertCertificate(
  db: Executor,
  c: {
    id: string
    userId: string
    organisationId: string
    attemptId: string
    issuedAt: string
    expiresAt: string
    validityMonths: number
  },
): Promise<void> {
  await db
    .insertInto('training_certificate')
    .values({
      id: c.id,
      user_id: c.userId,
      organisation_id: c.organisationId,
      attempt_id: c.attemptId,
      issued_at: c.issuedAt,
      expires_at: c.expiresAt,
      validity_months: c.validityMonths,
      reminder_sent_at: null,
    })
    .execute()
}

function certificates(db: Executor) {
  return db
    .selectFrom('training_certificate as c')
    .innerJoin('auth_user as u', 'u.id', 'c.user_id')
    .innerJoin('organisation as o', 'o.id', 'c.organisation_id')
    .leftJoin('professional_identity as pi', 'pi.user_id', 'c.user_id')
    .select([
      'c.id',
      'c.user_id',
      'c.organisation_id',
      'c.attempt_id',
      'c.issued_at',
      'c.expires_at',
      'c.validity_months',
      'c.reminder_sent_at',
      'c.revoked_at',
      'c.revocation_reason',
      'u.name as user_name',
      'u.email as user_email',
      'pi.display_name',
      'o.slug as org_slug',
      'o.name as org_name',
    ])
}

type CertificateRow = {
  id: string
  user_id: string
  organisation_id: string
  attempt_id: string
  issued_at: Date | string
  expires_at: Date | string
  validity_months: number
  reminder_sent_at: Date | string | null
  revoked_at: Date | string | null
  revocation_reason: string | null
  user_name: string
  user_email: string
  display_name: string | null
  org_slug: string
  org_name: string
}

function mapCertificate(r: CertificateRow): CertificateRecord {
  return {
    id: r.id,
    userId: r.user_id,
    organisationId: r.organisation_id,
    attemptId: r.attempt_id,
    issuedAt: toIso(r.issued_at),
    expiresAt: toIso(r.expires_at),
    validityMonths: Number(r.validity_months),
    reminderSentAt: toIso(r.reminder_sent_at),
    revokedAt: toIso(r.revoked_at),
    revocationReason: r.revocation_reason,
    // The name the holder chose to be known by professionally, else their account name.
    holderName: r.display_name?.trim() || r.user_name,
    holderEmail: r.user_email,
    organisation: { id: r.organisation_id, slug: r.org_slug, name: r.org_name },
  }
}

export async function findCertificateById(db: Executor, id: string): Promise<CertificateRecord | null> {
  const r = await certificates(db).where('c.id', '=', id).executeTakeFirst()
  return r ? mapCertificate(r) : null
}

export async function findCertificateByAttempt(
  db: Executor,
  attemptId: string,
): Promise<CertificateRecord | null> {
  const r = await certificates(db).where('c.attempt_id', '=', attemptId).executeTakeFirst()
  return r ? mapCertificate(r) : null
}

/** A user's certificates in every organisation, newest first. */
export async function listCertificatesForUser(db: Executor, userId: string): Promise<CertificateRecord[]> {
  const rows = await certificates(db)
    .where('c.user_id', '=', userId)
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.id')
    .execute()
  return rows.map(mapCertificate)
}

/** Every certificate issued by an organisation, newest first. */
export async function listCertificatesForOrganisation(
  db: Executor,
  organisationId: string,
): Promise<CertificateRecord[]> {
  const rows = await certificates(db)
    .where('c.organisation_id', '=', organisationId)
    .orderBy('c.issued_at', 'desc')
    .orderBy('c.id')
    .execute()
  return rows.map(mapCertificate)
}

/**
 * Certificates expiring in (now, until] with no reminder sent yet, whose holder is still a
 * member of the organisation and holds no certificate there that lasts longer (they
 * renewed already).
 */
export async function listCertificatesDueReminder(
  db: Executor,
  now: Date,
  until: Date,
): Promise<CertificateRecord[]> {
  const rows = await certificates(db)
    .where('c.reminder_sent_at', 'is', null)
    .where('c.revoked_at', 'is', null)
    .where('c.expires_at', '>', now.toISOString())
    .where('c.expires_at', '<=', until.toISOString())
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('membership as m')
          .select(sql<number>`1`.as('one'))
          .whereRef('m.user_id', '=', 'c.user_id')
          .whereRef('m.organisation_id', '=', 'c.organisation_id'),
      ),
    )
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('training_certificate as later')
            .select(sql<number>`1`.as('one'))
            .whereRef('later.user_id', '=', 'c.user_id')
            .whereRef('later.organisation_id', '=', 'c.organisation_id')
            .whereRef('later.expires_at', '>', 'c.expires_at')
            .where('later.revoked_at', 'is', null),
        ),
      ),
    )
    .orderBy('c.expires_at')
    .execute()
  return rows.map(mapCertificate)
}

/** Marks the reminder sent; false if it already was (another run got there first). */
export async function markReminderSent(db: Executor, id: string, at: string): Promise<boolean> {
  const r = await db
    .updateTable('training_certificate')
    .set({ reminder_sent_at: at })
    .where('id', '=', id)
    .where('reminder_sent_at', 'is', null)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Revokes a certificate; false if it already was. */
export async function markCertificateRevoked(
  db: Executor,
  r: { id: string; at: string; reason: string; by: string | null },
): Promise<boolean> {
  const done = await db
    .updateTable('training_certificate')
    .set({ revoked_at: r.at, revocation_reason: r.reason, revoked_by: r.by })
    .where('id', '=', r.id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst()
  return Number(done.numUpdatedRows) === 1
}
