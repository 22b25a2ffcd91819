import { expect } from 'vitest'
import type { Role } from '#src/capabilities/accounts/accounts.schema.ts'
import { loadActor, updateIdentity, verifyIdentity } from '#src/capabilities/accounts/accounts.service.ts'
import { findLatestMailTo } from '#src/platform/mail/mail.ts'
import { createTestMember, createTestOrganisation, createTestUser } from '#test/support/factories.ts'
import { call, signIn, type TestRounds } from '#test/support/rounds.ts'

/** The one error shape every 4xx/5xx carries: `{ error: { code, message, details?, requestId } }`. */
export type ErrorResponse = {
  error: {
    code: string
    message: string
    details?: Array<{ path: string; message: string }>
    requestId: string
  }
}

/**
 * Asserts the status, the error code and the shape (nothing but code, message, details and
 * requestId), and that the request id matches the x-request-id header. Returns the body.
 */
export async function expectError(res: Response, status: number, code: string): Promise<ErrorResponse> {
  const text = await res.text()
  expect({ status: res.status, body: text }).toMatchObject({ status })
  expect(res.headers.get('content-type')).toMatch(/^application\/json/)
  const body = JSON.parse(text) as ErrorResponse
  expect(Object.keys(body)).toEqual(['error'])
  expect(body.error.code).toBe(code)
  expect(typeof body.error.message).toBe('string')
  expect(body.error.message.length).toBeGreaterThan(0)
  expect(body.error.requestId).toBe(res.headers.get('x-request-id'))
  for (const key of Object.keys(body.error))
    expect(['code', 'message', 'details', 'requestId']).toContain(key)
  return body
}

/** Asserts a 400 VALIDATION_FAILED that names the given field paths (and returns their messages). */
export async function expectValidationError(res: Response, paths: string[]): Promise<Record<string, string>> {
  const body = await expectError(res, 400, 'VALIDATION_FAILED')
  const details = body.error.details ?? []
  const byPath = Object.fromEntries(details.map((d) => [d.path, d.message]))
  for (const p of paths) expect(Object.keys(byPath), `expected a detail for ${p}`).toContain(p)
  return byPath
}

/** Asserts the status and returns the JSON body (the body text is shown when the status differs). */
export async function expectJson<T = Record<string, unknown>>(res: Response, status: number): Promise<T> {
  const text = await res.text()
  expect({ status: res.status, body: text }).toMatchObject({ status })
  return (text ? JSON.parse(text) : null) as T
}

export type SignedInUser = { id: string; email: string; name: string; cookie: string }

/** A user with the given roles in the organisation, signed in. */
export async function signedInMember(
  rounds: TestRounds,
  organisationId: string,
  roles: Role[],
  overrides: { name?: string } = {},
): Promise<SignedInUser> {
  const user = await createTestMember(rounds, organisationId, roles, overrides)
  return { ...user, cookie: await signIn(rounds, user.email) }
}

export async function signedInUser(rounds: TestRounds): Promise<SignedInUser> {
  const user = await createTestUser(rounds)
  return { ...user, cookie: await signIn(rounds, user.email) }
}

/**
 * An organisation with one signed-in member per role, and an outsider: the admin of another
 * organisation, who belongs to this one not at all.
 */
export async function createOrgWithRoles(rounds: TestRounds, overrides: { name?: string } = {}) {
  const org = await createTestOrganisation(rounds, overrides)
  const other = await createTestOrganisation(rounds)
  return {
    org,
    other,
    admin: await signedInMember(rounds, org.id, ['admin'], { name: 'Dr Ada Admin' }),
    editor: await signedInMember(rounds, org.id, ['editor']),
    reviewer: await signedInMember(rounds, org.id, ['reviewer']),
    author: await signedInMember(rounds, org.id, ['author']),
    outsider: await signedInMember(rounds, other.id, ['admin']),
  }
}

/** Gives the user a GMC registration (through the use-case, as they would themselves). */
export async function giveRegistration(rounds: TestRounds, userId: string, registrationNumber = '7012345') {
  return updateIdentity(rounds.accounts, await loadActor(rounds.accounts, userId), {
    displayName: 'Dr Registered',
    profession: 'doctor',
    registrationBody: 'GMC',
    registrationNumber,
  })
}

/** Verifies the user's registration as the given admin (through the use-case). */
export async function verifyAs(rounds: TestRounds, adminId: string, slug: string, userId: string) {
  return verifyIdentity(
    rounds.accounts,
    await loadActor(rounds.accounts, adminId),
    slug,
    userId,
    'Checked the GMC register',
  )
}

/** The invitation token from the newest mail in the outbox to that address. */
export async function invitationTokenFor(rounds: TestRounds, email: string): Promise<string> {
  const mail = await findLatestMailTo(rounds.database.db, email)
  const token = mail?.text.match(/\/invite\/([A-Za-z0-9_-]+)/)?.[1]
  if (!token) throw new Error(`no invitation link in the mail to ${email}: ${mail?.text}`)
  return token
}

/** Invites the address through the API as the given admin and returns the token from the mail. */
export async function inviteThroughApi(
  rounds: TestRounds,
  admin: { cookie: string },
  slug: string,
  email: string,
  roles: Role[],
): Promise<string> {
  const res = await call(rounds, 'POST', `/api/orgs/${slug}/invitations`, {
    cookie: admin.cookie,
    body: { email, roles },
  })
  expect(res.status).toBe(201)
  return invitationTokenFor(rounds, email)
}

/** The number of audit events recorded so far (all organisations). */
export async function countAuditEvents(rounds: TestRounds): Promise<number> {
  const r = await rounds.database.db
    .selectFrom('audit_event')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(r.n)
}

let counter = 0
/** A unique suffix for slugs and addresses within one test run. */
export const uniq = () => `${Date.now().toString(36)}${(counter++).toString(36)}`
