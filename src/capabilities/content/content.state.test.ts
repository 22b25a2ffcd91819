import { describe, expect, it } from 'vitest'
import { itemStates } from './content.schema.ts'
import { eventsFrom, isEditable, itemEvents, nextState } from './content.state.ts'

/**
 * Every legal transition, written out independently of the implementation's table. Every
 * state × event pair not listed here must be refused.
 */
const legal = `
  draft             edit             draft
  draft             submit           submitted
  draft             withdraw         withdrawn
  submitted         start_review     in_review
  submitted         reject           rejected
  submitted         withdraw         withdrawn
  in_review         request_changes  changes_requested
  in_review         approve          approved
  in_review         reject           rejected
  in_review         withdraw         withdrawn
  changes_requested edit             changes_requested
  changes_requested resubmit         submitted
  changes_requested withdraw         withdrawn
  approved          edit             changes_requested
  approved          schedule         scheduled
  approved          expire           expired
  approved          withdraw         withdrawn
  scheduled         edit             changes_requested
  scheduled         unschedule       approved
  scheduled         publish          published
  scheduled         expire           expired
  scheduled         withdraw         withdrawn
  published         correct          corrected
  published         expire           expired
  published         withdraw         withdrawn
  corrected         correct          corrected
  corrected         expire           expired
  corrected         withdraw         withdrawn
  expired           start_review     in_review
  expired           withdraw         withdrawn
`
  .trim()
  .split('\n')
  .map((line) => line.trim().split(/\s+/) as [string, string, string])

const expected = new Map(legal.map(([from, event, to]) => [`${from} ${event}`, to]))

describe('the workflow state machine', () => {
  const pairs = itemStates.flatMap((state) => itemEvents.map((event) => ({ state, event })))

  it('is tested over all 11 states × 13 events', () => {
    expect(pairs).toHaveLength(11 * 13)
    // Every listed transition names a real state and event.
    for (const [from, event, to] of legal) {
      expect(itemStates).toContain(from)
      expect(itemEvents).toContain(event)
      expect(itemStates).toContain(to)
    }
  })

  it.each(pairs)('$state + $event', ({ state, event }) => {
    expect(nextState(state, event)).toBe(expected.get(`${state} ${event}`) ?? null)
  })

  it('withdrawn and rejected are terminal', () => {
    expect(eventsFrom('withdrawn')).toEqual([])
    expect(eventsFrom('rejected')).toEqual([])
  })

  it('every state except the terminal ones can be withdrawn, and every state is reachable from draft', () => {
    for (const s of itemStates) {
      if (s === 'withdrawn' || s === 'rejected') continue
      expect(nextState(s, 'withdraw')).toBe('withdrawn')
    }
    const seen = new Set<string>(['draft'])
    const queue = ['draft'] as (typeof itemStates)[number][]
    while (queue.length) {
      const s = queue.shift() as (typeof itemStates)[number]
      for (const e of eventsFrom(s)) {
        const n = nextState(s, e)
        if (n && !seen.has(n)) {
          seen.add(n)
          queue.push(n)
        }
      }
    }
    expect([...seen].sort()).toEqual([...itemStates].sort())
  })

  it('only drafts, items with changes requested, and approved or scheduled items (voiding approval) are editable', () => {
    expect(itemStates.filter(isEditable)).toEqual(['draft', 'changes_requested', 'approved', 'scheduled'])
  })
})
