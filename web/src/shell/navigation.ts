import type { Permission } from '../api/types.ts'

export type NavItem = {
  label: string
  path: string
  /** Shown only to members whose current organisation grants this permission. */
  permission?: Permission
}

/** The main navigation, in order. A path here is reachable only with its permission. */
export const navItems: readonly NavItem[] = [
  { label: 'Dashboard', path: '/' },
  { label: 'Check a draft', path: '/check', permission: 'screening.use' },
  { label: 'Profile', path: '/profile' },
  { label: 'My content', path: '/content', permission: 'content.create' },
  { label: 'Training', path: '/training', permission: 'content.create' },
  { label: 'Reviews', path: '/reviews', permission: 'review.perform' },
  { label: 'Review queue', path: '/review-queue', permission: 'review.manage' },
  { label: 'Publishing', path: '/publishing', permission: 'publishing.manage' },
  { label: 'Analytics', path: '/analytics', permission: 'analytics.read' },
  { label: 'Members', path: '/members', permission: 'members.read' },
  { label: 'Audit log', path: '/audit', permission: 'audit.read' },
  { label: 'Settings', path: '/settings', permission: 'organisation.manage' },
]

/** Pages reached from other pages rather than the navigation, with the permission each needs. */
const unlistedItems: readonly NavItem[] = [
  // Every member may read the policy their drafts are screened under; admins edit it.
  { label: 'Screening policy', path: '/settings/screening', permission: 'screening.use' },
]

export function visibleNavItems(permissions: readonly string[]): NavItem[] {
  return navItems.filter((item) => !item.permission || permissions.includes(item.permission))
}

/** Whether a path is open to someone with these permissions (unknown paths are left to the router). */
export function pathAllowed(pathname: string, permissions: readonly string[]): boolean {
  // The most specific entry decides: /settings/screening is not /settings.
  const item = [...unlistedItems, ...navItems]
    .filter((entry) => entry.path !== '/' && pathname.startsWith(entry.path))
    .sort((a, b) => b.path.length - a.path.length)[0]
  return !item?.permission || permissions.includes(item.permission)
}
