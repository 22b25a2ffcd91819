import { type Kysely, PostgresAdapter, type RawBuilder, sql } from 'kysely'

// Frozen once shipped: never import application code here, never edit after release.
// A fifth membership role, 'researcher'. PostgreSQL swaps the check constraint in place.
// SQLite cannot alter a constraint, so the table is rebuilt the documented way (new table,
// copy, drop, rename, indexes again); the migrator has foreign keys off meanwhile and
// checks them before it commits. https://www.sqlite.org/lang_altertable.html#otheralter

const widened = sql`role in ('admin', 'editor', 'reviewer', 'author', 'researcher')`
const narrow = sql`role in ('admin', 'editor', 'reviewer', 'author')`

export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceRoleCheck(db, widened)
}

/** Back to four roles: researcher memberships have no place in that schema and are removed. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`delete from membership where role = 'researcher'`.execute(db)
  await replaceRoleCheck(db, narrow)
}

async function replaceRoleCheck(db: Kysely<unknown>, check: RawBuilder<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await sql`alter table membership drop constraint membership_role_check`.execute(db)
    await sql`alter table membership add constraint membership_role_check check (${check})`.execute(db)
    return
  }
  await db.schema
    .createTable('membership_next')
    .addColumn('organisation_id', 'text', (c) =>
      c.notNull().references('organisation.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'text', (c) => c.notNull().references('auth_user.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('membership_pk', ['organisation_id', 'user_id', 'role'])
    .addCheckConstraint('membership_role_check', check)
    .execute()
  await sql`insert into membership_next (organisation_id, user_id, role, created_at)
    select organisation_id, user_id, role, created_at from membership`.execute(db)
  await db.schema.dropTable('membership').execute()
  await sql`alter table membership_next rename to membership`.execute(db)
  await db.schema.createIndex('membership_user_id_idx').on('membership').column('user_id').execute()
}
