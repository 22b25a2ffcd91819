import { z } from 'zod'

/** The organisation's fediverse presence, as members see it. */
export const followingSchema = z
  .object({
    id: z.string(),
    actorUri: z.string(),
    handle: z.string().meta({ example: '@cardiology@rounds.example.org' }),
    acceptedAt: z.string().nullable().meta({ description: 'When the remote server accepted the follow' }),
    createdAt: z.string(),
  })
  .meta({ id: 'FederationFollowing' })

export const federationSummarySchema = z
  .object({
    handle: z.string().meta({ example: '@demo@rounds.example.org' }),
    actorUrl: z.string(),
    followers: z.number().int(),
    following: z.array(followingSchema),
  })
  .meta({ id: 'FederationSummary' })

export const followRequestSchema = z
  .object({
    account: z
      .string()
      .trim()
      .min(3)
      .max(2000)
      .refine((v) => /^@?[^@\s]+@[^@\s]+$/.test(v) || /^https?:\/\/\S+$/.test(v), {
        message: 'give a handle such as @name@server.example or the account’s URL',
      })
      .meta({ example: '@cardiology@rounds.example.org' }),
  })
  .meta({ id: 'FederationFollowRequest' })

export const receivedPostSchema = z
  .object({
    id: z.string(),
    objectUri: z.string(),
    actorUri: z.string(),
    objectType: z.string(),
    /** As the sender wrote it (HTML): clients must sanitise before showing it. */
    content: z.string(),
    url: z.string().nullable(),
    publishedAt: z.string().nullable(),
    receivedAt: z.string(),
    liked: z.boolean(),
    announced: z.boolean(),
  })
  .meta({ id: 'FederationReceivedPost' })

export const receivedListSchema = z
  .object({ posts: z.array(receivedPostSchema) })
  .meta({ id: 'FederationReceivedList' })
