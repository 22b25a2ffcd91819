import { betterAuth } from 'better-auth'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Config } from '#src/platform/config.ts'
import type { Database } from '#src/platform/db/database.ts'
import type { Queue } from '#src/platform/jobs/queue.ts'
import type { Logger } from '#src/platform/logger.ts'
import { queueMail } from '#src/platform/mail/mail.ts'

/** The header the HTTP edge sets to the client's address (never taken from the client). */
export const CLIENT_IP_HEADER = 'x-rounds-client-ip'

export type AuthDeps = {
  database: Database
  config: Pick<Config, 'publicBaseUrl' | 'trustedOrigins' | 'sessionSecret' | 'signInRateLimit' | 'env'>
  clock: Clock
  ids: Ids
  queue: Queue
  log: Logger
}

/**
 * better-auth handles passwords, sessions and resets; Rounds keeps organisations, roles and
 * identity itself (docs/decisions/002-accounts-with-better-auth.md). Its tables are ours,
 * created by our migrations, with snake_case names mapped here.
 */
export function createAuth(deps: AuthDeps) {
  const { database, config } = deps
  const ts = { createdAt: 'created_at', updatedAt: 'updated_at' }
  return betterAuth({
    appName: 'Rounds',
    baseURL: config.publicBaseUrl,
    basePath: '/api/auth',
    secret: config.sessionSecret,
    trustedOrigins: config.trustedOrigins,
    database: { db: database.db as never, type: database.dialect === 'sqlite' ? 'sqlite' : 'postgres' },
    user: { modelName: 'auth_user', fields: { emailVerified: 'email_verified', ...ts } },
    session: {
      modelName: 'auth_session',
      fields: {
        expiresAt: 'expires_at',
        ipAddress: 'ip_address',
        userAgent: 'user_agent',
        userId: 'user_id',
        ...ts,
      },
      expiresIn: 60 * 60 * 24 * 7,
      updateAge: 60 * 60 * 24,
    },
    account: {
      modelName: 'auth_account',
      fields: {
        accountId: 'account_id',
        providerId: 'provider_id',
        userId: 'user_id',
        accessToken: 'access_token',
        refreshToken: 'refresh_token',
        idToken: 'id_token',
        accessTokenExpiresAt: 'access_token_expires_at',
        refreshTokenExpiresAt: 'refresh_token_expires_at',
        ...ts,
      },
    },
    verification: { modelName: 'auth_verification', fields: { expiresAt: 'expires_at', ...ts } },
    emailAndPassword: {
      enabled: true,
      minPasswordLength: 12,
      maxPasswordLength: 128,
      revokeSessionsOnPasswordReset: true,
      resetPasswordTokenExpiresIn: 60 * 60,
      async sendResetPassword({ user, url }) {
        await database.db.transaction().execute(async (tx) => {
          await queueMail(tx, deps, {
            to: user.email,
            subject: 'Reset your Rounds password',
            text: `Someone asked to reset the password for ${user.email} on Rounds.\n\nTo choose a new password, open this link within an hour:\n${url}\n\nIf it was not you, ignore this message; your password has not changed.`,
          })
          await recordAudit(tx, deps, {
            actorId: user.id,
            action: 'user.password_reset_requested',
            resourceType: 'user',
            resourceId: user.id,
            organisationId: null,
            summary: {},
          })
        })
      },
    },
    databaseHooks: {
      user: {
        create: {
          async after(user) {
            await database.db.transaction().execute((tx) =>
              recordAudit(tx, deps, {
                actorId: user.id,
                action: 'user.created',
                resourceType: 'user',
                resourceId: user.id,
                organisationId: null,
                summary: {},
              }),
            )
          },
        },
      },
    },
    rateLimit: {
      enabled: true,
      storage: 'memory',
      window: 60,
      max: 300,
      customRules: {
        '/sign-in/email': { window: config.signInRateLimit.windowSeconds, max: config.signInRateLimit.max },
        '/sign-up/email': { window: 60, max: 10 },
        '/request-password-reset': { window: 300, max: 5 },
      },
    },
    advanced: {
      ipAddress: { ipAddressHeaders: [CLIENT_IP_HEADER] },
      database: { generateId: () => deps.ids.next() },
      useSecureCookies: config.publicBaseUrl.startsWith('https://'),
    },
    // Unexpected failures leave the handler as exceptions, so the HTTP edge logs them with
    // the request id and answers its plain 500 (instead of better-call printing the stack).
    onAPIError: { throw: true },
    logger: {
      level: 'error',
      log: (level, message) => {
        // better-auth's own messages carry no credentials; keep them at debug unless errors.
        if (level === 'error') deps.log.error({ source: 'better-auth' }, message)
        else deps.log.debug({ source: 'better-auth' }, message)
      },
    },
  })
}

export type Auth = ReturnType<typeof createAuth>
