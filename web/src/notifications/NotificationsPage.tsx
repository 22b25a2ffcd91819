import { Button, Card, Group, Pagination, SegmentedControl, Stack, Text } from '@mantine/core'
import { useState } from 'react'
import { useMarkAllNotificationsRead, useNotifications } from '../api/notifications.ts'
import { ErrorState, PageLoader, PageTitle } from '../shell/Page.tsx'
import { NotificationItem, useOpenNotification } from './NotificationItem.tsx'

const PAGE_SIZE = 20

/** Every notification of the signed-in person, newest first, a page at a time. */
export function NotificationsPage() {
  const [page, setPage] = useState(1)
  const [filter, setFilter] = useState<'all' | 'unread'>('all')
  const list = useNotifications({
    offset: (page - 1) * PAGE_SIZE,
    limit: PAGE_SIZE,
    unread: filter === 'unread',
  })
  const markAll = useMarkAllNotificationsRead()
  const open = useOpenNotification()
  const pages = list.data ? Math.max(1, Math.ceil(list.data.total / PAGE_SIZE)) : 1
  return (
    <>
      <PageTitle
        description="Review requests, reminders, decisions on your work and approvals about to expire. Each one was also sent to you by e-mail."
        actions={
          <Button
            variant="default"
            onClick={() => markAll.mutate()}
            loading={markAll.isPending}
            disabled={!list.data || list.data.unreadCount === 0}
          >
            Mark all read
          </Button>
        }
      >
        Notifications
      </PageTitle>
      <Stack gap="md" maw={760}>
        <Group justify="space-between">
          <SegmentedControl
            aria-label="Show"
            value={filter}
            onChange={(v) => {
              setFilter(v as 'all' | 'unread')
              setPage(1)
            }}
            data={[
              { value: 'all', label: 'All' },
              { value: 'unread', label: `Unread${list.data ? ` (${list.data.unreadCount})` : ''}` },
            ]}
          />
        </Group>
        {list.isPending ? (
          <PageLoader label="Loading notifications" />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => list.refetch()} />
        ) : list.data.notifications.length === 0 ? (
          <Card withBorder radius="md" padding="lg">
            <Text c="dimmed">
              {filter === 'unread' ? 'No unread notifications.' : 'No notifications yet.'}
            </Text>
          </Card>
        ) : (
          <Card withBorder radius="md" padding="xs">
            <Stack gap={2} component="ul" m={0} p={0} style={{ listStyle: 'none' }}>
              {list.data.notifications.map((n) => (
                <li key={n.id}>
                  <NotificationItem notification={n} full onOpen={open} />
                </li>
              ))}
            </Stack>
          </Card>
        )}
        {pages > 1 ? <Pagination total={pages} value={page} onChange={setPage} aria-label="Pages" /> : null}
      </Stack>
    </>
  )
}
