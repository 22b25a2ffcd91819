import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { createKeyring, formatKeyringText, generateKey, type Keyring, parseKeyringText } from './secrets.ts'

/**
 * The one place that reads the environment. Parsed once at start-up; every other module
 * receives the typed `Config`. Defaults make a first run work with no settings at all.
 */
const databaseUrlSchema = z
  .string()
  .trim()
  .refine((v) => /^sqlite:.+/.test(v) || /^postgres(ql)?:\/\/.+/.test(v), {
    message: 'must be sqlite:PATH (e.g. sqlite:./data/rounds.db) or a postgres:// URL',
  })

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: databaseUrlSchema.default('sqlite:./data/rounds.db'),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  WORKER_MODE: z
    .enum(['in-process', 'separate'])
    .default('in-process')
    .describe('in-process: the server runs jobs; separate: run `rounds worker`'),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_000_000),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  SIGN_IN_RATE_LIMIT: z.coerce.number().int().positive().default(5),
  SIGN_IN_RATE_WINDOW_SECONDS: z.coerce.number().int().positive().default(60),
  SMTP_URL: z.string().url().optional(),
  MAIL_FROM: z.string().min(3).default('Rounds <no-reply@rounds.localhost>'),
  DEMO_SEED: z.enum(['auto', 'off']).default('auto'),
  DEMO_PASSWORD: z.string().min(12).default('rounds-demo-password'),
  ROUNDS_CHANNEL_BASE_URLS: z
    .string()
    .regex(/^\s*([a-z]+=https?:\/\/[^\s,]+\s*(,\s*|$))*$/, 'must be channel=URL[,channel=URL...]')
    .optional()
    .describe('API base URL overrides per channel (self-hosted or test servers)'),
  ROUNDS_ENCRYPTION_KEYS: z
    .string()
    .optional()
    .superRefine((v, ctx) => {
      if (v === undefined) return
      const parsed = parseKeyringText(v)
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error })
    })
    .describe('id:base64key[,id:base64key...]: the first key encrypts stored secrets, all of them decrypt'),
  MEDIA_STORAGE: z.enum(['local', 's3']).default('local'),
  MEDIA_DIR: z.string().min(1).optional(),
  MEDIA_S3_ENDPOINT: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' }).optional(),
  MEDIA_S3_REGION: z.string().min(1).default('us-east-1'),
  MEDIA_S3_BUCKET: z.string().min(3).optional(),
  MEDIA_S3_QUARANTINE_BUCKET: z.string().min(3).optional(),
  MEDIA_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  MEDIA_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  MEDIA_MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(50 * 1024 * 1024),
  MEDIA_MAX_VIDEO_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024 * 1024),
  MEDIA_MAX_DICOM_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(500 * 1024 * 1024),
  MEDIA_MAX_CAPTIONS_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(2 * 1024 * 1024),
  MEDIA_MAX_PIXELS: z.coerce.number().int().positive().default(100_000_000),
  MEDIA_CHUNK_BYTES: z.coerce
    .number()
    .int()
    .min(65_536)
    .default(8 * 1024 * 1024),
})

export type Config = {
  env: 'development' | 'test' | 'production'
  port: number
  host: string
  databaseUrl: string
  dataDir: string
  sessionSecret: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  publicBaseUrl: string
  /** Origins allowed to send credentialed requests: the public URL, plus loopback aliases when it was defaulted. */
  trustedOrigins: string[]
  workerMode: 'in-process' | 'separate'
  bodyLimitBytes: number
  trustProxy: boolean
  signInRateLimit: { max: number; windowSeconds: number }
  smtpUrl: string | undefined
  mailFrom: string
  demoSeed: 'auto' | 'off'
  demoPassword: string
  /** Encrypts platform tokens and other secrets at rest (secrets.ts); the first key is active. */
  encryptionKeys: Keyring
  /** Per-channel API base URL overrides (ROUNDS_CHANNEL_BASE_URLS). */
  channelBaseUrls: Record<string, string>
  /** OAuth 2.0 clients per channel, from ROUNDS_OAUTH_<CHANNEL>_CLIENT_ID / _CLIENT_SECRET. */
  oauthClients: Record<string, { clientId: string; clientSecret: string | null }>
  /** Uploaded media: where it is kept and what is accepted (src/capabilities/media). */
  media: MediaConfig
}

