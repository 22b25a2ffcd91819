/** Check digits used to tell real identifiers from look-alike numbers. Digits only in, boolean out. */

/** Luhn (ISO/IEC 7812): payment cards, IMEI numbers. */
export function luhnValid(digits: string): boolean {
  let sum = 0
  let dbl = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (d < 0 || d > 9) return false
    if (dbl) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    dbl = !dbl
  }
  return digits.length > 0 && sum % 10 === 0
}

/** NHS number (England, Wales, Isle of Man): ten digits, the last a modulus-11 check digit. */
export function nhsNumberValid(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false
  if (/^(\d)\1{9}$/.test(digits)) return false
  let sum = 0
  for (let i = 0; i < 9; i++) sum += (digits.charCodeAt(i) - 48) * (10 - i)
  const check = 11 - (sum % 11)
  if (check === 10) return false
  return (check === 11 ? 0 : check) === digits.charCodeAt(9) - 48
}

/** IBAN (ISO 13616): move the first four characters to the end, letters to numbers, mod 97 = 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.replace(/\s+/g, '').toUpperCase()
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false
  const r = s.slice(4) + s.slice(0, 4)
  let rem = 0
  for (const ch of r) {
    const code = ch.charCodeAt(0)
    const v = code >= 65 ? String(code - 55) : ch
    for (const d of v) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97
  }
  return rem === 1
}

/** US Social Security number: area not 000, 666 or 9xx; group not 00; serial not 0000. */
export function ssnPlausible(area: string, group: string, serial: string): boolean {
  return area !== '000' && area !== '666' && area[0] !== '9' && group !== '00' && serial !== '0000'
}

/** Vehicle identification number (ISO 3779, North American check digit in position 9). */
export function vinValid(vin: string): boolean {
  const s = vin.toUpperCase()
  if (!/^[A-HJ-NPR-Z0-9]{17}$/.test(s)) return false
  const values: Record<string, number> = {}
  'ABCDEFGH'.split('').forEach((c, i) => {
    values[c] = i + 1
  })
  'JKLMN'.split('').forEach((c, i) => {
    values[c] = i + 1
  })
  values.P = 7
  values.R = 9
  'STUVWXYZ'.split('').forEach((c, i) => {
    values[c] = i + 2
  })
  const weights = [8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2]
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const c = s[i] as string
    const v = c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : (values[c] ?? 0)
    sum += v * (weights[i] as number)
  }
  const check = sum % 11
  return s[8] === (check === 10 ? 'X' : String(check))
}
