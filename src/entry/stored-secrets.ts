import { actorKeySecretColumn } from '#src/capabilities/federation/federation.keys.ts'
import { forwardingSecretColumn } from '#src/capabilities/learning/xapi/xapi.forward.ts'
import { publishingSecretColumns } from '#src/capabilities/publishing/channels.service.ts'
import { issuerKeySecretColumn } from '#src/capabilities/standards/credential.keys.ts'
import type { SecretColumn } from '#src/platform/secrets.ts'

/**
 * Every database column that holds a secret encrypted with `platform/secrets.ts`, so that
 * `rounds secrets rotate` can move all of them to the newest key. A capability that stores
 * a secret adds its column here.
 */
export const storedSecretColumns: SecretColumn[] = [
  ...publishingSecretColumns,
  actorKeySecretColumn,
  issuerKeySecretColumn,
  forwardingSecretColumn,
]
