/**
 * Certificate validity arithmetic, in UTC. A certificate issued on the 31st of a month and
 * valid for one month expires on the last day of the next month (not on the 2nd or 3rd of
 * the month after), and one issued on 29 February expires on 28 February in a common year.
 */
export function addMonthsClamped(from: Date, months: number): Date {
  const monthIndex = from.getUTCMonth() + months
  const year = from.getUTCFullYear() + Math.floor(monthIndex / 12)
  const month = ((monthIndex % 12) + 12) % 12
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
  return new Date(
    Date.UTC(
      year,
      month,
      Math.min(from.getUTCDate(), lastDay),
      from.getUTCHours(),
      from.getUTCMinutes(),
      from.getUTCSeconds(),
      from.getUTCMilliseconds(),
    ),
  )
}

/** A certificate is valid from its issue until (not including) its expiry instant, unless revoked. */
export function certificateStatus(
  certificate: { issuedAt: string; expiresAt: string; revokedAt?: string | null },
  now: Date,
): 'valid' | 'expired' | 'revoked' {
  if (certificate.revokedAt && Date.parse(certificate.revokedAt) <= now.getTime()) return 'revoked'
  const t = now.getTime()
  return Date.parse(certificate.issuedAt) <= t && t < Date.parse(certificate.expiresAt) ? 'valid' : 'expired'
}

const DAY_MS = 86_400_000

/** Whole days from now until the instant, rounded up (an expiry 29.5 days away is "30 days"). */
export function daysUntil(instant: string, now: Date): number {
  return Math.ceil((Date.parse(instant) - now.getTime()) / DAY_MS)
}

/** Formats an instant as a date people read: "31 March 2027" (UTC, English). */
export function formatDate(instant: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(instant))
}
