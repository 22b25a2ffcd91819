import { createHash, randomUUID } from 'node:crypto'
import { strFromU8, unzipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { seedSyntheticLearningData } from '#src/capabilities/learning/demo/synthetic-demo.ts'
import { seedSyntheticSurveys } from '#src/capabilities/learning/demo/synthetic-surveys.ts'
import { findExport } from '#src/capabilities/learning/export/export.repository.ts'
import type {
  Codebook,
  ResearchExport,
  ResearchExportList,
} from '#src/capabilities/learning/export/export.schema.ts'
import {
  type ExportDeps,
  requestResearchExport,
  runResearchExport,
  sweepExpiredExports,
} from '#src/capabilities/learning/export/export.service.ts'
import { itemsTable } from '#src/capabilities/learning/export/export.tables.learning.ts'
import type { ExportTable } from '#src/capabilities/learning/export/export.tables.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { testDialects } from '#test/support/database.ts'
import { insertScoredSession } from '#test/support/learning.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError } from './helpers.ts'

type World = Awaited<ReturnType<typeof createOrgWithRoles>>
const DAY = 86_400_000

/** Parses RFC 4180 CSV (quoted fields, CRLF) into rows of strings. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(cell)
      cell = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += ch
  }
  if (cell || row.length) rows.push([...row, cell])
  return rows
}

/** A CSV as objects keyed by its header. */
function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text)
  return rows.map((r) => Object.fromEntries((header as string[]).map((h, i) => [h, r[i] ?? ''])))
}

/**
 * A published item with `learners` learners who each took the pre and the post quiz. The
 * learners may be linked to users (so the test can check no user id leaks), and may be
 * given, to share learners between items.
 */
async function publishedItem(
  db: Executor,
  o: {
    organisationId: string
    authorId: string
    publishedAt: string
    learnerIds: string[]
    userIds?: string[]
  },
): Promise<string> {
  const itemId = randomUUID()
  const versionId = randomUUID()
  const fields = JSON.stringify({
    title: 'Fluids in sepsis',
    body: 'Give 30 ml/kg. Then reassess.',
    topics: [],
  })
  await db
    .insertInto('content_item')
    .values({
      id: itemId,
      organisation_id: o.organisationId,
      author_id: o.authorId,
      series_id: null,
      kind: 'post',
      state: 'published',
      fields,
      content_hash: 'h',
      created_at: o.publishedAt,
      updated_at: o.publishedAt,
    })
    .execute()
  await db
    .insertInto('content_version')
    .values({
      id: versionId,
      item_id: itemId,
      number: 1,
      kind: 'post',
      fields,
      content_hash: 'h',
      created_by: o.authorId,
      created_at: o.publishedAt,
    })
    .execute()
  await db
    .insertInto('publication')
    .values({
      id: randomUUID(),
      organisation_id: o.organisationId,
      item_id: itemId,
      version_id: versionId,
      content_hash: 'h',
      channel: 'mastodon',
      account_id: null,
      status: 'published',
      scheduled_at: o.publishedAt,
      rendered: '{}',
      render_hash: 'r',
      error: null,
      claimed_by: null,
      claimed_until: null,
      created_by: o.authorId,
      created_at: o.publishedAt,
      updated_at: o.publishedAt,
      published_at: o.publishedAt,
      withdrawn_at: null,
    })
    .execute()
  const at = Date.parse(o.publishedAt)
  for (const [n, learnerId] of o.learnerIds.entries()) {
    const exists = await db.selectFrom('learner').select('id').where('id', '=', learnerId).executeTakeFirst()
    if (!exists)
      await db
        .insertInto('learner')
        .values({
          id: learnerId,
          user_id: o.userIds?.[n] ?? null,
          consent_version: 'test',
          consented_at: o.publishedAt,
        })
        .execute()
    await insertScoredSession(db, {
      id: randomUUID(),
      organisationId: o.organisationId,
      itemId,
      versionId,
      learnerId,
      pre: 1,
      post: 3,
      max: 4,
      passMark: 3,
      at: new Date(at + DAY).toISOString(),
      preAt: new Date(at + DAY).toISOString(),
      postAt: new Date(at + DAY + 600_000).toISOString(),
      attemptIds: { pre: randomUUID(), post: randomUUID() },
    })
  }
  return itemId
}

