import { type Executor, toIso } from '#src/platform/db/database.ts'
import type { ChannelAccount } from './publishing.schema.ts'

/** A channel account row with its encrypted credentials (never leaves the service). */
export type ChannelAccountRow = Omit<ChannelAccount, 'channel'> & {
  channel: ChannelAccount['channel']
  organisationId: string
  remoteAccountId: string | null
  /** secrets.ts ciphertext bound to `channel_account:<id>`. */
  credentials: string | null
}

function accountQuery(db: Executor) {
  return db
    .selectFrom('channel_account as a')
    .leftJoin('auth_user as u', 'u.id', 'a.connected_by')
    .select([
      'a.id',
      'a.organisation_id',
      'a.channel',
      'a.name',
      'a.remote_account_id',
      'a.service_url',
      'a.status',
      'a.credentials',
      'a.expires_at',
      'a.last_error',
      'a.connected_by',
      'u.name as connected_by_name',
      'a.connected_at',
    ])
}

type AccountSelect = Awaited<ReturnType<ReturnType<typeof accountQuery>['execute']>>[number]

function mapAccount(r: AccountSelect): ChannelAccountRow {
  return {
    id: r.id,
    organisationId: r.organisation_id,
    channel: r.channel as ChannelAccount['channel'],
    name: r.name,
    remoteAccountId: r.remote_account_id,
    serviceUrl: r.service_url,
    status: r.status as ChannelAccount['status'],
    credentials: r.credentials,
    expiresAt: r.expires_at === null ? null : toIso(r.expires_at),
    lastError: r.last_error,
    connectedAt: toIso(r.connected_at),
    connectedBy: r.connected_by
      ? { id: r.connected_by, name: r.connected_by_name ?? '(deleted user)' }
      : null,
  }
}

/** The API's view: everything but the credentials. */
export function presentAccount(row: ChannelAccountRow): ChannelAccount {
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    serviceUrl: row.serviceUrl,
    status: row.status,
    expiresAt: row.expiresAt,
    lastError: row.lastError,
    connectedAt: row.connectedAt,
    connectedBy: row.connectedBy,
  }
}

export async function listAccounts(db: Executor, organisationId: string): Promise<ChannelAccountRow[]> {
  const rows = await accountQuery(db)
    .where('a.organisation_id', '=', organisationId)
    .orderBy('a.channel')
    .execute()
  return rows.map(mapAccount)
}

export async function findAccount(db: Executor, id: string): Promise<ChannelAccountRow | null> {
  const r = await accountQuery(db).where('a.id', '=', id).executeTakeFirst()
  return r ? mapAccount(r) : null
}

export async function findAccountFor(
  db: Executor,
  organisationId: string,
  channel: string,
): Promise<ChannelAccountRow | null> {
  const r = await accountQuery(db)
    .where('a.organisation_id', '=', organisationId)
    .where('a.channel', '=', channel)
    .executeTakeFirst()
  return r ? mapAccount(r) : null
}

export async function insertAccount(
  db: Executor,
  row: {
    id: string
    organisationId: string
    channel: string
    name: string
    remoteAccountId: string | null
    serviceUrl: string
    credentials: string
    expiresAt: string | null
    connectedBy: string
    at: string
  },
): Promise<void> {
  await db
    .insertInto('channel_account')
    .values({
      id: row.id,
      organisation_id: row.organisationId,
      channel: row.channel,
      name: row.name,
      remote_account_id: row.remoteAccountId,
      service_url: row.serviceUrl,
      status: 'connected',
      credentials: row.credentials,
      expires_at: row.expiresAt,
      last_error: null,
      connected_by: row.connectedBy,
      connected_at: row.at,
      refreshed_at: null,
      updated_at: row.at,
    })
    .execute()
}

/** Replaces the account's connection (reconnect): new name, credentials and expiry, status connected. */
export async function reconnectAccount(
  db: Executor,
  id: string,
  values: {
    name: string
    remoteAccountId: string | null
    serviceUrl: string
    credentials: string
    expiresAt: string | null
    connectedBy: string
    at: string
  },
): Promise<void> {
  await db
    .updateTable('channel_account')
    .set({
      name: values.name,
      remote_account_id: values.remoteAccountId,
      service_url: values.serviceUrl,
      status: 'connected',
      credentials: values.credentials,
      expires_at: values.expiresAt,
      last_error: null,
      connected_by: values.connectedBy,
      connected_at: values.at,
      refreshed_at: null,
      updated_at: values.at,
    })
    .where('id', '=', id)
    .execute()
}

/** Stores refreshed credentials, guarded by the old ciphertext so two refreshers cannot both win. */
export async function storeRefreshedCredentials(
  db: Executor,
  id: string,
  previous: string,
  values: { credentials: string; expiresAt: string | null; at: string },
): Promise<boolean> {
  const r = await db
    .updateTable('channel_account')
    .set({
      credentials: values.credentials,
      expires_at: values.expiresAt,
      refreshed_at: values.at,
      updated_at: values.at,
      status: 'connected',
      last_error: null,
    })
    .where('id', '=', id)
    .where('credentials', '=', previous)
    .executeTakeFirst()
  return Number(r.numUpdatedRows) > 0
}

export async function setAccountStatus(
  db: Executor,
  id: string,
  status: ChannelAccount['status'],
  lastError: string | null,
  at: string,
  options: { dropCredentials?: boolean } = {},
): Promise<void> {
  await db
    .updateTable('channel_account')
    .set({
      status,
      last_error: lastError,
      updated_at: at,
      ...(options.dropCredentials ? { credentials: null, expires_at: null } : {}),
    })
    .where('id', '=', id)
    .execute()
}

// ── OAuth states ─────────────────────────────────────────────────────────────────────────

export async function insertOAuthState(
  db: Executor,
  row: {
    stateHash: string
    organisationId: string
    channel: string
    codeVerifier: string
    redirectUri: string
    createdBy: string
    createdAt: string
    expiresAt: string
  },
): Promise<void> {
  await db
    .insertInto('channel_oauth_state')
    .values({
      state_hash: row.stateHash,
      organisation_id: row.organisationId,
      channel: row.channel,
      code_verifier: row.codeVerifier,
      redirect_uri: row.redirectUri,
      created_by: row.createdBy,
      created_at: row.createdAt,
      expires_at: row.expiresAt,
    })
    .execute()
}

/** Takes (reads and deletes) an OAuth state: each state is good for one callback only. */
export async function takeOAuthState(db: Executor, stateHash: string) {
  const row = await db
    .selectFrom('channel_oauth_state')
    .selectAll()
    .where('state_hash', '=', stateHash)
    .executeTakeFirst()
  if (!row) return null
  const deleted = await db
    .deleteFrom('channel_oauth_state')
    .where('state_hash', '=', stateHash)
    .executeTakeFirst()
  if (Number(deleted.numDeletedRows) === 0) return null
  return {
    stateHash: row.state_hash,
    organisationId: row.organisation_id,
    channel: row.channel,
    codeVerifier: row.code_verifier,
    redirectUri: row.redirect_uri,
    createdBy: row.created_by,
    expiresAt: toIso(row.expires_at),
  }
}

export async function deleteExpiredOAuthStates(db: Executor, now: string): Promise<void> {
  await db.deleteFrom('channel_oauth_state').where('expires_at', '<', now).execute()
}
