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

export function visibleNavItems(permissions: readonly string[]): NavItem[] {
  return navItems.filter((item) => !item.permission || permissions.includes(item.permission))
}

/** Whether a path is open to someone with these permissions (unknown paths are left to the router). */
export function pathAllowed(pathname: string, permissions: readonly string[]): boolean {
  const item = navItems.find((entry) => entry.path !== '/' && pathname.startsWith(entry.path))
  return !item?.permission || permissions.includes(item.permission)
}
