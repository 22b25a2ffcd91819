import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { manualClock, randomIds } from '#src/platform/clock.ts'
import { toIso } from '#src/platform/db/database.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'
import type { AuditEntry } from './audit.schema.ts'
import { canonicalJson, listAuditEvents, recordAudit, verifyAuditChain } from './audit.service.ts'

const GENESIS = '0'.repeat(64)

function entry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actorId: null,
    action: 'content.submitted',
    resourceType: 'content',
    resourceId: `content-${n}`,
    organisationId: 'org-1',
    summary: { n, status: 'submitted' },
    ...overrides,
  }
}

describe('canonicalJson', () => {
  it.each([
    { value: { b: 1, a: 2 }, json: '{"a":2,"b":1}' },
    { value: { z: { y: 1, x: [{ d: 1, c: 2 }] } }, json: '{"z":{"x":[{"c":2,"d":1}],"y":1}}' },
    { value: [3, 1, 2], json: '[3,1,2]' },
    { value: null, json: 'null' },
    { value: 'text', json: '"text"' },
  ])('writes $json', ({ value, json }) => {
    expect(canonicalJson(value)).toBe(json)
  })
})

describe.each(testDialects)('audit chain on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  const clock = manualClock()
  const deps = { clock, ids: randomIds }

  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())
  beforeEach(async () => {
    await database.db.deleteFrom('audit_event').execute()
    await database.db
      .updateTable('audit_head')
      .set({ seq: 0, last_hash: GENESIS })
      .where('id', '=', 1)
      .execute()
  })

  async function append(count: number): Promise<void> {
    for (let n = 1; n <= count; n += 1) {
      clock.advance(1_000)
      await database.db.transaction().execute((tx) => recordAudit(tx, deps, entry(n)))
    }
  }

  const rows = () => database.db.selectFrom('audit_event').selectAll().orderBy('seq').execute()

  it('verifies an empty chain', async () => {
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 0 })
  })

  it('links each appended event to the one before it', async () => {
    await append(5)
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 5 })

    const stored = await rows()
    expect(stored.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5])
    expect(stored[0]?.prev_hash).toBe(GENESIS)
    for (let i = 1; i < stored.length; i += 1) expect(stored[i]?.prev_hash).toBe(stored[i - 1]?.hash)
    expect(new Set(stored.map((r) => r.hash)).size).toBe(5)
    const head = await database.db.selectFrom('audit_head').selectAll().executeTakeFirstOrThrow()
    expect({ seq: Number(head.seq), lastHash: head.last_hash }).toEqual({ seq: 5, lastHash: stored[4]?.hash })
  })

  it('stores the summary as canonical JSON and shows events newest first', async () => {
    await database.db
      .transaction()
      .execute((tx) => recordAudit(tx, deps, entry(1, { summary: { to: 'reviewer', from: 'author' } })))
    await database.db.transaction().execute((tx) => recordAudit(tx, deps, entry(2)))
    expect((await rows())[0]?.summary).toBe('{"from":"author","to":"reviewer"}')
    const events = await listAuditEvents(database.db, 'org-1', { limit: 10 })
    expect(events.map((e) => [e.seq, e.summary])).toEqual([
      [2, { n: 2, status: 'submitted' }],
      [1, { from: 'author', to: 'reviewer' }],
    ])
  })

  it.each([
    { column: 'summary', value: '{"n":3,"status":"approved"}' },
    { column: 'action', value: 'content.deleted' },
    { column: 'actor_id', value: 'someone-else' },
    { column: 'resource_id', value: 'content-99' },
    { column: 'organisation_id', value: null },
    { column: 'id', value: 'forged-id' },
  ] as const)('catches a changed $column at that event', async ({ column, value }) => {
    await append(5)
    await database.db
      .updateTable('audit_event')
      .set({ [column]: value })
      .where('seq', '=', 3)
      .execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked: 2,
      brokenAt: 3,
      reason: 'event 3 was altered after it was written',
    })
  })

  it('catches a changed timestamp at that event', async () => {
    await append(5)
    await database.db
      .updateTable('audit_event')
      .set({ occurred_at: '2020-01-01T00:00:00.000Z' })
      .where('seq', '=', 4)
      .execute()
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: 4 })
  })

  it('catches a deleted event in the middle', async () => {
    await append(5)
    await database.db.deleteFrom('audit_event').where('seq', '=', 3).execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked: 2,
      brokenAt: 3,
      reason: 'event 3 is missing',
    })
  })

  it('catches a deleted first event', async () => {
    await append(3)
    await database.db.deleteFrom('audit_event').where('seq', '=', 1).execute()
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, checked: 0, brokenAt: 1 })
  })

  it.each([
    { deleted: [5], checked: 4 },
    { deleted: [4, 5], checked: 3 },
    { deleted: [1, 2, 3, 4, 5], checked: 0 },
  ])('catches the last events removed ($deleted)', async ({ deleted, checked }) => {
    await append(5)
    await database.db.deleteFrom('audit_event').where('seq', 'in', deleted).execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked,
      brokenAt: checked + 1,
      reason: `events after ${checked} were removed (head is at 5)`,
    })
  })

  it('catches a tail removed together with the head moved back', async () => {
    await append(5)
    await database.db.deleteFrom('audit_event').where('seq', '=', 5).execute()
    await database.db.updateTable('audit_head').set({ seq: 4 }).where('id', '=', 1).execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked: 4,
      brokenAt: 4,
      reason: 'the last event does not match the chain head',
    })
  })

  it('catches an event added beyond the chain head', async () => {
    await append(3)
    const last = (await rows())[2]
    if (!last) throw new Error('no third event')
    await database.db
      .insertInto('audit_event')
      .values({
        ...last,
        occurred_at: toIso(last.occurred_at),
        seq: 4,
        id: 'forged',
        prev_hash: last.hash,
        hash: 'e'.repeat(64),
      })
      .execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked: 3,
      brokenAt: 4,
      reason: 'event 4 lies beyond the chain head (head is at 3)',
    })
  })

  it('catches the head moved back to hide the last event', async () => {
    await append(3)
    const second = (await rows())[1]
    await database.db
      .updateTable('audit_head')
      .set({ seq: 2, last_hash: second?.hash ?? '' })
      .where('id', '=', 1)
      .execute()
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: 3 })
  })

  it('catches a rewritten prev_hash', async () => {
    await append(5)
    const second = (await rows())[1]
    await database.db
      .updateTable('audit_event')
      .set({ prev_hash: second?.hash ?? '' })
      .where('seq', '=', 4)
      .execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked: 3,
      brokenAt: 4,
      reason: 'event 4 does not link to the event before it',
    })
  })

  it('catches a rewritten hash', async () => {
    await append(5)
    await database.db
      .updateTable('audit_event')
      .set({ hash: 'f'.repeat(64) })
      .where('seq', '=', 2)
      .execute()
    expect(await verifyAuditChain(database.db)).toEqual({
      ok: false,
      checked: 1,
      brokenAt: 2,
      reason: 'event 2 was altered after it was written',
    })
  })

  it('catches a rewritten last hash', async () => {
    await append(3)
    await database.db
      .updateTable('audit_event')
      .set({ hash: 'f'.repeat(64) })
      .where('seq', '=', 3)
      .execute()
    expect(await verifyAuditChain(database.db)).toMatchObject({ ok: false, brokenAt: 3 })
  })

  it('keeps no event from a transaction that rolled back', async () => {
    await append(2)
    const attempt = database.db.transaction().execute(async (tx) => {
      await recordAudit(tx, deps, entry(3))
      throw new Error('the change failed')
    })
    await expect(attempt).rejects.toThrow('the change failed')
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 2 })

    // The next append takes the sequence number the rolled-back one would have had.
    await database.db.transaction().execute((tx) => recordAudit(tx, deps, entry(4)))
    expect((await rows()).map((r) => [Number(r.seq), r.resource_id])).toEqual([
      [1, 'content-1'],
      [2, 'content-2'],
      [3, 'content-4'],
    ])
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 3 })
  })

  it('keeps one unbroken chain under concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction().execute((tx) => recordAudit(tx, deps, entry(i + 1))),
      ),
    )
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 20 })
    const stored = await rows()
    expect(stored.map((r) => Number(r.seq))).toEqual(Array.from({ length: 20 }, (_, i) => i + 1))
    expect(stored.map((r) => r.resource_id).sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => `content-${i + 1}`).sort(),
    )
  })

  it('reports an intact chain while events are being appended', async () => {
    await append(5)
    const appending = Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        database.db.transaction().execute((tx) => recordAudit(tx, deps, entry(100 + i))),
      ),
    )
    const verifications = await Promise.all(Array.from({ length: 10 }, () => verifyAuditChain(database.db)))
    await appending
    for (const v of verifications) expect(v).toMatchObject({ ok: true })
    expect(await verifyAuditChain(database.db)).toEqual({ ok: true, checked: 25 })
  })
})
