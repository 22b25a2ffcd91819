import { z } from 'zod'
import { channelIdSchema } from '#src/capabilities/screening/screening.schema.ts'

/**
 * Publishing: connected channel accounts, per-channel previews, publications and their
 * deliveries. Shapes shared by the API, the CLI and the web UI; nothing here imports Node.
 * Credentials never appear in any of these shapes.
 */

export const connectionMethodSchema = z.enum(['none', 'app-password', 'server-token', 'oauth2'])

export const channelAccountStatusSchema = z.enum(['connected', 'needs_reauth', 'disconnected'])

/** A connected account as the API shows it: never its tokens. */
export const channelAccountSchema = z
  .object({
    id: z.string(),
    channel: channelIdSchema,
    /** The account's name on the platform ("@rounds@med.social", "rounds.bsky.social"). */
    name: z.string(),
    serviceUrl: z.string(),
    status: channelAccountStatusSchema,
    /** When the access token expires (it is refreshed before then), or null when it does not. */
    expiresAt: z.string().nullable(),
    /** The platform's last refusal, in plain words. */
    lastError: z.string().nullable(),
    connectedAt: z.string(),
    connectedBy: z.object({ id: z.string(), name: z.string() }).nullable(),
  })
  .meta({ id: 'ChannelAccount' })
export type ChannelAccount = z.infer<typeof channelAccountSchema>

/** A channel the organisation can publish to, and how it connects. */
export const channelOptionSchema = z
  .object({
    channel: channelIdSchema,
    label: z.string(),
    connection: connectionMethodSchema,
    /** OAuth platforms need a client configured by the operator. */
    available: z.boolean(),
    unavailableReason: z.string().nullable(),
    account: channelAccountSchema.nullable(),
    capabilities: z.object({
      threads: z.boolean(),
      delete: z.boolean(),
      reply: z.boolean(),
      maxLength: z.number().nullable(),
    }),
  })
  .meta({ id: 'ChannelOption' })
export type ChannelOption = z.infer<typeof channelOptionSchema>

export const channelListSchema = z
  .object({ channels: z.array(channelOptionSchema) })
  .meta({ id: 'ChannelList' })

const httpUrl = z
  .string()
  .trim()
  .max(500)
  .refine((v) => /^https?:\/\/[^\s/]+/.test(v), {
    message: 'must be an http(s) URL such as https://mastodon.social',
  })

/** Connecting by credentials: an app password (Bluesky) or a server URL and token (Mastodon). */
export const channelConnectSchema = z
  .discriminatedUnion('method', [
    z.object({
      method: z.literal('app-password'),
      /** The account's handle or email. */
      identifier: z.string().trim().min(1).max(300),
      password: z.string().min(1).max(300),
      /** The account's server (PDS); defaults to the platform's. */
      serviceUrl: httpUrl.optional(),
    }),
    z.object({
      method: z.literal('server-token'),
      serviceUrl: httpUrl,
      accessToken: z.string().trim().min(1).max(2000),
    }),
  ])
  .meta({ id: 'ChannelConnect' })
export type ChannelConnect = z.infer<typeof channelConnectSchema>

export const oauthStartSchema = z
  .object({
    /** Where the platform sends the editor back; must be on this Rounds' address. */
    redirectUri: z.string().trim().url().max(1000),
  })
  .meta({ id: 'OAuthStart' })

export const oauthStartResultSchema = z
  .object({ authorizeUrl: z.string(), state: z.string(), expiresAt: z.string() })
  .meta({ id: 'OAuthStartResult' })

export const oauthCallbackSchema = z
  .object({ state: z.string().trim().min(16).max(200), code: z.string().trim().min(1).max(2000) })
  .meta({ id: 'OAuthCallback' })

// ── previews and publications ────────────────────────────────────────────────────────────

export const renderedMediaSchema = z.object({
  slotId: z.string(),
  kind: z.enum(['image', 'video']),
  altText: z.string(),
  /** Video captions (WebVTT) sent with the video, when the item has them. */
  captions: z.boolean(),
})

export const renderedPartSchema = z.object({
  index: z.number().int(),
  text: z.string(),
  /** Length in the channel's counting, and its limit (null: no limit). */
  length: z.number().int(),
  limit: z.number().int().nullable(),
  media: z.array(renderedMediaSchema),
})
export type RenderedPart = z.infer<typeof renderedPartSchema>

/** Exactly what will be sent to one channel; its hash is what publishing checks. */
export const renderedPostSchema = z.object({
  channel: channelIdSchema,
  title: z.string().nullable(),
  parts: z.array(renderedPartSchema),
  hashtags: z.array(z.string()),
  canonicalUrl: z.string(),
  language: z.string().nullable(),
  captionsVtt: z.string().nullable(),
})
export type RenderedPost = z.infer<typeof renderedPostSchema>

