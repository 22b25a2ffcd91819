import type { ChannelId } from '#src/capabilities/screening/screening.schema.ts'
import type {
  ChannelConnector,
  ConnectionMethod,
  ConnectorEnv,
  ConnectorFactory,
  OAuthProvider,
} from '../connector.ts'
import { blueskyConnectorFactory } from './bluesky.ts'
import { linkedinConnectorFactory } from './linkedin.ts'
import { mastodonConnectorFactory } from './mastodon.ts'
import { facebookConnectorFactory, instagramConnectorFactory } from './meta.ts'
import { roundsConnectorFactory } from './rounds.ts'
import { threadsConnectorFactory } from './threads.ts'
import { tiktokConnectorFactory } from './tiktok.ts'
import { xConnectorFactory } from './x.ts'
import { youtubeConnectorFactory } from './youtube.ts'

/**
 * Every channel Rounds can publish to. A connector registers here, once; nothing else
 * names connectors. Base URLs are configurable (ROUNDS_CHANNEL_BASE_URLS) so tests and
 * self-hosted set-ups point a connector at another server.
 */
export const connectorFactories: readonly ConnectorFactory[] = [
  roundsConnectorFactory,
  blueskyConnectorFactory,
  mastodonConnectorFactory,
  xConnectorFactory,
  youtubeConnectorFactory,
  tiktokConnectorFactory,
  linkedinConnectorFactory,
  instagramConnectorFactory,
  facebookConnectorFactory,
  threadsConnectorFactory,
]

export type RegisteredChannel = {
  channel: ChannelId
  connector: ChannelConnector
  connection: ConnectionMethod
  oauth: OAuthProvider | null
  /** The API base URL in use (configured override or the platform's default); '' when none. */
  baseUrl: string
}

export type ConnectorRegistry = {
  /** The channel's registration, or null when no connector is installed for it. */
  get(channel: ChannelId): RegisteredChannel | null
  /** Channels with a connector, in registration order. */
  list(): RegisteredChannel[]
}

export type ConnectorRegistryOptions = {
  publicBaseUrl: string
  /** Per-channel API base URL overrides. */
  baseUrls?: Partial<Record<ChannelId, string>>
  fetch?: typeof fetch
  now?: () => Date
  /** Defaults to `connectorFactories`; tests may register fakes. */
  factories?: readonly ConnectorFactory[]
}

export function createConnectorRegistry(options: ConnectorRegistryOptions): ConnectorRegistry {
  const byChannel = new Map<ChannelId, RegisteredChannel>()
  for (const factory of options.factories ?? connectorFactories) {
    if (byChannel.has(factory.channel)) throw new Error(`two connectors registered for ${factory.channel}`)
    const baseUrl = (options.baseUrls?.[factory.channel] ?? factory.defaultBaseUrl ?? '').replace(/\/$/, '')
    const env: ConnectorEnv = {
      baseUrl,
      fetch: options.fetch ?? ((input, init) => fetch(input, init)),
      now: options.now ?? (() => new Date()),
      publicBaseUrl: options.publicBaseUrl,
    }
    const connector = factory.create(env)
    if (connector.channel !== factory.channel)
      throw new Error(`the ${factory.channel} factory made a ${connector.channel} connector`)
    byChannel.set(factory.channel, {
      channel: factory.channel,
      connector,
      connection: factory.connection,
      oauth: factory.oauth ? factory.oauth(baseUrl) : null,
      baseUrl,
    })
  }
  return {
    get: (channel) => byChannel.get(channel) ?? null,
    list: () => [...byChannel.values()],
  }
}
