import { Box, Button, Card, Timeline as MantineTimeline, Text, Title } from '@mantine/core'
import { useId, useState } from 'react'
import { errorMessage } from '../api/client.ts'
import { type TimelineEntry, useTimeline } from '../api/history.ts'
import { formatDateTime } from '../lib/format.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'
import { stateLabels } from './labels.ts'

const SHOWN = 12

const str = (v: unknown) => (typeof v === 'string' ? v : null)
const num = (v: unknown) => (typeof v === 'number' ? v : null)
const state = (v: unknown) => {
  const s = str(v)
  return s && s in stateLabels ? stateLabels[s as keyof typeof stateLabels].label.toLowerCase() : s
}
const ofVersion = (s: Record<string, unknown>) => (num(s.version) ? ` version ${s.version}` : '')

const decisions: Record<string, string> = {
  accept: 'accepted the item',
  revise: 'asked for changes',
  reject: 'rejected the item',
}

const recommendations: Record<string, string> = {
  accept: 'accept',
  minor_revision: 'minor revision',
  major_revision: 'major revision',
  reject: 'reject',
}

/** What happened, as a phrase after the actor's name ("submitted version 2 for review"). */
export function describeEntry(e: TimelineEntry): string {
  const s = e.summary
  switch (e.action) {
    case 'content.created':
      return 'created the draft'
    case 'content.updated':
      return 'saved changes'
    case 'content.version_created':
      return `saved${ofVersion(s)}`
    case 'content.screened': {
      const unresolved = num(s.unresolved) ?? 0
      return `screened${ofVersion(s)}: ${unresolved === 0 ? 'no unresolved blocking findings' : `${unresolved} unresolved blocking finding${unresolved === 1 ? '' : 's'}`}`
    }
    case 'content.submit':
      return `submitted${ofVersion(s)} for review`
    case 'content.resubmit':
      return `resubmitted${ofVersion(s)} for review`
    case 'content.finding_overridden':
      return `overrode a blocking finding (${str(s.ruleId) ?? 'rule'}) on${ofVersion(s)}`
    case 'content.correction_posted':
      return `posted a correction notice on${ofVersion(s)}`
    case 'review.assigned': {
      const reviewer = s.reviewer as { name?: string } | undefined
      const due = str(s.dueAt)
      return `asked ${reviewer?.name ?? 'a reviewer'} to review${ofVersion(s)}${due ? `, due ${formatDateTime(due)}` : ''}`
    }
    case 'review.saved':
      return 'saved their review'
    case 'review.submitted': {
      const r = str(s.recommendation)
      return `submitted their review${r ? ` (recommends ${recommendations[r] ?? r})` : ''}`
    }
    case 'review.declined':
      return 'declined to review'
    case 'review.decided':
      return `${decisions[str(s.decision) ?? ''] ?? 'decided'}${ofVersion(s) ? ` (${ofVersion(s).trim()})` : ''}`
    case 'review.approval_voided':
      return 'the approval was voided by a change'
    case 'review.approval_expired':
      return 'the approval expired'
    default:
      if (e.action.startsWith('content.') && str(s.to)) return `moved the item to ${state(s.to)}`
      // Events of other capabilities (media, publishing…): their action in words.
      return e.action
        .replace(/^[a-z]+\./, '')
        .replaceAll('_', ' ')
        .replaceAll('.', ': ')
  }
}

/**
 * Every event in the item's audit trail, oldest first, as the server lets this reader see it
 * (anonymous reviews name nobody the reader may not know). On its own card by default; `embedded`
 * makes it a sub-section of the item's History card.
 */
export function Timeline({ itemId, embedded = false }: { itemId: string; embedded?: boolean }) {
  const { organisation } = useCurrentOrganisation()
  const timeline = useTimeline(organisation.slug, itemId)
  const [all, setAll] = useState(false)
  const headingId = useId()
  const entries = timeline.data?.entries ?? []
  const shown = all ? entries : entries.slice(-SHOWN)
  const body = (
    <>
      <Title order={embedded ? 3 : 2} size={embedded ? 'h6' : 'h5'} id={headingId} mb="sm">
        Timeline
      </Title>
      {timeline.isPending ? (
        <Text size="sm" c="dimmed">
          Loading…
        </Text>
      ) : timeline.isError ? (
        <Text size="sm" c="red" role="alert">
          {errorMessage(timeline.error)}
        </Text>
      ) : (
        <>
          {entries.length > shown.length ? (
            <Button size="compact-xs" variant="subtle" mb="xs" onClick={() => setAll(true)}>
              Show all {entries.length} events
            </Button>
          ) : null}
          <MantineTimeline bulletSize={12} lineWidth={2} active={shown.length - 1} data-testid="timeline">
            {shown.map((e) => {
              const who = e.actor?.name ?? 'Rounds'
              const text = describeEntry(e)
              const selfless = e.action.startsWith('review.approval_')
              return (
                <MantineTimeline.Item
                  key={e.seq}
                  title={selfless ? text[0]?.toUpperCase() + text.slice(1) : who}
                >
                  {selfless ? null : (
                    <Text size="sm" c="dimmed">
                      {text}
                    </Text>
                  )}
                  <Text size="xs" c="dimmed">
                    {formatDateTime(e.occurredAt)}
                  </Text>
                </MantineTimeline.Item>
              )
            })}
          </MantineTimeline>
        </>
      )}
    </>
  )
  return embedded ? (
    <Box component="section" aria-labelledby={headingId} mt="sm">
      {body}
    </Box>
  ) : (
    <Card withBorder radius="md" padding="md" component="section" aria-labelledby={headingId}>
      {body}
    </Card>
  )
}
