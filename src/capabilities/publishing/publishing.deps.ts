import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import type { Keyring } from '#src/platform/secrets.ts'
import type { ConnectorRegistry } from './connectors/index.ts'

/** Reads the sanitised bytes of an item's media slot (the media capability provides it). */
export type MediaSource = {
  read(organisationId: string, slotId: string): Promise<{ mimeType: string; bytes: Uint8Array } | null>
}

export type PublishingDeps = AccountsDeps & {
  keyring: Keyring
  connectors: ConnectorRegistry
  /** OAuth 2.0 clients per channel, configured by the operator. */
  oauthClients: Record<string, { clientId: string; clientSecret: string | null }>
  media: MediaSource
  /** Outbound HTTP for the OAuth token exchange (tests point it at fakes through base URLs). */
  fetch: typeof fetch
}

/** Until the media capability serves sanitised bytes to publishing, no media can be sent. */
export const noMedia: MediaSource = { read: async () => null }
