import { loadActor } from '#src/capabilities/accounts/accounts.service.ts'
import { applyItemTransition, createItem, submitItem } from '#src/capabilities/content/content.service.ts'
import {
  assignReviewers,
  decideReview,
  saveReview,
  submitReview,
} from '#src/capabilities/review/review.service.ts'
import { issueCertificateAsOperator } from '#src/capabilities/standards/certificate.service.ts'
import { attestAsOperator } from '#src/capabilities/standards/disclosure.service.ts'
import type { Rounds } from '#src/entry/context.ts'
import { completeReview } from './complete-review.ts'

export { completeReview }

/** Items through the workflow by way of the use-cases, for tests of what follows review. */

type Person = { id: string; email: string }
export type ReviewCast = {
  org: { id: string; slug: string }
  author: Person
  editor: Person
  reviewers: [Person, Person]
}

const actor = (rounds: Rounds, id: string) => loadActor(rounds.accounts, id)

/** A clean post by the cast's author (made ready to submit first), submitted. */
export async function submittedItem(
  rounds: Rounds,
  cast: ReviewCast,
  title = 'Hand hygiene',
): Promise<string> {
  await issueCertificateAsOperator(rounds.accounts, { email: cast.author.email, organisationId: cast.org.id })
  await attestAsOperator(rounds.accounts, { email: cast.author.email, kind: 'none' })
  const author = await actor(rounds, cast.author.id)
  const item = await createItem(rounds.accounts, author, cast.org.slug, {
    kind: 'post',
    title,
    body: 'Five moments for hand hygiene.',
  })
  await submitItem(rounds.accounts, author, cast.org.slug, item.id)
  return item.id
}

/** The submitted item assigned to both reviewers; returns their assignment ids in order. */
export async function assignedItem(
  rounds: Rounds,
  cast: ReviewCast,
  options: { anonymous?: boolean; title?: string } = {},
) {
  const itemId = await submittedItem(rounds, cast, options.title)
  const round = await assignReviewers(
    rounds.accounts,
    await actor(rounds, cast.editor.id),
    cast.org.slug,
    itemId,
    {
      reviewerIds: cast.reviewers.map((r) => r.id),
      anonymous: options.anonymous ?? false,
    },
  )
  const assignments = cast.reviewers.map(
    (r) => round.reviews.find((x) => x.reviewer.id === r.id)?.assignmentId as string,
  )
  return { itemId, roundId: round.id, assignments }
}

/** Both reviews submitted. */
export async function reviewedItem(rounds: Rounds, cast: ReviewCast, options: { anonymous?: boolean } = {}) {
  const a = await assignedItem(rounds, cast, options)
  for (const [i, r] of cast.reviewers.entries()) {
    const reviewer = await actor(rounds, r.id)
    await saveReview(
      rounds.accounts,
      reviewer,
      cast.org.slug,
      a.itemId,
      a.assignments[i] as string,
      completeReview,
    )
    await submitReview(rounds.accounts, reviewer, cast.org.slug, a.itemId, a.assignments[i] as string)
  }
  return a
}

/** Reviewed and accepted by the editor (approved). */
export async function approvedItem(rounds: Rounds, cast: ReviewCast, options: { anonymous?: boolean } = {}) {
  const a = await reviewedItem(rounds, cast, options)
  await decideReview(rounds.accounts, await actor(rounds, cast.editor.id), cast.org.slug, a.itemId, {
    decision: 'accept',
    message: 'Clear and well referenced.',
  })
  return a
}

/**
 * Approved, then scheduled and published. Publishing has its own capability; here the
 * workflow events are applied directly, as its use-case will.
 */
export async function publishedItem(rounds: Rounds, cast: ReviewCast, options: { anonymous?: boolean } = {}) {
  const a = await approvedItem(rounds, cast, options)
  await rounds.database.db.transaction().execute(async (tx) => {
    await applyItemTransition(tx, rounds.accounts, a.itemId, 'schedule', cast.editor.id)
    await applyItemTransition(tx, rounds.accounts, a.itemId, 'publish', cast.editor.id)
  })
  return a
}
