import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import type { TableMetadata } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Dialect } from '#src/platform/db/database.ts'
import { openTestDatabase, testDialects } from '#test/support/database.ts'

/**
 * `src/platform/db/schema.ts` is written by hand; the migrations make the real schema. This
 * compares the two, so a column added to one and not the other fails here rather than at
 * run time. The `DB` interface is read from the file's text, so nothing needs listing twice.
 */
const schemaFile = resolve(import.meta.dirname, '../../src/platform/db/schema.ts')

type DeclaredColumn = { type: string; nullable: boolean; timestamp: boolean; flag: boolean }
type DeclaredSchema = Record<string, Record<string, DeclaredColumn>>

function parseSchema(text: string): DeclaredSchema {
  const interfaces = new Map<string, string>()
  for (const m of text.matchAll(/export interface (\w+) \{([^}]*)\}/g)) interfaces.set(m[1] ?? '', m[2] ?? '')
  const body = interfaces.get('DB')
  if (body === undefined) throw new Error('schema.ts has no DB interface')
  const fields = (source: string) =>
    source
      .split('\n')
      .map((line) => line.replace(/\/\/.*$/, '').trim())
      .filter((line) => line && !line.startsWith('/*') && !line.startsWith('*'))
      .map((line) => {
        const m = /^(\w+)\??:\s*(.+)$/.exec(line)
        if (!m?.[1] || !m[2]) throw new Error(`cannot read "${line}" in schema.ts`)
        return [m[1], m[2].trim()] as const
      })
  const schema: DeclaredSchema = {}
  for (const [table, interfaceName] of fields(body)) {
    const columns = interfaces.get(interfaceName)
    if (columns === undefined)
      throw new Error(`schema.ts: DB.${table} names ${interfaceName}, which is not declared`)
    schema[table] = Object.fromEntries(
      fields(columns).map(([name, type]) => [
        name,
        {
          type,
          nullable: /\bnull\b/.test(type) || type === 'NullableTimestamp',
          timestamp: type === 'Timestamp' || type === 'NullableTimestamp',
          flag: type === 'Flag',
        },
      ]),
    )
  }
  return schema
}

/** Every difference between the declared and the migrated schema, one line each. */
function diffSchema(declared: DeclaredSchema, tables: TableMetadata[], dialect: Dialect): string[] {
  const problems: string[] = []
  const actual = new Map(tables.map((t) => [t.name, new Map(t.columns.map((c) => [c.name, c]))]))
  for (const table of Object.keys(declared))
    if (!actual.has(table)) problems.push(`${table}: declared, not in the database`)
  for (const [table, columns] of actual) {
    const declaredColumns = declared[table]
    if (!declaredColumns) {
      problems.push(`${table}: in the database, not declared`)
      continue
    }
    for (const name of Object.keys(declaredColumns)) {
      if (!columns.has(name)) problems.push(`${table}.${name}: declared, not in the database`)
    }
    for (const [name, column] of columns) {
      const d = declaredColumns[name]
      if (!d) {
        problems.push(`${table}.${name}: in the database, not declared`)
        continue
      }
      // SQLite lets even a primary key hold NULL unless it says NOT NULL, so on SQLite only a
      // NOT NULL column declared nullable counts; PostgreSQL is compared both ways.
      const nullableMismatch =
        dialect === 'postgres' ? d.nullable !== column.isNullable : d.nullable && !column.isNullable
      if (nullableMismatch) {
        problems.push(
          `${table}.${name}: declared ${d.nullable ? 'nullable' : 'not null'}, is ${column.isNullable ? 'nullable' : 'not null'}`,
        )
      }
      if (dialect === 'postgres') {
        if (d.timestamp !== (column.dataType === 'timestamptz')) {
          problems.push(`${table}.${name}: declared ${d.type}, is ${column.dataType}`)
        }
        if (d.flag !== (column.dataType === 'bool')) {
          problems.push(`${table}.${name}: declared ${d.type}, is ${column.dataType}`)
        }
      }
    }
  }
  return problems
}

describe('the schema comparison', () => {
  const declared = parseSchema(`
    type Timestamp = ColumnType<Date | string, string, string>
    export interface ThingTable {
      id: string
      // a comment
      note: string | null
      seen_at: NullableTimestamp
    }
    export interface DB {
      thing: ThingTable
    }
  `)
  const table = (columns: [string, boolean][]): TableMetadata => ({
    name: 'thing',
    isView: false,
    isForeign: false,
    columns: columns.map(([name, isNullable]) => ({
      name,
      isNullable,
      dataType: name === 'seen_at' ? 'timestamptz' : 'text',
      isAutoIncrementing: false,
      hasDefaultValue: false,
    })),
  })
  const matching = table([
    ['id', false],
    ['note', true],
    ['seen_at', true],
  ])

  it('reads tables, columns and nullability from the DB interface', () => {
    expect(declared).toEqual({
      thing: {
        id: { type: 'string', nullable: false, timestamp: false, flag: false },
        note: { type: 'string | null', nullable: true, timestamp: false, flag: false },
        seen_at: { type: 'NullableTimestamp', nullable: true, timestamp: true, flag: false },
      },
    })
  })

  it.each([
    { case: 'a match', tables: [matching], problems: [] },
    {
      case: 'a column only in the database',
      tables: [
        table([
          ['id', false],
          ['note', true],
          ['seen_at', true],
          ['extra', true],
        ]),
      ],
      problems: ['thing.extra: in the database, not declared'],
    },
    {
      case: 'a column only declared',
      tables: [
        table([
          ['id', false],
          ['seen_at', true],
        ]),
      ],
      problems: ['thing.note: declared, not in the database'],
    },
    {
      case: 'a table only in the database',
      tables: [matching, { ...matching, name: 'other' }],
      problems: ['other: in the database, not declared'],
    },
    { case: 'a table only declared', tables: [], problems: ['thing: declared, not in the database'] },
    {
      case: 'a nullable column declared not null',
      tables: [
        table([
          ['id', true],
          ['note', true],
          ['seen_at', true],
        ]),
      ],
      problems: ['thing.id: declared not null, is nullable'],
    },
    {
      case: 'a not null column declared nullable',
      tables: [
        table([
          ['id', false],
          ['note', false],
          ['seen_at', true],
        ]),
      ],
      problems: ['thing.note: declared nullable, is not null'],
    },
  ])('finds $case', ({ tables, problems }) => {
    expect(diffSchema(declared, tables, 'postgres')).toEqual(problems)
  })
})

describe.each(testDialects)('schema.ts against the migrated database on %s', (dialect) => {
  let database: Awaited<ReturnType<typeof openTestDatabase>>
  beforeAll(async () => {
    database = await openTestDatabase(dialect)
  })
  afterAll(() => database.close())

  it('declares every table and column the migrations make, and no other', async () => {
    const declared = parseSchema(readFileSync(schemaFile, 'utf8'))
    expect(Object.keys(declared)).toContain('job')
    const tables = await database.db.introspection.getTables()
    expect(diffSchema(declared, tables, dialect)).toEqual([])
  })
})
