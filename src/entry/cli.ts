import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import { roles } from '#src/capabilities/accounts/accounts.schema.ts'
import { itemKinds } from '#src/capabilities/content/content.schema.ts'
import type { MediaScreener } from '#src/capabilities/screening/screening.cli.ts'
import type { PolicyInput } from '#src/capabilities/screening/screening.schema.ts'
import { type Config, ConfigError, loadConfig } from '#src/platform/config.ts'
import { AppError } from '#src/platform/errors.ts'
import type { Rounds } from './context.ts'

// Only what the command tree needs is imported here. Each action imports its capabilities
// (the database, the media analysers, the federation and PDF libraries...) when it runs, so
// `rounds --help` and `rounds screen` do not pay for loading all of Rounds.

/** The `rounds` command. Each action parses options, calls a use-case, prints the result. */
export function buildCli(): Command {
  const program = new Command('rounds')
    .description('Rounds: publish medical education on social media safely, and find out whether it teaches.')
    .showHelpAfterError()
    .exitOverride()

  program
    .command('serve')
    .description('Run the web server (and the job worker, unless WORKER_MODE=separate)')
    .action(async () => {
      const config = loadConfig()
      const log = await logFor(config)
      const { startServer } = await import('./server.ts')
      const server = await startServer(config, log)
      stopOnSignal(() => server.close())
    })

  program
    .command('worker')
    .description('Run background jobs in this process (use with WORKER_MODE=separate on the server)')
    .action(async () => {
      const config = loadConfig()
      const { startWorker } = await import('./worker.ts')
      const worker = await startWorker(config, await logFor(config))
      stopOnSignal(() => worker.close())
    })

  program
    .command('migrate')
    .description('Bring the database schema up to date')
    .action(() =>
      withRounds(
        async (rounds) => {
          const { migrateToLatest } = await import('#src/platform/db/migrate.ts')
          const result = await migrateToLatest(rounds.database.db)
          print(
            result.applied.length
              ? `Applied ${result.applied.length} migration(s) to ${rounds.database.describe}:\n${result.applied.map((m) => `  ${m}`).join('\n')}`
              : `Database ${rounds.database.describe} is up to date.`,
          )
        },
        { migrate: false },
      ),
    )

  program
    .command('seed')
    .description('Seed data (idempotent)')
    .requiredOption('--demo', 'the demo organisation "demo" with one user per role')
    .action(() =>
      withRounds(async (rounds) => {
        const { startTraining } = await import('#src/capabilities/standards/training.jobs.ts')
        const { seedDemo } = await import('#src/capabilities/accounts/operator.service.ts')
        const training = await startTraining(rounds.accounts)
        const r = await seedDemo(rounds.operator, {
          env: rounds.config.env,
          explicit: true,
          password: rounds.config.demoPassword,
        })
        print(
          [
            `Organisation: ${r.organisation}`,
            ...r.created.map((e) => `  created  ${e}`),
            ...r.existing.map((e) => `  exists   ${e}`),
            r.created.length ? `Password for new demo accounts: ${r.password}` : '',
            r.syntheticItems
              ? `Synthetic demo data: ${r.syntheticItems} published items with learners and metrics`
              : '',
            `Training content: ${training.lessonVersions} lesson and ${training.questionVersions} question version(s) added`,
          ]
            .filter(Boolean)
            .join('\n'),
        )
      }),
    )

  const user = program.command('user').description('Manage users')
  user
    .command('create')
    .description('Create a user with a password, optionally in an organisation with a role')
    .requiredOption('--email <email>', 'sign-in email')
    .requiredOption('--password <password>', 'at least 12 characters')
    .requiredOption('--name <name>', 'full name as shown to others')
    .option('--org <slug>', 'organisation to join')
    .addOption(new Option('--role <role>', 'role in that organisation').choices([...roles]))
    .action(
      (o: { email: string; password: string; name: string; org?: string; role?: (typeof roles)[number] }) =>
        withRounds(async (rounds) => {
          if (o.role && !o.org) throw new AppError('VALIDATION_FAILED', { message: '--role needs --org' })
          const { createUser } = await import('#src/capabilities/accounts/operator.service.ts')
          const created = await createUser(rounds.operator, o)
          print(
            `Created user ${created.email} (${created.id})${o.org ? ` in ${o.org} as ${o.role ?? 'author'}` : ''}`,
          )
        }),
    )

  const org = program.command('org').description('Manage organisations')
  org
    .command('create')
    .description(
      'Create an organisation (add its first admin with `rounds user create --org SLUG --role admin`)',
    )
    .requiredOption('--slug <slug>', 'short address, e.g. st-marys-teaching')
    .requiredOption('--name <name>', 'display name')
    .option('--description <text>', 'what the organisation publishes')
    .action((o: { slug: string; name: string; description?: string }) =>
      withRounds(async (rounds) => {
        const { createOrganisationAsOperator } = await import(
          '#src/capabilities/accounts/operator.service.ts'
        )
        const created = await createOrganisationAsOperator(rounds.accounts, o)
        print(`Created organisation ${created.slug} (${created.id})`)
      }),
    )

  program
    .command('screen')
    .description(
      'Screen drafts for patient identifiers, unsupported claims, commercial interests, professionalism and platform fit',
    )
    .argument(
      '[files...]',
      'Markdown or text (body), SRT/VTT (captions), JSON (a full screening input), or an image, DICOM scan or video (told by content); - for stdin',
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--jsonl <file>',
      'read {"id","text","lang"?} lines (- for stdin); write {"id","findings"} lines, in order',
    )
    .option(
      '--redact [dir]',
      'print the text with blocking findings replaced by their suggestions; with a folder, write redacted copies there instead (for images, scans and videos: the sanitised and redacted files)',
    )
    .addOption(
      new Option('--lang <lang>', 'language of the text').choices(['en', 'es', 'auto']).default('auto'),
    )
    .option('--org <slug>', "apply this organisation's policy (reads the database)")
    .option('--policy <file>', 'apply the policy in this JSON file')
    .addHelpText('after', '\nExit codes: 0 no blocking findings, 1 blocking findings, 2 bad input.')
    .action(async (files: string[], o: ScreenOptions) => {
      const outcome = await runScreen(files, o)
      process.exitCode = outcome.exitCode
    })

  const item = program.command('item').description('Content items, as code: create, submit, show')
  item
    .command('create')
    .description(
      'Create a draft from a Markdown file (its first "# heading" is the title) and print it as JSON',
    )
    .requiredOption('--org <slug>', 'organisation')
    .requiredOption('--as <email>', 'act as this user (their permissions apply)')
    .addOption(new Option('--kind <kind>', 'item kind').choices([...itemKinds]).makeOptionMandatory())
    .requiredOption('--file <file>', 'Markdown draft')
    .option('--title <title>', 'title (default: the first # heading)')
    .addOption(new Option('--voice <voice>', 'voice label').choices(['professional', 'personal']))
    .action(
      (o: {
        org: string
        as: string
        kind: (typeof itemKinds)[number]
        file: string
        title?: string
        voice?: 'professional' | 'personal'
      }) =>
        withRounds(async (rounds) => {
          const { actorForEmail, parseDraft } = await import('#src/capabilities/content/content.cli.ts')
          const { createItem } = await import('#src/capabilities/content/content.service.ts')
          const draft = parseDraft(readFileSync(o.file, 'utf8'), o.title)
          const actor = await actorForEmail(rounds.accounts, o.as)
          const created = await createItem(rounds.accounts, actor, o.org, {
            kind: o.kind,
            ...draft,
            ...(o.voice ? { voice: o.voice } : {}),
          })
          print(JSON.stringify(created, null, 2))
        }),
    )
  item
    .command('submit')
    .description(
      'Submit an item for review as its author: the standards gate, then screening of the exact version',
    )
    .argument('<id>', 'item id')
    .requiredOption('--as <email>', 'act as this user (their permissions apply)')
    .addHelpText(
      'after',
      '\nExit codes: 0 submitted, 3 not allowed or not ready (TRAINING_REQUIRED, ...), 4 no such item, 5 illegal transition, 8 SCREENING_BLOCKED.',
    )
    .action((id: string, o: { as: string }) =>
      withRounds(async (rounds) => {
        const { actorForEmail } = await import('#src/capabilities/content/content.cli.ts')
        const { submitItem } = await import('#src/capabilities/content/content.service.ts')
        const actor = await actorForEmail(rounds.accounts, o.as)
        const r = await submitItem(rounds.accounts, actor, null, id)
        print(r.item.state)
      }),
    )
  item
    .command('show')
    .description('Show an item with its state and latest version (as the operator, or --as a user)')
    .argument('<id>', 'item id')
    .option('--as <email>', 'act as this user (their permissions apply)')
    .option('--json', 'print JSON')
    .action((id: string, o: { as?: string; json?: boolean }) =>
      withRounds(async (rounds) => {
        const { actorForEmail } = await import('#src/capabilities/content/content.cli.ts')
        const { getItem, getItemAsOperator } = await import('#src/capabilities/content/content.service.ts')
        const shown = o.as
          ? await getItem(rounds.accounts, await actorForEmail(rounds.accounts, o.as), null, id)
          : await getItemAsOperator(rounds.accounts, id)
        if (o.json) print(JSON.stringify(shown, null, 2))
        else
          print(
            [
              `${shown.fields.title || '(untitled)'} [${shown.kind}]`,
              `  id       ${shown.id}`,
              `  state    ${shown.state}`,
              `  author   ${shown.author.name}`,
              `  version  ${shown.latestVersion ? `${shown.latestVersion.number} (${shown.latestVersion.contentHash})` : 'none yet'}`,
              ...shown.overrides.map((v) => `  override ${v.ruleId} "${v.text}": ${v.reason}`),
            ].join('\n'),
          )
      }),
    )

  const lrsClient = program
    .command('lrs-client')
    .description('Credentials for the built-in Learning Record Store')
  lrsClient
    .command('create')
    .description(
      'Create LRS client credentials; prints {"key","secret","endpoint"} as JSON (the secret only now)',
    )
    .requiredOption('--org <slug>', 'organisation whose statements the client reads and writes')
    .requiredOption('--name <name>', 'what the client is, e.g. "Moodle"')
    .action((o: { org: string; name: string }) =>
      withRounds(async (rounds) => {
        const { requireOrganisation } = await import('#src/capabilities/accounts/accounts.service.ts')
        const { createLrsClient } = await import('#src/capabilities/learning/xapi/lrs-clients.service.ts')
        const organisation = await requireOrganisation(rounds.accounts, o.org)
        const created = await createLrsClient(rounds.learning, {
          organisationId: organisation.id,
          name: o.name,
          actorId: null,
        })
        print(JSON.stringify({ key: created.key, secret: created.secret, endpoint: created.endpoint }))
      }),
    )

  const audit = program.command('audit').description('The audit trail')
  audit
    .command('verify')
    .description('Check the hash chain; reports the first altered or missing event')
    .action(() =>
      withRounds(async (rounds) => {
        const { verifyAuditChain } = await import('#src/capabilities/audit/audit.service.ts')
        const result = await verifyAuditChain(rounds.database.db)
        if (result.ok) {
          print(`Audit chain intact: ${result.checked} event(s) verified.`)
        } else {
          throw new AppError('AUDIT_CHAIN_BROKEN', {
            message: `Audit chain broken at event ${result.brokenAt}: ${result.reason} (${result.checked} event(s) verified before it).`,
          })
        }
      }),
    )

  const secrets = program.command('secrets').description('Secrets stored encrypted (platform tokens)')
  secrets
    .command('rotate')
    .description(
      'Re-encrypt every stored secret under the first key in ROUNDS_ENCRYPTION_KEYS; afterwards older keys can be removed',
    )
    .action(() =>
      withRounds(async (rounds) => {
        const { rotateSecrets } = await import('#src/platform/secrets.ts')
        const { storedSecretColumns } = await import('./stored-secrets.ts')
        const report = await rotateSecrets(
          rounds.database.db,
          rounds.config.encryptionKeys,
          storedSecretColumns,
        )
        print(
          `Secrets rotated to key ${report.keyId}: ${report.rotated} re-encrypted, ${report.alreadyCurrent} already under it.`,
        )
      }),
    )

  program
    .command('openapi')
    .description('Print (or write) the OpenAPI 3.1 document')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((o: { out?: string }) =>
      withRounds(async (rounds) => {
        const { buildHttpApp } = await import('./http.ts')
        const res = await buildHttpApp(rounds).request('/api/openapi.json')
        const text = `${JSON.stringify(await res.json(), null, 2)}\n`
        if (o.out) writeFileSync(o.out, text)
        else process.stdout.write(text)
      }),
    )

  return program
}

