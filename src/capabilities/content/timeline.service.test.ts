import { describe, expect, it } from 'vitest'
import type { AuditEvent } from '#src/capabilities/audit/audit.schema.ts'
import type { TimelineRoundRow } from './timeline.repository.ts'
import { presentTimeline, type TimelineViewer } from './timeline.service.ts'

const author = { id: 'u-author', name: 'Dr Author' }
const editor = { id: 'u-editor', name: 'Dr Editor' }
const r1 = { id: 'u-r1', name: 'Dr One' }
const r2 = { id: 'u-r2', name: 'Dr Two' }
const names = new Map([r1, r2].map((r) => [r.id, r.name]))

let seq = 0
const event = (actor: { id: string; name: string } | null, action: string, summary = {}): AuditEvent => ({
  seq: ++seq,
  occurredAt: '2026-03-01T09:00:00.000Z',
  actor,
  action,
  resourceType: 'content_item',
  resourceId: 'item',
  summary,
})

const round = (anonymous: boolean, decided: boolean): TimelineRoundRow => ({
  roundId: 'round',
  anonymous,
  decided,
  assignments: [
    { assignmentId: 'a1', reviewerId: r1.id, position: 1 },
    { assignmentId: 'a2', reviewerId: r2.id, position: 2 },
  ],
})

const events = [
  event(author, 'content.created'),
  event(editor, 'review.assigned', { roundId: 'round', assignmentId: 'a1', reviewerId: r1.id }),
  event(editor, 'review.assigned', { roundId: 'round', assignmentId: 'a2', reviewerId: r2.id }),
  event(r1, 'review.saved', { roundId: 'round', assignmentId: 'a1' }),
  event(r2, 'review.submitted', { roundId: 'round', assignmentId: 'a2', recommendation: 'reject' }),
  event(editor, 'review.decided', { roundId: 'round', decision: 'revise' }),
  event(null, 'review.approval_expired', { approvalId: 'x' }),
]

const viewers: Record<string, TimelineViewer> = {
  editor: { userId: editor.id, editor: true, author: false },
  author: { userId: author.id, editor: false, author: true },
  r1: { userId: r1.id, editor: false, author: false },
}
const hidden = (n: number) => ({ id: null, name: `Reviewer ${n}` })
const hiddenAuthor = { id: null, name: 'Author' }

/** [viewer, anonymous, decided] → [created by, assigned a1, assigned a2, saved by (or absent), submitted by, its summary] */
const table: Array<[string, boolean, boolean, unknown[]]> = [
  ['editor', true, false, [author, r1, r2, r1, r2, { recommendation: 'reject' }]],
  ['author', true, true, [author, hidden(1), hidden(2), null, hidden(2), {}]],
  ['author', false, false, [author, hidden(1), hidden(2), null, hidden(2), {}]],
  ['author', false, true, [author, r1, r2, null, r2, {}]],
  ['r1', true, true, [hiddenAuthor, r1, hidden(2), r1, hidden(2), {}]],
  ['r1', false, false, [author, r1, hidden(2), r1, hidden(2), {}]],
]

describe('presentTimeline', () => {
  it.each(table)('as %s (anonymous %s, decided %s)', (who, anonymous, decided, expected) => {
    const out = presentTimeline(
      events,
      [round(anonymous, decided)],
      { authorId: author.id },
      viewers[who] as TimelineViewer,
      names,
    )
    const [created, assigned1, assigned2, saved, submitted, submittedSummary] = expected
    const by = (action: string) => out.filter((e) => e.action === action)
    expect(by('content.created')[0]?.actor).toEqual(created)
    expect(by('review.assigned').map((e) => e.summary.reviewer)).toEqual([assigned1, assigned2])
    expect(by('review.saved')[0]?.actor ?? null).toEqual(saved)
    expect(by('review.submitted')[0]?.actor).toEqual(submitted)
    expect(by('review.submitted')[0]?.summary).toMatchObject(submittedSummary as object)
    if (who !== 'editor') {
      expect(by('review.submitted')[0]?.summary).not.toHaveProperty('recommendation')
      expect(JSON.stringify(out)).not.toContain('reviewerId')
    }
    // The editor is never hidden, nor is Rounds itself.
    expect(by('review.decided')[0]?.actor).toEqual(editor)
    expect(by('review.approval_expired')[0]?.actor).toBeNull()
    expect(out.map((e) => e.seq)).toEqual([...out.map((e) => e.seq)].sort((a, b) => a - b))
  })
})
