import { createHash, randomBytes } from 'node:crypto'
import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { decryptJson, encryptJson, type SecretColumn } from '#src/platform/secrets.ts'
import {
  type ChannelAccountRow,
  findAccount,
  findAccountFor,
  insertAccount,
  insertOAuthState,
  listAccounts,
  presentAccount,
  reconnectAccount,
  setAccountStatus,
  storeRefreshedCredentials,
  takeOAuthState,
} from './channels.repository.ts'
import { type ChannelCredentials, ChannelError } from './connector.ts'
import type { RegisteredChannel } from './connectors/index.ts'
import type { PublishingDeps } from './publishing.deps.ts'
import type { ChannelAccount, ChannelConnect, ChannelOption } from './publishing.schema.ts'

export const REFRESH_ACCOUNT_JOB = 'publish.refresh-account'
/** Tokens are refreshed this long before they expire. */
export const REFRESH_AHEAD_MS = 10 * 60_000
const OAUTH_STATE_MS = 10 * 60_000

const accountContext = (id: string) => `channel_account:${id}`
const stateContext = (hash: string) => `channel_oauth_state:${hash}`

/** The columns `rounds secrets rotate` re-encrypts. */
export const publishingSecretColumns: SecretColumn[] = [
  { table: 'channel_account', idColumn: 'id', column: 'credentials', context: accountContext },
  { table: 'channel_oauth_state', idColumn: 'state_hash', column: 'code_verifier', context: stateContext },
]

type Org = { id: string; slug: string }

/** Editors (publishing.manage) and admins (organisation.manage) manage the organisation's channels. */
export async function channelManager(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
): Promise<{ org: Org; userId: string }> {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const resource = { organisationId: org.id }
  if (!can(actor, 'publishing.manage', resource) && !can(actor, 'organisation.manage', resource))
    throw new AppError('FORBIDDEN', { message: "only editors and admins manage the organisation's channels" })
  return { org, userId: (actor as Extract<Actor, { kind: 'user' }>).userId }
}

function registered(deps: PublishingDeps, channel: ChannelId): RegisteredChannel {
  const r = deps.connectors.get(channel)
  if (!r)
    throw new AppError('CHANNEL_UNAVAILABLE', {
      message: `Rounds cannot publish to ${channelSpecs[channel].label} yet`,
      details: { channel },
    })
  return r
}

function unavailableReason(deps: PublishingDeps, r: RegisteredChannel): string | null {
  if (r.connection === 'oauth2' && !deps.oauthClients[r.channel])
    return `The operator has not configured a ${channelSpecs[r.channel].label} app (ROUNDS_OAUTH_${r.channel.toUpperCase()}_CLIENT_ID).`
  return null
}

/** Every channel with a connector, how it connects, and the organisation's account on it. */
export async function listChannels(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
): Promise<ChannelOption[]> {
  const { org } = await channelManager(deps, actor, slug)
  const accounts = new Map((await listAccounts(deps.db, org.id)).map((a) => [a.channel, a]))
  return deps.connectors.list().map((r) => {
    const reason = unavailableReason(deps, r)
    const account = accounts.get(r.channel)
    const max = channelSpecs[r.channel].maxLength
    return {
      channel: r.channel,
      label: channelSpecs[r.channel].label,
      connection: r.connection,
      available: reason === null,
      unavailableReason: reason,
      account: account ? presentAccount(account) : null,
      capabilities: {
        threads: r.connector.capabilities.threads,
        delete: r.connector.capabilities.delete,
        reply: r.connector.capabilities.reply,
        maxLength: Number.isFinite(max) ? max : null,
      },
    }
  })
}

/** A platform's refusal while connecting, in plain words (never the credentials). */
function refused(channel: ChannelId, error: unknown): AppError {
  const label = channelSpecs[channel].label
  if (error instanceof ChannelError)
    return new AppError('CHANNEL_REFUSED', {
      message: `${label} refused the connection: ${error.message}`,
      details: { channel, status: error.status },
    })
  if (error instanceof AppError) return error
  return new AppError('CHANNEL_REFUSED', {
    message: `${label} could not be reached to check the account; try again`,
    details: { channel },
    cause: error,
  })
}

