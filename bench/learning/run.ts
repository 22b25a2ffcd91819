/**
 * Learning benchmark: xAPI statement ingestion through the built-in LRS, over real HTTP on
 * loopback (the whole path: Basic authentication, version header, JSON parsing, validation,
 * the idempotency check, storage with the filter index rows). Batches of 100 statements, as
 * a quiz or video player would send them (anonymous learners, results, context activities).
 * Runs on SQLite always and on PostgreSQL when ROUNDS_BENCH_POSTGRES_URL (or
 * ROUNDS_TEST_POSTGRES_URL) names a server. Prints the figures and writes
 * docs/benchmarks/learning.md.
 *
 *   npm run bench:learning            200 batches per run (20,000 statements)
 *   node bench/learning/run.ts --quick  30 batches, no report written
 *   npm run bench:learning -- --research
 *                                     the research view over 10,000 items and 1,000,000 statements
 *                                     (research.ts); writes only the report's research section
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { cpus, loadavg, tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import pg from 'pg'
import { createOrganisationAsOperator } from '../../src/capabilities/accounts/operator.service.ts'
import { createLrsClient } from '../../src/capabilities/learning/xapi/lrs-clients.service.ts'
import { openRounds } from '../../src/entry/context.ts'
import { buildHttpApp } from '../../src/entry/http.ts'
import { loadConfig } from '../../src/platform/config.ts'
import { migrateToLatest } from '../../src/platform/db/migrate.ts'
import { createSilentLogger } from '../../src/platform/logger.ts'
import { runResearchBench, withResearchSection } from './research.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
const quick = process.argv.includes('--quick')
const BATCH = 100
const BATCHES = quick ? 30 : 200
const WARMUP = 5
const startLoad = loadavg()[0] ?? 0
const reportFile = join(root, 'docs/benchmarks/learning.md')

if (process.argv.includes('--research')) {
  const { section } = await runResearchBench({ quick })
  if (!quick) {
    writeFileSync(reportFile, withResearchSection(readFileSync(reportFile, 'utf8'), section))
    console.log('wrote the research section of docs/benchmarks/learning.md')
  }
  process.exit(0)
}

const VERBS = [
  'http://adlnet.gov/expapi/verbs/answered',
  'http://adlnet.gov/expapi/verbs/experienced',
  'https://w3id.org/xapi/video/verbs/played',
  'https://w3id.org/xapi/video/verbs/paused',
  'http://adlnet.gov/expapi/verbs/completed',
]

function statement(base: string, i: number) {
  const item = i % 500
  return {
    id: randomUUID(),
    actor: {
      objectType: 'Agent',
      account: { homePage: `${base}/`, name: `anon:${(i % 5000).toString(36).padStart(8, 'x')}` },
    },
    verb: { id: VERBS[i % VERBS.length], display: { 'en-US': 'answered' } },
    object: {
      objectType: 'Activity',
      id: `${base}/items/${item}/quiz/post/q${i % 5}`,
      definition: {
        type: 'http://adlnet.gov/expapi/activities/cmi.interaction',
        interactionType: 'choice',
        name: { 'en-GB': `Question ${i % 5}` },
      },
    },
    result: { success: i % 3 !== 0, response: 'b', score: { scaled: (i % 10) / 10 }, duration: 'PT12S' },
    context: {
      registration: randomUUID(),
      platform: 'Rounds',
      language: 'en-GB',
      contextActivities: {
        parent: [{ objectType: 'Activity', id: `${base}/items/${item}` }],
        grouping: [{ objectType: 'Activity', id: `${base}/series/${item % 20}` }],
      },
    },
    timestamp: new Date(Date.UTC(2026, 10, 1) + i * 1000).toISOString(),
  }
}

type Result = {
  dialect: string
  mode: string
  statements: number
  seconds: number
  perSecond: number
  p50: number
  p99: number
  /** Statements per second of CPU time used by this process (server and client together). */
  perCpuSecond: number
  load: number
}

const percentile = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0
}

