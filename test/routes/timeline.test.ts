import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Timeline } from '#src/capabilities/content/timeline.schema.ts'
import { testDialects } from '#test/support/database.ts'
import { approvedItem, type ReviewCast, reviewedItem } from '#test/support/review-flow.ts'
import { call, createTestRounds, type TestRounds } from '#test/support/rounds.ts'
import { createOrgWithRoles, expectError, expectJson, type SignedInUser, signedInMember } from './helpers.ts'

describe.each(testDialects)('GET /api/orgs/{slug}/items/{itemId}/timeline on %s', (dialect) => {
  let rounds: TestRounds
  let w: Awaited<ReturnType<typeof createOrgWithRoles>>
  let r2: SignedInUser
  let cast: ReviewCast

  beforeAll(async () => {
    rounds = await createTestRounds(dialect)
    w = await createOrgWithRoles(rounds, { name: 'Timeline Teaching' })
    r2 = await signedInMember(rounds, w.org.id, ['reviewer'], { name: 'Dr Second Reviewer' })
    cast = { org: w.org, author: w.author, editor: w.editor, reviewers: [w.reviewer, r2] }
  })
  afterAll(() => rounds?.close())

  const get = (itemId: string, who: SignedInUser | null) =>
    call(rounds, 'GET', `/api/orgs/${w.org.slug}/items/${itemId}/timeline`, who ? { cookie: who.cookie } : {})
  const timeline = async (itemId: string, who: SignedInUser) =>
    (await expectJson<Timeline>(await get(itemId, who), 200)).entries
  const named = (t: unknown, who: { id: string; name: string }) => {
    const text = JSON.stringify(t)
    return text.includes(who.id) || text.includes(who.name)
  }

  it('401 signed out, 404 outside the organisation or for no item, 403 for members with no part in the item', async () => {
    const { itemId } = await reviewedItem(rounds, cast)
    await expectError(await get(itemId, null), 401, 'UNAUTHENTICATED')
    await expectError(await get(itemId, w.outsider), 404, 'ORGANISATION_NOT_FOUND')
    await expectError(await get('no-such-item', w.editor), 404, 'ITEM_NOT_FOUND')
    const bystander = await signedInMember(rounds, w.org.id, ['reviewer', 'author'])
    await expectError(await get(itemId, bystander), 403, 'FORBIDDEN')
    await expectError(await get(itemId, w.admin), 403, 'FORBIDDEN')
  })

  it('editors see every event in order, with everyone named and the scores', async () => {
    const { itemId } = await approvedItem(rounds, cast)
    const entries = await timeline(itemId, w.editor)
    const seqs = entries.map((e) => e.seq)
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs)
    const actions = entries.map((e) => e.action)
    for (const a of [
      'content.created',
      'content.version_created',
      'content.screened',
      'content.submit',
      'review.assigned',
      'content.start_review',
      'review.saved',
      'review.submitted',
      'content.approve',
      'review.decided',
    ])
      expect(actions).toContain(a)
    expect(actions.indexOf('content.created')).toBe(0)
    const assigned = entries.filter((e) => e.action === 'review.assigned')
    expect(assigned.map((e) => e.summary.reviewer)).toEqual([
      { id: w.reviewer.id, name: w.reviewer.name },
      { id: r2.id, name: r2.name },
    ])
    const submitted = entries.find((e) => e.action === 'review.submitted')
    expect(submitted?.actor).toEqual({ id: w.reviewer.id, name: w.reviewer.name })
    expect(submitted?.summary).toMatchObject({ recommendation: 'accept', accuracy: 6 })
    expect(entries.find((e) => e.action === 'content.created')?.actor).toEqual({
      id: w.author.id,
      name: w.author.name,
    })
  })

  it('in an anonymous round the author and the reviewers are hidden from each other', async () => {
    const { itemId } = await approvedItem(rounds, cast, { anonymous: true })

    const forAuthor = await timeline(itemId, w.author)
    expect(named(forAuthor, w.reviewer)).toBe(false)
    expect(named(forAuthor, r2)).toBe(false)
    expect(forAuthor.some((e) => e.action === 'review.saved')).toBe(false)
    const submitted = forAuthor.filter((e) => e.action === 'review.submitted')
    expect(submitted.map((e) => e.actor)).toEqual([
      { id: null, name: 'Reviewer 1' },
      { id: null, name: 'Reviewer 2' },
    ])
    expect(submitted[0]?.summary).not.toHaveProperty('recommendation')
    expect(forAuthor.find((e) => e.action === 'review.decided')?.actor).toEqual({
      id: w.editor.id,
      name: w.editor.name,
    })

    const forReviewer = await timeline(itemId, w.reviewer)
    expect(named(forReviewer, w.author)).toBe(false)
    expect(named(forReviewer, r2)).toBe(false)
    expect(forReviewer.find((e) => e.action === 'content.created')?.actor).toEqual({
      id: null,
      name: 'Author',
    })
    const mine = forReviewer.filter((e) => e.action === 'review.submitted')
    expect(mine.map((e) => e.actor)).toEqual([
      { id: w.reviewer.id, name: w.reviewer.name },
      { id: null, name: 'Reviewer 2' },
    ])
    expect(mine[0]?.summary).toMatchObject({ recommendation: 'accept' })
    expect(mine[1]?.summary).not.toHaveProperty('recommendation')
    // Their own draft saves, not the other reviewer's.
    const saves = forReviewer.filter((e) => e.action === 'review.saved')
    expect(saves.length).toBeGreaterThan(0)
    expect(saves.every((e) => e.actor?.id === w.reviewer.id)).toBe(true)
  })

  it('in an open round the author learns who reviewed once the round is decided', async () => {
    const { itemId } = await reviewedItem(rounds, cast)
    expect(named(await timeline(itemId, w.author), r2)).toBe(false)
    const forReviewer = await timeline(itemId, w.reviewer)
    expect(named(forReviewer, r2)).toBe(false)
    expect(forReviewer.find((e) => e.action === 'content.created')?.actor?.id).toBe(w.author.id)

    const decided = await approvedItem(rounds, cast)
    const forAuthor = await timeline(decided.itemId, w.author)
    expect(forAuthor.filter((e) => e.action === 'review.assigned').map((e) => e.summary.reviewer)).toEqual([
      { id: w.reviewer.id, name: w.reviewer.name },
      { id: r2.id, name: r2.name },
    ])
  })
})
