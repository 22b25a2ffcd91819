import type { webcrypto } from 'node:crypto'
import { exportJwk, generateCryptoKeyPair, importJwk } from '@fedify/fedify'
import type { Clock, Ids } from '#src/platform/clock.ts'
import type { Db } from '#src/platform/db/database.ts'
import { decryptSecret, encryptSecret, type Keyring, type SecretColumn } from '#src/platform/secrets.ts'
import { insertActorKey, listActorKeys } from './federation.repository.ts'

/**
 * Each organisation's actor has two key pairs, made on first use and kept: RSA
 * (RSASSA-PKCS1-v1_5) signs HTTP requests, which every fediverse server checks; Ed25519 signs
 * object integrity proofs (FEP-8b32), which Fedify adds to outgoing activities. The private
 * half is stored as an encrypted JWK bound to its row.
 */
export const ACTOR_KEY_ALGORITHMS = ['RSASSA-PKCS1-v1_5', 'Ed25519'] as const

const keyContext = (id: string) => `federation_actor_key:${id}`

/** For `rounds secrets rotate`. */
export const actorKeySecretColumn: SecretColumn = {
  table: 'federation_actor_key',
  idColumn: 'id',
  column: 'private_jwk',
  context: keyContext,
}

export async function loadActorKeyPairs(
  deps: { db: Db; clock: Clock; ids: Ids; keyring: Keyring },
  organisationId: string,
): Promise<webcrypto.CryptoKeyPair[]> {
  let rows = await listActorKeys(deps.db, organisationId)
  const missing = ACTOR_KEY_ALGORITHMS.filter((a) => !rows.some((r) => r.algorithm === a))
  if (missing.length > 0) {
    for (const algorithm of missing) {
      const pair = await generateCryptoKeyPair(algorithm)
      const id = deps.ids.next()
      await insertActorKey(deps.db, {
        id,
        organisationId,
        algorithm,
        publicJwk: JSON.stringify(await exportJwk(pair.publicKey)),
        privateJwk: encryptSecret(
          deps.keyring,
          JSON.stringify(await exportJwk(pair.privateKey)),
          keyContext(id),
        ),
        createdAt: deps.clock.now().toISOString(),
      })
    }
    rows = await listActorKeys(deps.db, organisationId)
  }
  const byAlgorithm = (a: string) => rows.find((r) => r.algorithm === a)
  const pairs: webcrypto.CryptoKeyPair[] = []
  for (const algorithm of ACTOR_KEY_ALGORITHMS) {
    const row = byAlgorithm(algorithm)
    if (!row) continue
    pairs.push({
      publicKey: await importJwk(JSON.parse(row.publicJwk) as webcrypto.JsonWebKey, 'public'),
      privateKey: await importJwk(
        JSON.parse(decryptSecret(deps.keyring, row.privateJwk, keyContext(row.id))) as webcrypto.JsonWebKey,
        'private',
      ),
    })
  }
  return pairs
}
