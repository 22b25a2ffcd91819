import { contentHash } from '#src/capabilities/content/content.hash.ts'
import { insertItem, insertTransition, insertVersion } from '#src/capabilities/content/content.repository.ts'
import {
  type ItemFields,
  type ItemFieldsInput,
  type ItemKind,
  type ItemState,
  itemFieldsSchema,
} from '#src/capabilities/content/content.schema.ts'
import type { Rounds } from '#src/entry/context.ts'

/**
 * An item as the workflow leaves it: a version, and (when `published`) the transition into
 * `published` naming that version, then the item in `state`. For public-page tests, which
 * only read what the workflow wrote.
 */
export async function createItemInState(
  rounds: Rounds,
  options: {
    organisationId: string
    authorId: string
    state: ItemState
    published: boolean
    kind?: ItemKind
    fields?: ItemFieldsInput
    seriesId?: string | null
    publishedAt?: string
    /** Working-copy fields changed after the published version (must never be shown). */
    workingCopy?: ItemFieldsInput
  },
): Promise<{ id: string; versionId: string }> {
  const db = rounds.database.db
  const kind = options.kind ?? 'post'
  const fields = { ...itemFieldsSchema.parse(options.fields ?? {}), consents: [] } as ItemFields
  const id = rounds.ids.next()
  const versionId = rounds.ids.next()
  const at = options.publishedAt ?? new Date().toISOString()
  const working = options.workingCopy
    ? ({ ...itemFieldsSchema.parse(options.workingCopy), consents: [] } as ItemFields)
    : fields
  await insertItem(db, {
    id,
    organisationId: options.organisationId,
    authorId: options.authorId,
    seriesId: options.seriesId ?? null,
    kind,
    state: options.state,
    fields: working,
    contentHash: contentHash(kind, working),
    createdAt: at,
  })
  await insertVersion(db, {
    id: versionId,
    itemId: id,
    number: 1,
    kind,
    fields,
    contentHash: contentHash(kind, fields),
    createdBy: options.authorId,
    createdAt: at,
  })
  if (options.published) {
    await insertTransition(db, {
      id: rounds.ids.next(),
      itemId: id,
      event: 'publish',
      from: 'scheduled',
      to: 'published',
      versionId,
      reason: '',
      actorId: null,
      occurredAt: at,
    })
  }
  return { id, versionId }
}