type ScreenOptions = {
  json?: boolean
  jsonl?: string
  redact?: boolean | string
  lang: 'en' | 'es' | 'auto'
  org?: string
  policy?: string
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile()
  } catch {
    return false
  }
}

/** `rounds screen`: needs no database unless --org names an organisation policy. */
async function runScreen(files: string[], o: ScreenOptions) {
  const { compilePolicy } = await import('#src/capabilities/screening/evaluate.ts')
  let policy = compilePolicy({})
  try {
    if (o.policy) policy = compilePolicy(JSON.parse(readFileSync(o.policy, 'utf8')) as PolicyInput)
  } catch (e) {
    throw new AppError('VALIDATION_FAILED', { message: `${o.policy} is not a valid policy`, cause: e })
  }
  if (o.org) {
    const slug = o.org
    await withRounds(async (rounds) => {
      const { requireOrganisation } = await import('#src/capabilities/accounts/accounts.service.ts')
      const { currentPolicy } = await import('#src/capabilities/screening/screening.service.ts')
      const org = await requireOrganisation(rounds.accounts, slug)
      policy = await currentPolicy(rounds.accounts, org)
    })
  }
  const { screenFiles, screenJsonl } = await import('#src/capabilities/screening/screening.cli.ts')
  if (o.jsonl) return screenJsonl(o.jsonl, { language: o.lang, policy }, process.stdout)
  // `--redact` takes an optional folder. A value that names an existing file (or -) is the
  // first file to screen, so `rounds screen --redact draft.md` still prints the redacted text.
  let redactDir: string | undefined
  if (typeof o.redact === 'string') {
    if (o.redact === '-' || isFile(o.redact)) files = [o.redact, ...files]
    else redactDir = o.redact
  }
  if (files.length === 0)
    throw new AppError('VALIDATION_FAILED', {
      message: 'name at least one file (or - for stdin), or use --jsonl',
    })
  const { createNodeAnalysers } = await import('#src/capabilities/media/media.analysers.node.ts')
  const { detectMediaFile, screenMediaFile } = await import('#src/capabilities/media/media.cli.ts')
  const { DEFAULT_MAX_PIXELS } = await import('#src/capabilities/media/media.image.ts')
  const analysers = createNodeAnalysers()
  const media: MediaScreener = {
    detect: (path) => detectMediaFile(path),
    screen: (path, detected, outDir) =>
      screenMediaFile(path, detected as NonNullable<Awaited<ReturnType<typeof detectMediaFile>>>, {
        policy,
        analysers,
        maxPixels: DEFAULT_MAX_PIXELS,
        outDir,
      }),
  }
  try {
    return await screenFiles(
      files,
      {
        json: !!o.json,
        redact: !!o.redact,
        redactDir,
        language: o.lang,
        policy,
        media,
      },
      process.stdout,
    )
  } finally {
    await analysers.close()
  }
}