async function withDatabase(dialect: 'sqlite' | 'postgres'): Promise<{ url: string; drop(): Promise<void> }> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'rounds-bench-learning-'))
    return {
      url: `sqlite:${join(dir, 'rounds.db')}`,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    }
  }
  const admin = process.env.ROUNDS_BENCH_POSTGRES_URL ?? process.env.ROUNDS_TEST_POSTGRES_URL ?? ''
  const name = `rounds_bench_${randomBytes(5).toString('hex')}`
  const c = new pg.Client({ connectionString: admin })
  await c.connect()
  await c.query(`create database ${name}`)
  await c.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const d = new pg.Client({ connectionString: admin })
      await d.connect()
      await d.query(`drop database if exists ${name} with (force)`)
      await d.end()
    },
  }
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<Result[]> {
  const database = await withDatabase(dialect)
  const mediaDir = mkdtempSync(join(tmpdir(), 'rounds-bench-media-'))
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    SESSION_SECRET: 'bench-secret-bench-secret-bench-secret-01',
    ROUNDS_ENCRYPTION_KEYS: `bench:${randomBytes(32).toString('base64')}`,
    PUBLIC_BASE_URL: 'http://127.0.0.1',
    MEDIA_DIR: mediaDir,
  })
  const rounds = openRounds(config, { log: createSilentLogger() })
  await migrateToLatest(rounds.database.db)
  const org = await createOrganisationAsOperator(rounds.accounts, { slug: 'bench', name: 'Bench' })
  const creds = await createLrsClient(rounds.learning, {
    organisationId: org.id,
    name: 'bench',
    actorId: null,
  })
  const app = buildHttpApp(rounds)
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s))
  })
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const headers = {
    authorization: `Basic ${Buffer.from(`${creds.key}:${creds.secret}`).toString('base64')}`,
    'x-experience-api-version': '1.0.3',
    'content-type': 'application/json',
  }
  let counter = 0
  const batchBody = () =>
    JSON.stringify(Array.from({ length: BATCH }, () => statement('https://rounds.example', counter++)))
  const post = async (body: string) => {
    const t = performance.now()
    const res = await fetch(`${base}/xapi/statements`, { method: 'POST', headers, body })
    const ids = (await res.json()) as string[]
    if (res.status !== 200 || ids.length !== BATCH) throw new Error(`POST failed: ${res.status}`)
    return performance.now() - t
  }
  for (let i = 0; i < WARMUP; i++) await post(batchBody())

  const results: Result[] = []
  for (const concurrency of [1, 4]) {
    const bodies = Array.from({ length: BATCHES }, batchBody)
    const latencies: number[] = []
    const cpuBefore = process.cpuUsage()
    const started = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < bodies.length) {
          const body = bodies[next++] as string
          latencies.push(await post(body))
        }
      }),
    )
    const seconds = (performance.now() - started) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    const cpuSeconds = (cpu.user + cpu.system) / 1e6
    results.push({
      dialect,
      mode: concurrency === 1 ? 'one client, sequential' : `${concurrency} clients in parallel`,
      statements: BATCHES * BATCH,
      seconds,
      perSecond: (BATCHES * BATCH) / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      perCpuSecond: (BATCHES * BATCH) / cpuSeconds,
      load: loadavg()[0] ?? 0,
    })
  }
  // Check: everything sent is stored, once.
  const count = await rounds.database.db
    .selectFrom('xapi_statement')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  const expected = (WARMUP + 2 * BATCHES) * BATCH
  if (Number(count.n) !== expected) throw new Error(`stored ${count.n} statements, expected ${expected}`)
  await new Promise<void>((resolve) => server.close(() => resolve()))
  await rounds.close()
  await database.drop()
  rmSync(mediaDir, { recursive: true, force: true })
  return results
}

const dialects: Array<'sqlite' | 'postgres'> = ['sqlite']
if (process.env.ROUNDS_BENCH_POSTGRES_URL ?? process.env.ROUNDS_TEST_POSTGRES_URL) dialects.push('postgres')
const all: Result[] = []
for (const d of dialects) {
  const r = await benchDialect(d)
  for (const x of r)
    console.log(
      `${x.dialect.padEnd(8)} ${x.mode.padEnd(24)} ${x.statements} statements in ${x.seconds.toFixed(2)} s: ${Math.round(x.perSecond)} statements/s (batch p50 ${x.p50.toFixed(1)} ms, p99 ${x.p99.toFixed(1)} ms; ${Math.round(x.perCpuSecond)} per CPU-second; load ${x.load.toFixed(1)})`,
    )
  all.push(...r)
}

