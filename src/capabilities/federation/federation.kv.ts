import type { KvKey, KvStore, KvStoreListEntry, KvStoreSetOptions } from '@fedify/fedify'
import { sql } from 'kysely'
import type { Clock } from '#src/platform/clock.ts'
import type { Db, Executor } from '#src/platform/db/database.ts'
import { toIso } from '#src/platform/db/database.ts'

/**
 * Fedify's key-value store over Rounds' own database (SQLite or PostgreSQL): its document
 * cache, public-key cache and inbox idempotence records. A key is stored as the JSON text of
 * its parts, so a prefix of parts is a prefix of the text (`["a","b"` for `["a","b",…]`).
 * Expired entries read as absent; every SWEEP_EVERY writes also delete the expired rows
 * (an indexed delete), so the table does not grow with stale cache entries.
 */
const SWEEP_EVERY = 200

export function createDbKvStore(deps: { db: Db; clock: Clock }): KvStore & {
  sweepExpired(): Promise<number>
} {
  const { db, clock } = deps
  let writes = 0
  const encodeKey = (key: KvKey) => JSON.stringify(key)
  const expiry = (options?: KvStoreSetOptions) =>
    options?.ttl
      ? new Date(clock.now().getTime() + options.ttl.total({ unit: 'millisecond' })).toISOString()
      : null
  const live = (expiresAt: Date | string | null) =>
    expiresAt === null || new Date(toIso(expiresAt)).getTime() > clock.now().getTime()

  async function read(ex: Executor, key: KvKey): Promise<{ value: unknown } | null> {
    const row = await ex
      .selectFrom('federation_kv')
      .select(['value', 'expires_at'])
      .where('key', '=', encodeKey(key))
      .executeTakeFirst()
    if (!row || !live(row.expires_at)) return null
    return { value: JSON.parse(row.value) as unknown }
  }

  async function write(ex: Executor, key: KvKey, value: unknown, options?: KvStoreSetOptions) {
    const text = JSON.stringify(value ?? null)
    const expiresAt = expiry(options)
    await ex
      .insertInto('federation_kv')
      .values({ key: encodeKey(key), value: text, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: text, expires_at: expiresAt }))
      .execute()
  }

  async function sweepExpired(): Promise<number> {
    const r = await db
      .deleteFrom('federation_kv')
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', clock.now().toISOString())
      .executeTakeFirst()
    return Number(r.numDeletedRows)
  }

  return {
    async get<T = unknown>(key: KvKey): Promise<T | undefined> {
      const found = await read(db, key)
      return found ? (found.value as T) : undefined
    },
    async set(key, value, options) {
      await write(db, key, value, options)
      if (++writes % SWEEP_EVERY === 0) await sweepExpired()
    },
    async delete(key) {
      await db.deleteFrom('federation_kv').where('key', '=', encodeKey(key)).execute()
    },
    async cas(key, expectedValue, newValue, options) {
      return db.transaction().execute(async (tx) => {
        const found = await read(tx, key)
        const current = found ? JSON.stringify(found.value) : undefined
        const expected = expectedValue === undefined ? undefined : JSON.stringify(expectedValue)
        if (current !== expected) return false
        await write(tx, key, newValue, options)
        return true
      })
    },
    async *list(prefix?: KvKey): AsyncIterable<KvStoreListEntry> {
      let query = db.selectFrom('federation_kv').select(['key', 'value', 'expires_at']).orderBy('key')
      if (prefix) {
        const exact = encodeKey(prefix)
        const open = `${exact.slice(0, -1)},`
        query = query.where((eb) =>
          eb.or([
            eb('key', '=', exact),
            eb(sql<string>`substr(${sql.ref('key')}, 1, ${open.length})`, '=', open),
          ]),
        )
      }
      for (const row of await query.execute()) {
        if (!live(row.expires_at)) continue
        yield { key: JSON.parse(row.key) as KvKey, value: JSON.parse(row.value) as unknown }
      }
    },
    sweepExpired,
  }
}
