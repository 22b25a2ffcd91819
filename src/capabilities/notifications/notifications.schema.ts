import { z } from 'zod'

/** What a notification is about. Each is written for its recipient when the event happens. */
export const notificationKindSchema = z
  .enum([
    'review.assigned',
    'review.due_soon',
    'review.overdue',
    'review.decided',
    'approval.expiring',
    'quiz.delayed_due',
    'content.corrected',
  ])
  .meta({ id: 'NotificationKind' })
export type NotificationKind = z.infer<typeof notificationKindSchema>

export const notificationSchema = z
  .object({
    id: z.string(),
    kind: notificationKindSchema,
    title: z.string(),
    body: z.string(),
    /** The web page the notification is about (a path on this site). */
    link: z.string(),
    organisation: z.object({ id: z.string(), slug: z.string(), name: z.string() }).nullable(),
    itemId: z.string().nullable(),
    createdAt: z.string(),
    readAt: z.string().nullable(),
  })
  .meta({ id: 'Notification' })
export type Notification = z.infer<typeof notificationSchema>

export const notificationListQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  unread: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v === 'true'),
})
export type NotificationListQuery = z.infer<typeof notificationListQuerySchema>

export const notificationPageSchema = z
  .object({
    notifications: z.array(notificationSchema),
    /** How many match the query (for paging). */
    total: z.number().int(),
    /** Unread notifications of the caller, whatever the query. */
    unreadCount: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  })
  .meta({ id: 'NotificationPage' })
export type NotificationPage = z.infer<typeof notificationPageSchema>

export const notificationsReadSchema = z
  .object({ marked: z.number().int(), unreadCount: z.number().int() })
  .meta({ id: 'NotificationsRead' })
