import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { encryptSecret, type Keyring } from '#src/platform/secrets.ts'
import type { Forwarding, SetForwarding } from './lrs.schema.ts'
import { lrsClientAdmin } from './lrs-clients.service.ts'
import { forwardingSecretContext, forwardingStatus } from './xapi.forward.ts'
import type { XapiDeps } from './xapi.service.ts'

/**
 * An organisation's external LRS: admins set, read (never the secret) and remove it.
 * Statements stored from then on are forwarded; removing it drops the statements still
 * waiting (they stay in Rounds' own LRS).
 */
export type LrsDeps = XapiDeps & { keyring: Keyring; allowPrivateNetwork?: boolean }

export async function getForwarding(deps: LrsDeps, actor: Actor, slug: string): Promise<Forwarding | null> {
  const { org } = await lrsClientAdmin(deps, actor, slug)
  return (await forwardingStatus(deps.db, org.id)) as Forwarding | null
}

export async function setForwarding(
  deps: LrsDeps,
  actor: Actor,
  slug: string,
  input: SetForwarding,
): Promise<Forwarding> {
  const { org, actorId } = await lrsClientAdmin(deps, actor, slug)
  const endpoint = input.endpoint.endsWith('/') ? input.endpoint : `${input.endpoint}/`
  const secret = encryptSecret(deps.keyring, input.secret, forwardingSecretContext(org.id))
  const now = deps.clock.now().toISOString()
  await deps.db.transaction().execute(async (tx) => {
    const values = {
      endpoint,
      username: input.username,
      secret,
      version: input.version,
      updated_by: actorId,
      updated_at: now,
    }
    await tx
      .insertInto('lrs_forwarding')
      .values({ organisation_id: org.id, ...values })
      .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
      .execute()
    await recordAudit(tx, deps, {
      actorId,
      action: 'lrs_forwarding.set',
      resourceType: 'organisation',
      resourceId: org.id,
      organisationId: org.id,
      summary: { endpoint, username: input.username, version: input.version },
    })
  })
  return (await forwardingStatus(deps.db, org.id)) as Forwarding
}

export async function removeForwarding(deps: LrsDeps, actor: Actor, slug: string): Promise<void> {
  const { org, actorId } = await lrsClientAdmin(deps, actor, slug)
  await deps.db.transaction().execute(async (tx) => {
    const removed = await tx
      .deleteFrom('lrs_forwarding')
      .where('organisation_id', '=', org.id)
      .executeTakeFirst()
    if (Number(removed.numDeletedRows) === 0) return
    const dropped = await tx
      .deleteFrom('xapi_forward_outbox')
      .where('organisation_id', '=', org.id)
      .executeTakeFirst()
    await recordAudit(tx, deps, {
      actorId,
      action: 'lrs_forwarding.removed',
      resourceType: 'organisation',
      resourceId: org.id,
      organisationId: org.id,
      summary: { unsent: Number(dropped.numDeletedRows) },
    })
  })
}
