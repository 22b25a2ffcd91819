import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import type {
  Notification as SchemaNotification,
  NotificationKind as SchemaNotificationKind,
  NotificationPage as SchemaNotificationPage,
} from '../../../src/capabilities/notifications/notifications.schema.ts'
import { api } from './client.ts'

/** The signed-in person's notifications: the bell's count and the notifications page. */

export type Notification = SchemaNotification
export type NotificationKind = SchemaNotificationKind
export type NotificationPage = SchemaNotificationPage

export const notificationKeys = {
  all: ['notifications'] as const,
  page: (offset: number, limit: number, unread: boolean) =>
    ['notifications', 'page', offset, limit, unread] as const,
}

/** How often the bell asks for news while the app is open. */
const POLL_MS = 60_000

export function useNotifications(
  options: { offset?: number; limit?: number; unread?: boolean; poll?: boolean } = {},
) {
  const { offset = 0, limit = 20, unread = false, poll = false } = options
  return useQuery({
    queryKey: notificationKeys.page(offset, limit, unread),
    queryFn: () =>
      api<NotificationPage>(
        'GET',
        `/api/me/notifications?limit=${limit}&offset=${offset}${unread ? '&unread=true' : ''}`,
      ),
    ...(poll ? { refetchInterval: POLL_MS, refetchOnWindowFocus: true } : {}),
  })
}

function useChanged() {
  const queryClient = useQueryClient()
  return () => void queryClient.invalidateQueries({ queryKey: notificationKeys.all })
}

export function useMarkNotificationRead() {
  const changed = useChanged()
  return useMutation({
    mutationFn: (id: string) =>
      api<{ marked: number; unreadCount: number }>(
        'POST',
        `/api/me/notifications/${encodeURIComponent(id)}/read`,
      ),
    onSuccess: changed,
  })
}

export function useMarkAllNotificationsRead() {
  const changed = useChanged()
  return useMutation({
    mutationFn: () => api<{ marked: number; unreadCount: number }>('POST', '/api/me/notifications/read-all'),
    onSuccess: changed,
  })
}

export const notificationKindLabels: Record<NotificationKind, string> = {
  'review.assigned': 'Review requested',
  'review.due_soon': 'Review due soon',
  'review.overdue': 'Review overdue',
  'review.decided': 'Decision',
  'approval.expiring': 'Approval expiring',
  'quiz.delayed_due': 'Follow-up quiz',
  'content.corrected': 'Correction posted',
}
