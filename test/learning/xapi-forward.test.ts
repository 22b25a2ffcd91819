import { createHash, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { setForwarding } from '#src/capabilities/learning/xapi/lrs-forwarding.service.ts'
import { roundsAuthority } from '#src/capabilities/learning/xapi/xapi.actors.ts'
import { forwardBackoffMs, forwardStatements } from '#src/capabilities/learning/xapi/xapi.forward.ts'
import { recordStatements } from '#src/capabilities/learning/xapi/xapi.service.ts'
import { manualClock } from '#src/platform/clock.ts'
import { type LrsFake, startLrsFake } from '#test/fakes/lrs.ts'
import { testDialects } from '#test/support/database.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { createTestRounds, TEST_BASE_URL, type TestRounds } from '#test/support/rounds.ts'

const statement = (i: number) => ({
  actor: { account: { homePage: `${TEST_BASE_URL}/`, name: `anon:learner-${i % 3}xxxxx` } },
  verb: { id: 'http://adlnet.gov/expapi/verbs/answered' },
  object: { id: `https://example.org/quiz/q${i}` },
})

describe.each(testDialects)('forwarding statements to an external LRS (%s)', (dialect) => {
  let rounds: TestRounds
  let lrs: LrsFake
  const clock = manualClock(new Date('2026-11-27T09:00:00.000Z'))

  beforeAll(async () => {
    rounds = await createTestRounds(dialect, { clock })
    lrs = await startLrsFake()
  })
  afterAll(async () => {
    await lrs.close()
    await rounds.close()
  })

  it('retries with backoff while the LRS fails and loses no statement when it recovers', async () => {
    const org = await createTestOrganisation(rounds)
    const admin = await createTestMember(rounds, org.id, ['admin'])
    await setForwarding(rounds.learning, await loadActor(rounds.accounts, admin.id), org.slug, {
      endpoint: lrs.endpoint,
      username: 'rounds',
      secret: 'external-secret',
      version: '1.0.3',
    })
    const record = (from: number, n: number) =>
      recordStatements(rounds.learning, {
        organisationId: org.id,
        authority: roundsAuthority(TEST_BASE_URL),
        statements: Array.from({ length: n }, (_, i) => statement(from + i)),
      })
    const ids = [...(await record(0, 150)), ...(await record(150, 30))]
    const worker = rounds.createWorker()

    lrs.failNext(3)
    await worker.drain()
    // The first send failed: nothing delivered, every statement still waiting, retry later.
    expect(lrs.statements.size).toBe(0)
    const waiting = await rounds.database.db
      .selectFrom('xapi_forward_outbox')
      .select(['attempts', 'next_attempt_at', 'last_error'])
      .where('organisation_id', '=', org.id)
      .execute()
    expect(waiting).toHaveLength(180)
    expect(waiting.every((w) => w.attempts === 1)).toBe(true)
    expect(lrs.requests).toBe(1)
    expect(waiting.some((w) => w.attempts === 1 && w.last_error === 'the external LRS answered 503')).toBe(
      true,
    )

    // Before the backoff has passed nothing is sent; after it, the job runs again (and fails twice more).
    for (const attempt of [1, 2]) {
      clock.advance(forwardBackoffMs(attempt) + 1000)
      await worker.drain()
      expect(lrs.requests).toBe(attempt + 1)
    }
    expect(lrs.statements.size).toBe(0)
    // Meanwhile more statements arrive.
    ids.push(...(await record(180, 20)))
    clock.advance(forwardBackoffMs(3) + 1000)
    await worker.drain()

    expect([...lrs.statements.keys()].sort()).toEqual([...ids].sort())
    expect(
      lrs.authorizations.every(
        (a) => a === `Basic ${Buffer.from('rounds:external-secret').toString('base64')}`,
      ),
    ).toBe(true)
    const left = await rounds.database.db
      .selectFrom('xapi_forward_outbox')
      .select('statement_id')
      .where('organisation_id', '=', org.id)
      .execute()
    expect(left).toHaveLength(0)
    // The forwarded statement is the stored one (authority and stored included).
    const first = lrs.statements.get(ids[0] as string) as Record<string, unknown>
    expect(first).toMatchObject({ id: ids[0], authority: roundsAuthority(TEST_BASE_URL) })
    expect(first.stored).toBeTruthy()
  })

  it('in production, refuses an endpoint on a private network and keeps the statements waiting', async () => {
    const org = await createTestOrganisation(rounds)
    const admin = await createTestMember(rounds, org.id, ['admin'])
    await setForwarding(rounds.learning, await loadActor(rounds.accounts, admin.id), org.slug, {
      endpoint: lrs.endpoint,
      username: 'rounds',
      secret: 'external-secret',
      version: '1.0.3',
    })
    await recordStatements(rounds.learning, {
      organisationId: org.id,
      authority: roundsAuthority(TEST_BASE_URL),
      statements: [statement(1)],
    })
    const before = lrs.requests
    const outcome = await forwardStatements({ ...rounds.learning, allowPrivateNetwork: false }, org.id)
    expect(outcome).toEqual({ sent: 0, failed: 1, remaining: 1 })
    expect(lrs.requests).toBe(before)
    const row = await rounds.database.db
      .selectFrom('xapi_forward_outbox')
      .select('last_error')
      .where('organisation_id', '=', org.id)
      .executeTakeFirstOrThrow()
    expect(row.last_error).toContain('private or reserved address (127.0.0.1)')
  })

  it('sends statements with their attachments as multipart/mixed, the content byte for byte', async () => {
    const org = await createTestOrganisation(rounds)
    const admin = await createTestMember(rounds, org.id, ['admin'])
    await setForwarding(rounds.learning, await loadActor(rounds.accounts, admin.id), org.slug, {
      endpoint: lrs.endpoint,
      username: 'rounds',
      secret: 'external-secret',
      version: '1.0.3',
    })
    const content = randomBytes(1500)
    const sha2 = createHash('sha256').update(content).digest('hex')
    const attachment = {
      usageType: 'http://id.tincanapi.com/attachment/supporting_media',
      display: { 'en-US': 'Scan' },
      contentType: 'application/octet-stream',
      length: content.byteLength,
      sha2,
    }
    const [withFile, plain] = await recordStatements(rounds.learning, {
      organisationId: org.id,
      authority: roundsAuthority(TEST_BASE_URL),
      statements: [{ ...statement(1), attachments: [attachment] }, statement(2)],
      attachments: [
        { hash: sha2, contentType: 'application/octet-stream', transferEncoding: 'binary', content },
      ],
    })
    const requests = lrs.contentTypes.length
    expect(await forwardStatements(rounds.learning, org.id)).toEqual({ sent: 2, failed: 0, remaining: 0 })
    expect(lrs.contentTypes.slice(requests)).toEqual([expect.stringMatching(/^multipart\/mixed; boundary=/)])
    expect(lrs.statements.has(withFile as string) && lrs.statements.has(plain as string)).toBe(true)
    expect(lrs.attachments.get(sha2)?.equals(content)).toBe(true)

    // A batch without attachments still goes as plain JSON.
    await recordStatements(rounds.learning, {
      organisationId: org.id,
      authority: roundsAuthority(TEST_BASE_URL),
      statements: [statement(3)],
    })
    await forwardStatements(rounds.learning, org.id)
    expect(lrs.contentTypes.at(-1)).toBe('application/json')
  })

  it('splits a run of large attachments over several requests, each attachment sent once per request', async () => {
    const org = await createTestOrganisation(rounds)
    const admin = await createTestMember(rounds, org.id, ['admin'])
    await setForwarding(rounds.learning, await loadActor(rounds.accounts, admin.id), org.slug, {
      endpoint: lrs.endpoint,
      username: 'rounds',
      secret: 'external-secret',
      version: '2.0.0',
    })
    const big = randomBytes(3 * 1024 * 1024)
    const other = randomBytes(2 * 1024 * 1024)
    const part = (content: Buffer) => ({
      hash: createHash('sha256').update(content).digest('hex'),
      contentType: 'application/octet-stream',
      transferEncoding: 'binary',
      content,
    })
    // Ids in order, as the outbox sends rows stored together in id order.
    const withFile = (i: number, content: Buffer) => ({
      ...statement(i),
      id: `10000000-0000-4000-8000-00000000000${i}`,
      attachments: [
        {
          usageType: 'http://id.tincanapi.com/attachment/supporting_media',
          display: { 'en-US': 'Scan' },
          contentType: 'application/octet-stream',
          length: content.byteLength,
          sha2: createHash('sha256').update(content).digest('hex'),
        },
      ],
    })
    // Two statements share the 3 MB file; the third's 2 MB file would take the request past 4 MB.
    const ids = await recordStatements(rounds.learning, {
      organisationId: org.id,
      authority: roundsAuthority(TEST_BASE_URL),
      statements: [withFile(1, big), withFile(2, big), withFile(3, other)],
      attachments: [part(big), part(other)],
    })
    const before = lrs.requests
    expect(await forwardStatements(rounds.learning, org.id)).toEqual({ sent: 3, failed: 0, remaining: 0 })
    expect(lrs.requests - before).toBe(2)
    expect(ids.every((id) => lrs.statements.has(id))).toBe(true)
    expect(lrs.attachments.get(part(big).hash)?.equals(big)).toBe(true)
    expect(lrs.attachments.get(part(other).hash)?.equals(other)).toBe(true)
  })

  it('does nothing for an organisation without forwarding', async () => {
    const org = await createTestOrganisation(rounds)
    await recordStatements(rounds.learning, {
      organisationId: org.id,
      authority: roundsAuthority(TEST_BASE_URL),
      statements: [statement(1)],
    })
    const before = lrs.requests
    expect(await forwardStatements(rounds.learning, org.id)).toEqual({ sent: 0, failed: 0, remaining: 0 })
    expect(lrs.requests).toBe(before)
  })

  it('backs off 30 s, 1 min, 2 min … up to an hour', () => {
    expect([1, 2, 3, 8, 20].map(forwardBackoffMs)).toEqual([30_000, 60_000, 120_000, 3_600_000, 3_600_000])
  })
})