/** Stores a verified connection (new or replacing the old one) with its credentials encrypted. */
async function saveConnection(
  deps: PublishingDeps,
  org: Org,
  userId: string,
  channel: ChannelId,
  verified: { name: string; accountId: string | null; credentials: ChannelCredentials },
): Promise<ChannelAccount> {
  const at = deps.clock.now().toISOString()
  const expiresAt = verified.credentials.expiresAt ?? null
  const id = await deps.db.transaction().execute(async (tx) => {
    const existing = await findAccountFor(tx, org.id, channel)
    const id = existing?.id ?? deps.ids.next()
    const values = {
      name: verified.name,
      remoteAccountId: verified.accountId,
      serviceUrl: verified.credentials.serviceUrl,
      credentials: encryptJson(deps.keyring, verified.credentials, accountContext(id)),
      expiresAt,
      connectedBy: userId,
      at,
    }
    if (existing) await reconnectAccount(tx, id, values)
    else await insertAccount(tx, { id, organisationId: org.id, channel, ...values })
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'publishing.channel_connected',
      resourceType: 'channel_account',
      resourceId: id,
      organisationId: org.id,
      summary: { channel, reconnected: !!existing },
    })
    await scheduleRefresh(tx, deps, id, expiresAt)
    return id
  })
  return presentAccount((await findAccount(deps.db, id)) as ChannelAccountRow)
}

async function scheduleRefresh(
  tx: Executor,
  deps: PublishingDeps,
  accountId: string,
  expiresAt: string | null,
) {
  if (!expiresAt) return
  const runAt = new Date(Math.max(deps.clock.now().getTime(), Date.parse(expiresAt) - REFRESH_AHEAD_MS))
  await deps.queue.enqueue(tx, REFRESH_ACCOUNT_JOB, { accountId }, { runAt })
}

/** Connects an account by app password (Bluesky) or server URL and token (Mastodon), checking it with the platform first. */
export async function connectChannel(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  channel: ChannelId,
  input: ChannelConnect,
): Promise<ChannelAccount> {
  const { org, userId } = await channelManager(deps, actor, slug)
  const r = registered(deps, channel)
  if (r.connection !== input.method)
    throw new AppError('VALIDATION_FAILED', {
      message: 'the request is not valid',
      details: [
        {
          path: 'method',
          message:
            r.connection === 'oauth2'
              ? `${channelSpecs[channel].label} connects through its own sign-in page (OAuth)`
              : r.connection === 'none'
                ? `${channelSpecs[channel].label} needs no account`
                : `${channelSpecs[channel].label} connects with ${r.connection}`,
        },
      ],
    })
  const credentials: ChannelCredentials =
    input.method === 'app-password'
      ? {
          serviceUrl: (input.serviceUrl ?? defaultServiceUrl(deps, channel)).replace(/\/$/, ''),
          identifier: input.identifier,
          password: input.password,
        }
      : { serviceUrl: input.serviceUrl.replace(/\/$/, ''), accessToken: input.accessToken }
  let verified: { name: string; accountId: string | null; credentials: ChannelCredentials }
  try {
    const v = r.connector.verify ? await r.connector.verify(credentials) : null
    verified = v
      ? { name: v.name, accountId: v.accountId, credentials: v.credentials ?? credentials }
      : { name: credentials.identifier ?? credentials.serviceUrl, accountId: null, credentials }
  } catch (error) {
    throw refused(channel, error)
  }
  return saveConnection(deps, org, userId, channel, verified)
}

