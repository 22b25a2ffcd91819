import type { AccountsDeps } from '#src/capabilities/accounts/accounts.service.ts'
import type { Keyring } from '#src/platform/secrets.ts'
import type { MediaBody } from './connector.ts'
import type { ConnectorRegistry } from './connectors/index.ts'

/**
 * Reads the file published for an item's media slot: the redacted or sanitised derivative,
 * never the quarantined original (the media capability provides it).
 */
export type MediaSource = {
  read(itemId: string, slotId: string): Promise<{ mimeType: string; bytes: Uint8Array } | null>
  /**
   * The same file, read by byte range as it is sent rather than whole (a video can be
   * gigabytes); delivery prefers it where the source offers it.
   */
  open?(itemId: string, slotId: string): Promise<{ mimeType: string; body: MediaBody } | null>
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

/** No media store (tests of text-only posts): items with media cannot be published. */
export const noMedia: MediaSource = { read: async () => null }
