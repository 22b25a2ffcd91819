import { Badge, Stack, Text } from '@mantine/core'
import type { AttestationStatus, Relationship } from '../api/types.ts'
import { formatCalendarDate, formatDate } from '../lib/format.ts'
import {
  amountBandLabels,
  attestationStatusColors,
  attestationStatusLabels,
  natureLabels,
} from '../lib/labels.ts'

export function AttestationBadge({ status }: { status: AttestationStatus }) {
  return (
    <Badge color={attestationStatusColors[status]} variant="light">
      {attestationStatusLabels[status]}
    </Badge>
  )
}

/** "1 Mar 2025 – 30 Jun 2026", or "Since 1 Mar 2025 (ongoing)". */
export function periodText(relationship: Pick<Relationship, 'startDate' | 'endDate'>): string {
  return relationship.endDate
    ? `${formatCalendarDate(relationship.startDate)} – ${formatCalendarDate(relationship.endDate)}`
    : `Since ${formatCalendarDate(relationship.startDate)} (ongoing)`
}

export function natureText(relationship: Pick<Relationship, 'nature' | 'natureDetail'>): string {
  const label = natureLabels[relationship.nature]
  return relationship.natureDetail ? `${label}: ${relationship.natureDetail}` : label
}

export function amountText(relationship: Pick<Relationship, 'amountBand'>): string {
  return relationship.amountBand ? amountBandLabels[relationship.amountBand] : 'Not given'
}

export function MitigationList({ relationship }: { relationship: Relationship }) {
  if (relationship.mitigations.length === 0) return null
  return (
    <Stack gap={4} mt={4}>
      {relationship.mitigations.map((m) => (
        <Text key={m.id} size="xs" c="dimmed">
          Mitigation ({m.organisation.name}, {formatDate(m.recordedAt)}
          {m.recordedBy ? `, ${m.recordedBy.name}` : ''}): {m.steps}
        </Text>
      ))}
    </Stack>
  )
}
