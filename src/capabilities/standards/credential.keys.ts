import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK } from 'jose'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db, Executor } from '#src/platform/db/database.ts'
import { decryptSecret, encryptSecret, type Keyring, type SecretColumn } from '#src/platform/secrets.ts'
import { CREDENTIAL_ALG } from './credential.jwt.ts'
import { type IssuerKeyRow, insertIssuerKey, listIssuerKeys } from './credential.repository.ts'

/**
 * Each organisation signs its Open Badges credentials with an Ed25519 key pair of its own,
 * made on first use. The private half is stored as an encrypted JWK bound to its row
 * (platform/secrets.ts); the public half is published as the organisation's JWKS. Retired
 * keys stay published so that credentials they signed still verify.
 */

export type IssuerKeyDeps = { db: Db; clock: Clock; ids: Ids; keyring: Keyring }

const keyContext = (id: string) => `credential_issuer_key:${id}`

/** For `rounds secrets rotate`. */
export const issuerKeySecretColumn: SecretColumn = {
  table: 'credential_issuer_key',
  idColumn: 'id',
  column: 'private_jwk',
  context: keyContext,
}

function publicKey(row: IssuerKeyRow): JWK {
  return { ...(JSON.parse(row.publicJwk) as JWK), kid: row.id, alg: CREDENTIAL_ALG, use: 'sig' }
}

/** The organisation's public keys as a JWKS (every key it ever signed with). */
export async function issuerJwks(db: Executor, organisationId: string): Promise<JSONWebKeySet> {
  return { keys: (await listIssuerKeys(db, organisationId)).map(publicKey) }
}

/**
 * The organisation's current signing key, made (and stored) if it has none. Two first uses
 * at once may each make one; both are kept and published, and the older one signs after.
 */
export async function loadIssuerSigningKey(
  deps: IssuerKeyDeps,
  organisationId: string,
): Promise<{ kid: string; privateKey: CryptoKey; publicJwk: JWK }> {
  let current = (await listIssuerKeys(deps.db, organisationId)).find((k) => !k.retiredAt)
  if (!current) {
    const pair = await generateKeyPair(CREDENTIAL_ALG, { crv: 'Ed25519', extractable: true })
    const id = deps.ids.next()
    await insertIssuerKey(deps.db, {
      id,
      organisationId,
      publicJwk: JSON.stringify(await exportJWK(pair.publicKey)),
      privateJwk: encryptSecret(
        deps.keyring,
        JSON.stringify(await exportJWK(pair.privateKey)),
        keyContext(id),
      ),
      createdAt: deps.clock.now().toISOString(),
    })
    current = (await listIssuerKeys(deps.db, organisationId)).find((k) => !k.retiredAt) as IssuerKeyRow
  }
  const privateJwk = JSON.parse(
    decryptSecret(deps.keyring, current.privateJwk, keyContext(current.id)),
  ) as JWK
  const privateKey = (await importJWK(privateJwk, CREDENTIAL_ALG)) as CryptoKey
  return { kid: current.id, privateKey, publicJwk: publicKey(current) }
}
