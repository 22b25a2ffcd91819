import { type Actor, can } from '#src/capabilities/accounts/accounts.policy.ts'
import { resolveOrganisation } from '#src/capabilities/accounts/accounts.service.ts'
import { recordAudit } from '#src/capabilities/audit/audit.service.ts'
import { notifyItemCorrected } from '#src/capabilities/notifications/notifications.service.ts'
import type { Executor } from '#src/platform/db/database.ts'
import { AppError } from '#src/platform/errors.ts'
import { findItem, findLatestVersion, type ItemRow } from './content.repository.ts'
import { applyItemTransition, type ContentDeps } from './content.service.ts'
import { nextState } from './content.state.ts'
import { insertCorrection, listCorrectionRows } from './corrections.repository.ts'
import type { Correction, CorrectionCreate } from './corrections.schema.ts'

/**
 * The item's correction notices, oldest first, with public fields only (the notice, the
 * version it corrects, when). For publishing, which shows them on the public page and
 * posts them to the channels: no permission check here, the caller decides.
 */
export function listCorrections(db: Executor, itemId: string): Promise<Correction[]> {
  return listCorrectionRows(db, itemId)
}

async function itemInOrganisation(deps: ContentDeps, actor: Actor, slug: string, itemId: string) {
  const org = await resolveOrganisation(deps, actor, slug, 'screening.use')
  const item = await findItem(deps.db, itemId)
  if (!item || item.organisationId !== org.id)
    throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
  return item
}

/** The item's correction notices (any member of its organisation: they are public once posted). */
export async function listItemCorrections(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
): Promise<Correction[]> {
  const item = await itemInOrganisation(deps, actor, slug, itemId)
  return listCorrections(deps.db, item.id)
}

/**
 * An editor posts a correction notice on a published (or already corrected) item: the
 * notice is stored against the current version, the item moves to `corrected`, and both
 * are audited in one transaction. The audit records the notice's id, never its text.
 */
export async function postCorrection(
  deps: ContentDeps,
  actor: Actor,
  slug: string,
  itemId: string,
  input: CorrectionCreate,
): Promise<Correction> {
  const item = await itemInOrganisation(deps, actor, slug, itemId)
  if (!can(actor, 'review.manage', { organisationId: item.organisationId }))
    throw new AppError('FORBIDDEN', { message: 'only an editor may post a correction' })
  assertCorrectable(item)
  const userId = actor.kind === 'user' ? actor.userId : null
  const id = deps.ids.next()
  await deps.db.transaction().execute(async (tx) => {
    const fresh = await findItem(tx, item.id)
    if (!fresh) throw new AppError('ITEM_NOT_FOUND', { message: `no item ${itemId}` })
    assertCorrectable(fresh)
    const version = await findLatestVersion(tx, item.id)
    if (!version) throw new AppError('VERSION_NOT_FOUND', { message: `item ${itemId} has no version` })
    await insertCorrection(tx, {
      id,
      itemId: item.id,
      versionId: version.id,
      notice: input.notice.trim(),
      postedBy: userId as string,
      postedAt: deps.clock.now().toISOString(),
    })
    await applyItemTransition(tx, deps, item.id, 'correct', userId, {
      versionId: version.id,
      version: version.number,
    })
    await recordAudit(tx, deps, {
      actorId: userId,
      action: 'content.correction_posted',
      resourceType: 'content_item',
      resourceId: item.id,
      organisationId: item.organisationId,
      summary: { correctionId: id, version: version.number, contentHash: version.contentHash },
    })
    await notifyItemCorrected(tx, deps, {
      itemId: item.id,
      organisationId: item.organisationId,
      authorId: fresh.authorId,
      title: fresh.fields.title,
      correctionId: id,
      notice: input.notice.trim(),
      editorId: userId,
    })
  })
  const all = await listCorrections(deps.db, item.id)
  return all.find((c) => c.id === id) as Correction
}

function assertCorrectable(item: ItemRow): void {
  if (!nextState(item.state, 'correct'))
    throw new AppError('ILLEGAL_TRANSITION', {
      message: `only a published item can be corrected; this one is ${item.state.replace('_', ' ')}`,
      details: { state: item.state, event: 'correct' },
    })
}