async function logFor(config: Config) {
  const { createLogger } = await import('#src/platform/logger.ts')
  return createLogger({
    level: config.logLevel,
    pretty: config.env === 'development' && process.stdout.isTTY,
  })
}

async function withRounds(fn: (rounds: Rounds) => Promise<void>, options = { migrate: true }): Promise<void> {
  const config = loadConfig()
  const { openRounds } = await import('./context.ts')
  const { createLogger } = await import('#src/platform/logger.ts')
  const { migrateToLatest } = await import('#src/platform/db/migrate.ts')
  const rounds = openRounds(config, {
    log: createLogger({ level: config.env === 'test' ? 'silent' : 'warn' }),
  })
  try {
    if (options.migrate) await migrateToLatest(rounds.database.db)
    await fn(rounds)
  } finally {
    await rounds.close()
  }
}

function print(text: string): void {
  process.stdout.write(`${text}\n`)
}

function stopOnSignal(stop: () => Promise<void>): void {
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    })
  }
}

/** Runs the CLI; maps errors to messages and exit codes (see platform/errors.ts). */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv)
  } catch (error) {
    process.exitCode = exitCodeFor(error)
  }
}

/** One line per detail: a field problem (path), a screening finding (ruleId, text), or a readiness gap (code). */
function describeDetail(d: Record<string, unknown>): string {
  if (typeof d.ruleId === 'string')
    return `  - ${d.ruleId} ${String(d.field)}${quizPlace(d.quiz)} ${String(d.start)}-${String(d.end)} "${String(d.text)}": ${String(d.message)}`
  if (typeof d.path === 'string') return `  - ${d.path}: ${String(d.message)}`
  if (typeof d.code === 'string') return `  - ${d.code}: ${String(d.message)}`
  return `  - ${JSON.stringify(d)}`
}

/** For a finding in the quiz: " (question 2, explanation)". */
function quizPlace(q: unknown): string {
  if (typeof q !== 'object' || q === null) return ''
  const { question, part, optionId } = q as { question?: unknown; part?: unknown; optionId?: unknown }
  const where = part === 'option' && typeof optionId === 'string' ? `option ${optionId}` : String(part)
  return ` (question ${String(question)}, ${where})`
}

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
    return 2
  }
  if (error instanceof AppError) {
    const details = Array.isArray(error.details)
      ? `\n${(error.details as Array<Record<string, unknown>>).map(describeDetail).join('\n')}`
      : ''
    process.stderr.write(`Error (${error.code}): ${error.message}${details}\n`)
    return error.exitCode
  }
  process.stderr.write(`Unexpected error: ${error instanceof Error ? error.message : String(error)}\n`)
  return 1
}
