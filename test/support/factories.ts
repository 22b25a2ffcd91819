import type { Role } from '#src/capabilities/accounts/accounts.schema.ts'
import {
  addMemberRole,
  createOrganisationAsOperator,
  createUser,
} from '#src/capabilities/accounts/operator.service.ts'
import type { Rounds } from '#src/entry/context.ts'
import { TEST_PASSWORD } from './rounds.ts'

let counter = 0
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`

/** Persists a user (through better-auth, so they can sign in with TEST_PASSWORD). */
export async function createTestUser(
  rounds: Rounds,
  overrides: { email?: string; name?: string; password?: string } = {},
): Promise<{ id: string; email: string; name: string }> {
  const u = unique()
  return createUser(rounds.operator, {
    email: overrides.email ?? `user-${u}@example.org`,
    name: overrides.name ?? `Test User ${u}`,
    password: overrides.password ?? TEST_PASSWORD,
  })
}

export async function createTestOrganisation(
  rounds: Rounds,
  overrides: { slug?: string; name?: string } = {},
): Promise<{ id: string; slug: string; name: string }> {
  const u = unique()
  return createOrganisationAsOperator(rounds.accounts, {
    slug: overrides.slug ?? `org-${u}`,
    name: overrides.name ?? `Organisation ${u}`,
  })
}

/** A user holding the given roles in the organisation. */
export async function createTestMember(
  rounds: Rounds,
  organisationId: string,
  roles: Role[],
  overrides: { email?: string; name?: string } = {},
): Promise<{ id: string; email: string; name: string }> {
  const user = await createTestUser(rounds, overrides)
  for (const role of roles) await addMemberRole(rounds.accounts, organisationId, user.id, role)
  return user
}