function defaultServiceUrl(deps: PublishingDeps, channel: ChannelId): string {
  const base = deps.connectors.get(channel)?.baseUrl
  if (!base)
    throw new AppError('VALIDATION_FAILED', {
      message: 'the request is not valid',
      details: [{ path: 'serviceUrl', message: 'name the account’s server' }],
    })
  return base
}

/** Disconnects: the credentials are deleted; published posts stay where they are. */
export async function disconnectChannel(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  channel: ChannelId,
): Promise<ChannelAccount> {
  const { org, userId } = await channelManager(deps, actor, slug)
  const account = await findAccountFor(deps.db, org.id, channel)
  if (!account)
    throw new AppError('CHANNEL_NOT_CONNECTED', {
      message: `no ${channelSpecs[channel].label} account is connected`,
    })
  await deps.db.transaction().execute(async (tx) => {
    await setAccountStatus(tx, account.id, 'disconnected', null, deps.clock.now().toISOString(), {
      dropCredentials: true,
    })
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'publishing.channel_disconnected',
      resourceType: 'channel_account',
      resourceId: account.id,
      organisationId: org.id,
      summary: { channel },
    })
  })
  return presentAccount((await findAccount(deps.db, account.id)) as ChannelAccountRow)
}

// ── OAuth 2.0 with PKCE ──────────────────────────────────────────────────────────────────

const sha256 = (text: string) => createHash('sha256').update(text).digest('base64url')

function oauthFor(deps: PublishingDeps, channel: ChannelId) {
  const r = registered(deps, channel)
  const client = deps.oauthClients[channel]
  if (r.connection !== 'oauth2' || !r.oauth)
    throw new AppError('CHANNEL_UNAVAILABLE', {
      message: `${channelSpecs[channel].label} does not connect through OAuth`,
      details: { channel },
    })
  if (!client)
    throw new AppError('CHANNEL_UNAVAILABLE', {
      message: unavailableReason(deps, r) as string,
      details: { channel },
    })
  return { r, provider: r.oauth, client }
}

/**
 * Starts an OAuth 2.0 authorization (code flow with PKCE, S256): returns the platform's
 * authorize URL to send the editor to. The state is stored hashed, the verifier encrypted;
 * both are good for ten minutes and one callback. The redirect must be on this Rounds.
 */
export async function startOAuth(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  channel: ChannelId,
  redirectUri: string,
): Promise<{ authorizeUrl: string; state: string; expiresAt: string }> {
  const { org, userId } = await channelManager(deps, actor, slug)
  const { provider, client } = oauthFor(deps, channel)
  if (new URL(redirectUri).origin !== new URL(deps.publicBaseUrl).origin)
    throw new AppError('VALIDATION_FAILED', {
      message: 'the request is not valid',
      details: [{ path: 'redirectUri', message: `must be on ${new URL(deps.publicBaseUrl).origin}` }],
    })
  const state = randomBytes(32).toString('base64url')
  const verifier = randomBytes(48).toString('base64url')
  const stateHash = sha256(state)
  const now = deps.clock.now()
  const expiresAt = new Date(now.getTime() + OAUTH_STATE_MS).toISOString()
  await insertOAuthState(deps.db, {
    stateHash,
    organisationId: org.id,
    channel,
    codeVerifier: encryptJson(deps.keyring, verifier, stateContext(stateHash)),
    redirectUri,
    createdBy: userId,
    createdAt: now.toISOString(),
    expiresAt,
  })
  const url = new URL(provider.authorizeUrl)
  url.searchParams.set('response_type', 'code')
  url.searchParams.set(provider.clientIdParam ?? 'client_id', client.clientId)
  url.searchParams.set('redirect_uri', redirectUri)
  url.searchParams.set('scope', provider.scopes.join(provider.scopeSeparator ?? ' '))
  url.searchParams.set('state', state)
  url.searchParams.set('code_challenge', sha256(verifier))
  url.searchParams.set('code_challenge_method', 'S256')
  for (const [name, value] of Object.entries(provider.authorizeParams ?? {}))
    url.searchParams.set(name, value)
  return { authorizeUrl: url.toString(), state, expiresAt }
}