describe.each(testDialects)('research exports on %s', (dialect) => {
  let rounds: TestRounds
  let w: World
  let deps: ExportDeps
  /** Items of 4 and 5 learners published in January 2020 (the k cases), sharing learners. */
  let four: string
  let five: string
  const learners = Array.from({ length: 5 }, () => randomUUID())

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds)
    deps = { ...rounds.accounts, storage: rounds.media.storage.derivatives }
    await rounds.database.db.transaction().execute(async (tx) => {
      const synthetic = { organisationId: w.org.id, authorId: w.author.id, now: new Date() }
      await seedSyntheticLearningData(tx, synthetic)
      await seedSyntheticSurveys(tx, synthetic)
      // Learners linked to the organisation's users: their ids, names and e-mails must not leak.
      const users = [w.admin, w.editor, w.reviewer, w.author, w.outsider]
      four = await publishedItem(tx, {
        organisationId: w.org.id,
        authorId: w.author.id,
        publishedAt: '2020-01-10T09:00:00.000Z',
        learnerIds: learners.slice(0, 4),
        userIds: users.map((u) => u.id),
      })
      five = await publishedItem(tx, {
        organisationId: w.org.id,
        authorId: w.author.id,
        publishedAt: '2020-01-20T09:00:00.000Z',
        learnerIds: learners,
        userIds: users.map((u) => u.id),
      })
    })
  }, 60_000)
  afterAll(() => rounds?.close())

  const base = () => `/api/orgs/${w.org.slug}/research/exports`

  /** Requests an export as the editor, runs the job, downloads and unzips it. */
  async function exportWith(body: Record<string, unknown>) {
    const res = await call(rounds, 'POST', base(), { cookie: w.editor.cookie, body })
    expect(res.status).toBe(202)
    const queued = (await res.json()) as ResearchExport
    expect(queued).toMatchObject({ status: 'queued', progress: 0 })
    await rounds.createWorker().drain()
    const got = await call(rounds, 'GET', `${base()}/${queued.id}`, { cookie: w.editor.cookie })
    const ready = (await got.json()) as ResearchExport
    expect(ready).toMatchObject({ status: 'ready', progress: 100, error: null })
    const dl = await call(rounds, 'GET', `${base()}/${queued.id}/download`, { cookie: w.admin.cookie })
    expect(dl.status).toBe(200)
    expect(dl.headers.get('content-type')).toBe('application/zip')
    expect(dl.headers.get('content-disposition')).toMatch(/^attachment; filename="rounds-research-/)
    const bytes = new Uint8Array(await dl.arrayBuffer())
    expect(bytes.byteLength).toBe(ready.size)
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(ready.sha256)
    const files = Object.fromEntries(
      Object.entries(unzipSync(bytes)).map(([name, data]) => [name, strFromU8(data)]),
    )
    return { record: ready, files }
  }

  describe('bad parameters are refused with a code and write nothing', () => {
    const cases: Array<[string, { body?: unknown; rawBody?: string }, string]> = [
      ['k = 0', { body: { k: 0 } }, 'VALIDATION_FAILED'],
      ['k not a whole number', { body: { k: 2.5 } }, 'VALIDATION_FAILED'],
      ['k as a string', { body: { k: '5' } }, 'VALIDATION_FAILED'],
      ['from after to', { body: { from: '2026-02-01', to: '2026-01-01' } }, 'VALIDATION_FAILED'],
      ['a date that is not a date', { body: { from: '2026-13-01' } }, 'VALIDATION_FAILED'],
      ['an unknown granularity', { body: { granularity: 'week' } }, 'VALIDATION_FAILED'],
      ['an unknown field', { body: { k: 5, email: 'x@y.z' } }, 'VALIDATION_FAILED'],
      ['malformed JSON', { rawBody: '{"k": 5' }, 'MALFORMED_JSON'],
    ]
    it.each(cases)('%s', async (_, request, code) => {
      const before = await rounds.database.db
        .selectFrom('research_export')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      const res = await call(rounds, 'POST', base(), { cookie: w.editor.cookie, ...request })
      await expectError(res, 400, code)
      const after = await rounds.database.db
        .selectFrom('research_export')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      expect(Number(after.n)).toBe(Number(before.n))
    })
  })

  it('builds the ZIP in the background: tables, a codebook covering exactly their columns, and a README', async () => {
    const { files, record } = await exportWith({})
    expect(Object.keys(files).sort()).toEqual([
      'README.txt',
      'codebook.csv',
      'codebook.md',
      'engagement.csv',
      'items.csv',
      'learning_summary.csv',
      'quiz_results.csv',
      'survey_responses.csv',
    ])
    expect(record.params).toEqual({ k: 5, from: null, to: null, granularity: 'month' })
    const codebook = records(files['codebook.csv'] as string)
    for (const table of ['items', 'engagement', 'quiz_results', 'learning_summary', 'survey_responses']) {
      const header = parseCsv(files[`${table}.csv`] as string)[0]
      expect(codebook.filter((c) => c.table === table).map((c) => c.column)).toEqual(header)
      for (const c of codebook.filter((c) => c.table === table)) {
        expect(c.description?.length).toBeGreaterThan(10)
        expect(['string', 'integer', 'number', 'boolean', 'period']).toContain(c.type)
        expect(files['codebook.md']).toContain(`\`${c.column}\``)
      }
    }
    expect(new Set(codebook.map((c) => c.table))).toEqual(
      new Set(['items', 'engagement', 'quiz_results', 'learning_summary', 'survey_responses']),
    )
    // The synthetic items are all there, with their engagement and learners.
    const items = records(files['items.csv'] as string)
    expect(items.length).toBeGreaterThanOrEqual(22)
    expect(items.every((i) => /^\d{4}-\d{2}$/.test(i.published as string))).toBe(true)
    expect(records(files['engagement.csv'] as string).length).toBeGreaterThan(100)
    expect(records(files['quiz_results.csv'] as string).length).toBeGreaterThan(300)
    // Survey answers: Likert points and option ids; what learners wrote themselves stays out.
    const answers = records(files['survey_responses.csv'] as string)
    expect(answers.length).toBeGreaterThan(20)
    const quizLearners = new Set(records(files['quiz_results.csv'] as string).map((r) => r.learner))
    expect(answers.every((a) => quizLearners.has(a.learner))).toBe(true)
    const likert = answers.filter((a) => a.question_kind === 'likert' && a.answered === 'true')
    expect(likert.length).toBeGreaterThan(0)
    expect(likert.every((a) => /^[1-7]$/.test(a.value as string))).toBe(true)
    const texts = answers.filter((a) => a.question_kind === 'text')
    expect(texts.length).toBeGreaterThan(0)
    expect(texts.every((a) => a.value === '')).toBe(true)
    // Every learner now writes something identifying in each free-text question: it is marked
    // answered, and its words are not in the file.
    const textIds = new Set(texts.map((a) => a.question_id as string))
    const db = rounds.database.db
    for (const r of await db.selectFrom('survey_response').select(['id', 'answers']).execute()) {
      const a = JSON.parse(r.answers) as Record<string, unknown>
      for (const id of textIds)
        a[id] = { kind: 'text', text: 'Synthetic demo answer: Mrs Ellen Hartley, ward 7B' }
      await db
        .updateTable('survey_response')
        .set({ answers: JSON.stringify(a) })
        .where('id', '=', r.id)
        .execute()
    }
    const again = records((await exportWith({})).files['survey_responses.csv'] as string)
    const written = again.filter((a) => a.question_kind === 'text')
    expect(written.length).toBe(texts.length)
    expect(written.every((a) => a.answered === 'true' && a.value === '')).toBe(true)
    expect(JSON.stringify(again)).not.toContain('Hartley')
    expect(files['README.txt']).toMatch(/Small-cell k:\s+5/)
    expect(files['README.txt']).toMatch(/Export format\s+1\.0/)
    // The codebook route lists the same columns.
    const cb = await call(rounds, 'GET', `${base()}/codebook`, { cookie: w.editor.cookie })
    expect(((await cb.json()) as Codebook).columns.map((c) => `${c.table}.${c.column}`)).toEqual(
      codebook.map((c) => `${c.table}.${c.column}`),
    )
  })

  it('contains no e-mail address, name, user id, learner id or session id', async () => {
    const { files } = await exportWith({ k: 1, granularity: 'day' })
    const users = [w.admin, w.editor, w.reviewer, w.author, w.outsider]
    const learnerRows = await rounds.database.db.selectFrom('learner').select(['id', 'user_id']).execute()
    const sessions = await rounds.database.db.selectFrom('learning_session').select('id').execute()
    const forbidden = [
      ...users.flatMap((u) => [u.id, u.email, u.name]),
      ...learnerRows.map((l) => l.id),
      ...sessions.map((s) => s.id),
    ]
    expect(learnerRows.filter((l) => l.user_id).length).toBe(5)
    for (const [name, text] of Object.entries(files))
      for (const value of forbidden)
        expect({ file: name, leaked: text.includes(value) }).toEqual({ file: name, leaked: false })
    expect(Object.values(files).join('\n')).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/)
  })

  it('pseudonyms are stable within one export and differ between two', async () => {
    const one = records((await exportWith({ k: 1 })).files['quiz_results.csv'] as string)
    const two = records((await exportWith({ k: 1 })).files['quiz_results.csv'] as string)
    // The five learners of the January items are the same people on both items.
    const onFour = new Set(one.filter((r) => r.item_id === four).map((r) => r.learner))
    const onFive = new Set(one.filter((r) => r.item_id === five).map((r) => r.learner))
    expect(onFour.size).toBe(4)
    expect(onFive.size).toBe(5)
    expect([...onFour].every((p) => onFive.has(p))).toBe(true)
    for (const p of onFive)
      expect(one.filter((r) => r.learner === p && r.item_id === five).map((r) => r.quiz_kind)).toEqual([
        'pre',
        'post',
      ])
    const first = new Set(one.map((r) => r.learner))
    const second = new Set(two.map((r) => r.learner))
    expect(first.size).toBe(second.size)
    expect([...first].filter((p) => second.has(p))).toEqual([])
  })

  describe('small-cell suppression with k', () => {
    // Only the January 2020 items: one with 4 learners, one with 5.
    const cases = [
      { k: 5, fourKept: false, fiveKept: true },
      { k: 1, fourKept: true, fiveKept: true },
      { k: 10, fourKept: false, fiveKept: false },
    ]
    it.each(cases)(
      'k=$k: the 4-learner item kept $fourKept, the 5-learner item kept $fiveKept',
      async (c) => {
        const { files, record } = await exportWith({ k: c.k, from: '2020-01-01', to: '2020-01-31' })
        expect(
          records(files['items.csv'] as string)
            .map((i) => i.item_id)
            .sort(),
        ).toEqual([four, five].sort())
        const quiz = records(files['quiz_results.csv'] as string)
        expect(quiz.filter((r) => r.item_id === four)).toHaveLength(c.fourKept ? 8 : 0)
        expect(quiz.filter((r) => r.item_id === five)).toHaveLength(c.fiveKept ? 10 : 0)
        const dropped = [c.fourKept ? 0 : 1, c.fiveKept ? 0 : 1].reduce((a, b) => a + b)
        expect(record.tables.find((t) => t.name === 'quiz_results')).toMatchObject({ droppedItems: dropped })
        if (dropped) expect(files['README.txt']).toContain(`${dropped} items (`)

        const summary = Object.fromEntries(
          records(files['learning_summary.csv'] as string).map((r) => [r.item_id, r]),
        )
        for (const [id, n, kept] of [
          [four, 4, c.fourKept],
          [five, 5, c.fiveKept],
        ] as const) {
          const row = summary[id] as Record<string, string>
          if (kept) {
            expect(row).toMatchObject({
              learners: String(n),
              n_pre: String(n),
              n_post: String(n),
              _suppressed: '',
            })
            expect(Number(row.mean_gain)).toBeCloseTo(0.5)
            expect(Number(row.completion_rate)).toBe(1)
          } else {
            for (const col of [
              'learners',
              'n_pre',
              'mean_pre',
              'n_post',
              'mean_post',
              'mean_gain',
              'completion_rate',
            ])
              expect(row[col]).toBe('')
            expect(row._suppressed?.split(';')).toEqual(
              expect.arrayContaining(['learners', 'mean_pre', 'mean_gain', 'completion_rate']),
            )
            // No delayed quiz: a zero count is shown, not suppressed.
            expect(row.n_delayed).toBe('0')
          }
        }
      },
    )
  })

  it('audits the request with its parameters, and lists exports newest first', async () => {
    const { record } = await exportWith({ k: 7, from: '2020-01-01' })
    const audit = await rounds.database.db
      .selectFrom('audit_event')
      .select(['actor_id', 'summary', 'organisation_id'])
      .where('action', '=', 'research.export.requested')
      .where('resource_id', '=', record.id)
      .executeTakeFirstOrThrow()
    expect(audit.actor_id).toBe(w.editor.id)
    expect(audit.organisation_id).toBe(w.org.id)
    expect(JSON.parse(audit.summary)).toEqual({ k: 7, from: '2020-01-01', to: null, granularity: 'month' })
    const list = await call(rounds, 'GET', base(), { cookie: w.admin.cookie })
    const body = (await list.json()) as ResearchExportList
    expect(body.retentionDays).toBe(7)
    expect(body.exports[0]?.id).toBe(record.id)
    expect(body.exports[0]?.requestedBy).toEqual({ id: w.editor.id, name: w.editor.name })
  })

  it('is not found through another organisation, and gone after the retention period', async () => {
    const { record } = await exportWith({})
    const other = `/api/orgs/${w.other.slug}/research/exports/${record.id}`
    await expectError(
      await call(rounds, 'GET', other, { cookie: w.outsider.cookie }),
      404,
      'EXPORT_NOT_FOUND',
    )
    await expectError(
      await call(rounds, 'GET', `${other}/download`, { cookie: w.outsider.cookie }),
      404,
      'EXPORT_NOT_FOUND',
    )
    const later = new Date(Date.now() + 8 * DAY)
    expect(await sweepExpiredExports({ ...deps, clock: { now: () => later } })).toBeGreaterThanOrEqual(1)
    expect(await deps.storage.get(`research-exports/${record.id}/rounds-research-export.zip`)).toBeNull()
    const got = (await (
      await call(rounds, 'GET', `${base()}/${record.id}`, { cookie: w.editor.cookie })
    ).json()) as ResearchExport
    expect(got.status).toBe('expired')
    await expectError(
      await call(rounds, 'GET', `${base()}/${record.id}/download`, { cookie: w.editor.cookie }),
      410,
      'EXPORT_EXPIRED',
    )
  })

  it('marks an export failed, with a message and no internals, when a table cannot be built', async () => {
    const leaky: ExportTable = {
      name: 'leaky',
      grain: 'A table whose producer writes a column the codebook does not name.',
      disclosure: 'none',
      columns: [
        { name: 'item_id', type: 'string', unit: '', allowed: '', description: 'x', suppression: 'none' },
      ],
      rows: async () => ({ rows: [{ item_id: 'a', email: 'someone@example.org' }] }),
    }
    const broken: ExportTable = {
      ...leaky,
      name: 'broken',
      rows: () => Promise.reject(new Error('SQL: relation x')),
    }
    for (const table of [leaky, broken]) {
      const made = await requestResearchExport(
        deps,
        await loadActor(rounds.accounts, w.editor.id),
        w.org.slug,
        {},
      )
      await runResearchExport({ ...deps, tables: [itemsTable, table] }, made.id)
      const res = await call(rounds, 'GET', `${base()}/${made.id}`, { cookie: w.editor.cookie })
      const got = (await res.json()) as ResearchExport
      expect(got).toMatchObject({ status: 'failed', error: { code: 'EXPORT_FAILED' }, size: null })
      expect(got.error?.message).not.toMatch(/SQL|email|leaky|broken/)
      expect(await deps.storage.get(`research-exports/${made.id}/rounds-research-export.zip`)).toBeNull()
      await expectError(
        await call(rounds, 'GET', `${base()}/${made.id}/download`, { cookie: w.editor.cookie }),
        409,
        'EXPORT_NOT_READY',
      )
      // The queued job finds the export settled and leaves it alone.
      await rounds.createWorker().drain()
      expect((await findExport(rounds.database.db, made.id))?.status).toBe('failed')
    }
  })

  it('refuses a download before the export is ready', async () => {
    const res = await call(rounds, 'POST', base(), { cookie: w.admin.cookie, body: {} })
    const queued = (await res.json()) as ResearchExport
    await expectError(
      await call(rounds, 'GET', `${base()}/${queued.id}/download`, { cookie: w.admin.cookie }),
      409,
      'EXPORT_NOT_READY',
    )
    await rounds.createWorker().drain()
  })
})
