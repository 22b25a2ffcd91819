import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { type AccountsDeps, resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { findOrganisationSettings, saveOrganisationSettings } from './settings.repository.ts'
import type { OrganisationSettings } from './settings.schema.ts'

/** Any member may read their organisation's settings (they shape what members must do). */
export async function getOrganisationSettings(deps: AccountsDeps, actor: Actor, slug: string) {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  return findOrganisationSettings(deps.db, org.id)
}

/** Admins change the settings; the change is audited with before and after. */
export async function updateOrganisationSettings(
  deps: AccountsDeps,
  actor: Actor,
  slug: string,
  patch: Partial<OrganisationSettings>,
): Promise<OrganisationSettings> {
  const org = await resolveOrganisation(deps, actor, slug, 'organisation.manage')
  const actorId = actor.kind === 'user' ? actor.userId : null
  return deps.db.transaction().execute(async (tx) => {
    const before = await findOrganisationSettings(tx, org.id)
    const after = {
      ...before,
      ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)),
    }
    await saveOrganisationSettings(tx, org.id, after, { userId: actorId, at: deps.clock.now().toISOString() })
    await recordAudit(tx, deps, {
      actorId,
      action: 'organisation.settings_changed',
      resourceType: 'organisation',
      resourceId: org.id,
      organisationId: org.id,
      summary: { before, after },
    })
    return after
  })
}
