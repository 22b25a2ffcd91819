import { ActionIcon, Anchor, Button, Divider, Group, Indicator, Popover, Stack, Text } from '@mantine/core'
import { useDisclosure } from '@mantine/hooks'
import { Link } from 'react-router'
import { errorMessage } from '../api/client.ts'
import { useMarkAllNotificationsRead, useNotifications } from '../api/notifications.ts'
import { NotificationItem, useOpenNotification } from './NotificationItem.tsx'

function BellIcon({ size = 20 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" fill="none" aria-hidden="true">
      <path
        d="M6 16V11a6 6 0 1112 0v5l1.5 2h-15L6 16z"
        stroke="currentColor"
        strokeWidth="2"
        strokeLinejoin="round"
      />
      <path d="M10 20.5a2 2 0 004 0" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
    </svg>
  )
}

/** The header's bell: the unread count, and the latest notifications in a popover. */
export function NotificationBell() {
  const [opened, { toggle, close }] = useDisclosure(false)
  const latest = useNotifications({ limit: 6, poll: true })
  const markAll = useMarkAllNotificationsRead()
  const open = useOpenNotification()
  const unread = latest.data?.unreadCount ?? 0
  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications'
  return (
    <Popover
      opened={opened}
      onChange={(o) => (o ? undefined : close())}
      position="bottom-end"
      width={360}
      withinPortal
      shadow="md"
    >
      <Popover.Target>
        <Indicator
          disabled={unread === 0}
          label={unread > 99 ? '99+' : unread}
          size={18}
          color="red"
          offset={4}
          data-testid="notification-count"
        >
          <ActionIcon variant="subtle" color="gray" size="lg" radius="xl" aria-label={label} onClick={toggle}>
            <BellIcon />
          </ActionIcon>
        </Indicator>
      </Popover.Target>
      <Popover.Dropdown p="xs" aria-label="Notifications">
        <Group justify="space-between" px="xs" py={4}>
          <Text fw={600} size="sm">
            Notifications
          </Text>
          {unread > 0 ? (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => markAll.mutate()}
              loading={markAll.isPending}
            >
              Mark all read
            </Button>
          ) : null}
        </Group>
        <Divider my={4} />
        {latest.isPending ? (
          <Text size="sm" c="dimmed" p="xs">
            Loading…
          </Text>
        ) : latest.isError ? (
          <Text size="sm" c="red" p="xs" role="alert">
            {errorMessage(latest.error)}
          </Text>
        ) : latest.data.notifications.length === 0 ? (
          <Text size="sm" c="dimmed" p="xs">
            Nothing yet. You will hear here when you are asked to review, when a review is due, and about
            decisions on your work.
          </Text>
        ) : (
          <Stack gap={2} mah={420} style={{ overflowY: 'auto' }}>
            {latest.data.notifications.map((n) => (
              <NotificationItem
                key={n.id}
                notification={n}
                onOpen={(x) => {
                  close()
                  open(x)
                }}
              />
            ))}
          </Stack>
        )}
        <Divider my={4} />
        <Anchor component={Link} to="/notifications" size="sm" px="xs" onClick={close}>
          See all notifications
        </Anchor>
      </Popover.Dropdown>
    </Popover>
  )
}
