import { Badge, Group, Stack, Text, UnstyledButton } from '@mantine/core'
import { useNavigate } from 'react-router'
import { type Notification, notificationKindLabels, useMarkNotificationRead } from '../api/notifications.ts'
import { formatDateTime } from '../lib/format.ts'
import { useOrganisation } from '../org/OrganisationContext.tsx'

const kindColours: Record<Notification['kind'], string> = {
  'review.assigned': 'blue',
  'review.due_soon': 'yellow',
  'review.overdue': 'red',
  'review.decided': 'teal',
  'approval.expiring': 'orange',
  'quiz.delayed_due': 'grape',
  'content.corrected': 'orange',
}

/**
 * Opens what a notification is about: marks it read, switches to its organisation when it
 * belongs to another one, and follows its link.
 */
export function useOpenNotification() {
  const navigate = useNavigate()
  const { organisation, selectOrganisation } = useOrganisation()
  const markRead = useMarkNotificationRead()
  return (n: Notification) => {
    if (!n.readAt) markRead.mutate(n.id)
    // Public pages (e.g. a learner's follow-up quiz) are served by the server, not this app.
    if (n.link.startsWith('/orgs/')) {
      window.location.assign(n.link)
      return
    }
    if (n.organisation && n.organisation.slug !== organisation?.slug) selectOrganisation(n.organisation.slug)
    navigate(n.link)
  }
}

/** One notification as a button: kind, title, when, and (with `full`) the whole message. */
export function NotificationItem({
  notification: n,
  full = false,
  onOpen,
}: {
  notification: Notification
  full?: boolean
  onOpen: (n: Notification) => void
}) {
  const unread = !n.readAt
  return (
    <UnstyledButton
      onClick={() => onOpen(n)}
      p="sm"
      w="100%"
      data-testid="notification"
      data-unread={unread ? 'true' : 'false'}
      aria-label={`${unread ? 'Unread: ' : ''}${n.title}`}
      style={{
        borderRadius: 'var(--mantine-radius-md)',
        background: unread ? 'var(--mantine-color-blue-light)' : undefined,
      }}
    >
      <Stack gap={4}>
        <Group gap="xs" justify="space-between" wrap="nowrap">
          <Badge size="xs" variant="light" color={kindColours[n.kind]}>
            {notificationKindLabels[n.kind]}
          </Badge>
          <Text size="xs" c="dimmed">
            {formatDateTime(n.createdAt)}
          </Text>
        </Group>
        <Text size="sm" fw={unread ? 700 : 500}>
          {n.title}
        </Text>
        {full ? (
          <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap' }}>
            {n.body}
          </Text>
        ) : null}
        {full && n.organisation ? (
          <Text size="xs" c="dimmed">
            {n.organisation.name}
          </Text>
        ) : null}
      </Stack>
    </UnstyledButton>
  )
}
