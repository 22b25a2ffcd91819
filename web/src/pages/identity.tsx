import { Badge, Text, Tooltip } from '@mantine/core'
import type { Identity } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { professionLabels } from '../lib/labels.ts'
import { CircleIcon, ShieldIcon } from '../shell/icons.tsx'

/** Whether a person has filled in everything an organisation needs to verify them. */
export function identityComplete(identity: Identity): boolean {
  return Boolean(
    identity.displayName.trim() &&
      identity.profession &&
      identity.registrationBody &&
      identity.registrationNumber,
  )
}

export function registrationText(identity: Identity): string {
  if (!identity.registrationBody && !identity.registrationNumber) return 'No registration given'
  return [
    identity.registrationBody === 'other' ? 'Other register' : identity.registrationBody,
    identity.registrationNumber,
  ]
    .filter(Boolean)
    .join(' ')
}

export function professionText(identity: Identity): string {
  return identity.profession ? professionLabels[identity.profession] : 'Profession not given'
}

/** "Verified by Demo Org on 26 Nov 2026" */
export function verificationText(identity: Identity): string {
  const v = identity.verification
  if (!v) return 'Not verified'
  return `Verified by ${v.organisation.name} on ${formatDate(v.verifiedAt)}`
}

export function VerificationBadge({ identity }: { identity: Identity }) {
  const v = identity.verification
  if (!v) {
    return (
      <Badge color="gray" variant="light" leftSection={<CircleIcon size={12} />}>
        Not verified
      </Badge>
    )
  }
  return (
    <Tooltip
      label={`${verificationText(identity)} (checked by ${v.verifiedBy.name})`}
      withArrow
      multiline
      w={260}
    >
      <Badge color="teal" variant="light" leftSection={<ShieldIcon size={12} />} tabIndex={0}>
        Verified
      </Badge>
    </Tooltip>
  )
}

export function VerificationLine({ identity }: { identity: Identity }) {
  const v = identity.verification
  return (
    <Text size="sm" c={v ? 'teal' : 'dimmed'}>
      {verificationText(identity)}
      {v ? ` (checked by ${v.verifiedBy.name})` : ''}
    </Text>
  )
}
