import { type Executor, toIso } from '#src/platform/db/database.ts'

export type IssuerKeyRow = {
  id: string
  organisationId: string
  publicJwk: string
  /** Encrypted (platform/secrets.ts). */
  privateJwk: string
  createdAt: string
  retiredAt: string | null
}

/** An organisation's Ed25519 credential keys, oldest first. */
export async function listIssuerKeys(db: Executor, organisationId: string): Promise<IssuerKeyRow[]> {
  const rows = await db
    .selectFrom('credential_issuer_key')
    .select(['id', 'organisation_id', 'public_jwk', 'private_jwk', 'created_at', 'retired_at'])
    .where('organisation_id', '=', organisationId)
    .where('algorithm', '=', 'Ed25519')
    .orderBy('created_at')
    .orderBy('id')
    .execute()
  return rows.map((r) => ({
    id: r.id,
    organisationId: r.organisation_id,
    publicJwk: r.public_jwk,
    privateJwk: r.private_jwk,
    createdAt: toIso(r.created_at),
    retiredAt: toIso(r.retired_at),
  }))
}

export async function insertIssuerKey(
  db: Executor,
  k: { id: string; organisationId: string; publicJwk: string; privateJwk: string; createdAt: string },
): Promise<void> {
  await db
    .insertInto('credential_issuer_key')
    .values({
      id: k.id,
      organisation_id: k.organisationId,
      algorithm: 'Ed25519',
      public_jwk: k.publicJwk,
      private_jwk: k.privateJwk,
      created_at: k.createdAt,
      retired_at: null,
    })
    .execute()
}

/** The organisation a key belongs to, or null for a key Rounds does not hold. */
export async function findIssuerKeyOrganisation(db: Executor, kid: string): Promise<string | null> {
  const r = await db
    .selectFrom('credential_issuer_key')
    .select('organisation_id')
    .where('id', '=', kid)
    .executeTakeFirst()
  return r?.organisation_id ?? null
}
