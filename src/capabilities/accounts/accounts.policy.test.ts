import { describe, expect, it } from 'vitest'
import { type Actor, can, permissionsFor, rolesIn } from './accounts.policy.ts'
import { type Permission, permissions, type Role, roles } from './accounts.schema.ts'

const ORG_A = 'org-a'
const ORG_B = 'org-b'

const member = (orgRoles: Role[], userId = 'user-1'): Actor => ({
  kind: 'user',
  userId,
  memberships: [{ organisationId: ORG_A, roles: orgRoles }],
})

/**
 * The whole grant table, written out by hand: a change to what a role may do has to be
 * made here too, on purpose.
 */
const expected: Record<Role, readonly Permission[]> = {
  admin: [
    'analytics.manage',
    'analytics.read',
    'audit.read',
    'identity.verify',
    'members.manage',
    'members.read',
    'organisation.manage',
    'screening.use',
  ],
  editor: [
    'analytics.manage',
    'analytics.read',
    'members.read',
    'publishing.manage',
    'review.manage',
    'screening.use',
  ],
  reviewer: ['review.perform', 'screening.use'],
  author: ['content.create', 'screening.use'],
  researcher: ['analytics.read'],
}

describe('can: every role × every permission in its own organisation', () => {
  const cases = roles.flatMap((role) =>
    permissions.map((permission) => ({ role, permission, allowed: expected[role].includes(permission) })),
  )
  it.each(cases)('$role → $permission: $allowed', ({ role, permission, allowed }) => {
    expect(can(member([role]), permission, { organisationId: ORG_A })).toBe(allowed)
  })
})

describe('permissionsFor', () => {
  it.each(roles)('%s gets exactly its grants, sorted', (role) => {
    expect(permissionsFor([role])).toEqual([...expected[role]].sort())
  })

  it('unions several roles without duplicates', () => {
    const union = permissionsFor(['editor', 'admin'])
    expect(union).toEqual([...new Set([...expected.editor, ...expected.admin])].sort())
    expect(union.filter((p) => p === 'analytics.read')).toHaveLength(1)
  })

  it('gives nothing for no roles', () => {
    expect(permissionsFor([])).toEqual([])
  })
})

describe('can: several roles', () => {
  const reviewerAuthor = member(['reviewer', 'author'])
  it.each([
    ['review.perform', true],
    ['content.create', true],
    ['members.read', false],
    ['audit.read', false],
  ] as const)('reviewer+author → %s: %s', (permission, allowed) => {
    expect(can(reviewerAuthor, permission, { organisationId: ORG_A })).toBe(allowed)
  })
})

describe('can: a researcher reads the measurement and nothing else', () => {
  const researcher = member(['researcher'])
  const org = { organisationId: ORG_A }
  it('reads analytics', () => {
    expect(can(researcher, 'analytics.read', org)).toBe(true)
  })
  it.each([
    'analytics.manage',
    'screening.use',
    'content.create',
    'review.perform',
    'review.manage',
    'publishing.manage',
    'members.read',
    'members.manage',
    'identity.verify',
    'audit.read',
    'organisation.manage',
  ] as const)('may not %s', (permission) => {
    expect(can(researcher, permission, org)).toBe(false)
  })
  it('keeps what another role grants when held beside it', () => {
    const researchingAuthor = member(['researcher', 'author'])
    expect(permissionsFor(['researcher', 'author'])).toEqual([
      'analytics.read',
      'content.create',
      'screening.use',
    ])
    expect(can(researchingAuthor, 'content.create', org)).toBe(true)
    expect(can(researchingAuthor, 'analytics.manage', org)).toBe(false)
  })
})

describe('can: roles are per organisation', () => {
  const adminOfA: Actor = {
    kind: 'user',
    userId: 'user-1',
    memberships: [
      { organisationId: ORG_A, roles: ['admin'] },
      { organisationId: ORG_B, roles: ['author'] },
    ],
  }
  it.each(permissions)('admin of A, author of B: %s in B only as an author', (permission) => {
    expect(can(adminOfA, permission, { organisationId: ORG_B })).toBe(expected.author.includes(permission))
  })
  it.each(permissions)('admin of A: nothing in an organisation they do not belong to (%s)', (permission) => {
    expect(can(member(['admin']), permission, { organisationId: 'org-c' })).toBe(false)
  })
  it('rolesIn reads only the asked organisation', () => {
    expect(rolesIn(adminOfA, ORG_A)).toEqual(['admin'])
    expect(rolesIn(adminOfA, ORG_B)).toEqual(['author'])
    expect(rolesIn(adminOfA, 'org-c')).toEqual([])
    expect(rolesIn({ kind: 'anonymous' }, ORG_A)).toEqual([])
  })
})

describe('can: organisation permissions need an organisation resource', () => {
  it.each(permissions)('%s on a platform or user resource is refused, even for an admin', (permission) => {
    expect(can(member(['admin']), permission, { kind: 'platform' })).toBe(false)
    expect(can(member(['admin']), permission, { userId: 'user-1' })).toBe(false)
  })
})

describe('can: anonymous', () => {
  const anonymous: Actor = { kind: 'anonymous' }
  const actions = [
    ...permissions,
    'organisation.create',
    'invitation.accept',
    'profile.read',
    'profile.update',
  ] as const
  it.each(actions)('may not %s', (action) => {
    expect(can(anonymous, action, { organisationId: ORG_A })).toBe(false)
    expect(can(anonymous, action, { kind: 'platform' })).toBe(false)
    expect(can(anonymous, action, { userId: 'user-1' })).toBe(false)
  })
})

describe('can: platform actions', () => {
  const noOrgs: Actor = { kind: 'user', userId: 'user-1', memberships: [] }
  it.each(['organisation.create', 'invitation.accept'] as const)('any signed-in user may %s', (action) => {
    expect(can(noOrgs, action, { kind: 'platform' })).toBe(true)
  })
  it.each(['profile.read', 'profile.update'] as const)('%s only on oneself', (action) => {
    expect(can(noOrgs, action, { userId: 'user-1' })).toBe(true)
    expect(can(noOrgs, action, { userId: 'user-2' })).toBe(false)
    expect(can(member(['admin']), action, { userId: 'user-2' })).toBe(false)
    expect(can(noOrgs, action, { kind: 'platform' })).toBe(false)
    expect(can(member(['admin']), action, { organisationId: ORG_A })).toBe(false)
  })
})
