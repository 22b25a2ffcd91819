import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import SQLite from 'better-sqlite3'
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  type Dialect as KyselyDialect,
  PostgresDialect,
  SqliteAdapter,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
  type Transaction,
} from 'kysely'
import pg from 'pg'
import type { DB } from './schema.ts'

export type Db = Kysely<DB>
export type Tx = Transaction<DB>
/** Either the database or a transaction: what repositories accept. */
export type Executor = Kysely<DB> | Transaction<DB>
export type Dialect = 'sqlite' | 'postgres'

export type Database = {
  db: Db
  dialect: Dialect
  /** The SQLite file, or a PostgreSQL URL with any password removed (safe to print). */
  describe: string
  destroy(): Promise<void>
}

/**
 * Opens SQLite (`sqlite:PATH`) or PostgreSQL (`postgres://…`).
 * SQLite runs in WAL mode with a busy timeout and foreign keys on; its write transactions
 * begin IMMEDIATE so two processes (server and worker) queue for the write lock instead of
 * failing when a reader tries to become a writer.
 */
export function openDatabase(url: string): Database {
  const database = open(url)
  if (database.describe !== ':memory:')
    urls.set(database.db, database.dialect === 'sqlite' ? `sqlite:${database.describe}` : url)
  return database
}

/** The URL each opened database came from (never printed: a PostgreSQL URL may hold a password). */
const urls = new WeakMap<object, string>()

/**
 * The URL to open another connection to the same data, as a worker thread does; undefined for an
 * in-memory SQLite database, which no other connection can see.
 */
export function databaseUrlOf(db: object): string | undefined {
  return urls.get(db)
}

function open(url: string): Database {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length)
    const path = file === ':memory:' ? ':memory:' : resolve(file)
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
    const sqlite = new SQLite(path)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('busy_timeout = 10000')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('synchronous = NORMAL')
    const db = new Kysely<DB>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) })
    return { db, dialect: 'sqlite', describe: path, destroy: () => db.destroy() }
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => {})
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return { db, dialect: 'postgres', describe: redactUrl(url), destroy: () => db.destroy() }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return 'postgres://(unparseable)'
  }
}

class ImmediateSqliteDialect implements KyselyDialect {
  readonly #base: SqliteDialect
  readonly #config: SqliteDialectConfig
  constructor(config: SqliteDialectConfig) {
    this.#config = config
    this.#base = new SqliteDialect(config)
  }
  createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config)
  }
  createQueryCompiler() {
    return this.#base.createQueryCompiler()
  }
  createAdapter() {
    return new TransactionalDdlSqliteAdapter()
  }
  createIntrospector(db: Kysely<unknown>) {
    return this.#base.createIntrospector(db)
  }
}

/**
 * SQLite's DDL is transactional, though Kysely's adapter does not say so. Saying so lets
 * `migrateToLatest` run the migrator inside one IMMEDIATE transaction (see migrate.ts).
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
}

/** Dates from either driver as ISO-8601 UTC strings (pg gives Date, SQLite gives text). */
export function toIso(value: Date | string): string
export function toIso(value: Date | string | null): string | null
export function toIso(value: Date | string | null): string | null {
  if (value === null) return null
  if (value instanceof Date) return value.toISOString()
  // SQLite's own clock (CURRENT_TIMESTAMP, datetime('now')) writes UTC with no zone, which
  // Date would read as local time.
  const utc = ZONELESS_DATE_TIME.test(value) ? `${value.replace(' ', 'T')}Z` : value
  return new Date(utc).toISOString()
}

const ZONELESS_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/