export type MediaConfig = {
  storage:
    | { kind: 'local'; dir: string }
    | {
        kind: 's3'
        endpoint: string
        region: string
        bucket: string
        /** Originals awaiting screening; never served. Defaults to `bucket` (under quarantine/). */
        quarantineBucket: string
        accessKeyId: string
        secretAccessKey: string
      }
  /** Largest upload per kind, in bytes. */
  maxBytes: { image: number; video: number; dicom: number; captions: number }
  /** Largest decoded image (width × height), against decompression bombs. */
  maxPixels: number
  /** Largest chunk one upload request may carry. */
  chunkBytes: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** Parses the environment into a Config, or throws ConfigError listing every bad value. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = envSchema.safeParse(cleaned)
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.') || '(env)'}: ${i.message}`)
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`)
  }
  const e = parsed.data
  const dataDir = resolve(e.DATA_DIR)
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    sessionSecret: e.SESSION_SECRET ?? readOrCreateSecret(secretPathFor(e.DATABASE_URL, dataDir)),
    logLevel: e.LOG_LEVEL,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    trustedOrigins: e.PUBLIC_BASE_URL
      ? [new URL(e.PUBLIC_BASE_URL).origin]
      : [`http://localhost:${e.PORT}`, `http://127.0.0.1:${e.PORT}`, `http://[::1]:${e.PORT}`],
    workerMode: e.WORKER_MODE,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    trustProxy: e.TRUST_PROXY,
    signInRateLimit: { max: e.SIGN_IN_RATE_LIMIT, windowSeconds: e.SIGN_IN_RATE_WINDOW_SECONDS },
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    demoSeed: e.DEMO_SEED,
    demoPassword: e.DEMO_PASSWORD,
    encryptionKeys: e.ROUNDS_ENCRYPTION_KEYS
      ? keyringFrom(e.ROUNDS_ENCRYPTION_KEYS)
      : readOrCreateKeyring(keysPathFor(e.DATABASE_URL, dataDir)),
    channelBaseUrls: Object.fromEntries(
      (e.ROUNDS_CHANNEL_BASE_URLS ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((s) => [s.slice(0, s.indexOf('=')), s.slice(s.indexOf('=') + 1).replace(/\/$/, '')]),
    ),
    oauthClients: oauthClientsFrom(cleaned),
    media: mediaConfig(e, dataDir),
  }
}

function mediaConfig(e: z.output<typeof envSchema>, dataDir: string): MediaConfig {
  const limits = {
    maxBytes: {
      image: e.MEDIA_MAX_IMAGE_BYTES,
      video: e.MEDIA_MAX_VIDEO_BYTES,
      dicom: e.MEDIA_MAX_DICOM_BYTES,
      captions: e.MEDIA_MAX_CAPTIONS_BYTES,
    },
    maxPixels: e.MEDIA_MAX_PIXELS,
    chunkBytes: e.MEDIA_CHUNK_BYTES,
  }
  if (e.MEDIA_STORAGE === 'local')
    return { storage: { kind: 'local', dir: resolve(e.MEDIA_DIR ?? `${dataDir}/media`) }, ...limits }
  const missing = (
    ['MEDIA_S3_ENDPOINT', 'MEDIA_S3_BUCKET', 'MEDIA_S3_ACCESS_KEY_ID', 'MEDIA_S3_SECRET_ACCESS_KEY'] as const
  ).filter((k) => e[k] === undefined)
  if (missing.length > 0)
    throw new ConfigError(
      `Invalid configuration:\n${missing.map((k) => `  - ${k}: required when MEDIA_STORAGE=s3`).join('\n')}`,
    )
  return {
    storage: {
      kind: 's3',
      endpoint: (e.MEDIA_S3_ENDPOINT as string).replace(/\/$/, ''),
      region: e.MEDIA_S3_REGION,
      bucket: e.MEDIA_S3_BUCKET as string,
      quarantineBucket: e.MEDIA_S3_QUARANTINE_BUCKET ?? (e.MEDIA_S3_BUCKET as string),
      accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID as string,
      secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY as string,
    },
    ...limits,
  }
}