type TokenResponse = {
  access_token?: string
  refresh_token?: string
  expires_in?: number
  /** A string (RFC 6749), or Graph's error object (Meta). */
  error?: string | { message?: string }
  error_description?: string
}

async function tokenRequest(
  deps: PublishingDeps,
  channel: ChannelId,
  params: Record<string, string>,
  target?: { url: string; method: 'GET' | 'POST' },
): Promise<ChannelCredentials> {
  const { provider, client } = oauthFor(deps, channel)
  const tokenUrl = target?.url ?? provider.tokenUrl
  const body = new URLSearchParams(params)
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  }
  if (client.clientSecret && provider.clientAuth === 'basic')
    headers.authorization = `Basic ${Buffer.from(`${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`).toString('base64')}`
  else {
    body.set(provider.clientIdParam ?? 'client_id', client.clientId)
    if (client.clientSecret) body.set('client_secret', client.clientSecret)
  }
  const label = channelSpecs[channel].label
  let res: Response
  try {
    res =
      target?.method === 'GET'
        ? await deps.fetch(`${tokenUrl}?${body.toString()}`, {
            method: 'GET',
            headers: { accept: 'application/json' },
            signal: AbortSignal.timeout(30_000),
          })
        : await deps.fetch(tokenUrl, {
            method: 'POST',
            headers,
            body,
            signal: AbortSignal.timeout(30_000),
          })
  } catch (cause) {
    throw new ChannelError(channel, `${label} could not be reached`, { cause })
  }
  const data = (await res.json().catch(() => ({}))) as TokenResponse
  if (!res.ok || !data.access_token) {
    const why =
      data.error_description ??
      (typeof data.error === 'string' ? data.error : data.error?.message) ??
      `HTTP ${res.status}`
    throw new ChannelError(channel, `${label} refused the authorization (${why})`, {
      status: res.status,
      permanent: res.status < 500,
      reauthorise: res.status === 400 || res.status === 401,
    })
  }
  return {
    serviceUrl: new URL(tokenUrl).origin,
    accessToken: data.access_token,
    ...(data.refresh_token ? { refreshToken: data.refresh_token } : {}),
    expiresAt: data.expires_in
      ? new Date(deps.clock.now().getTime() + data.expires_in * 1000).toISOString()
      : null,
  }
}

/** Completes the authorization: checks the state, exchanges the code with the verifier, stores the tokens encrypted. */
export async function completeOAuth(
  deps: PublishingDeps,
  actor: Actor,
  slug: string,
  channel: ChannelId,
  input: { state: string; code: string },
): Promise<ChannelAccount> {
  const { org, userId } = await channelManager(deps, actor, slug)
  const { r } = oauthFor(deps, channel)
  const stored = await takeOAuthState(deps.db, sha256(input.state))
  const invalid = new AppError('OAUTH_STATE_INVALID', {
    message:
      'This sign-in link is not valid any more (used, expired or started by someone else). Start connecting again.',
  })
  if (
    !stored ||
    stored.organisationId !== org.id ||
    stored.channel !== channel ||
    stored.createdBy !== userId
  )
    throw invalid
  if (stored.expiresAt < deps.clock.now().toISOString()) throw invalid
  const verifier = decryptJson<string>(deps.keyring, stored.codeVerifier, stateContext(stored.stateHash))
  let verified: { name: string; accountId: string | null; credentials: ChannelCredentials }
  try {
    let credentials = await tokenRequest(deps, channel, {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: stored.redirectUri,
      code_verifier: verifier,
    })
    // Meta: the code gives a token for an hour or two; exchange it for the long-lived one.
    const exchange = r.oauth?.exchangeGrant
    const how = r.oauth?.exchange
    if (exchange && credentials.accessToken)
      credentials = await tokenRequest(
        deps,
        channel,
        { grant_type: exchange, [how?.tokenParam ?? exchange]: credentials.accessToken },
        how,
      )
    const withBase = { ...credentials, serviceUrl: r.baseUrl || credentials.serviceUrl }
    const v = r.connector.verify ? await r.connector.verify(withBase) : null
    verified = v
      ? {
          name: v.name,
          accountId: v.accountId,
          credentials: { ...(v.credentials ?? withBase), accountId: v.accountId },
        }
      : { name: channelSpecs[channel].label, accountId: null, credentials: withBase }
  } catch (error) {
    throw refused(channel, error)
  }
  return saveConnection(deps, org, userId, channel, verified)
}

