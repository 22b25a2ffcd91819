import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { AppError } from './errors.ts'

/**
 * Secrets at rest (platform tokens, app passwords, private keys): AES-256-GCM under a key
 * ring. The first key in the ring is the active one and encrypts; every key decrypts. The
 * stored text names its key, so adding a new key in front and running `rounds secrets rotate`
 * moves every stored secret to it, after which the old key can be dropped.
 *
 * Stored form: `v1.<keyId>.<iv>.<ciphertext>.<tag>` (base64url parts). An optional
 * `context` (e.g. "channel_account:<id>") is bound as additional authenticated data, so a
 * ciphertext copied into another row fails to decrypt instead of leaking there.
 */
export type EncryptionKey = { id: string; key: Buffer }

export type Keyring = {
  /** The active key first, older keys after it (decrypt only). */
  readonly keys: readonly EncryptionKey[]
}

const VERSION = 'v1'
const IV_BYTES = 12
const TAG_BYTES = 16
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/

/** Builds a key ring, checking ids are well formed and unique and keys are 32 bytes. */
export function createKeyring(keys: readonly EncryptionKey[]): Keyring {
  if (keys.length === 0) throw new Error('a key ring needs at least one key')
  const seen = new Set<string>()
  for (const { id, key } of keys) {
    if (!KEY_ID_PATTERN.test(id)) throw new Error(`key id "${id}" must be 1-32 letters, digits, _ or -`)
    if (seen.has(id)) throw new Error(`key id "${id}" appears twice`)
    if (key.length !== 32) throw new Error(`key "${id}" must be 32 bytes (base64 of 32 random bytes)`)
    seen.add(id)
  }
  return { keys: [...keys] }
}

/**
 * Parses `id:base64key[,id:base64key...]` (ROUNDS_ENCRYPTION_KEYS). Returns the problem in
 * words instead of throwing, for the config loader's list of bad values.
 */
export function parseKeyringText(
  text: string,
): { ok: true; keys: EncryptionKey[] } | { ok: false; error: string } {
  const entries = text
    .split(/[,\s]+/)
    .map((s) => s.trim())
    .filter(Boolean)
  if (entries.length === 0) return { ok: false, error: 'must list at least one id:base64key' }
  const keys: EncryptionKey[] = []
  for (const entry of entries) {
    const colon = entry.indexOf(':')
    if (colon < 1) return { ok: false, error: 'each entry must be id:base64key' }
    const id = entry.slice(0, colon)
    const key = Buffer.from(entry.slice(colon + 1), 'base64')
    if (!KEY_ID_PATTERN.test(id))
      return { ok: false, error: `key id "${id}" must be 1-32 letters, digits, _ or -` }
    if (key.length !== 32) return { ok: false, error: `key "${id}" must be the base64 of exactly 32 bytes` }
    if (keys.some((k) => k.id === id)) return { ok: false, error: `key id "${id}" appears twice` }
    keys.push({ id, key })
  }
  return { ok: true, keys }
}

/** Formats keys for ROUNDS_ENCRYPTION_KEYS or the generated key file. */
export function formatKeyringText(keys: readonly EncryptionKey[]): string {
  return keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(',')
}

/** A fresh random key with a date-based id, e.g. `k20261126a1b2`. */
export function generateKey(now: Date = new Date()): EncryptionKey {
  const stamp = now.toISOString().slice(0, 10).replaceAll('-', '')
  return { id: `k${stamp}${randomBytes(2).toString('hex')}`, key: randomBytes(32) }
}

export function activeKey(keyring: Keyring): EncryptionKey {
  // createKeyring guarantees at least one key.
  return keyring.keys[0] as EncryptionKey
}

/** Encrypts a secret under the active key. */
export function encryptSecret(keyring: Keyring, plaintext: string, context = ''): string {
  const { id, key } = activeKey(keyring)
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(context, 'utf8'))
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()])
  const tag = cipher.getAuthTag()
  return [VERSION, id, iv.toString('base64url'), body.toString('base64url'), tag.toString('base64url')].join(
    '.',
  )
}

/** The key id a stored secret was encrypted under, or null when the text is not one. */
export function secretKeyId(stored: string): string | null {
  const parts = stored.split('.')
  return parts.length === 5 && parts[0] === VERSION && KEY_ID_PATTERN.test(parts[1] ?? '')
    ? (parts[1] as string)
    : null
}

/**
 * Decrypts a stored secret. Throws AppError SECRET_UNREADABLE when the text is malformed,
 * names a key not in the ring, or fails authentication (tampered, wrong key or context).
 * The message never contains the secret or the key.
 */