export const previewProblemSchema = z.object({
  code: z.enum([
    'TOO_LONG',
    'NO_THREADS',
    'TOO_MANY_MEDIA',
    'MISSING_ALT_TEXT',
    'NO_DISCLOSURE',
    'NO_ACCOUNT',
    'NO_CONNECTOR',
    'EMPTY',
    'MEDIA_UNAVAILABLE',
  ]),
  message: z.string(),
})
export type PreviewProblem = z.infer<typeof previewProblemSchema>

export const channelPreviewSchema = z
  .object({
    channel: channelIdSchema,
    label: z.string(),
    post: renderedPostSchema,
    /** SHA-256 of the exact bytes: send it back when publishing to confirm what you saw. */
    previewHash: z.string(),
    /** Problems that stop publishing to this channel, in plain words. */
    problems: z.array(previewProblemSchema),
  })
  .meta({ id: 'ChannelPreview' })
export type ChannelPreview = z.infer<typeof channelPreviewSchema>

export const previewSetSchema = z
  .object({
    itemId: z.string(),
    versionNumber: z.number().int(),
    contentHash: z.string(),
    previews: z.array(channelPreviewSchema),
  })
  .meta({ id: 'PublishingPreview' })
export type PreviewSet = z.infer<typeof previewSetSchema>

export const publishRequestSchema = z
  .object({
    /** The approved content hash the editor looked at; refused when it is not the approved one. */
    contentHash: z.string().trim().min(1).max(200),
    channels: z
      .array(
        z.object({
          channel: channelIdSchema,
          /** The previewHash the editor saw for this channel. */
          previewHash: z.string().trim().min(1).max(200),
          /** When to publish (ISO date-time); now when left out. */
          scheduledAt: z.iso.datetime({ offset: true }).nullable().optional(),
        }),
      )
      .min(1, 'choose at least one channel')
      .max(12),
  })
  .meta({ id: 'PublishRequest' })
export type PublishRequest = z.infer<typeof publishRequestSchema>

export const publicationStatusSchema = z.enum([
  'scheduled',
  'publishing',
  'published',
  'failed',
  'cancelled',
  'withdrawing',
  'withdrawn',
  'withdraw_failed',
])
export type PublicationStatus = z.infer<typeof publicationStatusSchema>

export const deliveryStatusSchema = z.enum([
  'pending',
  'sending',
  /** Being handed to the platform's own scheduler (the call may have been cut off). */
  'scheduling',
  /** The platform holds it and posts it itself at the publication's time. */
  'scheduled',
  'sent',
  'failed',
  'deleted',
  'delete_failed',
  'not_deletable',
])
export type DeliveryStatus = z.infer<typeof deliveryStatusSchema>

export const deliverySchema = z.object({
  id: z.string(),
  kind: z.enum(['part', 'correction']),
  partIndex: z.number().int(),
  status: deliveryStatusSchema,
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  remoteUrl: z.string().nullable(),
  error: z.string().nullable(),
  sentAt: z.string().nullable(),
})
export type Delivery = z.infer<typeof deliverySchema>

export const publicationSchema = z
  .object({
    id: z.string(),
    itemId: z.string(),
    versionNumber: z.number().int(),
    contentHash: z.string(),
    channel: channelIdSchema,
    label: z.string(),
    status: publicationStatusSchema,
    scheduledAt: z.string(),
    publishedAt: z.string().nullable(),
    withdrawnAt: z.string().nullable(),
    /**
     * When the platform itself holds the post and publishes it at this time (native
     * scheduling: "scheduled on Mastodon for …"); null when Rounds' queue sends it.
     */
    platformScheduledAt: z.string().nullable(),
    /** What went wrong, in plain words. */
    error: z.string().nullable(),
    /** Links to posts that must be removed by hand (the platform cannot delete them). */
    removeByHand: z.array(z.string()),
    deliveries: z.array(deliverySchema),
    post: renderedPostSchema,
  })
  .meta({ id: 'Publication' })
export type Publication = z.infer<typeof publicationSchema>

export const publicationListSchema = z
  .object({ publications: z.array(publicationSchema) })
  .meta({ id: 'PublicationList' })

export const rescheduleRequestSchema = z
  .object({
    /** The new time (ISO date-time); a time in the past means now. */
    scheduledAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'PublicationReschedule' })
export type RescheduleRequest = z.infer<typeof rescheduleRequestSchema>

export const withdrawRequestSchema = z
  .object({ reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(2000) })
  .meta({ id: 'PublishingWithdraw' })
