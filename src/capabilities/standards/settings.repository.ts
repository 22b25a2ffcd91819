import type { Executor } from '#src/platform/db/database.ts'
import { defaultOrganisationSettings, type OrganisationSettings } from './settings.schema.ts'

/** The organisation's settings, or the defaults where none were saved. */
export async function findOrganisationSettings(
  db: Executor,
  organisationId: string,
): Promise<OrganisationSettings> {
  const r = await db
    .selectFrom('organisation_settings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .executeTakeFirst()
  if (!r) return { ...defaultOrganisationSettings }
  return {
    guidance: r.guidance as OrganisationSettings['guidance'],
    trainingValidityMonths: Number(r.training_validity_months),
    reviewersRequired: Number(r.reviewers_required),
    approvalExpiryMonths: Number(r.approval_expiry_months),
  }
}

export async function saveOrganisationSettings(
  db: Executor,
  organisationId: string,
  settings: OrganisationSettings,
  by: { userId: string | null; at: string },
): Promise<void> {
  const values = {
    guidance: settings.guidance,
    training_validity_months: settings.trainingValidityMonths,
    reviewers_required: settings.reviewersRequired,
    approval_expiry_months: settings.approvalExpiryMonths,
    updated_at: by.at,
    updated_by: by.userId,
  }
  await db
    .insertInto('organisation_settings')
    .values({ organisation_id: organisationId, ...values })
    .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
    .execute()
}
