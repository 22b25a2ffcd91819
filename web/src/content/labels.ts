import type { ItemKind, ItemState } from '../api/content.ts'

export const kindLabels: Record<ItemKind, { label: string; description: string }> = {
  post: { label: 'Post', description: 'A single post for one or more channels.' },
  thread: { label: 'Thread', description: 'A numbered series of posts.' },
  video: { label: 'Video', description: 'A video with captions or a transcript.' },
  image: { label: 'Image', description: 'An image with alt text.' },
  carousel: { label: 'Carousel', description: 'Several images or slides.' },
}

export const stateLabels: Record<ItemState, { label: string; color: string }> = {
  draft: { label: 'Draft', color: 'gray' },
  submitted: { label: 'Submitted', color: 'blue' },
  in_review: { label: 'In review', color: 'indigo' },
  changes_requested: { label: 'Changes requested', color: 'orange' },
  approved: { label: 'Approved', color: 'teal' },
  scheduled: { label: 'Scheduled', color: 'cyan' },
  published: { label: 'Published', color: 'green' },
  corrected: { label: 'Corrected', color: 'grape' },
  withdrawn: { label: 'Withdrawn', color: 'dark' },
  expired: { label: 'Expired', color: 'yellow' },
  rejected: { label: 'Rejected', color: 'red' },
}

/** States in which the author may change the item (content.state.ts: the 'edit' event). */
export const editableStates: readonly ItemState[] = ['draft', 'changes_requested', 'approved', 'scheduled']

/** States from which the author sends the item to review ('submit' or 'resubmit'). */
export const submittableStates: readonly ItemState[] = ['draft', 'changes_requested']

export const audienceLabels: Record<string, string> = {
  students: 'Students',
  trainees: 'Trainees',
  'qualified-professionals': 'Qualified professionals',
  public: 'The public',
}

/** "general-practice" → "General practice" */
export function topicLabel(topic: string): string {
  const words = topic.replace(/-/g, ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}
