import { createHmac, timingSafeEqual } from 'node:crypto'
import { activeKey, type Keyring } from '#src/platform/secrets.ts'

/**
 * Instagram and Facebook fetch media from a URL, while delivery runs before the item's public
 * page exists (the item becomes public once it is published). Delivery therefore hands the
 * platform the item's public media address with a signature: an HMAC (under the active key of
 * Rounds' key ring) of the path and an expiry. The public media route serves a file of a
 * not-yet-public item only with a valid, unexpired signature, and never once it is withdrawn.
 */
export const OUTBOUND_MEDIA_TTL_MS = 24 * 60 * 60_000

const mac = (key: Buffer, path: string, expires: string) =>
  createHmac('sha256', key).update(`rounds-outbound-media\n${path}\n${expires}`).digest('base64url')

/** The item's public media URL with `expires` and `sig` query parameters. */
export function signedMediaUrl(
  keyring: Keyring,
  url: string,
  now: Date,
  ttlMs = OUTBOUND_MEDIA_TTL_MS,
): string {
  const u = new URL(url)
  const expires = String(Math.floor((now.getTime() + ttlMs) / 1000))
  const key = activeKey(keyring)
  u.searchParams.set('expires', expires)
  u.searchParams.set('sig', `${key.id}.${mac(key.key, u.pathname, expires)}`)
  return u.toString()
}

/** Whether `sig` signs `path` until `expires` (seconds) under a key of the ring, and has not expired. */
export function verifyMediaSignature(
  keyring: Keyring,
  path: string,
  expires: string | undefined,
  sig: string | undefined,
  now: Date,
): boolean {
  if (!expires || !sig || !/^\d{1,12}$/.test(expires)) return false
  if (Number(expires) * 1000 < now.getTime()) return false
  const dot = sig.indexOf('.')
  const key = keyring.keys.find((k) => k.id === sig.slice(0, dot))
  if (dot < 1 || !key) return false
  const want = Buffer.from(mac(key.key, path, expires))
  const got = Buffer.from(sig.slice(dot + 1))
  return want.length === got.length && timingSafeEqual(want, got)
}
