import type { Permission } from '../api/types.ts'

export type NavItem = {
  label: string
  path: string
  /** Shown only to members whose current organisation grants this permission. */
  permission?: Permission
  /**
   * Who may open the page, when that is wider than who sees it listed: 'member' opens it to
   * every member (e.g. anyone may take the training; only authors have it in the navigation).
   */
  access?: 'member'
}

/** The main navigation, in order. A path here is reachable only with its permission. */
export const navItems: readonly NavItem[] = [
  { label: 'Dashboard', path: '/' },
  { label: 'Check a draft', path: '/check', permission: 'screening.use' },
  { label: 'Profile', path: '/profile' },
  { label: 'Disclosures', path: '/disclosures' },
  { label: 'My content', path: '/content', permission: 'content.create' },
  { label: 'Training', path: '/training', permission: 'content.create', access: 'member' },
  { label: 'Reviews', path: '/reviews', permission: 'review.perform' },
  { label: 'Review queue', path: '/review-queue', permission: 'review.manage' },
  { label: 'Publishing', path: '/publishing', permission: 'publishing.manage' },
  { label: 'Analytics', path: '/analytics', permission: 'analytics.read' },
  { label: 'Engagement', path: '/engagement', permission: 'analytics.read' },
  { label: 'Surveys', path: '/surveys', permission: 'analytics.read' },
  { label: 'Members', path: '/members', permission: 'members.read' },
  { label: 'Audit log', path: '/audit', permission: 'audit.read' },
  // Admins change the settings; every member may read the policy they work under.
  { label: 'Settings', path: '/settings', permission: 'organisation.manage', access: 'member' },
]

/** Pages reached from other pages rather than the navigation, with the permission each needs. */
const unlistedItems: readonly NavItem[] = [
  // One item: its author edits it, editors read it (the server checks which).
  { label: 'Item', path: '/content/', permission: 'screening.use' },
  // Every member may read the policy their drafts are screened under; admins edit it.
  { label: 'Screening policy', path: '/settings/screening', permission: 'screening.use' },
  { label: 'Training content', path: '/settings/training', permission: 'organisation.manage' },
  { label: 'Learning records', path: '/settings/learning-records', permission: 'organisation.manage' },
  { label: 'Organisation disclosures', path: '/disclosures/organisation', permission: 'members.read' },
  // Researchers read surveys' results; editors and admins build them.
  { label: 'New survey', path: '/surveys/new', permission: 'analytics.manage' },
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
  if (!item?.permission || item.access === 'member') return true
  return permissions.includes(item.permission)
}