export function decryptSecret(keyring: Keyring, stored: string, context = ''): string {
  const parts = stored.split('.')
  const [version, id, ivText, bodyText, tagText] = parts
  if (
    parts.length !== 5 ||
    version !== VERSION ||
    !id ||
    ivText === undefined ||
    bodyText === undefined ||
    !tagText
  ) {
    throw unreadable('the stored secret is not in a format Rounds writes')
  }
  const entry = keyring.keys.find((k) => k.id === id)
  if (!entry) {
    throw unreadable(
      `the stored secret was encrypted under key "${id}", which is not in ROUNDS_ENCRYPTION_KEYS`,
      {
        keyId: id,
      },
    )
  }
  const iv = Buffer.from(ivText, 'base64url')
  const tag = Buffer.from(tagText, 'base64url')
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw unreadable('the stored secret is truncated')
  try {
    const decipher = createDecipheriv('aes-256-gcm', entry.key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(context, 'utf8'))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(Buffer.from(bodyText, 'base64url')), decipher.final()]).toString(
      'utf8',
    )
  } catch (cause) {
    throw unreadable(
      'the stored secret failed its integrity check (altered, or encrypted with another key)',
      {
        keyId: id,
        cause,
      },
    )
  }
}

function unreadable(message: string, extra: { keyId?: string; cause?: unknown } = {}) {
  return new AppError('SECRET_UNREADABLE', {
    message,
    cause: extra.cause,
    ...(extra.keyId ? { details: { keyId: extra.keyId } } : {}),
  })
}

/** Encrypts a JSON value (e.g. a set of credentials) as one secret. */
export function encryptJson(keyring: Keyring, value: unknown, context = ''): string {
  return encryptSecret(keyring, JSON.stringify(value), context)
}

export function decryptJson<T>(keyring: Keyring, stored: string, context = ''): T {
  return JSON.parse(decryptSecret(keyring, stored, context)) as T
}

/**
 * A column holding secrets, for rotation. `context` rebuilds the additional authenticated
 * data the writer used, from the row's id (it must match what the writer passed).
 */
export type SecretColumn = {
  table: string
  idColumn: string
  column: string
  context?: (id: string) => string
}

export type RotationReport = {
  /** The active key every secret is now under. */
  keyId: string
  rotated: number
  alreadyCurrent: number
  byColumn: { table: string; column: string; rotated: number; alreadyCurrent: number }[]
}

/**
 * Re-encrypts every stored secret in `columns` under the active key. All secrets are read
 * and decrypted first; if any cannot be (a key missing from the ring, a tampered value),
 * nothing is written and SECRET_UNREADABLE names the table and row. Otherwise every rewrite
 * happens in one transaction, each guarded by the old value so a concurrent writer wins.
 */
export async function rotateSecrets(
  // biome-ignore lint/suspicious/noExplicitAny: the tables are named at run time
  db: Kysely<any>,
  keyring: Keyring,
  columns: readonly SecretColumn[],
): Promise<RotationReport> {
  const active = activeKey(keyring)
  const report: RotationReport = { keyId: active.id, rotated: 0, alreadyCurrent: 0, byColumn: [] }
  await db.transaction().execute(async (trx) => {
    const plan: { col: SecretColumn; id: string; old: string; next: string }[] = []
    for (const col of columns) {
      const entry = { table: col.table, column: col.column, rotated: 0, alreadyCurrent: 0 }
      report.byColumn.push(entry)
      const rows = (await trx
        .selectFrom(col.table)
        .select([`${col.idColumn} as id`, `${col.column} as value`])
        .where(col.column, 'is not', null)
        .execute()) as { id: string | number; value: string }[]
      for (const row of rows) {
        const id = String(row.id)
        if (secretKeyId(row.value) === active.id) {
          entry.alreadyCurrent++
          continue
        }
        const context = col.context?.(id) ?? ''
        let plain: string
        try {
          plain = decryptSecret(keyring, row.value, context)
        } catch (error) {
          throw new AppError('SECRET_UNREADABLE', {
            message: `${col.table}.${col.column} row ${id}: ${(error as Error).message}; nothing was rotated`,
            details: { table: col.table, column: col.column, id },
            cause: error,
          })
        }
        plan.push({ col, id, old: row.value, next: encryptSecret(keyring, plain, context) })
        entry.rotated++
      }
      report.rotated += entry.rotated
      report.alreadyCurrent += entry.alreadyCurrent
    }
    for (const { col, id, old, next } of plan) {
      await trx
        .updateTable(col.table)
        .set({ [col.column]: next })
        .where(col.idColumn, '=', id)
        .where(col.column, '=', old)
        .execute()
    }
  })
  return report
}
