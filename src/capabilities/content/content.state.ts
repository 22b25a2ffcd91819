import type { ItemState } from './content.schema.ts'

/**
 * The editorial workflow as an explicit state machine: pure, no I/O. Who may fire an event
 * is the service's business; whether the event is legal in the current state is decided here
 * and only here.
 *
 *   draft ─submit→ submitted ─start_review→ in_review ─request_changes→ changes_requested
 *   changes_requested ─resubmit→ submitted
 *   in_review ─approve→ approved ─schedule→ scheduled ─publish→ published
 *   scheduled ─unschedule→ approved
 *   published|corrected ─correct→ corrected
 *   submitted|in_review ─reject→ rejected
 *   approved|scheduled|published|corrected ─expire→ expired ─start_review→ in_review (re-review)
 *   approved|scheduled ─edit→ changes_requested (any edit voids the approval)
 *   draft|changes_requested ─edit→ (same state)
 *   every live state ─withdraw→ withdrawn
 *
 * withdrawn and rejected are terminal.
 */
export const itemEvents = [
  'edit',
  'submit',
  'resubmit',
  'start_review',
  'request_changes',
  'approve',
  'reject',
  'schedule',
  'unschedule',
  'publish',
  'correct',
  'expire',
  'withdraw',
] as const
export type ItemEvent = (typeof itemEvents)[number]

const table: Record<ItemState, Partial<Record<ItemEvent, ItemState>>> = {
  draft: { edit: 'draft', submit: 'submitted', withdraw: 'withdrawn' },
  submitted: { start_review: 'in_review', reject: 'rejected', withdraw: 'withdrawn' },
  in_review: {
    request_changes: 'changes_requested',
    approve: 'approved',
    reject: 'rejected',
    withdraw: 'withdrawn',
  },
  changes_requested: { edit: 'changes_requested', resubmit: 'submitted', withdraw: 'withdrawn' },
  approved: {
    edit: 'changes_requested',
    schedule: 'scheduled',
    expire: 'expired',
    withdraw: 'withdrawn',
  },
  scheduled: {
    edit: 'changes_requested',
    unschedule: 'approved',
    publish: 'published',
    expire: 'expired',
    withdraw: 'withdrawn',
  },
  published: { correct: 'corrected', expire: 'expired', withdraw: 'withdrawn' },
  corrected: { correct: 'corrected', expire: 'expired', withdraw: 'withdrawn' },
  expired: { start_review: 'in_review', withdraw: 'withdrawn' },
  withdrawn: {},
  rejected: {},
}

/** The state after `event`, or null when the event is not legal in `state`. */
export function nextState(state: ItemState, event: ItemEvent): ItemState | null {
  return table[state][event] ?? null
}

/** The events legal in a state, in the order of `itemEvents`. */
export function eventsFrom(state: ItemState): ItemEvent[] {
  return itemEvents.filter((e) => table[state][e] !== undefined)
}

/** Whether the author may change the working copy in this state. */
export function isEditable(state: ItemState): boolean {
  return nextState(state, 'edit') !== null
}