// ── credentials for delivery, and refreshing them ────────────────────────────────────────

/**
 * Refreshes an account's tokens (its connector's own refresh, or the OAuth refresh grant).
 * Returns the credentials now stored. A refusal marks the account needs_reauth.
 */
export async function refreshAccount(
  deps: PublishingDeps,
  accountId: string,
): Promise<ChannelCredentials | null> {
  const account = await findAccount(deps.db, accountId)
  if (!account || account.status === 'disconnected' || !account.credentials) return null
  const r = deps.connectors.get(account.channel)
  if (!r) return null
  const current = decryptJson<ChannelCredentials>(
    deps.keyring,
    account.credentials,
    accountContext(account.id),
  )
  const at = deps.clock.now().toISOString()
  let next: ChannelCredentials | null
  try {
    if (r.connector.refresh) next = await r.connector.refresh(current)
    else if (r.connection === 'oauth2' && current.refreshToken) {
      const fresh = await tokenRequest(deps, account.channel, {
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      })
      next = {
        ...current,
        ...fresh,
        serviceUrl: current.serviceUrl,
        refreshToken: fresh.refreshToken ?? current.refreshToken,
      }
    } else next = null
  } catch (error) {
    if (error instanceof ChannelError && (error.reauthorise || error.permanent)) {
      await setAccountStatus(
        deps.db,
        account.id,
        'needs_reauth',
        `${error.message}. Connect the account again.`,
        at,
      )
      return null
    }
    throw error
  }
  if (!next) return current
  const ciphertext = encryptJson(deps.keyring, next, accountContext(account.id))
  const stored = await deps.db.transaction().execute(async (tx) => {
    const ok = await storeRefreshedCredentials(tx, account.id, account.credentials as string, {
      credentials: ciphertext,
      expiresAt: next.expiresAt ?? null,
      at,
    })
    if (ok) await scheduleRefresh(tx, deps, account.id, next.expiresAt ?? null)
    return ok
  })
  if (stored) return next
  // Someone else refreshed first: use theirs.
  const again = await findAccount(deps.db, account.id)
  return again?.credentials
    ? decryptJson<ChannelCredentials>(deps.keyring, again.credentials, accountContext(again.id))
    : null
}

/** Whether a stored expiry is near enough to refresh now. */
export function refreshDue(expiresAt: string | null | undefined, now: Date): boolean {
  return !!expiresAt && Date.parse(expiresAt) - now.getTime() <= REFRESH_AHEAD_MS
}

/** Decrypted credentials for one delivery call, refreshed first when they are about to expire. */
export async function credentialsFor(
  deps: PublishingDeps,
  account: ChannelAccountRow,
): Promise<ChannelCredentials | null> {
  if (account.status !== 'connected' || !account.credentials) return null
  const current = decryptJson<ChannelCredentials>(
    deps.keyring,
    account.credentials,
    accountContext(account.id),
  )
  if (!refreshDue(current.expiresAt, deps.clock.now())) return current
  return refreshAccount(deps, account.id)
}

/** Marks the account as needing a new connection (the platform rejected its token). */
export async function markNeedsReauth(
  deps: PublishingDeps,
  accountId: string,
  message: string,
): Promise<void> {
  await setAccountStatus(deps.db, accountId, 'needs_reauth', message, deps.clock.now().toISOString())
}
