import { channelSpecs } from '#src/capabilities/screening/channels.ts'
import type { ChannelConnector, ConnectorFactory } from '../connector.ts'

/**
 * Rounds' own public pages. Publishing makes the item's page (the canonical link every post
 * carries) show the approved version; there is no remote platform, so a "post" is the page
 * itself and withdrawing it is the item's withdrawal, which the page reflects.
 */
export const roundsConnectorFactory: ConnectorFactory = {
  channel: 'rounds',
  connection: 'none',
  create(): ChannelConnector {
    return {
      channel: 'rounds',
      capabilities: {
        spec: channelSpecs.rounds,
        media: {
          imageKinds: ['image/jpeg', 'image/png', 'image/webp'],
          videoKinds: ['video/mp4'],
          maxImages: 20,
          maxImageBytes: 50 * 1024 * 1024,
          maxVideoBytes: 2 * 1024 ** 3,
          altText: true,
        },
        threads: false,
        nativeScheduling: false,
        edit: false,
        delete: true,
        reply: true,
        metrics: [],
        rateLimit: { posts: 1_000, windowMs: 60_000 },
      },
      async publishPart(_ctx, post) {
        return { remoteId: post.canonicalUrl, url: post.canonicalUrl }
      },
      // The page follows the item's state: withdrawn items show a withdrawal notice.
      async delete() {},
    }
  },
}
