import { Alert, Anchor, List, Text } from '@mantine/core'
import { Link } from 'react-router'
import { useReadiness } from '../api/standards.ts'
import type { ReadinessGap } from '../api/types.ts'
import { useCurrentOrganisation } from '../org/OrganisationContext.tsx'

/** What each gap asks of the person, as a link label. */
export const gapLinkLabels: Record<ReadinessGap['code'], string> = {
  TRAINING_REQUIRED: 'Go to training',
  DISPLAY_NAME_REQUIRED: 'Add your name on your profile',
  DISCLOSURE_REQUIRED: 'Record your disclosures',
}

export const gapTitles: Record<ReadinessGap['code'], string> = {
  TRAINING_REQUIRED: 'a valid training certificate',
  DISPLAY_NAME_REQUIRED: 'your display name',
  DISCLOSURE_REQUIRED: 'a current disclosure attestation',
}

/** Only people who write content are held to the gate; nobody else needs to hear about it. */
export function useAuthorReadiness() {
  const { organisation, can } = useCurrentOrganisation()
  const applies = can('content.create')
  const readiness = useReadiness(organisation.slug, applies)
  return { applies, readiness }
}

/**
 * "You can't submit for review yet: …" with a link to put each gap right. Shown to authors
 * while the server's gate would refuse their submissions; nothing otherwise.
 */
export function ReadinessBanner({ hide }: { hide?: ReadinessGap['code'] }) {
  const { applies, readiness } = useAuthorReadiness()
  if (!applies || !readiness.data || readiness.data.ready) return null
  const gaps = readiness.data.missing
  const needs = gaps.map((gap) => gapTitles[gap.code])
  const list = needs.length > 1 ? `${needs.slice(0, -1).join(', ')} and ${needs.at(-1)}` : (needs[0] ?? '')
  return (
    <Alert
      color="yellow"
      variant="light"
      mb="lg"
      title={`You can't submit for review yet: you need ${list}.`}
      role="status"
      data-testid="readiness-banner"
    >
      <List size="sm" spacing={4}>
        {gaps.map((gap) => (
          <List.Item key={gap.code}>
            <Text span size="sm">
              {gap.message}{' '}
            </Text>
            {gap.code === hide ? null : (
              <Anchor component={Link} to={gap.link} size="sm" fw={600}>
                {gapLinkLabels[gap.code]}
              </Anchor>
            )}
          </List.Item>
        ))}
      </List>
    </Alert>
  )
}
