import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { toIso } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import type { LrsClient, LrsClientCreated } from './lrs.schema.ts'
import type { XapiDeps } from './xapi.service.ts'

/**
 * LRS clients: HTTP Basic credentials with which an institution's tools read and write the
 * organisation's statements at /xapi/. The secret is 256 random bits, shown once and stored
 * as its SHA-256 (a fast hash is enough for a random secret of that length, and keeps every
 * authenticated request cheap; see docs/decisions).
 */

/** The LRS endpoint clients are given. */
export function lrsEndpoint(publicBaseUrl: string): string {
  return `${publicBaseUrl.replace(/\/+$/, '')}/xapi/`
}

function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex')
}

type ClientRow = {
  id: string
  name: string
  key: string
  created_at: Date | string
  last_used_at: Date | string | null
  revoked_at: Date | string | null
}

function toClient(r: ClientRow): LrsClient {
  return {
    id: r.id,
    name: r.name,
    key: r.key,
    createdAt: toIso(r.created_at),
    lastUsedAt: toIso(r.last_used_at),
    revokedAt: toIso(r.revoked_at),
  }
}

/**
 * Creates credentials for the organisation. `actorId` is the admin who asked (null from the
 * command line, which runs as the operator). Returns the secret: it is not stored and cannot
 * be shown again.
 */
export async function createLrsClient(
  deps: XapiDeps,
  input: { organisationId: string; name: string; actorId: string | null },
): Promise<LrsClientCreated> {
  const name = input.name.trim()
  if (name.length === 0 || name.length > 100)
    throw new AppError('VALIDATION_FAILED', { message: 'name: give the client a name of 1-100 characters' })
  const id = deps.ids.next()
  const key = `rlrs_${randomBytes(12).toString('hex')}`
  const secret = randomBytes(32).toString('base64url')
  const now = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    await tx
      .insertInto('lrs_client')
      .values({
        id,
        organisation_id: input.organisationId,
        name,
        key,
        secret_hash: hashSecret(secret),
        created_by: input.actorId,
        created_at: now,
        last_used_at: null,
        revoked_at: null,
      })
      .execute()
    await recordAudit(tx, deps, {
      actorId: input.actorId,
      action: 'lrs_client.created',
      resourceType: 'lrs_client',
      resourceId: id,
      organisationId: input.organisationId,
      summary: { name, key },
    })
  })
  return {
    client: { id, name, key, createdAt: now, lastUsedAt: null, revokedAt: null },
    key,
    secret,
    endpoint: lrsEndpoint(deps.publicBaseUrl),
  }
}

/** Admins (organisation.manage) create, list and revoke the organisation's LRS clients. */
export async function lrsClientAdmin(deps: XapiDeps, actor: Actor, slug: string) {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  return { org, actorId: actor.kind === 'user' ? actor.userId : null }
}

export async function listLrsClients(deps: XapiDeps, actor: Actor, slug: string): Promise<LrsClient[]> {
  const { org } = await lrsClientAdmin(deps, actor, slug)
  const rows = await deps.db
    .selectFrom('lrs_client')
    .select(['id', 'name', 'key', 'created_at', 'last_used_at', 'revoked_at'])
    .where('organisation_id', '=', org.id)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute()
  return rows.map(toClient)
}

/** Revokes a client: its credentials stop working at once. Revoking twice is a no-op. */
export async function revokeLrsClient(
  deps: XapiDeps,
  actor: Actor,
  slug: string,
  clientId: string,
): Promise<LrsClient> {
  const { org, actorId } = await lrsClientAdmin(deps, actor, slug)
  return deps.db.transaction().execute(async (tx) => {
    const row = await tx
      .selectFrom('lrs_client')
      .select(['id', 'name', 'key', 'created_at', 'last_used_at', 'revoked_at'])
      .where('organisation_id', '=', org.id)
      .where('id', '=', clientId)
      .executeTakeFirst()
    if (!row) throw new AppError('NOT_FOUND', { message: `no LRS client ${clientId} in ${slug}` })
    if (row.revoked_at) return toClient(row)
    const now = deps.clock.now().toISOString()
    await tx.updateTable('lrs_client').set({ revoked_at: now }).where('id', '=', clientId).execute()
    await recordAudit(tx, deps, {
      actorId,
      action: 'lrs_client.revoked',
      resourceType: 'lrs_client',
      resourceId: clientId,
      organisationId: org.id,
      summary: { name: row.name, key: row.key },
    })
    return toClient({ ...row, revoked_at: now })
  })
}

export type AuthenticatedClient = { id: string; organisationId: string; key: string; name: string }

const UNAUTHENTICATED = () =>
  new AppError('UNAUTHENTICATED', {
    message: 'send the LRS client key and secret with HTTP Basic authentication',
  })

/**
 * The client named by an `Authorization: Basic` header, or UNAUTHENTICATED (unknown key,
 * wrong secret, revoked). `last_used_at` is updated at most once a minute.
 */
export async function authenticateLrsClient(
  deps: Pick<XapiDeps, 'db' | 'clock'>,
  authorization: string | undefined,
): Promise<AuthenticatedClient> {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '')
  if (!match) throw UNAUTHENTICATED()
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 1) throw UNAUTHENTICATED()
  const key = decoded.slice(0, colon)
  const secret = decoded.slice(colon + 1)
  const row = await deps.db
    .selectFrom('lrs_client')
    .select(['id', 'organisation_id', 'name', 'key', 'secret_hash', 'revoked_at', 'last_used_at'])
    .where('key', '=', key)
    .executeTakeFirst()
  const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex')
  const given = Buffer.from(hashSecret(secret), 'hex')
  if (!row || row.revoked_at || !timingSafeEqual(expected, given)) throw UNAUTHENTICATED()
  const now = deps.clock.now()
  const last = row.last_used_at ? new Date(toIso(row.last_used_at)).getTime() : 0
  if (now.getTime() - last > 60_000)
    await deps.db
      .updateTable('lrs_client')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute()
  return { id: row.id, organisationId: row.organisation_id, key: row.key, name: row.name }
}

/** Whether the actor may manage LRS clients and forwarding (for the web UI's navigation). */
export function canManageLrs(actor: Actor, organisationId: string): boolean {
  return can(actor, 'organisation.manage', { organisationId })
}
