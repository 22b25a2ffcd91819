import { describe, expect, it } from 'vitest'
import { identityUpdateSchema, isValidNpi, organisationCreateSchema, slugSchema } from './accounts.schema.ts'

const identity = (registrationBody: string | null, registrationNumber: string | null) => ({
  displayName: 'Dr Test',
  profession: 'doctor',
  registrationBody,
  registrationNumber,
})

/** The issues (path → message) the schema reports, or null when the input is valid. */
function issues(input: unknown): Record<string, string> | null {
  const r = identityUpdateSchema.safeParse(input)
  if (r.success) return null
  return Object.fromEntries(r.error.issues.map((i) => [i.path.join('.'), i.message]))
}

describe('registration number formats', () => {
  it.each([
    ['GMC', '1234567'],
    ['GMC', ' 7012345 '],
    ['NMC', '12A3456E'],
    ['NMC', '12a3456e'],
    ['NPI', '1234567893'],
    ['NPI', '1245319599'],
    ['GPhC', '2012345'],
    ['HCPC', 'PA12345'],
    ['HCPC', 'ph123456'],
    ['other', 'ABC-123'],
  ])('%s accepts %j', (body, number) => {
    expect(issues(identity(body, number))).toBeNull()
  })

  it.each([
    ['GMC', '123456', 'GMC numbers have 7 digits'],
    ['GMC', '12345678', 'GMC numbers have 7 digits'],
    ['GMC', '12345A7', 'GMC numbers have 7 digits'],
    ['NMC', '1234567E', 'NMC PINs look like 12A3456E'],
    ['NMC', '12A3456', 'NMC PINs look like 12A3456E'],
    ['NPI', '123456789', 'NPI numbers have 10 digits'],
    ['NPI', '1234567890', 'not a valid NPI (check digit fails)'],
    ['NPI', '1234567891', 'not a valid NPI (check digit fails)'],
    ['HCPC', '12345', 'HCPC numbers look like PA12345'],
    ['other', 'AB', 'letters and digits only'],
    ['other', 'AB 123', 'letters and digits only'],
  ])('%s refuses %j with a hint on registrationNumber', (body, number, hint) => {
    expect(issues(identity(body, number))).toEqual({ registrationNumber: hint })
  })

  it('normalises the number: trimmed and upper-cased', () => {
    const r = identityUpdateSchema.parse(identity('NMC', ' 12a3456e '))
    expect(r.registrationNumber).toBe('12A3456E')
  })

  it('treats an empty number as none', () => {
    expect(identityUpdateSchema.parse(identity(null, '')).registrationNumber).toBeNull()
  })

  it('needs a number when a body is given, and a body when a number is given', () => {
    expect(issues(identity('GMC', null))).toEqual({
      registrationNumber: 'required when a registration body is given',
    })
    expect(issues(identity('GMC', ''))).toEqual({
      registrationNumber: 'required when a registration body is given',
    })
    expect(issues(identity(null, '1234567'))).toEqual({
      registrationBody: 'required when a registration number is given',
    })
  })

  it('accepts no registration at all', () => {
    expect(issues(identity(null, null))).toBeNull()
  })

  it('refuses an unknown body and a short display name', () => {
    expect(Object.keys(issues({ ...identity('XYZ', '1234567') }) ?? {})).toContain('registrationBody')
    expect(issues({ ...identity(null, null), displayName: ' A ' })).toEqual({
      displayName: 'at least 2 characters',
    })
  })
})

describe('isValidNpi (Luhn over 80840 + number)', () => {
  it.each([
    ['1234567893', true],
    ['1245319599', true],
    ['1234567890', false],
    ['1245319598', false],
    ['123456789', false],
    ['12345678931', false],
    ['123456789X', false],
  ])('%s → %s', (npi, valid) => {
    expect(isValidNpi(npi)).toBe(valid)
  })
})

describe('slugs', () => {
  it.each(['ab', 'demo', 'a-b', 'st-marys-2', '0rg', 'a'.repeat(48)])('accepts %j', (slug) => {
    expect(slugSchema.safeParse(slug).success).toBe(true)
  })

  it.each([
    ['a', 'too short'],
    ['a'.repeat(49), 'too long'],
    ['Demo', 'upper case'],
    ['-demo', 'leading hyphen'],
    ['demo-', 'trailing hyphen'],
    ['my_org', 'underscore'],
    ['my org', 'space'],
    ['démo', 'non-ASCII'],
    ['', 'empty'],
  ])('refuses %j (%s)', (slug) => {
    expect(slugSchema.safeParse(slug).success).toBe(false)
  })

  it('trims surrounding space', () => {
    expect(slugSchema.parse('  demo ')).toBe('demo')
  })

  it('names the slug field when an organisation is created with a bad one', () => {
    const r = organisationCreateSchema.safeParse({ slug: 'Bad Slug', name: 'Good name' })
    expect(r.success).toBe(false)
    expect(r.error?.issues.map((i) => i.path.join('.'))).toEqual(['slug'])
  })
})
