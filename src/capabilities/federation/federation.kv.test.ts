import { Temporal } from '@js-temporal/polyfill'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '#src/platform/clock.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import { createDbKvStore } from './federation.kv.ts'

const ttl = (seconds: number) =>
  Temporal.Duration.from({ seconds }) as unknown as globalThis.Temporal.Duration

describe.each(testDialects)("Fedify's key-value store over the database on %s", (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  const clock = manualClock(new Date('2026-11-27T00:00:00.000Z'))
  let kv: ReturnType<typeof createDbKvStore>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
    kv = createDbKvStore({ db: database.db, clock })
  })
  afterAll(() => database.close())

  it('stores, replaces and deletes JSON values by key', async () => {
    expect(await kv.get(['doc', 'https://a.example/x'])).toBeUndefined()
    await kv.set(['doc', 'https://a.example/x'], { '@context': 'x', n: 1 })
    expect(await kv.get(['doc', 'https://a.example/x'])).toEqual({ '@context': 'x', n: 1 })
    await kv.set(['doc', 'https://a.example/x'], [1, 'two', null])
    expect(await kv.get(['doc', 'https://a.example/x'])).toEqual([1, 'two', null])
    await kv.delete(['doc', 'https://a.example/x'])
    expect(await kv.get(['doc', 'https://a.example/x'])).toBeUndefined()
  })

  it('expires entries after their TTL, and sweeps them', async () => {
    await kv.set(['ttl', 'k'], 'v', { ttl: ttl(60) })
    clock.advance(59_000)
    expect(await kv.get(['ttl', 'k'])).toBe('v')
    clock.advance(2_000)
    expect(await kv.get(['ttl', 'k'])).toBeUndefined()
    expect(await kv.sweepExpired()).toBe(1)
    const left = await database.db
      .selectFrom('federation_kv')
      .select('key')
      .where('key', 'like', '["ttl"%')
      .execute()
    expect(left).toEqual([])
  })

  it('compare-and-swap changes a value only when it is the expected one', async () => {
    expect(await kv.cas?.(['cas'], undefined, 1)).toBe(true)
    expect(await kv.cas?.(['cas'], 2, 3)).toBe(false)
    expect(await kv.get(['cas'])).toBe(1)
    expect(await kv.cas?.(['cas'], 1, 2)).toBe(true)
    expect(await kv.get(['cas'])).toBe(2)
  })

  it('lists by key prefix, part by part (["a","b"] is not a prefix of ["a","bc"])', async () => {
    await kv.set(['p', 'a', 'b'], 1)
    await kv.set(['p', 'a', 'b', 'c'], 2)
    await kv.set(['p', 'a', 'bc'], 3)
    await kv.set(['p', 'a%', 'b'], 4)
    const listed: unknown[] = []
    for await (const e of kv.list(['p', 'a', 'b'])) listed.push([e.key, e.value])
    expect(listed).toHaveLength(2)
    expect(listed).toEqual(
      expect.arrayContaining([
        [['p', 'a', 'b'], 1],
        [['p', 'a', 'b', 'c'], 2],
      ]),
    )
    const all: unknown[] = []
    for await (const e of kv.list(['p'])) all.push(e.value)
    expect(all.sort()).toEqual([1, 2, 3, 4])
  })
})
