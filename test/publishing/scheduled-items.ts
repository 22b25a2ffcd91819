import type { Actor } from '#src/capabilities/accounts/accounts.policy.ts'
import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { createItem, submitItem } from '#src/capabilities/content/content.service.ts'
import { connectChannel } from '#src/capabilities/publishing/channels.service.ts'
import { previewItem, publishItem } from '#src/capabilities/publishing/publishing.service.ts'
import {
  assignReviewers,
  decideReview,
  saveReview,
  submitReview,
} from '#src/capabilities/review/review.service.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import type { Rounds } from '#src/entry/context.ts'
import { createTestMember, createTestOrganisation } from '#test/support/factories.ts'
import { completeReview } from '#test/support/review-flow.ts'

/**
 * An organisation with a Bluesky account connected by app password, and a way to put items
 * through the whole workflow (submitted, two reviews, accepted, scheduled to Bluesky now),
 * all by way of the use-cases. For the delivery crash test and the publishing benchmark.
 */
export async function blueskyNewsroom(
  rounds: Rounds,
  bluesky: { handle: string; appPassword: string },
): Promise<{
  slug: string
  approve(n: number): Promise<string>
  publish(itemId: string): Promise<void>
  schedule(n: number): Promise<string>
}> {
  const org = await createTestOrganisation(rounds, { name: 'Delivery Teaching' })
  const author = await createTestMember(rounds, org.id, ['author'])
  const editor = await createTestMember(rounds, org.id, ['editor'])
  const reviewerUsers = [
    await createTestMember(rounds, org.id, ['reviewer']),
    await createTestMember(rounds, org.id, ['reviewer']),
  ]
  await issueCertificateAsOperator(rounds.accounts, { email: author.email, organisationId: org.id })
  await attestAsOperator(rounds.accounts, { email: author.email, kind: 'none' })
  const authorActor = await loadActor(rounds.accounts, author.id)
  const editorActor = await loadActor(rounds.accounts, editor.id)
  const reviewers = new Map<string, Actor>()
  for (const r of reviewerUsers) reviewers.set(r.id, await loadActor(rounds.accounts, r.id))

  await connectChannel(rounds.publishing, editorActor, org.slug, 'bluesky', {
    method: 'app-password',
    identifier: bluesky.handle,
    password: bluesky.appPassword,
  })

  /** Item `n` ("Moment n of the series: …") through submission, two reviews and acceptance; its id. */
  async function approve(n: number): Promise<string> {
    const item = await createItem(rounds.accounts, authorActor, org.slug, {
      kind: 'post',
      title: `Hand hygiene ${n}`,
      body: `Moment ${n} of the series: clean hands before touching a patient.`,
    })
    await submitItem(rounds.accounts, authorActor, org.slug, item.id)
    const round = await assignReviewers(rounds.accounts, editorActor, org.slug, item.id, {
      reviewerIds: reviewerUsers.map((r) => r.id),
    })
    for (const r of round.reviews) {
      const reviewer = reviewers.get(r.reviewer.id as string)
      if (!reviewer) throw new Error('an unexpected reviewer')
      await saveReview(rounds.accounts, reviewer, org.slug, item.id, r.assignmentId as string, completeReview)
      await submitReview(rounds.accounts, reviewer, org.slug, item.id, r.assignmentId as string)
    }
    await decideReview(rounds.accounts, editorActor, org.slug, item.id, {
      decision: 'accept',
      message: 'Good.',
    })
    return item.id
  }

  /** Schedules the approved item to Bluesky now, as the editor does from its preview. */
  async function publish(itemId: string): Promise<void> {
    const preview = await previewItem(rounds.publishing, editorActor, org.slug, itemId)
    const p = preview.previews.find((v) => v.channel === 'bluesky')
    if (!p) throw new Error('no Bluesky preview')
    await publishItem(rounds.publishing, editorActor, org.slug, itemId, {
      contentHash: preview.contentHash,
      channels: [{ channel: 'bluesky', previewHash: p.previewHash }],
    })
  }

  return {
    slug: org.slug,
    approve,
    publish,
    /** Item `n`, approved and scheduled to Bluesky now; its id. */
    async schedule(n) {
      const id = await approve(n)
      await publish(id)
      return id
    },
  }
}
