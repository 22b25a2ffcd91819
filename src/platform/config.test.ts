import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const SECRET = 'a-session-secret-of-at-least-32-chars'
const KEY_A = Buffer.alloc(32, 1).toString('base64')
const KEY_B = Buffer.alloc(32, 2).toString('base64')

/** Loads expecting a ConfigError, and returns its message. */
function configError(env: Record<string, string>): string {
  try {
    loadConfig(env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as ConfigError).message
  }
  throw new Error('loadConfig accepted the environment')
}

describe('loadConfig', () => {
  const dirs: string[] = []
  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'rounds-config-'))
    dirs.push(dir)
    return dir
  }
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
  })

  it('works with nothing set but the secrets', () => {
    const config = loadConfig({ SESSION_SECRET: SECRET, ROUNDS_ENCRYPTION_KEYS: `a:${KEY_A}` })
    expect(config).toEqual({
      env: 'development',
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:./data/rounds.db',
      dataDir: resolve('./data'),
      sessionSecret: SECRET,
      logLevel: 'info',
      publicBaseUrl: 'http://localhost:3000',
      trustedOrigins: ['http://localhost:3000', 'http://127.0.0.1:3000', 'http://[::1]:3000'],
      workerMode: 'in-process',
      bodyLimitBytes: 1_000_000,
      trustProxy: false,
      signInRateLimit: { max: 5, windowSeconds: 60 },
      smtpUrl: undefined,
      mailFrom: 'Rounds <no-reply@rounds.localhost>',
      demoSeed: 'auto',
      demoPassword: 'rounds-demo-password',
      encryptionKeys: { keys: [{ id: 'a', key: Buffer.alloc(32, 1) }] },
      channelBaseUrls: {},
      oauthClients: {},
      media: {
        storage: { kind: 'local', dir: resolve('./data/media') },
        maxBytes: {
          image: 50 * 1024 * 1024,
          video: 2 * 1024 ** 3,
          dicom: 500 * 1024 * 1024,
          captions: 2 * 1024 * 1024,
        },
        maxPixels: 100_000_000,
        chunkBytes: 8 * 1024 * 1024,
      },
    })
  })

  it('configures S3-compatible media storage, and names what is missing', () => {
    const base = { SESSION_SECRET: SECRET, ROUNDS_ENCRYPTION_KEYS: `a:${KEY_A}`, MEDIA_STORAGE: 's3' }
    const message = configError({ ...base, MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000' })
    expect(message).toMatch(/MEDIA_S3_BUCKET: required when MEDIA_STORAGE=s3/)
    expect(message).toMatch(/MEDIA_S3_SECRET_ACCESS_KEY/)
    const config = loadConfig({
      ...base,
      MEDIA_S3_ENDPOINT: 'http://127.0.0.1:9000/',
      MEDIA_S3_BUCKET: 'rounds-media',
      MEDIA_S3_ACCESS_KEY_ID: 'id',
      MEDIA_S3_SECRET_ACCESS_KEY: 'secret',
      MEDIA_MAX_IMAGE_BYTES: '1000',
    })
    expect(config.media.storage).toMatchObject({
      kind: 's3',
      endpoint: 'http://127.0.0.1:9000',
      bucket: 'rounds-media',
      quarantineBucket: 'rounds-media',
    })
    expect(config.media.maxBytes.image).toBe(1000)
  })

  it('reads channel base URLs and OAuth clients', () => {
    const config = loadConfig({
      SESSION_SECRET: SECRET,
      ROUNDS_ENCRYPTION_KEYS: `a:${KEY_A}`,
      ROUNDS_CHANNEL_BASE_URLS: 'x=http://127.0.0.1:4011/, mastodon=http://127.0.0.1:4010',
      ROUNDS_OAUTH_X_CLIENT_ID: 'client-x',
      ROUNDS_OAUTH_X_CLIENT_SECRET: 'shh',
      ROUNDS_OAUTH_LINKEDIN_CLIENT_ID: 'client-li',
    })
    expect(config.channelBaseUrls).toEqual({ x: 'http://127.0.0.1:4011', mastodon: 'http://127.0.0.1:4010' })
    expect(config.oauthClients).toEqual({
      x: { clientId: 'client-x', clientSecret: 'shh' },
      linkedin: { clientId: 'client-li', clientSecret: null },
    })
    expect(
      configError({
        SESSION_SECRET: SECRET,
        ROUNDS_ENCRYPTION_KEYS: `a:${KEY_A}`,
        ROUNDS_CHANNEL_BASE_URLS: 'x=ftp://a',
      }),
    ).toMatch(/ROUNDS_CHANNEL_BASE_URLS/)
  })

  it('reads the encryption key ring, active key first', () => {
    const config = loadConfig({
      SESSION_SECRET: SECRET,
      ROUNDS_ENCRYPTION_KEYS: `new:${KEY_B}, old:${KEY_A}`,
    })
    expect(config.encryptionKeys.keys.map((k) => k.id)).toEqual(['new', 'old'])
  })

  it.each([
    { value: 'nocolon', problem: /id:base64key/ },
    { value: `a:${Buffer.alloc(16).toString('base64')}`, problem: /exactly 32 bytes/ },
    { value: `a:${KEY_A},a:${KEY_B}`, problem: /appears twice/ },
    { value: `bad!:${KEY_A}`, problem: /letters, digits/ },
  ])('refuses ROUNDS_ENCRYPTION_KEYS=$value', ({ value, problem }) => {
    const message = configError({ SESSION_SECRET: SECRET, ROUNDS_ENCRYPTION_KEYS: value })
    expect(message).toMatch(/ROUNDS_ENCRYPTION_KEYS/)
    expect(message).toMatch(problem)
    // The key material never appears in the error.
    expect(message).not.toContain(KEY_B)
  })

  it('generates an encryption key beside the SQLite file once, and reuses it', () => {
    const dir = tempDir()
    const env = { DATABASE_URL: `sqlite:${join(dir, 'rounds.db')}`, SESSION_SECRET: SECRET }
    const first = loadConfig(env).encryptionKeys
    const file = join(dir, 'rounds.db.keys')
    expect(first.keys).toHaveLength(1)
    expect(first.keys[0]?.key.length).toBe(32)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadConfig(env).encryptionKeys).toEqual(first)
    expect(existsSync(join(dir, 'rounds.db.keys'))).toBe(true)
    // Set explicitly, no file is read or written.
    const other = tempDir()
    loadConfig({
      DATABASE_URL: `sqlite:${join(other, 'rounds.db')}`,
      SESSION_SECRET: SECRET,
      ROUNDS_ENCRYPTION_KEYS: `a:${KEY_A}`,
    })
    expect(existsSync(join(other, 'rounds.db.keys'))).toBe(false)
  })

  it('treats empty values as unset', () => {
    const config = loadConfig({ SESSION_SECRET: SECRET, PORT: '', LOG_LEVEL: '', DATABASE_URL: '' })
    expect(config).toMatchObject({ port: 3000, logLevel: 'info', databaseUrl: 'sqlite:./data/rounds.db' })
  })

  it.each([
    { key: 'PORT', value: '8080', field: 'port', expected: 8080 },
    {
      key: 'DATABASE_URL',
      value: 'postgres://rounds:pw@db:5432/rounds',
      field: 'databaseUrl',
      expected: 'postgres://rounds:pw@db:5432/rounds',
    },
    {
      key: 'DATABASE_URL',
      value: 'postgresql://db/rounds',
      field: 'databaseUrl',
      expected: 'postgresql://db/rounds',
    },
    {
      key: 'DATABASE_URL',
      value: 'sqlite:/var/lib/rounds/r.db',
      field: 'databaseUrl',
      expected: 'sqlite:/var/lib/rounds/r.db',
    },
    {
      key: 'PUBLIC_BASE_URL',
      value: 'https://rounds.example.org/',
      field: 'publicBaseUrl',
      expected: 'https://rounds.example.org',
    },
    { key: 'TRUST_PROXY', value: 'true', field: 'trustProxy', expected: true },
    { key: 'LOG_LEVEL', value: 'debug', field: 'logLevel', expected: 'debug' },
    { key: 'WORKER_MODE', value: 'separate', field: 'workerMode', expected: 'separate' },
  ] as const)('reads $key=$value', ({ key, value, field, expected }) => {
    const config = loadConfig({ SESSION_SECRET: SECRET, DATA_DIR: tempDir(), [key]: value })
    expect(config[field]).toEqual(expected)
  })

  it('derives the public URL and loopback origins from PORT when PUBLIC_BASE_URL is not set', () => {
    expect(loadConfig({ SESSION_SECRET: SECRET, PORT: '4000' })).toMatchObject({
      publicBaseUrl: 'http://localhost:4000',
      trustedOrigins: ['http://localhost:4000', 'http://127.0.0.1:4000', 'http://[::1]:4000'],
    })
  })

  it('trusts only the origin of PUBLIC_BASE_URL when it is set', () => {
    expect(
      loadConfig({ SESSION_SECRET: SECRET, PUBLIC_BASE_URL: 'https://example.org/rounds/' }),
    ).toMatchObject({
      publicBaseUrl: 'https://example.org/rounds',
      trustedOrigins: ['https://example.org'],
    })
  })

  it.each([
    { key: 'PORT', value: 'abc', reason: 'expected number' },
    { key: 'PORT', value: '70000', reason: 'expected number to be <=65535' },
    { key: 'DATABASE_URL', value: 'mysql://x', reason: 'must be sqlite:PATH' },
    { key: 'DATABASE_URL', value: 'sqlite:', reason: 'must be sqlite:PATH' },
    { key: 'LOG_LEVEL', value: 'loud', reason: 'expected one of' },
    { key: 'SESSION_SECRET', value: 'too-short', reason: 'must be at least 32 characters' },
    { key: 'PUBLIC_BASE_URL', value: 'rounds.example.org', reason: 'must be an absolute http(s) URL' },
    { key: 'PUBLIC_BASE_URL', value: 'javascript:alert(1)', reason: 'must be an absolute http(s) URL' },
    { key: 'PUBLIC_BASE_URL', value: 'ftp://rounds.example.org', reason: 'must be an absolute http(s) URL' },
    { key: 'TRUST_PROXY', value: 'yes', reason: 'expected one of' },
    { key: 'NODE_ENV', value: 'staging', reason: 'expected one of' },
  ])('rejects $key=$value', ({ key, value, reason }) => {
    const message = configError({ SESSION_SECRET: SECRET, [key]: value })
    expect(message).toContain(`  - ${key}: `)
    expect(message).toContain(reason)
  })

  it('names every bad value at once, one a line', () => {
    const message = configError({
      PORT: 'abc',
      DATABASE_URL: 'mysql://x',
      LOG_LEVEL: 'loud',
      SESSION_SECRET: 'short',
    })
    const lines = message.split('\n')
    expect(lines[0]).toBe('Invalid configuration:')
    expect(
      lines
        .slice(1)
        .map((l) => /^ {2}- (\w+): /.exec(l)?.[1])
        .sort(),
    ).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT', 'SESSION_SECRET'])
  })

  it('generates a session secret beside the SQLite file once, and reuses it', () => {
    const dir = tempDir()
    const env = { DATABASE_URL: `sqlite:${join(dir, 'rounds.db')}`, DATA_DIR: join(dir, 'elsewhere') }
    const first = loadConfig(env).sessionSecret
    const file = join(dir, 'rounds.db.secret')

    expect(first.length).toBeGreaterThanOrEqual(32)
    expect(readFileSync(file, 'utf8').trim()).toBe(first)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(loadConfig(env).sessionSecret).toBe(first)
    // Another database has a secret of its own.
    expect(loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'other.db')}` }).sessionSecret).not.toBe(first)
  })

  it('keeps the secret for PostgreSQL in DATA_DIR', () => {
    const dir = tempDir()
    const env = { DATABASE_URL: 'postgres://db/rounds', DATA_DIR: join(dir, 'data') }
    const first = loadConfig(env).sessionSecret
    expect(readFileSync(join(dir, 'data', 'session.secret'), 'utf8').trim()).toBe(first)
    expect(loadConfig(env).sessionSecret).toBe(first)
  })

  it('writes no secret file when SESSION_SECRET is set', () => {
    const dir = tempDir()
    loadConfig({ DATABASE_URL: `sqlite:${join(dir, 'rounds.db')}`, SESSION_SECRET: SECRET })
    expect(existsSync(join(dir, 'rounds.db.secret'))).toBe(false)
  })

  it('refuses a secret file too short to trust rather than replacing it', () => {
    const dir = tempDir()
    const file = join(dir, 'rounds.db.secret')
    writeFileSync(file, 'short\n')
    const message = configError({ DATABASE_URL: `sqlite:${join(dir, 'rounds.db')}` })
    expect(message).toContain(`SESSION_SECRET: the secret in ${file} is shorter than 32 characters`)
    expect(readFileSync(file, 'utf8')).toBe('short\n')
  })
})
