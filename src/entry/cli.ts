import { writeFileSync } from 'node:fs'
import { Command, CommanderError, Option } from 'commander'
import { roles } from '#src/capabilities/accounts/accounts.schema.ts'
import {
  createOrganisationAsOperator,
  createUser,
  seedDemo,
} from '#src/capabilities/accounts/operator.service.ts'
import { verifyAuditChain } from '#src/capabilities/audit/audit.service.ts'
import { type Config, ConfigError, loadConfig } from '#src/platform/config.ts'
import { migrateToLatest } from '#src/platform/db/migrate.ts'
import { AppError } from '#src/platform/errors.ts'
import { createLogger } from '#src/platform/logger.ts'
import { openRounds, type Rounds } from './context.ts'
import { buildHttpApp } from './http.ts'
import { startServer } from './server.ts'
import { startWorker } from './worker.ts'

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
      const log = logFor(config)
      const server = await startServer(config, log)
      stopOnSignal(() => server.close())
    })

  program
    .command('worker')
    .description('Run background jobs in this process (use with WORKER_MODE=separate on the server)')
    .action(async () => {
      const config = loadConfig()
      const worker = await startWorker(config, logFor(config))
      stopOnSignal(() => worker.close())
    })

  program
    .command('migrate')
    .description('Bring the database schema up to date')
    .action(() =>
      withRounds(
        async (rounds) => {
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
        const created = await createOrganisationAsOperator(rounds.accounts, o)
        print(`Created organisation ${created.slug} (${created.id})`)
      }),
    )

  const audit = program.command('audit').description('The audit trail')
  audit
    .command('verify')
    .description('Check the hash chain; reports the first altered or missing event')
    .action(() =>
      withRounds(async (rounds) => {
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

  program
    .command('openapi')
    .description('Print (or write) the OpenAPI 3.1 document')
    .option('--out <file>', 'write to this file instead of stdout')
    .action((o: { out?: string }) =>
      withRounds(async (rounds) => {
        const res = await buildHttpApp(rounds).request('/api/openapi.json')
        const text = `${JSON.stringify(await res.json(), null, 2)}\n`
        if (o.out) writeFileSync(o.out, text)
        else process.stdout.write(text)
      }),
    )

  return program
}

function logFor(config: Config) {
  return createLogger({
    level: config.logLevel,
    pretty: config.env === 'development' && process.stdout.isTTY,
  })
}

async function withRounds(fn: (rounds: Rounds) => Promise<void>, options = { migrate: true }): Promise<void> {
  const config = loadConfig()
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

function exitCodeFor(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2
  if (error instanceof ConfigError) {
    process.stderr.write(`${error.message}\n`)
    return 2
  }
  if (error instanceof AppError) {
    const details = Array.isArray(error.details)
      ? `\n${(error.details as Array<{ path: string; message: string }>).map((d) => `  - ${d.path}: ${d.message}`).join('\n')}`
      : ''
    process.stderr.write(`Error (${error.code}): ${error.message}${details}\n`)
    return error.exitCode
  }
  process.stderr.write(`Unexpected error: ${error instanceof Error ? error.message : String(error)}\n`)
  return 1
}
