import { Badge, Group, Stack, Text, Title } from '@mantine/core'
import type { AuthorCard } from '../api/types.ts'
import { formatDate } from '../lib/format.ts'
import { CircleIcon, ShieldIcon } from '../shell/icons.tsx'

/**
 * The public author card: who the author is, who checked their registration and when, and
 * their current disclosure statement. The same card readers see with everything published.
 */
export function AuthorCardView({ card, headingLevel = 2 }: { card: AuthorCard; headingLevel?: 1 | 2 | 3 }) {
  const details = [card.professionLabel, card.registration?.label].filter(Boolean).join(' · ')
  return (
    <Stack gap="sm" data-testid="author-card">
      <div>
        <Title order={headingLevel} size="h3">
          {card.name}
        </Title>
        {details ? <Text size="sm">{details}</Text> : null}
      </div>
      <Group gap="xs">
        {card.verification ? (
          <Badge color="teal" variant="light" leftSection={<ShieldIcon size={12} />}>
            Verified
          </Badge>
        ) : (
          <Badge color="gray" variant="light" leftSection={<CircleIcon size={12} />}>
            Not verified
          </Badge>
        )}
        <Text size="sm" c={card.verification ? 'teal' : 'dimmed'}>
          {card.verification
            ? `${card.verification.label.replace(/^v/, 'V')} on ${formatDate(card.verification.verifiedAt)}`
            : card.registration
              ? 'No organisation has checked this registration yet.'
              : 'No registration given.'}
        </Text>
      </Group>
      <div>
        <Text size="xs" fw={700} tt="uppercase" c="dimmed">
          Disclosure
        </Text>
        {card.disclosure ? (
          <>
            <Text size="sm" data-testid="author-card-statement">
              {card.disclosure.statement}
            </Text>
            <Text size="xs" c="dimmed">
              Attested {formatDate(card.disclosure.attestedAt)}, current until{' '}
              {formatDate(card.disclosure.expiresAt)}.
            </Text>
          </>
        ) : (
          <Text size="sm" c="dimmed" data-testid="author-card-statement">
            No current disclosure statement.
          </Text>
        )}
      </div>
    </Stack>
  )
}