/** ROUNDS_OAUTH_X_CLIENT_ID=… (and _CLIENT_SECRET for confidential clients) → { x: {…} }. */
function oauthClientsFrom(env: Record<string, string | undefined>): Config['oauthClients'] {
  const clients: Config['oauthClients'] = {}
  for (const [key, value] of Object.entries(env)) {
    const m = /^ROUNDS_OAUTH_([A-Z]+)_CLIENT_ID$/.exec(key)
    if (!m || !value) continue
    const name = (m[1] as string).toLowerCase()
    clients[name] = { clientId: value, clientSecret: env[`ROUNDS_OAUTH_${m[1]}_CLIENT_SECRET`] ?? null }
  }
  return clients
}

function keyringFrom(text: string): Keyring {
  const parsed = parseKeyringText(text)
  if (!parsed.ok) throw new ConfigError(`Invalid configuration:\n  - ROUNDS_ENCRYPTION_KEYS: ${parsed.error}`)
  return createKeyring(parsed.keys)
}

/**
 * Like the session secret, a generated key ring lives beside the SQLite file whose secrets
 * it protects (or in DATA_DIR for PostgreSQL), so server, worker and CLI agree on it. To
 * rotate, put a new key first in ROUNDS_ENCRYPTION_KEYS (or in this file) and run
 * `rounds secrets rotate`.
 */
function keysPathFor(databaseUrl: string, dataDir: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length)
    if (file !== ':memory:') return `${resolve(file)}.keys`
  }
  return resolve(dataDir, 'encryption.keys')
}

function readOrCreateKeyring(path: string): Keyring {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true })
    try {
      writeFileSync(path, `${formatKeyringText([generateKey()])}\n`, { mode: 0o600, flag: 'wx' })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    }
  }
  const parsed = parseKeyringText(readFileSync(path, 'utf8'))
  if (!parsed.ok)
    throw new ConfigError(
      `Invalid configuration:\n  - ROUNDS_ENCRYPTION_KEYS: the key file ${path} ${parsed.error}`,
    )
  return createKeyring(parsed.keys)
}

/**
 * The generated secret lives beside the SQLite file it protects, so every process
 * (server, worker, CLI) pointed at the same database agrees on it. For PostgreSQL it
 * lives in DATA_DIR; several nodes must then be given SESSION_SECRET explicitly.
 */
function secretPathFor(databaseUrl: string, dataDir: string): string {
  if (databaseUrl.startsWith('sqlite:')) {
    const file = databaseUrl.slice('sqlite:'.length)
    if (file !== ':memory:') return `${resolve(file)}.secret`
  }
  return resolve(dataDir, 'session.secret')
}

function readOrCreateSecret(path: string): string {
  if (existsSync(path)) return readSecret(path)
  const value = randomBytes(32).toString('base64url')
  mkdirSync(dirname(path), { recursive: true })
  // Created exclusively: if another process (a server and a worker started together) got
  // there first, use its secret, so the two never end up holding different ones.
  try {
    writeFileSync(path, `${value}\n`, { mode: 0o600, flag: 'wx' })
    return value
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return readSecret(path)
  }
}

function readSecret(path: string): string {
  const value = readFileSync(path, 'utf8').trim()
  if (value.length < 32) {
    throw new ConfigError(
      `Invalid configuration:\n  - SESSION_SECRET: the secret in ${path} is shorter than 32 characters; delete the file to generate a new one`,
    )
  }
  return value
}