const sqliteSequential = all.find((r) => r.dialect === 'sqlite' && r.mode.startsWith('one'))
const sqliteParallel = all.find((r) => r.dialect === 'sqlite' && !r.mode.startsWith('one'))
const target = 2000
const rows = all
  .map(
    (r) =>
      `| ${r.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${r.mode} | ${r.statements.toLocaleString('en-GB')} | ${r.seconds.toFixed(2)} | **${Math.round(r.perSecond).toLocaleString('en-GB')}** | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${Math.round(r.perCpuSecond).toLocaleString('en-GB')} | ${r.load.toFixed(1)} |`,
  )
  .join('\n')

const report = `# Learning benchmark

Generated by \`npm run bench:learning\` (bench/learning/run.ts) on ${new Date().toISOString().slice(0, 10)};
${cpus().length} CPU cores (${cpus()[0]?.model ?? 'unknown'}), load average ${startLoad.toFixed(2)} at the start
(wall-clock figures fall with the machine's load; the CPU-time figures do not). Node ${process.version}.

## Statement ingestion through the LRS endpoint

POST /xapi/statements over HTTP on loopback, ${BATCHES} batches of ${BATCH} statements per run after
${WARMUP} warm-up batches: the whole path of a real client (HTTP Basic authentication, the
X-Experience-API-Version check, JSON parsing, validation of every statement against the xAPI
rules, the lookup that makes resending idempotent, storage of the statement and of the rows
that index its agents and activities for the GET filters), in one transaction per batch.
Statements are like those of a quiz or the video player: an anonymous learner (account
under Rounds' home page), a verb, an interaction activity with a definition, a result with a
scaled score, a registration and parent/grouping context activities. The run checks that
every statement sent was stored exactly once.

"Statements per CPU-second" divides the statements by the CPU time this process used in the
run (the HTTP client, server and SQLite all run in it; PostgreSQL's own work is in its
server process and not counted): a figure that does not depend on how busy the machine is,
where the wall-clock rate does.

| Database | Clients | Statements | Seconds | Statements/s | Batch p50 (ms) | Batch p99 (ms) | Statements per CPU-second | Load average after |
|---|---|---:|---:|---:|---:|---:|---:|---:|
${rows}

Target: at least ${target.toLocaleString('en-GB')} statements/s on SQLite.
${[sqliteSequential, sqliteParallel]
  .filter((r) => r !== undefined)
  .map(
    (r) =>
      `- ${r.mode}: ${Math.round(r.perSecond).toLocaleString('en-GB')} statements/s — ${r.perSecond >= target ? 'met' : '**not met**'} (${Math.round(r.perCpuSecond).toLocaleString('en-GB')} per CPU-second).`,
  )
  .join('\n')}

Reading the figures: on this shared two-core machine the wall-clock rate follows the load
average, because the client, the server and SQLite compete with other processes for the same
cores. The CPU-time figure is what one unshared core sustains. A profile of the SQLite path
(100-statement batches, same machine, 2026-11-26) put validation at about 5 ms a batch, the
inserts (the statement and its agent and activity rows) at about 15 ms and the commit at about
15 ms (WAL checkpoints copying pages back to the database file); PostgreSQL does the inserts
and the commit in its own process, which is why its CPU-time figure is higher.
${dialects.includes('postgres') ? '' : '\nPostgreSQL was not measured in this run (set ROUNDS_BENCH_POSTGRES_URL).\n'}
SQLite serialises writers, so parallel clients gain only by overlapping HTTP and validation
with another batch's write; PostgreSQL takes concurrent batches.

## Research view over 10,000 items and 1,000,000 statements

**Not yet measured.** The research view (correlations of engagement with learning gain, with
bootstrap intervals) exists (\`GET /api/orgs/{slug}/analytics/research\`) but is not yet in this
benchmark; timed by hand over 10,000 synthetic items it took about 2 to 4 s on a busy machine,
most of it in the bootstrap, against the target of 1 s.
`

if (!quick) {
  // The research section is measured by its own run (--research); keep the last one.
  const previous = existsSync(reportFile) ? readFileSync(reportFile, 'utf8') : ''
  const kept = previous.indexOf('## Research view over')
  writeFileSync(reportFile, kept < 0 ? report : withResearchSection(report, previous.slice(kept)))
  console.log('wrote docs/benchmarks/learning.md')
}
