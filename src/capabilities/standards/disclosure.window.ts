import { ATTESTATION_MONTHS, RELEVANCE_MONTHS } from './disclosure.schema.ts'

/**
 * Calendar arithmetic for the register, in UTC. A month later (or earlier) keeps the day of
 * the month, or the month's last day when it has fewer: 31 January + 1 month = 28 or 29
 * February, 29 February 2028 − 24 months = 28 February 2026.
 */

/** The instant `months` calendar months after `at` (negative: before), same time of day. */
export function addMonths(at: Date, months: number): Date {
  const y = at.getUTCFullYear()
  const m = at.getUTCMonth() + months
  const targetYear = y + Math.floor(m / 12)
  const targetMonth = ((m % 12) + 12) % 12
  const day = Math.min(at.getUTCDate(), daysInMonth(targetYear, targetMonth))
  return new Date(
    Date.UTC(
      targetYear,
      targetMonth,
      day,
      at.getUTCHours(),
      at.getUTCMinutes(),
      at.getUTCSeconds(),
      at.getUTCMilliseconds(),
    ),
  )
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate()
}

/** The UTC calendar date of an instant, as YYYY-MM-DD. */
export function isoDateOf(at: Date): string {
  return at.toISOString().slice(0, 10)
}

/**
 * The first day still inside the 24-month window on `now`'s date: a relationship that ended
 * on or after it is relevant; one that ended before it has dropped out.
 */
export function relevanceWindowStart(now: Date): string {
  return isoDateOf(addMonths(new Date(`${isoDateOf(now)}T00:00:00.000Z`), -RELEVANCE_MONTHS))
}

/** Whether a relationship (end date null while ongoing) is inside the window on `now`. */
export function isRelevant(endDate: string | null, now: Date): boolean {
  return endDate === null || endDate >= relevanceWindowStart(now)
}

/** When an attestation made at `attestedAt` lapses: 12 calendar months later. */
export function attestationExpiry(attestedAt: Date): Date {
  return addMonths(attestedAt, ATTESTATION_MONTHS)
}
