import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestDatabaseUrl, testDialects } from '#test/support/database.ts'
import { openDatabase } from './db/database.ts'
import { AppError } from './errors.ts'
import {
  createKeyring,
  decryptJson,
  decryptSecret,
  encryptJson,
  encryptSecret,
  formatKeyringText,
  parseKeyringText,
  rotateSecrets,
  secretKeyId,
} from './secrets.ts'

const oldKey = { id: 'old', key: randomBytes(32) }
const newKey = { id: 'new', key: randomBytes(32) }

function unreadable(fn: () => unknown): AppError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('SECRET_UNREADABLE')
    return error as AppError
  }
  throw new Error('expected SECRET_UNREADABLE')
}

describe('encryptSecret / decryptSecret', () => {
  const ring = createKeyring([oldKey])

  it('round-trips text, including non-ASCII and empty strings', () => {
    for (const plain of ['token-abc.123', 'pässwörd 🔐', '']) {
      const stored = encryptSecret(ring, plain)
      expect(stored).not.toContain(plain || '\u0000')
      expect(decryptSecret(ring, stored)).toBe(plain)
    }
    expect(decryptJson(ring, encryptJson(ring, { accessToken: 't', n: 1 }))).toEqual({
      accessToken: 't',
      n: 1,
    })
  })

  it('names the key it was encrypted under, and uses a fresh IV each time', () => {
    const a = encryptSecret(ring, 'same')
    const b = encryptSecret(ring, 'same')
    expect(secretKeyId(a)).toBe('old')
    expect(a).not.toBe(b)
  })

  it('detects tampering with any part', () => {
    const stored = encryptSecret(ring, 'a platform token')
    const parts = stored.split('.')
    for (const i of [2, 3, 4]) {
      const copy = [...parts]
      const bytes = Buffer.from(copy[i] as string, 'base64url')
      bytes[0] = (bytes[0] as number) ^ 1
      copy[i] = bytes.toString('base64url')
      unreadable(() => decryptSecret(ring, copy.join('.')))
    }
    unreadable(() => decryptSecret(ring, 'not a secret'))
    unreadable(() => decryptSecret(ring, stored.slice(0, -4)))
  })

  it('binds the context: a value copied into another row does not decrypt', () => {
    const stored = encryptSecret(ring, 'tok', 'channel_account:1')
    expect(decryptSecret(ring, stored, 'channel_account:1')).toBe('tok')
    unreadable(() => decryptSecret(ring, stored, 'channel_account:2'))
  })

  it('refuses a wrong key and a key missing from the ring, without echoing secrets', () => {
    const stored = encryptSecret(ring, 'tok')
    const impostor = createKeyring([{ id: 'old', key: randomBytes(32) }])
    const wrong = unreadable(() => decryptSecret(impostor, stored))
    expect(wrong.message).toMatch(/integrity/)
    const missing = unreadable(() => decryptSecret(createKeyring([newKey]), stored))
    expect(missing.message).toMatch(/key "old"/)
    expect(missing.message).not.toContain('tok')
  })

  it('decrypts under any key in the ring and encrypts under the first', () => {
    const storedOld = encryptSecret(createKeyring([oldKey]), 'tok')
    const rotated = createKeyring([newKey, oldKey])
    expect(decryptSecret(rotated, storedOld)).toBe('tok')
    expect(secretKeyId(encryptSecret(rotated, 'tok'))).toBe('new')
  })

  it('parses and formats the ROUNDS_ENCRYPTION_KEYS text', () => {
    const text = formatKeyringText([newKey, oldKey])
    const parsed = parseKeyringText(text)
    expect(parsed).toEqual({ ok: true, keys: [newKey, oldKey] })
    expect(parseKeyringText('')).toMatchObject({ ok: false })
    expect(() => createKeyring([oldKey, { id: 'old', key: randomBytes(32) }])).toThrow(/twice/)
  })
})

describe.each(testDialects)('rotateSecrets on %s', (dialect) => {
  const cleanups: (() => Promise<void>)[] = []
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c()
  })

  // biome-ignore lint/suspicious/noExplicitAny: a probe table outside the app schema
  async function withTable(): Promise<Kysely<any>> {
    const t = await createTestDatabaseUrl(dialect)
    const database = openDatabase(t.url)
    cleanups.push(async () => {
      await database.destroy()
      await t.drop()
    })
    // biome-ignore lint/suspicious/noExplicitAny: a probe table outside the app schema
    const db = database.db as unknown as Kysely<any>
    await db.schema
      .createTable('secret_rotation_probe')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('secret', 'text')
      .execute()
    return db
  }
  const column = {
    table: 'secret_rotation_probe',
    idColumn: 'id',
    column: 'secret',
    context: (id: string) => `probe:${id}`,
  }

  it('re-encrypts every stored secret under the newest key, and old keys can then be dropped', async () => {
    const db = await withTable()
    const before = createKeyring([oldKey])
    await db
      .insertInto('secret_rotation_probe' as never)
      .values([
        { id: 'a', secret: encryptSecret(before, 'alpha', 'probe:a') },
        { id: 'b', secret: encryptSecret(before, 'beta', 'probe:b') },
        { id: 'c', secret: null },
      ] as never)
      .execute()
    const ring = createKeyring([newKey, oldKey])
    const report = await rotateSecrets(db, ring, [column])
    expect(report).toMatchObject({ keyId: 'new', rotated: 2, alreadyCurrent: 0 })

    const rows = (await db
      .selectFrom('secret_rotation_probe' as never)
      .selectAll()
      .orderBy('id' as never)
      .execute()) as {
      id: string
      secret: string | null
    }[]
    const onlyNew = createKeyring([newKey])
    expect(rows.map((r) => (r.secret ? decryptSecret(onlyNew, r.secret, `probe:${r.id}`) : null))).toEqual([
      'alpha',
      'beta',
      null,
    ])
    // A second run has nothing to do.
    expect(await rotateSecrets(db, ring, [column])).toMatchObject({ rotated: 0, alreadyCurrent: 2 })
  })

  it('writes nothing when any secret cannot be read', async () => {
    const db = await withTable()
    const lost = createKeyring([{ id: 'lost', key: randomBytes(32) }])
    const before = createKeyring([oldKey])
    const good = encryptSecret(before, 'alpha', 'probe:a')
    await db
      .insertInto('secret_rotation_probe' as never)
      .values([
        { id: 'a', secret: good },
        { id: 'z', secret: encryptSecret(lost, 'zeta', 'probe:z') },
      ] as never)
      .execute()
    await expect(rotateSecrets(db, createKeyring([newKey, oldKey]), [column])).rejects.toMatchObject({
      code: 'SECRET_UNREADABLE',
      details: { table: 'secret_rotation_probe', id: 'z' },
    })
    const row = (await db
      .selectFrom('secret_rotation_probe' as never)
      .select('secret' as never)
      .where('id' as never, '=', 'a' as never)
      .executeTakeFirstOrThrow()) as { secret: string }
    expect(row.secret).toBe(good)
  })
})
