import type { Permission, Role } from './accounts.schema.ts'

/**
 * Who may do what: a pure function of the actor and the resource. Every route asks here;
 * nothing else decides. Roles grant permissions within one organisation only.
 */
export type Actor =
  | { kind: 'anonymous' }
  | {
      kind: 'user'
      userId: string
      memberships: ReadonlyArray<{ organisationId: string; roles: readonly Role[] }>
    }

export type Resource = { organisationId: string } | { userId: string } | { kind: 'platform' }

const grants: Record<Role, readonly Permission[]> = {
  author: ['screening.use', 'content.create'],
  reviewer: ['screening.use', 'review.perform'],
  editor: [
    'screening.use',
    'review.manage',
    'publishing.manage',
    'analytics.read',
    'analytics.manage',
    'members.read',
  ],
  admin: [
    'screening.use',
    'members.read',
    'members.manage',
    'identity.verify',
    'audit.read',
    'organisation.manage',
    'analytics.read',
    'analytics.manage',
  ],
  // Reads the measurement (analytics, research view, survey results, exports) and nothing
  // else: no drafts, no review, no publishing, no members (decision 026).
  researcher: ['analytics.read'],
}

/** Platform-level actions, not tied to an organisation. */
export type PlatformAction = 'organisation.create' | 'profile.read' | 'profile.update' | 'invitation.accept'
export type Action = Permission | PlatformAction

export function permissionsFor(roles: readonly Role[]): Permission[] {
  const set = new Set<Permission>()
  for (const r of roles) for (const p of grants[r]) set.add(p)
  return [...set].sort()
}

export function rolesIn(actor: Actor, organisationId: string): Role[] {
  if (actor.kind !== 'user') return []
  return [...(actor.memberships.find((m) => m.organisationId === organisationId)?.roles ?? [])]
}

export function can(actor: Actor, action: Action, resource: Resource): boolean {
  if (actor.kind !== 'user') return false
  switch (action) {
    case 'organisation.create':
    case 'invitation.accept':
      return true
    case 'profile.read':
    case 'profile.update':
      return 'userId' in resource && resource.userId === actor.userId
    default:
      if (!('organisationId' in resource)) return false
      return permissionsFor(rolesIn(actor, resource.organisationId)).includes(action)
  }
}
