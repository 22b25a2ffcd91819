import { describe, expect, it } from 'vitest'
import { permissionsFor } from '#src/capabilities/accounts/accounts.policy.ts'
import type { Role } from '#src/capabilities/accounts/accounts.schema.ts'
import { pathAllowed, visibleNavItems } from '../../web/src/shell/navigation.ts'

/** The navigation a role's permissions give, as the server computes them for /api/me. */
const linksOf = (roles: Role[]) => visibleNavItems(permissionsFor(roles)).map((item) => item.label)

describe('navigation for a researcher', () => {
  it('lists the measurement pages and nothing that works on content, review, publishing or members', () => {
    expect(linksOf(['researcher'])).toEqual([
      'Dashboard',
      'Profile',
      'Disclosures',
      'Analytics',
      'Engagement',
      'Surveys',
    ])
  })

  it.each([
    ['/analytics', true],
    ['/engagement', true],
    ['/surveys', true],
    ['/surveys/some-survey', true],
    ['/surveys/new', false],
    ['/check', false],
    ['/content', false],
    ['/content/some-item', false],
    ['/review-queue', false],
    ['/publishing', false],
    ['/members', false],
    ['/audit', false],
    ['/settings/training', false],
  ] as const)('%s is open: %s', (path, open) => {
    expect(pathAllowed(path, permissionsFor(['researcher']))).toBe(open)
  })

  it('still lets editors and admins build a survey', () => {
    expect(pathAllowed('/surveys/new', permissionsFor(['editor']))).toBe(true)
    expect(pathAllowed('/surveys/new', permissionsFor(['admin']))).toBe(true)
  })
})
