import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import type { ItemFieldsInput, ItemKind } from '#src/capabilities/content/content.schema.ts'
import { createItem, submitItem } from '#src/capabilities/content/content.service.ts'
import type {
  ChannelAccount,
  PreviewSet,
  Publication,
} from '#src/capabilities/publishing/publishing.schema.ts'
import {
  assignReviewers,
  decideReview,
  saveReview,
  submitReview,
} from '#src/capabilities/review/review.service.ts'
import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import { createTestMember } from '#test/support/factories.ts'
import { completeReview } from '#test/support/review-flow.ts'
import { call, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectJson } from './helpers.ts'

/**
 * The set-up publishing route tests share: an organisation whose author may publish
 * (certificate, disclosure), items taken through submission, two reviews and acceptance,
 * media already screened, accounts connected through the OAuth routes, and publishing
 * through the preview and publish routes.
 */
export type PublishingWorld = Awaited<ReturnType<typeof createOrgWithRoles>>

export async function createPublishingWorld(rounds: TestRounds, name: string): Promise<PublishingWorld> {
  const w = await createOrgWithRoles(rounds, { name })
  await issueCertificateAsOperator(rounds.accounts, { email: w.author.email, organisationId: w.org.id })
  await attestAsOperator(rounds.accounts, { email: w.author.email, kind: 'none' })
  return w
}

/** An item by the world's author through submission, two reviews and the editor's acceptance; its id. */
export async function createApprovedItem(
  rounds: TestRounds,
  w: PublishingWorld,
  fields: ItemFieldsInput & { kind?: ItemKind },
  beforeSubmit?: (itemId: string) => Promise<void>,
): Promise<string> {
  const author = await loadActor(rounds.accounts, w.author.id)
  const { kind = 'post', ...rest } = fields
  const created = await createItem(rounds.accounts, author, w.org.slug, { kind, ...rest })
  await beforeSubmit?.(created.id)
  await submitItem(rounds.accounts, author, w.org.slug, created.id)
  const other = await createTestMember(rounds, w.org.id, ['reviewer'])
  const editor = await loadActor(rounds.accounts, w.editor.id)
  const round = await assignReviewers(rounds.accounts, editor, w.org.slug, created.id, {
    reviewerIds: [w.reviewer.id, other.id],
  })
  for (const r of round.reviews) {
    const reviewer = await loadActor(rounds.accounts, r.reviewer.id as string)
    await saveReview(
      rounds.accounts,
      reviewer,
      w.org.slug,
      created.id,
      r.assignmentId as string,
      completeReview,
    )
    await submitReview(rounds.accounts, reviewer, w.org.slug, created.id, r.assignmentId as string)
  }
  await decideReview(rounds.accounts, editor, w.org.slug, created.id, {
    decision: 'accept',
    message: 'Good.',
  })
  return created.id
}

/**
 * A media upload that passed screening: its sanitised derivative stored (what publishing
 * sends) and an original in quarantine (which must never leave).
 */
export async function storeScreenedMedia(
  rounds: TestRounds,
  w: PublishingWorld,
  itemId: string,
  file: {
    id: string
    kind: 'image' | 'video'
    filename: string
    mime: string
    bytes: Buffer
    width: number
    height: number
    duration: number | null
    original: string
  },
): Promise<void> {
  const now = new Date().toISOString()
  const { bytes } = file
  await rounds.database.db
    .insertInto('media_upload')
    .values({
      id: file.id,
      organisation_id: w.org.id,
      item_id: itemId,
      uploaded_by: w.author.id,
      kind: file.kind,
      filename: file.filename,
      mime: file.mime,
      size: bytes.length,
      received: bytes.length,
      status: 'ready',
      stage: 'done',
      progress: 1,
      error_code: null,
      error_message: null,
      width: file.width,
      height: file.height,
      duration: file.duration,
      metadata: '[]',
      findings: '[]',
      derivatives: JSON.stringify({
        derivatives: [
          { name: 'sanitised', mime: file.mime, size: bytes.length, width: file.width, height: file.height },
        ],
        frames: [],
      }),
      created_at: now,
      updated_at: now,
      screened_at: now,
    })
    .execute()
  await rounds.media.storage.derivatives.put(`${file.id}/sanitised`, bytes)
  await rounds.media.storage.quarantine.put(`${file.id}/original`, Buffer.from(file.original))
}

/** The editor connects the channel through the OAuth routes, following the fake's consent redirect. */
export async function connectByOAuth(
  rounds: TestRounds,
  w: PublishingWorld,
  channel: ChannelId,
): Promise<ChannelAccount> {
  const base = `/api/orgs/${w.org.slug}/channels/${channel}`
  const start = await expectJson<{ authorizeUrl: string; state: string }>(
    await call(rounds, 'POST', `${base}/oauth/start`, {
      cookie: w.editor.cookie,
      body: { redirectUri: `http://localhost:3000/publishing/callback/${channel}` },
    }),
    200,
  )
  const code = new URL(
    (await fetch(start.authorizeUrl, { redirect: 'manual' })).headers.get('location') as string,
  ).searchParams.get('code') as string
  return expectJson<ChannelAccount>(
    await call(rounds, 'POST', `${base}/oauth/callback`, {
      cookie: w.editor.cookie,
      body: { state: start.state, code },
    }),
    200,
  )
}

/** The editor previews the item, expects no problems on `channel`, and publishes there (at `scheduledAt`). */
export async function publishThroughRoutes(
  rounds: TestRounds,
  w: PublishingWorld,
  itemId: string,
  channel: ChannelId,
  scheduledAt?: string,
): Promise<{ preview: PreviewSet; publications: Publication[] }> {
  const item = `/api/orgs/${w.org.slug}/items/${itemId}`
  const preview = await expectJson<PreviewSet>(
    await call(rounds, 'GET', `${item}/publishing/preview`, { cookie: w.editor.cookie }),
    200,
  )
  const chosen = preview.previews.find((v) => v.channel === channel)
  if (!chosen || chosen.problems.length > 0)
    throw new Error(`cannot publish to ${channel}: ${JSON.stringify(chosen?.problems ?? 'no preview')}`)
  const { publications } = await expectJson<{ publications: Publication[] }>(
    await call(rounds, 'POST', `${item}/publications`, {
      cookie: w.editor.cookie,
      body: {
        contentHash: preview.contentHash,
        channels: [{ channel, previewHash: chosen.previewHash, ...(scheduledAt ? { scheduledAt } : {}) }],
      },
    }),
    201,
  )
  return { preview, publications }
}

/** The item's publications as the editor sees them. */
export async function publicationsOf(rounds: TestRounds, w: PublishingWorld, itemId: string) {
  return (
    await expectJson<{ publications: Publication[] }>(
      await call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}/publications`, {
        cookie: w.editor.cookie,
      }),
      200,
    )
  ).publications
}
